"""A saved Hugging Face Daily Papers (or papers search) HTML page: text in, records and rejects out.

The page's cards are rendered from JSON the server embeds in the data-props attribute of a
component element: div[data-target="DailyPapers"] lists them under dailyPapers, and the
search results component under searchResults. We read that JSON, never the rendered text:
any element whose data-props hold a list under one of those keys is a source, whatever its
data-target is called. Each list element is a Hub API wrapper (see hub_paper).

line_number is the line of the component's start tag. page_date stays null, as for Hub JSON:
the day a paper was listed is its submitted_on_daily_date.
"""

import json
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from dagster_project.raw.hub_paper import (
    PAPER_LIST_KEYS,
    Item,
    describe_keys,
    listings_from_items,
    paper_list,
)
from dagster_project.raw.listing_record import ParsedListings, snippet
from dagster_project.raw.text_page import Reject

DAILY_PAPERS_TARGET = "DailyPapers"
HTML_SIGNS = ("<!doctype html", "<html", "<head", "<body", "<div", "<main")
NO_DATA = ("HTML page without the Daily Papers data-props JSON (no element with data-props "
           "listing dailyPapers or searchResults); save the page with its scripts/attributes")


@dataclass(frozen=True)
class Component:
    line_number: int
    target: str
    props: str  # the attribute value, already HTML-unescaped by the parser


def looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<") and any(sign in head for sign in HTML_SIGNS)


def parse_html_page(text: str, scraped_on: date) -> ParsedListings:
    components = find_components(text)
    entries: list[Item | Reject] = []
    sources = 0
    for component in components:
        try:
            props = json.loads(component.props)
        except json.JSONDecodeError as problem:
            entries.append(Reject(component.line_number,
                                  f"data-props of data-target={component.target!r} is not valid "
                                  f"JSON: {problem.msg} (character {problem.pos})",
                                  snippet(component.props)))
            continue
        papers = paper_list(props)
        if papers is None:
            if component.target == DAILY_PAPERS_TARGET:
                keys = describe_keys(props) if isinstance(props, dict) else "(not an object)"
                entries.append(Reject(component.line_number,
                                      f"data-props of data-target='DailyPapers' has no "
                                      f"dailyPapers list: keys {keys}",
                                      snippet(component.props)))
            continue
        sources += 1
        entries.extend(Item(component.line_number, paper) for paper in papers)
    if not sources and not entries:
        return ParsedListings(rejects=[Reject(1, NO_DATA, snippet(text.lstrip()))])
    return listings_from_items(entries, scraped_on)


def find_components(text: str) -> list[Component]:
    """Elements whose data-props may hold papers: data-target DailyPapers, or props that
    mention one of the paper-list keys (other components' props are not parsed)."""
    finder = _ComponentFinder()
    finder.feed(text)
    finder.close()
    return finder.components


class _ComponentFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.components: list[Component] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        props = attributes.get("data-props")
        if props is None:
            return
        target = attributes.get("data-target") or ""
        if target == DAILY_PAPERS_TARGET or any(f'"{key}"' in props for key in PAPER_LIST_KEYS):
            self.components.append(Component(self.getpos()[0], target, props))
