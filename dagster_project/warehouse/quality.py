"""Great Expectations suites (expectations/*.json) run on in-memory batches.

GX's SQL datasource cannot read DuckDB (see design.md), so the caller SELECTs the columns
`suite_columns(name)` lists (as Arrow, `con.sql(q).arrow()`, or pandas, `.df()`) and
`validate` runs the suite on that frame with a pandas datasource. Keys and relationships
between tables are dbt tests; totals that tie tables together are suite parameters, and so
are the bounds of the row rules (raw/row_rules.py), which `validate` adds itself.

The JSON files hold the suites in GX's own serialized shape. The not-null expectations of the
raw contracts are not in the JSON: they are derived here from the pyarrow schemas in
schema.py, the single source of truth. Great Expectations is imported inside `validate` only
(it takes seconds to import); importing this module is instant.

Before validation the frame is normalised so that dtypes are predictable and values are
comparable: integers stay integers when they hold nulls (pandas nullable dtypes), dates become
midnight datetime64 values and timestamps naive UTC datetime64 values, so `published_date <=
scraped_at` is the same as "published on or before the day it was scraped". A suite whose
meta has "order_by" is validated in that row order (daily_counts: cumulative by day).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from dagster_project.raw import row_rules

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations import ExpectationSuite
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.data_context.types.base import DataContextConfig

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
# The bounds of the row rules (dbt/dbt_project.yml), which the suites name as parameters.
ROW_RULE_PARAMETERS = row_rules.suite_parameters()

# Suites whose not-null expectations come from a schema in dagster_project/raw/schema.py.
SCHEMA_OF_SUITE = {"raw_listings": "LISTING_SCHEMA", "rejects": "REJECT_SCHEMA"}

# The Data Docs index lists this many latest validation results (older pages stay on disk).
DOCS_INDEX_LIMIT = 100
_EXAMPLES_SHOWN = 3


@dataclass(frozen=True)
class SuiteOutcome:
    """What a validation found, in the terms an asset check reports."""

    suite: str
    success: bool
    evaluated: int
    failed: list[str]  # one line per failed expectation: "type(column): what was observed"
    docs_index: Path | None = None  # the Data Docs index.html, when docs were written
    not_applicable: int = 0  # aggregates left out: an empty table, meant to be empty


def suite_columns(suite_name: str) -> list[str]:
    """The columns the suite reads, in order of first use: SELECT these and nothing else."""
    columns: list[str] = []
    for expectation in _suite_dict(suite_name)["expectations"]:
        columns += [c for c in _columns_of(expectation["kwargs"]) if c not in columns]
    return columns


def suite_parameters(suite_name: str) -> set[str]:
    """Names of the {"$PARAMETER": name} values `validate` must be given for this suite (the
    row rules' bounds it adds itself)."""
    return {
        value["$PARAMETER"]
        for expectation in _suite_dict(suite_name)["expectations"]
        for value in expectation["kwargs"].values()
        if isinstance(value, dict) and "$PARAMETER" in value
    } - ROW_RULE_PARAMETERS.keys()


def validate(
    suite_name: str,
    frame: pd.DataFrame | pa.Table | pa.RecordBatchReader,
    parameters: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
) -> SuiteOutcome:
    """Run one suite on a whole frame; with docs_dir, also update the Data Docs site there.

    Columns the frame lacks fail the expectations that read them; extra columns are ignored.
    parameters must give every name in `suite_parameters(suite_name)` (extra ones are fine).
    docs_dir accumulates: every validation into it adds a page and docs_dir/index.html lists
    the latest DOCS_INDEX_LIMIT, so all suites (even from parallel processes) share one site.
    """
    parameters = dict(parameters or {})
    missing = suite_parameters(suite_name) - parameters.keys()
    if missing:
        raise ValueError(f"suite {suite_name!r} needs parameters: {sorted(missing)}")

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = gx.get_context(mode="ephemeral", project_config=_context_config(docs_dir))
    batch = _as_pandas(frame, suite_columns(suite_name), _suite_dict(suite_name)["meta"])
    skipped = _undefined_when_empty(suite_name, parameters) if batch.empty else set()
    suite = context.suites.add_or_update(_load_suite(suite_name, skipped))
    batch_definition = (
        context.data_sources.add_pandas(suite_name)
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole frame")
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="data_docs")] if docs_dir else [],
        )
    )
    run = checkpoint.run(batch_parameters={"dataframe": batch},
                         expectation_parameters={**ROW_RULE_PARAMETERS, **parameters})
    (result,) = run.run_results.values()
    return SuiteOutcome(
        suite=suite_name,
        success=result.success,
        evaluated=result.statistics["evaluated_expectations"],
        failed=[_describe(r) for r in result.results if not r.success],
        docs_index=Path(docs_dir).resolve() / "index.html" if docs_dir else None,
        not_applicable=len(skipped),
    )


# Aggregates that have no value over zero rows (GX observes null, or a sum of 0.0).
AGGREGATES = {"expect_column_max_to_be_between", "expect_column_min_to_be_between",
              "expect_column_sum_to_be_between", "expect_column_mean_to_be_between"}


def _undefined_when_empty(suite_name: str, parameters: dict[str, Any]) -> set[int]:
    """Positions of the suite's aggregate expectations that do not apply to an empty table
    that is meant to be empty: every total the suite is given is 0 (no papers at all). An
    empty table where some total says there should be rows keeps them, and fails."""
    names = suite_parameters(suite_name)
    if any(parameters.get(name) for name in names):
        return set()
    return {position for position, expectation
            in enumerate(_suite_dict(suite_name)["expectations"])
            if expectation["type"] in AGGREGATES}


# Expectations that hold for a table when they hold for every batch of its rows.
ROW_WISE_EXPECTATIONS = {
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
    "expect_column_values_to_match_regex", "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_of_type", "expect_column_value_lengths_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b",
}
# Bounds on a column's minimum (maximum) that hold if they hold in every batch: a lower bound
# on the min, an upper bound on the max.
BATCHABLE_BOUNDS = {"expect_column_min_to_be_between": "min_value",
                    "expect_column_max_to_be_between": "max_value"}


def batchable(suite_name: str) -> bool:
    """Whether the suite may run batch by batch and mean the same as on the whole table."""
    def holds_per_batch(expectation: dict) -> bool:
        kind, kwargs = expectation["type"], expectation["kwargs"]
        if kind in BATCHABLE_BOUNDS:
            return kwargs.keys() & {"min_value", "max_value"} == {BATCHABLE_BOUNDS[kind]}
        return kind in ROW_WISE_EXPECTATIONS

    return all(holds_per_batch(e) for e in _suite_dict(suite_name)["expectations"])


def validate_batches(
    suite_name: str,
    batches: Iterable[tuple[pa.Table | pa.RecordBatch, dict[str, Any] | None]],
    docs_dir: Path | None = None,
) -> SuiteOutcome:
    """Run a suite on any number of rows, one batch at a time, so every row is validated
    without a frame of all of them: the caller gives batches where the suite means the same
    (row-wise expectations; or whole partitions, each with its own parameters). The outcome
    fails if any batch failed; the Data Docs page is that of the first failing batch, else of
    the last one (one batch is held back so that the last is known).
    """
    outcomes, held, documented = [], None, False
    for batch, parameters in batches:
        if held is not None:
            outcomes.append(validate(suite_name, *held))
            if not outcomes[-1].success and not documented and docs_dir:
                validate(suite_name, *held, docs_dir)
                documented = True
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        held = (table, parameters)
    if held is not None:
        outcomes.append(validate(suite_name, *held, None if documented else docs_dir))
    if not outcomes:
        return SuiteOutcome(suite_name, True, 0, [])
    failed = list(dict.fromkeys(line for outcome in outcomes for line in outcome.failed))
    return SuiteOutcome(suite_name, all(outcome.success for outcome in outcomes),
                        outcomes[0].evaluated, failed,
                        Path(docs_dir).resolve() / "index.html" if docs_dir else None,
                        max(outcome.not_applicable for outcome in outcomes))


@cache
def _suite_dict(suite_name: str) -> dict:
    """The suite as JSON: the file's expectations plus the schema's not-null ones first."""
    suite = json.loads((EXPECTATIONS_DIR / f"{suite_name}.json").read_text())
    if suite_name in SCHEMA_OF_SUITE:
        from dagster_project.raw import schema

        contract = getattr(schema, SCHEMA_OF_SUITE[suite_name])
        not_null = [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": field.name}}
            for field in contract
            if not field.nullable
        ]
        suite["expectations"] = not_null + suite["expectations"]
    return suite


def _load_suite(suite_name: str, skipped: set[int] = frozenset()) -> ExpectationSuite:
    import great_expectations as gx

    data = copy.deepcopy(_suite_dict(suite_name))  # GX mutates what it is given
    data["expectations"] = [expectation for position, expectation
                            in enumerate(data["expectations"]) if position not in skipped]
    suite = gx.ExpectationSuite(**data)
    # GX logs and drops an expectation it cannot build instead of raising: refuse that.
    if len(suite.expectations) != len(data["expectations"]):
        raise ValueError(f"suite {suite_name!r} has an invalid expectation (see the GX log)")
    return suite


def _context_config(docs_dir: Path | None) -> DataContextConfig:
    """In-memory stores; with docs_dir, results and the Data Docs site are files there."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()
    stores = defaults.stores
    sites = {}
    if docs_dir:
        docs_dir = Path(docs_dir).resolve()
        for store, folder in (
            (defaults.expectations_store_name, "suites"),
            (defaults.validation_results_store_name, "results"),
        ):
            stores[store]["store_backend"] = {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir / "gx" / folder),
            }
        sites["local_site"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {
                "class_name": "DefaultSiteIndexBuilder",
                "validation_results_limit": DOCS_INDEX_LIMIT,  # index cost grows with history
            },
        }
    return DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )


def _as_pandas(
    frame: pd.DataFrame | pa.Table | pa.RecordBatchReader, columns: list[str], meta: dict
) -> pd.DataFrame:
    """The suite's columns of frame, normalised (see the module docstring) and ordered."""
    import pandas as pd

    if isinstance(frame, pa.RecordBatchReader):  # what duckdb's .arrow() returns
        frame = frame.read_all()
    if not isinstance(frame, pa.Table):
        frame = pa.Table.from_pandas(frame, preserve_index=False)
    table = frame.select([name for name in columns if name in frame.column_names])
    nullable_ints = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
    }
    batch = table.to_pandas(date_as_object=False, types_mapper=nullable_ints.get)
    for name in batch.columns:
        if isinstance(batch[name].dtype, pd.DatetimeTZDtype):
            batch[name] = batch[name].dt.tz_convert("UTC").dt.tz_localize(None)
    if meta.get("order_by"):
        batch = batch.sort_values(meta["order_by"], ignore_index=True)
    return batch


def _describe(result: ExpectationValidationResult) -> str:
    """A failed expectation as one line, e.g. "type(column): 3 unexpected values, e.g. -1"."""
    config = result.expectation_config
    head = f"{config.type}({', '.join(_columns_of(config.kwargs))})"
    details = result.result or {}
    errors = _exception_messages(result.exception_info)
    if errors:
        return f"{head}: error: {'; '.join(errors)}"
    if config.type == "expect_column_values_to_not_be_null":
        count = details["unexpected_count"]
        return f"{head}: {count} null value{'s' * (count != 1)}"
    if "unexpected_count" in details:
        examples = ", ".join(
            _show(v) for v in details.get("partial_unexpected_list", [])[:_EXAMPLES_SHOWN]
        )
        count = details["unexpected_count"]
        return f"{head}: {count} unexpected value{'s' * (count != 1)}, e.g. {examples}"
    return f"{head}: observed {_show(details.get('observed_value'))}"


def _columns_of(kwargs: dict) -> list[str]:
    """The columns an expectation's kwargs name (column, column pair or column list)."""
    named = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    return named + list(kwargs.get("column_list", []))


def _exception_messages(info: dict | None) -> list[str]:
    """GX puts an exception either at the top of exception_info or under each metric id."""
    if not info:
        return []
    if "raised_exception" in info:
        info = {"": info}
    messages = [
        e.get("exception_message") or "unknown error"
        for e in info.values()
        if isinstance(e, dict) and e.get("raised_exception")
    ]
    return list(dict.fromkeys(messages))  # one per distinct message


def _show(value: Any) -> str:
    """A value as it reads in a failure line; a row of a column pair as (a, b)."""
    import pandas as pd

    if isinstance(value, list | tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return "null" if pd.isna(value) else str(value)
