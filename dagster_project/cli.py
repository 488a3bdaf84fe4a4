"""papers-warehouse: collect Daily Papers, build the warehouse from raw files, query it."""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from dagster_project.collect.listing_days import FIRST_DAY, RECENT_DAYS
from dagster_project.command_hint import command
from dagster_project.settings import data_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="papers-warehouse",
        description="A local-first warehouse of Hugging Face Daily Papers listings.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    collect = commands.add_parser(
        "collect", help="fetch Hugging Face Daily Papers listings into DIR/raw",
        description="Fetch the Hub's Daily Papers API (/api/daily_papers) for each listing "
        "day and save each day into DIR/raw as YYYY-MM-DD_daily_papers.json (the body the "
        "server sent) with a .meta.json sidecar. With no dates: today and the "
        f"{RECENT_DAYS - 1} days before it (UTC), so vote counts are seen again while they "
        "settle. A day identical to its newest saved file is not saved again; a changed day "
        f"is saved beside it. Saved days older than {RECENT_DAYS} days are skipped unless "
        "--refresh, so a long range can be resumed. HF_TOKEN is sent when set.",
    )
    days = collect.add_mutually_exclusive_group()
    days.add_argument("--date", metavar="D", type=_iso_date, default=None,
                      help="collect one listing day (YYYY-MM-DD)")
    days.add_argument("--since", metavar="D", type=_iso_date, default=None,
                      help=f"collect every day from D (e.g. {FIRST_DAY}, the first Daily "
                      "Papers day) to --until")
    collect.add_argument("--until", metavar="D", type=_iso_date, default=None,
                         help="last day of --since (default: today, UTC)")
    collect.add_argument("--endpoint", metavar="URL", default=None,
                         help="the Hub to ask (default: $HF_ENDPOINT, else "
                         "https://huggingface.co)")
    collect.add_argument("--refresh", action="store_true",
                         help=f"fetch saved days older than {RECENT_DAYS} days again too")
    collect.add_argument("--retries", metavar="N", type=_count, default=5,
                         help="retries of a request that timed out or got 429/5xx, waiting "
                         "as the server asks (default: 5)")
    _add_data_dir(collect)

    build = commands.add_parser(
        "build", help="parse new raw files, run dbt and the quality gate, publish the warehouse",
        description="Run the Dagster build job in-process (it shows in the Dagster UI): parse "
        "new files in DIR/raw into DIR/lake, build the tables with dbt, validate them, and "
        "publish DIR/warehouse.duckdb only if every blocking check passed.",
    )
    build.add_argument("--verbose", action="store_true",
                       help="print the whole run log (dbt's line per model and test, "
                       "Dagster's step events) instead of one line per stage")
    _add_data_dir(build)
    _add_lake(build)

    query = commands.add_parser(
        "query", help="run read-only SQL against the published warehouse",
        description="Run one SQL statement against DIR/warehouse.duckdb, opened read-only "
        "with no access to other files. Print the result (table, CSV or JSON), or export it "
        "with --output FILE (CSV, JSON, Parquet or a .txt table, streamed, values whole). "
        "The warehouse's macros work here too, e.g. "
        "\"select * from search_papers('world models') limit 5\".",
    )
    query.add_argument("sql", help='e.g. "select * from daily_counts order by day desc limit 7"')
    query.add_argument("--format", choices=("table", "csv", "json", "parquet"), default=None,
                       help="output format (default: from the --output suffix, else table; "
                       "parquet needs --output)")
    query.add_argument("--output", metavar="FILE", type=Path, default=None,
                       help="write the result to FILE (.csv, .json, .parquet, or .txt for "
                       "the table) instead of printing it; values are never cut")
    query.add_argument("--max-rows", metavar="N", type=_positive_int, default=40,
                       help="print at most N rows of a table (default: 40; says how many "
                       "were left out); CSV, JSON and --output are never cut")
    query.add_argument("--wide", action="store_true",
                       help="print every value of a table whole instead of fitting the "
                       "terminal's width")
    query.add_argument("--allow-files", action="store_true",
                       help="let the SQL use DuckDB's file functions (read_csv, COPY … TO, "
                       "ATTACH); by default `query` reads only the warehouse")
    _add_data_dir(query)

    search = commands.add_parser(
        "search", help="full-text search over paper titles and abstracts",
        description="Rank papers by BM25 over titles and abstracts (words are stemmed: "
        "\"cats\" finds \"cat\") and show the text around the first match. The same "
        "ranking is in SQL: select * from search_papers('terms').",
    )
    search.add_argument("terms", help='e.g. "equivariant world model"')
    search.add_argument("--limit", metavar="N", type=_positive_int, default=10,
                        help="show the N best papers (default: 10)")
    search.add_argument("--since", metavar="DATE", type=_iso_date, default=None,
                        help="only papers published on or after DATE (YYYY-MM-DD)")
    search.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help="output format (default: table)")
    _add_data_dir(search)

    dashboard = commands.add_parser(
        "dashboard", help="say where the dashboard is (DIR/dashboard.html)",
        description="Print the path of DIR/dashboard.html, one self-contained page of charts "
        "over the published warehouse (papers over time, top papers and their votes, "
        "authors, rising keywords and categories, the build's health) that opens offline. "
        "Every build that publishes writes it; this writes it anew when it is missing or "
        "older than the warehouse.",
    )
    _add_data_dir(dashboard)

    docs = commands.add_parser(
        "docs", help="serve the dashboard, Data Docs and dbt docs on 127.0.0.1",
        description="Serve DIR/dashboard.html, the Great Expectations Data Docs (DIR/quality) "
        "and dbt's docs (`make docs` writes them) on http://127.0.0.1:PORT/, the site every "
        "link in the Dagster UI points to. Ctrl-C stops it.",
    )
    docs.add_argument("--port", type=_port, default=None,
                      help="the port (default: $PAPERS_WAREHOUSE_DOCS_PORT, else 3001; the "
                      "UI's links use that setting)")
    _add_data_dir(docs)

    forget = commands.add_parser(
        "forget", help="remove one raw file's rows from the lake (then build again)",
        description="The lake keeps the rows of raw files that were deleted; this removes "
        "them for one file, named as in the source_file column (relative to DIR/raw).",
    )
    forget.add_argument("file", help="the raw file, relative to DIR/raw")
    _add_data_dir(forget)
    _add_lake(forget)

    repair = commands.add_parser(
        "repair", help="re-read the raw files whose rows a damaged lake data file held",
        description="When a build stops because a lake data file is missing or truncated: "
        "write the damaged tables anew from their intact data files, re-read the raw files "
        "the damaged files held from DIR/raw, and say what cannot be recovered (rows of raw "
        "files no longer in DIR/raw). The next build then equals a clean build.",
    )
    _add_data_dir(repair)
    _add_lake(repair)

    commands.add_parser(
        "prepare", help="parse the dbt project and set up the local Dagster instance",
        description="Run `dbt parse` to write dbt/target/manifest.json and create the "
        "default data dir's Dagster instance (data/.dagster). `make` does this.",
    )

    ui = commands.add_parser(
        "ui", help="the Dagster UI of a data dir, and the docs site beside it",
        description="Start `dg dev` (the Dagster UI and daemon: sensor, schedules) on DIR's "
        "own instance (DIR/.dagster: only this data dir's runs and row counts), and the docs "
        "site its links point to. Ctrl-C stops both.",
    )
    ui.add_argument("--port", type=_port, default=3000,
                    help="the UI's port (default: 3000)")
    ui.add_argument("--docs-port", type=_port, default=None,
                    help="the docs site's port (default: $PAPERS_WAREHOUSE_DOCS_PORT, else 3001)")
    _add_data_dir(ui)
    _add_lake(ui)

    args = parser.parse_args(argv)
    if args.command in ("query", "search"):
        try:
            return _run(args, query)
        except BrokenPipeError:  # `… | head` stopped reading: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    return _run(args, query)


def _run(args: argparse.Namespace, query: argparse.ArgumentParser) -> int:
    if hasattr(args, "lake_catalog") and (refused := _use_lake(args)):
        print(f"error: {refused}", file=sys.stderr)
        return 2
    if args.command == "collect":
        from dagster_project.collect.collect_command import run_collect

        return run_collect(args.date, args.since, args.until, args.endpoint, args.data_dir,
                           args.refresh, args.retries)
    if args.command == "build":
        from dagster_project.commands.build_command import run_build

        return run_build(args.data_dir, args.verbose)
    if args.command == "query":
        from dagster_project.serve.query_command import QueryRefused, output_format, run_query

        try:
            chosen = output_format(args.format, args.output)
        except QueryRefused as refused:
            query.error(str(refused))
        if chosen == "parquet" and args.output is None:
            query.error("--format parquet needs --output FILE (Parquet is not for terminals)")
        return run_query(args.sql, chosen, data_paths(args.data_dir).warehouse, args.output,
                         args.allow_files, args.max_rows, args.wide)
    if args.command == "search":
        from dagster_project.serve.search_command import run_search

        return run_search(args.terms, args.limit, args.since, args.format,
                          data_paths(args.data_dir).warehouse)
    if args.command == "dashboard":
        from dagster_project.serve.dashboard_command import run_dashboard

        paths = data_paths(args.data_dir)
        return run_dashboard(paths.root, paths.warehouse, paths.dashboard)
    if args.command == "docs":
        from dagster_project.serve.docs_site import docs_port, serve

        return serve(data_paths(args.data_dir), args.port or docs_port())
    if args.command == "forget":
        return _forget(args.file, args.data_dir)
    if args.command == "repair":
        from dagster_project.commands.repair_command import run_repair

        return run_repair(args.data_dir)
    if args.command == "prepare":
        from dagster_project.commands.instance import ensure_dagster_home
        from dagster_project.settings import use_data_dir
        from dagster_project.warehouse.dbt_project import manifest_is_stale, prepare_manifest

        paths = use_data_dir(None)  # dbt's profile and sources read the data dir setting
        if manifest_is_stale():
            prepare_manifest()
        print(f"dbt manifest ready; Dagster instance at {ensure_dagster_home(paths)}")
        return 0
    if args.command == "ui":
        from dagster_project.commands.ui_command import run_ui
        from dagster_project.serve.docs_site import docs_port

        return run_ui(args.data_dir, args.port, args.docs_port or docs_port())
    return 2


def _add_data_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-dir", metavar="DIR", default=None,
                         help="holds raw/, lake/ and warehouse.duckdb "
                         "(default: $PAPERS_WAREHOUSE_DATA_DIR or ./data)")


def _add_lake(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lake-catalog", metavar="CATALOG", default=None,
                         help="share one lake between data dirs: its DuckLake catalog on "
                         "PostgreSQL, e.g. 'postgres:dbname=papers host=db.lan user=papers' "
                         "(default: $PAPERS_WAREHOUSE_LAKE_CATALOG, else DIR/lake's own)")
    command.add_argument("--lake-data", metavar="PATH", default=None,
                         help="the shared lake's data files: a directory every machine "
                         "mounts at this same path (default: $PAPERS_WAREHOUSE_LAKE_DATA)")


def _use_lake(args: argparse.Namespace) -> str | None:
    """Set the lake for this process and those it starts; why the settings cannot work."""
    from dagster_project.lake.location import LakeSettingError, lake_location
    from dagster_project.settings import use_lake

    use_lake(args.lake_catalog, args.lake_data)
    try:
        lake_location(data_paths(args.data_dir).lake)
    except LakeSettingError as refused:
        return str(refused)
    return None


# Beyond this a limit means "all": DuckDB's LIMIT is a 64-bit integer.
MAX_LIMIT = 2**62


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
    return value


def _positive_int(text: str) -> int:
    return min(_whole_number(text, 1), MAX_LIMIT)


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port (1 to 65535): {value}")
    return value


def _count(text: str) -> int:
    return _whole_number(text, 0)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


LAKE_FILES_SQL = ("select distinct source_file from paper_sightings "
                  "union select source_file from rejects order by 1")


def _forget(raw_file: str, data_dir: str | None) -> int:
    import logging

    from dagster_project.data_dir_lock import data_dir_lock
    from dagster_project.lake.catalog import LakeDamaged
    from dagster_project.lake.ingest import forget

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = data_paths(data_dir)
    key = _raw_key(raw_file, paths.raw)
    try:
        with data_dir_lock(paths, on_wait=lambda message: print(message, file=sys.stderr)):
            forgotten = forget(key, paths.lake, paths.raw)  # never while a build writes the lake
    except LakeDamaged as damaged:
        print(f"error: {damaged}", file=sys.stderr)
        return 1
    if forgotten is None:
        print(f"error: the lake holds no rows of {key} (names are relative to {paths.raw}; "
              f"see: {command('query', LAKE_FILES_SQL, data_dir=paths.root)})",
              file=sys.stderr)
        return 1
    if (paths.raw / key).exists():
        print(f"note: {paths.raw / key} is still there: the next build loads it again "
              "unless you delete or move it", file=sys.stderr)
    print(f"forgot {key}; to publish the change: {command('build', data_dir=paths.root)}")
    return 0


def _raw_key(raw_file: str, raw_dir: Path) -> str:
    """The raw file's name relative to raw/, however the user gave it (relative to raw/,
    to the working directory, or absolute)."""
    given = Path(raw_file)
    for candidate in (given, Path.cwd() / given):
        try:
            return candidate.resolve().relative_to(raw_dir.resolve()).as_posix()
        except ValueError:
            continue
    parts = given.parts
    if "raw" in parts:  # e.g. data/raw/FILE from elsewhere: what follows the last raw/
        return Path(*parts[len(parts) - parts[::-1].index("raw"):]).as_posix()
    return given.as_posix()


if __name__ == "__main__":
    sys.exit(main())
