"""Tags every run carries, whoever starts it: the data dir it works on and where it came
from (cli, ui, sensor, schedule), so the UI's Runs list can be filtered by them."""

from pathlib import Path

from dagster_project.settings import data_paths

DATA_DIR_TAG = "papers_warehouse/data_dir"
STARTED_BY_TAG = "papers_warehouse/started_by"


def run_tags(started_by: str, root: Path | None = None) -> dict[str, str]:
    """`root`: the data dir (default: the one this process was started for)."""
    return {DATA_DIR_TAG: str(root or data_paths().root), STARTED_BY_TAG: started_by}
