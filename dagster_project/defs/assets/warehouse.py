"""The published warehouse: the build file, promoted only after every blocking check passed."""

import time
from pathlib import Path

import dagster as dg

from dagster_project.defs.assets.transform import dbt_models
from dagster_project.defs.stop_signals import stop_requested
from dagster_project.defs.table_metadata import (
    Relation,
    TableFacts,
    markdown_preview,
    read_table_facts,
    table_metadata,
    table_schema,
)
from dagster_project.warehouse import quality_process
from dagster_project.warehouse.build_state import (
    build_file_content,
    published_file_is_ours,
    record_published,
)
from dagster_project.warehouse.publish import (
    PUBLISHED_TABLES,
    WRITTEN_WHOLE,
    PublishReport,
    publish,
)

MAIN_TABLE = "papers"
PREVIEW_COLUMNS = ("paper_id", "title", "published_date", "upvotes", "authors_count")
PREVIEW_ORDER = "published_date desc nulls last, paper_id"
PREVIEW_ROWS = 10


@dg.asset(
    required_resource_keys={"data_dir", "build_lock"},
    deps=list(PUBLISHED_TABLES),
    group_name="warehouse",
    kinds={"duckdb"},
    description="data/warehouse.duckdb: what analysts and BI tools read. Replaced atomically, "
    "and only when the dbt tests and Great Expectations suites upstream passed.",
)
def warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    quality_process.stop()  # every check has run: let it exit while this step publishes
    if stop_requested():  # a Ctrl-C some library swallowed: never publish after one
        raise dg.DagsterExecutionInterruptedError()
    paths = context.resources.data_dir.paths
    lake = build_file_content(paths)  # the publish copies the build file
    report = publish(paths.build_db, paths.warehouse, paths.temp,
                     patch_previous=published_file_is_ours(paths))
    found = publish_findings(report, paths.warehouse)
    for finding in found:
        context.log.warning(finding)
    record_published(paths, lake, written_whole=report.made == WRITTEN_WHOLE)
    # Read from the build file (the same bytes), not the published one: a reader in this
    # process with other settings (duckdb-engine) would make opening it fail. (The publish
    # only probes it for a write lock, and a failed probe means no lock found.)
    facts = read_table_facts(paths.build_db,
                             [Relation("main", table) for table in PUBLISHED_TABLES])
    counts = {relation.name: fact.row_count for relation, fact in facts.items()}
    context.log.info(f"published {paths.warehouse} ({report.made}): {counts}")
    return dg.MaterializeResult(metadata={
        **growth_metadata(context, counts),
        **published_metadata(paths.warehouse, paths.build_db, facts),
        "published file": report.made,
        **({"found at publish": "\n".join(found)} if found else {})})


def publish_findings(report: PublishReport, warehouse: Path) -> list[str]:
    """What the publish found beside the file it replaced, for the log and the summary."""
    found = []
    if report.stale_wal:
        found.append(f"a write-ahead log beside {warehouse} (a session wrote into the "
                     f"published file and did not checkpoint): set aside as "
                     f"{report.stale_wal.name}, not replayed onto this build")
    if report.held_by:
        found.append(f"{report.held_by} held the previous {warehouse.name} open read-write: "
                     "published anyway. That session reads the old file until it reconnects; "
                     "what it writes now goes to a log beside the new file, which `query` "
                     "refuses and the next build sets aside")
    return found


def growth_metadata(context: dg.AssetExecutionContext, counts: dict[str, int]) -> dict:
    """Numbers the asset's Plots tab charts across builds: the warehouse's growth."""
    previous = context.instance.get_latest_materialization_event(context.asset_key)
    before = previous.asset_materialization.metadata.get("papers") if previous else None
    papers = counts.get(MAIN_TABLE, 0)
    # The lake step of this run counted the lake's listings: no second look at the catalog.
    lake = context.instance.get_latest_materialization_event(dg.AssetKey("lake_listings"))
    listings = lake.asset_materialization.metadata["dagster/row_count"].value if lake else 0
    run = context.instance.get_run_record_by_id(context.run.run_id)
    started = run.start_time if run and run.start_time else None
    return {
        "papers": papers,
        "papers added": papers - before.value if before is not None else papers,
        "listings": listings,
        "rejects": counts.get("rejects", 0),
        **({"build seconds": round(time.time() - started, 1)} if started else {}),
    }


def published_metadata(published: Path, copy: Path, facts: dict[Relation, TableFacts]) -> dict:
    """Rows per table; the papers table's schema (Columns tab) and first rows; every other
    table's schema as its own entry. The preview is read from `copy`, the build file."""
    by_table = {relation.name: fact for relation, fact in facts.items()}
    metadata: dict = {"path": dg.MetadataValue.path(str(published))}
    metadata.update({f"rows {table}": fact.row_count for table, fact in by_table.items()})
    if MAIN_TABLE in by_table:
        main = by_table[MAIN_TABLE]
        metadata.update(table_metadata(main, _dbt_column_descriptions(MAIN_TABLE)))
        present = {name for name, _ in main.columns}
        shown = [column for column in PREVIEW_COLUMNS if column in present]
        if shown:
            metadata[f"preview {MAIN_TABLE}"] = dg.MetadataValue.md(markdown_preview(
                copy, Relation("main", MAIN_TABLE), shown,
                PREVIEW_ORDER if "published_date" in present else shown[0], PREVIEW_ROWS))
    for table, fact in by_table.items():
        if table != MAIN_TABLE:
            metadata[f"schema {table}"] = dg.MetadataValue.table_schema(
                table_schema(fact, _dbt_column_descriptions(table)))
    return metadata


def _dbt_column_descriptions(table: str) -> dict[str, str]:
    """Column descriptions from the dbt model's yml, as dagster-dbt put them on its asset."""
    spec = dbt_models.specs_by_key.get(dg.AssetKey(table))
    schema = spec.metadata.get("dagster/column_schema") if spec else None
    if not isinstance(schema, dg.TableSchema):
        return {}
    return {column.name: column.description for column in schema.columns if column.description}
