"""A throwaway Apache Superset, driven only through its own CLI and REST API.

`SupersetServer` sets Superset up in a temporary SUPERSET_HOME (a SQLite metadata database, a
test SECRET_KEY), runs `superset db upgrade`, `superset fab create-admin` and `superset init`,
and serves it with gunicorn on a free loopback port. `SupersetClient` is what a person does
in the UI, as REST calls: log in, register the warehouse as a DuckDB database (read-only
engine parameters), add a dataset, ask for a chart's data, run SQL Lab.

    .venv/bin/python -m bi.superset_server data/warehouse.duckdb   # a smoke run, prints JSON
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import requests

from bi.superset_env import ensure_venv

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-password-for-tests"
# What a person types into Superset's "Connect a database" form for the warehouse.
READ_ONLY_ENGINE_PARAMETERS = {"engine_params": {"connect_args": {"read_only": True}}}

CONFIG = """\
SECRET_KEY = {secret!r}
SQLALCHEMY_DATABASE_URI = {metadata!r}
# A test instance on loopback: no HTTPS, no Content Security Policy to set up.
TALISMAN_ENABLED = False
CONTENT_SECURITY_POLICY_WARNING = False
"""


class SupersetServer:
    """Superset from the venv, with its state in `home`; a context manager that stops it."""

    def __init__(self, home: Path, venv: Path | None = None):
        self.venv = venv or ensure_venv()
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / "gunicorn.log"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "SupersetServer":
        self.set_up()
        try:
            self.start()
        except BaseException:
            self.stop()  # a server that never answered is not left running
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def environment(self) -> dict[str, str]:
        config = self.home / "superset_config.py"
        return {**os.environ, "SUPERSET_HOME": str(self.home),
                "SUPERSET_CONFIG_PATH": str(config), "FLASK_APP": "superset"}

    def set_up(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "superset_config.py").write_text(CONFIG.format(
            secret=os.urandom(24).hex(),
            metadata=f"sqlite:///{self.home / 'superset.db'}",
        ))
        self._superset("db", "upgrade")
        self._superset("fab", "create-admin", "--username", ADMIN_USER, "--firstname", "Papers",
                       "--lastname", "Warehouse", "--email", "admin@example.com",
                       "--password", ADMIN_PASSWORD)
        self._superset("init")

    def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            [str(self.venv / "bin" / "gunicorn"), "--workers", "1", "--threads", "4",
             "--timeout", "120", "--bind", f"127.0.0.1:{self.port}",
             "superset.app:create_app()"],
            env=self.environment, cwd=self.home, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Superset exited early:\n{self.log_tail()}")
            # The worker creates the app on its first request: that one can take a while.
            with suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(f"{self.url}/health", timeout=60).text == "OK":
                    return
            time.sleep(0.5)
        raise RuntimeError(f"Superset did not answer /health in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _superset(self, *args: str) -> None:
        done = subprocess.run([str(self.venv / "bin" / "superset"), *args], env=self.environment,
                              cwd=self.home, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"superset {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


class SupersetClient:
    """Superset's REST API as an admin: JWT for auth, plus the CSRF token its writes need."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        login = self.session.post(f"{url}/api/v1/security/login", timeout=30, json={
            "username": ADMIN_USER, "password": ADMIN_PASSWORD, "provider": "db",
            "refresh": True,
        })
        login.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        csrf = self._call("GET", "/api/v1/security/csrf_token/")["result"]
        self.session.headers.update({"X-CSRFToken": csrf, "Referer": url})

    def add_warehouse(self, warehouse: Path, name: str = "Papers Warehouse") -> int:
        """Register the DuckDB file as Superset does from its form: URI + engine parameters."""
        return self._call("POST", "/api/v1/database/", json={
            "database_name": name,
            "sqlalchemy_uri": f"duckdb:///{warehouse.resolve()}",
            "extra": json.dumps(READ_ONLY_ENGINE_PARAMETERS),
            "expose_in_sqllab": True,
        })["id"]

    def test_connection(self, warehouse: Path) -> None:
        self._call("POST", "/api/v1/database/test_connection/", json={
            "sqlalchemy_uri": f"duckdb:///{warehouse.resolve()}",
            "extra": json.dumps(READ_ONLY_ENGINE_PARAMETERS),
        })

    def add_dataset(self, database_id: int, table: str, schema: str = "main") -> int:
        return self._call("POST", "/api/v1/dataset/", json={
            "database": database_id, "schema": schema, "table_name": table,
        })["id"]

    def papers_by_month(self, dataset_id: int) -> list[dict]:
        """The query a bar chart of SUM(papers) by month sends (day at a month time grain)."""
        month = {"label": "month", "sqlExpression": "day", "expressionType": "SQL",
                 "columnType": "BASE_AXIS", "timeGrain": "P1M"}
        papers = {"label": "papers", "expressionType": "SIMPLE", "aggregate": "SUM",
                  "column": {"column_name": "papers"}}
        result = self._call("POST", "/api/v1/chart/data", json={
            "datasource": {"id": dataset_id, "type": "table"},
            "force": True,  # past Superset's results cache: every call reads the warehouse
            "queries": [{"columns": [month], "metrics": [papers],
                         "row_limit": 10000}],
            "result_format": "json", "result_type": "full",
        })
        return sorted(result["result"][0]["data"], key=lambda row: row["month"])

    def sql_lab(self, database_id: int, sql: str) -> list[dict]:
        return self._call("POST", "/api/v1/sqllab/execute/", json={
            "database_id": database_id, "sql": sql, "schema": "main", "runAsync": False,
        })["data"]

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self.session.request(method, f"{self.url}{path}", timeout=120, **kwargs)
        if not response.ok:
            raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text[:2000]}")
        return response.json()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smoke(warehouse: Path) -> dict:
    """Set Superset up, chart daily_counts by month and total it in SQL Lab."""
    with tempfile.TemporaryDirectory(prefix="superset-home-") as home, \
            SupersetServer(Path(home)) as server:
        client = SupersetClient(server.url)
        client.test_connection(warehouse)
        database = client.add_warehouse(warehouse)
        dataset = client.add_dataset(database, "daily_counts")
        return {
            "papers_by_month": client.papers_by_month(dataset),
            "sql_lab": client.sql_lab(database, "select sum(papers) as papers from daily_counts"),
        }


if __name__ == "__main__":
    print(json.dumps(smoke(Path(sys.argv[1])), indent=2, default=str))
