"""The Dagster code location: assets, checks, the build and collect jobs, their automation.

Loading this module needs dbt's manifest (`papers-warehouse prepare` makes it); it does no
other work at import.
"""

import dagster as dg

from dagster_project.defs.assets.daily_papers import HubApi, daily_papers
from dagster_project.defs.assets.dashboard import dashboard
from dagster_project.defs.assets.lake import lake_files
from dagster_project.defs.assets.quality_checks import QUALITY_CHECKS
from dagster_project.defs.assets.transform import dbt_models
from dagster_project.defs.assets.warehouse import warehouse
from dagster_project.defs.automation import collect_recent_days, daily_build, raw_files_sensor
from dagster_project.defs.build_console import build_console
from dagster_project.defs.build_lock import build_lock
from dagster_project.defs.jobs import (
    BUILD_JOB_NAME,
    COLLECT_JOB_NAME,
    build_warehouse,
    collect_daily_papers,
)
from dagster_project.warehouse.dbt_project import dbt_resource

__all__ = ["BUILD_JOB_NAME", "COLLECT_JOB_NAME", "defs"]

defs = dg.Definitions(
    assets=[daily_papers, lake_files, dbt_models, warehouse, dashboard],
    asset_checks=QUALITY_CHECKS,
    jobs=[build_warehouse, collect_daily_papers],
    sensors=[raw_files_sensor],
    schedules=[daily_build, collect_recent_days],
    resources={"dbt": dbt_resource(), "build_lock": build_lock, "hub_api": HubApi()},
    loggers={"console": build_console},
    # Runs launched from the UI ("Materialize all") use this too: startup dominates our
    # small steps, and the steps share the build file.
    executor=dg.in_process_executor,
)
