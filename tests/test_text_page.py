from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.raw.dates import MONTHS, looks_like_date_line
from dagster_project.raw.text_page import is_text_page, parse_text_page

SCRAPED = date(2025, 12, 12)
HEADER = ("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
          "byAK and the research community\n\n")
MONTH_NAMES = {number: name for name, number in MONTHS.items()}


def by_title(records):
    return {record["title"]: record for record in records}


def test_sample_page(sample_text):
    page = parse_text_page(sample_text, SCRAPED)
    assert page.page_date == date(2025, 12, 12)
    assert len(page.records) == 46
    assert page.rejects == []
    cards = by_title(page.records)
    seq_jepa = next(r for t, r in cards.items() if t.startswith("seq-JEPA"))
    assert (seq_jepa["published_date"], seq_jepa["authors_count"]) == (date(2025, 5, 6), 3)
    assert seq_jepa["line_number"] == 13
    detr = cards["DETR Doesn't Need Multi-Scale or Locality Design"]
    assert (detr["published_date"], detr["authors_count"]) == (date(2023, 8, 3), 6)
    alphago = cards["AlphaGo Moment for Model Architecture Discovery"]
    assert (alphago["published_date"], alphago["upvotes"]) == (date(2025, 7, 23), 1)
    relational = cards["Relational inductive biases, deep learning, and graph networks"]
    assert (relational["published_date"], relational["authors_count"]) == (date(2018, 6, 4), 27)
    undated = sorted(t for t, r in cards.items() if r["published_date"] is None)
    assert undated == [
        "AI Mother Tongue: Self-Emergent Communication in MARL via Endogenous Symbol Systems",
        "Graph Inductive Biases in Transformers without Message Passing",
        "Transformers Discover Molecular Structure Without Graph Priors",
    ]
    assert all(cards[t]["authors_count"] is None for t in undated)
    assert [r["record_index"] for r in page.records] == list(range(46))


def test_crlf_bom_and_stray_whitespace_are_tolerated(sample_text):
    messy = "\ufeff" + "\r\n".join(line + "  " for line in sample_text.split("\n"))
    assert parse_text_page(messy, SCRAPED).records == parse_text_page(sample_text, SCRAPED).records


def test_scrape_year_decides_yearless_dates(sample_text):
    page = parse_text_page(sample_text, date(2026, 3, 1))
    cards = by_title(page.records)
    # "Nov 24" on a page scraped 2026-03-01 is 2025-11-24; dated cards keep their year.
    efficient = next(r for t, r in cards.items() if t.startswith("Efficient Multi-Hop"))
    assert efficient["published_date"] == date(2025, 11, 24)
    assert cards["DETR Doesn't Need Multi-Scale or Locality Design"]["published_date"] == date(
        2023, 8, 3)


def test_malformed_cards_become_rejects_and_the_rest_loads():
    page_text = HEADER + "Dec 12\n\n" + "\n\n".join([
        "Good paper", "An abstract.", "  • 3 authors\n·\nMay 6",
        "Bad authors", "Abstract two.", "  • many authors\n·\nMay 7",
        "Bad date", "Abstract three.", "  • 2 authors\n·\nFoo 99",
        "Another good one", "Abstract four.",
        "Truncated at the end",
    ])
    page = parse_text_page(page_text, SCRAPED)
    assert [r["title"] for r in page.records] == ["Good paper", "Another good one"]
    reasons = {r.line_number: r.reason for r in page.rejects}
    assert sorted(reasons) == [21, 29, 41]
    assert "authors count" in reasons[21]
    assert "not a date line" in reasons[29]
    assert "truncated" in reasons[41]
    assert page.rejects[0].snippet.startswith("Bad authors")


def test_a_date_after_the_scrape_is_rejected():
    page = parse_text_page(HEADER + "Dec 12\n\nT\n\nA\n\n  • 1 authors\n·\nDec 20, 2025",
                           SCRAPED)
    assert page.records == [] and "after the scrape date" in page.rejects[0].reason


def test_a_page_without_the_header_is_one_reject():
    page = parse_text_page("just some text\n\nmore text", SCRAPED)
    assert page.records == [] and "header" in page.rejects[0].reason
    assert not is_text_page("just some text")


# --- round trip: a page rendered from records parses back to the same records ---

line_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    min_size=1, max_size=40,
).filter(lambda s: not s.startswith(("•", "·")) and not looks_like_date_line(s))


@st.composite
def cards(draw):
    title = draw(line_text)
    words = draw(st.lists(line_text, min_size=1, max_size=8))
    card = {"title": title, "abstract": " ".join(words), "authors_count": None,
            "published_date": None, "upvotes": None}
    if draw(st.booleans()):
        card["authors_count"] = draw(st.integers(1, 500))
        card["published_date"] = draw(st.dates(date(1991, 1, 1), SCRAPED))
        card["upvotes"] = draw(st.none() | st.integers(0, 5000))
    return card


def render_page(records, scraped_on: date, newline: str = "\n") -> str:
    blocks = [HEADER.rstrip("\n"), f"{MONTH_NAMES[scraped_on.month]} {scraped_on.day}"]
    for record in records:
        blocks += [record["title"], record["abstract"]]
        if record["authors_count"] is not None:
            day = record["published_date"]
            shown = f"{MONTH_NAMES[day.month]} {day.day}"
            if day.year != scraped_on.year:
                shown += f", {day.year}"
            if record["upvotes"] is not None:
                shown += f" {record['upvotes']}"
            blocks.append(f"  • {record['authors_count']} authors\n·\n{shown}")
    return (newline * 2).join(blocks).replace("\n", newline)


@settings(max_examples=200, deadline=None)
@given(st.lists(cards(), max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_round_trip(records, newline):
    page = parse_text_page(render_page(records, SCRAPED, newline), SCRAPED)
    parsed = [{k: r[k] for k in ("title", "abstract", "authors_count", "published_date",
                                 "upvotes")} for r in page.records]
    assert page.rejects == []
    assert parsed == [{**r, "title": r["title"].strip(), "abstract": r["abstract"].strip()}
                      for r in records]
