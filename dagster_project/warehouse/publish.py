"""Atomic publish: readers see the old warehouse or the new one, never a half-built file.

dbt builds into data/build/warehouse.duckdb, which stays as its working copy. Publishing
finishes that file — the full-text search index and the analysts' SQL macros and views go in
there, so the published copy carries them — checkpoints it, copies it beside the published
file and renames over it; a reader holding the old file open keeps reading the old inode
undisturbed.
"""

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project import duckdb_extensions
from dagster_project.serve.search import IndexRefresh, refresh_index
from dagster_project.serve.sql_helpers import create_helpers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishReport:
    search_index: IndexRefresh
    # Where DuckDB installed the fts extension for other clients to autoload; None if the
    # per-user extension directory was not writable (the warehouse is published anyway).
    fts_installed_at: str | None


def publish(build_db: Path, warehouse: Path) -> PublishReport:
    connection = duckdb.connect(str(build_db))
    try:
        installed_at = _install_fts(connection)
        index = refresh_index(connection)
        create_helpers(connection)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    staged = warehouse.with_name(warehouse.name + ".publishing")
    shutil.copyfile(build_db, staged)
    with open(staged, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, warehouse)
    return PublishReport(index, installed_at)


def _install_fts(connection: duckdb.DuckDBPyConnection) -> str | None:
    """Install fts for every DuckDB client of this user; at least load it for the index."""
    try:
        return duckdb_extensions.install_for_user(connection, "fts")
    except duckdb.Error as problem:
        log.warning("could not install the fts extension for other DuckDB clients (%s); "
                    "BI tools will need it installed to use search_papers", problem)
        duckdb_extensions.load(connection, "fts")
        return None
