"""`papers-warehouse dashboard`: where DIR/dashboard.html is, written anew when the
published warehouse is newer than it (or it is missing)."""

import sys
from pathlib import Path

from dagster_project.command_hint import command


def run_dashboard(root: Path, warehouse: Path, dashboard: Path) -> int:
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse} yet: "
              f"{command('build', data_dir=root)} writes it and the dashboard",
              file=sys.stderr)
        return 1
    if not dashboard.exists() or dashboard.stat().st_mtime < warehouse.stat().st_mtime:
        from dagster_project.serve.dashboard.page import write_dashboard

        write_dashboard(warehouse, dashboard)
        print(f"wrote {dashboard} from {warehouse}", file=sys.stderr)
    print(dashboard)
    print(f"open it in a browser (it works offline): file://{dashboard}", file=sys.stderr)
    return 0
