"""Great Expectations inside DuckDB: GX's SQL datasource over duckdb-engine, so that each
expectation is a query DuckDB answers and no table is pulled into Python.

GX 1.24 needs two adjustments to its SQLAlchemy execution engine for DuckDB, made in a
datasource type of our own ("duckdb") rather than by patching GX:

- It reads a query's rows after handing the connection back to the pool
  (SqlAlchemyExecutionEngine.execute_query); DuckDB's cursor has nothing left to give by
  then, and every metric fails with "list index out of range". Here the rows are read first.
- It knows no DuckDB dialect: it refuses regular expressions, and resolves type names
  against SQLAlchemy's generic types. duckdb-engine's dialect is PostgreSQL's, whose `~`
  DuckDB reads as a regular-expression match; type names stay SQLAlchemy's (String,
  Integer, BigInteger, Date, DateTime: what duckdb-engine reflects).

tests/test_quality.py checks that plain GX still needs both, so an upgrade that fixes them
upstream says so.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Literal

import duckdb_engine
import sqlalchemy
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine


def _dialect_module() -> types.ModuleType:
    """SQLAlchemy's type names, with duckdb-engine's (PostgreSQL) dialect for the regexes."""
    module = types.ModuleType("papers_warehouse_duckdb_dialect")
    module.__dict__.update({name: value for name, value in vars(sqlalchemy.types).items()
                            if isinstance(value, type)})
    module.dialect = duckdb_engine.Dialect
    return module


DIALECT_MODULE = _dialect_module()


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dialect_module = DIALECT_MODULE

    def execute_query(self, query):
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            return result.freeze()()  # every row read while the connection is ours


class DuckDBDatasource(SQLDatasource):
    """A DuckDB database file, read-only. (This DuckDB has no ICU extension, so a date
    compared with a timestamp is its midnight UTC, whatever the machine's time zone.)"""

    type: Literal["duckdb"] = "duckdb"

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        return DuckDBExecutionEngine


def connection_settings(database: Path, config: dict) -> dict:
    """add_duckdb's arguments for a database file opened read-only with DuckDB config. The
    path goes to duckdb.connect as it is, not through a URL (where `?` or `#` in a folder's
    name would be read as URL syntax)."""
    return {"connection_string": "duckdb://",
            "kwargs": {"connect_args": {"database": str(Path(database).resolve()),
                                        "read_only": True, "config": config}}}
