"""`papers-warehouse search`: the best papers for some words, with the text around a match."""

import sys
from dataclasses import astuple
from datetime import date
from pathlib import Path
from typing import TextIO

import duckdb

from dagster_project.serve.query_command import open_warehouse, write_rows
from dagster_project.serve.search import HIT_COLUMNS, Hit, has_index, search
from dagster_project.serve.terminal_text import visible


def run_search(terms: str, limit: int, since: date | None, output_format: str,
               warehouse: Path) -> int:
    connection = open_warehouse(warehouse)
    if connection is None:
        return 1
    try:
        if not has_index(connection):
            print(f"error: {warehouse} has no search index (it was published before search "
                  "existed); run `papers-warehouse build` to publish one", file=sys.stderr)
            return 1
        hits = search(connection, terms, limit, since)
    except duckdb.Error as problem:
        print(f"error: the search failed: {problem}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    if output_format == "table":
        write_hits(terms, hits, sys.stdout)
    else:
        write_rows(["rank", *HIT_COLUMNS],
                   [(rank, *astuple(hit)) for rank, hit in enumerate(hits, start=1)],
                   output_format, sys.stdout)
    return 0


def write_hits(terms: str, hits: list[Hit], out: TextIO) -> None:
    """One block per paper: rank and title, then date, votes, score and id, then the snippet."""
    if not hits:
        out.write(f"no papers match {visible(terms)!r}\n")
        return
    indent = " " * (len(str(len(hits))) + 2)
    for rank, hit in enumerate(hits, start=1):
        facts = [
            str(hit.published_date) if hit.published_date else "date unknown",
            f"{hit.upvotes} upvotes" if hit.upvotes is not None else "votes not shown",
            f"score {hit.score:.2f}",
            hit.paper_id,
        ]
        out.write(f"{rank:>{len(indent) - 2}}. {visible(hit.title)}\n")
        out.write(f"{indent}{' · '.join(facts)}\n")
        if hit.snippet:
            out.write(f"{indent}{visible(hit.snippet)}\n")
        out.write("\n")
    out.write(f"({len(hits)} papers, best first)\n")
