"""The project's local Dagster instance, shared by the CLI build and `make ui`.

The CLI opens the same instance (the same run and event storage) with one difference: its
runs capture no compute logs. A terminal build prints its output where the user is; the
capture would start `tail -F` and a watcher process per stream for every run, and those
print KeyboardInterrupt tracebacks of their own when Ctrl-C reaches the process group.
"""

import os
import shutil
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")
CLI_CONFIG_NAME = "dagster_cli.yaml"
NO_COMPUTE_LOGS = """
# Written by dagster_project/commands/instance.py: the CLI's view of this instance.
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


def ensure_dagster_home() -> Path:
    """$DAGSTER_HOME (default ./.dagster), created with our dagster.yaml if new."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    cli_config = (home / "dagster.yaml").read_text(encoding="utf-8") + NO_COMPUTE_LOGS
    if not (home / CLI_CONFIG_NAME).exists() or \
            (home / CLI_CONFIG_NAME).read_text(encoding="utf-8") != cli_config:
        (home / CLI_CONFIG_NAME).write_text(cli_config, encoding="utf-8")
    return home


def cli_instance():
    """The instance, for a run started from the CLI (no compute log capture)."""
    import dagster as dg

    return dg.DagsterInstance.from_config(str(ensure_dagster_home()),
                                          config_filename=CLI_CONFIG_NAME)
