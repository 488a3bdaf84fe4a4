"""Each data dir's own Dagster instance, DIR/.dagster: its run history, materializations and
row counts, so the UI of one data dir never shows another's. The CLI build, `papers-warehouse
ui` and the runs they start all use it (DAGSTER_HOME is set to it for the process).

The CLI opens the same instance (the same run and event storage) with one difference: its
runs capture no compute logs. A terminal build prints its output where the user is; the
capture would start `tail -F` and a watcher process per stream for every run, and those
print KeyboardInterrupt tracebacks of their own when Ctrl-C reaches the process group.
"""

import os
import shutil
from pathlib import Path

from dagster_project.settings import DataPaths

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")
CLI_CONFIG_NAME = "dagster_cli.yaml"
NO_COMPUTE_LOGS = """
# Written by dagster_project/commands/instance.py: the CLI's view of this instance.
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


def instance_home(paths: DataPaths) -> Path:
    return paths.root / ".dagster"


def ensure_dagster_home(paths: DataPaths) -> Path:
    """DIR/.dagster, created with our dagster.yaml if new, and made this process's
    DAGSTER_HOME (Dagster reads it for the instance and its own settings)."""
    home = instance_home(paths)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    cli_config = (home / "dagster.yaml").read_text(encoding="utf-8") + NO_COMPUTE_LOGS
    if not (home / CLI_CONFIG_NAME).exists() or \
            (home / CLI_CONFIG_NAME).read_text(encoding="utf-8") != cli_config:
        (home / CLI_CONFIG_NAME).write_text(cli_config, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def cli_instance(paths: DataPaths):
    """The data dir's instance, for a run started from the CLI (no compute log capture)."""
    import dagster as dg

    return dg.DagsterInstance.from_config(str(ensure_dagster_home(paths)),
                                          config_filename=CLI_CONFIG_NAME)
