import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "2025-12-12_hf-daily-papers-search-page.txt"


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir holding only the bundled sample (and its sidecar)."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for path in SAMPLE.parent.glob(SAMPLE.name + "*"):
        shutil.copy2(path, raw / path.name)
    return tmp_path / "data"
