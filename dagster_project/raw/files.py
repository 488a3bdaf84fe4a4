"""The landing zone: which raw files exist, their names as the lake stores them, which ones
are not read and why, their stat and content hash, and their scrape date."""

import hashlib
import json
import re
import stat
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


def raw_key(path: Path, raw_dir: Path) -> str:
    """The file's name relative to raw/, as the lake stores it (a name that is not UTF-8 with
    its bad bytes shown as replacement characters)."""
    key = path.relative_to(raw_dir).as_posix()
    if _is_utf8(key):
        return key
    return key.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def refusal(path: Path, raw_dir: Path) -> str | None:
    """Why the file is not read at all, or None: a name that is not UTF-8, a special file,
    or a symbolic link that leads out of raw/, nowhere, or to a special file."""
    if not _is_utf8(path.relative_to(raw_dir).as_posix()):
        return ("the file name is not valid UTF-8, so it cannot be stored or shown: rename "
                "the file (e.g. with convmv) and build again")
    if not path.is_symlink() and not path.is_file():
        return (f"not a regular file but {_special_kind(path)}: not read (a raw file is a "
                "page or dump saved to disk)")
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            return f"a symbolic link to {target}, which does not exist"
        if not target.is_relative_to(raw_dir.resolve()):
            return (f"a symbolic link to {target}, outside {raw_dir}: not followed (copy the "
                    "file into raw/ to load it)")
        if not target.is_file():
            return (f"a symbolic link to {target}, which is not a regular file but "
                    f"{_special_kind(target)}: not read")
    return None


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of the name, as surrogate escapes
        return False
    return True


def _special_kind(path: Path) -> str:
    mode = path.lstat().st_mode
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def stat_signature(path: Path) -> tuple:
    """Cheap change detection: a file whose stat is unchanged is not re-read or re-hashed."""
    status = path.stat()
    sidecar = sidecar_for(path)
    sidecar_mtime = sidecar.stat().st_mtime_ns if sidecar else None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, sidecar_mtime)


def link_signature(path: Path) -> tuple:
    """For a file that is not read: the link's (or the badly named file's) own stat."""
    status = path.lstat()
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, None)


def signature_now(path: Path) -> tuple | None:
    """The stat signature, or None for a file gone."""
    try:
        return stat_signature(path)
    except FileNotFoundError:
        return None


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_sha256(path: Path, chunk_bytes: int = 2**20) -> str:
    """The hash of a file too large to hold, read a chunk at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


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
