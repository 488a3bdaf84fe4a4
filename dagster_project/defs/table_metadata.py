"""What the Dagster UI shows about a DuckDB table: row count, column schema, a preview.

Everything is read through one short read-only connection, closed before returning: the
build file is written by dbt and the published file is read by BI tools, and DuckDB allows
one writing process or many read-only ones, never both.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

PREVIEW_CELL_CHARS = 60


@dataclass(frozen=True)
class Relation:
    """A table or view in a DuckDB file; views are described but not counted (a view over
    the whole lake would be scanned just to count it)."""

    schema: str
    name: str
    count_rows: bool = True


@dataclass(frozen=True)
class TableFacts:
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type), in table order
    row_count: int | None


def read_table_facts(database: Path, relations: Iterable[Relation]) -> dict[Relation, TableFacts]:
    """Columns and row counts of the relations that exist in `database` (others are left out)."""
    relations = list(relations)
    connection = duckdb.connect(str(database), read_only=True)
    try:
        rows = connection.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns where table_catalog = current_database() "
            "order by table_schema, table_name, ordinal_position").fetchall()
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in rows:
            columns.setdefault((schema, table), []).append((column, data_type))
        facts = {}
        for relation in relations:
            found = columns.get((relation.schema, relation.name))
            if found is None:
                continue
            row_count = None
            if relation.count_rows:
                row_count = connection.execute(
                    f"select count(*) from {_quoted(relation)}").fetchone()[0]
            facts[relation] = TableFacts(tuple(found), row_count)
        return facts
    finally:
        connection.close()


def table_schema(facts: TableFacts, descriptions: Mapping[str, str] | None = None
                 ) -> dg.TableSchema:
    descriptions = descriptions or {}
    return dg.TableSchema(columns=[
        dg.TableColumn(name=name, type=data_type, description=descriptions.get(name) or None)
        for name, data_type in facts.columns
    ])


def table_metadata(facts: TableFacts, descriptions: Mapping[str, str] | None = None) -> dict:
    """Dagster's standard table metadata keys, which the UI shows in its Columns section and
    plots over time (row count)."""
    metadata: dict = {"dagster/column_schema": table_schema(facts, descriptions)}
    if facts.row_count is not None:
        metadata["dagster/row_count"] = dg.MetadataValue.int(facts.row_count)
    return metadata


def markdown_preview(database: Path, relation: Relation, columns: Iterable[str],
                     order_by: str, limit: int = 10) -> str:
    """The first `limit` rows of some columns as a Markdown table, long cells shortened."""
    wanted = ", ".join(f'"{column}"' for column in columns)
    connection = duckdb.connect(str(database), read_only=True)
    try:
        result = connection.execute(
            f"select {wanted} from {_quoted(relation)} order by {order_by} limit {int(limit)}")
        header = [description[0] for description in result.description]
        rows = result.fetchall()
    finally:
        connection.close()
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split()).replace("|", "\\|")
    return text if len(text) <= PREVIEW_CELL_CHARS else text[:PREVIEW_CELL_CHARS - 1] + "…"


def _quoted(relation: Relation) -> str:
    return '"{}"."{}"'.format(relation.schema.replace('"', '""'),
                              relation.name.replace('"', '""'))
