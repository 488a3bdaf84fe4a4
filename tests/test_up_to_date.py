"""A build with nothing new: decided before the stack loads, publishing nothing; anything
that changed what the warehouse is made from (or the published file itself) builds again."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import data_paths
from dagster_project.warehouse.build_state import STATE_FILE, is_up_to_date
from tests.pipeline_helpers import build, query

NEW_PAGE = Path(__file__).with_name("fixtures") / "daily_papers.json"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, sample_dir):
    data_dir = tmp_path_factory.mktemp("up_to_date") / "data"
    shutil.copytree(sample_dir, data_dir / "raw")
    assert build(data_dir) == 0
    return data_paths(data_dir)


@pytest.fixture
def built(built_once):
    """The module's data dir, built once from the bundled sample page: its DataPaths. Each
    test leaves it built and up to date for the next (a whole build each would cost more
    than the tests themselves)."""
    assert is_up_to_date(built_once)
    return built_once


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_nothing_new_is_answered_without_a_run_and_publishes_nothing(built, capsys):
    paths, data_dir = built, built.root
    published, stat = digest(paths.warehouse), paths.warehouse.stat()
    papers = query(data_dir, "select count(*) from papers")[0][0]

    capsys.readouterr()
    assert build(data_dir) == 0
    out = capsys.readouterr().out
    assert "up to date" in out and "no Dagster run" in out
    assert digest(paths.warehouse) == published
    assert paths.warehouse.stat().st_mtime_ns == stat.st_mtime_ns
    # ... and without loading the stack: a fresh process answers before importing Dagster.
    answer = subprocess.run(
        [sys.executable, "-c", "import sys; from dagster_project.cli import main; "
         f"code = main(['build', '--data-dir', {str(data_dir)!r}]); "
         "print(code, 'dagster' in sys.modules)"],
        capture_output=True, text=True, timeout=120, check=False)
    assert answer.stdout.splitlines()[-1] == "0 False", answer.stdout + answer.stderr

    # Touched, not changed: the run looks (content hashes), finds nothing, publishes nothing,
    # and records that the next build may skip the run again.
    page = next(paths.raw.glob("*.txt"))
    os.utime(page)
    assert not is_up_to_date(paths)
    assert build(data_dir) == 0
    out = capsys.readouterr().out
    assert "Dagster run" in out and "no Dagster run" not in out
    assert paths.warehouse.stat().st_mtime_ns == stat.st_mtime_ns
    assert digest(paths.warehouse) == published
    assert is_up_to_date(paths)

    # One new page: exactly its papers are added.
    shutil.copy(NEW_PAGE, paths.raw / "2025-12-13_daily_papers.json")
    assert not is_up_to_date(paths)
    assert build(data_dir) == 0
    only_in_new_page = query(data_dir, """
        select count(distinct paper_id) from paper_sightings
        where source_file = '2025-12-13_daily_papers.json' and paper_id not in (
            select paper_id from paper_sightings
            where source_file <> '2025-12-13_daily_papers.json')""")[0][0]
    assert only_in_new_page > 0
    assert query(data_dir, "select count(*) from papers")[0][0] == papers + only_in_new_page
    assert is_up_to_date(paths)


def test_a_write_into_the_published_file_is_undone_by_the_next_build(built, capsys):
    paths, data_dir = built, built.root
    papers = query(data_dir, "select count(*) from papers")[0][0]

    writer = duckdb.connect(str(paths.warehouse))  # someone's read-write session
    writer.execute("create table mine as select 1 as x")
    writer.execute("delete from papers")
    writer.close()
    assert not is_up_to_date(paths)

    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers")[0][0] == papers
    assert query(data_dir, "select count(*) from duckdb_tables() where table_name = 'mine'"
                 ) == [(0,)]


WRITER_WHO_DIES = """
import os, sys, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("set checkpoint_threshold = '1GB'")  # keep the writes in the WAL
connection.execute("create table mine as select 42 as answer")
connection.execute("delete from papers where paper_id in (select paper_id from papers limit 5)")
os._exit(0)  # dies before any checkpoint: warehouse.duckdb.wal stays behind
"""


def test_a_stale_write_ahead_log_never_applies_to_the_new_build(built):
    paths, data_dir = built, built.root
    papers = query(data_dir, "select count(*) from papers")[0][0]

    subprocess.run([sys.executable, "-c", WRITER_WHO_DIES, str(paths.warehouse)], check=True)
    wal = paths.warehouse.with_name("warehouse.duckdb.wal")
    assert wal.exists()
    assert not is_up_to_date(paths)

    assert build(data_dir) == 0  # republished: the WAL was set aside, not replayed
    assert not wal.exists()
    assert list(paths.root.glob("warehouse.duckdb.wal.stale-*"))
    assert query(data_dir, "select count(*) from papers")[0][0] == papers
    assert query(data_dir, "select count(*) from duckdb_tables() where table_name = 'mine'"
                 ) == [(0,)]


def test_a_damaged_state_file_is_redone_not_fatal(built):
    paths, data_dir = built, built.root
    papers = query(data_dir, "select count(*) from papers")
    (paths.build_dir / STATE_FILE).write_text('{"published": {"code": "abc', encoding="utf-8")
    assert not is_up_to_date(paths)
    assert build(data_dir) == 0  # publishes again rather than stopping on the bad file
    assert query(data_dir, "select count(*) from papers") == papers
    assert is_up_to_date(paths)


PROJECT_FILES = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--",
                 "dagster_project", "dbt", "expectations", "requirements.lock", "pyproject.toml"]


CODE_CHANGES = {
    "a new module": ("dagster_project/warehouse/rounding.py", "PLACES = 2\n"),
    "a dbt model": ("dbt/models/marts/daily_counts.sql",
                    "\n-- a comment changes no row, but the code is not the same\n"),
    "a suite": ("expectations/daily_counts.json", "\n"),
}


def test_any_change_to_the_code_publishes_again(tmp_path, data_dir):
    """Any file the warehouse's content depends on, even one no list names: a copy of the
    project is built, then changed one file at a time; its own up-to-date check (in a fresh
    process) sees each change, and its CLI builds and publishes again after the last."""
    root = Path(__file__).resolve().parent.parent
    project = tmp_path / "project"
    for name in subprocess.run(PROJECT_FILES, cwd=root, capture_output=True, text=True,
                               check=True).stdout.splitlines():
        if (root / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, project / name)

    def in_copy(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=project, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def build_copy() -> str:
        return in_copy("-m", "dagster_project.cli", "build", "--data-dir", str(data_dir))

    def up_to_date_in_copy() -> bool:
        return in_copy("-c", "from dagster_project.settings import data_paths; "
                       "from dagster_project.warehouse.build_state import is_up_to_date; "
                       f"print(is_up_to_date(data_paths({str(data_dir)!r})))"
                       ).strip() == "True"

    build_copy()
    assert "no Dagster run" in build_copy() and up_to_date_in_copy()
    for change, (name, appended) in CODE_CHANGES.items():
        before = (project / name).read_bytes() if (project / name).exists() else None
        with open(project / name, "a", encoding="utf-8") as changed:
            changed.write(appended)
        assert not up_to_date_in_copy(), change
        if before is None:
            (project / name).unlink()
        else:
            (project / name).write_bytes(before)
        assert up_to_date_in_copy(), change  # changed back: the same code as the build's

    published = (data_dir / "warehouse.duckdb").stat().st_mtime_ns
    name, appended = CODE_CHANGES["a dbt model"]
    with open(project / name, "a", encoding="utf-8") as changed:
        changed.write(appended)
    out = build_copy()
    assert "no Dagster run" not in out and "up to date" not in out, out
    assert (data_dir / "warehouse.duckdb").stat().st_mtime_ns != published
    assert "no Dagster run" in build_copy()
