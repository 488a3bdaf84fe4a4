"""The Dagster code location: assets, checks, the build job, resources.

Loading this module needs dbt's manifest (`papers-warehouse prepare` makes it); it does no
other work at import.
"""

import dagster as dg

from dagster_project.assets.lake import lake_files
from dagster_project.assets.quality_checks import QUALITY_CHECKS
from dagster_project.assets.transform import dbt_models
from dagster_project.assets.warehouse import warehouse
from dagster_project.dbt_project import dbt_resource

BUILD_JOB_NAME = "build_warehouse"

build_warehouse = dg.define_asset_job(
    BUILD_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Parse new raw files, run dbt, validate, and publish the warehouse.",
    # One process: startup dominates our small steps, and steps share the build file.
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[lake_files, dbt_models, warehouse],
    asset_checks=QUALITY_CHECKS,
    jobs=[build_warehouse],
    resources={"dbt": dbt_resource()},
)
