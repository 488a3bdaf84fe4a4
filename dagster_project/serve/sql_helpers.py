"""SQL for analysts, stored in the warehouse: macros and a view over the marts.

Created at publish time in the build file (DuckDB keeps macros and views in the database
file), so every client sees them: the CLI, Python, the DuckDB CLI, BI tools. Each carries a
COMMENT, listed by

    select function_name, comment from duckdb_functions() where comment is not null
    union all select view_name, comment from duckdb_views() where comment is not null

Macro bodies are bound when called, so they follow the marts as dbt changes them.
"""

import duckdb

from dagster_project.duckdb_extensions import sql_string

HELPERS = """
create or replace macro papers_between(start_date, end_date) as table
select *
from papers
where published_date between cast(start_date as date) and cast(end_date as date)
order by published_date, paper_id;

create or replace macro top_papers(start_date, end_date, n) as table
select row_number() over (order by upvotes desc, published_date desc, paper_id) as rank, *
from papers
where published_date between cast(start_date as date) and cast(end_date as date)
    and upvotes is not null
order by rank
limit n;

create or replace view monthly_counts as
select
    cast(date_trunc('month', day) as date) as month,
    cast(sum(papers) as bigint) as papers,
    cast(sum(sum(papers)) over (order by date_trunc('month', day)) as bigint)
        as cumulative_papers
from daily_counts
group by date_trunc('month', day)
order by month;

create or replace macro vote_history(paper) as table
select
    scraped_at,
    scraped_on,
    upvotes,
    upvotes - lag(upvotes) over (order by scraped_at) as upvotes_change,
    num_comments,
    github_stars,
    source_file
from paper_sightings
where paper_id = paper
order by scraped_at;
"""

COMMENTS = {
    "macro table papers_between":
        "papers_between(start_date, end_date): papers published from start_date to end_date, "
        "both included (dates or 'YYYY-MM-DD' strings), oldest first. All papers columns.",
    "macro table top_papers":
        "top_papers(start_date, end_date, n): the n most upvoted papers published from "
        "start_date to end_date (both included), with their rank. Papers whose listings never "
        "showed a vote count are left out.",
    "view monthly_counts":
        "Papers per publication month, zero-filled from the first to the last month with a "
        "paper, with a running total (from daily_counts: papers without a published_date are "
        "not counted).",
    "column monthly_counts.month": "First day of the month.",
    "column monthly_counts.papers": "Papers published that month (0 when none).",
    "column monthly_counts.cumulative_papers": "Papers published in or before that month.",
    "macro table vote_history":
        "vote_history(paper_id): one row per scrape that listed the paper, oldest first: the "
        "upvotes shown then (null = not shown) and the change since the previous scrape.",
}


def create_helpers(connection: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the macros and the view above, with their comments."""
    connection.execute(HELPERS)
    connection.execute(comments_sql(COMMENTS))


def comments_sql(comments: dict[str, str]) -> str:
    """COMMENT ON statements, from {"<kind> <name>": text}."""
    return "\n".join(f"comment on {target} is {sql_string(text)};"
                     for target, text in comments.items())
