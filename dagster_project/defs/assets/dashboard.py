"""The dashboard: DIR/dashboard.html, written after every publish from the published
warehouse (serve/dashboard/), with the checks this run passed."""

import time

import dagster as dg

from dagster_project.defs.data_dir import DataDir
from dagster_project.serve.dashboard.page import BuildHealth, write_dashboard


@dg.asset(
    deps=["warehouse"],
    group_name="warehouse",
    kinds={"html"},
    description="DIR/dashboard.html: papers over time, top papers and their votes, prolific "
    "authors, rising keywords and categories, and the build's health, in one file that "
    "opens offline (`papers-warehouse dashboard` says where it is).",
)
def dashboard(context: dg.AssetExecutionContext, data_dir: DataDir) -> dg.MaterializeResult:
    started = time.monotonic()
    paths = data_dir.paths
    passed, total = _checks_of_this_run(context)
    target = write_dashboard(paths.warehouse, paths.dashboard,
                             BuildHealth(passed, total, context.run.run_id))
    context.log.info(f"dashboard written: {target}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(target)),
        "bytes": target.stat().st_size,
        "checks passed": passed,
        "checks": total,
        "seconds": round(time.monotonic() - started, 2),
    })


def _checks_of_this_run(context: dg.AssetExecutionContext) -> tuple[int, int]:
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    results = [record.event_log_entry.dagster_event.event_specific_data.passed
               for record in records]
    return sum(results), len(results)
