"""Hub API JSON saved to a file: text in, records and rejects out.

Accepted: a /api/daily_papers or /api/papers/search response (a list of wrappers), a single
/api/papers/{id} object, an object listing wrappers under dailyPapers/searchResults (a page
component's props), and JSON lines of any of these (one value per line).

line_number is where each paper starts: the line of each element of a top-level list, the
line of each JSON line (a container object's papers share the object's first line).
page_date stays null: a response has no page date, and the day a paper was on the Daily
Papers list is its own field (submitted_on_daily_date).

A scraper bug found in the wild saves a list of Python repr() strings instead of the objects
(`json.dump([str(p) for p in papers])`): each string is read with ast.literal_eval (a literal
parser, never eval), the file's format is hub_api_repr, and an item that is not a literal
dict is rejected by its index.

Valid JSON of another shape is one reject naming what it found, never a crash.
"""

import ast
import json
import re
from datetime import date

from dagster_project.raw.hub_paper import (
    Item,
    describe_keys,
    is_hub_paper,
    json_kind,
    listings_from_items,
    paper_list,
)
from dagster_project.raw.listing_record import NO_PAPERS, ParsedListings, snippet
from dagster_project.raw.text_page import Reject, normalize_text

WHITESPACE = re.compile(r"[ \t\n\r]*")
REPR_FORMAT = "hub_api_repr"
UNKNOWN_SHAPE = ("valid JSON but not a Hub API daily_papers/search/paper response or arXiv "
                 "snapshot line: ")
_DECODER = json.JSONDecoder()


def looks_like_json(text: str) -> bool:
    """Content that opens a JSON object or list (the shape is checked by the parser)."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    return head.startswith(("{", "["))


def parse_hub_json(text: str, scraped_on: date) -> ParsedListings:
    text = normalize_text(text)
    try:
        entries, first_value = _whole_document(text)
    except json.JSONDecodeError as whole:
        lines = _json_lines(text)
        if lines is None:
            return _not_recognised(Reject(
                whole.lineno,
                f"not valid JSON: {whole.msg} at line {whole.lineno}, column {whole.colno} "
                "(expected one JSON document, or one JSON value per line)",
                snippet(text[max(0, whole.pos - 80):whole.pos + 120]),
            ))
        entries, first_value = lines
    if not entries:  # [] or an envelope with "data": []
        return _not_recognised(Reject(1, f"{NO_PAPERS}: the response lists no papers",
                                      snippet(text.strip())))
    items = [entry for entry in entries if isinstance(entry, Item)]
    from_reprs = _python_reprs(items)
    if from_reprs is not None:
        parsed = listings_from_items(from_reprs, scraped_on)
        parsed.source_format = REPR_FORMAT
        return parsed
    if not any(is_hub_paper(item.value) for item in items):
        return _not_recognised(Reject(
            items[0].line_number if items else 1,
            UNKNOWN_SHAPE + _describe(first_value),
            snippet(text.lstrip()),
        ))
    return listings_from_items(entries, scraped_on)


def _python_reprs(items: list[Item]) -> list[Item | Reject] | None:
    """The items as dicts when every one is a string holding a Python dict literal's repr
    (the first must read as a Hub paper); None when the file is not of that kind."""
    if not items or not all(isinstance(item.value, str) for item in items):
        return None
    first = _literal(items[0].value)
    if not is_hub_paper(first):
        return None
    entries: list[Item | Reject] = []
    for index, item in enumerate(items):
        value = _literal(item.value)
        if isinstance(value, dict):
            entries.append(Item(item.line_number, value, snippet(item.value)))
        else:
            entries.append(Reject(item.line_number, f"item {index} is a string but not the "
                                  "repr() of a Python dict", snippet(item.value)))
    return entries


def _literal(text: str) -> object:
    """ast.literal_eval, with None for text that is no Python literal (or too deep)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _whole_document(text: str) -> tuple[list[Item], object]:
    """The text as one JSON value; raises JSONDecodeError if it is not exactly one."""
    start = WHITESPACE.match(text).end()
    line = 1 + text.count("\n", 0, start)
    if text.startswith("[", start):
        items, end = _array_items(text, start, line)
        first_value: object = [items[0].value] if items else []
    else:
        first_value, end = _DECODER.raw_decode(text, start)
        items = _value_items(first_value, line, snippet(text[start:end]))
    trailing = WHITESPACE.match(text, end).end()
    if trailing < len(text):
        raise json.JSONDecodeError("Extra data", text, trailing)
    return items, first_value


def _array_items(text: str, start: int, line: int) -> tuple[list[Item], int]:
    """The elements of the list opening at text[start], each with the line it starts on."""
    items: list[Item] = []
    position = WHITESPACE.match(text, start + 1).end()
    line += text.count("\n", start, position)
    if text.startswith("]", position):
        return items, position + 1
    while True:
        value, end = _DECODER.raw_decode(text, position)
        items.append(Item(line, value, text[position:min(end, position + 200)]))
        after = WHITESPACE.match(text, end).end()
        if text.startswith("]", after):
            return items, after + 1
        if not text.startswith(",", after):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, after)
        next_position = WHITESPACE.match(text, after + 1).end()
        line += text.count("\n", position, next_position)
        position = next_position


def _json_lines(text: str) -> tuple[list[Item | Reject], object] | None:
    """One JSON value per line, bad lines as rejects; None unless most lines are JSON values.

    A pretty-printed document that is broken has few lines that parse on their own, so it
    is reported as one invalid document rather than as a reject per line.
    """
    entries: list[Item | Reject] = []
    first_value: object = None
    containers = non_blank = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        non_blank += 1
        try:
            value = json.loads(line)
        except json.JSONDecodeError as problem:
            entries.append(Reject(number, f"invalid JSON line: {problem.msg} "
                                          f"(column {problem.colno})", snippet(line)))
            continue
        if isinstance(value, dict | list):
            containers += 1
            if containers == 1:
                first_value = value
        entries.extend(_value_items(value, number, snippet(line)))
    if containers * 2 < non_blank:
        return None
    return entries, first_value


def _value_items(value: object, line: int, raw: str) -> list[Item]:
    """A list or a container object yields its elements; any other value is one item."""
    if isinstance(value, list):
        return [Item(line, element) for element in value]
    papers = paper_list(value)
    if papers is not None:
        return [Item(line, element) for element in papers]
    return [Item(line, value, raw)]


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return f"top-level keys {describe_keys(value)}"
    if isinstance(value, list):
        if not value:
            return "an empty list (no papers)"
        first = value[0]
        if isinstance(first, dict):
            return f"a list of objects, the first with keys {describe_keys(first)}"
        return f"a list whose first element is {json_kind(first)}"
    return json_kind(value)


def _not_recognised(reject: Reject) -> ParsedListings:
    return ParsedListings(rejects=[reject], format_recognised=False)
