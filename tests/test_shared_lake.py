"""A lake shared by several data dirs (issue 20): its DuckLake catalog on a real PostgreSQL
server that the tests start themselves, its data files in one shared directory."""

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import pytest

from bench.postgres_server import postgres_server
from dagster_project.faults import KILL_AT_ENV
from dagster_project.lake import catalog, compaction
from dagster_project.lake.data_files import current_files
from dagster_project.lake.ingest import ingest
from dagster_project.settings import LAKE_CATALOG_ENV, LAKE_DATA_ENV
from tests.conftest import SAMPLE
from tests.pipeline_helpers import build, query, scalar
from tests.test_ingest import write_page

pytestmark = pytest.mark.shared_lake

CLI = Path(sys.executable).with_name("papers-warehouse")
API_PAGE = SAMPLE.parent / "2025-12-13_hf-daily-papers-api.json"
NEW_PAGE = Path(__file__).with_name("fixtures") / "daily_papers.json"


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        yield running


@pytest.fixture
def shared_lake(server, tmp_path, monkeypatch, request):
    """A new catalog database and data directory; the settings point this process at them."""
    name = "lake_" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]
    server.create_database(name)
    settings = {LAKE_CATALOG_ENV: f"postgres:{server.conninfo(name)}",
                LAKE_DATA_ENV: str(tmp_path / "shared-lake-files")}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    return settings


def _data_dir(root: Path, *pages: Path) -> Path:
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for page in pages:
        for path in page.parent.glob(page.name + "*"):
            shutil.copy2(path, raw / path.name)
    return root / "data"


def test_a_data_dir_builds_its_warehouse_from_a_postgres_catalog(shared_lake, tmp_path):
    data_dir = _data_dir(tmp_path / "laptop", SAMPLE)
    assert build(data_dir) == 0

    assert scalar(data_dir, "select count(*) from papers") == 46
    assert not (data_dir / "lake" / "catalog.ducklake").exists()  # the catalog is PostgreSQL's
    assert list(Path(shared_lake[LAKE_DATA_ENV]).rglob("*.parquet"))


def test_an_unreachable_catalog_is_named_and_changes_nothing(server, shared_lake, tmp_path):
    data_dir = _data_dir(tmp_path / "laptop", SAMPLE)
    assert build(data_dir) == 0
    warehouse = data_dir / "warehouse.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    shutil.copy(NEW_PAGE, data_dir / "raw" / "2025-12-13_daily_papers.json")

    server.stop()
    try:
        failed = subprocess.run([str(CLI), "build", "--data-dir", str(data_dir)],
                                capture_output=True, text=True, timeout=600,
                                env=os.environ.copy())
    finally:
        server.resume()

    assert failed.returncode == 1, failed.stdout + failed.stderr
    output = failed.stdout + failed.stderr
    assert f"on host {server.socket_dir} as postgres, cannot be reached" in output
    assert "Traceback" not in output
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert build(data_dir) == 0  # the server back: the page lands
    assert scalar(data_dir, "select count(*) from papers") > 46


SAME_NAME = "2025-12-13_daily_papers.json"  # both machines saved a file by this name


def _cli_build(data_dir: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([str(CLI), "build", "--data-dir", str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **env})


def _finished(process: subprocess.Popen) -> str:
    output = process.communicate(timeout=900)[0]
    assert process.returncode == 0, output
    return output


def _two_machines(tmp_path: Path) -> tuple[Path, Path]:
    """Two data dirs with different raw files, and one name that both used for different
    pages."""
    laptop = _data_dir(tmp_path / "laptop", SAMPLE)
    shutil.copy(NEW_PAGE, laptop / "raw" / SAME_NAME)
    server = _data_dir(tmp_path / "server", API_PAGE)
    shutil.copy(API_PAGE, server / "raw" / SAME_NAME)
    return laptop, server


def _marts(data_dir: Path) -> tuple:
    return (scalar(data_dir, "select count(*) from papers"),
            scalar(data_dir, "select count(*) from paper_sightings"),
            scalar(data_dir, "select sum(papers) from daily_counts"))


def test_two_data_dirs_build_at_once_and_both_publish_the_union(shared_lake, tmp_path,
                                                                monkeypatch):
    laptop, server = _two_machines(tmp_path)
    builds = [_cli_build(laptop), _cli_build(server)]  # side by side, one shared lake
    outputs = [_finished(process) for process in builds]
    assert all("Traceback" not in output for output in outputs)

    # The same files in one data dir of its own lake (the shared name given twice): the union.
    for key in (LAKE_CATALOG_ENV, LAKE_DATA_ENV):
        monkeypatch.delenv(key)
    alone = _data_dir(tmp_path / "alone", SAMPLE, API_PAGE)
    shutil.copy(NEW_PAGE, alone / "raw" / SAME_NAME)
    (alone / "raw" / "server").mkdir()
    shutil.copy(API_PAGE, alone / "raw" / "server" / SAME_NAME)
    assert build(alone) == 0
    for key, value in shared_lake.items():
        monkeypatch.setenv(key, value)

    # Whichever published first had not seen the other's commit: each builds once more.
    for data_dir in (laptop, server):
        assert build(data_dir) == 0
        assert _marts(data_dir) == _marts(alone)
    writers = {(data_dir / "lake" / "writer").read_text().strip() for data_dir in (laptop, server)}
    assert len(writers) == 2  # each data dir its own writer id, its files under it
    # Lake builds are numbered in commit order, never twice (dbt loads by that number).
    with catalog.connect(laptop / "lake", read_only=True) as lake:
        sources = {row[0] for row in lake.execute("select source_file from lake.raw_files"
                                                  ).fetchall()}
        builds = lake.execute("select count(*), count(distinct lake_build) from lake.builds"
                              ).fetchone()
        by_writer = lake.execute("select split_part(source_file, ':', 1), list(distinct "
                                 "lake_build) from lake.raw_files group by 1").fetchall()
        listings = lake.execute("select count(*) from lake.listings").fetchone()[0]
    assert {f"{writer}:{SAME_NAME}" for writer in writers} <= sources  # same name, both kept
    assert builds == (2, 2)
    assert sorted(numbers for _, numbers in by_writer) == [[1], [2]]
    # A machine's Dagster UI shows the shared lake's totals as its last run saw them: the
    # writer that committed last (or ran again after the other's commit) shows the union.
    shown = []
    for data_dir in (laptop, server):
        instance = dg.DagsterInstance.from_config(str(data_dir / ".dagster"))
        event = instance.get_latest_materialization_event(dg.AssetKey("lake_listings"))
        shown.append(event.asset_materialization.metadata)
    union = [metadata for metadata in shown if metadata["files in lake"].value == len(sources)]
    assert union, shown
    assert all(metadata["dagster/row_count"].value == listings for metadata in union)


def test_compaction_beside_another_writer_loses_nothing(shared_lake, tmp_path, monkeypatch):
    """Two writers commit a page at a time side by side and compact once files pile up; a
    compaction that another writer's commit overtook is skipped, and nothing is lost."""
    monkeypatch.setattr(compaction, "COMPACT_FROM_FILES", 3)
    pages, cards = 8, 12

    def collect(machine: str) -> list:
        raw = tmp_path / machine / "raw"
        raw.mkdir(parents=True)
        reports = []
        for day in range(1, pages + 1):
            write_page(raw, f"2025-12-{day:02}_{machine}.txt", day=f"Dec {day}", cards=cards)
            reports.append(ingest(raw, tmp_path / machine / "lake", workers=1))
        return reports

    with ThreadPoolExecutor(2) as pool:
        reports = [report for machine in pool.map(collect, ["laptop", "server"])
                   for report in machine]

    assert all(report.lake_build for report in reports)  # every page committed
    assert any(report.compacted for report in reports)
    with catalog.connect(tmp_path / "laptop" / "lake", read_only=True) as lake:
        per_writer = lake.execute(
            "select split_part(source_file, ':', 1), count(*), count(distinct "
            "(source_file, line_number)) from lake.listings group by 1").fetchall()
        assert [problem for file in current_files(lake) if (problem := file.problem())] == []
        builds = lake.execute("select count(*), count(distinct lake_build) from lake.builds"
                              ).fetchone()
    assert [rows for _, *rows in per_writer] == [[pages * cards, pages * cards]] * 2
    assert builds == (2 * pages, 2 * pages)


def test_a_forget_on_one_data_dir_is_seen_by_the_other(shared_lake, tmp_path):
    laptop, server = _two_machines(tmp_path)
    for data_dir in (laptop, server):
        assert build(data_dir) == 0
    assert "up to date" in _finished(_cli_build(server))  # asked the catalog, no run
    forgotten = subprocess.run([str(CLI), "forget", SAME_NAME, "--data-dir", str(laptop)],
                               capture_output=True, text=True, timeout=300)
    assert forgotten.returncode == 0, forgotten.stderr
    (laptop / "raw" / SAME_NAME).unlink()

    assert "up to date" not in _finished(_cli_build(server))
    laptop_writer = (laptop / "lake" / "writer").read_text().strip()
    server_writer = (server / "lake" / "writer").read_text().strip()
    sources = {row[0] for row in query(server, "select source_file from paper_sightings")}
    assert f"{laptop_writer}:{SAME_NAME}" not in sources  # gone for everyone
    assert f"{server_writer}:{SAME_NAME}" in sources  # the other machine's own file stays


def test_a_killed_writer_leaves_the_shared_lake_at_its_last_commit(shared_lake, tmp_path):
    laptop, server = _two_machines(tmp_path)
    killed = subprocess.run([str(CLI), "build", "--data-dir", str(laptop)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, KILL_AT_ENV: "lake-commit"})
    assert killed.returncode == -9  # its rows written to the shared data path, not committed
    laptop_files = f"{(laptop / 'lake' / 'writer').read_text().strip()}:%"
    rows_of_laptop = "select count(*) from paper_sightings where source_file like ?"

    assert build(server) == 0  # the other writer commits and publishes as ever
    assert scalar(server, rows_of_laptop, [laptop_files]) == 0
    assert scalar(server, "select count(*) from paper_sightings") > 0
    assert build(laptop) == 0  # the killed one's next build lands its files
    assert build(server) == 0
    assert scalar(server, rows_of_laptop, [laptop_files]) == \
        scalar(laptop, rows_of_laptop, [laptop_files]) > 0


def test_postgres_stopped_during_a_build_publishes_nothing(server, shared_lake, tmp_path):
    data_dir = _data_dir(tmp_path / "laptop", SAMPLE)
    assert build(data_dir) == 0
    warehouse = data_dir / "warehouse.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    shutil.copy(NEW_PAGE, data_dir / "raw" / SAME_NAME)

    process = _cli_build(data_dir)
    seen = []
    for line in process.stdout:  # the lake committed, the raw suite ran: dbt is starting
        seen.append(line)
        if line.startswith("checks "):
            server.stop()
            break
    try:
        output = "".join(seen) + process.communicate(timeout=600)[0]
    finally:
        server.resume()

    assert process.returncode == 1, output
    assert f"{warehouse} is unchanged" in output
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert build(data_dir) == 0  # the server back: the build finishes the work
    assert scalar(data_dir, "select count(*) from paper_sightings") > 46
