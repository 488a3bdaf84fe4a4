"""The small files a build keeps beside its data (DIR/build/*.json) and the file facts they
record: read whole or not at all, written whole or not at all, stdlib only (the CLI's
"up to date" answer reads them before anything heavy is imported)."""

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from dagster_project.atomic_files import write_atomically
from dagster_project.settings import PROJECT_ROOT

__all__ = ["write_atomically"]  # state files are written whole or not at all

log = logging.getLogger(__name__)


def read_json(path: Path) -> dict | None:
    """A state file, or None if it is missing or damaged (a killed write, a full disk, a
    hand edit): the build then redoes what the file would have let it skip, and says so."""
    if not path.exists():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        log.warning("ignoring %s, which cannot be read (%s): the build redoes what it "
                    "recorded", path, problem)
        return None
    return value if isinstance(value, dict) else None


def file_stat(path: Path) -> list[int] | None:
    """Size, mtime, ctime and inode: any write or replacement changes one of them."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def wal_of(database: Path) -> Path:
    """The write-ahead log DuckDB keeps beside a database file (and replays on opening it)."""
    return database.with_name(database.name + ".wal")


def files_digest(files: Iterable[Path]) -> str:
    """sha256 over each file's path (relative to the project) and bytes, in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
