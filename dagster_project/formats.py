"""Raw formats, detected by content (never by file extension), each with its parser."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from dagster_project.text_page import Reject, is_text_page, parse_text_page


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


FORMATS = (RawFormat("text_page", is_text_page, _parse_text_page),)


def parse_raw_text(text: str, scraped_at: datetime) -> ParsedFile:
    for raw_format in FORMATS:
        if raw_format.detect(text):
            return raw_format.parse(text, scraped_at)
    known = ", ".join(f.name for f in FORMATS)
    return ParsedFile(
        None,
        rejects=[Reject(1, f"unrecognised format: not one of {known}", text.lstrip()[:200])],
    )
