"""The lake (DuckLake), incrementally: only new or changed raw files are parsed, one commit per
build, nothing lost, and a killed build leaves the last commit."""

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dagster_project.faults import KILL_AT_ENV
from dagster_project.lake import catalog, compaction
from dagster_project.lake import ingest as ingest_module
from dagster_project.lake.ingest import forget, ingest
from dagster_project.raw import arxiv_snapshot, formats
from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA

FIXTURES = Path(__file__).parent / "fixtures"

PAGE = """Daily Papers

{day}
"""

CARD = """
{title}

An abstract.

  • 3 authors
·
May 6 {votes}
"""

BAD_CARD = """

Broken Paper

Its abstract.

  • many authors
·
Feb 30, 2023
"""


def write_page(raw: Path, name: str, day: str = "Dec 1", votes: int = 1,
               bad_card: bool = False, cards: int = 1) -> Path:
    """A text page; beyond 10 cards, DuckLake writes its rows to a data file, not inline."""
    titles = ["Stable Paper"] + [f"Stable Paper {number}" for number in range(2, cards + 1)]
    text = PAGE.format(day=day) + "".join(CARD.format(title=title, votes=votes)
                                          for title in titles)
    path = raw / name
    path.write_text(text + (BAD_CARD if bad_card else ""), encoding="utf-8")
    return path


def rows(lake_dir: Path, table: str = "listings") -> list[dict]:
    with catalog.connect(lake_dir, read_only=True) as connection:
        result = connection.sql(f"select * exclude (lake_build, ingested_at) from lake.{table} "
                                "order by source_file, line_number")
        return result.to_arrow_table().to_pylist()


def snapshots(lake_dir: Path) -> list[dict]:
    with catalog.connect(lake_dir, read_only=True) as connection:
        return connection.sql("select snapshot_id, changes from lake.snapshots() "
                              "order by snapshot_id").to_arrow_table().to_pylist()


@pytest.fixture
def raw(tmp_path) -> Path:
    directory = tmp_path / "raw"
    directory.mkdir()
    return directory


def test_second_ingest_parses_nothing_and_commits_nothing(raw, tmp_path):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt")
    assert ingest(raw, lake).files_parsed == ["2025-12-01_a.txt"]
    before = snapshots(lake)
    report = ingest(raw, lake)
    assert report.files_parsed == [] and report.lake_build is None
    assert snapshots(lake) == before


def test_a_build_commits_its_listings_and_rejects_in_one_snapshot(raw, tmp_path):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt", bad_card=True)
    write_page(raw, "2025-12-02_b.txt", day="Dec 2")
    report = ingest(raw, lake)
    assert (report.records_written, report.rejects_written) == (2, 1)
    assert [r["source_file"] for r in rows(lake, "rejects")] == ["2025-12-01_a.txt"]
    last, before = snapshots(lake)[-1]["snapshot_id"], snapshots(lake)[-2]["snapshot_id"]
    with catalog.connect(lake, read_only=True) as connection:
        def counts(version: int) -> tuple:
            return tuple(connection.execute(
                f"select count(*) from lake.{table} at (version => {version})").fetchone()[0]
                for table in ("listings", "rejects", "raw_files"))

        assert counts(before) == (0, 0, 0)
        assert counts(last) == (2, 1, 2)
        # Few large data files: one for the listings of both pages, not one per raw file.
        files = connection.execute(
            "select count(*) from ducklake_list_files('lake', 'listings')").fetchone()[0]
    assert files <= 1  # two rows: DuckLake keeps them inline in its catalog


def test_touched_but_unchanged_file_is_not_parsed_again(raw, tmp_path):
    lake = tmp_path / "lake"
    page = write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    os.utime(page, (1_000_000, 1_000_000))
    report = ingest(raw, lake)
    assert report.files_parsed == []
    assert len(rows(lake)) == 1
    assert ingest(raw, lake).lake_build is None  # the new stat was recorded


def test_changed_file_replaces_exactly_its_rows(raw, tmp_path):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt", votes=1, bad_card=True)
    write_page(raw, "2025-12-02_b.txt", day="Dec 2", votes=5)
    ingest(raw, lake)
    write_page(raw, "2025-12-01_a.txt", votes=9)
    assert ingest(raw, lake).files_parsed == ["2025-12-01_a.txt"]
    assert [(r["source_file"], r["upvotes"]) for r in rows(lake)] == [
        ("2025-12-01_a.txt", 9), ("2025-12-02_b.txt", 5)]
    assert rows(lake, "rejects") == []


def test_vanished_file_keeps_its_rows_until_forgotten(raw, tmp_path):
    lake = tmp_path / "lake"
    page = write_page(raw, "2025-12-01_a.txt", bad_card=True)
    write_page(raw, "2025-12-02_b.txt", day="Dec 2", votes=2)
    ingest(raw, lake)
    page.unlink()
    ingest(raw, lake)
    assert sorted(row["upvotes"] for row in rows(lake)) == [1, 2]
    assert forget("2025-12-01_a.txt", lake, raw).records == 1
    assert [row["upvotes"] for row in rows(lake)] == [2]
    assert rows(lake, "rejects") == []
    assert forget("2025-12-01_a.txt", lake, raw) is None


def test_same_bytes_scraped_on_two_days_are_two_sightings(raw, tmp_path):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt")
    write_page(raw, "2025-12-02_a.txt")  # identical bytes, another scrape date
    ingest(raw, lake)
    assert sorted(str(row["scraped_at"].date()) for row in rows(lake)) == [
        "2025-12-01", "2025-12-02"]


def test_many_files_parse_in_parallel_with_the_same_result(raw, tmp_path):
    for number in range(250):
        write_page(raw, f"2025-12-01_{number:03}.txt", votes=number)
    ingest(raw, tmp_path / "serial", workers=1)
    report = ingest(raw, tmp_path / "parallel", workers=2)
    assert len(report.files_parsed) == 250
    assert rows(tmp_path / "parallel") == rows(tmp_path / "serial")
    assert sorted(r["upvotes"] for r in rows(tmp_path / "parallel")) == list(range(250))


def test_a_large_arxiv_snapshot_parsed_in_chunks_gives_the_same_rows(raw, tmp_path, monkeypatch):
    snapshot = (FIXTURES / "arxiv_snapshot.jsonl").read_bytes()
    (raw / "2025-12-01_arxiv.jsonl").write_bytes(snapshot + snapshot)
    ingest(raw, tmp_path / "whole")
    whole = rows(tmp_path / "whole")
    monkeypatch.setattr(arxiv_snapshot, "CHUNK_BYTES", 300)  # a chunk or two per record
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM_FILES", 0)
    for workers in (1, 2):
        chunked = tmp_path / f"chunked_{workers}"
        assert ingest(raw, chunked, workers=workers).records_written == 8
        assert rows(chunked) == whole
        assert rows(chunked, "rejects") == rows(tmp_path / "whole", "rejects")

    # In chunks, a line that is not UTF-8 is one reject; the other lines still load.
    (raw / "2025-12-01_arxiv.jsonl").write_bytes(snapshot + b'{"id": "caf\xe9"}\n' + snapshot)
    ingest(raw, tmp_path / "chunked_2", workers=2)
    assert len(rows(tmp_path / "chunked_2")) == 8
    rejects = rows(tmp_path / "chunked_2", "rejects")
    assert [r["line_number"] for r in rejects] == [4, 6, 10]
    assert "not UTF-8" in rejects[1]["reason"]


def _rewrite(path: Path, how: str, new: bytes) -> None:
    if how == "changed in place":  # same size, other bytes
        with open(path, "r+b") as handle:
            handle.write(new[:path.stat().st_size])
    elif how == "truncated":
        with open(path, "r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
    else:  # a scraper's atomic save: a new file renamed over the old one
        path.with_name("incoming").write_bytes(new)
        os.replace(path.with_name("incoming"), path)


@pytest.mark.parametrize("how", ["changed in place", "truncated", "replaced"])
def test_a_snapshot_changed_while_its_chunks_are_read_mixes_nothing(raw, tmp_path,
                                                                   monkeypatch, how):
    """Issue 18, case 13: the chunks of a large snapshot are read one by one, after its
    hash. A write in between is found (the stat changed), the rows read are dropped, the
    lake keeps the file's earlier rows, and the next build reads the new bytes whole."""
    snapshot = (FIXTURES / "arxiv_snapshot.jsonl").read_bytes()
    path, lake = raw / "2025-12-01_arxiv.jsonl", tmp_path / "lake"
    path.write_bytes(snapshot * 2)
    ingest(raw, lake)
    before = rows(lake), rows(lake, "rejects")
    path.write_bytes(snapshot.replace(b"Tabular", b"Tables") * 2)  # a new version: read in chunks
    later = snapshot.replace(b"Tabular", b"Tabulated") * 3  # and a newer one, saved meanwhile

    monkeypatch.setattr(arxiv_snapshot, "CHUNK_BYTES", 300)
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM_FILES", 0)
    real_parse_chunk, read = ingest_module.parse_chunk, []

    def parse_chunk_then_write(task):
        read.append(task)
        if len(read) == 2:  # one chunk read, the rest still to come
            _rewrite(path, how, later)
        return real_parse_chunk(task)

    monkeypatch.setattr(ingest_module, "parse_chunk", parse_chunk_then_write)
    report = ingest(raw, lake, workers=1)
    assert report.files_parsed == [] and report.lake_build is None
    assert any("changed while this build read it" in line for line in report.problems)
    assert (rows(lake), rows(lake, "rejects")) == before

    monkeypatch.setattr(ingest_module, "parse_chunk", real_parse_chunk)
    assert ingest(raw, lake, workers=1).files_parsed == ["2025-12-01_arxiv.jsonl"]
    clean = tmp_path / "clean"
    ingest(raw, clean)
    assert rows(lake) == rows(clean) and rows(lake, "rejects") == rows(clean, "rejects")


def test_compaction_keeps_the_content_and_bounds_the_files(raw, tmp_path):
    lake = tmp_path / "lake"
    for day in range(1, 21):  # 20 builds of one page each: 20 small data files
        write_page(raw, f"2025-12-{day:02}_a.txt", day=f"Dec {day}", votes=day, cards=12)
        ingest(raw, lake)
    with catalog.connect(lake) as connection:
        in_order = "select * from lake.listings order by source_file, record_index"
        before = connection.sql(in_order).fetchall()
        files_before = compaction.files_per_table(connection)["listings"]
        compaction.compact(connection)
        after = connection.sql(in_order).fetchall()
        files_after = compaction.files_per_table(connection)["listings"]
    assert after == before and len(after) == 20 * 12
    assert files_after < files_before and files_after <= 2
    on_disk = list((lake / catalog.DATA_FILES_DIR / "main" / "listings").glob("*.parquet"))
    assert len(on_disk) == files_after  # old files are removed, not just forgotten


def test_the_build_compacts_once_files_pile_up(raw, tmp_path, monkeypatch):
    monkeypatch.setattr(compaction, "COMPACT_FROM_FILES", 3)
    lake = tmp_path / "lake"
    compacted = []
    for day in range(1, 8):
        write_page(raw, f"2025-12-{day:02}_a.txt", day=f"Dec {day}", votes=day, cards=12)
        compacted.append(ingest(raw, lake).compacted)
    assert any(compacted)
    with catalog.connect(lake, read_only=True) as connection:
        assert max(compaction.files_per_table(connection).values()) <= 4
    assert len(rows(lake)) == 7 * 12


def test_a_parser_version_bump_re_parses_files_still_in_raw(raw, tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt")
    gone = write_page(raw, "2025-12-02_b.txt", day="Dec 2", votes=2)
    ingest(raw, lake)
    gone.unlink()
    monkeypatch.setitem(formats.PARSER_VERSIONS, "text_page", 99)
    report = ingest(raw, lake)
    assert report.files_parsed == ["2025-12-01_a.txt"]
    assert len(rows(lake)) == 2  # the vanished file's rows stay as they were read
    with catalog.connect(lake, read_only=True) as connection:
        versions = dict(connection.execute(
            "select source_file, parser_version from lake.raw_files").fetchall())
    rules = f"rules/{formats.RULES_DIGEST}"
    assert versions == {"2025-12-01_a.txt": f"text_page/99+{rules}+detect/3",
                        "2025-12-02_b.txt": f"text_page/1+{rules}+detect/3"}
    assert ingest(raw, lake).files_parsed == []
    # A changed row rule (dbt_project.yml) re-reads them too: it may keep or refuse others.
    monkeypatch.setattr(formats, "RULES_DIGEST", "changed")
    assert ingest(raw, lake).files_parsed == ["2025-12-01_a.txt"]


KILL_POINTS = ["lake-insert", "lake-commit"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_ingest_leaves_the_last_commit_and_the_next_one_finishes(raw, tmp_path, point):
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    committed = rows(lake)
    for number in range(2, 6):
        write_page(raw, f"2025-12-0{number}_b.txt", day=f"Dec {number}", votes=number,
                   bad_card=True)
    killed = _ingest_in_subprocess(raw, lake, {KILL_AT_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert rows(lake) == committed
    assert rows(lake, "rejects") == []
    report = ingest(raw, lake)
    assert len(report.files_parsed) == 4
    assert len(rows(lake)) == 5 and len(rows(lake, "rejects")) == 4
    clean = tmp_path / "clean"
    ingest(raw, clean)
    assert rows(lake) == rows(clean)
    # What the killed build wrote but never committed is gone from disk too.
    with catalog.connect(lake, read_only=True) as connection:
        listed = {Path(row[0]).name for row in connection.execute(
            "select data_file from ducklake_list_files('lake', 'listings')").fetchall()}
    on_disk = {path.name for path in
               (lake / catalog.DATA_FILES_DIR / "main" / "listings").glob("*.parquet")}
    assert on_disk == listed


def _ingest_in_subprocess(raw: Path, lake: Path, env: dict) -> subprocess.CompletedProcess:
    code = ("import sys; from pathlib import Path; from dagster_project.lake.ingest import "
            "ingest; ingest(Path(sys.argv[1]), Path(sys.argv[2]), workers=1)")
    return subprocess.run([sys.executable, "-c", code, str(raw), str(lake)],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)


def test_an_old_parquet_lake_is_migrated_with_its_rows(raw, tmp_path):
    """The layout before DuckLake: a manifest and one Parquet file per raw file. A raw file
    still in raw/ is re-parsed by today's parser; one that is gone keeps its old rows."""
    lake = tmp_path / "lake"
    write_page(raw, "2025-12-01_kept.txt", votes=7)
    _write_old_lake(lake, {"2025-12-01_kept.txt": 3, "2025-11-01_gone.txt": 4})
    report = ingest(raw, lake)
    assert (report.migrated.raw_files, report.migrated.listings,
            report.migrated.rejects) == (2, 2, 1)
    assert "migrated the old Parquet lake" in report.migrated.line()
    assert report.files_parsed == ["2025-12-01_kept.txt"]
    assert [(r["source_file"], r["upvotes"]) for r in rows(lake)] == [
        ("2025-11-01_gone.txt", 4), ("2025-12-01_kept.txt", 7)]
    assert [r["source_file"] for r in rows(lake, "rejects")] == ["2025-11-01_gone.txt"]
    assert not (lake / "manifest.json").exists() and not (lake / "listings").exists()
    assert ingest(raw, lake).migrated is None


def _write_old_lake(lake: Path, upvotes_by_file: dict[str, int]) -> None:
    (lake / "listings").mkdir(parents=True)
    (lake / "rejects").mkdir()
    manifest = {}
    now = datetime(2025, 12, 1, tzinfo=UTC)
    for number, (name, upvotes) in enumerate(upvotes_by_file.items()):
        file_id = f"{number:064x}_20251201T000000000000"
        base = {"source_file": name, "source_sha256": file_id[:64],
                "source_format": "text_page", "ingested_at": now}
        listing = {**base, "record_index": 0, "line_number": 5, "scraped_at": now,
                   "title": "Old Paper", "upvotes": upvotes}
        pq.write_table(pa.Table.from_pylist([listing], schema=LISTING_SCHEMA),
                       lake / "listings" / f"{file_id}.parquet")
        if name.endswith("gone.txt"):
            reject = {**base, "line_number": 9, "reason": "bad card", "snippet": "x"}
            pq.write_table(pa.Table.from_pylist([reject], schema=REJECT_SCHEMA),
                           lake / "rejects" / f"{file_id}.parquet")
        manifest[name] = {"sha256": file_id[:64], "scraped_at": now.isoformat(),
                          "file_id": file_id, "size": 1, "mtime_ns": 1, "ctime_ns": 1,
                          "sidecar_mtime_ns": None, "source_format": "text_page",
                          "records": 1, "rejects": int(name.endswith("gone.txt")),
                          "ingested_at": now.isoformat()}
    pq.write_table(LISTING_SCHEMA.empty_table(), lake / "listings" / "_empty.parquet")
    (lake / "manifest.json").write_text(json.dumps({"files": manifest}), encoding="utf-8")


def test_a_lost_catalog_stops_ingest_and_deletes_nothing(tmp_path):
    raw, lake = tmp_path / "raw", tmp_path / "lake"
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    data_files = sorted((lake / "files").rglob("*"))
    catalog.catalog_path(lake).unlink()
    with pytest.raises(catalog.LakeDamaged, match="is missing, but .* holds an earlier lake"):
        ingest(raw, lake)
    assert sorted((lake / "files").rglob("*")) == data_files
    assert not catalog.exists(lake)


def test_a_damaged_catalog_is_explained(tmp_path):
    raw, lake = tmp_path / "raw", tmp_path / "lake"
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    catalog.catalog_path(lake).write_bytes(b"not a database")
    with pytest.raises(catalog.LakeDamaged, match="cannot be read .* Restore it from a backup"):
        ingest(raw, lake)


def test_random_bytes_inside_the_catalog_are_explained(tmp_path):
    """A damaged block is found by a query after the attach (a checksum error): the same
    message, naming the catalog and what to do (issue 18, case 6)."""
    raw, lake = tmp_path / "raw", tmp_path / "lake"
    raw.mkdir()
    for day in range(1, 4):
        write_page(raw, f"2025-12-0{day}_a.txt")
        ingest(raw, lake)
    path = catalog.catalog_path(lake)
    damaged = bytearray(path.read_bytes())
    for offset in range(len(damaged) // 2, len(damaged) - 8, 4096):  # every later block
        damaged[offset:offset + 8] = os.urandom(8)
    path.write_bytes(bytes(damaged))
    write_page(raw, "2025-12-04_a.txt")
    with pytest.raises(catalog.LakeDamaged, match=f"{path} cannot be read .*Restore it"):
        ingest(raw, lake)


def test_forget_waits_for_a_running_build(tmp_path):
    from dagster_project.data_dir_lock import data_dir_lock
    from dagster_project.settings import data_paths

    data_dir = tmp_path / "data"
    (data_dir / "raw").mkdir(parents=True)
    write_page(data_dir / "raw", "2025-12-01_a.txt")
    ingest(data_dir / "raw", data_dir / "lake")
    script = ("import sys; from dagster_project.cli import main; "
              f"sys.exit(main(['forget', '2025-12-01_a.txt', '--data-dir', {str(data_dir)!r}]))")
    with data_dir_lock(data_paths(data_dir)):  # as a build holds it
        forgetting = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            forgetting.wait(timeout=3)
        assert len(rows(data_dir / "lake")) == 1  # untouched while the "build" runs
    _, err = forgetting.communicate(timeout=60)
    assert forgetting.returncode == 0
    assert "another build of" in err and "waiting" in err
    assert rows(data_dir / "lake") == []
