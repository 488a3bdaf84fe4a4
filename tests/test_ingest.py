"""The lake, incrementally: only new or changed raw files are parsed; nothing is lost."""

import os
from pathlib import Path

import pyarrow.parquet as pq

from dagster_project import ingest as ingest_module
from dagster_project.ingest import forget, ingest
from dagster_project.lake import Lake

PAGE = """Daily Papers

{day}

Stable Paper

An abstract.

  • 3 authors
·
May 6 {votes}
"""


def write_page(raw: Path, name: str, day: str = "Dec 1", votes: int = 1) -> Path:
    path = raw / name
    path.write_text(PAGE.format(day=day, votes=votes), encoding="utf-8")
    return path


def lake_rows(lake: Lake) -> list[dict]:
    files = sorted(p for p in lake.listings_dir.glob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def test_second_ingest_parses_nothing(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt")
    assert ingest(raw, lake).files_parsed == ["2025-12-01_a.txt"]
    assert ingest(raw, lake).files_parsed == []


def test_touched_but_unchanged_file_is_not_parsed_again(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    page = write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    os.utime(page, (1_000_000, 1_000_000))
    assert ingest(raw, lake).files_parsed == []
    assert len(lake_rows(lake)) == 1


def test_changed_file_replaces_its_rows(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt", votes=1)
    ingest(raw, lake)
    write_page(raw, "2025-12-01_a.txt", votes=9)
    assert ingest(raw, lake).files_parsed == ["2025-12-01_a.txt"]
    assert [row["upvotes"] for row in lake_rows(lake)] == [9]


def test_vanished_file_keeps_its_rows_until_forgotten(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    page = write_page(raw, "2025-12-01_a.txt")
    write_page(raw, "2025-12-02_b.txt", day="Dec 2", votes=2)
    ingest(raw, lake)
    page.unlink()
    ingest(raw, lake)
    assert sorted(row["upvotes"] for row in lake_rows(lake)) == [1, 2]
    assert forget("2025-12-01_a.txt", lake).records == 1
    assert [row["upvotes"] for row in lake_rows(lake)] == [2]
    assert forget("2025-12-01_a.txt", lake) is None


def test_debris_of_an_interrupted_build_is_removed(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt")
    ingest(raw, lake)
    (lake.listings_dir / "deadbeef_20250101T000000000000.parquet").write_bytes(b"partial")
    (lake.listings_dir / "x.parquet.123.tmp").write_bytes(b"partial")
    assert ingest(raw, lake).removed_debris == 2
    assert len(lake_rows(lake)) == 1


def test_same_bytes_scraped_on_two_days_are_two_sightings(tmp_path):
    raw, lake = tmp_path / "raw", Lake(tmp_path / "lake")
    raw.mkdir()
    write_page(raw, "2025-12-01_a.txt")
    write_page(raw, "2025-12-02_a.txt")  # identical bytes, another scrape date
    ingest(raw, lake)
    assert sorted(str(row["scraped_at"].date()) for row in lake_rows(lake)) == [
        "2025-12-01", "2025-12-02"]


def test_many_files_parse_in_parallel_with_the_same_result(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(250):
        write_page(raw, f"2025-12-01_{number:03}.txt", votes=number)
    serial, parallel = Lake(tmp_path / "serial"), Lake(tmp_path / "parallel")
    ingest(raw, serial, workers=1)
    report = ingest(raw, parallel, workers=2)
    assert len(report.files_parsed) == 250
    assert sorted(r["upvotes"] for r in lake_rows(parallel)) == sorted(
        r["upvotes"] for r in lake_rows(serial)) == list(range(250))


def test_a_large_arxiv_snapshot_streams_from_disk_with_the_same_result(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    snapshot = (Path(__file__).parent / "fixtures" / "arxiv_snapshot.jsonl").read_bytes()
    (raw / "2025-12-01_arxiv.jsonl").write_bytes(snapshot)
    in_memory, streamed = Lake(tmp_path / "in_memory"), Lake(tmp_path / "streamed")
    ingest(raw, in_memory)
    monkeypatch.setattr(ingest_module, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(ingest_module, "BATCH_ROWS", 2)  # several Parquet row groups
    ingest(raw, streamed)
    def without_ingest_time(rows):
        return [{k: v for k, v in row.items() if k != "ingested_at"} for row in rows]

    assert without_ingest_time(lake_rows(streamed)) == without_ingest_time(lake_rows(in_memory))
    assert len(lake_rows(streamed)) == 4

    # Streamed, a line that is not UTF-8 is one reject; the other lines still load.
    (raw / "2025-12-01_arxiv.jsonl").write_bytes(snapshot + b'{"id": "caf\xe9"}\n')
    ingest(raw, streamed)
    assert len(lake_rows(streamed)) == 4
    rejects = pq.read_table(next(streamed.rejects_dir.glob("2*.parquet"))).to_pylist()
    assert [r["line_number"] for r in rejects] == [4, 6]
    assert "not UTF-8" in rejects[1]["reason"]
