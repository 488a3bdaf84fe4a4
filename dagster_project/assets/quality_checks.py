"""Great Expectations suites as blocking Dagster asset checks.

Each check reads only the columns its suite needs from the build file (or the lake) and
validates them with GX in this process; a failure stops the publish step.
"""

from pathlib import Path

import dagster as dg
import duckdb

from dagster_project import quality
from dagster_project.lake import Lake
from dagster_project.settings import data_paths

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


def _check_result(suite: str, frame, parameters: dict | None) -> dg.AssetCheckResult:
    docs_dir = data_paths().quality_docs
    outcome = quality.validate(suite, frame, parameters=parameters, docs_dir=docs_dir)
    metadata = {"expectations evaluated": outcome.evaluated,
                "failures": "; ".join(outcome.failed) or "none"}
    if outcome.docs_index:
        metadata["data docs"] = dg.MetadataValue.url(Path(outcome.docs_index).as_uri())
    return dg.AssetCheckResult(passed=outcome.success, metadata=metadata,
                               severity=dg.AssetCheckSeverity.ERROR)


def _columns_sql(suite: str) -> str:
    return ", ".join(f'"{column}"' for column in quality.suite_columns(suite))


@dg.asset_check(asset="lake_listings", name="gx_raw_listings", blocking=True,
                description="Great Expectations suite expectations/raw_listings.json, run on "
                "the lake files not yet validated (raw files never change once in the lake)")
def raw_listings_check() -> dg.AssetCheckResult:
    lake = Lake(data_paths().lake)
    in_lake = {entry.file_id for entry in lake.read_manifest().values() if entry.records}
    validated = lake.read_validated() & in_lake
    pending = sorted(in_lake - validated)
    if not pending:
        return dg.AssetCheckResult(passed=True, metadata={
            "files validated": 0, "note": "no new listings since the last passing check"})
    connection = duckdb.connect()
    try:
        frame = connection.read_parquet(
            [str(lake.listings_file(file_id)) for file_id in pending], union_by_name=True,
        ).select(_columns_sql("raw_listings")).to_arrow_table()
    finally:
        connection.close()
    result = _check_result("raw_listings", frame, None)
    if result.passed:
        lake.write_validated(validated | set(pending))
    return result


def _mart_check(suite: str, asset: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"gx_{suite}", blocking=True,
                    description=f"Great Expectations suite expectations/{suite}.json")
    def _check() -> dg.AssetCheckResult:
        connection = duckdb.connect(str(data_paths().build_db), read_only=True)
        try:
            frame = connection.sql(f"select {_columns_sql(suite)} from {suite}").to_arrow_table()
            parameters = _suite_parameters(connection)
        finally:
            connection.close()
        return _check_result(suite, frame, parameters)

    return _check


QUALITY_CHECKS = [raw_listings_check] + [
    _mart_check(suite, asset) for suite, asset in MART_SUITES.items()
]
