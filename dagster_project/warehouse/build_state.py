"""Whether the published warehouse already reflects the lake and the project's own logic.

A build with nothing new would rebuild identical tables; comparing a fingerprint of the lake
files and of the logic (the dbt project, the suites, the publish step) with the one recorded
at the last publish lets it skip dbt, the checks and the publish instead. The logic part alone
tells dbt when its incremental tables in the build file must be rebuilt from scratch.
"""

import hashlib
import json
from pathlib import Path

from dagster_project.lake import catalog
from dagster_project.lake.tables import lake_identity
from dagster_project.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT, DataPaths
from dagster_project.warehouse.state_files import (
    file_stat,
    files_digest,
    read_json,
    wal_of,
    write_atomically,
)

LOGIC_DIRS = (DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros",
              DBT_PROJECT_DIR / "tests", EXPECTATIONS_DIR)
PACKAGE_DIR = PROJECT_ROOT / "dagster_project"
LOGIC_FILES = (
    DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml",
    *(PACKAGE_DIR / name for name in ("warehouse/publish.py", "serve/search.py",
                                      "serve/sql_helpers.py", "duckdb_extensions.py")),
)


def fingerprint(paths: DataPaths) -> str:
    """The lake's raw files (and which build wrote each) and the logic: equal fingerprints,
    equal warehouses."""
    digest = hashlib.sha256(logic_fingerprint().encode())
    digest.update(lake_state(paths).encode())
    return digest.hexdigest()


def lake_state(paths: DataPaths) -> str:
    """The lake's identity and its raw-file index, read from the catalog (no data file)."""
    if not catalog.exists(paths.lake):
        return "no lake"
    with catalog.connect(paths.lake, read_only=True) as connection:
        rows = connection.execute("select source_file, lake_build from lake.raw_files "
                                  "order by source_file").fetchall()
        return json.dumps([lake_identity(connection), rows])


def lake_of_build_file(paths: DataPaths) -> str:
    """The lake identity the build file's staging tables were loaded from."""
    if not catalog.exists(paths.lake):
        return "no lake"
    with catalog.connect(paths.lake, read_only=True) as connection:
        return lake_identity(connection)


def logic_fingerprint() -> str:
    return files_digest(sorted(_logic_files()))


def needs_full_refresh(paths: DataPaths) -> bool:
    """The build file's incremental tables were made by other logic (or by none yet), or
    from another lake (one made anew numbers its builds from 1 again)."""
    record = _logic_record_path(paths)
    return not (paths.build_db.exists() and record.exists()
                and record.read_text(encoding="utf-8") == _dbt_state(paths))


def record_dbt_logic(paths: DataPaths) -> None:
    write_atomically(_logic_record_path(paths), _dbt_state(paths))


def _dbt_state(paths: DataPaths) -> str:
    return f"{logic_fingerprint()} {lake_of_build_file(paths)}"


def raw_validated_through(paths: DataPaths, lake: str) -> int:
    """The last lake build whose listings passed the raw suite (0: none yet)."""
    state = read_json(paths.build_dir / "raw_validated.json")
    if state is None or state.get("lake") != lake or not isinstance(state.get("through"), int):
        return 0  # validate every listing again: safe, only slower
    return state["through"]


def record_raw_validated(paths: DataPaths, lake: str, through: int) -> None:
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(paths.build_dir / "raw_validated.json",
                     json.dumps({"lake": lake, "through": through}))


def is_published(paths: DataPaths, current: str) -> bool:
    """The published file is the one the last publish wrote (nobody wrote into it, left a
    write-ahead log beside it or replaced it since) and was made from the current lake and
    logic."""
    record = _record_path(paths)
    if not (paths.warehouse.exists() and record.exists()):
        return False
    published = read_json(record)
    # A WAL beside it holds someone's writes, not checkpointed: publish again.
    return (published is not None and published.get("fingerprint") == current
            and published.get("warehouse") == file_stat(paths.warehouse)
            and not wal_of(paths.warehouse).exists())


def record_published(paths: DataPaths, current: str) -> None:
    write_atomically(_record_path(paths), json.dumps(
        {"fingerprint": current, "warehouse": file_stat(paths.warehouse)}))


def _record_path(paths: DataPaths) -> Path:
    return paths.build_dir / "published.json"


def _logic_record_path(paths: DataPaths) -> Path:
    return paths.build_dir / "dbt_logic.sha256"


def _logic_files() -> list[Path]:
    files = [path for directory in LOGIC_DIRS if directory.is_dir()
             for path in directory.rglob("*") if path.is_file()]
    return files + [path for path in LOGIC_FILES if path.exists()]
