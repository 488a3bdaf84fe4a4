import contextlib
import io
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "2025-12-12_hf-daily-papers-search-page.txt"
# The samples the repository ships in data/raw (with their sidecars): tests copy these by
# name, never the whole folder, which holds whatever the user collected there too.
BUNDLED_SAMPLES = ("2025-12-12_hf-daily-papers-search-page.txt",
                   "2025-12-12_hf-daily-papers-search-page.txt.meta.json",
                   "2025-12-13_hf-daily-papers-api.json",
                   "2025-12-13_hf-daily-papers-api.json.meta.json",
                   "2025-12-13_arxiv-metadata-extract.jsonl")


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The bundled sample page and its sidecar, as a raw dir."""
    raw = tmp_path_factory.mktemp("sample") / "raw"
    raw.mkdir()
    for path in SAMPLE.parent.glob(SAMPLE.name + "*"):
        shutil.copy2(path, raw / path.name)
    return raw


@pytest.fixture(scope="session")
def published_sample(tmp_path_factory, sample_dir) -> Path:
    """The data dir of one real build (Dagster job, dbt, GX, publish) of the bundled sample,
    shared by the whole session: tests only read it, and copy it before they change it."""
    from tests.pipeline_helpers import build

    data_dir = tmp_path_factory.mktemp("published_sample") / "data"
    shutil.copytree(sample_dir, data_dir / "raw")
    progress = io.StringIO()  # the CLI's stage lines, as a pipe receives them
    with contextlib.redirect_stderr(progress):
        assert build(data_dir) == 0
    (data_dir.parent / "build-progress.txt").write_text(progress.getvalue(), encoding="utf-8")
    return data_dir


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    """The data dir of `make demo`: every bundled sample in data/raw (text page, Hub API
    response, arXiv extract), built once for the session; tests only read it."""
    from tests.pipeline_helpers import build

    data_dir = tmp_path_factory.mktemp("demo") / "data"
    (data_dir / "raw").mkdir(parents=True)
    for name in BUNDLED_SAMPLES:
        shutil.copy2(SAMPLE.parent / name, data_dir / "raw" / name)
    assert build(data_dir) == 0
    return data_dir


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory):
    """Runs go to a throwaway Dagster instance, not the developer's."""
    home = tmp_path_factory.mktemp("dagster_home")
    patch = pytest.MonkeyPatch()
    patch.setenv("DAGSTER_HOME", str(home))
    yield home
    patch.undo()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir holding only the bundled sample (and its sidecar)."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for path in SAMPLE.parent.glob(SAMPLE.name + "*"):
        shutil.copy2(path, raw / path.name)
    return tmp_path / "data"
