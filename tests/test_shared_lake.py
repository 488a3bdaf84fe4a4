"""A lake shared by several data dirs (issue 20): its DuckLake catalog on a real PostgreSQL
server that the tests start themselves, its data files in one shared directory."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.settings import LAKE_CATALOG_ENV, LAKE_DATA_ENV
from tests.conftest import SAMPLE
from tests.pipeline_helpers import build, scalar
from tests.postgres_server import postgres_server

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
