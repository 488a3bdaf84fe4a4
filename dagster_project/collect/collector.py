"""Collect a range of listing days into raw/: the one code path of the CLI and Dagster.

Upvotes keep moving for one to two weeks after a paper is listed, so the last RECENT_DAYS
days (listing_days.py) are fetched again on every run, and a day whose body changed is saved
as a new file (a new sighting of its papers). Older days already saved are skipped unless
`refresh`: that makes `collect --since 2023-05-04` resumable. A day whose body is
byte-identical to the newest file saved for it is not saved again.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from dagster_project.collect.daily_papers_api import (
    API_PATH,
    PAGE_SIZE,
    DailyPapersApi,
    DayFailed,
)
from dagster_project.collect.listing_days import recent_days, utc_today
from dagster_project.collect.saved_days import Request, collected_days, newest_body, save_day

SAVED, UNCHANGED, FAILED = "saved", "unchanged", "failed"


@dataclass(frozen=True)
class DayOutcome:
    day: date
    status: str  # SAVED, UNCHANGED or FAILED
    papers: int = 0
    pages: int = 0
    bytes: int = 0
    requests: int = 0
    file: Path | None = None  # the new file, or the unchanged newest one
    reason: str | None = None  # why it failed

    @property
    def changed(self) -> bool:
        return self.status == SAVED

    def line(self) -> str:
        """What happened to the day, in words."""
        if self.status == FAILED:
            return f"FAILED: {self.reason}"
        if self.status == UNCHANGED:
            return f"unchanged: same as {self.file.name}, not saved again"
        if not self.papers:
            return f"saved {self.file.name}: no papers that day (an empty list)"
        return (f"saved {self.file.name}: {plural(self.papers, 'paper')}, "
                f"{plural(self.pages, 'page')}, {_size(self.bytes)}")


@dataclass
class CollectReport:
    skipped: list[date] = field(default_factory=list)
    outcomes: list[DayOutcome] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def with_status(self, status: str) -> list[DayOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def failed(self) -> list[DayOutcome]:
        return self.with_status(FAILED)


def collect_days(api: DailyPapersApi, raw_dir: Path, days: list[date], *,
                 refresh: bool = False, today: date | None = None,
                 on_day: Callable[[int, int, DayOutcome], None] | None = None,
                 report: CollectReport | None = None) -> CollectReport:
    """Fetch and save each day in order. A failed day is recorded and the run goes on;
    EndpointUnreachable (no connection at all) stops it. Pass `report` to keep what was
    done when the run is interrupted."""
    report = report if report is not None else CollectReport()
    today = today or utc_today()
    settled_before = recent_days(today)[0]
    saved = collected_days(raw_dir)
    to_fetch = []
    for day in days:
        if day < settled_before and day in saved and not refresh:
            report.skipped.append(day)
        else:
            to_fetch.append(day)
    started = time.monotonic()
    requests_before = api.requests
    try:
        for number, day in enumerate(to_fetch, start=1):
            outcome = collect_day(api, raw_dir, day, saved.get(day, []))
            report.outcomes.append(outcome)
            if on_day:
                on_day(number, len(to_fetch), outcome)
    finally:
        report.requests = api.requests - requests_before
        report.seconds = time.monotonic() - started
    return report


def collect_day(api: DailyPapersApi, raw_dir: Path, day: date,
                saved_files: list[Path] | None = None) -> DayOutcome:
    """Fetch one day and save it unless its body is the newest saved one, byte for byte.
    `saved_files`: the day's files already in raw/ (looked up when not given)."""
    if saved_files is None:
        saved_files = collected_days(raw_dir).get(day, [])
    fetched_at = datetime.now(UTC)
    requests_before = api.requests
    try:
        listing = api.fetch_day(day)
    except DayFailed as failure:
        return DayOutcome(day, FAILED, requests=api.requests - requests_before,
                          reason=str(failure))
    facts = {"papers": listing.papers, "pages": listing.pages, "bytes": len(listing.body),
             "requests": listing.requests}
    if saved_files and newest_body(saved_files) == listing.body:
        return DayOutcome(day, UNCHANGED, file=saved_files[-1], **facts)
    request = Request(api.endpoint, API_PATH, day, PAGE_SIZE, listing.pages, listing.requests)
    path = save_day(raw_dir, listing.body, request, listing.papers, fetched_at,
                    first=not saved_files)
    return DayOutcome(day, SAVED, file=path, **facts)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _size(count: int) -> str:
    return f"{count / 1000:.1f} kB" if count >= 1000 else f"{count} bytes"
