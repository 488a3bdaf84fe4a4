"""The lake's data files against its catalog: every Parquet file the current snapshot names
must be on disk at the size the catalog recorded for it.

DuckLake reads a data file only when a query needs its rows, so a deleted or truncated file
hides until then, and a query that never reaches it (an incremental load, a filtered read)
returns rows missing without a word. The check is one stat per file, made before a build
trusts the lake. A damaged file is named with the raw files whose rows it may hold, from the
catalog's own statistics of the file (the range of its source_file and lake_build values).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.command_hint import command
from dagster_project.lake import catalog
from dagster_project.lake.origin import Origin, origin
from dagster_project.raw.files import list_raw_files, raw_key

METADATA = "__ducklake_metadata_lake"  # the catalog's own tables, as DuckLake attaches them
TABLES_WITH_RAW_FILES = ("listings", "rejects", "raw_files")
SHOWN = 10  # damaged files and raw files named in a message, at most


@dataclass(frozen=True)
class DataFile:
    table: str
    file_id: int
    path: str
    size: int
    delete_path: str | None  # the file of positions deleted from it, if any
    delete_size: int | None

    def problem(self) -> str | None:
        """Why the file cannot be trusted, or None."""
        return _size_problem(self.path, self.size) or (
            self.delete_path and _size_problem(self.delete_path, self.delete_size, "delete "))


@dataclass(frozen=True)
class DamagedFile:
    file: DataFile
    problem: str


def current_files(connection: duckdb.DuckDBPyConnection) -> list[DataFile]:
    """Every data file (and its delete file) of the lake's current snapshot."""
    files = []
    for table_id, table in connection.execute(
            f"select table_id, table_name from {METADATA}.ducklake_table "
            "where end_snapshot is null order by table_name").fetchall():
        ids = dict(connection.execute(
            f"select path, data_file_id from {METADATA}.ducklake_data_file "
            "where table_id = ? and end_snapshot is null", [table_id]).fetchall())
        for path, size, delete_path, delete_size in connection.execute(
                "select data_file, data_file_size_bytes, delete_file, delete_file_size_bytes "
                "from ducklake_list_files('lake', ?)", [table]).fetchall():
            file_id = ids.get(path, ids.get(os.path.basename(path)))  # absolute or relative
            files.append(DataFile(table, file_id, path, size, delete_path, delete_size))
    return files


def damaged_files(connection: duckdb.DuckDBPyConnection) -> list[DamagedFile]:
    return [DamagedFile(file, problem) for file in current_files(connection)
            if (problem := file.problem())]


def file_signatures(connection: duckdb.DuckDBPyConnection) -> list[list]:
    """(path, size) of every current data and delete file: what a later check stats."""
    return sorted([path, size] for file in current_files(connection)
                  for path, size in ((file.path, file.size),
                                     (file.delete_path, file.delete_size)) if path)


def raw_files_held(connection: duckdb.DuckDBPyConnection, file: DataFile,
                   candidates: dict[str, int | None]) -> list[str]:
    """Which of the candidate raw files (name → the lake build of their current rows, None if
    unknown) may have rows in the file: those inside the file's recorded value ranges."""
    if file.table not in TABLES_WITH_RAW_FILES:
        return []
    ranges = dict((column, (low, high)) for column, low, high in connection.execute(
        f"""select column_name, min_value, max_value
            from {METADATA}.ducklake_file_column_stats stats
            join {METADATA}.ducklake_column using (table_id, column_id)
            where data_file_id = ? and end_snapshot is null
              and column_name in ('source_file', 'lake_build')""", [file.file_id]).fetchall())
    names_low, names_high = ranges.get("source_file", (None, None))
    builds_low, builds_high = ranges.get("lake_build", (None, None))
    held = []
    for name, build in candidates.items():
        if names_low is not None and not names_low <= name <= names_high:
            continue
        if build is not None and builds_low is not None \
                and not int(builds_low) <= build <= int(builds_high):
            continue
        held.append(name)
    return sorted(held)


def refuse_damaged(connection: duckdb.DuckDBPyConnection, lake_dir: Path,
                   raw_dir: Path) -> None:
    """Stop (LakeDamaged) when a data file of the lake is missing or not the size its
    catalog recorded: nothing is changed, and the message says what to run."""
    damaged = damaged_files(connection)
    if not damaged:
        return
    held = affected_raw_files(connection, damaged, raw_dir, origin(lake_dir))
    lines = [f"  {item.file.table}: {item.problem}" for item in damaged[:SHOWN]]
    if len(damaged) > SHOWN:
        lines.append(f"  … and {len(damaged) - SHOWN} more")
    named = ", ".join(held[:SHOWN]) + (f" and {len(held) - SHOWN} more" if len(held) > SHOWN
                                       else "")
    raise catalog.LakeDamaged(
        "the lake's data files do not match its catalog, so its rows cannot be trusted:\n"
        + "\n".join(lines) + "\n"
        + (f"Rows of these raw files are affected: {named}.\n" if held else "")
        + "Nothing was changed and nothing is published. To re-read them from raw/ and "
        f"rebuild the damaged tables: {command('repair', data_dir=lake_dir.parent)}")


def _candidates(connection: duckdb.DuckDBPyConnection, damaged: list[DamagedFile],
                raw_dir: Path, ours: Origin) -> dict[str, int | None]:
    """Raw files the lake may hold rows of (name → lake build of its rows, if known): the
    raw-file index where it is intact, and every file in raw/."""
    candidates: dict[str, int | None] = dict.fromkeys(raw_keys(raw_dir, ours))
    if not any(item.file.table == "raw_files" for item in damaged):
        candidates.update(connection.execute(
            "select source_file, lake_build from lake.raw_files").fetchall())
    return candidates


def affected_raw_files(connection: duckdb.DuckDBPyConnection, damaged: list[DamagedFile],
                       raw_dir: Path, ours: Origin) -> list[str]:
    """The raw files whose rows the damaged files may hold."""
    candidates = _candidates(connection, damaged, raw_dir, ours)
    return sorted({name for item in damaged
                   for name in raw_files_held(connection, item.file, candidates)})


def raw_keys(raw_dir: Path, ours: Origin) -> list[str]:
    return [ours.key(raw_key(path, raw_dir)) for path in list_raw_files(raw_dir)]


def _size_problem(path: str, recorded: int | None, kind: str = "") -> str | None:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return f"its {kind}data file {path} is missing"
    except OSError as problem:
        return f"its {kind}data file {path} cannot be read ({problem.strerror})"
    if recorded is not None and size != recorded:
        return (f"its {kind}data file {path} holds {size:,} bytes where the catalog "
                f"recorded {recorded:,} (truncated or overwritten)")
    return None
