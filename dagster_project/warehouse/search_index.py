"""The full-text search index over paper titles and abstracts, kept in the build file.

A BM25 index in schema `pg_search_index`, refreshed at publish time so the published warehouse
carries it (serve/search.py queries it). Words are what DuckDB's fts extension calls words
(its tokenizer: accents stripped, lower case, split at digits, punctuation and white space),
English stop words (the extension's list) are left out, and every word is reduced by the
extension's porter stemmer, so "cats" finds "Cat".

Why not `PRAGMA create_fts_index`: it can only rebuild the whole index, at every publish
(20-27 s for the 194k papers of the benchmark corpus on 2 busy cores; this index needs 14-22 s
from scratch), and its per-row match_bm25 was 1.5-4x slower per query there. This index stems
each distinct word once, stores (term, paper, count) postings sorted by term, and is refreshed
incrementally: the build file keeps it between builds, and a publish only re-indexes papers
whose title or abstract changed (0.3-0.7 s for a new page of 50 papers on that corpus).
"""

import time
from dataclasses import dataclass

import duckdb

from dagster_project import duckdb_extensions
from dagster_project.duckdb_extensions import sql_string
from dagster_project.serve.sql_helpers import comments_sql

# The pg_ prefix keeps the index's tables out of BI tools' table pickers: duckdb-engine (what
# Superset and other SQLAlchemy tools use) lists every schema's tables except pg_* ones.
SCHEMA = "pg_search_index"
LEGACY_SCHEMAS = ("search_index",)  # where earlier builds kept it: dropped on the rebuild
# Bump when the tokenizer, stemmer, stop words or table layout change: the next publish then
# rebuilds the index from scratch instead of refreshing it.
INDEX_VERSION = 1
STEMMER = "porter"
# The characters the fts extension's tokenizer splits at (its default `ignore` pattern in
# DuckDB 1.5), plus the white space its split uses. translate() to spaces is ~3x faster than
# the extension's regexp_replace and gives the same words.
SEPARATORS = "0123456789!@#$%^&*()_+={}[]:;<>,.?~\\/|'\"`-\t\n\r\f"
# When more than this share of the indexed papers changed, rebuild instead of patching.
REBUILD_SHARE = 0.25


INDEX_TABLES = f"""
create schema {SCHEMA};
create table {SCHEMA}.version (index_version integer, stemmer varchar);
insert into {SCHEMA}.version values ({INDEX_VERSION}, '{STEMMER}');
create table {SCHEMA}.docs (docid integer, paper_id varchar, content_hash ubigint, len integer);
create table {SCHEMA}.words (word varchar, term varchar, stopword boolean);
create table {SCHEMA}.dict (termid integer, term varchar, df integer);
create table {SCHEMA}.postings (termid integer, docid integer, tf integer);
create table {SCHEMA}.stats (num_docs bigint, avgdl double);
insert into {SCHEMA}.stats values (0, 0);
"""
INDEX_COMMENTS = {
    f"table {SCHEMA}.docs": "Search index: one row per indexed paper (len = its words).",
    f"table {SCHEMA}.words": "Search index: every word seen, its stem, whether a stop word.",
    f"table {SCHEMA}.dict": "Search index: one row per stemmed term, df = papers holding it.",
    f"table {SCHEMA}.postings": "Search index: how often (tf) each term occurs in each paper.",
    f"table {SCHEMA}.stats": "Search index: number of papers and their mean length in words.",
}

TOKENIZER = f"""
create or replace macro {SCHEMA}.tokens(text) as
    list_filter(
        string_split(
            translate(lower(strip_accents(text)), {sql_string(SEPARATORS)},
                      '{" " * len(SEPARATORS)}'),
            ' '),
        word -> word <> '');
create or replace macro {SCHEMA}.query_stems(query_text) as
    list_distinct(list_transform({SCHEMA}.tokens(query_text), word -> stem(word, '{STEMMER}')));
"""


@dataclass(frozen=True)
class IndexRefresh:
    papers: int
    added: int
    removed: int
    rebuilt: bool
    seconds: float


def refresh_index(connection: duckdb.DuckDBPyConnection) -> IndexRefresh:
    """Bring the search index in line with `papers`, in one transaction.

    Needs a writable connection with fts loaded (for stem()).
    """
    started = time.monotonic()
    connection.execute("begin transaction")
    try:
        connection.execute("""
            create or replace temp table search_papers_now as
            select paper_id, hash(title, abstract) as content_hash from papers
        """)
        rebuilt = _reset_if_outdated(connection)
        connection.execute(TOKENIZER)
        removed, added = _refresh_docs(connection)
        connection.execute("drop table search_papers_now")
        papers = connection.execute(f"select num_docs from {SCHEMA}.stats").fetchone()[0]
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return IndexRefresh(papers, added, removed, rebuilt, time.monotonic() - started)


def _reset_if_outdated(connection: duckdb.DuckDBPyConnection) -> bool:
    if _current_version(connection) == INDEX_VERSION and not _mostly_changed(connection):
        return False
    for schema in (SCHEMA, *LEGACY_SCHEMAS):
        connection.execute(f"drop schema if exists {schema} cascade")
    connection.execute(INDEX_TABLES)
    connection.execute(comments_sql(INDEX_COMMENTS))
    return True


def _current_version(connection: duckdb.DuckDBPyConnection) -> int | None:
    exists = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = 'version'",
        [SCHEMA],
    ).fetchone()[0]
    if not exists:
        return None
    return connection.execute(f"select max(index_version) from {SCHEMA}.version").fetchone()[0]


def _mostly_changed(connection: duckdb.DuckDBPyConnection) -> bool:
    """Patching most of the index costs more than rebuilding it, and leaves postings unsorted.

    (A DuckDB upgrade that changes hash() also lands here: every paper looks changed.)
    """
    indexed, kept = connection.execute(f"""
        select count(*), count(now.paper_id)
        from {SCHEMA}.docs as docs
        left join search_papers_now as now
            on now.paper_id = docs.paper_id and now.content_hash = docs.content_hash
    """).fetchone()
    return indexed > 0 and (indexed - kept) > REBUILD_SHARE * indexed


def _refresh_docs(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Drop papers that are gone or whose text changed, index the new ones; (removed, added)."""
    connection.execute(f"""
        create or replace temp table search_stale as
        select docs.docid
        from {SCHEMA}.docs as docs
        anti join search_papers_now as now
            on now.paper_id = docs.paper_id and now.content_hash = docs.content_hash;

        -- how each term's document frequency changes: postings removed, then added
        create or replace temp table search_df_change as
        select termid, -count(*) as change
        from {SCHEMA}.postings
        where docid in (select docid from search_stale)
        group by termid;
    """)
    removed = connection.execute("select count(*) from search_stale").fetchone()[0]
    if removed:
        connection.execute(f"""
            delete from {SCHEMA}.postings where docid in (select docid from search_stale);
            delete from {SCHEMA}.docs where docid in (select docid from search_stale);
        """)
    connection.execute(f"""
        create or replace temp table search_new as
        select
            (select coalesce(max(docid), 0) from {SCHEMA}.docs)
                + row_number() over (order by now.paper_id) as docid,
            now.paper_id, now.content_hash
        from search_papers_now as now
        anti join {SCHEMA}.docs as docs on docs.paper_id = now.paper_id
    """)
    added = connection.execute("select count(*) from search_new").fetchone()[0]
    if added:
        _index_new_docs(connection)
    if added or removed:
        connection.execute(f"""
            update {SCHEMA}.dict set df = dict.df + delta.change
            from (select termid, sum(change) as change from search_df_change group by termid)
                as delta
            where dict.termid = delta.termid and delta.change <> 0;

            delete from {SCHEMA}.stats;
            insert into {SCHEMA}.stats
            select count(*), coalesce(avg(len), 0) from {SCHEMA}.docs;
        """)
    connection.execute("drop table search_stale; drop table search_new; "
                       "drop table search_df_change")
    return removed, added


NEW_TEXTS = """(
    select new.docid, concat_ws(' ', papers.title, papers.abstract) as body
    from search_new as new
    join papers on papers.paper_id = new.paper_id
)"""


def _index_new_docs(connection: duckdb.DuckDBPyConnection) -> None:
    # Stem each distinct new word once (the expensive part of the extension's own indexer is
    # stemming every occurrence), then count terms per paper.
    connection.execute(
        f"""
        insert into {SCHEMA}.words
        select word, stem(word, '{STEMMER}'), list_contains($stopwords, word)
        from (select distinct unnest({SCHEMA}.tokens(body)) as word from {NEW_TEXTS})
        where word not in (select word from {SCHEMA}.words)
        """,
        {"stopwords": english_stopwords()},
    )
    connection.execute(f"""
        insert into {SCHEMA}.dict
        select (select coalesce(max(termid), 0) from {SCHEMA}.dict)
                   + row_number() over (order by term),
               term, 0
        from (select distinct term from {SCHEMA}.words where not stopword)
        where term not in (select term from {SCHEMA}.dict)
    """)
    connection.execute(f"""
        create or replace temp table search_word_terms as
        select words.word, dict.termid
        from {SCHEMA}.words as words
        join {SCHEMA}.dict as dict on dict.term = words.term
        where not words.stopword;

        insert into {SCHEMA}.postings
        select word_terms.termid, tokens.docid, count(*) as tf
        from (select docid, unnest({SCHEMA}.tokens(body)) as word from {NEW_TEXTS}) as tokens
        join search_word_terms as word_terms on word_terms.word = tokens.word
        group by all
        order by word_terms.termid, tokens.docid;

        -- new documents are numbered after every other, so a range finds their postings
        insert into search_df_change
        select termid, count(*) from {SCHEMA}.postings
        where docid >= (select min(docid) from search_new)
        group by termid;

        insert into {SCHEMA}.docs
        select new.docid, new.paper_id, new.content_hash, coalesce(lengths.len, 0)
        from search_new as new
        left join (
            select docid, sum(tf) as len
            from {SCHEMA}.postings
            where docid >= (select min(docid) from search_new)
            group by docid
        ) as lengths on lengths.docid = new.docid;

        drop table search_word_terms;
    """)


_STOPWORDS: list[str] = []


def english_stopwords() -> list[str]:
    """The fts extension's English stop word list (571 words, from the SMART system).

    Read from the extension itself, by indexing an empty table in a scratch database.
    """
    if not _STOPWORDS:
        scratch = duckdb.connect()
        try:
            duckdb_extensions.load(scratch, "fts")
            scratch.execute("create table probe (id integer, body varchar)")
            scratch.execute("pragma create_fts_index('probe', 'id', 'body')")
            rows = scratch.execute("select sw from fts_main_probe.stopwords").fetchall()
            _STOPWORDS.extend(row[0] for row in rows)
        finally:
            scratch.close()
    return list(_STOPWORDS)
