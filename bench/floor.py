"""The floor: DuckDB copying the raw files' text into one Parquet file, and nothing else.

No parsing, no deduplication, no checks: the least any pipeline over these files must do
(read every byte, write it once). The build is measured as a multiple of this.

Row groups of ROW_GROUP_ROWS pages: with DuckDB's default (122,880 rows) all 20,000 pages
(1.6 GB) land in one row group that one thread compresses, which measured 32 s and 4.5 GB
RSS at 1M cards against 7-8 s and 1.1 GB with 512-page groups. The floor should be the
cheapest plain copy, not a strawman.

    python -m bench.floor RAW_DIR OUT.parquet
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

ROW_GROUP_ROWS = 512


def copy_raw_text(raw_dir: Path, out: Path) -> dict:
    started = time.perf_counter()
    pattern = str(raw_dir / "*.txt").replace("'", "''")
    target = str(out).replace("'", "''")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_text('{pattern}')) TO '{target}' "
            f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"
        )
        files = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
    return {"files": files, "bytes": out.stat().st_size,
            "seconds": round(time.perf_counter() - started, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(copy_raw_text(args.raw_dir, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
