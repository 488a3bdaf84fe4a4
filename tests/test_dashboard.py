"""The dashboard a build writes (DIR/dashboard.html), opened in headless Chromium with the
network blocked: every chart draws the bundled samples' data, nothing is fetched."""

import json
import shutil
from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.serve.dashboard.figures import read_figures
from dagster_project.serve.dashboard.page import _json
from tests.browser import launch, require_chromium
from tests.pipeline_helpers import scalar

MAX_BYTES = 3_000_000


def open_offline(page_path: Path, screenshot: Path) -> dict:
    """Load the file with every non-file request refused; what was drawn and refused."""
    sync_playwright = require_chromium()
    refused, errors = [], []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith("file:")
                       else (refused.append(route.request.url), route.abort()))
            page.on("console", lambda message: errors.append(message.text)
                    if message.type == "error" else None)
            page.goto(page_path.as_uri())
            page.wait_for_function("Array.from(document.querySelectorAll('.chart'))"
                                   ".every(chart => chart.querySelector('svg'))")
            drawn = page.eval_on_selector_all(
                ".chart", "charts => charts.map(c => [c.id, !!c.querySelector('svg'), "
                "c.querySelectorAll('svg path, svg rect, svg .mark-symbol path').length])")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"drawn": drawn, "refused": refused, "errors": errors}


def test_the_sample_dashboard_draws_every_chart_offline(demo, tmp_path):
    page_path = demo / "dashboard.html"
    assert page_path.stat().st_size < MAX_BYTES
    seen = open_offline(page_path, tmp_path / "dashboard.png")
    assert seen["refused"] == [] and seen["errors"] == []
    ids = {chart_id for chart_id, _, _ in seen["drawn"]}
    assert ids == {"per_month", "per_day", "top_7", "top_30", "trajectories", "authors",
                   "keywords", "categories", "rejects"}
    assert all(has_svg and marks > 0 for _, has_svg, marks in seen["drawn"]), seen["drawn"]
    assert (tmp_path / "dashboard.png").stat().st_size > 0

    text = page_path.read_text(encoding="utf-8")
    assert "checks: " in text and " passed" in text  # the build's health, from its run
    assert "Daily Papers listing date" in text and "arXiv publication date" in text


def test_the_figures_are_the_warehouse_s(demo):
    figures = read_figures(demo / "warehouse.duckdb")
    assert figures.table_rows["papers"] == scalar(demo, "select count(*) from papers")
    drawn_per_month = sum(row["papers"] for row in figures.per_month)
    assert drawn_per_month == scalar(demo, """
        select count(*) from papers
        where coalesce(submitted_on_daily_date, published_date) is not null""")
    assert figures.top_papers[30][0]["upvotes"] == max(
        paper["upvotes"] for paper in figures.top_papers[30])


@pytest.mark.parametrize("title", ["Attack </script><script>alert(1)</script>",
                                   "Attack <!--<script> x", "Lines\u2028apart & <b>"])
def test_user_text_cannot_end_or_confuse_the_script_element(title):
    encoded = _json({"title": title})
    assert "<" not in encoded and ">" not in encoded
    assert json.loads(encoded) == {"title": title}


def test_the_dashboard_command_says_where_it_is(demo, tmp_path, capsys):
    copy = tmp_path / "data"
    shutil.copytree(demo, copy)
    (copy / "dashboard.html").unlink()  # e.g. a data dir built before the dashboard existed
    assert main(["dashboard", "--data-dir", str(copy)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(copy / "dashboard.html")
    assert (copy / "dashboard.html").stat().st_size > 0 and "wrote" in err


def test_no_dashboard_before_a_build(tmp_path, capsys):
    assert main(["dashboard", "--data-dir", str(tmp_path)]) == 1
    assert "papers-warehouse build" in capsys.readouterr().err
