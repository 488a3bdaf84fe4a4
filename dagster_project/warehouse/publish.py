"""Atomic publish: readers see the old warehouse or the new one, never a half-built file.

dbt builds into data/build/warehouse.duckdb, its working file: staging tables, dbt's state and
the search index, kept between builds so each build does only new work. Publishing refreshes
the search index there, then writes what analysts query — the marts, the index, and the
analysts' SQL macros and views, made anew — into a fresh file beside the published one, and
renames it over the published file. The fresh file is a copy of the published one patched
with the rows that changed (publish_patch.py) when this code made that file and nobody wrote
into it since; else every table is copied, table by table (DuckDB streams each copy). A reader
holding the old file open keeps reading the old inode undisturbed. The published file holds
nothing else, so it is as small as the data it serves and does not grow with churn.
"""

import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project import duckdb_extensions, faults
from dagster_project.serve.search import create_search_macros
from dagster_project.serve.sql_helpers import create_helpers
from dagster_project.settings import duckdb_config
from dagster_project.warehouse import publish_patch
from dagster_project.warehouse.publish_patch import PatchRefused
from dagster_project.warehouse.search_index import SCHEMA as SEARCH_SCHEMA
from dagster_project.warehouse.search_index import IndexRefresh, refresh_index
from dagster_project.warehouse.state_files import wal_of

log = logging.getLogger(__name__)

WRITTEN_WHOLE = "written anew"
PUBLISHED_TABLES = ("papers", "paper_sightings", "paper_authors", "authors", "paper_keywords",
                    "paper_categories", "authors_count", "daily_counts", "rejects")


@dataclass(frozen=True)
class PublishReport:
    search_index: IndexRefresh
    # Where DuckDB installed the fts extension for other clients to autoload; None if the
    # per-user extension directory was not writable (the warehouse is published anyway).
    fts_installed_at: str | None
    # A write-ahead log found beside the published file, set aside here: it belonged to the
    # file being replaced, and a reader would replay it onto the new one.
    stale_wal: Path | None = None
    # A session that held the replaced file open read-write ("python3 (PID 123)"): it goes on
    # with the old file, and what it writes goes to a log beside the new one (see below).
    held_by: str | None = None
    # How the new file was made: "patched (N papers changed)" or WRITTEN_WHOLE.
    made: str = WRITTEN_WHOLE


def publish(build_db: Path, warehouse: Path, temp_dir: Path | None = None,
            patch_previous: bool = False) -> PublishReport:
    """Publish the build file's marts and index. patch_previous: the published file is one
    this code made and nobody changed since, so a copy of it may be patched (publish_patch)
    instead of every table being written anew."""
    connection = duckdb.connect(str(build_db), config=duckdb_config(temp_dir))
    try:
        installed_at = _install_fts(connection)
        index = refresh_index(connection)
        create_search_macros(connection)
        connection.execute("checkpoint")
    finally:
        connection.close()
    staged = warehouse.with_name(warehouse.name + ".publishing")
    _remove(staged)  # debris of a publish that was killed
    try:
        made = _write_staged(build_db, warehouse, staged, temp_dir, patch_previous)
        faults.inject("publish-copy")
        with open(staged, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:  # a full disk, Ctrl-C: leave no half copy behind
        _remove(staged)
        raise
    stale_wal = _set_aside_wal(warehouse)
    held_by = session_holding(warehouse)
    os.replace(staged, warehouse)
    faults.inject("publish-rename")
    return PublishReport(index, installed_at, stale_wal, held_by, made)


HELD_BY = re.compile(r"Conflicting lock is held in (.+?\(PID \d+\))")


def session_holding(database: Path) -> str | None:
    """The process holding DuckDB's write lock on the file, if one does. A rename publishes
    past it all the same; this only lets the build say so."""
    if not database.exists():
        return None
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.Error as problem:
        found = HELD_BY.search(str(problem))
        return found.group(1) if found else None
    return None


def _remove(database: Path) -> None:
    database.unlink(missing_ok=True)
    wal_of(database).unlink(missing_ok=True)


def _set_aside_wal(warehouse: Path) -> Path | None:
    """Move a WAL beside the published file out of the way before the new file takes its
    name. DuckDB replays `X.wal` onto whatever file is called X when it opens it, even
    read-only: a session that wrote into the old file and died before a checkpoint would
    otherwise mix its writes into the new build. Kept, renamed, for whoever wants it."""
    wal = wal_of(warehouse)
    if not wal.exists():
        return None
    aside = wal.with_name(f"{wal.name}.stale-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(wal, aside)
    log.warning("set aside %s as %s: a write-ahead log of the warehouse being replaced "
                "(a session wrote into the published file and did not checkpoint)", wal,
                aside.name)
    return aside


def _write_staged(build_db: Path, warehouse: Path, staged: Path, temp_dir: Path | None,
                  patch_previous: bool) -> str:
    if patch_previous and warehouse.exists():
        shutil.copyfile(warehouse, staged)  # sequential I/O: far cheaper than every table
        try:
            return f"patched ({_patch_copy(build_db, staged, temp_dir):,} papers changed)"
        except PatchRefused as refused:
            log.warning("writing the warehouse anew instead of patching it: %s", refused)
            _remove(staged)
    _write_published_copy(build_db, staged, temp_dir)
    return WRITTEN_WHOLE


def _patch_copy(build_db: Path, target: Path, temp_dir: Path | None) -> int:
    with _published_copy(build_db, target, temp_dir) as connection:
        return publish_patch.patch(connection, PUBLISHED_TABLES)


def _write_published_copy(build_db: Path, target: Path, temp_dir: Path | None) -> None:
    with _published_copy(build_db, target, temp_dir) as connection:
        for table in PUBLISHED_TABLES:
            connection.execute(f"create table main.{table} as select * from build.main.{table}")
        connection.execute(f"create schema {SEARCH_SCHEMA}")
        for (table,) in connection.execute(
                "select table_name from duckdb_tables() where database_name = 'build' "
                "and schema_name = ? order by table_name", [SEARCH_SCHEMA]).fetchall():
            connection.execute(f"create table {SEARCH_SCHEMA}.{table} as "
                               f"select * from build.{SEARCH_SCHEMA}.{table}")


@contextmanager
def _published_copy(build_db: Path, target: Path,
                    temp_dir: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The staged file open, with the build file attached read-only as `build`; once the
    tables are in, the search macros and SQL helpers are made anew and it is checkpointed."""
    connection = duckdb.connect(str(target), config=duckdb_config(temp_dir))
    connection.execute("set enable_progress_bar = false")  # a build log, not a terminal
    try:
        connection.execute(f"attach {duckdb_extensions.sql_string(str(build_db))} "
                           "as build (read_only)")
        duckdb_extensions.load(connection, "fts")  # the macros call stem()
        yield connection
        connection.execute("detach build")
        create_search_macros(connection)
        create_helpers(connection)
        connection.execute("checkpoint")
    finally:
        connection.close()


def _install_fts(connection: duckdb.DuckDBPyConnection) -> str | None:
    """Install fts for every DuckDB client of this user; at least load it for the index."""
    try:
        return duckdb_extensions.install_for_user(connection, "fts")
    except duckdb.Error as problem:
        log.warning("could not install the fts extension for other DuckDB clients (%s); "
                    "BI tools will need it installed to use search_papers", problem)
        duckdb_extensions.load(connection, "fts")
        return None
