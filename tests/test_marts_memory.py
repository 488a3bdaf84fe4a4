"""The papers mart at 200,000 distinct papers under a deliberately small DuckDB memory limit.

Regression test for issue 8: at ~1M distinct papers, `papers` kept every abstract in its
aggregate state (arg_max(abstract, recency) per paper) and failed with "could not allocate
block" under a 2 GB limit. 200k papers with ~1.2 kB abstracts are ~240 MB of abstracts: under
a 192 MB limit that design cannot hold them; picking the winning listing by row id and
fetching the abstract afterwards streams, spilling to the data dir's temp directory.
"""

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from dagster_project.lake import catalog
from dagster_project.lake.commit import LakeBuild
from dagster_project.lake.tables import RawFileEntry, ensure_tables
from dagster_project.raw.schema import LISTING_SCHEMA

DBT_DIR = Path(__file__).resolve().parent.parent / "dbt"
DBT = Path(sys.executable).with_name("dbt")
PAPERS = 200_000
PAGES = 40
MEMORY_LIMIT = "192MB"
SCRAPED_AT = datetime(2025, 12, 1, tzinfo=UTC)


def _page(number: int, first_paper: int, papers: int) -> pa.Table:
    rng = np.random.default_rng(number)
    ids = np.arange(first_paper, first_paper + papers)
    words = np.array(["model", "learning", "graph", "vision", "language", "scaling", "agent"])
    abstracts = [" ".join(words[rng.integers(0, len(words), 170)]) + f" {i}." for i in ids]
    columns = {
        "source_file": [f"2025-12-01_page-{number:03}.txt"] * papers,
        "source_sha256": [f"{number:064x}"] * papers,
        "source_format": ["text_page"] * papers,
        "record_index": np.arange(papers, dtype=np.int32),
        "scraped_at": [SCRAPED_AT] * papers,
        "title": [f"Distinct paper number {i}" for i in ids],
        "abstract": abstracts,
        "authors_count": rng.integers(1, 30, papers, dtype=np.int32),
        "published_date": [date(2025, 1 + int(i) % 12, 1 + int(i) % 28) for i in ids],
        "upvotes": rng.integers(0, 500, papers, dtype=np.int32),
        "ingested_at": [SCRAPED_AT] * papers,
    }
    return pa.Table.from_pydict(columns).cast(
        pa.schema([LISTING_SCHEMA.field(name) for name in columns])).select(list(columns))


def _write_lake(data_dir: Path) -> None:
    per_page = PAPERS // PAGES
    with catalog.connect(data_dir / "lake") as connection:
        ensure_tables(connection)
        build = LakeBuild(connection)
        for number in range(PAGES):
            page = _page(number, number * per_page, per_page)
            build.add_rows("listings", page)
            build.put_file(RawFileEntry(
                source_file=page["source_file"][0].as_py(),
                source_sha256=page["source_sha256"][0].as_py(), scraped_at=SCRAPED_AT,
                size=None, mtime_ns=None, ctime_ns=None, sidecar_mtime_ns=None,
                source_format="text_page", parser_version="test", records=per_page,
                rejects=0, ingested_at=SCRAPED_AT, lake_build=0))
        build.commit({"test": "tests/test_marts_memory.py"})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("marts_memory")
    _write_lake(root)
    (root / "build").mkdir()
    return root


def test_papers_at_200k_distinct_papers_fits_a_small_memory_limit(data_dir, tmp_path):
    env = {**os.environ, "PAPERS_WAREHOUSE_DATA_DIR": str(data_dir),
           "PAPERS_WAREHOUSE_MEMORY_LIMIT": MEMORY_LIMIT}
    run = subprocess.run(
        [str(DBT), "run", "--select", "+papers", "--project-dir", str(DBT_DIR),
         "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs"), "--threads", "1"],
        env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:]
    with duckdb.connect(str(data_dir / "build" / "warehouse.duckdb"), read_only=True) as db:
        papers, with_abstract = db.execute(
            "select count(*), count(abstract) from papers").fetchone()
        sample = db.execute("select abstract from papers where title = "
                            "'Distinct paper number 123456'").fetchone()[0]
    assert (papers, with_abstract) == (PAPERS, PAPERS)
    assert sample.endswith(" 123456.")
