"""Issue 18, case 2: a record that breaks a row rule of the marts is a reject naming what it
broke, and never fails the quality gate for every other record. Each rule is listed here
with a record that breaks it; a new value rule in the marts without one fails this test, and
so does a bound written into a dbt test or a GX suite instead of read from the one
declaration of the row rules (dbt/dbt_project.yml, raw/row_rules.py)."""

import copy
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

from dagster_project.raw.row_rules import ROW_RULES
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
    ("papers", "published_date", "min"): (
        {"publishedAt": "0001-01-01T00:00:00Z"},
        "published_date 0001-01-01 is before 1991-01-01 (row rule: published_date >= "),
    ("papers", "published_date", "max"): ({"publishedAt": "2099-01-01T00:00:00Z"},
                                          "is after the scrape date"),
    ("papers", "title", "not null"): ({"title": ""}, "no title"),
    ("papers", "authors_count", "max"): (
        {"authors": [{"name": f"Author {n}"} for n in range(10_001)]},
        "authors_count 10,001 is over 10,000 (row rule: authors_count <= 10,000)"),
    ("paper_authors", "position", "max"): (
        {"authors": [{"name": f"Author {n}"} for n in range(10_002)]},
        "authors_count 10,002 is over 10,000"),
}
# Rules whose broken values are dropped from the record rather than refused: a blank author
# name or keyword is no author or keyword; an empty author list is an unknown count.
DROPPED = {("paper_authors", "author_name", "min"), ("paper_keywords", "keyword", "min"),
           ("papers", "authors_count", "min")}
# Bounds no record can break: the model numbers authors from 1.
ALWAYS_HOLD = {("paper_authors", "position", "min")}
# Bounds that are not row rules: a blank name or keyword is dropped, not refused.
NOT_ROW_RULES = ALWAYS_HOLD | {("paper_authors", "author_name", "min"),
                               ("paper_keywords", "keyword", "min")}
# The row rule bounding a column that no record gives by that name.
RULE_OF = {"position": "authors_count"}
# Value rules over what the build computes, not over one record's field.
COMPUTED_TABLES = {"authors", "authors_count", "daily_counts", "rejects"}
COMPUTED = {"sightings", "listing_rows", "record_index", "line_number"}
SUITE_TABLES = {"papers.json": "papers", "paper_authors.json": "paper_authors",
                "raw_listings.json": "papers"}


def value_rules() -> dict[tuple[str, str, str], list]:
    """Every bound of a column's values in the marts' dbt tests and GX suites, with the
    bounds as written there."""
    marts = yaml.safe_load((PROJECT_ROOT / "dbt/models/marts/_marts.yml").read_text())
    rules: dict[tuple[str, str, str], list] = {}
    for model in marts["models"]:
        table = "papers" if model["name"] == "paper_sightings" else model["name"]
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                if isinstance(test, dict) and "accepted_range" in test:
                    bounds = test["accepted_range"]["arguments"]
                    for side in ("min", "max"):
                        if f"{side}_value" in bounds:
                            rules.setdefault((table, column["name"], side), []).append(
                                bounds[f"{side}_value"])
    for suite, table in SUITE_TABLES.items():
        for expectation in json.loads((PROJECT_ROOT / "expectations" / suite).read_text()
                                      )["expectations"]:
            kwargs = expectation["kwargs"]
            if expectation["type"] in ("expect_column_values_to_be_between",
                                       "expect_column_value_lengths_to_be_between"):
                for side in ("min", "max"):
                    if kwargs.get(f"{side}_value") is not None:
                        rules.setdefault((table, kwargs["column"], side), []).append(
                            kwargs[f"{side}_value"])
    return {rule: bounds for rule, bounds in rules.items()
            if rule[0] not in COMPUTED_TABLES and rule[1] not in COMPUTED}


def test_every_value_rule_of_the_marts_has_a_breaking_record_here():
    covered = set(BROKEN) | DROPPED | ALWAYS_HOLD
    assert value_rules().keys() <= covered, value_rules().keys() - covered


def test_every_bound_a_record_can_break_is_read_from_the_one_declaration():
    for (table, column, side), bounds in value_rules().items():
        if (table, column, side) in NOT_ROW_RULES:
            continue
        rule = RULE_OF.get(column, column)
        declared = getattr(ROW_RULES[rule], {"min": "minimum", "max": "maximum"}[side])
        assert declared is not None, (table, column, side)
        for bound in bounds:  # dbt reads the var, GX the suite parameter
            assert bound in ({"$PARAMETER": f"{rule}_{side}"},
                             f"{{{{ var('row_rules').{rule}.{side} }}}}",
                             f"date '{{{{ var('row_rules').{rule}.{side} }}}}'"), \
                (table, column, side, bound)


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


def test_a_bound_itself_keeps_the_rule_and_one_past_it_breaks_it():
    for rule in ROW_RULES.values():
        for bound, step in ((rule.minimum, -1), (rule.maximum, +1)):
            if bound is None:
                continue
            past = bound + timedelta(days=step) if isinstance(bound, date) else bound + step
            assert rule.problem(bound) is None
            assert f"(row rule: {rule.column} " in rule.problem(past)
