"""One paper across scrapes, through the real build: dedup, history, changes and forget."""

from datetime import UTC, datetime
from pathlib import Path

from dagster_project.cli import main
from tests.pipeline_helpers import build, query

PAGE = """Daily Papers

{day}

Growing Paper

Votes for this paper grow with every scrape.

  • 4 authors
·
Nov 28 {votes}

Another Paper

A second card on the page, seen once.

  • 2 authors
·
Oct 2, 2024
"""


def scrape(raw: Path, iso_day: str, votes: int) -> None:
    day = datetime.fromisoformat(iso_day)
    (raw / f"{iso_day}_daily.txt").write_text(
        PAGE.format(day=f"{day:%b} {day.day}", votes=votes), encoding="utf-8")


def growing_paper(data_dir: Path) -> tuple:
    return query(data_dir, "select upvotes, sightings, first_seen_at, last_seen_at, "
                 "published_date::varchar from papers where title = 'Growing Paper'")[0]


def history(data_dir: Path) -> list[tuple]:
    return query(data_dir, "select s.scraped_at::date::varchar, s.upvotes "
                 "from paper_sightings s join papers p using (paper_id) "
                 "where p.title = 'Growing Paper' order by 1")


def test_one_paper_across_scrapes(tmp_path, capsys):
    data_dir = tmp_path / "data"
    raw = data_dir / "raw"
    raw.mkdir(parents=True)
    for iso_day, votes in (("2025-12-01", 2), ("2025-12-05", 5), ("2025-12-10", 11)):
        scrape(raw, iso_day, votes)
    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers") == [(2,)]
    upvotes, sightings, first_seen, last_seen, published = growing_paper(data_dir)
    assert (upvotes, sightings, published) == (11, 3, "2025-11-28")
    assert (first_seen, last_seen) == (datetime(2025, 12, 1, tzinfo=UTC),
                                       datetime(2025, 12, 10, tzinfo=UTC))
    assert history(data_dir) == [("2025-12-01", 2), ("2025-12-05", 5), ("2025-12-10", 11)]
    # distinct papers, not sightings
    assert query(data_dir, "select authors_count, papers from authors_count order by 1") == [
        (2, 1), (4, 1)]
    assert query(data_dir, "select sum(papers) from daily_counts") == [(2,)]

    capsys.readouterr()
    assert build(data_dir) == 0
    assert "up to date" in capsys.readouterr().out

    scrape(raw, "2025-12-10", 20)  # the latest page re-scraped with more votes
    assert build(data_dir) == 0
    assert growing_paper(data_dir)[:2] == (20, 3)
    assert history(data_dir)[-1] == ("2025-12-10", 20)

    (raw / "2025-12-01_daily.txt").unlink()  # the lake keeps a vanished file's rows
    assert build(data_dir) == 0
    assert growing_paper(data_dir)[1] == 3

    assert main(["forget", "2025-12-01_daily.txt", "--data-dir", str(data_dir)]) == 0
    assert build(data_dir) == 0
    upvotes, sightings, first_seen, _, _ = growing_paper(data_dir)
    assert (upvotes, sightings, first_seen) == (20, 2, datetime(2025, 12, 5, tzinfo=UTC))
