"""A build on a full disk: one line naming the disk and what to do, instead of the traceback of
whichever library hit it first (Dagster's SQLite instance, DuckDB, dbt's logs)."""

import os
import shutil
from pathlib import Path

from dagster_project.settings import DataPaths

# ENOSPC as each library words it. SQLite often says only "disk I/O error": counted when the
# disk is nearly full too.
FULL = ("No space left on device", "database or disk is full", "Disk is full")
AMBIGUOUS = ("disk I/O error", "Could not write", "could not write")
NEARLY_FULL_BYTES = 64 * 2**20


def disk_full_message(paths: DataPaths, error_text: str) -> str | None:
    """The message for a build stopped by a full disk, or None if that was not the cause."""
    free = shutil.disk_usage(paths.root).free
    if not (any(mark in error_text for mark in FULL) or (
            free < NEARLY_FULL_BYTES and any(mark in error_text for mark in AMBIGUOUS))):
        return None
    state = "is unchanged" if paths.warehouse.exists() else "was not created"
    return (f"error: the disk holding {paths.root} is full ({free / 2**20:.1f} MB free on "
            f"{mount_point(paths.root)}): the build stopped, nothing was published and "
            f"{paths.warehouse} {state}. Free space there (or build into another data dir "
            "with --data-dir) and build again: the lake keeps what it committed.")


def error_chain_text(error: BaseException) -> str:
    texts = []
    while error is not None:
        texts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return "\n".join(texts)


def mount_point(path: Path) -> Path:
    path = path.resolve()
    while not os.path.ismount(path):
        path = path.parent
    return path
