"""One listing record as a parser hands it to ingest, and the checks every parser shares.

A record carries every LISTING_SCHEMA field except the provenance columns, which ingest adds.
The helpers raise ValueError with a readable reason; parsers turn that into a reject.
"""

from dataclasses import dataclass, field
from datetime import date

from dagster_project.raw.schema import LISTING_SCHEMA, PROVENANCE_COLUMNS
from dagster_project.raw.text_page import Reject

RECORD_FIELDS = tuple(name for name in LISTING_SCHEMA.names if name not in PROVENANCE_COLUMNS)
INT32_MAX = 2**31 - 1
SNIPPET_CHARS = 200

_EMPTY_RECORD = dict.fromkeys(RECORD_FIELDS)

# What scrapers that found nothing save instead of a page: a file with no papers, not a
# malformed one. Its one reject's reason starts with NO_PAPERS; ingest counts it apart.
NO_DATA_MARKERS = {"1", "0", "[]", "{}", "null", "true", "false", '""'}
NO_PAPERS = "no papers"


@dataclass
class ParsedListings:
    records: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # False when the content turned out not to be this format at all (a reject says why).
    format_recognised: bool = True
    # A variant the parser recognised (e.g. hub_api_repr), recorded instead of its own name.
    source_format: str | None = None


def new_record(**fields: object) -> dict:
    """A record with every field present; the ones not given are null."""
    unknown = fields.keys() - _EMPTY_RECORD.keys()
    if unknown:
        raise TypeError(f"not listing fields: {sorted(unknown)}")
    return {**_EMPTY_RECORD, **fields}


def clean_text(value: object, name: str) -> str | None:
    """Whitespace runs (newlines included) folded to one space; empty becomes null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a string: {value!r:.80}")
    return " ".join(value.split()) or None


def count(value: object, name: str) -> int | None:
    """A non-negative integer that fits the schema's int32, or null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT32_MAX:
        raise ValueError(f"{name} is not a non-negative integer: {value!r:.80}")
    return value


def check_published(published: date | None, scraped_on: date) -> None:
    if published is not None and published > scraped_on:
        raise ValueError(f"published {published} is after the scrape date {scraped_on}")


def snippet(text: str) -> str:
    return text[:SNIPPET_CHARS]
