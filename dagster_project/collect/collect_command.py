"""`papers-warehouse collect`: fetch listing days into DIR/raw, a line per day."""

import sys
from datetime import date

from dagster_project.collect.collector import (
    FAILED,
    SAVED,
    UNCHANGED,
    CollectReport,
    DayOutcome,
    collect_days,
    plural,
)
from dagster_project.collect.daily_papers_api import (
    DailyPapersApi,
    EndpointUnreachable,
    RetryPolicy,
    endpoint_from,
)
from dagster_project.collect.listing_days import (
    RECENT_DAYS,
    days_between,
    recent_days,
    utc_today,
)
from dagster_project.command_hint import command
from dagster_project.data_dir_lock import collect_lock
from dagster_project.settings import data_paths

INTERRUPTED = 130  # 128 + SIGINT


class BadRange(ValueError):
    """The dates asked for cannot be collected."""


def days_asked(on: date | None, since: date | None, until: date | None,
               today: date) -> list[date]:
    """--date D, or --since D [--until D] (until defaults to today), or the recent window."""
    if on is not None:
        first = last = on
    elif since is not None:
        first, last = since, until or today
    elif until is not None:
        raise BadRange("--until needs --since")
    else:
        first, last = recent_days(today)
    if last < first:
        raise BadRange(f"--until {last} is before --since {first}")
    if last > today:
        raise BadRange(f"{last} is in the future (today is {today}, UTC): the Hub has "
                       "no listing for it yet")
    return days_between(first, last)


def run_collect(on: date | None, since: date | None, until: date | None,
                endpoint: str | None, data_dir: str | None, refresh: bool,
                retries: int) -> int:
    today = utc_today()
    try:
        days = days_asked(on, since, until, today)
    except BadRange as bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    paths = data_paths(data_dir)
    api = DailyPapersApi(endpoint_from(endpoint), RetryPolicy(max_retries=retries))
    report = CollectReport()
    print(f"collecting {_span(days)} from {api.url} into {paths.raw}")
    try:
        with collect_lock(paths, on_wait=lambda message: print(message, file=sys.stderr)):
            collect_days(api, paths.raw, days, refresh=refresh, today=today,
                         on_day=_print_day, report=report)
    except EndpointUnreachable as unreachable:
        print(f"error: {unreachable}; {_kept(report)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: {_kept(report)}; run the same command again to go on "
              f"(saved days older than {RECENT_DAYS} days are skipped)", file=sys.stderr)
        return INTERRUPTED
    print(summary(report))
    if report.failed:
        print(f"failed: {', '.join(str(outcome.day) for outcome in report.failed)} (reasons "
              "above); the other days are saved: run again to retry these", file=sys.stderr)
    if report.with_status(SAVED):
        print(f"next, build the warehouse: {command('build', data_dir=paths.root)}")
    return 1 if report.failed else 0


def summary(report: CollectReport) -> str:
    fetched = len(report.outcomes)
    rate = f" ({report.requests / report.seconds:.1f}/s)" if report.seconds > 0 else ""
    counts = ", ".join(f"{len(report.with_status(status))} {status}"
                       for status in (SAVED, UNCHANGED, FAILED))
    skipped = ""
    if report.skipped:
        skipped = (f"; {len(report.skipped):,} skipped (saved before and older than "
                   f"{RECENT_DAYS} days: --refresh fetches them again)")
    return (f"{plural(fetched, 'day')} fetched in {report.seconds:.1f} s, "
            f"{plural(report.requests, 'page request')}{rate}: {counts}{skipped}")


def _print_day(number: int, total: int, outcome: DayOutcome) -> None:
    width = len(str(total))
    print(f"[{number:>{width}}/{total}] {outcome.day}  {outcome.line()}", flush=True)


def _span(days: list[date]) -> str:
    if len(days) == 1:
        return f"{days[0]}"
    return f"{len(days):,} days, {days[0]} to {days[-1]},"


def _kept(report: CollectReport) -> str:
    saved = len(report.with_status(SAVED))
    if saved == 0:
        return "nothing saved"
    return f"{plural(saved, 'day')} saved before it stopped (kept)"
