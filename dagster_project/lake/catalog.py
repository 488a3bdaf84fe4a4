"""The lake's table format: DuckLake, a catalog file under data/lake/ and Parquet files beside it.

    data/lake/catalog.ducklake   the catalog (a DuckDB file): tables, snapshots, file lists
    data/lake/files/             the Parquet data files DuckLake writes, few and large

Every change is a DuckLake transaction, so a build's listings, rejects and raw-file entries
land in one snapshot or not at all: a build killed at any moment leaves the lake at its last
commit (a half-written data file is an orphan that the next writer deletes).

The data path is given on every attach (and overrides the one recorded in the catalog), so a
data dir can be moved or copied whole.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dagster_project import duckdb_extensions
from dagster_project.settings import duckdb_config

ALIAS = "lake"
CATALOG_FILE = "catalog.ducklake"
DATA_FILES_DIR = "files"


def catalog_path(lake_dir: Path) -> Path:
    return lake_dir / CATALOG_FILE


def exists(lake_dir: Path) -> bool:
    return catalog_path(lake_dir).is_file()


def attach_sql(lake_dir: Path, read_only: bool = False) -> str:
    """The ATTACH statement every client of the lake uses (dbt's profile spells the same)."""
    catalog = duckdb_extensions.sql_string(f"ducklake:{catalog_path(lake_dir)}")
    data = duckdb_extensions.sql_string(f"{lake_dir / DATA_FILES_DIR}/")
    options = f"DATA_PATH {data}, OVERRIDE_DATA_PATH true"
    return f"ATTACH {catalog} AS {ALIAS} ({options}{', READ_ONLY' if read_only else ''})"


@contextmanager
def connect(lake_dir: Path, temp_dir: Path | None = None,
            read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the lake attached as `lake`, closed on exit.

    Writing creates the lake on first use. Only one process may write at a time (the build
    lock sees to that); readers open it read-only.
    """
    if read_only and not exists(lake_dir):
        raise FileNotFoundError(f"no lake at {catalog_path(lake_dir)}: build first")
    config = duckdb_config(temp_dir)
    if not read_only:
        (lake_dir / DATA_FILES_DIR).mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(config=config)
    try:
        # Installed for the user, so dbt's own connection can LOAD it too.
        duckdb_extensions.install_for_user(connection, "ducklake")
        connection.execute(attach_sql(lake_dir, read_only))
        yield connection
    finally:
        connection.close()
