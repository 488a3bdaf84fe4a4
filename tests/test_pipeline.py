"""The whole pipeline on the bundled sample: Dagster job, dbt, GX, atomic publish."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lake import catalog
from dagster_project.raw.row_rules import RULES_DIGEST
from tests.pipeline_helpers import build, query, scalar

pytestmark = pytest.mark.usefixtures("dagster_home")


@pytest.fixture(scope="module")
def built(tmp_path_factory, published_sample) -> Path:
    """A copy of the session's sample build: the last test here builds again."""
    copy = tmp_path_factory.mktemp("pipeline") / "data"
    shutil.copytree(published_sample, copy)
    return copy


def test_sample_tables_hold_the_true_values(built):
    assert scalar(built, "select count(*) from papers") == 46
    assert scalar(built, "select count(*) from rejects") == 0
    assert sorted(r[0] for r in query(
        built, "select title from papers where authors_count is null and published_date is null"
    )) == [
        "AI Mother Tongue: Self-Emergent Communication in MARL via Endogenous Symbol Systems",
        "Graph Inductive Biases in Transformers without Message Passing",
        "Transformers Discover Molecular Structure Without Graph Priors",
    ]
    expected = {
        "seq-JEPA%": (date(2025, 5, 6), 3, None),
        "DETR Doesn't Need Multi-Scale or Locality Design": (date(2023, 8, 3), 6, None),
        "It's All Connected%": (date(2025, 4, 17), 4, 4),
        "AlphaGo Moment for Model Architecture Discovery": (date(2025, 7, 23), 7, 1),
        "Relational inductive biases, deep learning, and graph networks": (
            date(2018, 6, 4), 27, None),
    }
    for title, values in expected.items():
        assert query(built, "select published_date, authors_count, upvotes from papers "
                     "where title like ?", [title]) == [values], title


def test_authors_count_distribution(built):
    rows = query(built, "select authors_count, papers from authors_count "
                 "order by authors_count nulls last")
    assert rows == [(1, 2), (2, 4), (3, 8), (4, 7), (5, 5), (6, 5), (7, 3), (8, 3), (9, 2),
                    (11, 2), (14, 1), (27, 1), (None, 3)]
    assert scalar(built, "select sum(share) from authors_count") == pytest.approx(1)


def test_daily_counts(built):
    first, last, days, total = query(
        built, "select min(day), max(day), count(*), sum(papers) from daily_counts")[0]
    assert (first, last, days, total) == (date(2018, 6, 4), date(2025, 11, 24), 2731, 43)
    assert scalar(built, "select papers from daily_counts where day = '2023-10-24'") == 2
    assert scalar(built, "select max(cumulative_papers) from daily_counts") == 43


def test_provenance_on_every_listing(built):
    with catalog.connect(built / "lake", read_only=True) as lake:
        rows = lake.sql("""
            select count(*), count(distinct source_sha256), min(line_number), max(line_number),
                   any_value(scraped_at)::date, any_value(page_date), any_value(source_format)
            from lake.listings""").fetchone()
        parsed_by = lake.sql("select parser_version from lake.raw_files").fetchall()
    assert rows == (46, 1, 13, 361, date(2025, 12, 12), date(2025, 12, 12), "text_page")
    assert parsed_by == [(f"text_page/1+rules/{RULES_DIGEST}+detect/3",)]


def _lake_listings(data_dir: Path) -> tuple:
    with catalog.connect(data_dir / "lake", read_only=True) as lake:
        return lake.sql("select count(*), max(lake_build), max(ingested_at) "
                        "from lake.listings").fetchone()


def test_the_build_shows_each_stage_once_when_it_ends(published_sample):
    """Piped, a build prints one line per stage; dbt's shows its nodes, read from the batches
    of dbt's lines in the run log."""
    progress = (published_sample.parent / "build-progress.txt").read_text(encoding="utf-8")
    stages = progress.splitlines()
    assert [line.split()[0] for line in stages] == ["parse", "checks", "dbt", "checks",
                                                   "publish"], progress
    assert stages[0] == "parse 1/1 files"
    done, nodes = stages[2].split()[1].split("/")
    assert done == nodes and int(nodes) > 40  # every model and test, all done
    checks = stages[3].split()[1]
    assert checks.split("/")[0] == checks.split("/")[1]


def test_quality_docs_written(built):
    assert list((built / "quality").rglob("index.html"))


def test_a_second_build_adds_nothing(built):
    lake_before = sorted(p.name for p in (built / "lake").rglob("*.parquet"))
    listings_before = _lake_listings(built)
    assert build(built) == 0
    assert sorted(p.name for p in (built / "lake").rglob("*.parquet")) == lake_before
    # Nothing parsed: the listings are the first build's (the copied file's new stat may be
    # recorded, so the next build need not hash it again).
    assert _lake_listings(built) == listings_before
    assert scalar(built, "select count(*) from papers") == 46
    assert scalar(built, "select sum(sightings) from papers") == 46
