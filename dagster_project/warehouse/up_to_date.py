""""Up to date", decided from file stats in a fraction of a second, before the stack loads.

A build with nothing new would still import Dagster, dbt and GX (seconds) only to find that
the lake's content hashes match. So a successful build records what its published warehouse
was made from: the stats of every file under raw/, the lake catalog's, a digest of the code
and the lock file, and the published file's own stats. When all of them are unchanged, the
CLI says "up to date" without starting a run. Any difference — a touched or new raw file, a
`forget`, a code change, someone writing into the published file — goes to the Dagster run,
which decides from content hashes. Only this module's stdlib is needed here.
"""

import hashlib
import json
import os
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT, DataPaths
from dagster_project.warehouse.state_files import (
    file_stat,
    files_digest,
    read_json,
    wal_of,
    write_atomically,
)

CODE_PATHS = ("dagster_project", "dbt/models", "dbt/macros", "dbt/tests", "dbt/dbt_project.yml",
              "dbt/profiles.yml", "expectations", "requirements.lock", "pyproject.toml")
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".json", ".lock", ".toml", ".csv", ".md"}


def is_up_to_date(paths: DataPaths) -> bool:
    """True when nothing a build reads has changed since the last publish it recorded."""
    recorded = read_json(_record_path(paths))
    return recorded is not None and recorded == {
        "raw": raw_digest(paths.raw),
        "lake": file_stat(_catalog(paths)),
        "lake wal": wal_of(_catalog(paths)).exists(),
        "code": code_digest(),
        "warehouse": file_stat(paths.warehouse),
        "warehouse wal": wal_of(paths.warehouse).exists(),
    }


def record_inputs_seen(paths: DataPaths, raw: str) -> None:
    """After the lake step: the raw files it started from (raw_digest taken before it read
    them) and the catalog it left."""
    _write(_pending_path(paths), {"raw": raw, "lake": file_stat(_catalog(paths))})


def record_up_to_date(paths: DataPaths) -> None:
    """After a publish, or a run that found the published warehouse current: the next build
    may skip the run while nothing changes. Recorded only when the lake is still as this
    run's lake step left it (a `forget` since then leaves no record: the next build runs)."""
    seen = read_json(_pending_path(paths))
    if seen is None or seen["lake"] != file_stat(_catalog(paths)) or not paths.warehouse.exists():
        _record_path(paths).unlink(missing_ok=True)
        return
    _write(_record_path(paths), {
        "raw": seen["raw"], "lake": seen["lake"], "lake wal": False, "code": code_digest(),
        "warehouse": file_stat(paths.warehouse), "warehouse wal": False,
    })


def raw_digest(raw_dir: Path) -> str:
    """Every file under raw/ (pages, sidecars, anything): name, size, mtime and ctime."""
    digest = hashlib.sha256()
    if raw_dir.is_dir():
        for path in sorted(_files_under(raw_dir)):
            stat = path.lstat()
            digest.update(f"{os.fsencode(path)!r} {stat.st_size} {stat.st_mtime_ns} "
                          f"{stat.st_ctime_ns}\n".encode())
    return digest.hexdigest()


def code_digest() -> str:
    """The package, the dbt project, the suites and the pinned versions: what turns raw
    files into the published tables."""
    files = []
    for relative in CODE_PATHS:
        root = PROJECT_ROOT / relative
        files += [root] if root.is_file() else sorted(
            path for path in _files_under(root) if path.suffix in CODE_SUFFIXES)
    return files_digest(files)


def _files_under(root: Path) -> list[Path]:
    """Files below root, found with os.walk (links are listed, never followed)."""
    if not root.is_dir():
        return []
    return [Path(folder) / name for folder, _, names in os.walk(root) for name in names]


def _catalog(paths: DataPaths) -> Path:
    return paths.lake / "catalog.ducklake"  # lake.catalog.catalog_path, without its imports


def _record_path(paths: DataPaths) -> Path:
    return paths.build_dir / "up_to_date.json"


def _pending_path(paths: DataPaths) -> Path:
    return paths.build_dir / "inputs_seen.json"


def _write(path: Path, record: dict) -> None:
    write_atomically(path, json.dumps(record))
