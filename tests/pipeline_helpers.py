"""Run the real build (Dagster job, dbt, GX) and read the published warehouse."""

from pathlib import Path

import duckdb

from dagster_project.cli import main


def build(data_dir: Path) -> int:
    return main(["build", "--data-dir", str(data_dir)])


def query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return connection.execute(sql, params or []).fetchall()
    finally:
        connection.close()


def scalar(data_dir: Path, sql: str, params: list | None = None):
    return query(data_dir, sql, params)[0][0]
