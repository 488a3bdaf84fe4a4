"""Atomic publish: readers see the old warehouse or the new one, never a half-built file.

dbt builds into data/build/warehouse.duckdb, which stays as its working copy. Publishing
checkpoints it, copies it beside the published file and renames over it; a reader holding
the old file open keeps reading the old inode undisturbed.
"""

import os
import shutil
from pathlib import Path

import duckdb


def publish(build_db: Path, warehouse: Path) -> None:
    connection = duckdb.connect(str(build_db))
    try:
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    staged = warehouse.with_name(warehouse.name + ".publishing")
    shutil.copyfile(build_db, staged)
    with open(staged, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, warehouse)


def table_row_counts(database: Path, tables: list[str]) -> dict[str, int]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {
            table: connection.execute(f'select count(*) from "{table}"').fetchone()[0]
            for table in tables
        }
    finally:
        connection.close()
