"""Raw formats: detection by content, the exact records each fixture gives, and clear rejects.

The fixtures (tests/fixtures/) are small, hand-written from the documented shapes of the Hub
API responses, the saved Daily Papers / search pages and the arXiv metadata snapshot. The
parsers take text, never a file name, so a lying extension cannot sway detection.
"""

import gzip
import html
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from dagster_project.raw.arxiv_ids import normalize_arxiv_id
from dagster_project.raw.arxiv_snapshot import iter_arxiv_snapshot
from dagster_project.raw.decoding import decode
from dagster_project.raw.formats import FORMATS, parse_raw_text
from dagster_project.raw.listing_record import RECORD_FIELDS
from dagster_project.raw.schema import LISTING_SCHEMA
from dagster_project.raw.tex_names import unicode_text
from dagster_project.raw.text_page import is_text_page, parse_text_page

FIXTURES = Path(__file__).parent / "fixtures"
SCRAPED_AT = datetime(2025, 12, 12, tzinfo=UTC)
UNKNOWN_SHAPE = ("valid JSON but not a Hub API daily_papers/search/paper response or arXiv "
                 "snapshot line: ")
SEQ_JEPA = "seq-JEPA: Autoregressive Predictive Learning of Invariant-Equivariant World Models"


def parse_fixture(name: str):
    return parse_raw_text((FIXTURES / name).read_text(encoding="utf-8"), SCRAPED_AT)


def pick(record: dict, *names: str) -> tuple:
    return tuple(record[name] for name in names)


@pytest.mark.parametrize(("fixture", "detected_as", "source_format"), [
    ("daily_papers.json", "hub_api_json", "hub_api_json"),
    ("search.json", "hub_api_json", "hub_api_json"),
    ("paper.json", "hub_api_json", "hub_api_json"),
    ("daily_papers.jsonl", "hub_api_json", "hub_api_json"),
    ("daily_papers.html", "html_page", "html_page"),
    ("search.html", "html_page", "html_page"),
    ("no_data.html", "html_page", "html_page"),
    ("arxiv_snapshot.jsonl", "arxiv_snapshot", "arxiv_snapshot"),
    # JSON, but of no known shape: the Hub parser says so and claims no format
    ("unknown_shape.json", "hub_api_json", None),
])
def test_detection_is_by_content(fixture, detected_as, source_format):
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert next(f.name for f in FORMATS if f.detect(text)) == detected_as
    assert parse_raw_text(text, SCRAPED_AT).source_format == source_format


def test_the_text_page_is_still_a_text_page(sample_text):
    assert parse_raw_text(sample_text, SCRAPED_AT).source_format == "text_page"


def test_html_is_tried_before_text_page():
    # The saved page's markup holds a bare "Daily Papers" line, which alone would pass for
    # a text scrape's heading: html_page must come first.
    page = (FIXTURES / "daily_papers.html").read_text(encoding="utf-8")
    assert is_text_page(page)
    assert parse_raw_text(page, SCRAPED_AT).source_format == "html_page"


def test_every_record_has_every_field_and_fits_the_schema():
    rows = []
    for fixture in sorted(FIXTURES.iterdir()):
        parsed = parse_fixture(fixture.name)
        for record in parsed.records:
            assert set(record) == set(RECORD_FIELDS)
            rows.append({**record, "source_file": fixture.name, "source_sha256": "0" * 64,
                         "source_format": parsed.source_format, "scraped_at": SCRAPED_AT,
                         "ingested_at": SCRAPED_AT})
    table = pa.Table.from_pylist(rows, schema=LISTING_SCHEMA)
    # … and the scrapers' variants: the arXiv array, the two Python-repr lists, the eras
    assert table.num_rows == 3 + 2 + 1 + 3 + 2 + 2 + 4 + 4 + 3 + 3 + 3
    assert table.column("title").null_count == 0


def test_daily_papers_json():
    parsed = parse_fixture("daily_papers.json")
    assert parsed.rejects == []
    seq_jepa, routing, budgets = parsed.records
    # the paper also on the bundled text page: every field, none left unmapped
    assert seq_jepa == {
        "record_index": 0, "line_number": 2, "page_date": None,
        "title": SEQ_JEPA,
        "abstract": seq_jepa["abstract"],  # compared with the text page's below
        "authors_count": 3,
        "author_names": ["Hafez Ghaemi", "Eilif B. Muller", "Shahab Bakhtiari"],
        "published_date": date(2025, 5, 6), "upvotes": 5, "arxiv_id": "2505.03176",
        "github_url": None, "submitted_on_daily_date": date(2025, 5, 7), "num_comments": None,
        "github_stars": None, "ai_keywords": None, "categories": None,
        "author_affiliations": None, "authors_raw": None,
    }
    # one hidden author: counted, not named; title whitespace folded
    assert pick(routing, "record_index", "line_number", "title", "authors_count",
                "author_names") == (1, 43, "Sparse Latent Routing for Long-Context Retrieval", 4,
                                    ["Ana Ruiz", "Ben Okoro", "Chen Li"])
    assert routing["abstract"] == ("We route each query through a small set of latent experts. "
                                   "Routing is learned end to end and cuts memory by 4x at 1M "
                                   "tokens.")
    assert pick(routing, "published_date", "submitted_on_daily_date", "upvotes", "num_comments",
                "github_url", "github_stars", "ai_keywords") == (
        date(2025, 11, 5), date(2025, 11, 6), 37, 3,
        "https://github.com/example-lab/sparse-latent-routing", 128,
        ["latent experts", "long-context retrieval", "sparse routing"])
    # "2025-12-02T01:30:00+02:00" is Dec 1 in UTC; an empty githubRepo is no URL
    assert pick(budgets, "line_number", "published_date", "upvotes", "num_comments",
                "github_url", "github_stars", "ai_keywords") == (
        106, date(2025, 12, 1), 0, 0, None, None, [])


def test_the_json_record_matches_the_text_card_of_the_same_paper(sample_text):
    card = next(r for r in parse_text_page(sample_text, SCRAPED_AT.date()).records
                if r["title"] == SEQ_JEPA)
    record = next(r for r in parse_fixture("daily_papers.json").records
                  if r["arxiv_id"] == "2505.03176")
    assert pick(record, "title", "abstract", "published_date", "authors_count") == pick(
        card, "title", "abstract", "published_date", "authors_count")


def test_search_json_never_leaks_highlight_markup():
    parsed = parse_fixture("search.json")
    plain, highlighted_only = parsed.records
    assert pick(plain, "title", "abstract", "arxiv_id", "line_number") == (
        "Diffusion Policies for Dexterous Manipulation",
        "Diffusion policies learn multimodal grasps from 50 demonstrations.", "2510.11111", 2)
    assert pick(highlighted_only, "title", "abstract", "authors_count", "author_names",
                "num_comments", "line_number") == (
        "Masked Diffusion Language Models & Beyond",
        "We scale masked diffusion language models to 8B parameters <and> match "
        "autoregressive baselines.", 2, ["Omar Haddad"], 4, 29)
    for record in parsed.records:
        assert "<span" not in record["title"] and "<em>" not in record["title"]
        assert "<em>" not in record["abstract"] and "highlight" not in record["abstract"]
    [reject] = parsed.rejects
    assert (reject.line_number, reject.reason) == (
        51, "malformed paper: no title (paper.title, title or highlightedTitle)")
    assert '"2508.33333"' in reject.snippet


def test_single_paper_json():
    [record] = parse_fixture("paper.json").records
    assert record == {
        "record_index": 0, "line_number": 1, "page_date": None,
        "title": "Tabular Foundation Models Need Better Benchmarks",
        "abstract": "Most tabular benchmarks are saturated. We propose harder splits.",
        "authors_count": 2, "author_names": ["Mira Okafor", "Jonas Lindqvist"],
        "published_date": date(2024, 12, 7), "upvotes": 21, "arxiv_id": "2412.05678",
        "github_url": "https://github.com/example-lab/tabular-bench",
        "submitted_on_daily_date": date(2024, 12, 9), "num_comments": None,
        "github_stars": 310, "ai_keywords": ["tabular foundation models", "benchmarks"],
        "categories": None, "author_affiliations": None, "authors_raw": None,
    }


def test_json_lines_keep_their_line_numbers_and_reject_bad_lines():
    parsed = parse_fixture("daily_papers.jsonl")
    rows = [pick(r, "record_index", "line_number", "arxiv_id", "title") for r in parsed.records]
    assert rows == [
        (0, 1, "2511.07001", "Small Models Can Plan"),
        (1, 2, "2502.00042", "Versioned Ids Are Normalised"),  # was "arXiv:2502.00042v3"
        (3, 5, "2511.07002", "One Line, Two Papers"),  # a whole response on one line
    ]
    assert parsed.records[0]["num_comments"] == 2
    assert pick(parsed.records[2], "authors_count", "author_names") == (None, None)  # []
    assert [(r.line_number, r.reason) for r in parsed.rejects] == [
        (4, "invalid JSON line: Unterminated string starting at (column 41)"),
        (5, "malformed paper: not a JSON object but a number"),
    ]


def test_saved_daily_papers_page_reads_the_data_props_json():
    parsed = parse_fixture("daily_papers.html")
    assert parsed.rejects == []
    qa, routing = parsed.records
    assert qa == {
        "record_index": 0, "line_number": 18, "page_date": None,
        "title": "Q&A Agents With <10% Hallucination",  # HTML-unescaped, not rendered text
        "abstract": 'Retrieval & verification keep "hallucinated" answers under 10%.',
        "authors_count": 2, "author_names": ["Zoë Martin", 'Rahul "Ray" Iyer'],
        "published_date": date(2025, 12, 4), "upvotes": 64, "arxiv_id": "2512.04404",
        "github_url": "https://github.com/example-lab/qa-agents?tab=readme&lang=en",
        "submitted_on_daily_date": date(2025, 12, 5), "num_comments": 7, "github_stars": 512,
        "ai_keywords": ["Q&A", "hallucination"], "categories": None,
        "author_affiliations": None, "authors_raw": None,
    }
    assert pick(routing, "record_index", "line_number", "authors_count", "author_names") == (
        1, 18, 4, ["Ana Ruiz", "Ben Okoro", "Chen Li"])
    assert not any("Rendered card" in r["title"] for r in parsed.records)


def test_saved_search_page():
    parsed = parse_fixture("search.html")
    assert parsed.rejects == []
    assert [pick(r, "title", "arxiv_id", "line_number") for r in parsed.records] == [
        ("Diffusion Policies for Dexterous Manipulation", "2510.11111", 14),
        ("Masked Diffusion Language Models & Beyond", "2509.22222", 14),
    ]


def test_a_page_without_embedded_data_is_one_clear_reject():
    parsed = parse_fixture("no_data.html")
    assert parsed.records == []
    [reject] = parsed.rejects
    assert reject.line_number == 1
    assert reject.reason.startswith("HTML page without the Daily Papers data-props JSON")
    assert "save the page with its scripts/attributes" in reject.reason


def test_broken_data_props_json_is_rejected_at_the_component_line():
    page = ('<!DOCTYPE html>\n<html><body>\n<main>\n'
            '<div data-target="DailyPapers" data-props="{&quot;dailyPapers&quot;: [">\n'
            '</div></main></body></html>\n')
    parsed = parse_raw_text(page, SCRAPED_AT)
    assert parsed.source_format == "html_page"
    [reject] = parsed.rejects
    assert reject.line_number == 4
    assert reject.reason.startswith("data-props of data-target='DailyPapers' is not valid JSON")


def test_unknown_json_shape_is_one_clear_reject():
    parsed = parse_fixture("unknown_shape.json")
    assert (parsed.source_format, parsed.records) == (None, [])
    [reject] = parsed.rejects
    assert reject.line_number == 1
    assert reject.reason == UNKNOWN_SHAPE + "top-level keys models, numItemsPerPage, numTotalItems"


@pytest.mark.parametrize(("text", "described"), [
    ("[1, 2]", "a list whose first element is a number"),
    ('[{"name": "x"}]', "a list of objects, the first with keys name"),
    ('{"a": 1}\n{"b": 2}\n', "top-level keys a"),
])
def test_other_json_shapes_are_described(text, described):
    parsed = parse_raw_text(text, SCRAPED_AT)
    assert parsed.source_format is None
    assert [r.reason for r in parsed.rejects] == [UNKNOWN_SHAPE + described]


@pytest.mark.parametrize("text", ["1", "[]", "{}", "null", "  []\n", '{"status": "success", '
                                  '"date": "2025-12-13", "count": 0, "data": []}'])
def test_a_file_with_no_papers_is_said_to_be_so(text):
    parsed = parse_raw_text(text, SCRAPED_AT)
    assert (parsed.source_format, parsed.records) == (None, [])
    [reject] = parsed.rejects
    assert reject.reason.startswith("no papers: ")


def test_invalid_json_document_is_one_reject_with_its_position():
    broken = (FIXTURES / "daily_papers.json").read_text(encoding="utf-8").replace(
        '"upvotes": 37,', '"upvotes": 37')
    parsed = parse_raw_text(broken, SCRAPED_AT)
    assert parsed.source_format is None and parsed.records == []
    [reject] = parsed.rejects
    assert reject.reason.startswith("not valid JSON: Expecting ',' delimiter at line ")
    assert reject.line_number == int(reject.reason.split("at line ")[1].split(",")[0])


def test_arxiv_snapshot():
    parsed = parse_fixture("arxiv_snapshot.jsonl")
    first, old_style, no_parsed_authors, late_night = parsed.records
    assert first == {
        "record_index": 0, "line_number": 1, "page_date": None,
        "title": "Learning to Route: Sparse Experts for Tabular Data",
        "abstract": "We study sparse experts for tabular data. They route rows, not tokens.",
        "authors_count": 3, "author_names": ["Ana Ruiz", "Ben Okoro", "Chen Li"],
        "published_date": date(2023, 1, 11),  # v1, not the later v2
        "upvotes": None, "arxiv_id": "2301.04567", "github_url": None,
        "submitted_on_daily_date": None, "num_comments": None, "github_stars": None,
        "ai_keywords": None, "categories": ["cs.LG", "stat.ML"],
        "author_affiliations": None, "authors_raw": "Ana Ruiz, Ben Okoro and Chen Li",
    }
    assert pick(old_style, "arxiv_id", "author_names", "authors_count", "published_date",
                "categories", "line_number") == (
        "hep-th/9901001", ["J. Q. Public", "R. Roe Jr"], 2, date(1999, 1, 1), ["hep-th"], 2)
    # no authors_parsed: the authors string split on commas and "and"
    assert pick(no_parsed_authors, "arxiv_id", "author_names", "authors_count") == (
        "math.AG/0601001", ["Ada Lovelace", "Charles Babbage", "Mary Somerville"], 3)
    # "Tue, 3 Dec 2024 23:30:00 -0500" is Dec 4 in UTC; title spaces folded
    assert pick(late_night, "record_index", "line_number", "published_date", "title") == (
        4, 5, date(2024, 12, 4), "Late Night Submissions")
    [reject] = parsed.rejects
    assert (reject.line_number, reject.reason) == (
        4, "invalid JSON line: Expecting ',' delimiter (column 51)")
    assert reject.snippet.startswith('{"id": "2101.00001"')


def test_arxiv_snapshot_streams_and_rejects_malformed_records():
    lines = "\n".join([
        '{"id": "2301.00001", "title": "Fine", "versions": [], "update_date": "2023-01-02"}',
        '{"id": "not an id", "title": "Bad id", "update_date": "2023-01-02"}',
        '{"id": "2301.00002", "title": "  ", "update_date": "2023-01-02"}',
        '{"id": "2301.00003", "title": "Bad date", "versions": [{"version": "v1", '
        '"created": "yesterday"}]}',
        '{"id": "2601.00004", "title": "From the future", "versions": [{"version": "v1", '
        '"created": "Fri, 2 Jan 2026 10:00:00 GMT"}]}',
    ])
    entries = list(iter_arxiv_snapshot(lines, SCRAPED_AT.date()))
    assert entries[0]["title"] == "Fine" and entries[0]["published_date"] is None
    assert [(e.line_number, e.reason) for e in entries[1:]] == [
        (2, "malformed arXiv record: id is not an arXiv identifier: 'not an id'"),
        (3, "malformed arXiv record: no title"),
        (4, "malformed arXiv record: version created time is not an RFC 2822 date: "
            "'yesterday'"),
        (5, "malformed arXiv record: published 2026-01-02 is after the scrape date "
            "2025-12-12"),
    ]


def test_a_json_document_shaped_like_page_props_lists_its_papers():
    text = ('\n{"dailyPapers": [{"paper": {"id": "2511.00001", "title": "From props", '
            '"authors": [{"name": "A", "hidden": true}]}}], "date": "2025-12-05"}')
    parsed = parse_raw_text(text, SCRAPED_AT)
    assert parsed.source_format == "hub_api_json"
    assert [pick(r, "title", "line_number", "authors_count", "author_names")
            for r in parsed.records] == [("From props", 2, 1, [])]


def test_hub_records_published_after_the_scrape_are_rejected():
    text = ('[{"paper": {"id": "2601.00001", "title": "Later", "publishedAt": '
            '"2026-01-05T00:00:00Z"}}, {"paper": {"id": "2511.00001", "title": "Earlier"}}]')
    parsed = parse_raw_text(text, SCRAPED_AT)
    assert [r["title"] for r in parsed.records] == ["Earlier"]
    assert [r.reason for r in parsed.rejects] == [
        "malformed paper: published 2026-01-05 is after the scrape date 2025-12-12"]


@pytest.mark.parametrize(("raw", "normalized"), [
    ("2505.03176", "2505.03176"),
    ("arXiv:2505.03176v2", "2505.03176"),
    ("ARXIV:2505.03176", "2505.03176"),
    ("https://arxiv.org/abs/2505.03176v1", "2505.03176"),
    ("0704.0001", "0704.0001"),
    ("hep-th/9901001v3", "hep-th/9901001"),
    ("math.ag/0601001", "math.AG/0601001"),
    ("not-an-id", None),
    ("2505.031", None),
    (None, None),
    (2505.03176, None),
])
def test_normalize_arxiv_id(raw, normalized):
    assert normalize_arxiv_id(raw) == normalized


def test_hub_api_fields_of_every_era():
    # 2024: no submittedOnDailyAt, mediaUrl as a string, optional fields omitted; 2025:
    # mediaUrls, keywords, a repository; 2026: new keys, and no publishedAt on the paper (the
    # wrapper's is the listing's time, not the paper's). No final newline.
    parsed = parse_fixture("hub_api_eras.json")
    assert (parsed.source_format, parsed.rejects) == ("hub_api_json", [])
    old, recent, newest = parsed.records
    assert pick(old, "title", "abstract", "published_date", "submitted_on_daily_date",
                "num_comments", "ai_keywords", "github_url") == (
        "An Old-Era Paper With a Hard Wrap", "Before 2026 abstracts carry arXiv's hard line "
        "wraps.", date(2024, 3, 1), None, 2, None, None)
    assert pick(recent, "authors_count", "author_names", "submitted_on_daily_date",
                "ai_keywords", "github_stars") == (
        2, ["Bo Two"], date(2025, 5, 5), ["retrieval", "agents"], 41)
    assert pick(newest, "arxiv_id", "published_date", "submitted_on_daily_date") == (
        "2601.03333", None, date(2026, 1, 6))


def test_arxiv_lines_read_alike_with_escapes_or_raw_utf8_and_no_final_newline():
    record = {"id": "1501.00001", "title": "Gr\u00f6bner Bases", "authors": "Zo\u00eb Ng",
              "abstract": "  Two leading spaces.\n", "categories": "math.AC",
              "versions": [{"version": "v1", "created": "Thu, 1 Jan 2015 00:00:00 GMT"}],
              "authors_parsed": [["Ng", "Zo\u00eb", ""]]}
    escaped = json.dumps(record, ensure_ascii=True)
    raw_utf8 = json.dumps(record, ensure_ascii=False)
    assert "\\u00f6" in escaped and "ö" in raw_utf8
    first = parse_raw_text(escaped, SCRAPED_AT).records  # no final newline
    second = parse_raw_text(raw_utf8 + "\n", SCRAPED_AT).records
    assert first == second
    assert pick(first[0], "title", "abstract", "author_names") == (
        "Gröbner Bases", "Two leading spaces.", ["Zoë Ng"])


@pytest.mark.parametrize("tex, unicode", [
    ("Bal\\'azs", "Balázs"), ('M\\"uller', "Müller"), ('Schr\\"odinger', "Schrödinger"),
    ('{\\AA}ngstr\\"om', "Ångström"), ("Erd\\H{o}s", "Erdős"), ("\\v{S}ime\\v{c}ek", "Šimeček"),
    ("Plain Name", "Plain Name"), ("$\\alpha$-Team", "$\\alpha$-Team"),
])
def test_tex_accents_become_unicode(tex, unicode):
    assert unicode_text(tex) == unicode


def test_the_html_island_of_a_real_page_with_a_533_author_card():
    # The DailyPapers island's data-props: dailyPapers beside date, prevDate and nextDate.
    wrapper = json.loads((FIXTURES / "daily_papers.json").read_text(encoding="utf-8"))[0]
    wrapper["paper"]["authors"] = [{"_id": f"{n:024x}", "name": f"Author {n}", "hidden": False}
                                   for n in range(1, 534)]
    props = {"dailyPapers": [wrapper], "date": "2025-12-12", "prevDate": "2025-12-11",
             "nextDate": None}
    page = ("<!doctype html><html><head><title>Daily Papers</title></head><body>"
            f'<div data-target="DailyPapers" data-props="{html.escape(json.dumps(props))}">'
            "</div></body></html>")
    parsed = parse_raw_text(page, SCRAPED_AT)
    assert (parsed.source_format, parsed.rejects) == ("html_page", [])
    [record] = parsed.records
    assert record["authors_count"] == 533 and len(record["author_names"]) == 533
    assert record["author_names"][-1] == "Author 533"


@pytest.mark.parametrize("content, reason", [
    (gzip.compress(b"Daily Papers"), "gzip-compressed: decompress it"),
    (b"PK\x03\x04rest", "a zip archive"),
    ("Daily Papers".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    (b"\x00\x01\x02\x03garbage", "binary file (NUL bytes)"),
])
def test_binary_files_are_named_and_never_published_as_garbage(content, reason):
    undecodable = decode(content)
    assert undecodable.reason.startswith(reason)
    assert undecodable.snippet.startswith("bytes: ")  # hex, not mojibake


def test_a_utf16_page_with_a_byte_order_mark_is_read():
    text = (FIXTURES.parent.parent / "data" / "raw" /
            "2025-12-12_hf-daily-papers-search-page.txt").read_text(encoding="utf-8")
    assert decode(text.encode("utf-16")) == text
    assert parse_raw_text(decode(text.encode("utf-16")), SCRAPED_AT).source_format == \
        "text_page"
