"""A Hugging Face Hub paper object, as the Hub API and its pages carry it, into a listing record.

Two shapes hold a paper:
- a wrapper, as /api/daily_papers and /api/papers/search list them and the Daily Papers page
  embeds them: {paper: {id, title, summary, authors, publishedAt, upvotes, ...},
  title, summary, numComments, ...}; search results add highlightedTitle/highlightedSummary,
  which carry match markup;
- the paper object itself, as /api/papers/{id} returns it.

A field is read from the paper first, then the wrapper. The plain title and summary always win
over the highlighted ones; a highlighted one is used, stripped of its markup, only when it is
all there is. Hidden authors count towards authors_count but are not named.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from dagster_project.raw.arxiv_ids import normalize_arxiv_id
from dagster_project.raw.listing_record import (
    ParsedListings,
    check_published,
    clean_text,
    count,
    new_record,
    snippet,
)
from dagster_project.raw.text_page import Reject

# The lists of wrappers a page component (or a JSON document shaped like one) holds.
# Where a container object lists its wrappers: a page component's props, or a scraper's
# {"status", "date", "count", "data": [...]} envelope.
PAPER_LIST_KEYS = ("dailyPapers", "searchResults", "data")
PAPER_SIGNS = ("id", "summary", "authors", "publishedAt", "upvotes")


@dataclass(frozen=True)
class Item:
    """One JSON value that should be a paper, and where it sits in the raw file."""

    line_number: int
    value: object
    snippet: str | None = None  # the raw text, when known; else the value is re-serialised


def is_hub_paper(value: object) -> bool:
    """A wrapper ({paper: {...}}) or a paper object (a title and an id, summary, authors…)."""
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("paper"), dict):
        return True
    has_title = "title" in value or "highlightedTitle" in value
    return has_title and any(sign in value for sign in PAPER_SIGNS)


def paper_list(value: object) -> list | None:
    """The wrappers a container object lists under one of PAPER_LIST_KEYS, if any."""
    if isinstance(value, dict):
        for key in PAPER_LIST_KEYS:
            if isinstance(value.get(key), list):
                return value[key]
    return None


def listings_from_items(entries: Iterable[Item | Reject], scraped_on: date) -> ParsedListings:
    """Records for the items that are papers, rejects for the rest; record_index = position."""
    parsed = ParsedListings()
    for index, entry in enumerate(entries):
        if isinstance(entry, Reject):  # a value that could not even be read; it keeps its slot
            parsed.rejects.append(entry)
            continue
        try:
            record = hub_record(entry.value, scraped_on)
        except ValueError as problem:
            parsed.rejects.append(Reject(entry.line_number, f"malformed paper: {problem}",
                                         snippet(entry.snippet or _dumps(entry.value))))
        else:
            record.update(record_index=index, line_number=entry.line_number)
            parsed.records.append(record)
    return parsed


def hub_record(value: object, scraped_on: date) -> dict:
    """The listing record for one wrapper or paper object; raises ValueError if malformed."""
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object but {json_kind(value)}")
    if not is_hub_paper(value):
        raise ValueError(f"not a Hub API paper or wrapper: keys {describe_keys(value)}")
    paper = value["paper"] if isinstance(value.get("paper"), dict) else value
    wrapper = value if paper is not value else {}

    def pick(key: str) -> object:
        found = paper.get(key)
        return found if found is not None else wrapper.get(key)

    title = clean_text(pick("title"), "title") or _unmarked(pick("highlightedTitle"),
                                                            "highlightedTitle")
    if not title:
        raise ValueError("no title (paper.title, title or highlightedTitle)")
    abstract = clean_text(pick("summary"), "summary") or _unmarked(pick("highlightedSummary"),
                                                                   "highlightedSummary")
    authors_count, author_names = _authors(pick("authors"))
    # The paper's own date only: a wrapper's publishedAt is when the listing was posted.
    published = _utc_date(paper.get("publishedAt"), "publishedAt")
    check_published(published, scraped_on)
    return new_record(
        title=title,
        abstract=abstract,
        authors_count=authors_count,
        author_names=author_names,
        published_date=published,
        upvotes=count(pick("upvotes"), "upvotes"),
        arxiv_id=normalize_arxiv_id(paper.get("id")),
        github_url=clean_text(pick("githubRepo"), "githubRepo"),
        submitted_on_daily_date=_utc_date(pick("submittedOnDailyAt"), "submittedOnDailyAt"),
        num_comments=count(pick("numComments"), "numComments"),
        github_stars=count(pick("githubStars"), "githubStars"),
        ai_keywords=_keywords(pick("ai_keywords")),
    )


def strip_markup(fragment: str) -> str:
    """The text of an HTML fragment: "<em>Diffusion</em> &amp; co" → "Diffusion & co"."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


def json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


def describe_keys(value: dict, limit: int = 12) -> str:
    keys = sorted(map(str, value))
    shown = ", ".join(keys[:limit])
    return (shown + f", … ({len(keys)} keys)") if len(keys) > limit else (shown or "(none)")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _unmarked(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a string: {value!r:.80}")
    return clean_text(strip_markup(value), name)


def _authors(authors: object) -> tuple[int | None, list[str] | None]:
    if authors is None or authors == []:
        return None, None
    if not isinstance(authors, list):
        raise ValueError(f"authors is not a list: {authors!r:.80}")
    names = []
    for position, author in enumerate(authors):
        if isinstance(author, str):
            name, hidden = author, False
        elif isinstance(author, dict):
            name, hidden = author.get("name"), bool(author.get("hidden"))
        else:
            raise ValueError(f"authors[{position}] is not an object: {author!r:.80}")
        if not hidden and isinstance(name, str) and (cleaned := clean_text(name, "name")):
            names.append(cleaned)
    return len(authors), names


def _utc_date(value: object, name: str) -> date | None:
    """The UTC calendar date of an ISO 8601 time ("2025-05-06T01:16:02.000Z" → 2025-05-06)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} is not an ISO 8601 time: {value!r:.80}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 time: {value!r:.80}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _keywords(value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(keyword, str) for keyword in value):
        raise ValueError(f"ai_keywords is not a list of strings: {value!r:.80}")
    return [cleaned for keyword in value if (cleaned := clean_text(keyword, "ai_keywords"))]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
