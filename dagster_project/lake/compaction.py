"""Keeping the lake's file count bounded as builds accumulate.

Each build adds a data file or two per table (a day's page is one small file) and a delete
file per table it deleted from. Once a table has more than COMPACT_FROM_FILES of them, the
lake is compacted: adjacent small files merged (up to DuckLake's 512 MB target size), files
with deleted rows rewritten without them, then every snapshot but the current one expired
and the files only they referenced removed. The lake keeps no history beyond its current
snapshot; the raw files and the builds table say how it came to be.
"""

import logging

import duckdb

from dagster_project import faults
from dagster_project.lake.commit import is_commit_conflict

COMPACT_FROM_FILES = 16
# A shared lake: no build or read lasts longer than this, so a data file no snapshot names
# that is older belongs to a writer that was killed; a newer one may be a commit to come.
SHARED_GRACE = "1 day"

log = logging.getLogger(__name__)


def files_per_table(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = connection.execute(
        "select table_name, file_count + delete_file_count from ducklake_table_info('lake')"
    ).fetchall()
    return dict(rows)


def compact_if_needed(connection: duckdb.DuckDBPyConnection, shared: bool = False) -> bool:
    if max(files_per_table(connection).values(), default=0) <= COMPACT_FROM_FILES:
        return False
    if not shared:
        compact(connection)
        return True
    try:
        compact(connection, older_than=SHARED_GRACE)
    except duckdb.TransactionException as problem:
        if not is_commit_conflict(problem):
            raise
        log.warning("compaction of the shared lake skipped: another writer committed to the "
                    "same tables meanwhile (the next build compacts)")
        return False
    return True


def compact(connection: duckdb.DuckDBPyConnection, older_than: str | None = None) -> None:
    """Each call is its own DuckLake commit: killed half-way, the lake is still whole.
    older_than (a shared lake): keep the snapshots, and the files, of that last while, which
    other machines' readers (a dbt run, a query) may still be reading."""
    since = "now()" if older_than is None else f"now() - interval '{older_than}'"
    connection.execute("call ducklake_flush_inlined_data('lake')")
    connection.execute("call ducklake_rewrite_data_files('lake')")
    faults.inject("lake-compact")
    connection.execute("call ducklake_merge_adjacent_files('lake')")
    connection.execute(f"call ducklake_expire_snapshots('lake', older_than => {since})")
    if older_than is None:
        connection.execute("call ducklake_cleanup_old_files('lake', cleanup_all => true)")
    else:
        connection.execute(f"call ducklake_cleanup_old_files('lake', older_than => {since})")


def delete_orphaned_files(connection: duckdb.DuckDBPyConnection, shared: bool = False) -> int:
    """Data files no snapshot names: what a build killed before its commit wrote. In a
    shared lake another writer's build in progress has such files too: only those older
    than SHARED_GRACE go (a killed writer's debris, a day later at most)."""
    when = (f"older_than => now() - interval '{SHARED_GRACE}'" if shared
            else "cleanup_all => true")
    return len(connection.execute(
        f"select * from ducklake_delete_orphaned_files('lake', {when})").fetchall())
