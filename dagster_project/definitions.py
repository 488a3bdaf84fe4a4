"""The Dagster code location (`dg dev`, `dg check defs`): every definition under defs/, found
by Dagster's defs-folder loader, plus what applies to whole runs (resources, the console
logger, the in-process executor).

Loading it needs dbt's manifest (`papers-warehouse prepare` makes it); it does no other work.
"""

from pathlib import Path

import dagster as dg

from dagster_project.defs.assets.daily_papers import HubApi
from dagster_project.defs.build_console import build_console
from dagster_project.defs.build_lock import build_lock
from dagster_project.defs.build_progress import build_progress
from dagster_project.defs.data_dir import DataDir
from dagster_project.warehouse.dbt_project import dbt_resource


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(
            resources={"data_dir": DataDir.from_setting(), "dbt": dbt_resource(),
                       "build_lock": build_lock, "hub_api": HubApi()},
            loggers={"console": build_console, "progress": build_progress},
            # Runs launched from the UI ("Materialize all") use this too: startup dominates
            # our small steps, and the steps share the build file.
            executor=dg.in_process_executor,
        ),
    )
