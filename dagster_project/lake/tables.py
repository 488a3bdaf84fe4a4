"""The lake's tables, declared once in pyarrow, and the raw-file index the lake keeps.

    listings    one row per card per raw file: the raw contract (raw/schema.py) + lake_build
    rejects     one row per record (or file) that could not be read, + lake_build
    raw_files   one row per raw file the lake holds rows of: its content hash, scrape time,
                the stat signature that tells a changed file without reading it, the parser
                version that read it, and the lake build that wrote its rows
    builds      one row per lake build: a counter that only grows, and what the build did
    lake_head   one row, the last lake build: what serializes a shared lake's writers

lake_build numbers a build's rows, so dbt loads exactly the rows of builds it has not seen
(`lake_build > max loaded`), and Parquet statistics skip every older data file.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import duckdb
import pyarrow as pa

from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA, UTC_TIMESTAMP

LAKE_BUILD = "lake_build"
_LAKE_BUILD_FIELD = pa.field(LAKE_BUILD, pa.int64(), nullable=False)

RAW_FILE_SCHEMA = pa.schema([
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_sha256", pa.string(), nullable=False),
    pa.field("scraped_at", UTC_TIMESTAMP, nullable=False),
    pa.field("size", pa.int64()),
    pa.field("mtime_ns", pa.int64()),
    pa.field("ctime_ns", pa.int64()),
    pa.field("sidecar_mtime_ns", pa.int64()),
    pa.field("source_format", pa.string()),
    pa.field("parser_version", pa.string(), nullable=False),
    pa.field("records", pa.int64(), nullable=False),
    pa.field("rejects", pa.int64(), nullable=False),
    pa.field("ingested_at", UTC_TIMESTAMP, nullable=False),
    _LAKE_BUILD_FIELD,
])

BUILD_SCHEMA = pa.schema([
    _LAKE_BUILD_FIELD,
    pa.field("committed_at", UTC_TIMESTAMP, nullable=False),
    pa.field("summary", pa.string()),
])

# One row: the last lake build. Every commit replaces it, so two writers' builds that
# overlap in a shared lake conflict in DuckLake (an insert into a table another commit
# deleted from), and the later one is retried: lake builds are numbered in commit order,
# which dbt's incremental load (`lake_build > max loaded`) relies on.
HEAD_SCHEMA = pa.schema([_LAKE_BUILD_FIELD])

TABLES = {
    "listings": LISTING_SCHEMA.append(_LAKE_BUILD_FIELD),
    "rejects": REJECT_SCHEMA.append(_LAKE_BUILD_FIELD),
    "raw_files": RAW_FILE_SCHEMA,
    "builds": BUILD_SCHEMA,
    "lake_head": HEAD_SCHEMA,
}


@dataclass(frozen=True)
class RawFileEntry:
    """What the lake holds for one raw file (a row of lake.raw_files)."""

    source_file: str
    source_sha256: str
    scraped_at: datetime
    size: int | None
    mtime_ns: int | None
    ctime_ns: int | None
    sidecar_mtime_ns: int | None
    source_format: str | None
    parser_version: str
    records: int
    rejects: int
    ingested_at: datetime
    lake_build: int

    @property
    def signature(self) -> tuple:
        return (self.size, self.mtime_ns, self.ctime_ns, self.sidecar_mtime_ns)


# Rows per Parquet row group in the lake's data files. DuckDB reads a row group's column at
# once: at DuckDB's default (122,880 rows) an abstract column is ~150 MB to decompress, which
# alone breaks a small memory limit; 16,384 rows keep it near 20 MB.
ROW_GROUP_ROWS = 16_384


def ensure_tables(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> None:
    """Create the lake's tables, or add the columns a newer schema declares (DuckLake alters
    a table's schema in place, without rewriting its data files); set its file options."""
    options = dict(connection.execute(
        f"select option_name, value from {alias}.options()").fetchall())
    if options.get("parquet_row_group_size") != str(ROW_GROUP_ROWS):
        connection.execute(f"call {alias}.set_option('parquet_row_group_size', "
                           f"{ROW_GROUP_ROWS})")
    connection.execute("begin transaction")  # one snapshot for all of it
    for table, schema in TABLES.items():
        present = {row[0] for row in connection.execute(
            "select column_name from duckdb_columns() where database_name = ? "
            "and schema_name = 'main' and table_name = ?", [alias, table]).fetchall()}
        empty = schema.empty_table()  # noqa: F841 (read by DuckDB's replacement scan)
        if not present:
            connection.execute(f"create table {alias}.{table} as select * from empty")
            if table == "lake_head":  # a lake made before it: its builds so far
                connection.execute(f"insert into {alias}.lake_head select coalesce("
                                   f"max(lake_build), 0) from {alias}.builds")
            continue
        for column, duckdb_type in connection.execute(
                "select column_name, column_type from (describe select * from empty)").fetchall():
            if column not in present:
                connection.execute(f'alter table {alias}.{table} add column "{column}" '
                                   f"{duckdb_type}")
    connection.execute("commit")


def read_raw_files(connection: duckdb.DuckDBPyConnection,
                   alias: str = "lake") -> dict[str, RawFileEntry]:
    names = ", ".join(f'"{field.name}"' for field in fields(RawFileEntry))
    rows = connection.execute(f"select {names} from {alias}.raw_files").fetchall()
    return {row[0]: RawFileEntry(*row) for row in rows}


def raw_files_table(entries: list[RawFileEntry]) -> pa.Table:
    return pa.Table.from_pylist([asdict(entry) for entry in entries], schema=RAW_FILE_SCHEMA)


def next_lake_build(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> int:
    return connection.execute(
        f"select coalesce(max(lake_build), 0) + 1 from {alias}.builds").fetchone()[0]


def advance_head(connection: duckdb.DuckDBPyConnection, lake_build: int) -> None:
    """In the committing transaction: this build is the lake's last (see HEAD_SCHEMA)."""
    connection.execute("delete from lake.lake_head")
    connection.execute("insert into lake.lake_head values (?)", [lake_build])


@dataclass(frozen=True)
class LakeTotals:
    raw_files: int
    files_with_listings: int
    files_with_rejects: int
    listings: int
    rejects: int


def lake_totals(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> LakeTotals:
    """What the whole lake holds, from its raw-file index (no data file is read)."""
    row = connection.execute(
        f"select count(*), count(*) filter (where records > 0), count(*) filter "
        f"(where rejects > 0), coalesce(sum(records), 0), coalesce(sum(rejects), 0) "
        f"from {alias}.raw_files").fetchone()
    return LakeTotals(*(int(value) for value in row))


def lake_identity(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> str:
    """Tells one lake from another made anew in the same place (build numbers restart)."""
    return str(connection.execute(
        f"select table_uuid from ducklake_table_info('{alias}') where table_name = 'listings'"
    ).fetchone()[0])


def lake_content(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> str:
    """What the warehouse is made of: the lake's identity and, per raw file, the build whose
    rows are current. Equal contents, equal warehouses (given the same code)."""
    rows = connection.execute(f"select source_file, lake_build from {alias}.raw_files "
                              "order by source_file").fetchall()
    return hashlib.sha256(json.dumps([lake_identity(connection, alias), rows]).encode()
                          ).hexdigest()


def latest_lake_build(connection: duckdb.DuckDBPyConnection, alias: str = "lake") -> int:
    return connection.execute(
        f"select coalesce(max(lake_build), 0) from {alias}.builds").fetchone()[0]
