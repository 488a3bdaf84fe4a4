"""What each Great Expectations suite validates, read straight from the build file or the
lake, in batches: the functions the quality process (quality_process.py) runs.

Each reads only the columns its suite needs, in batches where the suite means what it
means on the whole table: row batches for row-wise suites, whole ranges of papers for
paper_authors (its count of distinct papers is checked per range), else one batch.
"""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.lake import catalog
from dagster_project.warehouse import quality

CHECK_BATCH_ROWS = 200_000
CHECK_BATCH_PAPERS = 100_000


def validate_new_listings(lake_dir: Path, temp_dir: Path, after_build: int,
                          docs_dir: Path) -> quality.SuiteOutcome:
    """The raw suite on the listings of lake builds after `after_build`."""
    with catalog.connect(lake_dir, temp_dir, read_only=True) as connection:
        batches = connection.execute(
            f"select {_columns_sql('raw_listings')} from lake.listings where lake_build > ?",
            [after_build]).to_arrow_reader(CHECK_BATCH_ROWS)
        return quality.validate_batches("raw_listings", ((b, None) for b in batches),
                                        docs_dir=docs_dir)


def validate_mart(suite: str, build_db: Path, docs_dir: Path) -> quality.SuiteOutcome:
    """The suite on its table in the build file (the suite's name is the table's)."""
    connection = duckdb.connect(str(build_db), read_only=True)
    try:
        parameters = suite_parameters(connection)
        return quality.validate_batches(suite, _mart_batches(connection, suite, parameters),
                                        docs_dir=docs_dir)
    finally:
        connection.close()


def suite_parameters(connection: duckdb.DuckDBPyConnection) -> dict:
    """Totals other tables must agree with (e.g. authors_count must add up to papers)."""
    papers_total, dated_papers, named_papers = connection.execute(
        "select count(*), count(published_date), count(author_names) from papers").fetchone()
    return {"papers_total": papers_total, "papers_with_published_date": dated_papers,
            "papers_with_author_names": named_papers}


def _columns_sql(suite: str) -> str:
    return ", ".join(f'"{column}"' for column in quality.suite_columns(suite))


def _mart_batches(connection: duckdb.DuckDBPyConnection, suite: str,
                  parameters: dict) -> Iterator[tuple[pa.Table, dict]]:
    select = f"select {_columns_sql(suite)} from {suite}"
    if suite == "paper_authors":
        yield from _paper_range_batches(connection, select, parameters)
    elif quality.batchable(suite):
        reader = connection.execute(select).to_arrow_reader(CHECK_BATCH_ROWS)
        yield from ((pa.Table.from_batches([batch]), parameters) for batch in reader)
    else:  # aggregate expectations over small tables (authors_count, daily_counts)
        yield connection.sql(select).to_arrow_table(), parameters


def _paper_range_batches(connection: duckdb.DuckDBPyConnection, select: str,
                         parameters: dict) -> Iterator[tuple[pa.Table, dict]]:
    """paper_authors for CHECK_BATCH_PAPERS papers at a time, each range with its own
    expected number of papers with author names."""
    starts = [row[0] for row in connection.execute(
        "select paper_id from (select paper_id, row_number() over (order by paper_id) as n "
        "from papers where author_names is not null) where n % ? = 1 order by paper_id",
        [CHECK_BATCH_PAPERS]).fetchall()]
    if not starts:
        yield connection.sql(select).to_arrow_table(), parameters
        return
    for start, end in zip(starts, [*starts[1:], None], strict=True):
        bounds = "paper_id >= ?" + (" and paper_id < ?" if end is not None else "")
        values = [start] + ([end] if end is not None else [])
        named = connection.execute(
            f"select count(*) from papers where author_names is not null and {bounds}",
            values).fetchone()[0]
        rows = connection.execute(f"{select} where {bounds}", values).to_arrow_table()
        yield rows, {**parameters, "papers_with_author_names": named}
