"""Whether a shared lake is as this data dir last published it: other data dirs commit to
it, so only its catalog can tell. One query of the raw-file index, no stack imported: a
build with nothing new anywhere says so in about a second instead of starting a run."""

from pathlib import Path

import duckdb

from dagster_project.lake import catalog
from dagster_project.lake.tables import lake_content


def shared_lake_content(lake_dir: Path) -> str | None:
    """The lake's content now; None when its catalog cannot be read (the build then runs,
    and its lake step says why)."""
    try:
        with catalog.connect(lake_dir, read_only=True) as connection:
            return lake_content(connection)
    except (duckdb.Error, catalog.LakeDamaged):
        return None
