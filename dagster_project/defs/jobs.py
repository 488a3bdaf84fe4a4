"""The jobs: build the warehouse (every asset but collecting, in one process), and collect
one listing day (a partition of daily_papers)."""

import dagster as dg

from dagster_project.defs.assets.daily_papers import daily_papers
from dagster_project.defs.run_tags import run_tags

BUILD_JOB_NAME = "build_warehouse"
COLLECT_JOB_NAME = "collect_daily_papers"

build_warehouse = dg.define_asset_job(
    BUILD_JOB_NAME,
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(daily_papers),
    description="Parse new raw files, run dbt, validate, and publish the warehouse.",
    tags=run_tags("ui"),  # a sensor, schedule or CLI run says so in its own tags
    # One process: startup dominates our small steps, and steps share the build file.
    executor_def=dg.in_process_executor,
)

collect_daily_papers = dg.define_asset_job(
    COLLECT_JOB_NAME,
    selection=dg.AssetSelection.assets(daily_papers),  # partitioned as the asset is
    description="Fetch one Daily Papers listing day from the Hub into raw/.",
    tags=run_tags("ui"),
    executor_def=dg.in_process_executor,
)
