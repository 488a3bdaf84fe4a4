"""A whole build killed (SIGKILL: no cleanup, no finally) at each stage: the published warehouse
is the old one or the new one, never a mix; the lake is at a commit; and the next build
finishes and equals a clean build of the same files (issue 18, case 11). `make faults`."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.faults import KILL_AT_ENV
from dagster_project.lake import catalog
from dagster_project.lake.compaction import COMPACT_FROM_FILES
from dagster_project.lake.ingest import ingest
from dagster_project.settings import data_paths
from tests.pipeline_helpers import build, query
from tests.test_ingest import write_page
from tests.test_lake_repair import MARTS

pytestmark = pytest.mark.faults

# Stage → whether the new warehouse is in place when the build dies there.
KILL_POINTS = {
    "parse": False, "lake-insert": False, "lake-commit": False, "lake-compact": False,
    "dbt": False, "checks": False, "publish-copy": False, "publish-rename": True,
}
CARDS = 12  # a data file per page, not rows inlined in the catalog
NEW_PAGE = "2025-12-31_a.txt"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published(tmp_path_factory, sample_dir):
    """The sample, and as many one-page lake builds as the lake holds before it compacts:
    the next page's build compacts too. Built and published once."""
    data_dir = tmp_path_factory.mktemp("published") / "data"
    shutil.copytree(sample_dir, data_dir / "raw")
    paths = data_paths(data_dir)
    for day in range(1, COMPACT_FROM_FILES + 1):  # the first build reads the sample too
        write_page(paths.raw, f"2025-11-{day:02}_a.txt", day=f"Nov {day}", votes=day,
                   cards=CARDS)
        ingest(paths.raw, paths.lake)
    assert build(data_dir) == 0
    return data_dir


@pytest.fixture(scope="module")
def clean(tmp_path_factory, published):
    """The same raw files and the new page, built once from nothing."""
    data_dir = tmp_path_factory.mktemp("clean") / "data"
    shutil.copytree(published / "raw", data_dir / "raw")
    write_page(data_dir / "raw", NEW_PAGE, day="Dec 31", votes=31, cards=CARDS)
    assert build(data_dir) == 0
    return data_dir


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_build_killed_at_any_stage_leaves_old_or_new_and_the_next_build_is_clean(
        tmp_path, published, clean, point):
    data_dir = tmp_path / "data"
    shutil.copytree(published, data_dir, symlinks=True)
    paths = data_paths(data_dir)
    before = digest(paths.warehouse)
    write_page(paths.raw, NEW_PAGE, day="Dec 31", votes=31, cards=CARDS)

    killed = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "build", "--data-dir", str(data_dir)],
        env={**os.environ, KILL_AT_ENV: point}, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    new_papers = "select count(*) from paper_sightings where source_file = ?"
    if KILL_POINTS[point]:
        assert query(data_dir, new_papers, [NEW_PAGE]) == [(CARDS,)]
    else:
        assert digest(paths.warehouse) == before
    with catalog.connect(paths.lake, read_only=True) as connection:
        assert connection.execute("select count(*) from lake.listings").fetchone()[0] > 0

    assert build(data_dir) == 0
    for sql in MARTS:
        assert query(data_dir, sql) == query(clean, sql), (point, sql)
    assert not paths.warehouse.with_name("warehouse.duckdb.publishing").exists()
    with catalog.connect(paths.lake, read_only=True) as connection:
        listed = {Path(row[0]).name for row in connection.execute(
            "select data_file from ducklake_list_files('lake', 'listings')").fetchall()}
    on_disk = {path.name for path in (paths.lake / "files").rglob("*.parquet")
               if "listings" in path.parts}
    assert on_disk == listed  # what the killed build wrote but never committed is gone
