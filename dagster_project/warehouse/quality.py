"""Great Expectations suites (expectations/*.json), run inside DuckDB.

Each suite validates the table of its name in a DuckDB file through GX's SQL datasource
(warehouse/gx_duckdb.py): every expectation is a query, so a table of any size is checked
without a row of it in Python. Keys, uniqueness and relationships between tables are dbt
tests; totals that tie tables together are suite parameters, and so are the bounds of the
row rules (raw/row_rules.py), which `validate_table` adds itself.

The JSON files hold the suites in GX's own serialized shape. The not-null expectations of the
raw contracts are not in the JSON: they are derived here from the pyarrow schemas in
schema.py, the single source of truth. Great Expectations is imported inside `validate_table`
only (it takes seconds to import); importing this module is instant. Type names are
SQLAlchemy's as duckdb-engine reflects DuckDB's types: String, Integer (INTEGER, or any
wider integer), BigInteger, Date, DateTime. This DuckDB has no ICU extension, so a date
compared with a timestamp is its midnight UTC: `published_date <= scraped_at` means
"published on or before the day it was scraped".
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from dagster_project.raw import row_rules

if TYPE_CHECKING:
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


def validate_table(
    suite_name: str,
    database: Path,
    parameters: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
    config: dict | None = None,
) -> SuiteOutcome:
    """Run one suite on its table (the suite's name) in a DuckDB file: see validate_tables."""
    return validate_tables([suite_name], database, parameters, docs_dir, config)[suite_name]


def validate_tables(
    suite_names: list[str],
    database: Path,
    parameters: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
    config: dict | None = None,
) -> dict[str, SuiteOutcome]:
    """Run each suite on its table (the suite's name) in a DuckDB file, inside DuckDB, in one
    GX checkpoint; with docs_dir, also update the Data Docs site there (once for them all).

    parameters must give every name in `suite_parameters` of each suite (extra ones are
    fine). docs_dir accumulates: every validation into it adds a page and docs_dir/index.html
    lists the latest DOCS_INDEX_LIMIT, so every build's suites share one site.
    config: DuckDB settings for the read (memory limit, temp directory).
    """
    parameters = dict(parameters or {})
    for suite_name in suite_names:
        missing = suite_parameters(suite_name) - parameters.keys()
        if missing:
            raise ValueError(f"suite {suite_name!r} needs parameters: {sorted(missing)}")

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    from dagster_project.warehouse import gx_duckdb

    config = config or {}
    # Before GX opens the file: duckdb-engine's connections carry settings of their own.
    empty = _empty_tables(database, suite_names, config)
    skipped = {suite_name: _undefined_when_empty(suite_name, parameters)
               if suite_name in empty else set()
               for suite_name in suite_names}
    context = gx.get_context(mode="ephemeral", project_config=_context_config(docs_dir))
    datasource = context.data_sources.add_duckdb(
        "warehouse", **gx_duckdb.connection_settings(database, config))
    definitions = []
    for suite_name in suite_names:
        suite = context.suites.add_or_update(_load_suite(suite_name, skipped[suite_name]))
        batch_definition = (datasource.add_table_asset(suite_name, table_name=suite_name)
                            .add_batch_definition_whole_table("whole table"))
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="warehouse",
            validation_definitions=definitions,
            actions=[UpdateDataDocsAction(name="data_docs")] if docs_dir else [],
        )
    )
    try:
        run = checkpoint.run(expectation_parameters={**ROW_RULE_PARAMETERS, **parameters})
    finally:  # let go of the file: a later open with other settings would be refused
        datasource.get_execution_engine().close()
        datasource.get_engine().dispose()
    return {
        result.suite_name: SuiteOutcome(
            suite=result.suite_name,
            success=result.success,
            evaluated=result.statistics["evaluated_expectations"],
            failed=[_describe(r) for r in result.results if not r.success],
            docs_index=Path(docs_dir).resolve() / "index.html" if docs_dir else None,
            not_applicable=len(skipped[result.suite_name]),
        )
        for result in run.run_results.values()
    }


def validate(
    suite_name: str,
    frame: pa.Table | pa.RecordBatchReader,
    parameters: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
) -> SuiteOutcome:
    """Run one suite on rows held in memory: they become its table in a DuckDB file of
    their own, validated as `validate_table` does. Columns the frame lacks fail the
    expectations that read them; extra columns are ignored."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="suite-") as folder:
        database = Path(folder) / "frame.duckdb"
        connection = duckdb.connect(str(database))
        try:
            connection.register("frame", frame)
            connection.execute(f'create table "{suite_name}" as select * from frame')
        finally:
            connection.close()
        return validate_table(suite_name, database, parameters, docs_dir)


# Aggregates that have no value over zero rows (GX observes null, or a sum of 0.0).
AGGREGATES = {"expect_column_max_to_be_between", "expect_column_min_to_be_between",
              "expect_column_sum_to_be_between", "expect_column_mean_to_be_between"}


def _empty_tables(database: Path, tables: list[str], config: dict) -> set[str]:
    """Which of the tables hold no row (one connection for them all)."""
    import duckdb

    connection = duckdb.connect(str(database), read_only=True, config=config)
    try:
        return {table for table in tables if connection.execute(
            f'select count(*) = 0 from (from "{table}" limit 1)').fetchone()[0]}
    finally:
        connection.close()


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
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return "null" if value is None else str(value)
