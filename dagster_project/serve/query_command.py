"""`papers-warehouse query`: read-only SQL with friendly errors, printed or exported.

Read-only means what it says: the warehouse opens read-only, with DuckDB's access to files,
extensions and other databases switched off and the configuration locked, so no statement
can write a file (`COPY … TO`, over the warehouse or anywhere), read one (`read_text`), attach
another database or install anything; one statement per call. `--allow-files` is the
deliberate way back to DuckDB's file functions.

To the terminal: a table, CSV or JSON, streamed in batches. To a file (--output): the CLI
itself writes it, streaming the result through DuckDB's own CSV, JSON (one array) or Parquet
writer on a connection of its own, into a temporary file renamed into place; a table export
(.txt) keeps every value whole.
"""

import contextlib
import csv
import json
import os
import shutil
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from dagster_project import duckdb_extensions
from dagster_project.command_hint import command
from dagster_project.serve.terminal_text import visible
from dagster_project.warehouse.state_files import wal_of

FORMATS = ("table", "csv", "json", "parquet")
FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".txt": "table"}
COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER true",
    "json": "FORMAT json, ARRAY true",
    "parquet": "FORMAT parquet",
}
BATCH_ROWS = 10_000
TERMINAL_CELL_CHARS = 60  # when the terminal's width is unknown (output to a pipe)
MIN_CELL_CHARS = 10
DEFAULT_MAX_ROWS = 40


class QueryRefused(ValueError):
    """A request the CLI will not run; the message says why and what to do instead."""


def output_format(requested: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output file's suffix names, else a table.
    An output suffix that names no format, or another format than the one asked for, is an
    error: a file's name should say what it holds."""
    if output is None:
        return requested or "table"
    suffix = output.suffix.lower()
    implied = FILE_FORMATS.get(suffix)
    if implied is None:
        known = ", ".join(f"{s} ({f})" for s, f in FILE_FORMATS.items())
        raise QueryRefused(f"cannot tell the format of {output.name}: name the file with one "
                           f"of {known}")
    if requested and requested != implied:
        raise QueryRefused(f"--format {requested} contradicts {output.name} (a {suffix} file "
                           f"holds {implied}): name the file {output.stem}"
                           f"{_suffix_of(requested)}, or drop --format")
    return implied


def _suffix_of(format_name: str) -> str:
    return next(s for s, f in FILE_FORMATS.items() if f == format_name)


def run_query(sql: str, output_format: str, warehouse: Path, output: Path | None = None,
              allow_files: bool = False, max_rows: int = DEFAULT_MAX_ROWS,
              wide: bool = False) -> int:
    try:
        statement = single_statement(sql)
        if allow_files:
            refuse_writing(statement)
        data_dir = warehouse.parent.resolve()
        if output is not None and output.resolve().is_relative_to(data_dir):
            raise QueryRefused(f"--output {output} is inside the data dir {data_dir}, which "
                               "holds raw/, the lake and the warehouse: export elsewhere")
    except QueryRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    connection = open_warehouse(warehouse, allow_files)
    if connection is None:
        return 1
    try:
        relation = connection.sql(statement)
        if relation is None:  # a statement without a result
            return 0
        if output is not None:
            rows = export(relation, output_format, output)
            print(f"wrote {rows} row{'s' * (rows != 1)} to {output}", file=sys.stderr)
        elif output_format == "table":
            write_terminal_table(relation, sys.stdout, max_rows, wide)
        else:
            write_relation(relation, output_format, sys.stdout)
    except duckdb.Error as problem:
        print(query_error(problem, warehouse), file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # the reader went away (`| head`): the CLI ends quietly
    except OSError as problem:
        print(f"error: cannot write {output}: {problem.strerror or problem}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    return 0


def single_statement(sql: str) -> str:
    """The one statement in sql; more than one, or none, is refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error:
        return sql  # let DuckDB say what is wrong with it when it runs
    if not statements:
        raise QueryRefused("the query is empty: give one SQL statement")
    if len(statements) > 1:
        raise QueryRefused(f"{len(statements)} statements given: `query` runs one statement "
                           "per call (only its result could be shown)")
    return sql


# What --allow-files lets run: queries, which may read files (read_csv, read_parquet, …).
# Writing files (COPY … TO, EXPORT DATABASE) or opening other databases (ATTACH: the lake's
# catalog, writable) stays refused; results are written with --output. Not EXPLAIN either:
# EXPLAIN ANALYZE runs the statement it explains, a COPY … TO included.
READING_STATEMENTS = {duckdb.StatementType.SELECT}


def refuse_writing(sql: str) -> None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error:
        raise QueryRefused("with --allow-files the query must parse as one SELECT") from None
    kind = statements[0].type
    if kind not in READING_STATEMENTS:
        raise QueryRefused(f"--allow-files lets a query read files, not write them or attach "
                           f"databases ({kind.name} refused): write a result with --output "
                           "FILE")


def open_warehouse(warehouse: Path, allow_files: bool = False
                   ) -> duckdb.DuckDBPyConnection | None:
    """The published warehouse, read-only, fts loaded for search_papers, and (unless
    allow_files) no access to files or other databases; None, having said why, if it
    cannot be opened."""
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse}; build it first: "
              f"{command('build', data_dir=warehouse.parent)}", file=sys.stderr)
        return None
    if wal_of(warehouse).exists():
        # Only a build writes the published file, and never through a log: this one holds a
        # session's writes, maybe to the file the build replaced, and DuckDB would replay it.
        print(f"error: {wal_of(warehouse)} holds writes of a read-write session, not the "
              "build's: reading the warehouse now could mix them in. Close that session, "
              f"then publish it again without them: {command('build', data_dir=warehouse.parent)}",
              file=sys.stderr)
        return None
    try:
        connection = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as problem:
        print(f"error: cannot open {warehouse}: {_first_line(problem)}", file=sys.stderr)
        return None
    with contextlib.suppress(duckdb.Error):  # only search needs it; DuckDB says so if so
        duckdb_extensions.load(connection, "fts")
    if not allow_files:
        connection.execute("set enable_external_access = false")
        connection.execute("set lock_configuration = true")
    return connection


def query_error(problem: duckdb.Error, warehouse: Path) -> str:
    message = str(problem)
    if "read-only mode" in message:
        return (f"error: the warehouse is read-only: `query` cannot change {warehouse}. "
                "Its tables are rebuilt by `papers-warehouse build`; to keep a result, "
                "export it with --output FILE.\n"
                f"(DuckDB: {message})")
    if isinstance(problem, duckdb.PermissionException) or "disabled by configuration" in message:
        return ("error: `query` does not read or write files, attach databases or install "
                "extensions: export a result with --output FILE, or pass --allow-files to "
                f"use DuckDB's file functions.\n(DuckDB: {_first_line(problem)})")
    return f"error: the query failed: {message}"


def _first_line(problem: Exception) -> str:
    return str(problem).strip().splitlines()[0]


def export(relation: duckdb.DuckDBPyRelation, output_format: str, output: Path) -> int:
    """Write the result to output, streaming, and return the number of rows written. A
    connection of the CLI's own (not the user's, which cannot touch files) writes it."""
    staged = output.with_name(f".{output.name}.writing")
    try:
        if output_format == "table":
            with open(staged, "w", encoding="utf-8") as out:
                rows = write_table(relation.columns, relation.fetchall(), out, None)
        else:
            writer = duckdb.connect()
            try:
                result = relation.to_arrow_reader(BATCH_ROWS)  # noqa: F841 (scanned by name)
                rows = writer.execute(
                    f"COPY (FROM result) TO {duckdb_extensions.sql_string(str(staged))} "
                    f"({COPY_OPTIONS[output_format]})").fetchone()[0]
            finally:
                writer.close()
        os.replace(staged, output)
    finally:
        staged.unlink(missing_ok=True)
    return rows


def write_terminal_table(relation: duckdb.DuckDBPyRelation, out: TextIO, max_rows: int,
                         wide: bool) -> None:
    """The first max_rows rows as an aligned table that fits the terminal (cells cut with
    "…" unless wide), then how many rows were left out."""
    rows = relation.fetchmany(max_rows)
    left_out = sum(len(batch) for batch in iter(lambda: relation.fetchmany(BATCH_ROWS), []))
    columns = relation.columns
    width = None if wide else _cell_width(len(columns))
    table = format_table(columns, rows, width, total=len(rows) + left_out)
    out.write(table + "\n")
    if left_out:
        out.write(f"… {left_out} more row{'s' * (left_out != 1)} not shown (--max-rows N to "
                  "show more, --output FILE for all of them)\n")


def _cell_width(columns: int) -> int:
    """The widest a cell may be for the table to fit the terminal (60 when not a terminal)."""
    if not sys.stdout.isatty():
        return TERMINAL_CELL_CHARS
    terminal = shutil.get_terminal_size().columns
    return max(MIN_CELL_CHARS, (terminal - 2 * (columns - 1)) // max(columns, 1))


def write_relation(relation: duckdb.DuckDBPyRelation, output_format: str, out: TextIO) -> None:
    columns = relation.columns
    if output_format == "table":
        write_table(columns, relation.fetchall(), out, TERMINAL_CELL_CHARS)
        return
    batches = iter(lambda: relation.fetchmany(BATCH_ROWS), [])
    if output_format == "csv":
        writer = csv.writer(out, lineterminator="\n")
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
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif output_format == "json":
        json.dump([dict(zip(columns, row, strict=True)) for row in rows], out, default=str,
                  indent=1)
        out.write("\n")
    else:
        write_table(columns, rows, out, TERMINAL_CELL_CHARS)


def write_table(columns: list[str], rows: list[tuple], out: TextIO,
                max_width: int | None) -> int:
    out.write(format_table(columns, rows, max_width) + "\n")
    return len(rows)


def format_table(columns: list[str], rows: list[tuple],
                 max_width: int | None = TERMINAL_CELL_CHARS, total: int | None = None) -> str:
    """Aligned columns; on a terminal each cell is cut at max_width, in a file (None) never.
    The last line counts the rows (total, when only some are shown)."""
    def cell(value) -> str:
        text = "" if value is None else visible(str(value))
        if max_width is None or len(text) <= max_width:
            return text
        return text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(visible(c))] + [len(r[i]) for r in cells])
              for i, c in enumerate(columns)]
    line = "  ".join(visible(c).ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    total = len(rows) if total is None else total
    return "\n".join([line, rule, *body, f"({total} row{'s' * (total != 1)})"])
