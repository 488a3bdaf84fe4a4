"""What each Great Expectations suite validates: the functions the quality process
(quality_process.py) runs. Every suite runs inside DuckDB (quality.validate_table).

The mart suites read their tables in the build file, in one GX checkpoint. The raw suite
reads the listings of the lake builds not yet validated, copied by DuckDB into a scratch
file of their own (the GX datasource opens a database file; the lake is a catalog it cannot
attach): the copy is as large as the change, not as the lake.
"""

from pathlib import Path

import duckdb

from dagster_project.duckdb_extensions import sql_string
from dagster_project.lake import catalog
from dagster_project.settings import duckdb_config
from dagster_project.warehouse import quality
from dagster_project.warehouse.state_files import wal_of

RAW_SUITE = "raw_listings"


def validate_new_listings(lake_dir: Path, temp_dir: Path, after_build: int,
                          docs_dir: Path) -> quality.SuiteOutcome:
    """The raw suite on the listings of lake builds after `after_build`."""
    scratch = temp_dir / f"{RAW_SUITE}_check.duckdb"
    scratch.unlink(missing_ok=True)
    try:
        with catalog.connect(lake_dir, temp_dir, read_only=True) as connection:
            connection.execute(f"attach {sql_string(str(scratch))} as scratch")
            connection.execute(
                f"create table scratch.{RAW_SUITE} as select {_columns_sql(RAW_SUITE)} "
                "from lake.listings where lake_build > ?", [after_build])
            connection.execute("detach scratch")
        return quality.validate_table(RAW_SUITE, scratch, docs_dir=docs_dir,
                                      config=duckdb_config(temp_dir))
    finally:
        scratch.unlink(missing_ok=True)
        wal_of(scratch).unlink(missing_ok=True)


def validate_marts(suites: list[str], build_db: Path, temp_dir: Path,
                   docs_dir: Path) -> dict[str, quality.SuiteOutcome]:
    """Each suite on its table in the build file (the suite's name is the table's)."""
    config = duckdb_config(temp_dir)  # every open of the file in this process alike
    connection = duckdb.connect(str(build_db), read_only=True, config=config)
    try:
        parameters = suite_parameters(connection)
    finally:
        connection.close()
    return quality.validate_tables(suites, build_db, parameters, docs_dir, config)


def suite_parameters(connection: duckdb.DuckDBPyConnection) -> dict:
    """Totals other tables must agree with (e.g. authors_count must add up to papers)."""
    papers_total, dated_papers, named_papers = connection.execute(
        "select count(*), count(published_date), count(author_names) from papers").fetchone()
    return {"papers_total": papers_total, "papers_with_published_date": dated_papers,
            "papers_with_author_names": named_papers}


def _columns_sql(suite: str) -> str:
    return ", ".join(f'"{column}"' for column in quality.suite_columns(suite))
