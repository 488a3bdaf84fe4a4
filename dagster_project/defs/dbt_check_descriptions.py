"""What each dbt test checks, in words: the description of its asset check in the UI.

A test's own dbt `description` wins (the singular tests in dbt/tests/ have one, in
dbt/tests/_tests.yml). A generic test says what it checks from its arguments, in one place
here rather than restated beside each of the ~100 uses in the models' yml.
"""

from collections.abc import Mapping
from typing import Any


def check_description(test: Mapping[str, Any]) -> str | None:
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata")
    if not metadata:
        return None
    kwargs = metadata.get("kwargs", {})
    model = (test.get("attached_node") or "").rsplit(".", 1)[-1] or "the model"
    column = test.get("column_name")
    target = f"{model}.{column}" if column else model
    describe = DESCRIBERS.get(metadata["name"])
    if describe is None:
        return f"dbt test {metadata['name']} on {target}"
    return describe(target, model, kwargs)


def _range(target: str, model: str, kwargs: dict) -> str:
    """dbt/tests/generic/accepted_range.sql: inclusive bounds, nulls pass."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    bounds = [f"≥ {_plain(low)}" if low is not None else None,
              f"≤ {_plain(high)}" if high is not None else None]
    return f"{target} is {' and '.join(b for b in bounds if b)} wherever it is not null"


def _plain(value: object) -> str:
    text = str(value)
    return text.removeprefix("date ").strip("'") if text.startswith("date ") else text


def _ref(value: str) -> str:
    return value.removeprefix("ref(").removesuffix(")").strip("'\"")


DESCRIBERS = {
    "not_null": lambda target, model, kwargs: f"{target} is never null",
    "not_null_columns": lambda target, model, kwargs: (
        f"{model}: {', '.join(kwargs.get('columns', []))} are never null"),
    "unique": lambda target, model, kwargs: (
        f"{target} is unique: no two rows share a value (nulls aside)"),
    "accepted_range": _range,
    "relationships": lambda target, model, kwargs: (
        f"every {target} is a {_ref(kwargs['to'])}.{kwargs['field']}: no orphan rows"),
    "expression_is_true": lambda target, model, kwargs: (
        f"every row of {model} satisfies: {kwargs['expression']}"),
    "unique_combination": lambda target, model, kwargs: (
        f"no two rows of {model} share ({', '.join(kwargs['columns'])})"),
    "contiguous_positions": lambda target, model, kwargs: (
        f"{target} numbers each {kwargs['group_by']}'s rows 1, 2, 3, … with no gap"),
    "valid_arxiv_id": lambda target, model, kwargs: (
        f"{target} is a well-formed arXiv id (hep-th/9901001, 0704.0001 or 2505.03176 "
        "style) wherever it is not null"),
}
