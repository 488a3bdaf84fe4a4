"""The old lake layout, migrated into DuckLake on the first build that finds it.

The old layout (until 2026-11): data/lake/manifest.json mapping each raw file to its lake
files, data/lake/listings/<file_id>.parquet and data/lake/rejects/<file_id>.parquet, one of
each per raw file. Its rows are copied into the lake in one commit, whether or not the raw
file still exists; the parser version is recorded as unknown ("legacy"), so the next step
of the same build re-parses the files still in raw/ with today's parsers, and rows of files
that are gone stay as they were. Only after that commit are the old files deleted; a build
killed in between finds the migration in the lake's builds table and only tidies up.
"""

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from dagster_project.lake.commit import LakeBuild
from dagster_project.lake.tables import LAKE_BUILD, RawFileEntry

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
OLD_DIRS = ("listings", "rejects")
OLD_FILES = ("validated.json",)
LEGACY_PARSER = "legacy"
MIGRATION_SUMMARY_KEY = "migrated from"


@dataclass(frozen=True)
class MigrationReport:
    raw_files: int
    listings: int
    rejects: int

    def line(self) -> str:
        return (f"migrated the old Parquet lake (manifest.json) into DuckLake: "
                f"{self.raw_files} raw files, {self.listings} listings, {self.rejects} rejects")


def migrate_parquet_lake(connection: duckdb.DuckDBPyConnection,
                         lake_dir: Path) -> MigrationReport | None:
    manifest_path = lake_dir / MANIFEST
    if not manifest_path.is_file():
        return None
    if _already_migrated(connection):
        _remove_old_layout(lake_dir)
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    build = LakeBuild(connection)
    mapping = [(key, entry["file_id"]) for key, entry in manifest.items()]
    listings = _copy_rows(connection, lake_dir / "listings", "listings", mapping, build.number)
    rejects = _copy_rows(connection, lake_dir / "rejects", "rejects", mapping, build.number)
    for key, entry in manifest.items():
        build.update_entry(_entry(key, entry, build.number))
    report = MigrationReport(len(manifest), listings, rejects)
    build.commit({MIGRATION_SUMMARY_KEY: "parquet lake (manifest.json)",
                  "raw files": report.raw_files, "listings": listings, "rejects": rejects})
    _remove_old_layout(lake_dir)
    log.warning(report.line())
    return report


def _copy_rows(connection: duckdb.DuckDBPyConnection, directory: Path, table: str,
               mapping: list[tuple[str, str]], lake_build: int) -> int:
    """One insert of every old file's rows, each under the raw file(s) naming it."""
    files = sorted(str(path) for path in directory.glob("*.parquet")
                   if path.name != "_empty.parquet")
    if not files:
        return 0
    connection.execute("create or replace temp table old_files (source_file varchar, "
                       "file_id varchar)")
    connection.executemany("insert into old_files values (?, ?)", mapping)
    connection.execute(
        f"insert into lake.{table} by name "
        f"select old.* exclude (source_file, filename), old_files.source_file, "
        f"{int(lake_build)} as {LAKE_BUILD} "
        "from read_parquet(?, union_by_name = true, filename = true) as old "
        "join old_files on parse_filename(old.filename, true) = old_files.file_id", [files])
    return connection.execute(
        f"select count(*) from lake.{table} where {LAKE_BUILD} = ?", [lake_build]).fetchone()[0]


def _entry(key: str, old: dict, lake_build: int) -> RawFileEntry:
    return RawFileEntry(
        source_file=key, source_sha256=old["sha256"],
        scraped_at=datetime.fromisoformat(old["scraped_at"]), size=old["size"],
        mtime_ns=old["mtime_ns"], ctime_ns=old["ctime_ns"],
        sidecar_mtime_ns=old["sidecar_mtime_ns"], source_format=old["source_format"],
        parser_version=LEGACY_PARSER, records=old["records"], rejects=old["rejects"],
        ingested_at=datetime.fromisoformat(old["ingested_at"]), lake_build=lake_build)


def _already_migrated(connection: duckdb.DuckDBPyConnection) -> bool:
    return connection.execute("select count(*) from lake.builds where summary like ?",
                              [f'%"{MIGRATION_SUMMARY_KEY}"%']).fetchone()[0] > 0


def _remove_old_layout(lake_dir: Path) -> None:
    for name in OLD_DIRS:
        shutil.rmtree(lake_dir / name, ignore_errors=True)
    for name in OLD_FILES:
        (lake_dir / name).unlink(missing_ok=True)
    (lake_dir / MANIFEST).unlink()  # last: its presence means "not yet tidied"
