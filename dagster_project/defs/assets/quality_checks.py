"""Great Expectations suites as blocking Dagster asset checks.

Each check reads only the columns its suite needs from the build file (or the lake) and
validates them with GX in this process, in batches where the suite's expectations hold row
by row; a failure stops the publish step.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from dagster_project.lake import catalog
from dagster_project.lake.tables import lake_identity, latest_lake_build
from dagster_project.settings import data_paths
from dagster_project.warehouse import quality
from dagster_project.warehouse.build_state import raw_validated_through, record_raw_validated

CHECK_BATCH_ROWS = 200_000
CHECK_BATCH_PAPERS = 100_000

# suite name → the asset it checks; the suite name is also the table in the build file.
MART_SUITES = {"papers": "papers", "paper_authors": "paper_authors", "authors": "authors",
               "authors_count": "authors_count", "daily_counts": "daily_counts",
               "rejects": "rejects"}


def _suite_parameters(connection: duckdb.DuckDBPyConnection) -> dict:
    """Totals other tables must agree with (e.g. authors_count must add up to papers)."""
    papers_total, dated_papers, named_papers = connection.execute(
        "select count(*), count(published_date), count(author_names) from papers").fetchone()
    return {"papers_total": papers_total, "papers_with_published_date": dated_papers,
            "papers_with_author_names": named_papers}


def _check_result(outcome: quality.SuiteOutcome, **extra) -> dg.AssetCheckResult:
    metadata = {"expectations evaluated": outcome.evaluated,
                "failures": "; ".join(outcome.failed) or "none", **extra}
    if outcome.docs_index:
        metadata["data docs"] = dg.MetadataValue.url(Path(outcome.docs_index).as_uri())
    return dg.AssetCheckResult(passed=outcome.success, metadata=metadata,
                               severity=dg.AssetCheckSeverity.ERROR)


def _columns_sql(suite: str) -> str:
    return ", ".join(f'"{column}"' for column in quality.suite_columns(suite))


@dg.asset_check(asset="lake_listings", name="gx_raw_listings", blocking=True,
                description="Great Expectations suite expectations/raw_listings.json, run in "
                "batches on the listings of the lake builds not yet validated")
def raw_listings_check() -> dg.AssetCheckResult:
    paths = data_paths()
    with catalog.connect(paths.lake, paths.temp, read_only=True) as connection:
        identity = lake_identity(connection)
        validated = raw_validated_through(paths, identity)
        latest = latest_lake_build(connection)
        pending = connection.execute(
            "select count(*) from lake.listings where lake_build > ?", [validated]).fetchone()[0]
        if not pending:
            record_raw_validated(paths, identity, latest)
            return dg.AssetCheckResult(passed=True, metadata={
                "listings validated": 0, "note": "no new listings since the last passing check"})
        batches = connection.execute(
            f"select {_columns_sql('raw_listings')} from lake.listings where lake_build > ?",
            [validated]).to_arrow_reader(CHECK_BATCH_ROWS)
        outcome = quality.validate_batches("raw_listings", ((b, None) for b in batches),
                                           docs_dir=paths.quality_docs)
    if outcome.success:
        record_raw_validated(paths, identity, latest)
    return _check_result(outcome, **{"listings validated": pending,
                                     "lake builds": f"{validated + 1}..{latest}"})


def _mart_check(suite: str, asset: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"gx_{suite}", blocking=True,
                    description=f"Great Expectations suite expectations/{suite}.json")
    def _check() -> dg.AssetCheckResult:
        paths = data_paths()
        connection = duckdb.connect(str(paths.build_db), read_only=True)
        try:
            parameters = _suite_parameters(connection)
            outcome = quality.validate_batches(suite, _mart_batches(connection, suite,
                                                                    parameters),
                                               docs_dir=paths.quality_docs)
        finally:
            connection.close()
        return _check_result(outcome)

    return _check


def _mart_batches(connection: duckdb.DuckDBPyConnection, suite: str,
                  parameters: dict) -> Iterator[tuple[pa.Table, dict]]:
    """The suite's columns of its table, in batches where the suite means what it means on
    the whole table: row batches for row-wise suites, whole papers for paper_authors (its
    count of distinct papers is checked per range of papers), else one batch."""
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


QUALITY_CHECKS = [raw_listings_check] + [
    _mart_check(suite, asset) for suite, asset in MART_SUITES.items()
]
