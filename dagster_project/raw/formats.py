"""Raw formats, detected by content (never by file extension), each with its parser.

Detection runs in FORMATS order and the first match parses the file:
1. arxiv_snapshot  JSON lines whose first object has an id and snapshot keys (versions,
                   authors_parsed or update_date);
2. hub_api_json    any other content opening a JSON object or list; valid JSON of an unknown
                   shape, or invalid JSON, becomes one reject with no format;
3. html_page       markup (a page that opens with a tag and has html/head/body/div tags);
                   before text_page, as a page's markup may hold a "Daily Papers" line;
4. text_page       a text scrape with the "Daily Papers" heading among its first blocks.

The lake records which parser version read each file (parser_version): bump a format's
version in PARSER_VERSIONS when its parser would now read some file differently, and
DETECTION_VERSION when detection would; the next build re-parses those files where the raw
file still exists.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from dagster_project.raw.arxiv_snapshot import is_arxiv_snapshot, parse_arxiv_snapshot
from dagster_project.raw.html_page import looks_like_html, parse_html_page
from dagster_project.raw.hub_json import looks_like_json, parse_hub_json
from dagster_project.raw.listing_record import NO_DATA_MARKERS, NO_PAPERS, ParsedListings
from dagster_project.raw.row_rules import RULES_DIGEST
from dagster_project.raw.text_page import Reject, is_text_page, parse_text_page


@dataclass
class ParsedFile:
    source_format: str | None
    records: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass(frozen=True)
class RawFormat:
    name: str
    detect: Callable[[str], bool]
    parse: Callable[[str, datetime], ParsedFile]


def _parse_text_page(text: str, scraped_at: datetime) -> ParsedFile:
    page = parse_text_page(text, scraped_at.date())
    return ParsedFile("text_page", page.records, page.rejects)


def _listings_parser(name: str, parse: Callable[[str, date], ParsedListings]) -> Callable:
    def parse_file(text: str, scraped_at: datetime) -> ParsedFile:
        parsed = parse(text, scraped_at.date())
        found = (parsed.source_format or name) if parsed.format_recognised else None
        return ParsedFile(found, parsed.records, parsed.rejects)

    return parse_file


FORMATS = (
    RawFormat("arxiv_snapshot", is_arxiv_snapshot,
              _listings_parser("arxiv_snapshot", parse_arxiv_snapshot)),
    RawFormat("hub_api_json", looks_like_json, _listings_parser("hub_api_json", parse_hub_json)),
    RawFormat("html_page", looks_like_html, _listings_parser("html_page", parse_html_page)),
    RawFormat("text_page", is_text_page, _parse_text_page),
)


# 2: arXiv snapshots wrapped as JSON arrays, Python-repr lists, no-data markers, UTF-16
# pages with a byte-order mark read (and gzip, zip, PNG, PDF named as such).
# arxiv_snapshot 2: TeX names decoded, affiliations, the authors string kept.
# hub_api_json 2: published_date never from the wrapper's publishedAt.
# 3: every record checked before the lake (raw/storable.py): a value the lake cannot hold, an
# oversized field or a value outside a row rule is a reject; a lake holding one re-reads its
# files.
DETECTION_VERSION = 3
PARSER_VERSIONS = {"arxiv_snapshot": 2, "hub_api_json": 2, "hub_api_repr": 1, "html_page": 1,
                   "text_page": 1}


def parser_version(source_format: str | None) -> str:
    """e.g. "text_page/1+rules/0a1b2c3d+detect/3": the parser, the row rules its records were
    held to (raw/row_rules.py) and the detection; a file no parser could read has only the
    detection's."""
    parser = (f"{source_format}/{PARSER_VERSIONS[source_format]}+rules/{RULES_DIGEST}+"
              if source_format else "")
    return f"{parser}detect/{DETECTION_VERSION}"


def parse_raw_text(text: str, scraped_at: datetime) -> ParsedFile:
    marker = text.strip().removeprefix("\ufeff")
    if marker in NO_DATA_MARKERS:
        return ParsedFile(None, rejects=[Reject(1, f"{NO_PAPERS}: the file holds only "
                                                f"{marker!r}, a scraper's mark for a day "
                                                "without papers", marker)])
    for raw_format in FORMATS:
        if raw_format.detect(text):
            return raw_format.parse(text, scraped_at)
    known = ", ".join(f.name for f in FORMATS)
    return ParsedFile(
        None,
        rejects=[Reject(1, f"unrecognised format: not one of {known}", text.lstrip()[:200])],
    )
