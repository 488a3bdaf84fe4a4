"""Which data dir a raw file's rows came from, in a lake several data dirs share.

Each data dir names its raw files by their path under its raw/, and two machines may well
both save `2025-12-12_daily_papers.json`. In a shared lake a raw file's key (the source_file
of its rows) is therefore `WRITER:PATH`, WRITER being the data dir's writer id, made once and
kept in DIR/lake/writer. A data dir reads, replaces and forgets only its own files' rows; the
others' stay as their writers committed them. A data dir's own lake has one writer, and its
keys are the paths alone, as they always were.
"""

import re
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from dagster_project.atomic_files import write_atomically
from dagster_project.lake.location import lake_location

WRITER_FILE = "writer"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Origin:
    prefix: str  # "WRITER:" in a shared lake, "" in a data dir's own

    def key(self, path: str) -> str:
        """The key of the raw file at `path` under this data dir's raw/."""
        return self.prefix + path

    def owns(self, key: str) -> bool:
        return key.startswith(self.prefix)

    def path(self, key: str) -> str:
        """The path under raw/ of one of this data dir's keys."""
        return key.removeprefix(self.prefix)


def origin(lake_dir: Path) -> Origin:
    if not lake_location(lake_dir).shared:
        return Origin("")
    return Origin(writer_id(lake_dir) + ":")


def writer_id(lake_dir: Path) -> str:
    """This data dir's id among the shared lake's writers: the host's name and six random
    hex digits, made on first use and kept. A data dir copied to start another machine's
    must have this file deleted, or both would take the other's files for their own."""
    record = lake_dir / WRITER_FILE
    try:
        kept = record.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return kept
    host = UNSAFE.sub("-", socket.gethostname()).strip("-.") or "writer"
    made = f"{host[:40]}-{secrets.token_hex(3)}"
    write_atomically(record, made + "\n", durable=True)
    return made
