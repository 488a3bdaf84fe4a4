"""Publishing: a failed quality gate keeps the last good warehouse; readers are never blocked."""

import hashlib
import shutil
import subprocess
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from dagster_project.cli import main
from dagster_project.lake import catalog
from dagster_project.lake.commit import LakeBuild
from dagster_project.lake.tables import RawFileEntry
from dagster_project.raw.schema import LISTING_SCHEMA
from tests.pipeline_helpers import build, scalar

NEW_PAGE = """Daily Papers

Dec 13

{title}

An abstract about {title}.

  • {authors} authors
·
Dec 13 5
"""


@pytest.fixture
def data_dir(published_sample, tmp_path) -> Path:
    """A copy of the built sample: raw files, lake and published warehouse."""
    copy = tmp_path / "data"
    shutil.copytree(published_sample, copy)
    return copy


def add_page(data_dir: Path, name: str, title: str, authors: int = 3) -> None:
    (data_dir / "raw" / name).write_text(NEW_PAGE.format(title=title, authors=authors),
                                         encoding="utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def put_in_lake(data_dir: Path, name: str, listing: dict) -> None:
    """A listing a parser of an older version let into the lake, before today's per-record
    rules: one record's data no longer fails the gate, so this is what a wrong build is."""
    now = datetime.now(UTC)
    base = {"source_file": name, "source_sha256": "0" * 64, "source_format": "text_page",
            "ingested_at": now}
    row = {**base, "record_index": 0, "line_number": 1, "scraped_at": now, **listing}
    with catalog.connect(data_dir / "lake") as connection:
        lake_build = LakeBuild(connection)
        lake_build.add_rows("listings", pa.Table.from_pylist([row], schema=LISTING_SCHEMA))
        lake_build.put_file(RawFileEntry(
            source_file=name, source_sha256="0" * 64, scraped_at=now, size=None,
            mtime_ns=None, ctime_ns=None, sidecar_mtime_ns=None, source_format="text_page",
            parser_version="0", records=1, rejects=0, ingested_at=now, lake_build=0))
        lake_build.commit({"written by": "an older parser"})


def test_failed_gate_keeps_the_previous_warehouse(data_dir, capsys):
    before = digest(data_dir / "warehouse.duckdb")
    # 20000 authors is outside the accepted range: the gate must stop the build.
    put_in_lake(data_dir, "2025-12-13_bad.txt", {
        "title": "Implausible Collaboration", "authors_count": 20000,
        "published_date": date(2025, 12, 13), "upvotes": 5})
    assert build(data_dir) == 1
    summary = capsys.readouterr().out
    assert "FAILED" in summary and "authors_count" in summary
    assert "is unchanged" in summary
    assert digest(data_dir / "warehouse.duckdb") == before

    # The lake keeps what it parsed until told otherwise; forgetting the file fixes the build.
    assert main(["forget", "2025-12-13_bad.txt", "--data-dir", str(data_dir)]) == 0
    assert build(data_dir) == 0
    assert scalar(data_dir, "select count(*) from papers") == 46


def test_readers_are_never_blocked_and_never_see_a_partial_build(data_dir):
    warehouse = data_dir / "warehouse.duckdb"
    held_open = duckdb.connect(str(warehouse), read_only=True)
    seen, errors, building = set(), [], threading.Event()
    building.set()

    def read_in_a_loop():
        while building.is_set():
            try:
                reader = duckdb.connect(str(warehouse), read_only=True)
                seen.add(reader.execute("select count(*) from papers").fetchone()[0])
                reader.close()
            except duckdb.Error as problem:
                errors.append(problem)

    reader_thread = threading.Thread(target=read_in_a_loop)
    reader_thread.start()
    try:
        add_page(data_dir, "2025-12-13_new.txt", "A Brand New Paper")
        assert build(data_dir) == 0
    finally:
        building.clear()
        reader_thread.join()
    assert held_open.execute("select count(*) from papers").fetchone()[0] == 46
    held_open.close()
    assert errors == []
    assert seen <= {46, 47} and 46 in seen
    assert scalar(data_dir, "select count(*) from papers") == 47


SESSION = """
import os, sys, duckdb
connection = duckdb.connect(sys.argv[1])  # read-write: DuckDB's write lock on the file
connection.execute("set checkpoint_threshold = '1GB'")  # writes stay in the log
print("open", flush=True)
sys.stdin.readline()
connection.execute("create table mine as select 42 as answer")
connection.execute("delete from papers")
print("wrote", flush=True)
sys.stdin.readline()
os._exit(0)  # gone without a checkpoint: the log stays
"""


def test_a_read_write_session_on_the_published_file_is_said_and_its_writes_never_read(
        data_dir, capsys):
    """Issue 18, case 14: the build publishes past the session and names it; what the
    session writes afterwards lands in a log beside the new file, which `query` refuses
    (DuckDB would replay it onto the new file) and the next build sets aside."""
    warehouse = data_dir / "warehouse.duckdb"
    session = subprocess.Popen([sys.executable, "-c", SESSION, str(warehouse)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert session.stdout.readline() == "open\n"
        add_page(data_dir, "2025-12-13_new.txt", "A Session Outlived")
        capsys.readouterr()
        assert build(data_dir) == 0
        out = capsys.readouterr().out
        assert f"(PID {session.pid}) held the previous warehouse.duckdb open read-write" in out
        papers = scalar(data_dir, "select count(*) from papers")
        assert scalar(data_dir, "select count(*) from papers where title = ?",
                      ["A Session Outlived"]) == 1

        session.stdin.write("write\n")
        session.stdin.flush()
        assert session.stdout.readline() == "wrote\n"
        session.stdin.write("die\n")
        session.stdin.flush()
        session.wait(timeout=60)
    finally:
        session.kill()
    assert warehouse.with_name("warehouse.duckdb.wal").exists()

    capsys.readouterr()
    assert main(["query", "select count(*) from papers", "--data-dir", str(data_dir)]) == 1
    assert "holds writes of a read-write session" in capsys.readouterr().err
    assert build(data_dir) == 0  # publishes again: the log is set aside, never replayed
    assert "set aside" in capsys.readouterr().out
    assert main(["query", "select count(*) from papers", "--format", "csv",
                 "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == str(papers)


def _published_how(data_dir: Path) -> str:
    """How the last publish made the file (the warehouse asset's metadata)."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(data_dir / ".dagster"))
    event = instance.get_latest_materialization_event(dg.AssetKey("warehouse"))
    return event.asset_materialization.metadata["published file"].value


def _tables_differing(published: Path, build_file: Path) -> list[str]:
    """Every table of the published file (marts and search index) against the build file's,
    as multisets of rows."""
    connection = duckdb.connect()
    try:
        connection.execute(f"attach '{published}' as published (read_only)")
        connection.execute(f"attach '{build_file}' as built (read_only)")
        tables = connection.execute("select schema_name || '.' || table_name from "
                                    "duckdb_tables() where database_name = 'published'").fetchall()
        assert len(tables) > 9
        return [table for (table,) in tables if connection.execute(
            f"select (select count(*) from (from published.{table} except all "
            f"from built.{table})) + (select count(*) from (from built.{table} except all "
            f"from published.{table}))").fetchone()[0]]
    finally:
        connection.close()


def test_a_publish_patches_the_file_it_published_and_equals_a_whole_copy(data_dir):
    """Issue 19: a new page's publish copies the previous published file and applies the
    rows that changed, instead of writing every table; the result holds exactly the build
    file's tables. A published file someone wrote into is written anew."""
    add_page(data_dir, "2025-12-20_new.txt", "A first paper of the day")
    assert build(data_dir) == 0
    assert _published_how(data_dir) == "written anew"  # a copied data dir: not its own file

    add_page(data_dir, "2025-12-21_new.txt", "A second paper of the day", authors=5)
    assert build(data_dir) == 0
    assert _published_how(data_dir) == "patched (1 papers changed)"
    assert _tables_differing(data_dir / "warehouse.duckdb",
                             data_dir / "build" / "warehouse.duckdb") == []
    assert main(["search", "second paper of the day", "--data-dir", str(data_dir)]) == 0

    # A page forgotten: its paper's rows leave every table of the copy.
    (data_dir / "raw" / "2025-12-20_new.txt").unlink()
    assert main(["forget", "2025-12-20_new.txt", "--data-dir", str(data_dir)]) == 0
    assert build(data_dir) == 0
    assert _published_how(data_dir) == "patched (1 papers changed)"
    assert _tables_differing(data_dir / "warehouse.duckdb",
                             data_dir / "build" / "warehouse.duckdb") == []

    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as connection:
        connection.execute("create table my_notes as select 1 as note")
    add_page(data_dir, "2025-12-22_new.txt", "A third paper of the day")
    assert build(data_dir) == 0
    assert _published_how(data_dir) == "written anew"
    assert scalar(data_dir, "select count(*) from duckdb_tables() "
                            "where table_name = 'my_notes'") == 0


def test_a_file_grown_by_patches_is_written_whole_again(tmp_path):
    """Patches leave free blocks in the file: past PATCHED_GROWTH of its size when last
    written whole (plus a slack), the next publish writes every table anew."""
    from dagster_project.settings import DataPaths
    from dagster_project.warehouse.build_state import (
        PATCHED_GROWTH,
        PATCHED_SLACK_BYTES,
        published_file_is_ours,
        record_published,
    )

    def publish_file(size: int, written_whole: bool = False) -> None:
        staged = paths.warehouse.with_name("staged")
        with open(staged, "wb") as handle:
            handle.truncate(size)  # sparse: the size is all that counts
        staged.replace(paths.warehouse)
        record_published(paths, "lake", written_whole=written_whole)

    paths = DataPaths(tmp_path)
    whole = 1_000_000_000
    publish_file(whole, written_whole=True)
    assert published_file_is_ours(paths)
    limit = int(whole * PATCHED_GROWTH) + PATCHED_SLACK_BYTES
    publish_file(limit)  # a patch: the size written whole is kept
    assert published_file_is_ours(paths)
    publish_file(limit + 1)
    assert not published_file_is_ours(paths)
