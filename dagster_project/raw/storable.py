"""What the lake can store, and what no real listing holds: checked per record, so one bad
value is a reject naming its field, never a failure of its file or of every file.

A value outside a row rule of the marts (a publication date before arXiv, over 10,000
authors) would fail the quality gate and block every publish: it is refused here, by the
same declaration the dbt tests and GX suites read (raw/row_rules.py).

Arrow and DuckDB refuse a lone surrogate ("\\ud800", which JSON may spell) and integers over
the schema's int32; a NUL inside a string breaks DuckDB's text functions. Sizes are bounded
far above any real listing (arXiv caps abstracts at 1,920 characters; the longest author
lists have a few thousand names): a 100 MB abstract is a broken file, and keeping it would
stall every step after the parse.
"""

from dataclasses import replace

from dagster_project.raw.row_rules import ROW_RULES
from dagster_project.raw.text_page import Reject

# Characters per value; a field not named here gets DEFAULT_TEXT_LIMIT.
TEXT_LIMITS = {"title": 2_000, "abstract": 100_000, "authors_raw": 2_000_000}
DEFAULT_TEXT_LIMIT = 2_000
LIST_LIMIT = 20_000  # items in one list (authors, keywords, categories)
INT32 = (-(2**31), 2**31 - 1)
SNIPPET_CHARS = 200


def storable(records: list[dict]) -> tuple[list[dict], list[Reject]]:
    """The records the lake can take, and a reject for each other one."""
    kept, refused = [], []
    for record in records:
        problem = record_problem(record)
        if problem is None:
            kept.append(record)
        else:
            refused.append(Reject(record.get("line_number"), problem,
                                  printable(record.get("title") or "")[:SNIPPET_CHARS]))
    return kept, refused


def record_problem(record: dict) -> str | None:
    for name, value in record.items():
        if isinstance(value, str):
            problem = text_problem(name, value)
        elif isinstance(value, list):
            problem = _list_problem(name, value)
        elif isinstance(value, int) and not isinstance(value, bool) and \
                not INT32[0] <= value <= INT32[1]:
            problem = f"{name} is {value}, beyond a 32-bit integer"
        elif name in ROW_RULES and value is not None:
            problem = ROW_RULES[name].problem(value)
        else:
            problem = None
        if problem:
            return problem
    return None


def text_problem(name: str, value: str) -> str | None:
    limit = TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)
    if len(value) > limit:
        return f"{name} is {len(value):,} characters, over the limit of {limit:,}"
    if "\x00" in value:
        return f"{name} holds a NUL character (at {value.index(chr(0))})"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as bad:
            return (f"{name} holds {value[bad.start]!r} at character {bad.start}: a lone "
                    "surrogate, not valid Unicode")
    return None


def _list_problem(name: str, values: list) -> str | None:
    # Every name listed is an author: the count's upper bound holds the list too (an empty
    # list is an unknown count, not a paper without authors).
    most = ROW_RULES["authors_count"].maximum
    if name == "author_names" and most is not None and len(values) > most:
        return (f"author_names lists {len(values):,} names, over {most:,} "
                f"(row rule: authors_count <= {most:,})")
    if len(values) > LIST_LIMIT:
        return f"{name} has {len(values):,} items, over the limit of {LIST_LIMIT:,}"
    for position, item in enumerate(values):
        if isinstance(item, str) and (problem := text_problem(f"{name}[{position}]", item)):
            return problem
    return None


def printable(text: str) -> str:
    """Text safe to store in any case (a reject's snippet): surrogates and NULs replaced."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\\x00")


def storable_reject(reject: Reject) -> Reject:
    return replace(reject, reason=printable(reject.reason),
                   snippet=printable(reject.snippet) if reject.snippet else reject.snippet)
