"""The analysts' SQL stored in the published warehouse: macros, the monthly view, comments."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.serve.sql_helpers import COMMENTS, create_helpers

pytestmark = pytest.mark.usefixtures("dagster_home")

ITS_ALL_CONNECTED = ("It's All Connected: A Journey Through Test-Time Memorization, "
                     "Attentional Bias, Retention, and Online Optimization")


@pytest.fixture(scope="module")
def built(published_sample) -> Path:
    return published_sample


@pytest.fixture
def reader(built):
    """A plain read-only client: no extension loaded, as a BI tool would connect."""
    connection = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_papers_between(reader):
    rows = reader.execute("select title, published_date "
                          "from papers_between('2025-04-01', '2025-05-31')").fetchall()
    assert rows == [
        ("DRAFT-ing Architectural Design Decisions using LLMs", date(2025, 4, 10)),
        ("Assessing Judging Bias in Large Reasoning Models: An Empirical Study",
         date(2025, 4, 14)),
        (ITS_ALL_CONNECTED, date(2025, 4, 17)),
        ("seq-JEPA: Autoregressive Predictive Learning of Invariant-Equivariant World Models",
         date(2025, 5, 6)),
        ("Extended Inductive Reasoning for Personalized Preference Inference from Behavioral "
         "Signals", date(2025, 5, 23)),
        ("Mind The Gap: Deep Learning Doesn't Learn Deeply", date(2025, 5, 24)),
    ]
    # Both ends are included, and dates work as well as strings.
    assert reader.execute("select count(*) from papers_between(date '2025-04-17', "
                          "date '2025-04-17')").fetchone()[0] == 1
    assert reader.execute("select count(*) from papers_between(?, ?)",
                          [date(2025, 4, 1), date(2025, 5, 31)]).fetchone()[0] == 6


def test_top_papers(reader):
    rows = reader.execute("select rank, title, upvotes "
                          "from top_papers('2025-01-01', '2025-12-31', 5)").fetchall()
    assert rows == [(1, ITS_ALL_CONNECTED, 4),
                    (2, "AlphaGo Moment for Model Architecture Discovery", 1)]
    assert reader.execute("select count(*) from top_papers('2025-01-01', '2025-12-31', 1)"
                          ).fetchone()[0] == 1
    assert reader.execute("select count(*) from top_papers('2024-01-01', '2024-12-31', 5)"
                          ).fetchone()[0] == 0


def test_monthly_counts(reader):
    months, total, last_cumulative, first, last = reader.execute(
        "select count(*), sum(papers), max(cumulative_papers), min(month), max(month) "
        "from monthly_counts").fetchone()
    assert (total, last_cumulative) == (43, 43)
    assert (first, last) == (date(2018, 6, 1), date(2025, 11, 1))
    assert months == (2025 - 2018) * 12 + (11 - 6) + 1  # every month, zero-filled
    assert reader.execute("select papers, cumulative_papers from monthly_counts "
                          "where month = '2025-11-01'").fetchone() == (3, 43)


def test_vote_history(reader):
    paper_id = reader.execute("select paper_id from papers where title = ?",
                              [ITS_ALL_CONNECTED]).fetchone()[0]
    rows = reader.execute("select scraped_on, upvotes, upvotes_change from vote_history(?)",
                          [paper_id]).fetchall()
    assert rows == [(date(2025, 12, 12), 4, None)]
    assert reader.execute("select count(*) from vote_history('no such paper')"
                          ).fetchone()[0] == 0


def test_every_helper_is_documented_in_the_warehouse(reader):
    macros = dict(reader.execute("select function_name, comment from duckdb_functions() "
                                 "where schema_name = 'main' and comment is not null").fetchall())
    assert set(macros) == {"papers_between", "top_papers", "vote_history", "search_papers",
                           "search_snippet"}
    assert macros["top_papers"] == COMMENTS["macro table top_papers"]
    view = reader.execute("select comment from duckdb_views() where view_name = "
                          "'monthly_counts'").fetchone()[0]
    assert view.startswith("Papers per publication month")
    columns = reader.execute("select column_name, comment from duckdb_columns() "
                             "where table_name = 'monthly_counts'").fetchall()
    assert all(comment for _, comment in columns) and len(columns) == 3


def test_creating_the_helpers_again_is_harmless(built, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built / "warehouse.duckdb", copy)
    connection = duckdb.connect(str(copy))
    create_helpers(connection)
    create_helpers(connection)
    assert connection.execute("select sum(papers) from monthly_counts").fetchone()[0] == 43
    connection.close()
