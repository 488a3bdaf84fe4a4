"""Apache Superset 6.1.0 charts the warehouse, and keeps charting it while a build publishes.

Superset runs from its own cached venv (bi/superset_env.py) with a throwaway home, and is driven
only through its CLI and REST API (bi/superset_server.py), with the settings the README gives:
`duckdb:////abs/path/warehouse.duckdb` and engine parameters
`{"connect_args": {"read_only": true}}`. Marked `bi`: `make test-bi` runs it.
"""

import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from bi.superset_env import ensure_venv
from bi.superset_server import SupersetClient, SupersetServer
from tests.pipeline_helpers import build
from tests.test_bi_sqlalchemy import add_page

pytestmark = pytest.mark.bi


@pytest.fixture
def data_dir(published_sample, tmp_path) -> Path:
    """A copy of the built sample: 43 dated papers in daily_counts."""
    copy = tmp_path / "data"
    shutil.copytree(published_sample, copy)
    return copy


@pytest.fixture(scope="module")
def superset_venv() -> Path:
    return ensure_venv()


def papers_by_month(warehouse: Path) -> list[dict]:
    """The chart's numbers straight from DuckDB (month as epoch milliseconds, as Superset's)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = connection.execute("""
            select epoch_ms(date_trunc('month', day)), sum(papers)
            from daily_counts group by 1 order by 1
        """).fetchall()
    finally:
        connection.close()
    return [{"month": month, "papers": papers} for month, papers in rows]


def total(chart: list[dict]) -> int:
    return sum(row["papers"] for row in chart)


def test_superset_charts_the_warehouse_while_a_build_publishes(data_dir, tmp_path,
                                                                superset_venv):
    warehouse = data_dir / "warehouse.duckdb"
    expected = papers_by_month(warehouse)
    with SupersetServer(tmp_path / "superset-home", superset_venv) as server:
        client = SupersetClient(server.url)
        client.test_connection(warehouse)
        database = client.add_warehouse(warehouse)
        dataset = client.add_dataset(database, "daily_counts")

        chart = client.papers_by_month(dataset)
        assert total(chart) == 43
        assert [{"month": int(row["month"]), "papers": row["papers"]} for row in chart] == expected
        assert client.sql_lab(database, "select sum(papers) as papers from daily_counts") == [
            {"papers": 43}]

        # A dashboard refreshing while the pipeline publishes a new version.
        totals, errors, building = [], [], threading.Event()
        building.set()

        def refresh_in_a_loop() -> None:
            while building.is_set():
                try:
                    totals.append(total(client.papers_by_month(dataset)))
                except Exception as problem:  # any failure is the finding
                    errors.append(problem)

        refresher = threading.Thread(target=refresh_in_a_loop)
        refresher.start()
        try:
            add_page(data_dir, "Dec 13", "A Brand New Paper")
            assert build(data_dir) == 0, "the build failed while Superset was reading"
        finally:
            building.clear()
            refresher.join()

        assert errors == []
        assert totals and set(totals) <= {43, 44}
        # Superset opens a connection per query (NullPool): the new version shows on the next
        # refresh, with no reconnect and no change to the database's settings.
        assert total(client.papers_by_month(dataset)) == 44
        assert client.sql_lab(database, "select count(*) as papers from papers") == [
            {"papers": 47}]
