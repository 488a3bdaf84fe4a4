"""One lake build: everything a build changes in the lake, committed as one DuckLake snapshot.

Parsed rows are buffered and inserted in large batches (DuckLake writes a data file per
insert, so a batch per raw file would be 20,000 small files at a year of pages). The rows of
raw files that changed or were re-parsed are deleted at commit, by lake build number, so the
new rows of the same file, inserted earlier in the same transaction, stay.
"""

import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dagster_project import faults
from dagster_project.lake.tables import (
    LAKE_BUILD,
    RawFileEntry,
    advance_head,
    next_lake_build,
    raw_files_table,
)

FLUSH_ROWS = 200_000
FLUSH_BYTES = 256 * 2**20
CONFLICT = "Transaction conflict"  # DuckLake's word for a commit another one overtook
COMMIT_ATTEMPTS = 8  # a change overtaken by other writers' commits this often gives up

log = logging.getLogger(__name__)
Result = TypeVar("Result")


def is_commit_conflict(problem: duckdb.Error) -> bool:
    """Another writer of a shared lake committed first, and DuckLake could not merge the
    two: this build is to be read again against the new snapshot."""
    return isinstance(problem, duckdb.TransactionException) and CONFLICT in str(problem)


def retried_on_conflict(attempt: Callable[[], Result]) -> tuple[Result, int]:
    """attempt() (a whole read-and-commit, on its own connection) again while another
    writer's commit overtakes it: its result, and how many conflicts were retried."""
    for conflicts in itertools.count():
        try:
            return attempt(), conflicts
        except duckdb.TransactionException as problem:
            if not is_commit_conflict(problem) or conflicts + 1 == COMMIT_ATTEMPTS:
                raise
            log.warning("another writer's commit to the shared lake came first: reading "
                        "again against it and committing again (attempt %d of %d)",
                        conflicts + 2, COMMIT_ATTEMPTS)
    raise AssertionError("unreachable")


class LakeBuild:
    """Open with `LakeBuild(connection)`; add, replace, forget; then `commit()` or drop it
    (closing the connection without a commit rolls everything back)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        connection.execute("begin transaction")
        self.number = next_lake_build(connection)
        self._pending: dict[str, list[pa.Table]] = {"listings": [], "rejects": []}
        self._pending_rows = dict.fromkeys(self._pending, 0)
        self._pending_bytes = 0
        self._entries: dict[str, RawFileEntry] = {}
        self._stale_rows_of: set[str] = set()  # source files whose older rows are deleted

    def add_rows(self, table: str, rows: pa.Table) -> None:
        """Rows of `table` (listings or rejects) of a raw file this build also `put_file`s."""
        if rows.num_rows == 0:
            return
        self._pending[table].append(rows)
        self._pending_rows[table] += rows.num_rows
        self._pending_bytes += rows.nbytes
        if self._pending_bytes >= FLUSH_BYTES or self._pending_rows[table] >= FLUSH_ROWS:
            self._flush()

    def discard_rows(self, source_file: str) -> None:
        """Drop the rows this build added for source_file: pending, or already inserted."""
        for table, parts in self._pending.items():
            kept = [part.filter(pc.not_equal(part.column("source_file"), source_file))
                    for part in parts]
            self._pending_rows[table] = sum(part.num_rows for part in kept)
            parts[:] = kept
            self.connection.execute(f"delete from lake.{table} where source_file = ? and "
                                    f"{LAKE_BUILD} = ?", [source_file, self.number])

    def put_file(self, entry: RawFileEntry) -> None:
        """A raw file read by this build: its rows added here replace any it had before."""
        self._entries[entry.source_file] = replace(entry, lake_build=self.number)
        self._stale_rows_of.add(entry.source_file)

    def update_entry(self, entry: RawFileEntry) -> None:
        """A raw file touched but not changed (same bytes, same scrape time): new stat only."""
        self._entries[entry.source_file] = entry

    def forget(self, source_file: str) -> None:
        self._stale_rows_of.add(source_file)
        self._entries.pop(source_file, None)
        self.connection.execute("delete from lake.raw_files where source_file = ?",
                                [source_file])

    @property
    def changed(self) -> bool:
        return bool(self._entries or self._stale_rows_of)

    def commit(self, summary: dict) -> int | None:
        """Commit and return the build number; None (and nothing written) if nothing changed."""
        if not self.changed:
            self.connection.execute("rollback")
            return None
        self._flush()
        stale = sorted(self._stale_rows_of)
        for table in ("listings", "rejects"):
            self.connection.execute(
                f"delete from lake.{table} where {LAKE_BUILD} < ? "
                "and source_file in (select unnest(?::varchar[]))", [self.number, stale])
        entries = raw_files_table(list(self._entries.values()))  # noqa: F841 (DuckDB scan)
        self.connection.execute("delete from lake.raw_files where source_file in "
                                "(select source_file from entries)")
        self.connection.execute("insert into lake.raw_files by name select * from entries")
        text = json.dumps(summary, sort_keys=True)
        self.connection.execute("insert into lake.builds values (?, ?, ?)",
                                [self.number, datetime.now(UTC), text])
        advance_head(self.connection, self.number)
        self.connection.execute("call lake.set_commit_message('papers-warehouse', ?)",
                                [f"lake build {self.number}: {text}"])
        faults.inject("lake-commit")
        self.connection.execute("commit")
        return self.number

    def _flush(self) -> None:
        for table, parts in self._pending.items():
            if not parts:
                continue
            batch = pa.concat_tables(parts)
            batch = batch.append_column(LAKE_BUILD, pa.repeat(
                pa.scalar(self.number, pa.int64()), batch.num_rows))
            self.connection.execute(f"insert into lake.{table} by name select * from batch")
            parts.clear()
            self._pending_rows[table] = 0
        self._pending_bytes = 0
        faults.inject("lake-insert")
