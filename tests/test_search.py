"""Full-text search: relevance on the sample, the SQL macro, BM25 parity with the fts
extension, incremental index refreshes, snippets, and DuckDB clients autoloading fts."""

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project import duckdb_extensions
from dagster_project.cli import main
from dagster_project.serve.search import create_search_macros, search
from dagster_project.warehouse.search_index import refresh_index

pytestmark = pytest.mark.usefixtures("dagster_home")

SEQ_JEPA = "seq-JEPA: Autoregressive Predictive Learning of Invariant-Equivariant World Models"
PURRTURBED = ("Purrturbed but Stable: Human-Cat Invariant Representations Across CNNs, ViTs and "
              "Self-Supervised ViTs")
QUERIES = ["equivariant world model", "cats", "graph neural networks message passing",
           "Transformers; the 3D-diffusion!", "reasoning"]


@pytest.fixture(scope="module")
def built(published_sample) -> Path:
    return published_sample


@pytest.fixture
def reader(built):
    connection = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    duckdb_extensions.load(connection, "fts")
    yield connection
    connection.close()


def test_equivariant_world_model_ranks_seq_jepa_first(reader):
    hits = search(reader, "equivariant world model")
    assert hits[0].title == SEQ_JEPA
    assert hits[0].published_date == date(2025, 5, 6)
    assert hits[0].score > hits[1].score > 0
    assert "equivariance" in hits[0].snippet


def test_stemming_finds_cats_in_cat(reader):
    hits = search(reader, "cats")
    assert [hit.title for hit in hits] == [PURRTURBED]
    assert hits[0].snippet.startswith("Cats and humans differ")


def test_since_and_limit(reader):
    everything = search(reader, "learning", limit=100)
    assert len(everything) > 10
    assert len(search(reader, "learning")) == 10
    assert [hit.paper_id for hit in search(reader, "learning", limit=3)] == [
        hit.paper_id for hit in everything[:3]]

    since = date(2025, 6, 1)
    recent = search(reader, "learning", limit=100, since=since)
    assert recent == [hit for hit in everything
                      if hit.published_date is not None and hit.published_date >= since]
    assert 0 < len(recent) < len(everything)
    assert SEQ_JEPA not in [hit.title for hit in
                            search(reader, "equivariant world model", since=since)]


def test_words_nowhere_and_stop_words_find_nothing(reader):
    assert search(reader, "zyzzyva") == []
    assert search(reader, "the and of") == []
    assert search(reader, "") == []


def test_sql_macro_ranks_as_the_command(reader):
    for terms in QUERIES:
        in_sql = reader.execute("select paper_id, title, published_date, upvotes, score "
                                "from search_papers(?)", [terms]).fetchall()
        from_search = [(h.paper_id, h.title, h.published_date, h.upvotes, h.score)
                       for h in search(reader, terms, limit=1000)]
        assert in_sql == from_search, terms
    assert reader.execute("select title from search_papers('equivariant world model') "
                          "limit 1").fetchone()[0] == SEQ_JEPA


def test_scores_equal_the_fts_extensions_match_bm25(built, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built / "warehouse.duckdb", copy)
    connection = duckdb.connect(str(copy))
    duckdb_extensions.load(connection, "fts")
    connection.execute("pragma create_fts_index('papers', 'paper_id', 'title', 'abstract', "
                       "stemmer = 'porter', stopwords = 'english')")
    for terms in QUERIES:
        ours = connection.execute("select paper_id, score from search_papers(?)",
                                  [terms]).fetchall()
        theirs = connection.execute("""
            select paper_id, score from (
                select paper_id, fts_main_papers.match_bm25(paper_id, ?) as score from papers)
            where score is not null order by score desc, paper_id""", [terms]).fetchall()
        assert [row[0] for row in ours] == [row[0] for row in theirs], terms
        assert [row[1] for row in ours] == pytest.approx([row[1] for row in theirs]), terms
    connection.close()


def test_snippets(reader):
    def snippet(text, terms, width=160):
        return reader.execute("select search_snippet(?, ?, ?)", [text, terms, width]).fetchone()[0]

    words = " ".join(f"word{n}" for n in range(100))  # digits split words: word7 is "word"
    assert snippet("Short abstract about cats.", "dogs") == "Short abstract about cats."
    assert snippet(None, "cats") is None
    text = "Filler " * 40 + "Felines and cats, a study of whiskers. " + "More filler " * 40
    found = snippet(text, "cat")
    assert found.startswith("…") and found.endswith("…")
    assert "cats," in found and len(found) <= 162
    assert not found.removeprefix("…").startswith(" ")
    assert snippet(text, "nothing matches").startswith("Filler Filler")
    assert len(snippet(words, "zebra", 40)) <= 41
    assert snippet(text + " the end", "end").endswith("the end")


def test_search_command_outputs(built, capsys):
    data_dir = ["--data-dir", str(built)]
    assert main(["search", "equivariant world model", "--limit", "2", *data_dir]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"1. {SEQ_JEPA}\n")
    assert "2025-05-06" in out and "score" in out and "(2 papers, best first)" in out

    assert main(["search", "cats", "--format", "json", *data_dir]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["rank"], row["title"]) for row in rows] == [(1, PURRTURBED)]
    assert set(rows[0]) == {"rank", "paper_id", "title", "published_date", "upvotes", "score",
                            "snippet"}

    assert main(["search", "cats", "--format", "csv", *data_dir]) == 0
    assert capsys.readouterr().out.startswith("rank,paper_id,title,published_date,upvotes,")

    assert main(["search", "zyzzyva", *data_dir]) == 0
    assert "no papers match" in capsys.readouterr().out


@pytest.mark.parametrize("terms", [
    "'); drop table papers; --", "world' or '1'='1", '"quoted" \\ back\\slash', "Müller ∑ 世界",
    "x" * 120_000,
])
def test_search_terms_are_data_never_sql(built, capsys, terms):
    before = (built / "warehouse.duckdb").read_bytes()
    assert main(["search", terms, "--data-dir", str(built)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert (built / "warehouse.duckdb").read_bytes() == before


def test_a_huge_limit_is_fine(built, capsys):
    assert main(["search", "world model", "--limit", str(10**30), "--data-dir", str(built)]) == 0
    assert "papers, best first" in capsys.readouterr().out


def test_search_command_errors(tmp_path, capsys):
    assert main(["search", "cats", "--data-dir", str(tmp_path)]) == 1
    assert "no warehouse at" in capsys.readouterr().err

    old = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    old.execute("create table papers (paper_id varchar, title varchar, abstract varchar)")
    old.close()
    assert main(["search", "cats", "--data-dir", str(tmp_path)]) == 1
    assert "has no search index" in capsys.readouterr().err

    with pytest.raises(SystemExit) as exit_info:
        main(["search", "cats", "--since", "May 2025"])
    assert exit_info.value.code == 2


def test_a_fresh_duckdb_client_autoloads_fts(built):
    """What a BI tool does: open the file read-only and call the macro, with no LOAD."""
    script = (
        "import duckdb, sys\n"
        "connection = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(connection.execute(\"select title from search_papers('cats')\").fetchone()[0])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(built / "warehouse.duckdb")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PURRTURBED


# -- the index itself, on small tables ----------------------------------------------------

PAPERS = [
    ("a", "Cats and dogs", "Cats chase mice. Dogs chase cats.", "2024-01-01", 3),
    ("b", "Graph networks", "Message passing on graphs of molecules.", "2024-02-01", None),
    ("c", "World models", "Agents learn world models to plan.", "2024-03-01", 7),
    ("d", "Élan vital", "Accents are stripped: café, naïve.", None, 1),
]


@pytest.fixture
def scratch(tmp_path):
    connection = duckdb.connect(str(tmp_path / "scratch.duckdb"))
    duckdb_extensions.load(connection, "fts")
    connection.execute("create table papers (paper_id varchar, title varchar, abstract varchar, "
                       "published_date date, upvotes integer)")
    connection.executemany("insert into papers values (?, ?, ?, ?, ?)", PAPERS)
    yield connection
    connection.close()


def refresh(connection):
    """What a publish does: refresh the index, then (re)create the macros that query it."""
    refreshed = refresh_index(connection)
    create_search_macros(connection)
    return refreshed


def results(connection, terms_list=("cats", "graph", "models world", "cafe", "naive chase")):
    return {terms: connection.execute("select paper_id, score from search_papers(?)",
                                      [terms]).fetchall() for terms in terms_list}


def test_refresh_patches_only_what_changed(scratch):
    first = refresh(scratch)
    assert (first.papers, first.added, first.removed, first.rebuilt) == (4, 4, 0, True)
    assert [row[0] for row in results(scratch)["cafe"]] == ["d"]

    nothing = refresh(scratch)
    assert (nothing.added, nothing.removed, nothing.rebuilt) == (0, 0, False)

    scratch.execute("update papers set upvotes = 99")  # not indexed: nothing to do
    assert refresh(scratch).added == 0

    scratch.execute("update papers set abstract = 'Dogs only now.' where paper_id = 'a'")
    scratch.execute("insert into papers values ('e', 'Graph cats', 'A cat on a graph.', null, 2)")
    patched = refresh(scratch)
    assert (patched.papers, patched.added, patched.removed, patched.rebuilt) == (5, 2, 1, False)
    patched_results = results(scratch)

    scratch.execute("drop schema pg_search_index cascade")
    rebuilt = refresh(scratch)
    assert rebuilt.rebuilt
    assert results(scratch) == patched_results
    assert [row[0] for row in patched_results["cats"]] == ["e", "a"]  # 'a' still has "Cats"


def test_a_mostly_changed_table_is_reindexed_from_scratch(scratch):
    refresh(scratch)
    scratch.execute("delete from papers where paper_id in ('a', 'b')")
    refreshed = refresh(scratch)
    assert refreshed.rebuilt and refreshed.papers == 2
    assert results(scratch)["cats"] == []


def test_a_failed_refresh_changes_nothing(scratch):
    refresh(scratch)
    before = results(scratch)
    scratch.execute("alter table papers rename column abstract to summary")
    with pytest.raises(duckdb.Error):
        refresh(scratch)
    scratch.execute("alter table papers rename column summary to abstract")
    assert results(scratch) == before
