"""The project's local Dagster instance, shared by the CLI build and `make ui`."""

import os
import shutil
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")


def ensure_dagster_home() -> Path:
    """$DAGSTER_HOME (default ./.dagster), created with our dagster.yaml if new."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    return home
