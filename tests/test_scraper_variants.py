"""Files other people's scrapers saved, through the real pipeline (fixtures written by hand
from design.md's "Real files are messier than the documentation"):

- the arXiv snapshot re-wrapped as a JSON array, one record a line;
- a JSON list of Python repr() strings of Hub wrappers, and the same inside a
  {"status", "date", "count", "data"} envelope with one item that is not a dict;
- the no-data markers a scraper saves for a day without papers;
- arXiv author names in TeX, with affiliations, beside a Hub record naming the same person;
- two scrapes of one day, told apart by their sidecars' times;
- Hub API responses of three eras (fields that come and go, no final newline).
"""

import json
import shutil
from pathlib import Path

import pytest

from dagster_project.lake import catalog
from dagster_project.raw.listing_record import NO_DATA_MARKERS
from tests.pipeline_helpers import build, query

pytestmark = pytest.mark.usefixtures("dagster_home")

FIXTURES = Path(__file__).parent / "fixtures"
HUB_UPVOTES = {"2505.03176": 5, "2511.04217": 37, "2512.01988": 0}
MARKERS = ("1", "[]", "{}", "null")
# The same person as the arXiv snapshot types her (TeX) and as the Hub lists her (Unicode).
TEX_RECORD = {
    "id": "2406.01234", "submitter": "Balazs Szegedy",
    "authors": "Bal\\'azs Szegedy, Eilif B. M\\\"uller and Erwin Schr\\\"odinger",
    "title": "Graph Limits\n  and $\\mathbb{R}^n$ Flows", "comments": None, "journal-ref": None,
    "doi": None, "report-no": None, "categories": "math.CO cs.LG", "license": None,
    "abstract": "  We study limits.\n  Of graphs.  ",
    "versions": [{"version": "v1", "created": "Mon, 3 Jun 2024 10:00:00 GMT"}],
    "update_date": "2024-06-04",
    "authors_parsed": [["Szegedy", "Bal\\'azs", "", "R\\'enyi Institute"],
                       ["M\\\"uller", "Eilif B.", ""],
                       ["Schr\\\"odinger", "Erwin", ""]],
}
HUB_PAPER = {"paper": {"id": "2406.09999", "title": "Another Graph Paper",
                       "summary": "An abstract.", "publishedAt": "2024-06-10T00:00:00.000Z",
                       "authors": [{"name": "Balázs Szegedy", "hidden": False}],
                       "upvotes": 3},
             "title": "Another Graph Paper", "numComments": 0}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("scraper_variants") / "data"
    raw = data_dir / "raw"
    raw.mkdir(parents=True)
    shutil.copy(FIXTURES / "arxiv_snapshot_array.json", raw / "2025-12-13_arxiv_array.json")
    shutil.copy(FIXTURES / "hub_repr_list.json", raw / "2025-12-13_repr_list.json")
    shutil.copy(FIXTURES / "hub_repr_envelope.json", raw / "2025-12-14_repr_envelope.json")
    shutil.copy(FIXTURES / "hub_api_eras.json", raw / "2026-01-07_hub_eras.json")
    for number, marker in enumerate(MARKERS):
        (raw / f"2025-12-15_empty_{number}.json").write_text(marker + "\n", encoding="utf-8")
    (raw / "2025-12-16_arxiv_tex.jsonl").write_text(json.dumps(TEX_RECORD) + "\n",
                                                     encoding="utf-8")
    # Two scrapes of one day: the evening one (more votes) is the later, by its sidecar.
    for name, scraped_at, upvotes in (("evening", "2025-12-16T18:00:00Z", 8),
                                      ("morning", "2025-12-16T09:00:00Z", 3)):
        page = raw / f"2025-12-16_{name}.json"
        paper = {**HUB_PAPER, "paper": {**HUB_PAPER["paper"], "upvotes": upvotes}}
        page.write_text(json.dumps([paper]), encoding="utf-8")
        (raw / f"{page.name}.meta.json").write_text(json.dumps({"scraped_at": scraped_at}),
                                                     encoding="utf-8")
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


def test_tex_names_are_unicode_and_meet_the_hub_spelling(built):
    assert query(built, "select authors from papers where arxiv_id = '2406.01234'") == [
        ("Balázs Szegedy, Eilif B. Müller, Erwin Schrödinger",)]
    assert query(built, "select papers from authors where author_name = 'Balázs Szegedy'"
                 ) == [(2,)]  # the arXiv paper and the Hub's


def test_affiliations_come_from_authors_parsed(built):
    assert query(built, "select position, author_name, affiliation from paper_authors "
                        "join papers using (paper_id) where arxiv_id = '2406.01234' "
                        "order by position") == [
        (1, "Balázs Szegedy", "Rényi Institute"), (2, "Eilif B. Müller", None),
        (3, "Erwin Schrödinger", None)]
    assert query(built, "select count(affiliation) from paper_authors "
                        "join papers using (paper_id) where arxiv_id <> '2406.01234'"
                 ) == [(0,)]


def test_the_raw_authors_string_stays_in_the_lake(built):
    with catalog.connect(built / "lake", read_only=True) as lake:
        assert lake.execute("select authors_raw from lake.listings "
                            "where arxiv_id = '2406.01234'").fetchall() == [
            (TEX_RECORD["authors"],)]


def test_title_and_abstract_are_folded_and_math_stays(built):
    assert query(built, "select title, abstract from papers where arxiv_id = '2406.01234'"
                 ) == [("Graph Limits and $\\mathbb{R}^n$ Flows", "We study limits. Of graphs.")]


def test_the_later_scrape_of_a_day_gives_the_upvotes(built):
    assert query(built, "select upvotes, sightings from papers "
                        "where arxiv_id = '2406.09999'") == [(8, 2)]


def test_hub_api_responses_of_every_era_load(built):
    assert query(built, "select arxiv_id, published_date::varchar, submitted_on_daily_date::varchar"
                        " from papers where arxiv_id in ('2403.01111', '2505.02222', "
                        "'2601.03333') order by 1") == [
        ("2403.01111", "2024-03-01", None), ("2505.02222", "2025-05-02", "2025-05-05"),
        ("2601.03333", None, "2026-01-06")]


def test_papers_come_once_each(built):
    assert query(built, "select count(*) from papers") == [(4 + len(HUB_UPVOTES) + 2 + 3,)]
