"""When jobs run by themselves: the build on new or changed raw files (sensor) or daily
(schedule); collecting the last days every morning (schedule, then the sensor builds).

They only act while the Dagster daemon runs (`make ui`); `papers-warehouse build` and the
tests run the job directly and never meet them.
"""

import hashlib
import os
from pathlib import Path

import dagster as dg

from dagster_project.collect.listing_days import days_between, recent_days
from dagster_project.defs.data_dir import DataDir
from dagster_project.defs.jobs import build_warehouse, collect_daily_papers
from dagster_project.defs.run_tags import run_tags

SENSOR_INTERVAL_SECONDS = 30


def raw_dir_fingerprint(raw_dir: Path) -> str:
    """A digest of every raw file's path, size and mtime (sidecars included: they set the
    scrape date; hidden files excluded, as the ingest does). Cheap: a directory walk with
    os.scandir, no file is opened."""
    digest = hashlib.sha256()
    for relative, size, mtime_ns in sorted(_listing(raw_dir, "")):
        digest.update(f"{relative}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


def _listing(directory: Path, prefix: str):
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=True):
            yield from _listing(Path(entry.path), relative + "/")
        elif entry.is_file(follow_symlinks=True):
            stat = entry.stat(follow_symlinks=True)
            yield relative, stat.st_size, stat.st_mtime_ns


def raw_files_decision(current: str, cursor: str | None, tags: dict[str, str]) -> dg.SensorResult:
    """Run when the raw dir differs from the listing the sensor saw last.

    The very first look (no cursor yet) only records the listing: files that were there
    before the sensor existed are the user's to build (`papers-warehouse build`, or
    "Materialize all"), so starting the UI never launches a surprise build.
    """
    if cursor is None:
        return dg.SensorResult(skip_reason="first look at the raw dir: listing recorded",
                               cursor=current)
    if current == cursor:
        return dg.SensorResult(skip_reason="no new or changed raw files", cursor=current)
    # No run key: Dagster would skip a listing seen before (a file removed, then put back).
    return dg.SensorResult(
        run_requests=[dg.RunRequest(tags={"papers_warehouse/raw_listing": current[:16],
                                          **tags})],
        cursor=current)


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    # On by default: with `make ui` running, a file dropped into the raw dir gets built.
    # It never fires for files that were there before its first look (see above), and only
    # the daemon evaluates it: CLI builds and the tests never meet it.
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Builds the warehouse when files in the raw dir are added, changed or "
    "removed (compares names, sizes and mtimes; reads no file).",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, data_dir: DataDir) -> dg.SensorResult:
    raw_dir = data_dir.paths.raw
    result = raw_files_decision(raw_dir_fingerprint(raw_dir), context.cursor,
                                run_tags("sensor", data_dir.paths.root))
    if result.run_requests:
        context.log.info(f"raw files in {raw_dir} changed: requesting a build")
    return result


daily_build = dg.ScheduleDefinition(
    name="build_warehouse_daily",
    job=build_warehouse,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    # Off by default: the sensor already reacts to new files; switch this on for a build
    # at a fixed time (e.g. when raw files arrive on a share whose mtimes cannot be trusted).
    default_status=dg.DefaultScheduleStatus.STOPPED,
    tags=run_tags("schedule"),
    description="Builds the warehouse every day at 06:00 UTC. A build with nothing new "
    "skips dbt, the checks and the publish.",
)


@dg.schedule(
    name="collect_recent_days",
    job=collect_daily_papers,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    # Off by default: collecting talks to the Hub; switch it on in the UI to collect daily.
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every morning at 05:00 UTC, collects today and the 14 days before it (one "
    "run per day: votes settle over about two weeks). A day that changed lands in raw/ as "
    "a new file, and the raw-files sensor then builds the warehouse.",
)
def collect_recent_days(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    today = context.scheduled_execution_time.date()
    return [dg.RunRequest(run_key=f"{day}@{today}", partition_key=day.isoformat(),
                          tags=run_tags("schedule"))
            for day in days_between(*recent_days(today))]
