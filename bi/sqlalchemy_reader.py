"""A BI tool's reads of the warehouse through SQLAlchemy and duckdb-engine, in its own process.

Superset and other SQLAlchemy-based tools connect as `engine()` does: the duckdb:/// URI of the
absolute path, `connect_args={"read_only": True}`. Run as a program, this reads one snapshot
after another and prints each as a JSON line until told `stop` on stdin:

    .venv/bin/python -m bi.sqlalchemy_reader data/warehouse.duckdb per-query

Modes — how the tool holds its connections:
  per-query  a new connection for every query (SQLAlchemy's NullPool: what Superset does)
  pooled     a connection pool with pre-ping that recycles connections after 1 s
  held       one connection kept open; `reconnect` on stdin closes it and opens another

Each reader is a process of its own, as a BI tool is: DuckDB shares one database instance
between all connections to a file within a process, so a connection held open anywhere in a
process pins the version it opened for every other connection of that process.
"""

import json
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

MODES = ("per-query", "pooled", "held")
PAUSE_SECONDS = 0.02  # between reads: a dashboard refreshing hard, not a busy loop

# One statement, so every number comes from the same version of the warehouse.
SNAPSHOT_SQL = """
select
    (select count(*) from papers)                  as papers,
    (select sum(papers) from authors_count)        as authors_count_papers,
    (select count(published_date) from papers)     as dated_papers,
    (select sum(papers) from daily_counts)         as daily_papers,
    (select max(cumulative_papers) from daily_counts) as cumulative_papers
"""


def engine(warehouse: Path, **pool_options) -> sa.Engine:
    """The engine a BI tool builds from the README's settings."""
    return sa.create_engine(f"duckdb:///{warehouse.resolve()}",
                            connect_args={"read_only": True}, **pool_options)


def snapshot(connection: sa.Connection) -> dict[str, int]:
    return dict(connection.execute(sa.text(SNAPSHOT_SQL)).mappings().one())


def engine_for(mode: str, warehouse: Path) -> sa.Engine:
    if mode == "per-query":
        return engine(warehouse, poolclass=NullPool)
    return engine(warehouse, pool_pre_ping=True, pool_recycle=1)


def run(warehouse: Path, mode: str) -> None:
    commands: list[str] = []
    stopping = threading.Event()

    def read_commands() -> None:
        for line in sys.stdin:
            commands.append(line.strip())
            if line.strip() == "stop":
                break
        stopping.set()  # `stop`, or stdin closed: the test is gone

    threading.Thread(target=read_commands, daemon=True).start()
    readers = engine_for(mode, warehouse)
    held = readers.connect() if mode == "held" else None
    _emit({"ready": True})
    while True:
        last_round = stopping.is_set()  # one more read after `stop`: it sees the latest state
        while commands:
            command = commands.pop(0)
            if command == "reconnect" and held is not None:
                held.close()
                held = readers.connect()
        try:
            if held is not None:
                _emit({"snapshot": snapshot(held)})
            else:
                with readers.connect() as connection:
                    _emit({"snapshot": snapshot(connection)})
        except Exception as problem:  # every failure is reported, none stops the reader
            _emit({"error": f"{type(problem).__name__}: {problem}"})
        if last_round:
            break
        time.sleep(PAUSE_SECONDS)
    if held is not None:
        held.close()
    readers.dispose()


def _emit(message: dict) -> None:
    print(json.dumps(message), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in MODES:
        sys.exit(f"usage: python -m bi.sqlalchemy_reader WAREHOUSE {{{'|'.join(MODES)}}}")
    run(Path(sys.argv[1]), sys.argv[2])
