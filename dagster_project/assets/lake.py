"""The raw → lake asset: parse new raw files into Parquet, with their rejects beside them."""

import dagster as dg

from dagster_project import quality
from dagster_project.ingest import ingest
from dagster_project.lake import Lake
from dagster_project.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.settings import data_paths

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
    required_resource_keys={"build_lock"},
    specs=[
        dg.AssetSpec("lake_listings", group_name="lake", kinds={"parquet"},
                     description="One Parquet file of parsed listings per raw file.",
                     metadata={"dagster/column_schema": arrow_table_schema(LISTING_SCHEMA)}),
        dg.AssetSpec("lake_rejects", group_name="lake", kinds={"parquet"},
                     description="Records and files that could not be parsed, with the reason.",
                     metadata={"dagster/column_schema": arrow_table_schema(REJECT_SCHEMA)}),
    ],
)
def lake_files(context: dg.AssetExecutionContext):
    paths = data_paths()
    quality.import_in_background()  # the quality checks that follow need it

    def report_progress(number: int, total: int, name: str) -> None:
        if number == 1 or number == total or number % PROGRESS_EVERY_FILES == 0:
            context.log.info(f"parsing new or changed raw files: {number}/{total} ({name})")

    report = ingest(paths.raw, Lake(paths.lake), progress=report_progress)
    for problem in report.problems[:PROBLEMS_LOGGED]:
        context.log.warning(problem)
    if len(report.problems) > PROBLEMS_LOGGED:
        context.log.warning(f"… and {len(report.problems) - PROBLEMS_LOGGED} more rejects: "
                            "see the rejects table")
    if report.files_seen == 0:
        context.log.warning(f"no raw files in {paths.raw}: put scraped pages there")
    # This run's work, then what the whole lake holds (from its manifest: no Parquet is read).
    entries = Lake(paths.lake).read_manifest().values()
    yield dg.MaterializeResult(
        asset_key="lake_listings",
        metadata={
            "raw files": report.files_seen,
            "files parsed": len(report.files_parsed),
            "listings written": report.records_written,
            "files in lake": sum(1 for entry in entries if entry.records),
            "dagster/row_count": sum(entry.records for entry in entries),
            "lake": dg.MetadataValue.path(str(paths.lake / "listings")),
        },
    )
    yield dg.MaterializeResult(
        asset_key="lake_rejects",
        metadata={
            "rejects written": report.rejects_written,
            "files rejected whole": len(report.files_rejected),
            "files with rejects": sum(1 for entry in entries if entry.rejects),
            "dagster/row_count": sum(entry.rejects for entry in entries),
            "lake": dg.MetadataValue.path(str(paths.lake / "rejects")),
        },
    )
