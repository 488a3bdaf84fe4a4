"""Repair a lake whose data files no longer match its catalog.

A build finds the damage before it trusts the lake (lake/data_files.py), stops, and names the
raw files affected. `repair` then makes the lake whole, in one DuckLake commit and then an
ordinary ingest:
- each damaged table is written anew from its intact data files (their deleted rows left out);
- the raw files the damaged files held leave the raw-file index, so the ingest re-reads them
  from raw/ and replaces their surviving rows;
- those no longer in raw/ keep what survived, and the report says how much was lost.
The tables written anew have new identities, and the CLI resets the build file: the next
build equals a clean one.
"""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.lake import catalog
from dagster_project.lake.data_files import (
    DamagedFile,
    DataFile,
    affected_raw_files,
    current_files,
    damaged_files,
    raw_keys,
)
from dagster_project.lake.ingest import IngestReport, ingest
from dagster_project.lake.origin import origin
from dagster_project.lake.tables import TABLES, advance_head, ensure_tables


@dataclass
class RepairReport:
    damaged: list[DamagedFile] = field(default_factory=list)
    reread: list[str] = field(default_factory=list)  # raw files re-read from raw/
    lost: dict[str, str] = field(default_factory=dict)  # gone raw file → what was lost
    ingest: IngestReport | None = None  # the re-read


def repair(raw_dir: Path, lake_dir: Path, temp_dir: Path | None = None) -> RepairReport:
    """Make the lake whole (see the module's docstring); a whole lake is left as it is."""
    report = RepairReport()
    with catalog.connect(lake_dir, temp_dir) as connection:
        ensure_tables(connection)
        report.damaged = damaged_files(connection)
        if not report.damaged:
            return report
        # Rows small inserts keep inside the catalog move to files first, so that every row
        # is in a data file: the intact ones are then all that is copied.
        connection.execute("call ducklake_flush_inlined_data('lake')")
        report.damaged = damaged_files(connection)
        ours = origin(lake_dir)
        held = affected_raw_files(connection, report.damaged, raw_dir, ours)
        in_raw = set(raw_keys(raw_dir, ours))
        connection.execute("begin transaction")
        damaged_paths = {item.file.path for item in report.damaged}
        intact = [file for file in current_files(connection) if file.path not in damaged_paths]
        for table in sorted({item.file.table for item in report.damaged}):
            _write_anew(connection, table, [file for file in intact if file.table == table])
        for name in held:
            if name in in_raw:
                connection.execute("delete from lake.raw_files where source_file = ?", [name])
                report.reread.append(name)
            else:
                report.lost[name] = _keep_what_survived(connection, name)
        _record(connection, report)
        connection.execute("commit")
    report.ingest = ingest(raw_dir, lake_dir, temp_dir=temp_dir)
    return report


def _write_anew(connection: duckdb.DuckDBPyConnection, table: str,
                intact: list[DataFile]) -> None:
    """The table, as its intact data files hold it, under its own name (one transaction)."""
    empty = TABLES[table].empty_table()  # noqa: F841 (read by DuckDB's replacement scan)
    connection.execute(f"create table lake.{table}__repaired as select * from empty")
    for file in intact:
        rows = "read_parquet(?, file_row_number = true)"
        deleted = ("where file_row_number not in (select pos from read_parquet(?))"
                   if file.delete_path else "")
        connection.execute(
            f"insert into lake.{table}__repaired by name "
            f"select * exclude (file_row_number) from {rows} {deleted}",
            [file.path] + ([file.delete_path] if file.delete_path else []))
    connection.execute(f"drop table lake.{table}")
    connection.execute(f"alter table lake.{table}__repaired rename to {table}")


def _keep_what_survived(connection: duckdb.DuckDBPyConnection, name: str) -> str:
    """A raw file no longer in raw/: its surviving rows stay, its index entry counts them."""
    listings, rejects = (connection.execute(
        f"select count(*) from lake.{table} where source_file = ?", [name]).fetchone()[0]
        for table in ("listings", "rejects"))
    entry = connection.execute("select records, rejects from lake.raw_files "
                               "where source_file = ?", [name]).fetchone()
    if entry is None:
        return (f"its index entry was in a damaged file; {listings} listings and {rejects} "
                "rejects survive")
    connection.execute("update lake.raw_files set records = ?, rejects = ? "
                       "where source_file = ?", [listings, rejects, name])
    return (f"{entry[0] - listings} of {entry[0]} listings and {entry[1] - rejects} of "
            f"{entry[1]} rejects lost (the raw file is gone from raw/)")


def _record(connection: duckdb.DuckDBPyConnection, report: RepairReport) -> None:
    """A builds row numbered above every row of the lake, so later builds number on."""
    number = connection.execute(
        "select greatest((select max(lake_build) from lake.builds), "
        "(select max(lake_build) from lake.raw_files), "
        "(select max(lake_build) from lake.listings), "
        "(select max(lake_build) from lake.rejects))").fetchone()[0] or 0
    summary = (f'{{"repaired": {len(report.damaged)}, "reread": {len(report.reread)}, '
               f'"lost": {len(report.lost)}}}')
    connection.execute("insert into lake.builds values (?, now(), ?)", [number + 1, summary])
    advance_head(connection, number + 1)
