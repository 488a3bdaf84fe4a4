"""The dbt models as Dagster assets; dbt tests show up as their asset checks."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project import faults
from dagster_project.defs.dbt_check_descriptions import check_description
from dagster_project.defs.run_log_lines import stdout_lines
from dagster_project.defs.table_metadata import Relation, read_table_facts, table_metadata
from dagster_project.lake import catalog
from dagster_project.lake.tables import lake_content, lake_identity, lake_totals
from dagster_project.serve.docs_site import DBT_DOCS_PAGE, docs_url
from dagster_project.warehouse.build_state import (
    is_published,
    needs_full_refresh,
    record_build_file,
    record_published,
)
from dagster_project.warehouse.dbt_project import DBT_PROJECT

# Below this many listings in the lake, dbt runs 4 nodes at once: its ~100 tests are small
# queries whose time is dbt's own Python, and overlapping them saves seconds. Above it, one
# model at a time (profiles.yml): every model shares one DuckDB memory limit.
SMALL_LAKE_LISTINGS = 200_000
SMALL_LAKE_DBT_THREADS = 4


class PapersDbtTranslator(DagsterDbtTranslator):
    """The single place that maps dbt nodes to Dagster groups, metadata and check
    descriptions."""

    def get_group_name(self, dbt_resource_props):
        if dbt_resource_props["resource_type"] == "model":
            return "staging" if "staging" in dbt_resource_props["fqn"] else "marts"
        return super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        description = check_description(manifest["nodes"][unique_id])
        return spec._replace(description=description) if description else spec

    def get_metadata(self, dbt_resource_props):
        metadata = dict(super().get_metadata(dbt_resource_props))
        if dbt_resource_props["resource_type"] == "model":
            # `make docs` writes the page; `papers-warehouse docs` serves it.
            page = f"dbt/{DBT_DOCS_PAGE}#!/model/{dbt_resource_props['unique_id']}"
            metadata["dbt docs (make docs)"] = dg.MetadataValue.url(docs_url(page))
        return metadata


@dbt_assets(
    required_resource_keys={"data_dir", "dbt", "build_lock"},
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=PapersDbtTranslator(),
)
def dbt_models(context: dg.AssetExecutionContext):
    dbt: DbtCliResource = context.resources.dbt
    paths = context.resources.data_dir.paths
    with catalog.connect(paths.lake, read_only=True) as connection:
        lake, identity = lake_content(connection), lake_identity(connection)
        listings = lake_totals(connection).listings
    if is_published(paths, lake):
        # Materializing nothing skips the checks and the publish downstream as well.
        context.log.info("nothing new since the last publish: the warehouse is up to date")
        record_published(paths, lake)  # the next build can say so without starting a run
        return
    full_refresh = needs_full_refresh(paths, identity)
    if full_refresh:
        context.log.info("the code changed, or the last dbt run did not finish (or no build "
                         "file yet): full refresh")
    record_build_file(paths)  # until dbt finishes, the build file is nobody's
    # One target dir per data dir, reused by every build (builds never overlap), instead of
    # dagster-dbt's default of a new dir under dbt/target per run, which piles up forever.
    threads = SMALL_LAKE_DBT_THREADS if listings < SMALL_LAKE_LISTINGS else 1
    invocation = dbt.cli(["build", "--threads", str(threads),
                          *(["--full-refresh"] if full_refresh else [])],
                         context=context, target_path=paths.build_dir / "dbt_target")
    faults.inject("dbt-start")
    # dbt's line per node goes to the run log (the UI, --verbose), not to the CLI's output:
    # the lines gathered so far as one record, since every record is an event the instance
    # stores on its own (a record per line was ~125 events, ~1.9 s on the sample). Never
    # while dagster-dbt's event stream is suspended mid-run: a Ctrl-C landing in a slow
    # call of ours then would leave its generators to be closed by the garbage collector,
    # which prints their traceback.
    with stdout_lines() as dbt_lines:
        try:
            for event in with_table_metadata(invocation.stream(), invocation.manifest,
                                             paths.build_db):
                _log_lines(context, dbt_lines.drain())
                yield event
                faults.inject("dbt")
        finally:  # a failed dbt run's error lines come last: keep them in the run log
            _log_lines(context, dbt_lines.drain())
    record_build_file(paths, identity, lake)


def _log_lines(context: dg.AssetExecutionContext, lines: list[str]) -> None:
    if lines:
        context.log.debug("\n".join(lines))


def with_table_metadata(events: Iterator, manifest: dict, build_db: Path) -> Iterator:
    """dbt's events, each model's with its column types and (tables only) row count.

    dagster-dbt's own `fetch_row_counts()` / `fetch_column_metadata()` open the build file
    through dbt's adapter in this process and leave it open after the step, so the blocking
    GX checks that open it read-only next fail ("different configuration"); they also added
    ~20 s to a 26 s dbt build of the sample. Instead: let dbt finish (its process holds the
    only write lock), then read every model's facts through one short read-only connection
    (~25 ms). Events are held until dbt ends; a failed build yields what it produced, without
    the extra metadata, then raises.
    """
    produced, failure = [], None
    try:
        for event in events:
            produced.append(event)
    except Exception as error:  # re-raised below, after the events that did happen
        failure = error
    nodes = {id(event): node for event in produced
             if (node := _model_node(event, manifest)) is not None}
    relations = {event_id: _relation(node) for event_id, node in nodes.items()}
    facts = {}
    if relations and failure is None and build_db.exists():  # after a failure dbt may still run
        try:
            facts = read_table_facts(build_db, set(relations.values()))
        except duckdb.Error as problem:  # metadata is a nicety: never fail the build for it
            dg.get_dagster_logger().warning(f"no row counts or column types: {problem}")
    for event in produced:
        fact = facts.get(relations.get(id(event)))
        if fact is not None:
            columns = nodes[id(event)].get("columns", {})
            descriptions = {name: column.get("description") for name, column in columns.items()}
            event = event.with_metadata({**event.metadata, **table_metadata(fact, descriptions)})
        yield event
    if failure is not None:
        raise failure


def _model_node(event, manifest: dict) -> dict | None:
    """The manifest node of a model's materialization event; None for test results etc."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    unique_id = event.metadata.get("unique_id")
    node = manifest["nodes"].get(getattr(unique_id, "value", unique_id))
    return node if node is not None and node["resource_type"] == "model" else None


def _relation(node: dict) -> Relation:
    materialized = node.get("config", {}).get("materialized")
    return Relation(node["schema"], node.get("alias") or node["name"],
                    count_rows=materialized != "view")
