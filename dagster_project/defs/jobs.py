"""The build job: every asset, in one process."""

import dagster as dg

BUILD_JOB_NAME = "build_warehouse"

build_warehouse = dg.define_asset_job(
    BUILD_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Parse new raw files, run dbt, validate, and publish the warehouse.",
    # One process: startup dominates our small steps, and steps share the build file.
    executor_def=dg.in_process_executor,
)
