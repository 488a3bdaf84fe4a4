"""The dbt project, for real: a small DuckLake lake written with the pyarrow contract (through
the lake's own commit code), one `dbt build` (models and dbt tests) into a DuckDB file, and
assertions on the built marts.

The lake holds, in a few raw files:
- "Scaling Laws for Tiny Lakes" in three daily text scrapes (2, 5, 11 upvotes), the last
  scrape also saved as HTML (a duplicate sighting: same paper, same scraped_at);
- "DETR Doesn't Need Multi-Scale or Locality Design" as a title-only text card and as a Hub
  API JSON record with an arXiv id and a differently typed apostrophe: they must merge; the
  record names 6 of its 7 authors (one hidden) and lists a keyword twice;
- "Untitled Musings on Nothing" with neither authors nor a published date;
- "A Second Paper on Tiny Lakes", published the same day as the first, shown as "3 authors"
  on the newer text page and with 4 names in an older Hub API record;
- one reject.

A second lake build then exercises the incremental build (staging by lake build, marts by
paper): a file deleted, a file replaced by another, a new arXiv snapshot record giving the
title-only "Untitled Musings" card an old-style arXiv id, two authors and categories, and a
newer Hub API record of DETR with a corrected author list. The incremental build must equal
a build from scratch of the same lake.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import yaml
from dbt.config.renderer import ProfileRenderer
from dbt_common.context import set_invocation_context

from dagster_project.lake import catalog
from dagster_project.lake.commit import LakeBuild
from dagster_project.lake.tables import TABLES as LAKE_TABLES
from dagster_project.lake.tables import RawFileEntry, ensure_tables
from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.settings import DATA_DIR_ENV, LAKE_CATALOG_ENV, LAKE_DATA_ENV

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = PROJECT_ROOT / "dbt"
SOURCES_YML = DBT_DIR / "models" / "staging" / "_sources.yml"
STAGING_YML = DBT_DIR / "models" / "staging" / "_staging.yml"
DBT = Path(sys.executable).with_name("dbt")

UTC = dt.UTC
INGESTED_AT = dt.datetime(2025, 12, 13, 8, 0, tzinfo=UTC)
DEC_10, DEC_11, DEC_12 = (dt.datetime(2025, 12, day, 12, 0, tzinfo=UTC) for day in (10, 11, 12))

TINY_LAKES = "Scaling Laws for Tiny Lakes"
SECOND_PAPER = "A Second Paper on Tiny Lakes"
DETR_TEXT_TITLE = "DETR Doesn't Need Multi-Scale or Locality Design"
DETR_JSON_TITLE = "DETR Doesn\u2019t Need Multi-Scale or Locality Design"
UNKNOWN = "Untitled Musings on Nothing"
UNKNOWN_JSON_TITLE = "Untitled Musings on Nothing!"
UNKNOWN_ARXIV_ID = "math.AG/0309136"  # old style: subject class in upper case
DETR_AUTHORS = [f"Author {n}" for n in range(1, 7)]
DETR_CORRECTED_AUTHORS = ["Author 1", "Author 2", "Author 3", "Author 4", "Author 6"]
SECOND_PAPER_AUTHORS = ["Ada Lake", "Author 2", "Bo Pond", "Cy Creek"]
DEC_13 = dt.datetime(2025, 12, 13, 12, 0, tzinfo=UTC)
LATER = dt.datetime(2025, 12, 14, 8, 0, tzinfo=UTC)


# --- the contract: the sources yml declares exactly the pyarrow schemas ---------------------
# Its not_null_columns tests run on the staging tables (a test on the lake source would open every
# lake file); either way the pyarrow schema is the single source of truth.


def _source_tables() -> dict[str, dict]:
    sources = yaml.safe_load(SOURCES_YML.read_text())["sources"]
    (lake,) = [source for source in sources if source["name"] == "lake"]
    return {table["name"]: table for table in lake["tables"]}


def _staging_models() -> dict[str, dict]:
    return {model["name"]: model for model in yaml.safe_load(STAGING_YML.read_text())["models"]}


def _duckdb_type_names(schema: pa.Schema) -> dict[str, str]:
    """The DuckDB type of each column, as DuckDB itself reads the pyarrow schema."""
    with duckdb.connect() as con:
        con.register("empty", schema.empty_table())
        rows = con.execute("describe select * from empty").fetchall()
    return {name: column_type.lower() for name, column_type, *_ in rows}


CONTRACTS = [
    ("listings", "stg_listings", LAKE_TABLES["listings"]),
    ("rejects", "stg_rejects", LAKE_TABLES["rejects"]),
]


@pytest.mark.parametrize("table_name", ["listings", "rejects", "raw_files"])
def test_source_columns_match_the_pyarrow_schema(table_name):
    schema = LAKE_TABLES[table_name]
    columns = _source_tables()[table_name]["columns"]

    assert [column["name"] for column in columns] == schema.names
    declared_types = {column["name"]: column["data_type"] for column in columns}
    assert declared_types == _duckdb_type_names(schema)
    assert all(column.get("description") for column in columns)
    assert not [column["name"] for column in columns if column.get("data_tests")]


@pytest.mark.parametrize(("table_name", "model_name", "schema"), CONTRACTS)
def test_staging_not_null_tests_are_the_schemas_non_nullable_fields(table_name, model_name,
                                                                     schema):
    model = _staging_models()[model_name]
    columns = model["columns"]
    names = [column["name"] for column in columns]
    (not_null_test,) = [test["not_null_columns"] for test in model["data_tests"]
                        if isinstance(test, dict) and "not_null_columns" in test]
    not_null = set(not_null_test["arguments"]["columns"])
    # One model-level test: no column of it carries a not_null test of its own.
    assert not [c["name"] for c in columns if "not_null" in (c.get("data_tests") or [])]

    assert set(schema.names) <= set(names)
    assert not_null & set(schema.names) == {field.name for field in schema if not field.nullable}
    # Columns staging adds (title_key) are never null either.
    assert not_null - set(schema.names) == set(names) - set(schema.names)
    assert all(column.get("description") for column in columns)


@pytest.mark.parametrize(
    ("table_name", "asset_key"),
    [("listings", ["lake_listings"]), ("rejects", ["lake_rejects"]),
     ("raw_files", ["lake_listings"])],
)
def test_sources_read_the_lake_and_name_their_dagster_asset(table_name, asset_key):
    (lake,) = [source for source in yaml.safe_load(SOURCES_YML.read_text())["sources"]
               if source["name"] == "lake"]
    config = _source_tables()[table_name]["config"]

    assert (lake["database"], lake["schema"]) == (catalog.ALIAS, "main")
    assert config["meta"]["dagster"]["asset_key"] == asset_key


LAKE_SETTINGS = {
    "local": {},
    "shared": {LAKE_CATALOG_ENV: "postgres:dbname=papers host=/run/pg user=team",
               LAKE_DATA_ENV: "/mnt/papers-lake"},
}


@pytest.mark.parametrize("lake", LAKE_SETTINGS)
def test_the_profile_attaches_the_lake_the_python_side_writes_read_only(
        lake, monkeypatch, tmp_path):
    """dbt's profile, rendered by dbt itself, spells the ATTACH of lake/location.py."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    for name in (LAKE_CATALOG_ENV, LAKE_DATA_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in LAKE_SETTINGS[lake].items():
        monkeypatch.setenv(name, value)
    profile = yaml.safe_load((DBT_DIR / "profiles.yml").read_text())
    (attach,) = profile["papers_warehouse"]["outputs"]["build"]["attach"]
    set_invocation_context(os.environ)
    rendered = ProfileRenderer({}).render_data(attach)

    location = catalog.lake_location(tmp_path / "lake")
    assert location.shared == (lake == "shared")
    assert rendered["alias"] == catalog.ALIAS and rendered["read_only"] is True
    assert rendered["path"] == f"ducklake:{location.catalog}"
    assert rendered["options"] == {"data_path": location.data_path, "override_data_path": True}


# --- a real build over a real lake ------------------------------------------------------


def _listing(**fields) -> dict:
    row = dict.fromkeys(LISTING_SCHEMA.names)
    row.update({"ingested_at": INGESTED_AT, **fields})
    return row


def _text_page(day: dt.datetime, cards: list[dict]) -> list[dict]:
    name = f"{day:%Y-%m-%d}_daily-papers.txt"
    return [
        _listing(
            source_file=name, source_sha256=f"text{day:%d}", source_format="text_page",
            record_index=index, line_number=10 + 6 * index, scraped_at=day,
            page_date=day.date(), **card,
        )
        for index, card in enumerate(cards)
    ]


class LakeFiles:
    """Rows for one lake build, by raw file: what the ingest step would have parsed."""

    def __init__(self):
        self.files: dict[str, dict[str, list[dict]]] = {}
        self.forgotten: list[str] = []

    def write(self, table: str, rows: list[dict]) -> None:
        for row in rows:
            raw = self.files.setdefault(row["source_file"], {"listings": [], "rejects": []})
            raw[table].append(row)

    def forget(self, source_file: str) -> None:
        self.forgotten.append(source_file)

    def commit(self, data_dir: Path) -> int:
        schemas = {"listings": LISTING_SCHEMA, "rejects": REJECT_SCHEMA}
        with catalog.connect(data_dir / "lake") as connection:
            ensure_tables(connection)
            build = LakeBuild(connection)
            for source_file, tables in self.files.items():
                for table, rows in tables.items():
                    build.add_rows(table, pa.Table.from_pylist(rows, schema=schemas[table]))
                first = (tables["listings"] or tables["rejects"])[0]
                build.put_file(RawFileEntry(
                    source_file=source_file, source_sha256=first["source_sha256"],
                    scraped_at=first.get("scraped_at") or INGESTED_AT, size=None,
                    mtime_ns=None, ctime_ns=None, sidecar_mtime_ns=None,
                    source_format=first["source_format"], parser_version="test",
                    records=len(tables["listings"]), rejects=len(tables["rejects"]),
                    ingested_at=first["ingested_at"], lake_build=0))
            for source_file in self.forgotten:
                build.forget(source_file)
            return build.commit({"test": "tests/test_dbt_project.py"})


def _write_lake(data_dir: Path) -> None:
    lake = LakeFiles()
    listings, rejects = "listings", "rejects"

    def _write(table: str, name: str, rows: list[dict], schema: pa.Schema) -> None:
        lake.write(table, rows)

    tiny = {"title": TINY_LAKES, "authors_count": 3, "published_date": dt.date(2025, 12, 8)}
    _write(listings, "text10", _text_page(DEC_10, [
        {**tiny, "abstract": "First abstract.", "upvotes": 2},
    ]), LISTING_SCHEMA)
    _write(listings, "text11", _text_page(DEC_11, [
        {**tiny, "abstract": "Revised abstract.", "upvotes": 5},
    ]), LISTING_SCHEMA)
    _write(listings, "text12", _text_page(DEC_12, [
        {**tiny, "upvotes": 11},
        {"title": DETR_TEXT_TITLE},
        {"title": UNKNOWN},
        {"title": SECOND_PAPER, "authors_count": 3, "published_date": dt.date(2025, 12, 8)},
    ]), LISTING_SCHEMA)
    # The Dec 12 page saved again as HTML: same scrape, so no new sighting.
    _write(listings, "html12", [_listing(
        source_file="2025-12-12_daily-papers.html", source_sha256="html12",
        source_format="html", record_index=0, scraped_at=DEC_12, **tiny, upvotes=11,
    )], LISTING_SCHEMA)
    _write(listings, "api11", [_listing(
        source_file="2025-12-11_daily_papers.json", source_sha256="api11",
        source_format="hub_api_json", record_index=0, scraped_at=DEC_11,
        title=DETR_JSON_TITLE, abstract="A plain DETR.", arxiv_id="2308.01904v1",
        authors_count=7, author_names=DETR_AUTHORS,  # the seventh author is hidden
        published_date=dt.date(2023, 8, 3), upvotes=3,
        github_url="https://github.com/impiga/Plain-DETR", github_stars=40,
        ai_keywords=["object detection", "DETR", "object detection"],
    ), _listing(
        # Older than the Dec 12 text card's "3 authors", but naming four: the count is stale.
        source_file="2025-12-11_daily_papers.json", source_sha256="api11",
        source_format="hub_api_json", record_index=1, scraped_at=DEC_11,
        title=SECOND_PAPER, authors_count=4, author_names=SECOND_PAPER_AUTHORS,
        published_date=dt.date(2025, 12, 8),
    )], LISTING_SCHEMA)
    _write(rejects, "text12", [{
        "source_file": "2025-12-12_daily-papers.txt", "source_sha256": "text12",
        "source_format": "text_page", "line_number": 99, "reason": "card has no date line",
        "snippet": "Half a card", "ingested_at": INGESTED_AT,
    }], REJECT_SCHEMA)
    assert lake.commit(data_dir) == 1


def _start_build(data_dir: Path, target: Path) -> subprocess.Popen:
    """Start `dbt build` of the project into data_dir/build/warehouse.duckdb."""
    (data_dir / "build").mkdir(exist_ok=True)
    return subprocess.Popen(
        [
            str(DBT), "build",
            "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
            "--target-path", str(target), "--log-path", str(target / "logs"),
        ],
        env={**os.environ, "PAPERS_WAREHOUSE_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _assert_succeeded(build: subprocess.Popen, target: Path) -> None:
    """Wait for a build and assert that every model and dbt test passed."""
    output, _ = build.communicate()
    assert build.returncode == 0, output[-6000:]
    run_results = json.loads((target / "run_results.json").read_text())["results"]
    assert {r["status"] for r in run_results} <= {"success", "pass"}
    assert sum(r["unique_id"].startswith("test.") for r in run_results) >= 20


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build the dbt project once over the first lake state; the root of data/ and target/."""
    root = tmp_path_factory.mktemp("dbt_build")
    _write_lake(root / "data")
    _assert_succeeded(_start_build(root / "data", root / "target"), root / "target")
    return root


@pytest.fixture(scope="module")
def warehouse(built) -> Path:
    """The DuckDB file built from the first lake state."""
    return built / "data" / "build" / "warehouse.duckdb"


def _rows(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _paper(db: Path, title: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("select * from papers where title = ?", [title])
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


def test_marts_in_main_and_staging_tables_in_staging(warehouse):
    objects = set(_rows(warehouse, "select table_schema, table_name, table_type "
                                   "from information_schema.tables"))

    assert objects == {
        ("main", "papers", "BASE TABLE"),
        ("main", "paper_sightings", "BASE TABLE"),
        ("main", "paper_authors", "BASE TABLE"),
        ("main", "authors", "BASE TABLE"),
        ("main", "paper_keywords", "BASE TABLE"),
        ("main", "paper_categories", "BASE TABLE"),
        ("main", "authors_count", "BASE TABLE"),
        ("main", "daily_counts", "BASE TABLE"),
        ("main", "rejects", "BASE TABLE"),
        ("staging", "stg_listings", "BASE TABLE"),
        ("staging", "stg_listing_papers", "VIEW"),
        ("staging", "stg_rejects", "BASE TABLE"),
    }


def test_staging_holds_every_raw_file_once(warehouse):
    loaded = _rows(warehouse, "select source_sha256, lake_build, count(*) "
                              "from staging.stg_listings group by all order by all")

    assert loaded == [("api11", 1, 2), ("html12", 1, 1), ("text10", 1, 1), ("text11", 1, 1),
                      ("text12", 1, 4)]


def test_one_paper_row_per_distinct_paper(warehouse):
    titles = sorted(title for (title,) in _rows(warehouse, "select title from papers"))

    assert titles == sorted([TINY_LAKES, SECOND_PAPER, DETR_TEXT_TITLE, UNKNOWN])


def test_three_scrapes_are_one_paper_with_the_latest_values(warehouse):
    paper = _paper(warehouse, TINY_LAKES)

    assert paper["upvotes"] == 11
    assert paper["sightings"] == 3
    assert paper["listing_rows"] == 4
    assert paper["first_seen_at"] == DEC_10
    assert paper["last_seen_at"] == DEC_12
    assert paper["abstract"] == "Revised abstract."  # latest non-null; Dec 12 shows none
    assert paper["authors_count"] == 3
    assert paper["published_date"] == dt.date(2025, 12, 8)
    assert paper["arxiv_id"] is None
    title_key = "scaling laws for tiny lakes"
    assert paper["paper_id"] == "title:" + hashlib.md5(title_key.encode()).hexdigest()


def test_history_keeps_one_row_per_scrape_with_its_upvotes(warehouse):
    history = _rows(
        warehouse,
        "select s.scraped_at, s.upvotes from paper_sightings s "
        "join papers p using (paper_id) where p.title = ? order by s.scraped_at",
        TINY_LAKES,
    )

    assert history == [(DEC_10, 2), (DEC_11, 5), (DEC_12, 11)]


def test_title_only_card_merges_with_the_arxiv_record(warehouse):
    paper = _paper(warehouse, DETR_TEXT_TITLE)  # the title of the latest listing

    assert paper["paper_id"] == "2308.01904"
    assert paper["arxiv_id"] == "2308.01904"
    assert paper["sightings"] == 2
    assert paper["first_seen_at"] == DEC_11
    assert paper["last_seen_at"] == DEC_12
    # The Dec 12 text card is newer but poorer: richer values come from the JSON record.
    assert paper["authors_count"] == 7  # the count field, hidden author included
    assert paper["authors"] == "Author 1, Author 2, Author 3, Author 4, Author 5, Author 6"
    assert paper["author_names"] == DETR_AUTHORS
    assert paper["ai_keywords"] == ["object detection", "DETR"]
    assert paper["published_date"] == dt.date(2023, 8, 3)
    assert paper["upvotes"] == 3
    assert paper["github_url"] == "https://github.com/impiga/Plain-DETR"
    assert paper["github_stars"] == 40
    history = _rows(
        warehouse,
        "select source_format, upvotes from paper_sightings where paper_id = ? "
        "order by scraped_at",
        "2308.01904",
    )
    assert history == [("hub_api_json", 3), ("text_page", None)]


def test_unknown_authors_and_date_stay_null(warehouse):
    paper = _paper(warehouse, UNKNOWN)

    assert paper["authors_count"] is None
    assert paper["published_date"] is None
    assert paper["sightings"] == 1


def test_authors_count_distribution_counts_distinct_papers(warehouse):
    distribution = _rows(
        warehouse,
        "select authors_count, papers, share from authors_count order by authors_count",
    )

    assert distribution == [(3, 1, 0.25), (4, 1, 0.25), (7, 1, 0.25), (None, 1, 0.25)]


def test_daily_counts_are_zero_filled_over_distinct_dated_papers(warehouse):
    first, last = dt.date(2023, 8, 3), dt.date(2025, 12, 8)
    days = _rows(warehouse, "select day, papers, cumulative_papers from daily_counts order by day")

    assert len(days) == (last - first).days + 1
    assert days[0] == (first, 1, 1)
    assert days[-1] == (last, 2, 3)
    assert [day for day, *_ in days] == [first + dt.timedelta(n) for n in range(len(days))]
    assert sum(papers for _, papers, _ in days) == 3
    assert {papers for _, papers, _ in days[1:-1]} == {0}
    assert {cumulative for _, _, cumulative in days[1:-1]} == {1}


def test_rejects_are_published(warehouse):
    rejects = _rows(
        warehouse, "select source_file, source_format, line_number, reason, snippet from rejects"
    )

    assert rejects == [
        ("2025-12-12_daily-papers.txt", "text_page", 99, "card has no date line", "Half a card")
    ]


def test_paper_authors_are_the_listed_names_in_order(warehouse):
    rows = _rows(warehouse, "select paper_id, position, author_name from paper_authors "
                            "order by paper_id, position")
    second_paper_id = _paper(warehouse, SECOND_PAPER)["paper_id"]

    assert [row for row in rows if row[0] == "2308.01904"] == [
        ("2308.01904", position, name) for position, name in enumerate(DETR_AUTHORS, 1)]
    assert [row for row in rows if row[0] == second_paper_id] == [
        (second_paper_id, position, name)
        for position, name in enumerate(SECOND_PAPER_AUTHORS, 1)]
    # Text cards only show a count: no names, no rows.
    assert len(rows) == len(DETR_AUTHORS) + len(SECOND_PAPER_AUTHORS)


def test_authors_count_keeps_hidden_authors_and_gives_way_to_more_names(warehouse):
    # DETR: 7 counted, 6 named (one hidden). Second paper: the newer "3 authors" is stale
    # next to the 4 names of the older record.
    counts = dict(_rows(warehouse, "select title, authors_count from papers"))

    assert counts[DETR_TEXT_TITLE] == 7
    assert counts[SECOND_PAPER] == len(SECOND_PAPER_AUTHORS)
    assert _paper(warehouse, SECOND_PAPER)["author_names"] == SECOND_PAPER_AUTHORS


def test_authors_count_their_distinct_papers_and_dates(warehouse):
    authors = {name: rest for name, *rest in _rows(
        warehouse, "select author_name, papers, first_paper_date, last_paper_date from authors")}

    assert set(authors) == set(DETR_AUTHORS) | set(SECOND_PAPER_AUTHORS)
    assert authors["Author 2"] == [2, dt.date(2023, 8, 3), dt.date(2025, 12, 8)]
    assert authors["Author 5"] == [1, dt.date(2023, 8, 3), dt.date(2023, 8, 3)]
    assert authors["Ada Lake"] == [1, dt.date(2025, 12, 8), dt.date(2025, 12, 8)]


def test_paper_keywords_are_distinct(warehouse):
    keywords = _rows(warehouse, "select paper_id, keyword from paper_keywords order by keyword")

    assert keywords == [("2308.01904", "DETR"), ("2308.01904", "object detection")]


def test_no_categories_without_an_arxiv_snapshot(warehouse):
    assert _rows(warehouse, "select count(*) from paper_categories") == [(0,)]


# --- the incremental build: the lake changes, the marts follow ---------------------------


def _change_lake(data_dir: Path) -> None:
    """The second lake build: one file forgotten, one replaced, two new with arXiv ids."""
    lake = LakeFiles()
    listings, rejects = "listings", "rejects"

    def _write(table: str, name: str, rows: list[dict], schema: pa.Schema) -> None:
        lake.write(table, rows)

    # `papers-warehouse forget` of the Dec 10 page: Tiny Lakes loses its first sighting.
    lake.forget("2025-12-10_daily-papers.txt")
    # The Dec 12 HTML page changed on disk: re-ingested, its rows replace the old ones.
    _write(listings, "html12b", [_listing(
        source_file="2025-12-12_daily-papers.html", source_sha256="html12b",
        source_format="html", record_index=0, scraped_at=DEC_12, title=TINY_LAKES,
        authors_count=3, published_date=dt.date(2025, 12, 8), upvotes=12, ingested_at=LATER,
    )], LISTING_SCHEMA)
    # An arXiv snapshot record of the title-only card, with punctuation: it gets an old-style
    # arXiv id (in a raw form staging normalizes), two authors and categories (one repeated).
    _write(listings, "arxiv13", [_listing(
        source_file="2025-12-13_arxiv-metadata.jsonl", source_sha256="arxiv13",
        source_format="arxiv_snapshot", record_index=0, scraped_at=DEC_13,
        title=UNKNOWN_JSON_TITLE, abstract="Nothing, at length.",
        arxiv_id="arXiv:MATH.ag/0309136v2", author_names=["Nobody", "Author 2"],
        published_date=dt.date(2003, 9, 10), categories=["math.AG", "math.CO", "math.AG"],
        ingested_at=LATER,
    )], LISTING_SCHEMA)
    # A newer Hub API record of DETR with a corrected author list (Author 5 removed).
    _write(listings, "api13", [_listing(
        source_file="2025-12-13_daily_papers.json", source_sha256="api13",
        source_format="hub_api_json", record_index=0, scraped_at=DEC_13,
        title=DETR_JSON_TITLE, arxiv_id="2308.01904", authors_count=5,
        author_names=DETR_CORRECTED_AUTHORS, upvotes=4, ingested_at=LATER,
    )], LISTING_SCHEMA)
    _write(rejects, "api13", [{
        "source_file": "2025-12-13_daily_papers.json", "source_sha256": "api13",
        "source_format": "hub_api_json", "line_number": None, "reason": "paper has no title",
        "snippet": "{\"paper\": {}}", "ingested_at": LATER,
    }], REJECT_SCHEMA)
    assert lake.commit(data_dir) == 2


@pytest.fixture(scope="module")
def rebuilt(built, tmp_path_factory) -> dict[str, Path]:
    """The first build's DuckDB file and lake, copied, the lake changed, built again
    (incremental); and the changed lake built from scratch into an empty build dir."""
    root = tmp_path_factory.mktemp("dbt_rebuild")
    incremental, scratch = root / "incremental", root / "scratch"
    shutil.copytree(built / "data", incremental)
    _change_lake(incremental)
    shutil.copytree(incremental / "lake", scratch / "lake")
    builds = [(_start_build(data_dir, root / f"target_{data_dir.name}"),
               root / f"target_{data_dir.name}") for data_dir in (incremental, scratch)]
    for build, target in builds:
        _assert_succeeded(build, target)
    return {
        "incremental": incremental / "build" / "warehouse.duckdb",
        "scratch": scratch / "build" / "warehouse.duckdb",
        "incremental_target": root / "target_incremental",
    }


def _table_differences(first: Path, second: Path, table: str) -> tuple[int, int, int]:
    """(rows, rows only in first, rows only in second) of one table in two DuckDB files."""
    with duckdb.connect() as con:
        con.execute(f"attach '{first}' as first (read_only)")
        con.execute(f"attach '{second}' as second (read_only)")
        rows = con.execute(f"select count(*) from first.{table}").fetchone()[0]
        only_first = con.execute(f"select count(*) from (select * from first.{table} "
                                 f"except all select * from second.{table})").fetchone()[0]
        only_second = con.execute(f"select count(*) from (select * from second.{table} "
                                  f"except all select * from first.{table})").fetchone()[0]
    return rows, only_first, only_second


@pytest.mark.parametrize("table", [
    "main.papers", "main.paper_sightings", "main.paper_authors", "main.authors",
    "main.paper_keywords", "main.paper_categories", "main.authors_count", "main.daily_counts",
    "main.rejects", "staging.stg_listings", "staging.stg_rejects",
])
def test_incremental_build_equals_a_build_from_scratch(rebuilt, table):
    rows, only_incremental, only_scratch = _table_differences(
        rebuilt["incremental"], rebuilt["scratch"], table)

    assert rows > 0
    assert (only_incremental, only_scratch) == (0, 0)


def test_incremental_staging_read_only_the_new_lake_build(rebuilt):
    compiled = rebuilt["incremental_target"] / "compiled" / "papers_warehouse" / "models"
    for model in ("stg_listings", "stg_rejects"):
        sql = (compiled / "staging" / f"{model}.sql").read_text()
        assert "where lake_build > (select coalesce(max(lake_build), 0)" in sql, sql
    # The marts unnested from papers' rows unnest only the papers they do not hold.
    for model in ("paper_authors", "paper_keywords", "paper_categories"):
        sql = (compiled / "marts" / f"{model}.sql").read_text()
        assert "and paper_id not in (select paper_id from" in sql, sql


def test_forgotten_and_replaced_files_leave_staging(rebuilt):
    loaded = _rows(rebuilt["incremental"], "select source_sha256, lake_build, count(*) "
                                           "from staging.stg_listings group by all order by all")

    assert loaded == [("api11", 1, 2), ("api13", 2, 1), ("arxiv13", 2, 1), ("html12b", 2, 1),
                      ("text11", 1, 1), ("text12", 1, 4)]


def test_marts_follow_deleted_and_replaced_files(rebuilt):
    paper = _paper(rebuilt["incremental"], TINY_LAKES)

    assert paper["first_seen_at"] == DEC_11  # the Dec 10 file is gone
    assert paper["sightings"] == 2
    assert paper["listing_rows"] == 3
    assert paper["upvotes"] == 12  # from the replacing HTML file
    history = _rows(
        rebuilt["incremental"],
        "select s.scraped_at, s.upvotes, s.source_sha256 from paper_sightings s "
        "join papers p using (paper_id) where p.title = ? order by s.scraped_at",
        TINY_LAKES,
    )
    assert history == [(DEC_11, 5, "text11"), (DEC_12, 12, "html12b")]


def test_a_new_arxiv_record_gives_an_old_title_only_card_its_id(rebuilt):
    db = rebuilt["incremental"]
    old_id = "title:" + hashlib.md5(b"untitled musings on nothing").hexdigest()

    assert _rows(db, "select count(*) from papers where paper_id = ?", old_id) == [(0,)]
    paper = _paper(db, UNKNOWN_JSON_TITLE)
    assert paper["paper_id"] == UNKNOWN_ARXIV_ID
    assert paper["arxiv_id"] == UNKNOWN_ARXIV_ID
    assert paper["sightings"] == 2  # the Dec 12 text card and the Dec 13 record
    assert paper["first_seen_at"] == DEC_12
    assert paper["authors_count"] == 2
    history = _rows(db, "select scraped_at, source_format from paper_sightings "
                        "where paper_id = ? order by scraped_at", UNKNOWN_ARXIV_ID)
    assert history == [(DEC_12, "text_page"), (DEC_13, "arxiv_snapshot")]
    assert _rows(db, "select count(*) from papers") == [(4,)]
    assert _rows(db, "select position, category, is_primary from paper_categories "
                     "where paper_id = ? order by position", UNKNOWN_ARXIV_ID) == [
        (1, "math.AG", True), (2, "math.CO", False)]
    assert _rows(db, "select author_name from paper_authors where paper_id = ? "
                     "order by position", UNKNOWN_ARXIV_ID) == [("Nobody",), ("Author 2",)]


def test_tidy_tables_follow_a_changed_author_list(rebuilt):
    db = rebuilt["incremental"]
    detr_authors = _rows(db, "select author_name from paper_authors where paper_id = ? "
                             "order by position", "2308.01904")

    assert [name for (name,) in detr_authors] == DETR_CORRECTED_AUTHORS
    assert _rows(db, "select authors_count from papers where paper_id = ?", "2308.01904") == [
        (5,)]
    # Keywords are not in the newer record: the latest list that has them stays.
    assert _rows(db, "select count(*) from paper_keywords where paper_id = ?",
                 "2308.01904") == [(2,)]
    authors = {name: (papers, first, last) for name, papers, first, last in _rows(
        db, "select author_name, papers, first_paper_date, last_paper_date from authors")}
    assert "Author 5" not in authors  # no paper lists the name any more
    assert authors["Author 2"] == (3, dt.date(2003, 9, 10), dt.date(2025, 12, 8))
