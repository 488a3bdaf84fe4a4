"""One published sample warehouse for the search, SQL helper and query tests.

A real build (Dagster job, dbt, GX, publish) takes ~30 s, so the three modules share one,
built on first use. They only read it; a test that writes copies it first.
"""

import shutil
from pathlib import Path

from tests.pipeline_helpers import build

_built: dict[str, Path] = {}


def published_sample(tmp_path_factory, sample_dir: Path) -> Path:
    """The data dir of a real build of the bundled sample (holds warehouse.duckdb)."""
    if "data_dir" not in _built:
        data_dir = tmp_path_factory.mktemp("published_sample") / "data"
        shutil.copytree(sample_dir, data_dir / "raw")
        assert build(data_dir) == 0
        _built["data_dir"] = data_dir
    return _built["data_dir"]
