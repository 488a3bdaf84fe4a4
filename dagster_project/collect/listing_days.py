"""Listing days: which days to collect, and which are recent enough to fetch again."""

from datetime import UTC, date, datetime, timedelta

FIRST_DAY = date(2023, 5, 4)  # the first Daily Papers day, as far as we know
# Today and the 14 days before it: upvotes keep moving for one to two weeks after a paper
# is listed, so these days are fetched again on every run.
RECENT_DAYS = 15


def utc_today() -> date:
    return datetime.now(UTC).date()


def recent_days(today: date) -> tuple[date, date]:
    """The default window: today and the RECENT_DAYS - 1 days before it."""
    return today - timedelta(days=RECENT_DAYS - 1), today


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
