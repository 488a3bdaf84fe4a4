"""Where things live. One setting, the data dir, read by Dagster, dbt and the CLI alike.

dbt reads the same environment variable (PAPERS_WAREHOUSE_DATA_DIR) in its profile and
sources, so there is exactly one place that decides where the warehouse is.
"""

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "PAPERS_WAREHOUSE_DATA_DIR"
DEFAULT_DATA_DIR = "data"
# DuckDB's memory limit for every connection that does heavy work (ingest, dbt, publish);
# beyond it DuckDB spills to DataPaths.temp. Default: a share of this machine's memory.
MEMORY_LIMIT_ENV = "PAPERS_WAREHOUSE_MEMORY_LIMIT"
# A lake shared by several data dirs (lake/location.py); unset: the data dir's own lake.
LAKE_CATALOG_ENV = "PAPERS_WAREHOUSE_LAKE_CATALOG"
LAKE_DATA_ENV = "PAPERS_WAREHOUSE_LAKE_DATA"
MEMORY_SHARE = 0.125
MEMORY_LIMIT_BOUNDS_MB = (1024, 3072)
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
    def dashboard(self) -> Path:
        return self.root / "dashboard.html"

    @property
    def quality_docs(self) -> Path:
        return self.root / "quality"

    @property
    def temp(self) -> Path:
        """Where DuckDB spills what does not fit in its memory limit."""
        return self.root / "tmp"


def data_paths(data_dir: str | Path | None = None) -> DataPaths:
    """The data dir given, else $PAPERS_WAREHOUSE_DATA_DIR, else ./data — made absolute."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return DataPaths(Path(chosen).expanduser().resolve())


def use_data_dir(data_dir: str | Path | None) -> DataPaths:
    """Fix the data dir (and the memory limit) for this process and the dbt it starts."""
    paths = data_paths(data_dir)
    os.environ[DATA_DIR_ENV] = str(paths.root)
    os.environ[MEMORY_LIMIT_ENV] = duckdb_memory_limit()
    return paths


def use_lake(catalog: str | None, data: str | None) -> None:
    """--lake-catalog / --lake-data: for this process and every one it starts (dbt, the
    quality checks, the UI's)."""
    for name, value in ((LAKE_CATALOG_ENV, catalog), (LAKE_DATA_ENV, data)):
        if value is not None:
            os.environ[name] = value


def duckdb_memory_limit() -> str:
    """$PAPERS_WAREHOUSE_MEMORY_LIMIT (e.g. "2GB"), else 1/8 of this machine's memory,
    between 1 and 3 GB: the build's whole process tree then stays within 4 GB."""
    chosen = os.environ.get(MEMORY_LIMIT_ENV)
    if chosen:
        return chosen
    machine_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    low, high = MEMORY_LIMIT_BOUNDS_MB
    return f"{min(max(int(machine_mb * MEMORY_SHARE), low), high)}MB"


def duckdb_config(temp_dir: Path | None = None) -> dict:
    """Settings for a DuckDB connection that does heavy work (ingest, publish): the memory
    limit, spilling to temp_dir, no insertion order to keep (lets inserts stream)."""
    config = {"memory_limit": duckdb_memory_limit(), "preserve_insertion_order": False}
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_dir)
    return config
