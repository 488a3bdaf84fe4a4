"""The arXiv metadata snapshot (JSON lines, one paper a line): text in, records and rejects out.

A line: {id, submitter, authors, title, comments, journal-ref, doi, report-no, categories,
license, abstract, versions: [{version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT"}, ...],
update_date, authors_parsed: [[last, first, suffix], ...]}.

- published_date: the UTC date the first version was created;
- author_names: from authors_parsed ("First Last Suffix"), else the authors string split on
  commas and "and"; TeX accents decoded to Unicode (raw/tex_names.py); authors_count is how
  many names that gives; author_affiliations: each name's fourth authors_parsed element;
  authors_raw: the authors string exactly as the snapshot has it;
- categories: the space-separated string as a list; titles and abstracts with their line
  breaks and runs of spaces folded;
- line_number is the line, record_index the line's position among non-blank lines;
- the snapshot re-wrapped as a JSON array, one record a line (`[{…},` … `{…}]`), reads the
  same: each line's array bracket and trailing comma are set aside, and lines holding only
  a bracket are skipped like blank ones.

This is the large-scale input (millions of lines): the text is walked line by line without
copying it, and iter_arxiv_snapshot yields records as it goes for callers that stream. A
large snapshot is cut at line boundaries into chunks (line_aligned_chunks) that the lake's
worker processes parse side by side (parse_chunk); the lake renumbers their lines.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from dagster_project.raw.arxiv_ids import normalize_arxiv_id
from dagster_project.raw.dates import MONTHS
from dagster_project.raw.hub_paper import json_kind
from dagster_project.raw.listing_record import (
    ParsedListings,
    check_published,
    clean_text,
    new_record,
    snippet,
)
from dagster_project.raw.storable import storable
from dagster_project.raw.tex_names import unicode_text
from dagster_project.raw.text_page import Reject

SNAPSHOT_KEYS = ("versions", "authors_parsed", "update_date")
DETECT_LINES = 5
AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def is_arxiv_snapshot(text: str) -> bool:
    """JSON lines (or a JSON array, one record a line) whose first object has an id and
    snapshot keys (versions, authors_parsed…)."""
    for line in _first_lines(text.removeprefix("\ufeff"), DETECT_LINES):
        line = record_text(line)
        if not line:
            continue  # the array's opening bracket on a line of its own
        if not line.startswith("{"):
            return False
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue  # a bad first line is a reject; the next one decides
        return "id" in value and any(key in value for key in SNAPSHOT_KEYS)
    return False


def parse_arxiv_snapshot(text: str, scraped_on: date) -> ParsedListings:
    parsed = ParsedListings()
    for entry in iter_arxiv_snapshot(text, scraped_on):
        if isinstance(entry, Reject):
            parsed.rejects.append(entry)
        else:
            parsed.records.append(entry)
    return parsed


def iter_arxiv_snapshot(text: str, scraped_on: date) -> Iterator[dict | Reject]:
    return iter_arxiv_lines(_numbered_lines(text.removeprefix("\ufeff")), scraped_on)


def iter_arxiv_lines(lines: Iterable[tuple[int, str]], scraped_on: date
                     ) -> Iterator[dict | Reject]:
    """Records (or rejects) from numbered lines, so a multi-GB file can stream from disk."""
    loads = json.loads
    index = 0
    for number, line in lines:
        if line[:1] == "[" or line.rstrip()[-1:] in (",", "]"):
            line = record_text(line)
        if not line or line.isspace():
            continue
        try:
            value = loads(line)
        except json.JSONDecodeError as problem:
            yield Reject(number, f"invalid JSON line: {problem.msg} (column {problem.colno})",
                         snippet(line))
        else:
            try:
                record = snapshot_record(value, scraped_on)
            except ValueError as problem:
                yield Reject(number, f"malformed arXiv record: {problem}", snippet(line))
            else:
                record["record_index"] = index
                record["line_number"] = number
                yield record
        index += 1


def record_text(line: str) -> str:
    """A line of a snapshot wrapped as a JSON array, without the array's punctuation."""
    line = line.strip()
    if line.startswith("["):
        line = line[1:].lstrip()
    if line.endswith("]"):
        line = line[:-1].rstrip()
    return line.removesuffix(",").rstrip()


def snapshot_record(value: object, scraped_on: date) -> dict:
    """The listing record for one snapshot line's object; raises ValueError if malformed."""
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object but {json_kind(value)}")
    arxiv_id = normalize_arxiv_id(value.get("id"))
    if arxiv_id is None:
        raise ValueError(f"id is not an arXiv identifier: {value.get('id')!r:.80}")
    title = clean_text(value.get("title"), "title")
    if not title:
        raise ValueError("no title")
    names, affiliations = authors(value)
    published = first_version_date(value.get("versions"))
    check_published(published, scraped_on)
    raw_authors = value.get("authors")
    return new_record(
        title=title,
        abstract=clean_text(value.get("abstract"), "abstract"),
        authors_count=len(names) or None,
        author_names=names or None,
        author_affiliations=affiliations if any(affiliations) else None,
        authors_raw=raw_authors if isinstance(raw_authors, str) else None,
        published_date=published,
        arxiv_id=arxiv_id,
        categories=_categories(value.get("categories")),
    )


def authors(value: dict) -> tuple[list[str], list[str | None]]:
    """The names in order, TeX decoded, and each one's affiliation (None where not given):
    from authors_parsed ([last, first, suffix, affiliation…]) when present, else the authors
    string split on commas and "and"."""
    parsed = value.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        pairs = [pair for entry in parsed if (pair := _parsed_author(entry))[0]]
        return [name for name, _ in pairs], [affiliation for _, affiliation in pairs]
    listed = clean_text(value.get("authors"), "authors")
    if not listed:
        return [], []
    names = [unicode_text(name) for name in AUTHOR_SEPARATOR.split(listed) if name]
    return names, [None] * len(names)


def first_version_date(versions: object) -> date | None:
    """The UTC date of the v1 entry's created time (RFC 2822), or of the first entry."""
    if not versions:
        return None
    if not isinstance(versions, list):
        raise ValueError(f"versions is not a list: {versions!r:.80}")
    first = next((v for v in versions if isinstance(v, dict) and v.get("version") == "v1"),
                 versions[0])
    created = first.get("created") if isinstance(first, dict) else None
    if not isinstance(created, str):
        raise ValueError(f"the first version has no created time: {first!r:.80}")
    return _rfc2822_utc_date(created)


def _rfc2822_utc_date(created: str) -> date:
    parts = created.split()
    # Fast path for the snapshot's own form, "Mon, 2 Apr 2007 19:18:42 GMT".
    if len(parts) == 6 and parts[5] == "GMT" and parts[2] in MONTHS:
        try:
            return date(int(parts[3]), MONTHS[parts[2]], int(parts[1]))
        except ValueError:
            pass  # the general parser below gives the error
    try:
        moment = parsedate_to_datetime(created)
    except (TypeError, ValueError):
        raise ValueError(f"version created time is not an RFC 2822 date: {created!r:.80}") \
            from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _parsed_author(entry: object) -> tuple[str | None, str | None]:
    """["Last", "First", "Suffix", "Affiliation"?] → ("First Last Suffix", "Affiliation"),
    TeX decoded (hot: once per author of millions)."""
    if type(entry) is list and len(entry) >= 3:
        last, first, suffix = entry[0], entry[1], entry[2]
        if type(last) is str and type(first) is str and type(suffix) is str:
            name = " ".join(f"{first} {last} {suffix}".split())
            return (unicode_text(name) if name else None), _affiliation(entry)
    if isinstance(entry, str):
        return unicode_text(" ".join(entry.split())) or None, None
    if not isinstance(entry, list):
        return None, None
    parts = [part if isinstance(part, str) else "" for part in entry[:3]]
    last, first, suffix = parts + [""] * (3 - len(parts))
    name = " ".join(f"{first} {last} {suffix}".split())
    return (unicode_text(name) if name else None), _affiliation(entry)


def _affiliation(entry: list) -> str | None:
    """The fourth element, when the snapshot gives one (a string, or a list of them)."""
    if len(entry) < 4:
        return None
    found = entry[3]
    if isinstance(found, list):
        found = "; ".join(part for part in found if isinstance(part, str))
    if not isinstance(found, str):
        return None
    return unicode_text(" ".join(found.split())) or None


def _categories(value: object) -> list[str] | None:
    if isinstance(value, str):
        return value.split() or None
    if isinstance(value, list) and all(isinstance(category, str) for category in value):
        return value or None
    if value is None:
        return None
    raise ValueError(f"categories is not a space-separated string: {value!r:.80}")


def _first_lines(text: str, limit: int) -> Iterator[str]:
    found = 0
    for _, line in _numbered_lines(text):
        stripped = line.strip()
        if stripped:
            yield stripped
            found += 1
            if found == limit:
                return


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) without splitting the whole text into a list first."""
    start, number, length = 0, 0, len(text)
    while start < length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        number += 1
        yield number, text[start:end]
        start = end + 1


# --- a large snapshot, in chunks that worker processes parse side by side ------------------

CHUNK_BYTES = 32 * 2**20  # a large snapshot is parsed in chunks of about this size
HEAD_BYTES = 64 * 2**10


@dataclass(frozen=True)
class ChunkTask:
    path: Path
    start: int
    end: int
    scraped_at: datetime


@dataclass
class ChunkResult:
    records: list[dict]
    rejects: list[Reject]
    lines: int  # lines in the chunk: numbers here count from 1 within the chunk
    records_seen: int  # non-blank lines, for record_index


def is_large_snapshot(path: Path, size: int | None) -> bool:
    """Big enough to be parsed in chunks, and an arXiv snapshot by its first lines."""
    if size is None or size < 2 * CHUNK_BYTES:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES).decode("utf-8", errors="ignore")
    except OSError:
        return False  # read_raw_file reports it
    return is_arxiv_snapshot(head)


def line_aligned_chunks(path: Path, chunk_bytes: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of about chunk_bytes, each ending just after a newline (or at the end)."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    size, bounds, start = path.stat().st_size, [], 0
    with open(path, "rb") as handle:
        while start < size:
            handle.seek(min(start + chunk_bytes, size))
            handle.readline()
            end = min(handle.tell(), size)
            bounds.append((start, end))
            start = end
    return bounds


def parse_chunk(task: ChunkTask) -> ChunkResult:
    """One chunk's records and rejects, numbered from 1 within the chunk (in a worker)."""
    with open(task.path, "rb") as handle:
        handle.seek(task.start)
        data = handle.read(task.end - task.start)
    rejects: list[Reject] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the chunk ends with a newline: no line after it
    numbered = _decoded_lines(lines, rejects, first_chunk=task.start == 0)
    records = []
    for entry in iter_arxiv_lines(numbered, task.scraped_at.date()):
        (rejects if isinstance(entry, Reject) else records).append(entry)
    records, refused = storable(records)
    rejects += refused
    seen = sum(1 for line in lines if line.strip())
    return ChunkResult(records, sorted(rejects, key=lambda r: r.line_number or 0),
                       len(lines), seen)


def _decoded_lines(lines: list[bytes], rejects: list[Reject],
                   first_chunk: bool) -> Iterator[tuple[int, str]]:
    for number, raw_line in enumerate(lines, start=1):
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as problem:
            rejects.append(Reject(number, f"not UTF-8: byte 0x{raw_line[problem.start]:02x}"
                                  " in this line", raw_line[:200].decode("utf-8", "replace")))
            continue
        yield number, line.removeprefix("\ufeff") if first_chunk and number == 1 else line
