"""Full-text search over paper titles and abstracts, on the index the warehouse keeps.

warehouse/search_index.py builds the index at publish time; these macros, stored in the
published file beside it, query it, so BI tools and the CLI rank the same way:

    select * from search_papers('equivariant world model')       -- best first
    select search_snippet(abstract, 'cats') from papers           -- the text around a match

Scores are Okapi BM25 (k1 = 1.2, b = 0.75), computed exactly as the fts extension's
match_bm25 computes them.
"""

from dataclasses import dataclass
from datetime import date

import duckdb

from dagster_project.serve.sql_helpers import comments_sql
from dagster_project.warehouse.search_index import INDEX_COMMENTS, SCHEMA, STEMMER, TOKENIZER

K1 = 1.2
B = 0.75
SNIPPET_WIDTH = 160

# Snippet helpers: the word (white-space separated) holding the first query term, its offset,
# a window of `width` characters starting a little before it, cut at word boundaries.
# `list_transform([value], name -> ...)[1]` binds a value to a name, so that it is computed once
# (a macro argument used twice is evaluated twice).
SNIPPET_MACROS = f"""
create or replace macro {SCHEMA}.first_match(words, stems) as
    list_position(
        list_transform(words, word -> list_has_any(
            list_transform({SCHEMA}.tokens(word), token -> stem(token, '{STEMMER}')), stems)),
        true);
create or replace macro {SCHEMA}.char_offset(words, word_index) as
    coalesce(list_sum(list_transform(words[1:word_index - 1], word -> len(word) + 1)), 0)::bigint;
create or replace macro {SCHEMA}.word_start(body, from_char) as
    case when from_char <= 0 then 0
         else from_char + coalesce(nullif(strpos(substr(body, from_char + 1), ' '), 0), 0) end;
create or replace macro {SCHEMA}.clip(body, start_char, width) as
    case when start_char > 0 then '…' else '' end
    || case when start_char + width >= len(body) then substr(body, start_char + 1)
            else regexp_replace(substr(body, start_char + 1, width), '\\s+\\S*$', '') || '…' end;
create or replace macro search_snippet(body, query_text, width := {SNIPPET_WIDTH}) as
    case when body is null or len(body) <= width then body else
    list_transform([{SCHEMA}.query_stems(query_text)], stems ->
    list_transform([string_split(body, ' ')], words ->
    list_transform([{SCHEMA}.char_offset(words, {SCHEMA}.first_match(words, stems))], match_char ->
    list_transform(
        [{SCHEMA}.word_start(body, least(greatest(0, match_char - 40), len(body) - width))],
        start_char -> {SCHEMA}.clip(body, start_char, width)
    )[1])[1])[1])[1] end;
"""

# log() is DuckDB's base-10 logarithm, as in the extension's match_bm25: the same scores.
SEARCH_MACRO = f"""
create or replace macro {SCHEMA}.scores(query_text) as table
with matched_terms as (
    select dict.termid, dict.df
    from {SCHEMA}.dict as dict
    where dict.term in (select unnest({SCHEMA}.query_stems(query_text)))
),
scores as (
    select
        postings.docid,
        sum(
            log((stats.num_docs - matched_terms.df + 0.5) / (matched_terms.df + 0.5) + 1)
            * postings.tf * ({K1} + 1)
            / (postings.tf + {K1} * (1 - {B} + {B} * docs.len / stats.avgdl))
        ) as score
    from {SCHEMA}.postings as postings
    join matched_terms on matched_terms.termid = postings.termid
    join {SCHEMA}.docs as docs on docs.docid = postings.docid
    cross join {SCHEMA}.stats as stats
    group by postings.docid
)
select docid, score from scores;
create or replace macro search_papers(query_text) as table
select papers.paper_id, papers.title, papers.published_date, papers.upvotes, scores.score
from {SCHEMA}.scores(query_text) as scores
join {SCHEMA}.docs as docs on docs.docid = scores.docid
join papers on papers.paper_id = docs.paper_id
order by scores.score desc, papers.paper_id;
"""

MACRO_COMMENTS = {
    "macro table search_papers":
        "search_papers(query_text): papers whose title or abstract holds any query word "
        "(stemmed: 'cats' finds 'cat'), best first by BM25 score. Columns: paper_id, title, "
        "published_date, upvotes, score. Needs the fts extension (LOAD fts).",
    "macro search_snippet":
        f"search_snippet(text, query_text [, width := {SNIPPET_WIDTH}]): about width characters "
        "of text around the first word matching a query term (stemmed, as search_papers "
        "matches), with … where cut; the start of the text when no word matches.",
}


def create_search_macros(connection: duckdb.DuckDBPyConnection) -> None:
    """The macros over an existing index (search_papers, search_snippet), with comments."""
    connection.execute(TOKENIZER)
    connection.execute(SNIPPET_MACROS)
    connection.execute(SEARCH_MACRO)
    connection.execute(comments_sql({**INDEX_COMMENTS, **MACRO_COMMENTS}))


@dataclass(frozen=True)
class Hit:
    paper_id: str
    title: str
    published_date: date | None
    upvotes: int | None
    score: float
    snippet: str | None


HIT_COLUMNS = ["paper_id", "title", "published_date", "upvotes", "score", "snippet"]


def has_index(connection: duckdb.DuckDBPyConnection) -> bool:
    return connection.execute(
        "select count(*) from duckdb_functions() where function_name = 'search_papers'"
    ).fetchone()[0] > 0


def search(connection: duckdb.DuckDBPyConnection, terms: str, limit: int = 10,
           since: date | None = None) -> list[Hit]:
    """The best `limit` papers for `terms` (published on or after `since`), best first."""
    # Scores are summed per document number (an integer), and papers joined only for the
    # documents scoring at least the limit-th best score (ties included, so the order by
    # paper_id below is exact) unless --since needs every match's date. A literal LIMIT lets
    # DuckDB use a top-n; a parameter makes it sort every match.
    parameters: dict = {"terms": terms}
    if since:
        keep = "papers.published_date >= $since"
        parameters["since"] = since
    else:
        keep = f"""scored.score >= (
            select min(score) from (select score from scored order by score desc
                                    limit {int(limit)}))"""
    rows = connection.execute(
        f"""
        with scored as materialized (
            select docid, score from {SCHEMA}.scores($terms)
        ),
        best as materialized (
            select docs.paper_id, papers.title, papers.published_date, papers.upvotes,
                   scored.score, papers.abstract
            from scored
            join {SCHEMA}.docs as docs on docs.docid = scored.docid
            join papers on papers.paper_id = docs.paper_id
            where {keep}
            order by scored.score desc, docs.paper_id
            limit {int(limit)}
        )
        -- snippets for the few best only: computing them is the expensive part
        select paper_id, title, published_date, upvotes, score,
               search_snippet(abstract, $terms) as snippet
        from best
        order by score desc, paper_id
        """,
        parameters,
    ).fetchall()
    return [Hit(*row) for row in rows]
