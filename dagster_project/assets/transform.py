"""The dbt models as Dagster assets; dbt tests show up as their asset checks."""

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.build_state import fingerprint, is_published
from dagster_project.dbt_project import DBT_PROJECT
from dagster_project.settings import data_paths


class PapersDbtTranslator(DagsterDbtTranslator):
    """The single place that maps dbt nodes to Dagster groups."""

    def get_group_name(self, dbt_resource_props):
        if dbt_resource_props["resource_type"] == "model":
            return "staging" if "staging" in dbt_resource_props["fqn"] else "marts"
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=PapersDbtTranslator(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    paths = data_paths()
    if is_published(paths, fingerprint(paths)):
        # Materializing nothing skips the checks and the publish downstream as well.
        context.log.info("nothing new since the last publish: the warehouse is up to date")
        return
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    yield from dbt.cli(["build"], context=context).stream()
