"""The Great Expectations suites, run by real GX inside DuckDB on small real tables.

Great Expectations is imported once per session (by the first `validate`); each validation
after that takes a fraction of a second.
"""

import datetime as dt
import json
import subprocess
import sys

import duckdb
import pyarrow as pa
import pytest

from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.warehouse import quality

SUITES = ["raw_listings", "papers", "paper_authors", "authors", "authors_count", "daily_counts",
          "rejects"]
SCRAPED_AT = dt.datetime(2025, 12, 12, 9, 30, tzinfo=dt.UTC)
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


def listing(**changes):
    """One raw listing row as the text-page parser and the ingest step produce it."""
    row = {field.name: None for field in LISTING_SCHEMA}
    row.update(
        source_file="2025-12-12_hf-daily-papers-search-page.txt",
        source_sha256="9f" * 32,
        source_format="text_page",
        record_index=0,
        line_number=8,
        scraped_at=SCRAPED_AT,
        page_date=dt.date(2025, 12, 12),
        title="Attention Is All You Need",
        abstract="The dominant sequence transduction models...",
        authors_count=8,
        published_date=dt.date(2025, 12, 12),  # the same day as the scrape is fine
        upvotes=4,
        arxiv_id="1706.03762",
        ingested_at=SCRAPED_AT + dt.timedelta(minutes=5),
    )
    return {**row, **changes}


def raw_listings(*rows):
    good = [
        listing(),
        listing(record_index=1, arxiv_id="hep-th/9901001", upvotes=None, authors_count=None),
        listing(record_index=2, arxiv_id=None, published_date=None, line_number=None),
        listing(record_index=3, source_format="arxiv_snapshot", arxiv_id="math.AG/0309136"),
        listing(record_index=4, source_format="hub_api_json", arxiv_id="2512.01234"),
    ]
    return pa.Table.from_pylist(good + list(rows), schema=LISTING_SCHEMA)


def papers(**columns):
    seen = [SCRAPED_AT - dt.timedelta(days=3), SCRAPED_AT]
    table = {
        "paper_id": ["1706.03762", "a3f1c2"],
        "title": ["Attention Is All You Need", "A paper without an arXiv id"],
        "abstract": ["...", None],
        "authors_count": pa.array([8, None], pa.int32()),
        "published_date": pa.array([dt.date(2017, 6, 12), None], pa.date32()),
        "upvotes": pa.array([4, None], pa.int32()),
        "arxiv_id": ["1706.03762", None],
        "github_url": [None, None],
        "first_seen_at": pa.array(seen, UTC_TIMESTAMP),
        "last_seen_at": pa.array([SCRAPED_AT, SCRAPED_AT], UTC_TIMESTAMP),
        "sightings": pa.array([2, 1], pa.int64()),
        "num_comments": pa.array([3, None], pa.int32()),
        "github_stars": pa.array([None, 12], pa.int32()),
        "listing_rows": pa.array([3, 1], pa.int64()),
        "listings_fingerprint": ["9f" * 32, "a0" * 32],
    }
    return pa.table({**table, **columns})


def paper_authors(rows=(("1706.03762", 1, "Ashish Vaswani"), ("1706.03762", 2, "Noam Shazeer"),
                        ("hep-th/9901001", 1, "J. Q. Public"))):
    paper_ids, positions, names = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.table({
        "paper_id": pa.array(paper_ids, pa.string()),
        "position": pa.array(positions, pa.int32()),
        "author_name": pa.array(names, pa.string()),
    })


def authors(**columns):
    table = {
        "author_name": ["Ashish Vaswani", "J. Q. Public", "Nameless Dates"],
        "papers": pa.array([2, 1, 1], pa.int64()),
        "first_paper_date": pa.array([dt.date(2017, 6, 12), dt.date(1999, 1, 1), None],
                                     pa.date32()),
        "last_paper_date": pa.array([dt.date(2019, 1, 1), dt.date(1999, 1, 1), None],
                                    pa.date32()),
    }
    return pa.table({**table, **columns})


def authors_count(shares=(0.5, 0.25, 0.25)):
    return pa.table(
        {
            "authors_count": pa.array([3, 8, None], pa.int32()),
            "papers": pa.array([2, 1, 1], pa.int64()),
            "share": pa.array(shares, pa.float64()),
        }
    )


def daily_counts(cumulative=(1, 1, 3)):
    return pa.table(
        {
            "day": pa.array([dt.date(2025, 5, 8), dt.date(2025, 5, 6), dt.date(2025, 5, 7)]),
            "papers": pa.array([2, 1, 0], pa.int64()),
            "cumulative_papers": pa.array(
                [cumulative[2], cumulative[0], cumulative[1]], pa.int64()
            ),
        }
    )


def rejects(**changes):
    row = {
        "source_file": "2025-12-12_hf-daily-papers-search-page.txt",
        "source_sha256": "9f" * 32,
        "source_format": "text_page",
        "line_number": 41,
        "reason": "card has no date line",
        "snippet": "Some title\nSome abstract",
        "ingested_at": SCRAPED_AT,
    }
    return pa.Table.from_pylist([{**row, **changes}], schema=REJECT_SCHEMA)


GOOD = {
    "raw_listings": (raw_listings, {}),
    "papers": (papers, {}),
    "paper_authors": (paper_authors, {"papers_with_author_names": 2}),
    "authors": (authors, {"papers_with_author_names": 2}),
    "authors_count": (authors_count, {"papers_total": 4}),
    "daily_counts": (daily_counts, {"papers_with_published_date": 3}),
    "rejects": (rejects, {}),
}


@pytest.mark.parametrize("suite", SUITES)
def test_a_good_frame_passes_the_suite(suite):
    make, parameters = GOOD[suite]

    outcome = quality.validate(suite, make(), parameters)

    assert outcome.failed == []
    assert outcome.success
    # The JSON's expectations plus, for the raw contracts, one not-null per required field.
    assert outcome.evaluated == len(load_json(suite)["expectations"]) + schema_not_null_count(suite)
    assert outcome.docs_index is None


def test_bad_raw_listings_fail_with_messages_naming_expectation_column_and_value():
    bad = raw_listings(
        listing(record_index=5, upvotes=-1),
        listing(record_index=6, upvotes=-7),
        listing(record_index=7, published_date=dt.date(2025, 12, 13)),  # after the scrape
        listing(record_index=8, arxiv_id="2512.123"),
        listing(record_index=9, source_format="pdf", authors_count=0),
    )

    outcome = quality.validate("raw_listings", bad)

    assert not outcome.success
    assert sorted(outcome.failed) == sorted(
        [
            "expect_column_values_to_be_between(upvotes): 2 unexpected values, e.g. -1, -7",
            "expect_column_values_to_be_between(authors_count): 1 unexpected value, e.g. 0",
            "expect_column_values_to_be_in_set(source_format): 1 unexpected value, e.g. pdf",
            "expect_column_values_to_match_regex(arxiv_id): 1 unexpected value, e.g. 2512.123",
            "expect_column_pair_values_a_to_be_greater_than_b(scraped_at, published_date): "
            "1 unexpected value, e.g. (2025-12-12 09:30:00+00:00, 2025-12-13)",
        ]
    )


def test_the_raw_suite_checks_not_null_for_every_non_nullable_schema_field():
    required = [field.name for field in LISTING_SCHEMA if not field.nullable]
    frame = raw_listings().to_pandas()
    frame.loc[0, required] = None

    outcome = quality.validate("raw_listings", frame)

    for name in required:
        assert f"expect_column_values_to_not_be_null({name}): 1 null value" in outcome.failed
    # ...and they come from LISTING_SCHEMA, not from a copy in the JSON.
    in_json = [
        e
        for e in load_json("raw_listings")["expectations"]
        if e["type"] == "expect_column_values_to_not_be_null"
    ]
    assert in_json == []


def test_bad_papers_fail():
    bad = papers(
        title=["Attention Is All You Need", None],
        upvotes=pa.array([-1, None], pa.int32()),
        listing_rows=pa.array([0, 1], pa.int64()),
        published_date=pa.array([dt.date(1989, 1, 1), dt.date(2025, 12, 13)], pa.date32()),
        first_seen_at=pa.array([SCRAPED_AT + dt.timedelta(days=1), SCRAPED_AT], UTC_TIMESTAMP),
    )

    outcome = quality.validate("papers", bad)

    assert not outcome.success
    assert sorted(outcome.failed) == sorted(
        [
            "expect_column_values_to_not_be_null(title): 1 null value",
            "expect_column_values_to_be_between(upvotes): 1 unexpected value, e.g. -1",
            "expect_column_values_to_be_between(listing_rows): 1 unexpected value, e.g. 0",
            "expect_column_min_to_be_between(published_date): observed 1989-01-01",
            "expect_column_pair_values_a_to_be_greater_than_b(last_seen_at, published_date): "
            "1 unexpected value, e.g. (2025-12-12 09:30:00+00:00, 2025-12-13)",
            "expect_column_pair_values_a_to_be_greater_than_b(last_seen_at, first_seen_at): "
            "1 unexpected value, e.g. (2025-12-12 09:30:00+00:00, 2025-12-13 09:30:00+00:00)",
        ]
    )


@pytest.mark.parametrize("suite", ["paper_authors", "authors"])
def test_empty_author_tables_pass(suite):
    """A warehouse of text pages only names no authors: the tables are empty, and valid."""
    make, _ = GOOD[suite]
    empty = make().slice(0, 0)

    outcome = quality.validate(suite, empty, {"papers_with_author_names": 0})

    assert outcome.failed == []


def test_bad_paper_authors_fail():
    bad = paper_authors((("1706.03762", 0, "Ashish Vaswani"), ("1706.03762", 2, ""),
                         (None, 3, None)))

    outcome = quality.validate("paper_authors", bad, {"papers_with_author_names": 2})

    assert sorted(outcome.failed) == sorted([
        "expect_column_values_to_not_be_null(author_name): 1 null value",
        "expect_column_values_to_be_between(position): 1 unexpected value, e.g. 0",
        "expect_column_value_lengths_to_be_between(author_name): 1 unexpected value, e.g. ",
        "expect_column_unique_value_count_to_be_between(paper_id): observed 1",
    ])


def test_bad_authors_fail():
    bad = authors(
        papers=pa.array([0, 1, 3], pa.int64()),
        first_paper_date=pa.array([dt.date(2020, 1, 1), dt.date(1985, 1, 1), None], pa.date32()),
    )

    outcome = quality.validate("authors", bad, {"papers_with_author_names": 2})

    assert sorted(outcome.failed) == sorted([
        "expect_column_values_to_be_between(papers): 1 unexpected value, e.g. 0",
        "expect_column_values_to_be_between(papers): 1 unexpected value, e.g. 3",
        "expect_column_values_to_be_between(first_paper_date): 1 unexpected value, "
        "e.g. 1985-01-01",
        "expect_column_pair_values_a_to_be_greater_than_b(last_paper_date, first_paper_date): "
        "1 unexpected value, e.g. (2019-01-01, 2020-01-01)",
    ])


def test_shares_that_do_not_sum_to_one_and_a_wrong_total_fail():
    outcome = quality.validate(
        "authors_count", authors_count((0.5, 0.25, 0.2)), {"papers_total": 5}
    )

    assert not outcome.success
    assert sorted(outcome.failed) == [
        "expect_column_sum_to_be_between(papers): observed 4",
        "expect_column_sum_to_be_between(share): observed 0.95",
    ]


def test_a_wrong_total_of_daily_counts_fails():
    # (That cumulative_papers is the running total is a dbt test, over the whole table.)
    outcome = quality.validate(
        "daily_counts", daily_counts(), {"papers_with_published_date": 4}
    )

    assert sorted(outcome.failed) == [
        "expect_column_max_to_be_between(cumulative_papers): observed 3",
        "expect_column_sum_to_be_between(papers): observed 3",
    ]


def test_a_missing_parameter_is_an_error_not_a_failure():
    with pytest.raises(ValueError, match="papers_total"):
        quality.validate("authors_count", authors_count())


def test_a_missing_column_fails_the_expectations_that_read_it():
    outcome = quality.validate("rejects", rejects().drop_columns(["reason"]))

    assert outcome.failed == [
        "expect_column_values_to_not_be_null(reason): "
        'error: Error: The column "reason" in BatchData does not exist.'
    ]


@pytest.mark.parametrize(
    ("suite", "columns"),
    [
        (
            "raw_listings",
            {
                "source_file",
                "source_sha256",
                "source_format",
                "record_index",
                "line_number",
                "scraped_at",
                "title",
                "authors_count",
                "published_date",
                "upvotes",
                "arxiv_id",
                "ingested_at",
            },
        ),
        (
            "papers",
            {
                "title",
                "first_seen_at",
                "last_seen_at",
                "sightings",
                "authors_count",
                "upvotes",
                "published_date",
                "num_comments",
                "github_stars",
                "listing_rows",
                "listings_fingerprint",
            },
        ),
        ("paper_authors", {"paper_id", "position", "author_name"}),
        ("authors", {"author_name", "papers", "first_paper_date", "last_paper_date"}),
        ("authors_count", {"authors_count", "papers", "share"}),
        ("daily_counts", {"papers", "cumulative_papers"}),
        (
            "rejects",
            {
                "source_file",
                "source_sha256",
                "source_format",
                "line_number",
                "reason",
                "ingested_at",
            },
        ),
    ],
)
def test_suite_columns_are_exactly_the_columns_the_suite_reads(suite, columns):
    listed = quality.suite_columns(suite)

    assert set(listed) == columns
    assert len(listed) == len(columns)


def test_a_frame_selected_from_duckdb_with_only_the_suite_columns_validates():
    con = duckdb.connect()
    con.register("papers_frame", papers())
    columns = ", ".join(quality.suite_columns("papers"))

    outcome = quality.validate("papers", con.sql(f"select {columns} from papers_frame").arrow())

    assert outcome.success, outcome.failed


@pytest.mark.parametrize("suite", SUITES)
def test_each_json_file_is_a_suite_in_gx_own_shape(suite):
    import great_expectations as gx

    assert gx.ExpectationSuite(**load_json(suite)).to_json_dict() == load_json(suite)


def test_data_docs_are_written_for_every_suite_validated_into_one_directory(tmp_path):
    first = quality.validate("rejects", rejects(), docs_dir=tmp_path)
    second = quality.validate("papers", papers(upvotes=pa.array([-1, 0], pa.int32())), {}, tmp_path)

    assert first.docs_index == second.docs_index == tmp_path.resolve() / "index.html"
    index = second.docs_index.read_text()
    assert "rejects" in index and "papers" in index
    pages = sorted(p.name for p in (tmp_path / "validations").rglob("*.html"))
    assert pages == ["warehouse-papers.html", "warehouse-rejects.html"]


def test_importing_the_module_does_not_import_great_expectations_or_pandas():
    code = (
        "import sys, dagster_project.warehouse.quality; "
        "print(sorted({'great_expectations', 'pandas'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def load_json(suite):
    return json.loads((quality.EXPECTATIONS_DIR / f"{suite}.json").read_text())


def schema_not_null_count(suite):
    schema = {"raw_listings": LISTING_SCHEMA, "rejects": REJECT_SCHEMA}.get(suite)
    return 0 if schema is None else sum(not field.nullable for field in schema)


def test_a_table_validates_inside_duckdb_without_pandas(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.register("frame", papers())
        connection.execute("create table papers as select * from frame")
    code = ("import sys; from pathlib import Path; from dagster_project.warehouse import "
            f"quality; outcome = quality.validate_table('papers', Path({str(database)!r})); "
            "print(outcome.success, outcome.evaluated, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    # GX imports pandas itself; what matters is that the rows never go through it.
    assert result.stdout.split()[:2] == ["True", str(len(load_json("papers")["expectations"]))]


def test_plain_gx_still_needs_the_duckdb_adjustments(tmp_path):
    """warehouse/gx_duckdb.py adjusts GX 1.24's SQL engine for DuckDB. When this fails, GX
    reads DuckDB by itself: drop the adjustment and use its own datasource."""
    import great_expectations as gx
    from great_expectations.execution_engine import SqlAlchemyExecutionEngine

    database = tmp_path / "plain.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table t as select 'ab' as s, 1 as n")
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_sql("plain", connection_string=f"duckdb:///{database}")
             .add_table_asset("t", table_name="t").add_batch_definition_whole_table("all")
             .get_batch())
    rows = batch.validate(gx.expectations.ExpectColumnValuesToBeBetween(column="n",
                                                                        min_value=0))
    assert not rows.success and "list index out of range" in str(rows.exception_info)
    # No DuckDB dialect: regular expressions refused, types looked up among generic ones.
    engine = SqlAlchemyExecutionEngine(connection_string=f"duckdb:///{database}")
    assert engine.dialect_module is None
