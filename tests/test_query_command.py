"""`papers-warehouse query`: printed and exported results, and friendly errors."""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli import main
from dagster_project.serve.query_command import QueryRefused, output_format

pytestmark = pytest.mark.usefixtures("dagster_home")

SQL = "select paper_id, title, published_date, upvotes from papers order by paper_id"


@pytest.fixture(scope="module")
def built(published_sample) -> Path:
    return published_sample


def run(built: Path, *args: str) -> int:
    return main(["query", *args, "--data-dir", str(built)])


def expected_rows(built: Path, sql: str = SQL) -> list[tuple]:
    connection = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_parquet_export_reads_back_the_same_rows(built, tmp_path, capsys):
    target = tmp_path / "papers.parquet"
    assert run(built, SQL, "--format", "parquet", "--output", str(target)) == 0
    assert "wrote 46 rows" in capsys.readouterr().err
    assert duckdb.sql(f"from '{target}'").fetchall() == expected_rows(built)


def test_csv_and_json_exports(built, tmp_path):
    as_csv, as_json = tmp_path / "papers.csv", tmp_path / "papers.json"
    assert run(built, SQL, "--output", str(as_csv)) == 0  # format from the suffix
    with open(as_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["paper_id", "title", "published_date", "upvotes"]
    assert len(rows) == 47

    assert run(built, SQL, "--format", "json", "--output", str(as_json)) == 0
    records = json.loads(as_json.read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == 46
    by_id = {record["paper_id"]: record for record in records}
    for paper_id, title, published, upvotes in expected_rows(built):
        assert by_id[paper_id] == {"paper_id": paper_id, "title": title, "upvotes": upvotes,
                                   "published_date": published and published.isoformat()}


def test_any_statement_with_a_result_exports(built, tmp_path):
    target = tmp_path / "columns.csv"
    assert run(built, "describe papers", "--output", str(target)) == 0
    assert "paper_id" in target.read_text(encoding="utf-8")


def test_printed_formats(built, capsys):
    assert run(built, SQL + " limit 3", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["paper_id", "title", "published_date", "upvotes"] and len(rows) == 4

    assert run(built, SQL + " limit 3", "--format", "json") == 0
    assert [row["paper_id"] for row in json.loads(capsys.readouterr().out)] == [
        row[0] for row in expected_rows(built, SQL + " limit 3")]

    assert run(built, "select count(*) as papers from papers") == 0
    assert capsys.readouterr().out.split() == ["papers", "------", "46", "(1", "row)"]


def test_the_warehouse_macros_work_in_query(built, capsys):
    assert run(built, "select title from search_papers('cats')", "--format", "csv") == 0
    assert "Purrturbed but Stable" in capsys.readouterr().out


def test_bad_sql(built, capsys):
    assert run(built, "selec 1") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the query failed: Parser Error")


def test_missing_warehouse(tmp_path, capsys):
    assert main(["query", "select 1", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: no warehouse at {tmp_path / 'warehouse.duckdb'}; build it "
                          "first: ")
    # the hint runs as printed from here: the CLI's path unless it is on the PATH
    hint = err.split("build it first: ")[1].split()
    assert Path(hint[0]).name == "papers-warehouse" and hint[1:] == [
        "build", "--data-dir", str(tmp_path)]
    assert shutil.which(hint[0]) or Path(hint[0]).exists()


def test_writing_is_refused_clearly(built, capsys):
    for sql in ("create table notes (text varchar)", "delete from papers",
                "drop view monthly_counts"):
        assert run(built, sql) == 2
        assert "error: the warehouse is read-only" in capsys.readouterr().err
    assert expected_rows(built, "select count(*) from papers") == [(46,)]


def test_parquet_needs_an_output_file(built, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(built, "select 1", "--format", "parquet")
    assert exit_info.value.code == 2
    assert "--format parquet needs --output FILE" in capsys.readouterr().err


def test_unwritable_output(built, tmp_path, capsys):
    assert run(built, "select 1", "--output", str(tmp_path / "missing" / "x.csv")) == 2
    assert "error:" in capsys.readouterr().err


def test_output_format_choice():
    assert output_format(None, None) == "table"
    assert output_format("csv", None) == "csv"
    assert output_format(None, Path("out.PARQUET")) == "parquet"
    assert output_format(None, Path("out.json")) == "json"
    assert output_format(None, Path("out.txt")) == "table"
    assert output_format("json", Path("out.json")) == "json"
    with pytest.raises(QueryRefused, match=r"\.csv \(csv\), \.json \(json\)"):
        output_format(None, Path("months.xlsx"))
    with pytest.raises(QueryRefused, match="contradicts x.parquet"):
        output_format("csv", Path("x.parquet"))


def test_an_unknown_or_contradicting_suffix_is_an_error_and_writes_nothing(built, tmp_path,
                                                                            capsys):
    for args in (["--output", str(tmp_path / "months.xlsx")],
                 ["--format", "csv", "--output", str(tmp_path / "x.parquet")]):
        with pytest.raises(SystemExit) as exit_info:
            run(built, "select 1", *args)
        assert exit_info.value.code == 2
        assert "error:" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_export_never_cuts_a_value(built, tmp_path):
    sql = "select paper_id, abstract from papers where length(abstract) > 200 order by 1"
    whole = expected_rows(built, sql)
    assert whole
    target = tmp_path / "abstracts.txt"
    assert run(built, sql, "--output", str(target)) == 0
    text = target.read_text(encoding="utf-8")
    assert all(abstract in text for _, abstract in whole)
    assert "…" not in text


def test_sql_cannot_touch_files_or_other_databases(built, tmp_path, capsys):
    warehouse = built / "warehouse.duckdb"
    before = warehouse.read_bytes()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    for sql in (f"copy (select 'x') to '{warehouse}' (format csv)",
                f"copy (select 'x') to '{tmp_path / 'out.csv'}'",
                f"select content from read_text('{tmp_path / 'secret.txt'}')",
                f"attach '{tmp_path / 'other.duckdb'}' as other",
                "install httpfs",
                "set enable_external_access = true"):
        assert run(built, sql) == 2, sql
        err = capsys.readouterr().err
        assert err.startswith("error:") and "Traceback" not in err
    assert warehouse.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret.txt"]


def test_allow_files_is_the_deliberate_way_to_read_files(built, tmp_path, capsys):
    (tmp_path / "ids.csv").write_text("paper_id\n2505.03176\n", encoding="utf-8")
    assert run(built, f"select count(*) as n from read_csv('{tmp_path / 'ids.csv'}')",
               "--allow-files", "--format", "csv") == 0
    assert capsys.readouterr().out.split() == ["n", "1"]


@pytest.mark.parametrize("statement", [
    "copy (select 1) to '{target}'",
    "copy (select 'x') to '{data_dir}/lake/catalog.ducklake' (format csv)",
    "export database '{target}'",
    "attach '{data_dir}/lake/catalog.ducklake' as lake",
    "set enable_external_access = false",
    "explain analyze copy (select 1) to '{target}'",
])
def test_allow_files_reads_but_never_writes(built, tmp_path, capsys, statement):
    """--allow-files grants reading files only (issue 18, case 8): no COPY … TO over the
    lake's catalog, raw files or anything else, no EXPORT, no ATTACH of the lake."""
    catalog_before = (built / "lake" / "catalog.ducklake").read_bytes()
    sql = statement.format(target=tmp_path / "out.csv", data_dir=built)
    assert run(built, sql, "--allow-files") == 2
    assert "--allow-files lets a query read files, not write them" in capsys.readouterr().err
    assert (built / "lake" / "catalog.ducklake").read_bytes() == catalog_before
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("inside", ["raw/new.csv", "lake/catalog.csv", "export.csv"])
def test_the_output_is_never_inside_the_data_dir(built, capsys, inside):
    target = built / inside
    assert run(built, "select 1 as n", "--output", str(target)) == 2
    assert "inside the data dir" in capsys.readouterr().err
    assert not target.exists()


def test_one_statement_per_call(built, capsys):
    assert run(built, "select 1; select count(*) from papers") == 2
    assert "2 statements given" in capsys.readouterr().err
    assert run(built, "  ") == 2
    assert "the query is empty" in capsys.readouterr().err


def test_the_output_cannot_be_the_warehouse(built, capsys):
    before = (built / "warehouse.duckdb").read_bytes()
    with pytest.raises(SystemExit):  # .duckdb names no export format
        run(built, "select 1", "--output", str(built / "warehouse.duckdb"))
    assert (built / "warehouse.duckdb").read_bytes() == before
    capsys.readouterr()


def test_a_file_that_is_not_a_warehouse_is_explained(tmp_path, capsys):
    (tmp_path / "warehouse.duckdb").write_text("not a database", encoding="utf-8")
    for command in (["query", "select 1"], ["search", "cats"]):
        assert main([*command, "--data-dir", str(tmp_path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: cannot open {tmp_path / 'warehouse.duckdb'}")
        assert "not a valid DuckDB database file" in err


def test_a_reader_that_stops_early_is_no_error(built):
    # `papers-warehouse query … | head -3`: the pipe closes while rows are still written.
    cli = Path(sys.executable).with_name("papers-warehouse")
    process = subprocess.Popen([str(cli), "query", "select * from range(200000)",
                                "--format", "csv", "--data-dir", str(built)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"range\n"
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert b"Traceback" not in process.stderr.read()


def test_a_long_result_is_capped_and_says_how_much_was_left_out(built, capsys):
    assert run(built, "select * from range(100) as t(n)", "--max-rows", "5") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2:7] == ["0", "1", "2", "3", "4"] and "(100 rows)" in out
    assert out[-1].startswith("… 95 more rows not shown (--max-rows N")
    assert run(built, "select * from range(100) as t(n)", "--format", "csv") == 0
    assert len(capsys.readouterr().out.splitlines()) == 101  # CSV is never cut


def test_wide_prints_every_value_whole(built, capsys):
    sql = "select abstract from papers where length(abstract) > 200 order by paper_id limit 1"
    [(abstract,)] = expected_rows(built, sql)
    assert run(built, sql) == 0
    assert abstract not in capsys.readouterr().out  # cut to fit
    assert run(built, sql, "--wide") == 0
    assert abstract in capsys.readouterr().out
