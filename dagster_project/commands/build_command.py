"""`papers-warehouse build`: run the Dagster job in-process on the data dir's instance."""

import logging
import sys
import time

from dagster_project.commands.disk_full import disk_full_message, error_chain_text
from dagster_project.commands.instance import cli_instance, ensure_dagster_home
from dagster_project.defs.run_tags import run_tags
from dagster_project.defs.stop_signals import stop_requested, watch
from dagster_project.settings import DataPaths, use_data_dir

UP_TO_DATE = ("up to date: nothing in {raw}, the lake or the code changed since the last "
              "publish of {warehouse}; nothing to check, nothing published (no Dagster run)")
# 128 + SIGINT, as shells report a command stopped by Ctrl-C. SIGTERM stops a build the same
# way: while the job runs, Dagster hands it to the same interrupt handling as SIGINT.
INTERRUPTED = 130
# The stages as they go (defs/build_progress.py); --verbose: every record of the run log.
PROGRESS_LOGS = {"loggers": {"progress": {}}}
VERBOSE_LOGS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
# Dagster's executor warns through Python logging that a downstream step "will proceed without
# gating" when a build with nothing new skipped dbt (so its checks emitted nothing): expected.
EXECUTOR_LOGGER = "dagster._core.execution.plan.active"


def run_build(data_dir: str | None, verbose: bool = False) -> int:
    paths = use_data_dir(data_dir)
    if not paths.raw.is_dir():
        print(f"error: no raw dir at {paths.raw}; create it and put scraped pages there "
              "(or pass --data-dir)", file=sys.stderr)
        return 1
    from dagster_project.warehouse.build_state import is_up_to_date

    if is_up_to_date(paths):
        print(UP_TO_DATE.format(raw=paths.raw, warehouse=paths.warehouse))
        return 0
    try:
        return _run(paths, verbose)
    except Exception as error:
        message = disk_full_message(paths, error_chain_text(error))
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 1


def _run(paths: DataPaths, verbose: bool) -> int:
    ensure_dagster_home(paths)
    from dagster_project.warehouse import quality_process

    quality_process.start()  # GX loads in its own process while Dagster loads here

    from dagster_project.warehouse.dbt_project import manifest_is_stale, prepare_manifest

    if manifest_is_stale():
        print("preparing the dbt manifest (dbt parse)…", file=sys.stderr)
        prepare_manifest()

    # Dagster loads only now: the up-to-date answer above needs nothing but the stdlib.
    from dagster._core.utils import make_new_run_id

    from dagster_project.commands.build_summary import summarize
    from dagster_project.definitions import defs
    from dagster_project.defs.build_console import hide_interrupts_in_the_instance_storage
    from dagster_project.defs.jobs import BUILD_JOB_NAME

    started = time.monotonic()
    job = defs().resolve_job_def(BUILD_JOB_NAME)
    instance = cli_instance(paths)
    run_id = make_new_run_id()
    try:
        if not verbose:
            logging.getLogger(EXECUTOR_LOGGER).setLevel(logging.ERROR)
        run_config = {**(VERBOSE_LOGS if verbose else PROGRESS_LOGS),
                      "resources": {"data_dir": {"config": {"path": str(paths.root)}}}}
        watch()
        hide_interrupts_in_the_instance_storage()
        result = job.execute_in_process(instance=instance, run_config=run_config,
                                        raise_on_error=False, run_id=run_id,
                                        tags=run_tags("cli", paths.root))
    except KeyboardInterrupt:  # a second Ctrl-C, while Dagster was already stopping
        result = None
    if result is None or was_interrupted(result) or stop_requested():
        return _interrupted(instance, run_id, paths)
    print(summarize(result, paths, time.monotonic() - started))
    if not result.success:
        message = disk_full_message(paths, failure_text(result))
        if message:
            print(message, file=sys.stderr)
    return 0 if result.success else 1


def failure_text(result) -> str:
    """Every error of the run's failed steps, causes included."""
    texts = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None:
                texts.append(error.to_string())
                error = error.cause
    return "\n".join(texts)


def was_interrupted(result) -> bool:
    """Ctrl-C (SIGINT) or SIGTERM stopped a step: Dagster reports that as a failure."""
    return any(event.is_step_failure
               and event.step_failure_data.error.cls_name == "DagsterExecutionInterruptedError"
               for event in result.all_events)


def _interrupted(instance, run_id: str, paths) -> int:
    """Mark the run canceled (the user stopped it; nothing failed) and say what is left."""
    run = instance.get_run_by_id(run_id)
    if run is not None and (not run.is_finished or run.is_failure):
        instance.report_run_canceled(run, message="stopped by the user (Ctrl-C or SIGTERM)")
    state = "is unchanged" if paths.warehouse.exists() else "was not created"
    print(f"\ninterrupted: build stopped (Dagster run {run_id} canceled); "
          f"{paths.warehouse} {state}. Build again to finish: the lake keeps what it "
          "committed.", file=sys.stderr)
    return INTERRUPTED
