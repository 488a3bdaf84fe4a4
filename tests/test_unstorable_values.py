"""One value the lake cannot hold, or no real listing has, is a reject naming its field;
the rest of its file and every other file load (issue 18, cases 1 and 3). A value the lake
holds but a terminal would obey (escape codes, a right-to-left override) is printed
escaped, and exported exact (case 9)."""

import json
import shutil
from pathlib import Path

import pytest

from dagster_project.cli import main
from tests.hub_replay import hub_wrapper
from tests.pipeline_helpers import build, query

CONTROL_TITLE = "Colour \x1b[31mred\x1b[0m, a bell\x07 and \u202eevil\u202c text\x7f"


def _record(arxiv_id: str, title: str, **paper: object) -> dict:
    wrapper = hub_wrapper(arxiv_id, title, "2025-12-10", upvotes=3)
    wrapper["paper"].update(paper)
    wrapper.pop("title")
    wrapper.pop("summary")
    return wrapper


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("unstorable") / "data"
    shutil.copytree(sample_dir, data_dir / "raw")
    raw = data_dir / "raw"
    good = _record("2512.10001", "A good paper beside bad ones")
    surrogate = _record("2512.10002", "Lone \ud800 surrogate")
    nul = _record("2512.10003", "NUL \x00 inside")
    long_abstract = _record("2512.10004", "An abstract of a million characters",
                            summary="word " * 200_000)
    long_name = _record("2512.10005", "A name of ten thousand characters",
                        authors=[{"name": "N" * 10_000, "hidden": False}])
    # json.dumps writes the surrogate as the escape "\ud800", as a scraper's JSON would.
    terminal_tricks = _record("2512.10006", CONTROL_TITLE)
    year_one = _record("2512.10007", "Published in the year one",
                       publishedAt="0001-01-01T00:00:00.000Z")
    (raw / "2025-12-10_values.json").write_text(
        json.dumps([good, surrogate, nul, long_abstract, long_name, terminal_tricks,
                    year_one]),
        encoding="utf-8")
    assert build(data_dir) == 0
    return data_dir


def test_the_good_record_and_every_other_file_load(built):
    titles = {title for (title,) in query(built, "select title from papers")}
    assert "A good paper beside bad ones" in titles
    assert len(titles) == 46 + 2  # the sample page's papers, the good record, the tricky one


@pytest.mark.parametrize("reason", [
    "title holds '\\ud800' at character 5: a lone surrogate",
    "title holds a NUL character",
    "abstract is 999,999 characters, over the limit of 100,000",
    "author_names[0] is 10,000 characters, over the limit of 2,000",
    "published_date 0001-01-01 is before 1991-01-01 (row rule: published_date >= 1991-01-01)",
])
def test_each_bad_value_is_a_reject_naming_its_field(built, reason):
    rows = query(built, "select source_file, line_number, reason from rejects "
                        "where contains(reason, ?)", [reason])
    assert len(rows) == 1, query(built, "select reason from rejects")
    assert rows[0][0] == "2025-12-10_values.json" and rows[0][1] >= 1


@pytest.mark.parametrize("command", [
    ["query", "select title from papers where paper_id = '2512.10006'"],
    ["search", "colour red bell"],
])
def test_control_characters_are_shown_escaped(built, capsys, command):
    assert main([*command, "--data-dir", str(built)]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[31mred" in out and "\\u202eevil" in out and "\\x07" in out
    assert not any(char in out for char in "\x1b\x07\u202e\u202c\x7f")


def test_exports_keep_the_values_exact(built, capsys):
    sql = "select title from papers where paper_id = '2512.10006'"
    assert main(["query", sql, "--format", "json", "--data-dir", str(built)]) == 0
    assert json.loads(capsys.readouterr().out) == [{"title": CONTROL_TITLE}]
