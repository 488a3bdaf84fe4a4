"""The peer: what an analyst would write instead of the warehouse, in plain pandas.

Read each page, split it into cards with simple string splitting and regexes, build one
DataFrame, keep the latest scrape of each paper (by normalized title), and compute the same
three tables as the warehouse: papers, authors_count, daily_counts; plus the sightings
(every card) for vote histories. No checks, no lake, no incremental path.

    python -m bench.pandas_peer RAW_DIR --out OUT_DIR

Prints a JSON summary (counts) as its last line and writes OUT_DIR/*.parquet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
DATE_LINE = re.compile(r"^([A-Z][a-z]{2}) (\d{1,2})(?:, (\d{4}))?(?: (\d+))?$")
AUTHORS_LINE = re.compile(r"^•\s*(\d+) authors?$")


def parse_date(line: str, scraped: date) -> tuple[date, int | None]:
    m = DATE_LINE.match(line)
    if not m or m[1] not in MONTHS:
        raise ValueError(line)
    month, day = MONTHS[m[1]], int(m[2])
    if m[3]:
        published = date(int(m[3]), month, day)
    else:
        published = date(scraped.year, month, day)
        if published > scraped:
            published = date(scraped.year - 1, month, day)
    return published, int(m[4]) if m[4] else None


def read_page(path: Path) -> tuple[list[tuple], int]:
    scraped = date.fromisoformat(path.name[:10])
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    i = blocks.index("Daily Papers") + 3  # skip "byAK ..." and the page date
    rows, bad = [], 0
    while i + 1 < len(blocks):
        title, abstract = blocks[i], blocks[i + 1]
        i += 2
        authors = published = upvotes = None
        if i < len(blocks) and blocks[i].startswith("•"):
            lines = blocks[i].split("\n")
            i += 1
            try:
                authors = int(AUTHORS_LINE.match(lines[0])[1])
                published, upvotes = parse_date(lines[-1], scraped)
            except (TypeError, ValueError):
                bad += 1
                continue
        rows.append((path.name, scraped, title, abstract, authors, published, upvotes))
    return rows, bad


def build(raw_dir: Path, out_dir: Path) -> dict:
    started = time.perf_counter()
    rows, rejected = [], 0
    for path in sorted(raw_dir.glob("*.txt")):
        page_rows, bad = read_page(path)
        rows.extend(page_rows)
        rejected += bad
    cards = pd.DataFrame(rows, columns=["source_file", "scraped_at", "title", "abstract",
                                        "authors_count", "published_date", "upvotes"])
    del rows
    cards["scraped_at"] = pd.to_datetime(cards["scraped_at"])
    cards["published_date"] = pd.to_datetime(cards["published_date"])
    cards["authors_count"] = cards["authors_count"].astype("Int64")
    cards["upvotes"] = cards["upvotes"].astype("Int64")
    key = cards["title"].str.lower().str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    cards["paper_id"] = [hashlib.md5(k.encode()).hexdigest()[:16] for k in key]

    seen = cards.groupby("paper_id")["scraped_at"].agg(["min", "max", "size"])
    seen.columns = ["first_seen_at", "last_seen_at", "sightings"]
    latest = cards.sort_values("scraped_at").drop_duplicates("paper_id", keep="last")
    papers = latest.drop(columns=["source_file", "scraped_at"]).join(seen, on="paper_id")
    papers["arxiv_id"] = None
    papers["github_url"] = None
    papers = papers[["paper_id", "title", "abstract", "authors_count", "published_date",
                     "upvotes", "arxiv_id", "github_url", "first_seen_at", "last_seen_at",
                     "sightings"]].reset_index(drop=True)

    authors = papers["authors_count"].value_counts(dropna=False).rename("papers")
    authors_count = authors.rename_axis("authors_count").reset_index()
    authors_count["share"] = authors_count["papers"] / len(papers)
    authors_count = authors_count.sort_values("authors_count", na_position="last")

    per_day = papers["published_date"].dropna().value_counts()
    days = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D")
    daily_counts = per_day.reindex(days, fill_value=0).rename("papers")
    daily_counts = daily_counts.rename_axis("day").reset_index()
    daily_counts["cumulative_papers"] = daily_counts["papers"].cumsum()

    sightings = cards[["paper_id", "source_file", "scraped_at", "upvotes"]]

    out_dir.mkdir(parents=True, exist_ok=True)
    papers.to_parquet(out_dir / "papers.parquet", index=False)
    authors_count.to_parquet(out_dir / "authors_count.parquet", index=False)
    daily_counts.to_parquet(out_dir / "daily_counts.parquet", index=False)
    sightings.to_parquet(out_dir / "paper_sightings.parquet", index=False)
    return {
        "cards": len(cards) + rejected,
        "rejected": rejected,
        "paper_sightings": len(cards),
        "papers": len(papers),
        "papers_with_published_date": int(papers["published_date"].notna().sum()),
        "papers_with_upvotes": int(papers["upvotes"].notna().sum()),
        "upvotes_sum": int(papers["upvotes"].sum()),
        "authors_count": {("unknown" if pd.isna(k) else str(k)): int(v)
                          for k, v in zip(authors_count["authors_count"],
                                          authors_count["papers"], strict=True)},
        "daily_counts_days": len(daily_counts),
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(build(args.raw_dir, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
