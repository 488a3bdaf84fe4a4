"""The published warehouse: the build file, promoted only after every blocking check passed."""

import dagster as dg

from dagster_project.build_state import fingerprint, record_published
from dagster_project.publish import publish, table_row_counts
from dagster_project.settings import data_paths

PUBLISHED_TABLES = ("papers", "paper_sightings", "authors_count", "daily_counts", "rejects")


@dg.asset(
    deps=list(PUBLISHED_TABLES),
    group_name="warehouse",
    description="data/warehouse.duckdb: what analysts and BI tools read. Replaced atomically, "
    "and only when the dbt tests and Great Expectations suites upstream passed.",
)
def warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    paths = data_paths()
    published_state = fingerprint(paths)
    publish(paths.build_db, paths.warehouse)
    record_published(paths, published_state)
    counts = table_row_counts(paths.warehouse, list(PUBLISHED_TABLES))
    context.log.info(f"published {paths.warehouse}: {counts}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.warehouse)),
            **{f"rows {table}": count for table, count in counts.items()},
        }
    )
