"""A lake data file deleted or truncated under the lake: every build finds it, says which raw
files are affected and publishes nothing; `repair` re-reads them, and the next build equals a
clean one (issue 18, case 5)."""

import hashlib
import os
import shutil

import pytest

from dagster_project.cli import main
from dagster_project.lake import catalog
from dagster_project.lake.data_files import current_files
from dagster_project.lake.ingest import forget, ingest
from dagster_project.lake.repair import repair
from dagster_project.settings import data_paths
from dagster_project.warehouse.build_state import is_up_to_date
from tests.pipeline_helpers import build, query
from tests.test_ingest import rows, write_page

CARDS = 12  # beyond DuckLake's inlining limit: each build's rows go to a data file


def data_file_of(lake, source_file: str, table: str = "listings") -> str:
    """The one current data file of `table` holding rows of source_file."""
    with catalog.connect(lake, read_only=True) as connection:
        files = [file.path for file in current_files(connection) if file.table == table]
        held = [path for path in files if connection.execute(
            "select count(*) from read_parquet(?) where source_file = ?",
            [path, source_file]).fetchone()[0]]
    assert len(held) == 1, held
    return held[0]


def damage(path: str, how: str) -> None:
    if how == "deleted":
        os.remove(path)
    else:
        with open(path, "r+b") as data_file:
            data_file.truncate(data_file.seek(0, 2) // 2)


def lake_of_pages(tmp_path):
    """Three pages, each read by its own build (so each has its own data files)."""
    raw, lake = tmp_path / "raw", tmp_path / "lake"
    raw.mkdir()
    for day in (1, 2, 3):
        write_page(raw, f"2025-12-0{day}_a.txt", day=f"Dec {day}", votes=day, cards=CARDS,
                   bad_card=day == 1)
        ingest(raw, lake)
    return raw, lake


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_a_damaged_data_file_stops_ingest_naming_the_raw_files_and_repair_rereads_them(
        tmp_path, how):
    raw, lake = lake_of_pages(tmp_path)
    clean = rows(lake), rows(lake, "rejects")
    damage(data_file_of(lake, "2025-12-02_a.txt"), how)
    write_page(raw, "2025-12-04_a.txt", day="Dec 4", cards=CARDS)

    with pytest.raises(catalog.LakeDamaged) as stopped:
        ingest(raw, lake)
    message = str(stopped.value)
    assert ("is missing" if how == "deleted" else "truncated or overwritten") in message
    assert "affected: 2025-12-02_a.txt." in message  # that file only, by the file's stats
    assert "papers-warehouse repair" in message
    with pytest.raises(catalog.LakeDamaged):
        forget("2025-12-01_a.txt", lake, raw)  # nothing writes to a damaged lake

    report = repair(raw, lake)
    assert [item.file.table for item in report.damaged] == ["listings"]
    assert report.reread == ["2025-12-02_a.txt"] and report.lost == {}
    assert report.ingest.files_parsed == ["2025-12-02_a.txt", "2025-12-04_a.txt"]
    fresh_lake = tmp_path / "fresh"
    ingest(raw, fresh_lake)
    assert rows(lake) == rows(fresh_lake) and rows(lake, "rejects") == rows(fresh_lake,
                                                                             "rejects")
    assert len(rows(lake)) == len(clean[0]) + CARDS
    assert repair(raw, lake).damaged == []  # whole now: nothing to do
    ingest(raw, lake)  # and builds go on from it


def test_rows_of_a_raw_file_gone_from_raw_are_said_to_be_lost(tmp_path):
    raw, lake = lake_of_pages(tmp_path)
    os.remove(data_file_of(lake, "2025-12-02_a.txt"))
    (raw / "2025-12-02_a.txt").unlink()

    report = repair(raw, lake)
    assert report.reread == []
    assert report.lost == {"2025-12-02_a.txt": f"{CARDS} of {CARDS} listings and 0 of 0 "
                           "rejects lost (the raw file is gone from raw/)"}
    assert {row["source_file"] for row in rows(lake)} == {"2025-12-01_a.txt",
                                                          "2025-12-03_a.txt"}
    ingest(raw, lake)  # the lake is whole: the build goes on, the loss already said


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


MARTS = ["select * exclude (listings_fingerprint) from papers order by paper_id",  # build nos.
         "select * from daily_counts order by all",
         "select * from authors_count order by all",
         "select source_file, count(*) from paper_sightings group by all order by all"]


def test_a_build_never_publishes_rows_missing_and_a_repaired_lake_builds_clean(data_dir,
                                                                                tmp_path,
                                                                                capsys):
    """The whole job: build, lose a data file, add a page; the build stops and names what
    to run, the published file is untouched; after `repair`, the build equals a clean one."""
    paths = data_paths(data_dir)
    assert build(data_dir) == 0
    published = digest(paths.warehouse)
    sample = next(paths.raw.glob("*.txt")).name
    os.remove(data_file_of(paths.lake, sample))
    assert not is_up_to_date(paths)  # the fast path stats the lake's data files too
    write_page(paths.raw, "2025-12-04_a.txt", day="Dec 4", cards=CARDS)

    capsys.readouterr()
    assert build(data_dir) != 0
    said = capsys.readouterr()
    assert "is missing" in said.out + said.err and sample in said.out + said.err
    assert digest(paths.warehouse) == published

    assert main(["repair", "--data-dir", str(data_dir)]) == 0
    said = capsys.readouterr().out
    assert f"re-read from {paths.raw}: 1 raw files ({sample})" in said
    assert build(data_dir) == 0

    clean = tmp_path / "clean"
    shutil.copytree(paths.raw, clean / "raw")
    assert build(clean) == 0
    for sql in MARTS:
        assert query(data_dir, sql) == query(clean, sql), sql
