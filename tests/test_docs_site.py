"""`papers-warehouse docs`: the dashboard and the Data Docs of the demo build over HTTP on
127.0.0.1, and the Data Docs styled and listing their validations with the network blocked."""

import threading
import urllib.error
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

from dagster_project.serve.docs_site import DocsHandler, docs_url
from dagster_project.settings import data_paths
from dagster_project.warehouse.data_docs import CDN_FILES
from tests.browser import launch, require_chromium


@pytest.fixture(scope="module")
def site(demo):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(DocsHandler, paths=data_paths(demo)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_index_links_what_there_is(site):
    status, body = get(site + "/")
    assert status == 200
    assert b'href="/dashboard.html"' in body and b'href="/quality/index.html"' in body


@pytest.mark.parametrize("path", ["/dashboard.html", "/quality/index.html",
                                  "/quality/static/vendor/jquery.min.js",
                                  "/quality/static/vendor/fontawesome/css/all.min.css"])
def test_the_site_serves_the_pages_and_their_files(site, path):
    status, body = get(site + path)
    assert status == 200 and body


@pytest.mark.parametrize("path", ["/quality/../warehouse.duckdb", "/raw/",
                                  "/quality/%2e%2e/warehouse.duckdb", "/warehouse.duckdb"])
def test_nothing_else_is_served(site, path):
    assert get(site + path)[0] == 404


def test_data_docs_hold_no_cdn_url(demo):
    for page in (demo / "quality").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(url in text for url in CDN_FILES), page


def test_the_links_the_ui_shows_are_http(monkeypatch):
    monkeypatch.setenv("PAPERS_WAREHOUSE_DOCS_PORT", "4123")
    assert docs_url("quality/index.html") == "http://127.0.0.1:4123/quality/index.html"


def test_data_docs_are_styled_and_list_validations_offline(site, tmp_path):
    sync_playwright = require_chromium()
    refused = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(site)
                       else (refused.append(route.request.url), route.abort()))
            page.goto(site + "/quality/index.html")
            page.wait_for_function("document.querySelectorAll('table tbody tr').length >= 7")
            bootstrap_rules = page.evaluate(
                "[...document.styleSheets].filter(s => (s.href || '').includes('bootstrap.min"
                ".css')).map(s => s.cssRules.length)[0] || 0")
            suites = page.locator("table tbody tr").all_inner_texts()
            page.screenshot(path=str(tmp_path / "data_docs.png"))
        finally:
            browser.close()
    assert refused == []
    assert bootstrap_rules > 100
    assert any("papers" in row for row in suites)
