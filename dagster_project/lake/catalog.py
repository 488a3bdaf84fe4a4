"""The lake's table format: DuckLake, a catalog file under data/lake/ and Parquet files beside it.

    data/lake/catalog.ducklake   the catalog (a DuckDB file): tables, snapshots, file lists
    data/lake/files/             the Parquet data files DuckLake writes, few and large

Every change is a DuckLake transaction, so a build's listings, rejects and raw-file entries
land in one snapshot or not at all: a build killed at any moment leaves the lake at its last
commit (a half-written data file is an orphan that the next writer deletes).

The data path is given on every attach (and overrides the one recorded in the catalog), so a
data dir can be moved or copied whole. Where the catalog and the files are is lake/location.py's
concern: a team's lake has its catalog on PostgreSQL.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dagster_project import duckdb_extensions
from dagster_project.lake.location import (
    CATALOG_FILE,
    DATA_FILES_DIR,
    LakeLocation,
    lake_location,
)
from dagster_project.settings import duckdb_config

ALIAS = "lake"


def catalog_path(lake_dir: Path) -> Path:
    """The local catalog file (a shared lake's catalog is no file: see lake_location)."""
    return lake_dir / CATALOG_FILE


def exists(lake_dir: Path) -> bool:
    location = lake_location(lake_dir)
    return location.shared or catalog_path(lake_dir).is_file()


def attach_sql(location: LakeLocation, read_only: bool = False) -> str:
    """The ATTACH statement every client of the lake uses (dbt's profile spells the same)."""
    catalog = duckdb_extensions.sql_string(f"ducklake:{location.catalog}")
    data = duckdb_extensions.sql_string(location.data_path)
    options = f"DATA_PATH {data}, OVERRIDE_DATA_PATH true"
    return f"ATTACH {catalog} AS {ALIAS} ({options}{', READ_ONLY' if read_only else ''})"


@contextmanager
def connect(lake_dir: Path, temp_dir: Path | None = None,
            read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the lake attached as `lake`, closed on exit.

    Writing creates the lake on first use. A local lake has one writer at a time (the build
    lock sees to that); readers open it read-only. A shared lake's writers commit side by
    side: DuckLake retries a commit that conflicts.
    """
    location = lake_location(lake_dir)
    if not location.shared:
        if read_only and not exists(lake_dir):
            raise FileNotFoundError(f"no lake at {catalog_path(lake_dir)}: build first")
        if not exists(lake_dir):
            _refuse_a_lost_catalog(lake_dir)
    config = duckdb_config(temp_dir)
    if not read_only:
        Path(location.data_path).mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(config=config)
    try:
        # Installed for the user, so dbt's own connection can LOAD them too.
        duckdb_extensions.install_for_user(connection, "ducklake")
        if location.shared:
            duckdb_extensions.install_for_user(connection, "postgres")
        try:
            _attach(connection, location, read_only)
        except duckdb.Error as problem:
            raise (_unreachable(location, problem) if location.shared
                   else _damaged(lake_dir, problem)) from problem
        try:
            yield connection
        except duckdb.Error as problem:
            # A damaged block is found by the first query that reads it, not by the attach.
            if CORRUPT_MARK in str(problem):
                raise _damaged(lake_dir, problem) from problem
            raise
    finally:
        connection.close()


CORRUPT_MARK = "Corrupt database file"
# Two writers attaching a new shared catalog at once both create DuckLake's tables in it;
# one fails (a duplicate key in PostgreSQL's own catalog), then finds them made.
INITIALIZING = "Failed to initialize DuckLake"
UNREACHABLE = "Unable to connect to Postgres"
ATTACH_ATTEMPTS = 5


def _attach(connection: duckdb.DuckDBPyConnection, location: LakeLocation,
            read_only: bool) -> None:
    for attempt in range(1, ATTACH_ATTEMPTS + 1):
        try:
            connection.execute(attach_sql(location, read_only))
            return
        except duckdb.Error as problem:
            if not (location.shared and INITIALIZING in str(problem)) \
                    or attempt == ATTACH_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)


def _unreachable(location: LakeLocation, problem: duckdb.Error) -> "LakeUnreachable":
    said = str(problem).strip().splitlines()[0]
    what = "cannot be reached" if UNREACHABLE in said else "cannot be attached"
    return LakeUnreachable(
        f"the shared lake's catalog, {location.describe()}, {what} ({said}). Nothing was "
        "committed and the local warehouse is unchanged: start PostgreSQL or check the lake "
        "catalog setting, then build again")


def _damaged(lake_dir: Path, problem: duckdb.Error) -> "LakeDamaged":
    return LakeDamaged(
        f"the lake catalog {catalog_path(lake_dir)} cannot be read "
        f"({str(problem).splitlines()[0]}). Nothing was changed. Restore it from a "
        f"backup, or move {lake_dir} aside and build again to re-read every file in "
        "raw/ (rows of raw files deleted since would be lost)")


class LakeDamaged(RuntimeError):
    """The lake cannot be used as it is; the message says what to do. Nothing was changed."""


class LakeUnreachable(LakeDamaged):
    """A shared lake's catalog did not answer: nothing was changed, the lake is not at fault."""


def _refuse_a_lost_catalog(lake_dir: Path) -> None:
    """A lake's data without the catalog that lists it (small inserts live in the catalog
    itself, larger ones in data files it names): a new catalog would start empty, and take
    the data files for debris of a killed build and delete them. Stop instead."""
    files_dir = lake_dir / DATA_FILES_DIR
    if files_dir.is_dir() and any(files_dir.iterdir()):
        data_files = sum(1 for _ in files_dir.glob("**/*.parquet"))
        raise LakeDamaged(
            f"the lake catalog {catalog_path(lake_dir)} is missing, but {files_dir} holds "
            f"an earlier lake ({data_files} data files). Nothing was changed or deleted. "
            f"Restore the catalog from a backup, or move {lake_dir} aside and build again "
            "to re-read every file in raw/ (rows of raw files deleted since would be lost)")
