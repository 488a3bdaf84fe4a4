"""The whole pipeline over every raw format at once: the bundled sample text page plus the
Hub API JSON, HTML and arXiv snapshot fixtures, and two files no parser can read.

One paper, one row: seq-JEPA is a title-only card on the sample page (scraped 2025-12-12)
and a Hub API record with its arXiv id and three named authors (scraped 2025-12-13). The
tidy tables name authors, keywords and categories where a source does; the unreadable files
are rejects with their reasons; and the build publishes, so every dbt test and Great
Expectations check passed.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.pipeline_helpers import build, query, scalar

pytestmark = pytest.mark.usefixtures("dagster_home")

FIXTURES = Path(__file__).parent / "fixtures"
# Raw name → fixture; the leading ISO date is the scrape date (published dates are earlier).
RAW_FILES = {
    "2025-12-13_daily_papers.json": "daily_papers.json",
    "2025-12-13_search.json": "search.json",
    "2025-12-13_paper.json": "paper.json",
    "2025-12-13_daily_papers.html": "daily_papers.html",
    "2025-12-13_arxiv_snapshot.jsonl": "arxiv_snapshot.jsonl",
    "2025-12-13_no_data.html": "no_data.html",
    "2025-12-13_unknown_shape.json": "unknown_shape.json",
}
SEQ_JEPA = "2505.03176"
SEQ_JEPA_AUTHORS = ["Hafez Ghaemi", "Eilif B. Muller", "Shahab Bakhtiari"]
SPARSE_ROUTING = "2511.04217"  # 4 authors on the Hub, one of them hidden


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("formats_pipeline") / "data"
    raw = data_dir / "raw"
    shutil.copytree(sample_dir, raw)
    for name, fixture in RAW_FILES.items():
        shutil.copy(FIXTURES / fixture, raw / name)
    assert build(data_dir) == 0  # published: every dbt test and blocking GX check passed
    return data_dir


def test_a_text_card_and_a_json_record_are_one_paper(built):
    rows = query(built, "select paper_id, arxiv_id, authors_count, authors, published_date, "
                        "upvotes, sightings, listing_rows from papers where title like 'seq-JEPA%'")

    assert rows == [(SEQ_JEPA, SEQ_JEPA, 3, ", ".join(SEQ_JEPA_AUTHORS), date(2025, 5, 6),
                     5, 2, 2)]
    sightings = query(built, "select cast(scraped_at as date), source_format, upvotes "
                             "from paper_sightings where paper_id = ? order by scraped_at",
                      [SEQ_JEPA])
    assert sightings == [(date(2025, 12, 12), "text_page", None),
                         (date(2025, 12, 13), "hub_api_json", 5)]


def test_every_format_adds_its_papers_once(built):
    by_format = dict(query(built, """
        select source_format, count(distinct paper_id) from paper_sightings group by all"""))

    # The HTML page and the JSON file of Dec 13 are one scrape: a paper on both is one
    # sighting (kept from the JSON file), with two listing rows.
    assert by_format == {"text_page": 46, "hub_api_json": 6, "html_page": 1,
                         "arxiv_snapshot": 4}
    assert query(built, "select sightings, listing_rows from papers where paper_id = ?",
                 [SPARSE_ROUTING]) == [(1, 2)]
    # 46 sample cards; seq-JEPA (text and JSON) is one paper.
    assert scalar(built, "select count(*) from papers") == 46 + 6 - 1 + 1 + 4


def test_paper_authors_hold_the_names_in_listed_order(built):
    names = query(built, "select position, author_name from paper_authors where paper_id = ? "
                         "order by position", [SEQ_JEPA])

    assert names == list(enumerate(SEQ_JEPA_AUTHORS, 1))
    # Text cards only show a count: the sample's other papers have no names.
    named = {paper_id for (paper_id,) in query(built, "select distinct paper_id from "
                                                      "paper_authors")}
    seen_with_names = {paper_id for (paper_id,) in query(
        built, "select distinct paper_id from paper_sightings where source_format != 'text_page'")}
    assert named == seen_with_names  # the 11 papers of the JSON, HTML and snapshot files
    assert len(named) == 6 + 1 + 4


def test_a_hidden_author_is_counted_but_not_named(built):
    assert scalar(built, "select authors_count from papers where paper_id = ?",
                  [SPARSE_ROUTING]) == 4
    assert query(built, "select position, author_name from paper_authors where paper_id = ? "
                        "order by position", [SPARSE_ROUTING]) == [
        (1, "Ana Ruiz"), (2, "Ben Okoro"), (3, "Chen Li")]
    masked = query(built, "select p.authors_count, count(a.position) from papers p "
                          "left join paper_authors a using (paper_id) "
                          "where p.title like 'Masked Diffusion%' group by all")
    assert masked == [(2, 1)]


def test_authors_count_their_papers_across_formats(built):
    authors = {name: rest for name, *rest in query(
        built, "select author_name, papers, first_paper_date, last_paper_date from authors")}

    for name in SEQ_JEPA_AUTHORS:
        assert authors[name] == [1, date(2025, 5, 6), date(2025, 5, 6)]
    # Hub API (2025-11-05) and arXiv snapshot (2023-01-11) papers of the same names.
    assert authors["Ana Ruiz"] == [2, date(2023, 1, 11), date(2025, 11, 5)]
    assert authors["Tomás Ortega"] == [2, date(2024, 12, 4), date(2025, 12, 1)]
    assert scalar(built, "select count(*) from authors") == scalar(
        built, "select count(distinct author_name) from paper_authors")


def test_keywords_from_the_hub(built):
    keywords = query(built, "select paper_id, keyword from paper_keywords "
                            "order by paper_id, keyword")

    assert keywords == [
        ("2412.05678", "benchmarks"), ("2412.05678", "tabular foundation models"),
        ("2510.11111", "dexterous manipulation"), ("2510.11111", "diffusion policy"),
        (SPARSE_ROUTING, "latent experts"), (SPARSE_ROUTING, "long-context retrieval"),
        (SPARSE_ROUTING, "sparse routing"),
        ("2512.04404", "Q&A"), ("2512.04404", "hallucination"),
    ]


def test_categories_from_the_arxiv_snapshot_primary_first(built):
    categories = query(built, "select paper_id, position, category, is_primary "
                              "from paper_categories order by paper_id, position")

    assert categories == [
        ("2301.04567", 1, "cs.LG", True), ("2301.04567", 2, "stat.ML", False),
        ("2412.01234", 1, "cs.CL", True), ("2412.01234", 2, "cs.AI", False),
        ("hep-th/9901001", 1, "hep-th", True),
        ("math.AG/0601001", 1, "math.AG", True), ("math.AG/0601001", 2, "math.CO", False),
    ]
    # Old-style ids keep their subject class in upper case, as arXiv prints them.
    assert scalar(built, "select title from papers where arxiv_id = 'math.AG/0601001'") == (
        "Counting Curves on Engines")


def test_unreadable_files_are_rejects_with_their_reasons(built):
    reasons = dict(query(built, "select source_file, reason from rejects "
                                "where source_file in (?, ?)",
                         ["2025-12-13_no_data.html", "2025-12-13_unknown_shape.json"]))

    assert "without the Daily Papers data-props JSON" in reasons["2025-12-13_no_data.html"]
    assert "not a Hub API" in reasons["2025-12-13_unknown_shape.json"]
    # Bad records inside good files are rejects too; their good neighbours still load.
    assert query(built, "select source_file, line_number from rejects "
                        "where source_file not in (?, ?) order by source_file",
                 ["2025-12-13_no_data.html", "2025-12-13_unknown_shape.json"]) == [
        ("2025-12-13_arxiv_snapshot.jsonl", 4), ("2025-12-13_search.json", 51)]


def test_the_new_tables_are_published_and_checked(built):
    tables = {name for (name,) in query(
        built, "select table_name from information_schema.tables where table_schema = 'main'")}

    assert {"paper_authors", "authors", "paper_keywords", "paper_categories"} <= tables
    pages = {page.name for page in (built / "quality" / "validations").rglob("*.html")}
    assert {"warehouse-paper_authors.html", "warehouse-authors.html"} <= pages
