"""What the dashboard draws, aggregated in DuckDB: only the drawn rows reach Python.

A paper's day is its Daily Papers listing date (submitted_on_daily_date) when a source gave
one, else its arXiv publication date (published_date): each row says which. "The last N
days" are those of the data, ending on its latest day, so an old snapshot still shows its
own last month.
"""

from dataclasses import dataclass, field
from datetime import date

import duckdb

from dagster_project.warehouse.publish import PUBLISHED_TABLES

LISTED, PUBLISHED = "Daily Papers listing date", "arXiv publication date"
DAILY_WINDOW_DAYS = 90
TOP_PAPERS = 10
TOP_AUTHORS = 20
TOP_TERMS = 15
AUTHORS_WINDOW_DAYS = 365
RISING_WINDOW_DAYS = 30

PAPER_DAYS = f"""
create temp view paper_days as
select
    paper_id,
    coalesce(submitted_on_daily_date, published_date) as day,
    case when submitted_on_daily_date is not null then '{LISTED}' else '{PUBLISHED}' end
        as dated_by
from papers
where coalesce(submitted_on_daily_date, published_date) is not null
"""


@dataclass
class Figures:
    last_day: date | None
    per_day: list[dict] = field(default_factory=list)
    per_month: list[dict] = field(default_factory=list)
    top_papers: dict[int, list[dict]] = field(default_factory=dict)  # window days → papers
    trajectories: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    rising_keywords: list[dict] = field(default_factory=list)
    rising_categories: list[dict] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)
    rejects_by_reason: list[dict] = field(default_factory=list)


def read_figures(warehouse_path) -> Figures:
    """Every figure of the dashboard, from the published warehouse (opened read-only)."""
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        connection.execute(PAPER_DAYS)
        last_day = connection.execute("select max(day) from paper_days").fetchone()[0]
        figures = Figures(last_day=last_day)
        figures.table_rows = {table: _one(connection, f'select count(*) from "{table}"')
                              for table in PUBLISHED_TABLES}
        figures.rejects_by_reason = _rows(connection, REJECTS_BY_REASON)
        if last_day is None:
            return figures
        figures.per_day = _rows(connection, PER_DAY, [last_day, DAILY_WINDOW_DAYS - 1])
        figures.per_month = _rows(connection, PER_MONTH)
        for window in (7, 30):
            figures.top_papers[window] = _rows(connection, TOP_PAPERS_SQL,
                                               [last_day, window - 1, TOP_PAPERS])
        top_ids = [paper["paper_id"] for paper in figures.top_papers[30]]
        figures.trajectories = _rows(connection, TRAJECTORIES, [top_ids]) if top_ids else []
        figures.authors = _rows(connection, AUTHORS, [last_day, AUTHORS_WINDOW_DAYS - 1,
                                                      TOP_AUTHORS])
        figures.rising_keywords = _terms(connection, last_day, "paper_keywords", "keyword")
        figures.rising_categories = _terms(connection, last_day, "paper_categories",
                                           "category")
    return figures


def _terms(connection, last_day: date, table: str, term: str) -> list[dict]:
    """The terms rising most; when none rose, the most frequent of all time (rise null)."""
    rising = _rows(connection, RISING.format(table=table, term=term),
                   [last_day, RISING_WINDOW_DAYS, TOP_TERMS])
    return rising or _rows(connection, MOST_FREQUENT.format(table=table, term=term),
                           [TOP_TERMS])


PER_DAY = """
select day, dated_by, count(*) as papers
from paper_days
where day between cast($1 as date) - cast($2 as integer) and $1
group by all order by day
"""

PER_MONTH = """
select date_trunc('month', day) as month, dated_by, count(*) as papers
from paper_days group by all order by month
"""

TOP_PAPERS_SQL = """
select papers.paper_id, papers.title, papers.upvotes, paper_days.day, paper_days.dated_by
from paper_days join papers using (paper_id)
where paper_days.day >= cast($1 as date) - cast($2 as integer) and papers.upvotes is not null
order by papers.upvotes desc, papers.paper_id
limit $3
"""

TRAJECTORIES = """
select papers.title, sightings.scraped_at, sightings.upvotes
from paper_sightings as sightings join papers using (paper_id)
where sightings.paper_id in (select unnest(?)) and sightings.upvotes is not null
order by papers.title, sightings.scraped_at
"""

AUTHORS = """
select paper_authors.author_name, count(*) as papers
from paper_authors
where paper_authors.paper_id in (
    select paper_id from paper_days where day >= cast($1 as date) - cast($2 as integer))
group by all
order by papers desc, author_name
limit $3
"""

# A term rises when it names more papers in the last window than in the window before.
RISING = """
with windows as (
    select paper_id,
           case when day > cast($1 as date) - cast($2 as integer) then 'recent'
                else 'before' end as window
    from paper_days
    where day > cast($1 as date) - 2 * cast($2 as integer)
),
counted as (
    select t.{term} as term,
           count(*) filter (where windows.window = 'recent') as recent,
           count(*) filter (where windows.window = 'before') as before
    from {table} as t join windows using (paper_id)
    group by all
)
select term, recent, before, recent + before as papers, recent - before as rise
from counted
where recent > before
order by rise desc, recent desc, term
limit $3
"""

MOST_FREQUENT = """
select {term} as term, null as recent, null as before, count(*) as papers, null as rise
from {table} group by all order by papers desc, term limit ?
"""

# Reasons carry the specifics after a colon ("not valid JSON: … at line 3"): group by the
# kind of problem, not by every line.
REJECTS_BY_REASON = """
select split_part(reason, ':', 1) as reason, count(*) as rejects
from rejects group by all order by rejects desc, reason limit 12
"""


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    return connection.execute(sql).fetchone()[0]


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    cursor = connection.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
