from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dagster_project.raw.dates import parse_date_line, resolve_yearless

SCRAPED = date(2025, 12, 12)


@pytest.mark.parametrize(
    ("line", "published", "upvotes"),
    [
        ("May 6", date(2025, 5, 6), None),
        ("Aug 3, 2023", date(2023, 8, 3), None),
        ("Apr 17 4", date(2025, 4, 17), 4),
        ("Jun 4, 2018 27", date(2018, 6, 4), 27),
        ("Dec 12", date(2025, 12, 12), None),
        ("Dec 13", date(2024, 12, 13), None),  # after the scrape date: last year's
    ],
)
def test_date_lines(line, published, upvotes):
    parsed = parse_date_line(line, SCRAPED)
    assert (parsed.published, parsed.upvotes) == (published, upvotes)


@pytest.mark.parametrize("line", ["Foo 3", "May", "Feb 30, 2024", "May 6, 23", "6 May"])
def test_bad_date_lines_raise(line):
    with pytest.raises(ValueError):
        parse_date_line(line, SCRAPED)


def test_feb_29_looks_back_to_a_leap_year():
    assert resolve_yearless(2, 29, date(2025, 12, 12)) == date(2024, 2, 29)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_yearless_is_the_latest_on_or_before_the_scrape(day, scraped):
    resolved = resolve_yearless(day.month, day.day, scraped)
    assert (resolved.month, resolved.day) == (day.month, day.day)
    assert resolved <= scraped
    next_year = resolved.replace(year=resolved.year + 4 if (day.month, day.day) == (2, 29)
                                 else resolved.year + 1)
    assert next_year > scraped
