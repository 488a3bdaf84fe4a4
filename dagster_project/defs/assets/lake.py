"""The raw → lake asset: parse new raw files into the lake, listings and rejects in one commit."""

import dagster as dg

from dagster_project.command_hint import command
from dagster_project.lake import catalog
from dagster_project.lake.ingest import ingest
from dagster_project.lake.origin import origin
from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.warehouse import quality_process
from dagster_project.warehouse.build_state import raw_digest, record_lake_step
from dagster_project.warehouse.gone_raw_files import newly_gone

PROGRESS_EVERY_FILES = 1000
PROBLEMS_LOGGED = 50


def arrow_table_schema(schema) -> dg.TableSchema:
    """The lake's pyarrow schema (the one declaration of the raw contract) for the UI."""
    return dg.TableSchema(columns=[
        dg.TableColumn(name=field.name, type=str(field.type),
                       constraints=dg.TableColumnConstraints(nullable=field.nullable))
        for field in schema
    ])


@dg.multi_asset(
    required_resource_keys={"data_dir", "build_lock"},
    specs=[
        dg.AssetSpec("lake_listings", group_name="lake", kinds={"ducklake"},
                     description="Parsed listings: lake.listings in the DuckLake lake.",
                     metadata={"dagster/column_schema": arrow_table_schema(LISTING_SCHEMA)}),
        dg.AssetSpec("lake_rejects", group_name="lake", kinds={"ducklake"},
                     description="Records and files that could not be parsed, with the reason.",
                     metadata={"dagster/column_schema": arrow_table_schema(REJECT_SCHEMA)}),
    ],
)
def lake_files(context: dg.AssetExecutionContext):
    paths = context.resources.data_dir.paths
    quality_process.start()  # imports GX on the other core while this step parses

    def report_progress(number: int, total: int, name: str) -> None:
        if number == 1 or number == total or number % PROGRESS_EVERY_FILES == 0:
            context.log.info(f"parsing new or changed raw files: {number}/{total} ({name})")

    raw_seen = raw_digest(paths.raw)  # before reading: a file changed later is seen as new
    report = ingest(paths.raw, paths.lake, progress=report_progress, temp_dir=paths.temp)
    record_lake_step(paths, raw_seen, report.data_files)
    if report.migrated:
        context.log.warning(report.migrated.line())
    if report.removed_debris:
        context.log.warning(f"deleted {report.removed_debris} lake data files an interrupted "
                            "build left uncommitted")
    for problem in report.problems[:PROBLEMS_LOGGED]:
        context.log.warning(problem)
    if len(report.problems) > PROBLEMS_LOGGED:
        context.log.warning(f"… and {len(report.problems) - PROBLEMS_LOGGED} more rejects: "
                            "see the rejects table")
    ours = origin(paths.lake)
    for source_file, listings in newly_gone(paths, report.files_gone).items():
        path = ours.path(source_file)
        context.log.warning(
            f"{path} is gone from {paths.raw}: its {listings} listings stay in the lake "
            f"(the lake is the record); to drop them: "
            f"{command('forget', path, data_dir=paths.root)}")
    if report.files_seen == 0:
        context.log.warning(f"no raw files in {paths.raw}: put scraped pages there")
    # This run's work, then what the whole lake holds (from its raw-file index).
    totals = report.totals
    location = catalog.lake_location(paths.lake)
    catalog_file = dg.MetadataValue.path(location.catalog) if not location.shared \
        else dg.MetadataValue.text(location.describe())
    build = {"lake build": report.lake_build or "none (nothing changed)",
             "compacted": report.compacted,
             **({"migrated": report.migrated.line()} if report.migrated else {}),
             **({"writer": origin(paths.lake).prefix.rstrip(":"),
                 "commit conflicts retried": report.commit_conflicts}
                if location.shared else {})}
    yield dg.MaterializeResult(
        asset_key="lake_listings",
        metadata={
            "raw files": report.files_seen,
            "files parsed": len(report.files_parsed),
            "listings written": report.records_written,
            "files in lake": totals.files_with_listings,
            "raw files gone (rows kept)": len(report.files_gone),
            "dagster/row_count": totals.listings,
            "lake": catalog_file,
            **build,
        },
    )
    yield dg.MaterializeResult(
        asset_key="lake_rejects",
        metadata={
            "rejects written": report.rejects_written,
            "files rejected whole": len(report.files_rejected),
            "files with no papers": len(report.files_without_papers),
            "files with rejects": totals.files_with_rejects,
            "dagster/row_count": totals.rejects,
            "lake": catalog_file,
            **build,
        },
    )
