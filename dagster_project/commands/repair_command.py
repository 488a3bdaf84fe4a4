"""`papers-warehouse repair`: make a lake whose data files no longer match its catalog whole."""

import logging
import sys

from dagster_project.command_hint import command
from dagster_project.data_dir_lock import data_dir_lock
from dagster_project.lake import catalog
from dagster_project.lake.repair import repair
from dagster_project.settings import data_paths
from dagster_project.warehouse.build_state import record_build_file


def run_repair(data_dir: str | None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = data_paths(data_dir)
    if not catalog.exists(paths.lake):
        print(f"error: no lake at {paths.lake}: nothing to repair", file=sys.stderr)
        return 1
    try:
        with data_dir_lock(paths, on_wait=lambda message: print(message, file=sys.stderr)):
            report = repair(paths.raw, paths.lake, paths.temp)
            if report.damaged:
                record_build_file(paths)  # the next build makes every table from scratch
    except catalog.LakeDamaged as damaged:  # the catalog itself: repair cannot help
        print(f"error: {damaged}", file=sys.stderr)
        return 1
    if not report.damaged:
        print(f"the lake's data files all match its catalog: nothing to repair in {paths.lake}")
        return 0
    for item in report.damaged:
        print(f"repaired {item.file.table}: {item.problem}")
    print(f"re-read from {paths.raw}: {len(report.reread)} raw files"
          + (f" ({', '.join(report.reread[:10])}{' …' if len(report.reread) > 10 else ''})"
             if report.reread else ""))
    others = len(report.ingest.files_parsed) - len(report.reread)
    if others > 0:
        print(f"also read {others} new or changed raw files, as a build would")
    for name, lost in report.lost.items():
        print(f"cannot be recovered: {name}: {lost}")
    print(f"the lake is whole; to publish it: {command('build', data_dir=paths.root)}")
    return 0
