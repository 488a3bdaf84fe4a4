"""The Dagster UI, as a person uses it: `dagster dev` on a fresh instance and the bundled
sample, driven in headless Chromium (Debian's /usr/bin/chromium through Playwright; Playwright
never downloads a browser here). One server: see the assets, press "Materialize all" on the
build job, watch the run succeed, and find the check results (with the GX Data Docs link) on
the assets; then backfill three days of daily_papers from a local replay of the Hub's API.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from dagster_project.commands.instance import INSTANCE_CONFIG
from dagster_project.serve.docs_site import DocsHandler
from dagster_project.settings import data_paths
from tests.browser import launch, require_chromium
from tests.conftest import ROOT, SAMPLE
from tests.hub_replay import HubReplay, hub_wrapper

SERVER_START_SECONDS = 120
RUN_SECONDS = 300
BACKFILL_DAYS = ("2026-11-30", "2026-12-01", "2026-12-02")  # within the dialog's last 90 days

sync_playwright = require_chromium()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def hub():
    """The Hub's Daily Papers API, replayed on 127.0.0.1: three days of three papers."""
    with HubReplay(page_cap=2) as replay:
        for day in BACKFILL_DAYS:
            replay.days[day] = [hub_wrapper(f"2512.{day[-2:]}{index:03d}",
                                            f"Paper {index} of {day}", day, index)
                                for index in range(3)]
        yield replay


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory, hub):
    """`dagster dev` (webserver + daemon) on a throwaway instance and data dir, collecting
    from the replayed Hub; yields its URL."""
    base = tmp_path_factory.mktemp("ui")
    home, raw = base / "dagster_home", base / "data" / "raw"
    home.mkdir()
    raw.mkdir(parents=True)
    shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    for path in SAMPLE.parent.glob(SAMPLE.name + "*"):
        shutil.copy2(path, raw / path.name)
    port, docs_port = _free_port(), _free_port()
    log = base / "dagster-dev.log"
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "PAPERS_WAREHOUSE_DATA_DIR": str(raw.parent), "HF_ENDPOINT": hub.url,
           "PAPERS_WAREHOUSE_DOCS_PORT": str(docs_port)}
    # The docs site the UI's links point to, as `make ui` starts it beside the UI.
    docs_site = ThreadingHTTPServer(("127.0.0.1", docs_port),
                                    partial(DocsHandler, paths=data_paths(raw.parent)))
    threading.Thread(target=docs_site.serve_forever, daemon=True).start()
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "dg"), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the teardown ends all of it
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, f"dagster dev exited:\n{_log_tail(log)}"
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"no server after {SERVER_START_SECONDS} s"
                time.sleep(0.5)
        yield url, raw.parent, log
    finally:
        _stop(server)
        docs_site.shutdown()
        docs_site.server_close()


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left (the daemon can linger)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # children outlive the leader
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@pytest.fixture(scope="module")
def page(dagster_ui):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(60_000)  # the code location may still be loading
            # No "Join the Dagster community" dialog: the instance switches it off
            # (nux: enabled: false in commands/dagster.yaml); it covered menus 1 time in 3.
            yield page
        finally:
            browser.close()


def every_asset_label() -> list[str]:
    """Every asset of the code location, as the graph labels it (the last key part)."""
    from dagster_project.definitions import defs

    return sorted(key.path[-1] for key in defs().resolve_all_asset_keys())


def test_materialize_all_from_the_build_job(dagster_ui, page):
    url, data_dir, log = dagster_ui
    page.goto(f"{url}/asset-groups")
    page.get_by_role("button", name="settings", exact=True).click()
    page.get_by_role("menuitem", name="Expand all groups").click()
    for asset in every_asset_label():
        page.get_by_text(asset, exact=True).first.wait_for()

    # The job's graph holds every asset but the partitioned daily_papers: no dialog.
    page.goto(f"{url}/locations/papers_warehouse/jobs/build_warehouse")
    page.get_by_role("button", name="Materialize all").click()
    page.get_by_text(re.compile(r"^Launched run")).first.wait_for()
    page.locator("a[href*='/runs/']", has_text="View").first.click()
    outcome = page.get_by_text(re.compile(r"^(Success|Failure|Canceled)$")).first
    outcome.wait_for(timeout=RUN_SECONDS * 1000)
    assert outcome.inner_text() == "Success", f"the run did not succeed:\n{_log_tail(log)}"
    assert (data_dir / "warehouse.duckdb").exists()

    # The GX suite and the dbt tests of a mart, as checks on its asset page.
    page.goto(f"{url}/assets/papers?view=checks&checkDetail=gx_papers")
    for check in ("gx_papers", "unique_papers_paper_id"):
        page.get_by_text(check, exact=True).first.wait_for()
    page.get_by_text("Passed", exact=True).first.wait_for()
    assert page.get_by_text("Failed", exact=True).count() == 0
    # The check's Data Docs link: the docs site over http, styled, listing its validation.
    docs_link = page.locator("a[href^='http://127.0.0.1'][href$='quality/index.html']").first
    with page.context.expect_page() as opened:
        docs_link.click()
    docs = opened.value
    docs.wait_for_function("document.querySelectorAll('table tbody tr').length >= 7")
    assert "papers" in docs.locator("table tbody").first.inner_text()
    assert docs.evaluate("[...document.styleSheets].some(sheet => (sheet.href || '')"
                         ".endsWith('vendor/bootstrap.min.css') && sheet.cssRules.length)")
    docs.close()

    # The published warehouse: row counts and a preview of papers.
    page.goto(f"{url}/assets/warehouse")
    page.get_by_text("rows papers", exact=True).first.wait_for()
    page.get_by_text("preview papers", exact=True).first.wait_for()


def test_backfill_a_range_of_days_from_the_ui(dagster_ui, page, hub):
    url, data_dir, log = dagster_ui
    page.goto(f"{url}/assets/daily_papers")
    page.get_by_role("button", name="Materialize…").first.click()
    selection = page.get_by_placeholder("No matching partitions")  # the range to backfill
    selection.fill(f"[{BACKFILL_DAYS[0]}...{BACKFILL_DAYS[-1]}]")
    selection.press("Enter")
    page.get_by_role("button", name="Launch backfill").click()

    expected = {f"{day}_daily_papers.json" for day in BACKFILL_DAYS}
    deadline = time.monotonic() + RUN_SECONDS
    while not expected <= {path.name for path in (data_dir / "raw").iterdir()}:
        assert time.monotonic() < deadline, f"the backfill saved no files:\n{_log_tail(log)}"
        time.sleep(1)
    asked = {r["date"] for r in hub.requests if r["path"] == "/api/daily_papers"}
    assert asked == set(BACKFILL_DAYS)
    page.goto(f"{url}/assets/daily_papers?view=partitions")
    # The partitions view counts them: "Materialized (3)" beside Failed (0) and Missing (…).
    page.get_by_text("Materialized (3)", exact=False).first.wait_for()
