"""The landing zone: which raw files exist, their content hash and their scrape date."""

import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"
LEADING_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# A scrape time later than now by more than this is a mistake, not a clock's skew (a name's
# date is the scraper's local day, up to 14 hours ahead of UTC).
FUTURE_SKEW = timedelta(days=1)


class ScrapeTimeError(ValueError):
    """The file's scrape time cannot be told, or cannot be true."""


class SidecarError(ScrapeTimeError):
    """A sidecar exists but does not say when the page was scraped."""


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Raw files in a stable order; sidecars and hidden files are not raw pages. Symbolic
    links and special files (a FIFO, a socket, a device) are listed too, so that ingest can
    say why it does not read them."""
    if not raw_dir.is_dir():
        return []
    return sorted(
        path
        for path in raw_dir.rglob("*")
        if not path.is_dir()  # files, links and special files: ingest judges each
        and not path.name.endswith(SIDECAR_SUFFIX)
        and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sidecar_for(path: Path) -> Path | None:
    """`page.txt.meta.json` or `page.meta.json`, whichever exists."""
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX),
                      path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def scrape_time(path: Path, now: datetime | None = None) -> datetime:
    """When the page was scraped: sidecar, then an ISO date leading the name, then mtime.
    A time more than FUTURE_SKEW after now raises ScrapeTimeError."""
    sidecar = sidecar_for(path)
    if sidecar is not None:
        found, source = _read_sidecar(sidecar), f"{sidecar.name} says it was scraped"
    else:
        found, source = _time_from_name(path), "the date leading its name is"
        if found is None:
            found = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            source = "its modification time is"
    now = now or datetime.now(UTC)
    if found > now + FUTURE_SKEW:
        raise ScrapeTimeError(f"scrape time in the future: {source} {found:%Y-%m-%d %H:%M} "
                              f"UTC, after now ({now:%Y-%m-%d %H:%M} UTC); fix the date")
    return found


def _time_from_name(path: Path) -> datetime | None:
    leading = LEADING_ISO_DATE.match(path.name)
    if not leading:
        return None
    try:
        day = date.fromisoformat(leading[1])
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _read_sidecar(sidecar: Path) -> datetime:
    try:
        value = json.loads(sidecar.read_text(encoding="utf-8"))["scraped_at"]
        scraped_at = datetime.fromisoformat(value)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError) as problem:
        raise SidecarError(
            f"{sidecar.name} must be JSON like {{\"scraped_at\": \"2025-12-12T09:00:00Z\"}} "
            f"({type(problem).__name__}: {problem})"
        ) from problem
    if scraped_at.tzinfo is None:  # a naive time is taken as UTC
        scraped_at = scraped_at.replace(tzinfo=UTC)
    return scraped_at.astimezone(UTC)
