"""Whether the published warehouse already reflects the lake and the project's own logic.

A build with nothing new would rebuild identical tables; comparing a fingerprint of the lake
files and of the logic (the dbt project, the suites, the publish step) with the one recorded
at the last publish lets it skip dbt, the checks and the publish instead. The logic part alone
tells dbt when its incremental tables in the build file must be rebuilt from scratch.
"""

import hashlib
import json
from pathlib import Path

from dagster_project.lake import Lake
from dagster_project.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT, DataPaths

LOGIC_DIRS = (DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros",
              DBT_PROJECT_DIR / "tests", EXPECTATIONS_DIR)
PACKAGE_DIR = PROJECT_ROOT / "dagster_project"
LOGIC_FILES = (
    DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml",
    *(PACKAGE_DIR / name for name in ("publish.py", "search.py", "sql_helpers.py",
                                      "fts_extension.py")),
)


def fingerprint(paths: DataPaths) -> str:
    """The lake's files and the logic: equal fingerprints, equal warehouses."""
    digest = hashlib.sha256(logic_fingerprint().encode())
    for file_id in sorted({entry.file_id for entry in Lake(paths.lake).read_manifest().values()}):
        digest.update(file_id.encode())
    return digest.hexdigest()


def logic_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(_logic_files()):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def needs_full_refresh(paths: DataPaths) -> bool:
    """The build file's incremental tables were made by other logic (or by none yet)."""
    record = _logic_record_path(paths)
    return not (paths.build_db.exists() and record.exists()
                and record.read_text(encoding="utf-8") == logic_fingerprint())


def record_dbt_logic(paths: DataPaths) -> None:
    _logic_record_path(paths).write_text(logic_fingerprint(), encoding="utf-8")


def is_published(paths: DataPaths, current: str) -> bool:
    record = _record_path(paths)
    return (paths.warehouse.exists() and record.exists()
            and json.loads(record.read_text(encoding="utf-8"))["fingerprint"] == current)


def record_published(paths: DataPaths, current: str) -> None:
    _record_path(paths).write_text(json.dumps({"fingerprint": current}), encoding="utf-8")


def _record_path(paths: DataPaths) -> Path:
    return paths.build_dir / "published.json"


def _logic_record_path(paths: DataPaths) -> Path:
    return paths.build_dir / "dbt_logic.sha256"


def _logic_files() -> list[Path]:
    files = [path for directory in LOGIC_DIRS if directory.is_dir()
             for path in directory.rglob("*") if path.is_file()]
    return files + [path for path in LOGIC_FILES if path.exists()]
