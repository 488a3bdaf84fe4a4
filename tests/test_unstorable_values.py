"""One value the lake cannot hold, or no real listing has, is a reject naming its field;
the rest of its file and every other file load (issue 18, case 1 and 3)."""

import json
import shutil
from pathlib import Path

import pytest

from tests.hub_replay import hub_wrapper
from tests.pipeline_helpers import build, query


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
    (raw / "2025-12-10_values.json").write_text(
        json.dumps([good, surrogate, nul, long_abstract, long_name]), encoding="utf-8")
    assert build(data_dir) == 0
    return data_dir


def test_the_good_record_and_every_other_file_load(built):
    titles = {title for (title,) in query(built, "select title from papers")}
    assert "A good paper beside bad ones" in titles
    assert len(titles) == 46 + 1  # the sample page's papers, and the good record


@pytest.mark.parametrize("reason", [
    "title holds '\\ud800' at character 5: a lone surrogate",
    "title holds a NUL character",
    "abstract is 999,999 characters, over the limit of 100,000",
    "author_names[0] is 10,000 characters, over the limit of 2,000",
])
def test_each_bad_value_is_a_reject_naming_its_field(built, reason):
    rows = query(built, "select source_file, line_number, reason from rejects "
                        "where contains(reason, ?)", [reason])
    assert len(rows) == 1, query(built, "select reason from rejects")
    assert rows[0][0] == "2025-12-10_values.json" and rows[0][1] >= 1
