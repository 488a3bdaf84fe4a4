"""The data dir as a Dagster resource: the one place a run learns where raw/, lake/, build/
and warehouse.duckdb are. Assets, checks, the sensor and the build lock take it.

It is configured from the process's setting ($PAPERS_WAREHOUSE_DATA_DIR, else ./data) when the
definitions load; the CLI passes its --data-dir in the run config. At the start of a run it
also fixes that setting for the process, because dbt's profile reads it.
"""

import dagster as dg

from dagster_project.settings import DataPaths, data_paths, use_data_dir


class DataDir(dg.ConfigurableResource):
    """Where the data lives: DIR/raw, DIR/lake, DIR/build, DIR/warehouse.duckdb."""

    path: str

    @property
    def paths(self) -> DataPaths:
        return data_paths(self.path)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        use_data_dir(self.path)  # dbt's profile and sources read it from the environment

    @classmethod
    def from_setting(cls) -> "DataDir":
        return cls(path=str(data_paths().root))
