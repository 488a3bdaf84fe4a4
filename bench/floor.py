"""The floors: DuckDB copying the raw input into one Parquet file, and nothing else.

No parsing beyond what reading requires, no deduplication, no checks: the least any pipeline
over these files must do (read every byte, write it once). The builds are measured as a
multiple of these.

Text pages: read_text of every page, in row groups of ROW_GROUP_ROWS pages. With DuckDB's
default (122,880 rows) all 20,000 pages (1.6 GB) land in one row group that one thread
compresses, which measured 32 s and 4.5 GB RSS at 1M cards against 7-8 s and 1.1 GB with
512-page groups. The floor should be the cheapest plain copy, not a strawman.

arXiv snapshot: read_json of the JSON lines into its 14 typed columns (the JSON must be
parsed: a build cannot do less), declared rather than sampled, newline-delimited so both
cores parse it, and without keeping the input order, which lets the Parquet writer run in
parallel too.

    python -m bench.floor RAW_DIR OUT.parquet
    python -m bench.floor --arxiv SNAPSHOT.json OUT.parquet
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

ROW_GROUP_ROWS = 512
ARXIV_COLUMNS = {
    "id": "VARCHAR", "submitter": "VARCHAR", "authors": "VARCHAR", "title": "VARCHAR",
    "comments": "VARCHAR", "journal-ref": "VARCHAR", "doi": "VARCHAR", "report-no": "VARCHAR",
    "categories": "VARCHAR", "license": "VARCHAR", "abstract": "VARCHAR",
    "versions": "STRUCT(version VARCHAR, created VARCHAR)[]", "update_date": "DATE",
    "authors_parsed": "VARCHAR[][]",
}
MAX_ARXIV_LINE_BYTES = 16 * 1024**2  # DuckDB's default; the longest real lines are ~100 kB


def copy_raw_text(raw_dir: Path, out: Path) -> dict:
    started = time.perf_counter()
    pattern = _quoted(raw_dir / "*.txt")
    target = _quoted(out)
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_text({pattern})) TO {target} "
            f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"
        )
        files = con.execute(f"SELECT count(*) FROM read_parquet({target})").fetchone()[0]
    return {"files": files, "bytes": out.stat().st_size,
            "seconds": round(time.perf_counter() - started, 3)}


def copy_arxiv_snapshot(snapshot: Path, out: Path) -> dict:
    started = time.perf_counter()
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in ARXIV_COLUMNS.items()) + "}"
    target = _quoted(out)
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = false")
        con.execute(
            f"COPY (SELECT * FROM read_json({_quoted(snapshot)}, format = 'newline_delimited', "
            f"columns = {columns}, maximum_object_size = {MAX_ARXIV_LINE_BYTES})) "
            f"TO {target} (FORMAT parquet)"
        )
        records = con.execute(f"SELECT count(*) FROM read_parquet({target})").fetchone()[0]
    return {"records": records, "bytes": out.stat().st_size,
            "seconds": round(time.perf_counter() - started, 3)}


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the raw pages' directory, or with --arxiv "
                                                  "the snapshot file")
    parser.add_argument("out", type=Path)
    parser.add_argument("--arxiv", action="store_true",
                        help="source is an arXiv metadata snapshot (JSON lines)")
    args = parser.parse_args(argv)
    copy = copy_arxiv_snapshot if args.arxiv else copy_raw_text
    print(json.dumps(copy(args.source, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
