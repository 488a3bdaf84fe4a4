"""Dates as Daily Papers prints them: "May 6", "Aug 3, 2023", each maybe followed by votes.

The page prints a year only when it differs from the scrape's year, so a yearless date
means the latest such month/day on or before the scrape date.
"""

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}

DATE_LINE = re.compile(
    r"^(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<votes>\d+))?$"
)


@dataclass(frozen=True)
class DateLine:
    published: date
    upvotes: int | None


def looks_like_date_line(line: str) -> bool:
    return DATE_LINE.match(line) is not None


def parse_date_line(line: str, scraped_on: date) -> DateLine:
    """Parse one date line; raises ValueError with a readable reason."""
    match = DATE_LINE.match(line)
    if match is None or match["month"] not in MONTHS:
        raise ValueError(f"not a date line (expected 'Mon D' or 'Mon D, YYYY'): {line!r}")
    month, day = MONTHS[match["month"]], int(match["day"])
    if match["year"]:
        published = date(int(match["year"]), month, day)  # ValueError on Feb 30 etc.
    else:
        published = resolve_yearless(month, day, scraped_on)
    votes = int(match["votes"]) if match["votes"] else None
    return DateLine(published, votes)


def resolve_yearless(month: int, day: int, scraped_on: date) -> date:
    """The latest month/day on or before the scrape date (Feb 29 looks back to a leap year)."""
    for year in range(scraped_on.year, scraped_on.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= scraped_on:
            return candidate
    raise ValueError(f"no valid date for month {month} day {day}")
