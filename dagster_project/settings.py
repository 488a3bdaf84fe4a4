"""Where things live. One setting, the data dir, read by Dagster, dbt and the CLI alike.

dbt reads the same environment variable (PAPERS_WAREHOUSE_DATA_DIR) in its profile and
sources, so there is exactly one place that decides where the warehouse is.
"""

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "PAPERS_WAREHOUSE_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / "warehouse.duckdb"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def quality_docs(self) -> Path:
        return self.root / "quality"


def data_paths(data_dir: str | Path | None = None) -> DataPaths:
    """The data dir given, else $PAPERS_WAREHOUSE_DATA_DIR, else ./data — made absolute."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV) or "data"
    return DataPaths(Path(chosen).expanduser().resolve())


def use_data_dir(data_dir: str | Path | None) -> DataPaths:
    """Fix the data dir for this process and the dbt subprocesses it starts."""
    paths = data_paths(data_dir)
    os.environ[DATA_DIR_ENV] = str(paths.root)
    return paths
