"""Parse a text scrape of a Daily Papers page: text in, records and rejects out.

A page is blank-line separated blocks: a header ending in the page date ("Dec 12"), then
cards of title, abstract and an optional meta block ("  • 3 authors" / "·" / date line).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from dagster_project.raw.dates import looks_like_date_line, parse_date_line

HEADER_MARKER = "Daily Papers"
HEADER_MAX_BLOCKS = 8
AUTHORS_LINE = re.compile(r"^•\s*(?P<count>\S+)\s+authors?$")
META_SEPARATOR = "·"
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Block:
    line_number: int  # 1-based line of the block's first line
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Reject:
    line_number: int | None
    reason: str
    snippet: str


@dataclass
class PageParse:
    page_date: date | None
    records: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """Tolerate a BOM, CRLF / CR line ends and trailing whitespace."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_blocks(text: str) -> Iterator[Block]:
    lines: list[str] = []
    start = 0
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip()
        if line:
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield Block(start, tuple(lines))
            lines = []
    if lines:
        yield Block(start, tuple(lines))


def is_text_page(text: str) -> bool:
    """A Daily Papers text scrape has the "Daily Papers" heading among its first blocks."""
    for index, block in enumerate(split_blocks(normalize_text(text[:4096]))):
        if index >= HEADER_MAX_BLOCKS:
            return False
        if HEADER_MARKER in block.lines:
            return True
    return False


def is_meta_block(block: Block) -> bool:
    first = block.lines[0]
    return first.startswith("•") or first == META_SEPARATOR or (
        len(block.lines) == 1 and looks_like_date_line(first)
    )


def parse_text_page(text: str, scraped_on: date) -> PageParse:
    """Parse a whole page. Never raises for bad content: problems become rejects."""
    blocks = list(split_blocks(normalize_text(text)))
    header_end = _header_end(blocks)
    if header_end is None:
        return PageParse(
            None,
            rejects=[Reject(1, "no 'Daily Papers' page header with a page date", _snippet(text))],
        )
    page = PageParse(_page_date(blocks[header_end], scraped_on))
    if page.page_date is None:
        page.rejects.append(
            Reject(blocks[header_end].line_number, "page date is not 'Mon D'",
                   _snippet(blocks[header_end].text))
        )
    _parse_cards(blocks[header_end + 1 :], scraped_on, page)
    return page


def _header_end(blocks: list[Block]) -> int | None:
    """Index of the page-date block that closes the header."""
    for index, block in enumerate(blocks[:HEADER_MAX_BLOCKS]):
        if HEADER_MARKER in block.lines:
            for date_index in range(index + 1, min(index + 4, len(blocks))):
                if looks_like_date_line(blocks[date_index].lines[0]):
                    return date_index
            return index  # heading without a date: cards follow the heading
    return None


def _page_date(block: Block, scraped_on: date) -> date | None:
    try:
        return parse_date_line(block.lines[0], scraped_on).published
    except ValueError:
        return None


def _parse_cards(blocks: list[Block], scraped_on: date, page: PageParse) -> None:
    position, card_index = 0, 0
    while position < len(blocks):
        title = blocks[position]
        card_blocks = [title]
        if is_meta_block(title):
            page.rejects.append(Reject(title.line_number, "meta block without a title and "
                                       "abstract before it", _snippet(title.text)))
            position += 1
            continue
        if position + 1 >= len(blocks) or is_meta_block(blocks[position + 1]):
            page.rejects.append(Reject(title.line_number, "truncated card: title without an "
                                       "abstract", _snippet(title.text)))
            position += 1 + (position + 1 < len(blocks))  # a meta block here belongs to it
            card_index += 1
            continue
        abstract = blocks[position + 1]
        card_blocks.append(abstract)
        meta = blocks[position + 2] if position + 2 < len(blocks) else None
        if meta is not None and is_meta_block(meta):
            card_blocks.append(meta)
        position += len(card_blocks)
        try:
            record = _card_record(card_blocks, scraped_on)
        except ValueError as problem:
            page.rejects.append(Reject(title.line_number, f"malformed card: {problem}",
                                       _snippet("\n".join(b.text for b in card_blocks))))
        else:
            record.update(record_index=card_index, line_number=title.line_number,
                          page_date=page.page_date)
            page.records.append(record)
        card_index += 1


def _card_record(card_blocks: list[Block], scraped_on: date) -> dict:
    title, abstract = card_blocks[0], card_blocks[1]
    if len(title.lines) != 1:
        raise ValueError("title spans several lines (a missing blank line?)")
    if len(abstract.lines) != 1:
        raise ValueError("abstract spans several lines (a missing blank line?)")
    record = {"title": title.lines[0], "abstract": abstract.lines[0],
              "authors_count": None, "published_date": None, "upvotes": None}
    if len(card_blocks) == 3:
        record.update(_meta_fields(card_blocks[2], scraped_on))
    return record


def _meta_fields(meta: Block, scraped_on: date) -> dict:
    fields: dict = {}
    for line in meta.lines:
        if line == META_SEPARATOR:
            continue
        authors = AUTHORS_LINE.match(line)
        if authors:
            if not authors["count"].isdigit() or int(authors["count"]) < 1:
                raise ValueError(f"authors count is not a positive number: {line!r}")
            fields["authors_count"] = int(authors["count"])
        elif "published_date" not in fields:
            parsed = parse_date_line(line, scraped_on)
            fields.update(published_date=parsed.published, upvotes=parsed.upvotes)
        else:
            raise ValueError(f"unexpected line in the authors/date block: {line!r}")
    if META_SEPARATOR in meta.lines and "published_date" not in fields:
        raise ValueError("the authors/date block has no date line (truncated?)")
    if fields.get("published_date") and fields["published_date"] > scraped_on:
        raise ValueError(f"published {fields['published_date']} is after the scrape date "
                         f"{scraped_on}")
    return fields


def _snippet(text: str) -> str:
    return text[:SNIPPET_CHARS]
