"""One local site for everything a person reads beside the data: the dashboard, the Great
Expectations Data Docs and dbt's docs, on http://127.0.0.1:PORT (`papers-warehouse docs`).

Browsers do not open file:// links from a web page, so every link the Dagster UI shows
points here (docs_url). The site only serves files, read-only, from three folders.
"""

import html
import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from dagster_project.settings import DBT_PROJECT_DIR, DataPaths

DOCS_PORT_ENV = "PAPERS_WAREHOUSE_DOCS_PORT"
DEFAULT_PORT = 3001
DBT_DOCS_DIR = DBT_PROJECT_DIR / "target" / "docs"
DBT_DOCS_PAGE = "static_index.html"


def docs_port() -> int:
    return int(os.environ.get(DOCS_PORT_ENV) or DEFAULT_PORT)


def docs_url(path: str) -> str:
    """The site's URL of `path` (e.g. "quality/index.html")."""
    return f"http://127.0.0.1:{docs_port()}/{path.lstrip('/')}"


def site_folders(paths: DataPaths) -> dict[str, Path]:
    """URL prefix → the folder it serves."""
    return {"quality": paths.quality_docs, "dbt": DBT_DOCS_DIR}


class DocsHandler(SimpleHTTPRequestHandler):
    """Files under the site's folders only; `/` is an index of what there is."""

    def __init__(self, *args, paths: DataPaths, **kwargs) -> None:
        self.paths = paths
        super().__init__(*args, directory=str(paths.root), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if not self._special_route(head=False):
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._special_route(head=True):
            super().do_HEAD()

    def _special_route(self, head: bool) -> bool:
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route in ("/", "/index.html"):
            self._send_index(head)
            return True
        if route in ("/dbt/", "/dbt"):
            self.send_response(302)
            self.send_header("Location", f"/dbt/{DBT_DOCS_PAGE}")
            self.end_headers()
            return True
        return False

    def translate_path(self, path: str) -> str:
        route = unquote(path.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
        if "\x00" in route:
            return str(self.paths.root / ".not-served")
        if route == "dashboard.html":
            return str(self.paths.dashboard)
        prefix, _, rest = route.partition("/")
        folder = site_folders(self.paths).get(prefix)
        if folder is None:
            return str(self.paths.root / ".not-served")
        target = (folder / rest).resolve()
        if not target.is_relative_to(folder.resolve()):  # "..": never outside the folder
            return str(self.paths.root / ".not-served")
        return str(target)

    def _send_index(self, head: bool) -> None:
        body = index_page(self.paths).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        pass  # quiet: a page loads a dozen files


def index_page(paths: DataPaths) -> str:
    entries = [
        ("dashboard.html", "Dashboard", paths.dashboard.exists(),
         "written by every build that publishes"),
        ("quality/index.html", "Data quality (Great Expectations Data Docs)",
         (paths.quality_docs / "index.html").exists(), "written by the build's checks"),
        (f"dbt/{DBT_DOCS_PAGE}", "dbt docs: every model and column",
         (DBT_DOCS_DIR / DBT_DOCS_PAGE).exists(), "`make docs` writes them"),
    ]
    items = "\n".join(
        f'<li><a href="/{href}">{html.escape(label)}</a></li>' if present
        else f"<li>{html.escape(label)}: not there yet ({html.escape(how)})</li>"
        for href, label, present, how in entries)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Papers Warehouse docs"
            f"</title></head><body style='font-family: system-ui, sans-serif'>"
            f"<h1>Papers Warehouse</h1><p>{html.escape(str(paths.root))}</p><ul>{items}</ul>"
            "</body></html>")


def serve(paths: DataPaths, port: int) -> int:
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(DocsHandler, paths=paths))
    except OSError as error:
        print(f"error: cannot serve on 127.0.0.1:{port}: {error.strerror} (another docs "
              "site? pass --port)", file=sys.stderr)
        return 1
    print(f"serving the docs of {paths.root} on http://127.0.0.1:{port}/ (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
