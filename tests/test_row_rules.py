"""Issue 18, case 2: a record that breaks a row rule of the marts is a reject naming what it
broke, and never fails the quality gate for every other record. Each rule is listed here
with a record that breaks it; a new value rule in the marts without one fails this test."""

import copy
import json
import shutil
from pathlib import Path

import yaml

from dagster_project.settings import PROJECT_ROOT
from tests.pipeline_helpers import build, query

GOOD = json.loads((Path(__file__).with_name("fixtures") / "daily_papers.json").read_text())[0]

# (table, column, bound) of each value rule a single record's field feeds → a paper object
# that breaks it, and what its reject says.
BROKEN = {
    ("papers", "upvotes", "min"): ({"upvotes": -5}, "upvotes is not a non-negative integer"),
    ("papers", "num_comments", "min"): ({"numComments": -1},
                                        "numComments is not a non-negative integer"),
    ("papers", "github_stars", "min"): ({"githubStars": -3},
                                        "githubStars is not a non-negative integer"),
    ("papers", "published_date", "min"): ({"publishedAt": "0001-01-01T00:00:00Z"},
                                          "published_date 0001-01-01 is before 1991-01-01"),
    ("papers", "published_date", "max"): ({"publishedAt": "2099-01-01T00:00:00Z"},
                                          "is after the scrape date"),
    ("papers", "title", "not null"): ({"title": ""}, "no title"),
    ("papers", "authors_count", "max"): (
        {"authors": [{"name": f"Author {n}"} for n in range(10_001)]},
        "authors_count is 10,001, over 10,000"),
    ("paper_authors", "position", "max"): (
        {"authors": [{"name": f"Author {n}"} for n in range(10_002)]},
        "authors_count is 10,002, over 10,000"),
}
# Rules whose broken values are dropped from the record rather than refused: a blank author
# name or keyword is no author or keyword; an empty author list is an unknown count.
DROPPED = {("paper_authors", "author_name", "min"), ("paper_keywords", "keyword", "min"),
           ("papers", "authors_count", "min")}
# Bounds no record can break: the model numbers authors from 1.
ALWAYS_HOLD = {("paper_authors", "position", "min")}
# Value rules over what the build computes, not over one record's field.
COMPUTED_TABLES = {"authors", "authors_count", "daily_counts", "rejects"}
COMPUTED = {"sightings", "listing_rows", "record_index", "line_number"}
SUITE_TABLES = {"papers.json": "papers", "paper_authors.json": "paper_authors",
                "raw_listings.json": "papers"}


def value_rules() -> set[tuple[str, str, str]]:
    """Every bound of a column's values in the marts' dbt tests and GX suites."""
    marts = yaml.safe_load((PROJECT_ROOT / "dbt/models/marts/_marts.yml").read_text())
    rules = set()
    for model in marts["models"]:
        table = "papers" if model["name"] == "paper_sightings" else model["name"]
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                if isinstance(test, dict) and "accepted_range" in test:
                    bounds = test["accepted_range"]["arguments"]
                    rules |= {(table, column["name"], side) for side in ("min", "max")
                              if f"{side}_value" in bounds}
    for suite, table in SUITE_TABLES.items():
        for expectation in json.loads((PROJECT_ROOT / "expectations" / suite).read_text()
                                      )["expectations"]:
            kwargs = expectation["kwargs"]
            if expectation["type"] in ("expect_column_values_to_be_between",
                                       "expect_column_value_lengths_to_be_between"):
                rules |= {(table, kwargs["column"], side) for side in ("min", "max")
                          if kwargs.get(f"{side}_value") is not None}
    return {rule for rule in rules
            if rule[0] not in COMPUTED_TABLES and rule[1] not in COMPUTED}


def test_every_value_rule_of_the_marts_has_a_breaking_record_here():
    covered = set(BROKEN) | DROPPED | ALWAYS_HOLD
    assert value_rules() <= covered, value_rules() - covered


def test_records_that_break_a_rule_are_rejects_and_the_rest_publishes(published_sample,
                                                                      tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(published_sample, data_dir)
    papers = []
    for number, (change, _) in enumerate(BROKEN.values(), start=1):
        paper = copy.deepcopy(GOOD)
        paper["paper"].update({"id": f"2601.{number:05}", **change})
        papers.append(paper)
    for number, change in enumerate([{"authors": [{"name": "   "}]},
                                     {"ai_keywords": ["  ", "kept"]}, {"authors": []}],
                                    start=50):
        paper = copy.deepcopy(GOOD)
        paper["paper"].update({"id": f"2601.{number:05}", "title": f"Kept {number}", **change})
        papers.append(paper)
    (data_dir / "raw" / "2025-12-20_daily_papers.json").write_text(json.dumps(papers))

    assert build(data_dir) == 0  # the gate passes: no rule fails for one record
    reasons = [row[0] for row in query(
        data_dir, "select reason from rejects where source_file = "
        "'2025-12-20_daily_papers.json' order by line_number, reason")]
    for _, said in BROKEN.values():
        assert sum(said in reason for reason in reasons) == 1, (said, reasons)
    assert len(reasons) == len(BROKEN)
    kept = query(data_dir, "select title from papers where title like 'Kept %' order by 1")
    assert kept == [("Kept 50",), ("Kept 51",), ("Kept 52",)]
