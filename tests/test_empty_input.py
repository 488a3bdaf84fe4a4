"""An empty input is a valid state: the build publishes an empty warehouse (every table,
zero rows, every suite holding) and says why it is empty; forgotten data is not served."""

import shutil

from dagster_project.cli import main
from tests.pipeline_helpers import build, query

TABLES = ("papers", "paper_sightings", "paper_authors", "authors", "paper_keywords",
          "paper_categories", "authors_count", "daily_counts", "rejects")


def test_no_raw_files_publishes_an_empty_warehouse(tmp_path, capsys):
    data_dir = tmp_path / "data"
    (data_dir / "raw").mkdir(parents=True)
    assert build(data_dir) == 0
    out = capsys.readouterr().out
    assert "quality checks: 51 of 51 passed" in out
    assert f"empty: no raw files in {data_dir / 'raw'}" in out
    for table in TABLES:
        assert query(data_dir, f"select count(*) from {table}") == [(0,)]


def test_forgetting_the_only_file_empties_the_warehouse(data_dir, capsys):
    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers") == [(46,)]
    page = next((data_dir / "raw").glob("*.txt"))
    shutil.move(page, data_dir / page.name)  # out of raw/, sidecar and all
    shutil.move(page.with_name(page.name + ".meta.json"), data_dir / "sidecar.json")
    assert main(["forget", f"data/raw/{page.name}", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert build(data_dir) == 0
    assert "empty:" in capsys.readouterr().out
    for table in TABLES:
        assert query(data_dir, f"select count(*) from {table}") == [(0,)]
    assert query(data_dir, "select count(*) from search_papers('world model')") == [(0,)]
