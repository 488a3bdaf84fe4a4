"""BI tools read the warehouse through SQLAlchemy while builds publish new versions.

Readers connect the way Superset does (duckdb-engine, `connect_args={"read_only": True}`), each
in a process of its own as a BI tool is (bi/sqlalchemy_reader.py says why), while the real
pipeline publishes two new versions. No reader error, no failed build, and every snapshot a
reader sees is one published version whole.
"""

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.pool import NullPool

from bi.sqlalchemy_reader import engine, snapshot
from dagster_project.warehouse.publish import PUBLISHED_TABLES
from tests.pipeline_helpers import build, query

ROOT = Path(__file__).resolve().parent.parent

NEW_PAGE = """Daily Papers

{day}

{title}

An abstract about {title}.

  • 2 authors
·
{day} 1
"""


@pytest.fixture
def data_dir(published_sample, tmp_path) -> Path:
    """A copy of the built sample (46 papers, 43 of them dated): raw files, lake, warehouse."""
    copy = tmp_path / "data"
    shutil.copytree(published_sample, copy)
    return copy


def add_page(data_dir: Path, day: str, title: str) -> None:
    name = f"2025-12-{day.split()[1]}_{title.lower().replace(' ', '-')}.txt"
    (data_dir / "raw" / name).write_text(NEW_PAGE.format(day=day, title=title),
                                         encoding="utf-8")


def published(warehouse: Path) -> dict[str, int]:
    """The version now published, read once with the readers' own engine settings."""
    readers = engine(warehouse, poolclass=NullPool)
    try:
        with readers.connect() as connection:
            return snapshot(connection)
    finally:
        readers.dispose()


class Reader:
    """A bi.sqlalchemy_reader process; a thread collects what it prints."""

    def __init__(self, warehouse: Path, mode: str):
        self.mode = mode
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bi.sqlalchemy_reader", str(warehouse), mode],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.messages: list[dict] = []
        self._collector = threading.Thread(target=self._collect, daemon=True)
        self._collector.start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.messages.append(json.loads(line))

    @property
    def snapshots(self) -> list[dict[str, int]]:
        return [message["snapshot"] for message in list(self.messages) if "snapshot" in message]

    @property
    def errors(self) -> list[str]:
        return [message["error"] for message in list(self.messages) if "error" in message]

    def wait_for(self, version: dict[str, int], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while version not in self.snapshots:
            assert self.process.poll() is None, f"{self.mode} reader exited: {self.errors}"
            assert time.monotonic() < deadline, (
                f"{self.mode} reader never saw {version}; last: {self.snapshots[-1:]}")
            time.sleep(0.05)

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.send("stop")
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self._collector.join(timeout=10)
        return code


@pytest.mark.long  # two builds with three readers polling: minutes (make long, CI)
def test_readers_see_whole_versions_while_two_builds_publish(data_dir):
    warehouse = data_dir / "warehouse.duckdb"
    versions = [published(warehouse)]
    assert versions[0] == {"papers": 46, "authors_count_papers": 46, "dated_papers": 43,
                           "daily_papers": 43, "cumulative_papers": 43}
    readers = {mode: Reader(warehouse, mode) for mode in ("per-query", "pooled", "held")}
    try:
        for reader in readers.values():
            reader.wait_for(versions[0])

        for day, title in [("Dec 13", "A Brand New Paper"), ("Dec 14", "Another New Paper")]:
            add_page(data_dir, day, title)
            assert build(data_dir) == 0, "a build failed while BI readers were connected"
            versions.append(published(warehouse))
            # Tools that open a connection per query, or recycle their pool, see it at once.
            readers["per-query"].wait_for(versions[-1])
            readers["pooled"].wait_for(versions[-1])

        # The held connection still reads the version it opened; reconnecting shows the latest.
        held = readers["held"]
        assert held.snapshots and all(seen == versions[0] for seen in held.snapshots)
        held.send("reconnect")
        held.wait_for(versions[-1])
    finally:
        exit_codes = {mode: reader.stop() for mode, reader in readers.items()}

    assert [version["papers"] for version in versions] == [46, 47, 48]
    for version in versions:  # the numbers of one version agree with each other
        assert version["authors_count_papers"] == version["papers"]
        assert version["daily_papers"] == version["cumulative_papers"] == version["dated_papers"]
    assert exit_codes == {"per-query": 0, "pooled": 0, "held": 0}
    for mode, reader in readers.items():
        assert reader.errors == [], f"{mode} reader failed"
        # Every snapshot is one published version, whole; versions only ever move forward.
        seen = [versions.index(s) if s in versions else s for s in reader.snapshots]
        assert all(isinstance(index, int) for index in seen), f"{mode} saw a partial state"
        assert seen == sorted(seen), f"{mode} went back to an older version"
        assert seen[-1] == 2



def test_bi_tools_reflect_the_analyst_tables_only(demo):
    """What a BI tool's pickers and pandas do: list tables and views, reflect columns, read a
    whole table. The search index's tables stay out of the lists."""
    import pandas as pd
    import sqlalchemy as sa

    readers = engine(demo / "warehouse.duckdb", poolclass=NullPool)
    try:
        inspector = sa.inspect(readers)
        assert set(inspector.get_table_names()) == set(PUBLISHED_TABLES)
        assert set(inspector.get_view_names()) == {name for (name,) in query(
            demo, "select table_name from information_schema.tables "
                  "where table_schema = 'main' and table_type = 'VIEW'")}
        columns = {column["name"]: column for column in inspector.get_columns("papers")}
        assert {"paper_id", "title", "upvotes", "published_date"} <= columns.keys()
        papers = pd.read_sql_table("papers", readers)
        assert len(papers) == query(demo, "select count(*) from papers")[0][0]
        assert list(papers.columns) == list(columns)
    finally:
        readers.dispose()
