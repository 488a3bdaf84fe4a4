"""DuckDB extensions from the files their PyPI packages ship (duckdb-extension-NAME).

Offline, DuckDB cannot download extensions. Installing the bundled file puts it in DuckDB's
per-user extension directory (~/.duckdb/extensions/v<version>/<platform>/), after which any
DuckDB client of the same version on the machine (CLI, Python, dbt-duckdb, duckdb-engine in a
BI tool) can `LOAD NAME`, or autoload it. This package's own code installs before it loads,
so a fresh machine needs no set-up step.
"""

from importlib.util import find_spec
from pathlib import Path

import duckdb


def bundled(name: str) -> Path | None:
    """NAME.duckdb_extension for this DuckDB version, as shipped on PyPI; None if absent."""
    spec = find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.is_file() else None


def install_for_user(connection: duckdb.DuckDBPyConnection, name: str) -> str:
    """INSTALL the bundled file into the per-user extension directory, LOAD it, and return
    where DuckDB put it. Without the bundled file, DuckDB's own INSTALL (needs the network)."""
    path = bundled(name)
    connection.execute(f"INSTALL {sql_string(str(path))}" if path else f"INSTALL {name}")
    connection.execute(f"LOAD {name}")
    row = connection.execute(
        "select install_path from duckdb_extensions() where extension_name = ?", [name]
    ).fetchone()
    return row[0] if row else ""


def load(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """Make NAME available on a (possibly read-only) connection, without writing anything."""
    path = bundled(name)
    connection.execute(f"LOAD {sql_string(str(path))}" if path else f"LOAD {name}")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
