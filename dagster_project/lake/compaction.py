"""Keeping the lake's file count bounded as builds accumulate.

Each build adds a data file or two per table (a day's page is one small file) and a delete
file per table it deleted from. Once a table has more than COMPACT_FROM_FILES of them, the
lake is compacted: adjacent small files merged (up to DuckLake's 512 MB target size), files
with deleted rows rewritten without them, then every snapshot but the current one expired
and the files only they referenced removed. The lake keeps no history beyond its current
snapshot; the raw files and the builds table say how it came to be.
"""

import duckdb

from dagster_project import faults

COMPACT_FROM_FILES = 16


def files_per_table(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = connection.execute(
        "select table_name, file_count + delete_file_count from ducklake_table_info('lake')"
    ).fetchall()
    return dict(rows)


def compact_if_needed(connection: duckdb.DuckDBPyConnection) -> bool:
    if max(files_per_table(connection).values(), default=0) <= COMPACT_FROM_FILES:
        return False
    compact(connection)
    return True


def compact(connection: duckdb.DuckDBPyConnection) -> None:
    """Each call is its own DuckLake commit: killed half-way, the lake is still whole."""
    connection.execute("call ducklake_flush_inlined_data('lake')")
    connection.execute("call ducklake_rewrite_data_files('lake')")
    faults.inject("lake-compact")
    connection.execute("call ducklake_merge_adjacent_files('lake')")
    connection.execute("call ducklake_expire_snapshots('lake', older_than => now())")
    connection.execute("call ducklake_cleanup_old_files('lake', cleanup_all => true)")


def delete_orphaned_files(connection: duckdb.DuckDBPyConnection) -> int:
    """Data files no snapshot names: what a build killed before its commit wrote."""
    return len(connection.execute(
        "select * from ducklake_delete_orphaned_files('lake', cleanup_all => true)").fetchall())
