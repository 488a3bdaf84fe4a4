"""`make demo` on the bundled samples (data/raw): every table has rows and every example
the README gives returns something."""

import pytest

from dagster_project.warehouse.publish import PUBLISHED_TABLES
from tests.pipeline_helpers import query

README_EXAMPLES = [
    "select * from search_papers('equivariant world model') limit 10",
    "select s.title, search_snippet(p.abstract, 'cats') as snippet "
    "from search_papers('cats') as s join papers as p using (paper_id) limit 5",
    "select title, published_date from papers_between('2025-04-01', '2025-05-31')",
    "select rank, title, upvotes from top_papers('2025-01-01', '2025-12-31', 10)",
    "select * from monthly_counts order by month desc limit 12",
    "select * from vote_history('2505.03176')",
    "select day, papers, cumulative_papers from daily_counts order by day desc limit 7",
    "from authors_count",
]


@pytest.mark.parametrize("table", PUBLISHED_TABLES)
def test_every_table_has_rows(demo, table):
    assert query(demo, f"select count(*) from {table}")[0][0] > 0


@pytest.mark.parametrize("sql", README_EXAMPLES)
def test_every_readme_example_returns_something(demo, sql):
    assert query(demo, sql)


def test_the_text_page_keeps_its_own_values(demo):
    # seq-JEPA: a title-only card on the page, with votes and authors from the API response
    assert query(demo, "select authors_count, upvotes, sightings from papers "
                       "where arxiv_id = '2505.03176'") == [(3, 5, 2)]
    assert query(demo, "select count(*) from paper_sightings "
                       "where source_file = '2025-12-12_hf-daily-papers-search-page.txt'"
                 ) == [(46,)]
