"""`papers-warehouse build`: run the Dagster job in-process on the project's instance."""

import sys
import time

from dagster_project.defs.instance import ensure_dagster_home
from dagster_project.settings import use_data_dir

UP_TO_DATE = ("up to date: nothing in {raw}, the lake or the code changed since the last "
              "publish of {warehouse}; nothing to check, nothing published (no Dagster run)")
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_build(data_dir: str | None) -> int:
    paths = use_data_dir(data_dir)
    if not paths.raw.is_dir():
        print(f"error: no raw dir at {paths.raw}; create it and put scraped pages there "
              "(or pass --data-dir)", file=sys.stderr)
        return 1
    from dagster_project.warehouse.up_to_date import is_up_to_date

    if is_up_to_date(paths):
        print(UP_TO_DATE.format(raw=paths.raw, warehouse=paths.warehouse))
        return 0
    ensure_dagster_home()
    from dagster_project.warehouse import quality_process

    quality_process.start()  # GX loads in its own process while Dagster loads here

    from dagster_project.warehouse.dbt_project import manifest_is_stale, prepare_manifest

    if manifest_is_stale():
        print("preparing the dbt manifest (dbt parse)…", file=sys.stderr)
        prepare_manifest()

    import dagster as dg

    from dagster_project.defs.build_summary import summarize
    from dagster_project.defs.definitions import BUILD_JOB_NAME, defs

    started = time.monotonic()
    job = defs.resolve_job_def(BUILD_JOB_NAME)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.get(), run_config=QUIET_LOGS, raise_on_error=False
    )
    print(summarize(result, paths, time.monotonic() - started))
    return 0 if result.success else 1
