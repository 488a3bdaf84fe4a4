"""What a build did, for people: files, rows, checks, where the warehouse is, what to try."""

import duckdb

from dagster_project.command_hint import command
from dagster_project.lake import catalog
from dagster_project.raw.listing_record import NO_PAPERS
from dagster_project.settings import DataPaths

MAX_REJECTS_SHOWN = 10
FIRST_QUERY = (
    "select title, published_date, upvotes from papers order by upvotes desc nulls last limit 10"
)


def summarize(result, paths: DataPaths, seconds: float) -> str:
    metadata = {
        event.asset_key.to_user_string(): {
            key: value.value for key, value in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }
    lake = metadata.get("lake_listings", {})
    rejects = metadata.get("lake_rejects", {})
    lines = [
        "",
        f"Papers Warehouse build {'succeeded' if result.success else 'FAILED'} "
        f"in {seconds:.1f} s (Dagster run {result.run_id})",
        f"  raw files: {lake.get('raw files', '?')} seen, {lake.get('files parsed', '?')} "
        f"parsed ({lake.get('listings written', '?')} listings), "
        f"{rejects.get('files rejected whole', '?')} rejected whole, "
        f"{rejects.get('files with no papers', '?')} with no papers, "
        f"{rejects.get('rejects written', '?')} reject rows",
    ]
    if lake.get("migrated"):
        lines.append(f"  lake: {lake['migrated']}")
    if lake.get("lake build") not in (None, "none (nothing changed)"):
        compacted = ", then compacted" if lake.get("compacted") else ""
        if retried := lake.get("commit conflicts retried"):
            others = "commit of another writer" if retried == 1 else "commits of other writers"
            compacted += f" (after {retried} {others} came first: read again and retried)"
        lines.append(f"  lake: committed lake build {lake['lake build']} to "
                     f"{catalog.lake_location(paths.lake).describe()}{compacted}")
    lines += _reject_lines(paths, lake.get("lake build"))
    lines += _check_lines(result)
    published = metadata.get("warehouse")
    if published:
        rows = ", ".join(f"{k.removeprefix('rows ')} {v}" for k, v in published.items()
                         if k.startswith("rows "))
        lines += [f"  tables: {rows}", f"  warehouse: {paths.warehouse}"]
        lines += [f"  found: {finding}" for finding in
                  published.get("found at publish", "").splitlines()]
        if "dashboard" in metadata:
            lines.append(f"  dashboard: {paths.dashboard} (opens offline; "
                         f"{command('docs', data_dir=paths.root)} serves it with the docs)")
        if published.get("rows papers") == 0:
            lines.append(f"  empty: {_why_empty(lake, paths)}")
        else:
            lines.append(f"  try: {command('query', FIRST_QUERY, data_dir=paths.root)}")
    elif result.success:
        lines += [f"  up to date: the lake holds nothing new since the last publish of "
                  f"{paths.warehouse}; dbt, the mart checks and the publish were skipped "
                  "(nothing they check changed)"]
    else:
        lines += [f"  not published: {paths.warehouse} "
                  f"{'is unchanged' if paths.warehouse.exists() else 'does not exist yet'}"]
        lines += _failed_step_lines(result)
    return "\n".join(lines)


def _why_empty(lake: dict, paths: DataPaths) -> str:
    in_lake = lake.get("files in lake")
    if not lake.get("raw files") and not in_lake:
        return f"no raw files in {paths.raw} and none in the lake: put scraped pages there"
    return ("no raw file in the lake holds a paper (see the rejects table); forgotten files "
            "are gone from every table")


def _check_lines(result) -> list[str]:
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    lines = [f"  quality checks: {len(evaluations) - len(failed)} of {len(evaluations)} passed"]
    for evaluation in failed:
        detail = evaluation.metadata.get("failures")
        lines.append(f"    FAILED {evaluation.asset_key.to_user_string()}: "
                     f"{evaluation.check_name}{': ' + str(detail.value) if detail else ''}")
    return lines


def _failed_step_lines(result) -> list[str]:
    """Each failed step with the error that caused it (Dagster wraps it in "Error occurred
    while executing op …", which says nothing about what went wrong)."""
    return [f"  failed step {event.step_key}: {_root_cause(event.step_failure_data.error)}"
            for event in result.all_events if event.is_step_failure]


def _root_cause(error) -> str:
    """The first error below Dagster's own wrappers: the one the step raised."""
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error.message.strip()


def _reject_lines(paths: DataPaths, lake_build) -> list[str]:
    """This build's rejects, by file and line, so a bad file is named right away. Files that
    only say a day had no papers (a weekend's `[]`) are counted above, not listed."""
    if not isinstance(lake_build, int) or not catalog.exists(paths.lake):
        return []
    try:
        with catalog.connect(paths.lake, read_only=True) as connection:
            rows = connection.execute(
                "select source_file, line_number, reason from lake.rejects "
                "where lake_build = ? and not starts_with(reason, ?) "
                f"order by source_file, line_number limit {MAX_REJECTS_SHOWN}",
                [lake_build, NO_PAPERS]).fetchall()
    except (duckdb.Error, catalog.LakeDamaged):  # incl. a shared lake's catalog gone away
        return []  # a summary never fails the build
    return [f"    rejected {file}{':' + str(line) if line else ''}: {reason}"
            for file, line, reason in rows]
