"""Collected days in the raw dir: their names, the newest saved body, and saving a new one.

A day's first file is `YYYY-MM-DD_daily_papers.json`; a later fetch whose body differs (votes
moved, papers added) is saved beside it as `YYYY-MM-DD_daily_papers_<UTC time>.json`, so
each fetch is a sighting of its papers. Each file has a `.meta.json` sidecar whose
`scraped_at` (the fetch time) is what the parser takes as the scrape time, plus the request.

A file lands whole or not at all: written under a hidden name (hidden files are not raw
files to the build or the sensor), flushed, then renamed; the sidecar lands before its body.
A build that lists raw/ while a collect writes sees a day completely or not yet.
"""

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dagster_project.atomic_files import write_atomically
from dagster_project.raw.files import SIDECAR_SUFFIX

NAME_SUFFIX = "_daily_papers"
# 2025-12-12_daily_papers.json, 2025-12-12_daily_papers_20251220T060000Z.json (-2 when two
# fetches share a second)
COLLECTED_NAME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})_daily_papers(?:_\d{8}T\d{6}Z(?:-\d+)?)?\.json$")


@dataclass(frozen=True)
class Request:
    """What was asked, recorded in the sidecar."""

    endpoint: str
    path: str
    day: date
    page_size: int
    pages: int
    requests: int


def collected_days(raw_dir: Path) -> dict[date, list[Path]]:
    """Every collected file in raw/ by listing day, oldest first (one directory listing)."""
    found: dict[date, list[Path]] = defaultdict(list)
    try:
        names = os.listdir(raw_dir)
    except FileNotFoundError:
        return {}
    for name in names:
        match = COLLECTED_NAME.match(name)
        if match:
            try:
                found[date.fromisoformat(match[1])].append(raw_dir / name)
            except ValueError:
                continue
    return {day: sorted(files, key=_fetch_order) for day, files in found.items()}


def _fetch_order(path: Path) -> str:
    # The first file has no time in its name; later ones sort by their UTC time.
    return path.name.removesuffix(".json")


def newest_body(files: list[Path]) -> bytes | None:
    """The body of the latest fetch saved for a day, if any is still readable."""
    for path in reversed(files):
        try:
            return path.read_bytes()
        except OSError:
            continue
    return None


def save_day(raw_dir: Path, body: bytes, request: Request, papers: int,
             fetched_at: datetime, first: bool) -> Path:
    """Write the body and its sidecar; returns the new file. `first`: no file of this day
    exists yet, so it takes the plain name."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(raw_dir, request.day, fetched_at, first)
    sidecar = {
        "scraped_at": fetched_at.isoformat(timespec="seconds"),
        "collector": "papers-warehouse collect",
        "request": {"endpoint": request.endpoint, "path": request.path,
                    "date": request.day.isoformat(), "limit": request.page_size,
                    "pages": request.pages, "requests": request.requests},
        "papers": papers,
        "bytes": len(body),
    }
    sidecar_text = json.dumps(sidecar, indent=2).encode() + b"\n"
    # Durable: these files are the only record of what the server sent that day.
    write_atomically(target.with_name(target.name + SIDECAR_SUFFIX), sidecar_text,
                     durable=True)
    write_atomically(target, body, durable=True)
    return target


def _free_name(raw_dir: Path, day: date, fetched_at: datetime, first: bool) -> Path:
    plain = raw_dir / f"{day.isoformat()}{NAME_SUFFIX}.json"
    if first and not plain.exists():
        return plain
    stem = f"{day.isoformat()}{NAME_SUFFIX}_{fetched_at:%Y%m%dT%H%M%SZ}"
    candidate, number = raw_dir / f"{stem}.json", 1
    while candidate.exists():  # two fetches of a day within one second
        number += 1
        candidate = raw_dir / f"{stem}-{number}.json"
    return candidate

