"""Publishing in proportion to the change: the previous published file, copied as a file,
brought up to date with only the rows that changed.

Copying a file is sequential I/O (under a second per GB here); writing every table anew, as a
first publish does, recompresses every abstract and posting (11 s at a million listings).
The copy is then patched inside one transaction:

- the paper tables (papers and its child tables): the papers whose listings changed, by
  `listings_fingerprint` (with the same code, a paper's rows are a function of its listings),
  are deleted and inserted again from the build file;
- authors and rejects: the groups (an author, a raw file) whose rows hash differently;
- authors_count, daily_counts and the small index tables: replaced whole;
- the search index's postings: those of the documents whose row changed (document and term
  numbers are only ever appended, never reused for other text, between rebuilds).

The caller patches only a file this code published and nobody wrote into since
(build_state.published_file_is_ours). The patch refuses (PatchRefused) when the two files'
layouts differ or the index was renumbered, and checks every table's row count against the
build file's at the end; the caller then writes the file anew.
"""

import duckdb

from dagster_project.warehouse.search_index import SCHEMA as SEARCH_SCHEMA

PAPER_TABLES = ("papers", "paper_sightings", "paper_authors", "paper_keywords",
                "paper_categories")
GROUPED_TABLES = {"authors": "author_name", "rejects": "source_file"}
REPLACED_TABLES = ("authors_count", "daily_counts")
INDEX_REPLACED = ("version", "words", "dict", "stats")


class PatchRefused(Exception):
    """The previous published file cannot be patched into this build: write it anew."""


def patch(connection: duckdb.DuckDBPyConnection, published_tables: tuple[str, ...]) -> int:
    """Bring the open copy (main) up to date with the attached build file (`build`); the
    number of papers whose rows changed."""
    _refuse_other_layouts(connection, published_tables)
    connection.execute("begin transaction")
    try:
        changed = _patch_paper_tables(connection)
        for table, key in GROUPED_TABLES.items():
            _patch_groups(connection, f"main.{table}", key)
        for table in REPLACED_TABLES:
            _replace(connection, f"main.{table}")
        _patch_index(connection)
        _check_counts(connection, published_tables)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return changed


def _refuse_other_layouts(connection: duckdb.DuckDBPyConnection,
                          published_tables: tuple[str, ...]) -> None:
    layouts = {}
    here = connection.execute("select current_database()").fetchone()[0]
    for database in (here, "build"):
        layouts[database] = set(connection.execute(
            "select schema_name, table_name, column_name, data_type, column_index "
            "from duckdb_columns() where database_name = ? and ((schema_name = 'main' "
            "and list_contains(?, table_name)) or schema_name = ?)",
            [database, list(published_tables), SEARCH_SCHEMA]).fetchall())
    if not layouts[here] or layouts[here] != layouts["build"]:
        raise PatchRefused("the tables' columns differ from the build file's")


def _patch_paper_tables(connection: duckdb.DuckDBPyConnection) -> int:
    connection.execute("""
        create or replace temp table changed_papers as
        select paper_id from (
            (select paper_id, listings_fingerprint from main.papers
             except select paper_id, listings_fingerprint from build.main.papers)
            union all
            (select paper_id, listings_fingerprint from build.main.papers
             except select paper_id, listings_fingerprint from main.papers))
        group by paper_id
    """)
    changed = connection.execute("select count(*) from changed_papers").fetchone()[0]
    if changed:
        for table in PAPER_TABLES:
            connection.execute(f"""
                delete from main.{table} where paper_id in (select paper_id from changed_papers);
                insert into main.{table}
                select * from build.main.{table}
                where paper_id in (select paper_id from changed_papers);
            """)
    connection.execute("drop table changed_papers")
    return changed


def _patch_groups(connection: duckdb.DuckDBPyConnection, table: str, key: str,
                  also: tuple[str, ...] = ()) -> None:
    """Replace the groups of rows (one key each) whose rows differ, found by hashing each
    group's rows in both files (bit_xor: the order of rows does not matter); and the rows
    of those keys in the tables `also` names, which follow the first table's."""
    group_hashes = f"select {key}, bit_xor(hash(t)) as rows_hash from {{}} as t group by {key}"
    connection.execute(f"""
        create or replace temp table changed_groups as
        select {key} from ({group_hashes.format(table)}) as published
        full outer join ({group_hashes.format('build.' + table)}) as built using ({key})
        where published.rows_hash is distinct from built.rows_hash
    """)
    for each in (table, *also):
        connection.execute(f"""
            delete from {each} where {key} in (select {key} from changed_groups);
            insert into {each}
            select * from build.{each} where {key} in (select {key} from changed_groups);
        """)
    connection.execute("drop table changed_groups")


def _replace(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    connection.execute(f"delete from {table}; insert into {table} select * from build.{table}")


def _patch_index(connection: duckdb.DuckDBPyConnection) -> None:
    index = SEARCH_SCHEMA
    renumbered = connection.execute(f"""
        select count(*) from {index}.dict as published
        join build.{index}.dict as built using (termid)
        where published.term <> built.term
    """).fetchone()[0]
    if renumbered:  # rebuilt since: the postings' numbers mean other terms
        raise PatchRefused("the search index was rebuilt")
    _patch_groups(connection, f"{index}.docs", "docid", also=(f"{index}.postings",))
    for table in INDEX_REPLACED:
        _replace(connection, f"{index}.{table}")


def _check_counts(connection: duckdb.DuckDBPyConnection,
                  published_tables: tuple[str, ...]) -> None:
    tables = [f"main.{table}" for table in published_tables] + [
        f"{SEARCH_SCHEMA}.{table}" for table in ("docs", "postings", *INDEX_REPLACED)]
    for table in tables:
        here, built = connection.execute(
            f"select (select count(*) from {table}), (select count(*) from build.{table})"
        ).fetchone()
        if here != built:
            raise PatchRefused(f"{table} would hold {here:,} rows, the build file {built:,}")
