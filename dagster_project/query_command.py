"""`papers-warehouse query`: read-only SQL with friendly errors and a choice of output."""

import csv
import json
import sys
from pathlib import Path

import duckdb


def run_query(sql: str, output_format: str, warehouse: Path) -> int:
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse}; run `papers-warehouse build` first",
              file=sys.stderr)
        return 1
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        relation = connection.sql(sql)
        if relation is None:  # a statement without a result
            return 0
        columns, rows = relation.columns, relation.fetchall()
    except duckdb.Error as problem:
        print(f"error: the query failed: {problem}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    write_rows(columns, rows, output_format, sys.stdout)
    return 0


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
