"""What the warehouse was made from: one record, DIR/build/state.json, and one code digest.

Every "what changed?" question of a build is answered from this record, against one digest of
everything that turns raw files into tables (the package, the dbt project, the suites, the
pinned versions):

    published    written at publish: the code, the lake's content (its identity and raw-file
                 index), the raw dir's stats, the catalog's and its data files' sizes as the
                 lake step saw them, and the published file's own stats (and its size when
                 last written whole, not patched). The CLI compares the
                 stats (no import of the stack: "up to date" in a fraction of a second); a
                 run compares code and lake content, to skip dbt, the checks and the publish.
    build file   the code and lake the build file's incremental tables were made by; cleared
                 while dbt writes them, so a run that fails half-way makes the next one
                 rebuild them from scratch.
    lake step    what the lake step of the current run started from (raw stats, then the
                 catalog it left): the publish records it as "published" if the lake is still
                 as that step left it.
    raw suite    the last lake build whose listings passed the raw suite.

The lake's content is its raw-file index, not its DuckLake snapshot id: compaction and a
touched file's new stats commit snapshots too, and neither changes a row. A missing or damaged
record only makes a build redo work, never skip it. Stdlib only: the CLI reads this before
anything heavy is imported (a shared lake's catalog is asked through DuckDB).
"""

import hashlib
import json
import os
from pathlib import Path

from dagster_project.lake.location import CATALOG_FILE, lake_location
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
STATE_FILE = "state.json"
# A published file patched past this multiple of its size when last written whole, plus
# the slack, is written whole again: patches leave free blocks behind (a small file doubles
# with its first patch, a million listings' grows 1%), and a small file is cheap to write.
PATCHED_GROWTH = 1.25
PATCHED_SLACK_BYTES = 64 * 2**20


def code_digest() -> str:
    """One digest of every file under CODE_PATHS: changing any of them builds again."""
    files = []
    for relative in CODE_PATHS:
        root = PROJECT_ROOT / relative
        files += [root] if root.is_file() else sorted(
            path for path in _files_under(root) if path.suffix in CODE_SUFFIXES)
    return files_digest(files)


def raw_digest(raw_dir: Path) -> str:
    """Every file under raw/ (pages, sidecars, anything): name, size, mtime and ctime."""
    digest = hashlib.sha256()
    for path in sorted(_files_under(raw_dir)):
        stat = path.lstat()
        digest.update(f"{os.fsencode(path)!r} {stat.st_size} {stat.st_mtime_ns} "
                      f"{stat.st_ctime_ns}\n".encode())
    return digest.hexdigest()


# The CLI: nothing a build reads changed since the last publish.

def is_up_to_date(paths: DataPaths) -> bool:
    published = _read(paths).get("published")
    if not (isinstance(published, dict) and published.get("raw") == raw_digest(paths.raw)
            and _is_current(paths, published)
            and _data_files_intact(paths, published.get("data files"))):
        return False
    if lake_location(paths.lake).shared:
        # Other data dirs commit to it: only its catalog can tell (one query, no stack).
        from dagster_project.lake.shared_content import shared_lake_content

        return shared_lake_content(paths.lake) == published.get("lake")
    return published.get("catalog") == file_stat(_catalog(paths)) \
        and not wal_of(_catalog(paths)).exists()


# The run.

def record_lake_step(paths: DataPaths, raw: str, data_files: list[list]) -> None:
    """After the lake step: the raw stats it started from (taken before it read a file, so a
    file changed later counts as new), the catalog it left, and the data files that catalog
    names ([path, size], relative to the lake: a later build stats them before it says "up
    to date")."""
    relative = [[os.path.relpath(path, paths.lake), size] for path, size in data_files]
    _update(paths, **{"lake step": {"raw": raw, "catalog": file_stat(_catalog(paths)),
                                    "data files": relative}})


def is_published(paths: DataPaths, lake: str) -> bool:
    """The published file was made by this code from this lake content, and nobody wrote
    into it, left a write-ahead log beside it or replaced it since."""
    published = _read(paths).get("published")
    return isinstance(published, dict) and published.get("lake") == lake \
        and _is_current(paths, published)


def published_file_is_ours(paths: DataPaths) -> bool:
    """The published file is the one this code published last, and nobody wrote into it,
    left a write-ahead log beside it or replaced it since; and patches have not grown it
    much past its size when last written whole: a copy of it may be patched."""
    published = _read(paths).get("published")
    if not (isinstance(published, dict) and _is_current(paths, published)):
        return False
    whole = published.get("written whole")
    return isinstance(whole, int) and \
        paths.warehouse.stat().st_size <= PATCHED_GROWTH * whole + PATCHED_SLACK_BYTES


def record_published(paths: DataPaths, lake: str, written_whole: bool = False) -> None:
    """After a publish (written_whole: every table written anew, not patched), or a run that
    found the published file current. The raw and catalog stats go in only when the lake is
    still as this run's lake step left it (a `forget` since leaves them out, and the next
    build runs)."""
    state = _read(paths)
    seen = state.get("lake step")
    if not isinstance(seen, dict) or seen.get("catalog") != file_stat(_catalog(paths)):
        seen = {}
    before = state.get("published") if isinstance(state.get("published"), dict) else {}
    whole = paths.warehouse.stat().st_size if written_whole else before.get("written whole")
    _update(paths, state, published={
        "code": code_digest(), "lake": lake, "warehouse": file_stat(paths.warehouse),
        "written whole": whole, "raw": seen.get("raw"), "catalog": seen.get("catalog"),
        "data files": seen.get("data files")})


def needs_full_refresh(paths: DataPaths, lake_identity: str) -> bool:
    """The build file's incremental tables were made by other code, from another lake (one
    made anew numbers its builds from 1 again), by a dbt run that did not finish, or not
    at all."""
    made = _read(paths).get("build file")
    return not (paths.build_db.exists() and isinstance(made, dict)
                and made.get("code") == code_digest() and made.get("lake") == lake_identity)


def record_build_file(paths: DataPaths, lake_identity: str | None = None,
                      lake: str | None = None) -> None:
    """Nothing before dbt writes the build file; the lake it was made from once it
    finished."""
    made = lake_identity and {"code": code_digest(), "lake": lake_identity, "content": lake}
    _update(paths, **{"build file": made})


def build_file_content(paths: DataPaths) -> str | None:
    """The lake content the build file's tables were made from: what a publish copies."""
    made = _read(paths).get("build file")
    return made.get("content") if isinstance(made, dict) else None


def raw_validated_through(paths: DataPaths, lake_identity: str) -> int:
    """The last lake build whose listings passed the raw suite (0: validate them all)."""
    validated = _read(paths).get("raw suite")
    if not isinstance(validated, dict) or validated.get("lake") != lake_identity \
            or not isinstance(validated.get("through"), int):
        return 0
    return validated["through"]


def record_raw_validated(paths: DataPaths, lake_identity: str, through: int) -> None:
    _update(paths, **{"raw suite": {"lake": lake_identity, "through": through}})


def _is_current(paths: DataPaths, published: dict) -> bool:
    # A WAL beside the published file holds someone's writes, not checkpointed: publish again.
    return published.get("code") == code_digest() \
        and published.get("warehouse") == file_stat(paths.warehouse) \
        and not wal_of(paths.warehouse).exists()


def _data_files_intact(paths: DataPaths, data_files) -> bool:
    """Every data file the lake step saw is still there at its size (a deleted or truncated
    one makes the build run, and the lake step stop and say so)."""
    if not isinstance(data_files, list):
        return False
    try:
        return all(os.stat(paths.lake / path).st_size == size for path, size in data_files)
    except (OSError, TypeError, ValueError):
        return False


def _read(paths: DataPaths) -> dict:
    return read_json(paths.build_dir / STATE_FILE) or {}


def _update(paths: DataPaths, state: dict | None = None, **sections) -> None:
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(paths.build_dir / STATE_FILE,
                     json.dumps({**(_read(paths) if state is None else state), **sections},
                                indent=1))


def _files_under(root: Path) -> list[Path]:
    """Files below root, found with os.walk (links are listed, never followed)."""
    return [Path(folder) / name for folder, _, names in os.walk(root) for name in names]


def _catalog(paths: DataPaths) -> Path:
    """The local catalog file (a shared lake has none here: its stat is None)."""
    return paths.lake / CATALOG_FILE
