"""DuckDB's full-text search extension, from the file the duckdb-extension-fts package ships.

Offline, DuckDB cannot download extensions, so the build installs the bundled file into
DuckDB's per-user extension directory (~/.duckdb/extensions/v<version>/<platform>/). After
that, any DuckDB client of the same version on the machine — CLI, Python, duckdb-engine in a
BI tool — autoloads fts the first time a query calls one of its functions (search_papers does,
through stem()). This package's own readers load the bundled file directly, so they work even
where the user directory is not writable.
"""

from importlib.util import find_spec
from pathlib import Path

import duckdb


def bundled_extension() -> Path | None:
    """fts.duckdb_extension for this DuckDB version, as shipped on PyPI; None if not installed."""
    spec = find_spec("duckdb_extension_fts")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    return path if path.is_file() else None


def install_for_user(connection: duckdb.DuckDBPyConnection) -> str:
    """INSTALL the bundled file into the per-user extension directory and LOAD it.

    Returns where DuckDB installed it. Without the bundled file, falls back to DuckDB's own
    INSTALL (which needs the network).
    """
    bundled = bundled_extension()
    connection.execute(f"INSTALL {_sql_string(str(bundled))}" if bundled else "INSTALL fts")
    connection.execute("LOAD fts")
    row = connection.execute(
        "select install_path from duckdb_extensions() where extension_name = 'fts'"
    ).fetchone()
    return row[0] if row else ""


def load(connection: duckdb.DuckDBPyConnection) -> None:
    """Make fts available on a (possibly read-only) connection, without writing anything."""
    bundled = bundled_extension()
    connection.execute(f"LOAD {_sql_string(str(bundled))}" if bundled else "LOAD fts")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
