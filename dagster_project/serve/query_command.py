"""`papers-warehouse query`: read-only SQL with friendly errors, printed or exported.

To the terminal: a table, CSV or JSON, streamed in batches. To a file (--output): DuckDB's
own COPY ... TO writes CSV, JSON (one array) or Parquet, streaming, so results larger than
memory export fine.
"""

import contextlib
import csv
import json
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from dagster_project import duckdb_extensions

FORMATS = ("table", "csv", "json", "parquet")
FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".txt": "table"}
COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER true",
    "json": "FORMAT json, ARRAY true",
    "parquet": "FORMAT parquet",
}
BATCH_ROWS = 10_000


def output_format(requested: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output file's suffix names, else a table."""
    if requested:
        return requested
    if output is not None:
        return FILE_FORMATS.get(output.suffix.lower(), "table")
    return "table"


def run_query(sql: str, output_format: str, warehouse: Path, output: Path | None = None) -> int:
    connection = open_warehouse(warehouse)
    if connection is None:
        return 1
    try:
        relation = connection.sql(sql)
        if relation is None:  # a statement without a result
            return 0
        if output is not None and output_format != "table":
            rows = export(connection, relation, output_format, output)
            print(f"wrote {rows} rows to {output}", file=sys.stderr)
        elif output is not None:
            with open(output, "w", encoding="utf-8") as out:
                write_relation(relation, output_format, out)
            print(f"wrote {output}", file=sys.stderr)
        else:
            write_relation(relation, output_format, sys.stdout)
    except duckdb.Error as problem:
        print(query_error(problem, warehouse), file=sys.stderr)
        return 2
    except OSError as problem:
        print(f"error: cannot write {output}: {problem.strerror or problem}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    return 0


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection | None:
    """The published warehouse, read-only, with fts loaded for search_papers; None if absent."""
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse}; run `papers-warehouse build` first",
              file=sys.stderr)
        return None
    connection = duckdb.connect(str(warehouse), read_only=True)
    with contextlib.suppress(duckdb.Error):  # only search needs it; DuckDB says so if so
        duckdb_extensions.load(connection, "fts")
    return connection


def query_error(problem: duckdb.Error, warehouse: Path) -> str:
    message = str(problem)
    if "read-only mode" in message:
        return (f"error: the warehouse is read-only: `query` cannot change {warehouse}. "
                "Its tables are rebuilt by `papers-warehouse build`; to keep a result, "
                "export it with --output FILE.\n"
                f"(DuckDB: {message})")
    return f"error: the query failed: {message}"


def export(connection: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation,
           output_format: str, output: Path) -> int:
    """COPY the result to a file; returns the number of rows written."""
    # A registered relation works for any statement with a result (SHOW, DESCRIBE, PRAGMA),
    # where COPY (<sql>) TO accepts only queries.
    connection.register("query_result", relation)
    return connection.execute(
        f"COPY (FROM query_result) TO {duckdb_extensions.sql_string(str(output))} "
        f"({COPY_OPTIONS[output_format]})"
    ).fetchone()[0]


def write_relation(relation: duckdb.DuckDBPyRelation, output_format: str, out: TextIO) -> None:
    columns = relation.columns
    if output_format == "table":
        write_rows(columns, relation.fetchall(), output_format, out)
        return
    batches = iter(lambda: relation.fetchmany(BATCH_ROWS), [])
    if output_format == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for batch in batches:
            writer.writerows(batch)
    elif output_format == "json":
        out.write("[")
        separator = "\n"
        for batch in batches:
            for row in batch:
                out.write(separator + json.dumps(dict(zip(columns, row, strict=True)),
                                                 default=str))
                separator = ",\n"
        out.write("\n]\n")
    else:
        raise ValueError(f"cannot write {output_format} as text; use --output FILE")


def write_rows(columns: list[str], rows: list[tuple], output_format: str, out) -> None:
    if output_format == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output_format == "json":
        json.dump([dict(zip(columns, row, strict=True)) for row in rows], out, default=str,
                  indent=1)
        out.write("\n")
    else:
        out.write(format_table(columns, rows) + "\n")


def format_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body, f"({len(rows)} rows)"])
