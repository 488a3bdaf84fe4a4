"""Great Expectations suites as blocking Dagster asset checks.

Each check has its suite run in the quality process (warehouse/quality_process.py), inside
DuckDB, on its table in the build file (the mart suites together, in one step) or on the
lake's new listings; a failure stops the publish step.
"""

from pathlib import Path

import dagster as dg

from dagster_project import faults
from dagster_project.defs.data_dir import DataDir
from dagster_project.lake import catalog
from dagster_project.lake.tables import lake_identity, latest_lake_build
from dagster_project.serve.docs_site import docs_url
from dagster_project.warehouse import quality_process, suite_runs
from dagster_project.warehouse.build_state import raw_validated_through, record_raw_validated
from dagster_project.warehouse.data_docs import localize
from dagster_project.warehouse.quality import SuiteOutcome

# suite name → the asset it checks; the suite name is also the table in the build file.
MART_SUITES = {"papers": "papers", "paper_authors": "paper_authors", "authors": "authors",
               "authors_count": "authors_count", "daily_counts": "daily_counts",
               "rejects": "rejects"}


def _check_result(outcome: SuiteOutcome, check: dict | None = None,
                  **extra) -> dg.AssetCheckResult:
    """check: which check it is (asset_key, check_name), for a step that runs several."""
    metadata = {"expectations evaluated": outcome.evaluated,
                "failures": "; ".join(outcome.failed) or "none", **extra}
    if outcome.not_applicable:
        metadata["not applicable"] = (f"{outcome.not_applicable} aggregate expectations: the "
                                      "table is empty, as it should be (no papers)")
    if outcome.docs_index:
        localize(Path(outcome.docs_index).parent)  # styled and listed with no network
        metadata["data docs"] = dg.MetadataValue.url(docs_url("quality/index.html"))
    return dg.AssetCheckResult(passed=outcome.success, metadata=metadata,
                               severity=dg.AssetCheckSeverity.ERROR, **(check or {}))


@dg.asset_check(asset="lake_listings", name="gx_raw_listings", blocking=True,
                description="Great Expectations suite expectations/raw_listings.json, run on "
                "the listings of the lake builds not yet validated")
def raw_listings_check(data_dir: DataDir) -> dg.AssetCheckResult:
    paths = data_dir.paths
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
    outcome = quality_process.run(suite_runs.validate_new_listings, paths.lake, paths.temp,
                                  validated, paths.quality_docs)
    if outcome.success:
        record_raw_validated(paths, identity, latest)
    return _check_result(outcome, **{"listings validated": pending,
                                     "lake builds": f"{validated + 1}..{latest}"})


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(f"gx_{suite}", asset=asset, blocking=True,
                             description=f"Great Expectations suite expectations/{suite}.json")
           for suite, asset in MART_SUITES.items()],
    name="gx_marts",
)
def mart_checks(data_dir: DataDir):
    """The mart suites in one step: one GX checkpoint, one Data Docs update."""
    paths = data_dir.paths
    faults.inject("checks")
    outcomes = quality_process.run(suite_runs.validate_marts, list(MART_SUITES),
                                   paths.build_db, paths.temp, paths.quality_docs)
    for suite, asset in MART_SUITES.items():
        yield _check_result(outcomes[suite], {"asset_key": asset, "check_name": f"gx_{suite}"})


QUALITY_CHECKS = [raw_listings_check, mart_checks]
