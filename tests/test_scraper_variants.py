"""Files other people's scrapers saved, through the real pipeline (fixtures written by hand
from design.md's "Real files are messier than the documentation"):

- the arXiv snapshot re-wrapped as a JSON array, one record a line;
- a JSON list of Python repr() strings of Hub wrappers, and the same inside a
  {"status", "date", "count", "data"} envelope with one item that is not a dict;
- the no-data markers a scraper saves for a day without papers.
"""

import json
import shutil
from pathlib import Path

import pytest

from dagster_project.raw.listing_record import NO_DATA_MARKERS
from tests.pipeline_helpers import build, query

pytestmark = pytest.mark.usefixtures("dagster_home")

FIXTURES = Path(__file__).parent / "fixtures"
HUB_UPVOTES = {"2505.03176": 5, "2511.04217": 37, "2512.01988": 0}
MARKERS = ("1", "[]", "{}", "null")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("scraper_variants") / "data"
    raw = data_dir / "raw"
    raw.mkdir(parents=True)
    shutil.copy(FIXTURES / "arxiv_snapshot_array.json", raw / "2025-12-13_arxiv_array.json")
    shutil.copy(FIXTURES / "hub_repr_list.json", raw / "2025-12-13_repr_list.json")
    shutil.copy(FIXTURES / "hub_repr_envelope.json", raw / "2025-12-14_repr_envelope.json")
    for number, marker in enumerate(MARKERS):
        (raw / f"2025-12-15_empty_{number}.json").write_text(marker + "\n", encoding="utf-8")
    assert build(data_dir) == 0  # published: every dbt test and GX suite passed
    return data_dir


def test_an_arxiv_snapshot_as_a_json_array_loads_every_record(built):
    lines = (FIXTURES / "arxiv_snapshot_array.json").read_text(encoding="utf-8").splitlines()
    ids = {json.loads(line.strip("[],"))["id"] for line in lines}
    loaded = query(built, "select p.arxiv_id, s.source_format from paper_sightings s "
                          "join papers p using (paper_id) "
                          "where s.source_file = '2025-12-13_arxiv_array.json'")
    assert {source_format for _, source_format in loaded} == {"arxiv_snapshot"}
    assert len(loaded) == len(ids) == 4
    assert query(built, "select count(*) from rejects "
                        "where source_file = '2025-12-13_arxiv_array.json'") == [(0,)]


@pytest.mark.parametrize("source_file", ["2025-12-13_repr_list.json",
                                         "2025-12-14_repr_envelope.json"])
def test_python_repr_items_load_with_their_upvotes(built, source_file):
    loaded = query(built, "select p.arxiv_id, s.upvotes, s.source_format "
                          "from paper_sightings s join papers p using (paper_id) "
                          "where s.source_file = ?", [source_file])
    assert {arxiv_id: upvotes for arxiv_id, upvotes, _ in loaded} == HUB_UPVOTES
    assert {source_format for *_, source_format in loaded} == {"hub_api_repr"}


def test_an_item_that_is_not_a_dict_is_rejected_by_its_index(built):
    assert query(built, "select reason from rejects "
                        "where source_file = '2025-12-14_repr_envelope.json'") == [
        ("item 3 is a string but not the repr() of a Python dict",)]


def test_each_no_data_marker_is_a_file_with_no_papers(built):
    rows = query(built, "select source_file, reason, snippet from rejects "
                        "where source_file like '2025-12-15_empty_%' order by source_file")
    assert [snippet for *_, snippet in rows] == list(MARKERS)
    assert all(reason.startswith("no papers: the file holds only") for _, reason, _ in rows)
    assert query(built, "select count(*) from paper_sightings "
                        "where source_file like '2025-12-15_empty_%'") == [(0,)]
    assert set(MARKERS) <= NO_DATA_MARKERS


def test_papers_come_once_each(built):
    assert query(built, "select count(*) from papers") == [(4 + len(HUB_UPVOTES),)]
