"""Raw files that left raw/ while the lake keeps their rows: said once, when first noticed.

The lake is the durable record, so deleting a raw file deletes nothing; a user who meant to
remove its rows needs to hear that, and how (`forget`), but not at every build after.
"""

import json

from dagster_project.settings import DataPaths
from dagster_project.warehouse.state_files import read_json, write_atomically


def newly_gone(paths: DataPaths, gone: dict[str, int]) -> dict[str, int]:
    """The files of `gone` (source_file → listings kept) not already reported."""
    record = paths.build_dir / "raw_files_gone.json"
    said = set((read_json(record) or {}).get("reported", []))
    if gone or said:
        # Written whole each time: a file put back drops out, and is reported if it goes again.
        write_atomically(record, json.dumps({"reported": sorted(gone)}))
    return {source: listings for source, listings in gone.items() if source not in said}
