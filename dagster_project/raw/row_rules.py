"""The bounds one record's values must keep, read from their one declaration: `vars:
row_rules` in dbt/dbt_project.yml.

The marts' dbt tests read the same bounds with var('row_rules'), the GX suites as suite
parameters ("<column>_min", "<column>_max"), and the parsers refuse a record that breaks one
before the lake (raw/storable.py): one bad record is a reject naming its rule, never a failed
quality gate for every other record.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import yaml

from dagster_project.settings import DBT_PROJECT_DIR

Value = int | date


@dataclass(frozen=True)
class RowRule:
    column: str
    minimum: Value | None = None
    maximum: Value | None = None

    def problem(self, value: Value) -> str | None:
        """What is wrong with a record's value, naming the rule; None when it keeps it."""
        if self.minimum is not None and value < self.minimum:
            side, bound, word = ">=", self.minimum, "before" if _is_date(value) else "under"
        elif self.maximum is not None and value > self.maximum:
            side, bound, word = "<=", self.maximum, "after" if _is_date(value) else "over"
        else:
            return None
        return (f"{self.column} {_shown(value)} is {word} {_shown(bound)} "
                f"(row rule: {self.column} {side} {_shown(bound)})")


def _is_date(value: Value) -> bool:
    return isinstance(value, date)


def _shown(value: Value) -> str:
    return value.isoformat() if _is_date(value) else f"{value:,}"


def _declared() -> dict:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"]["row_rules"]


def _value(declared: int | str) -> Value:
    """YAML gives numbers as numbers; a quoted ISO date is a date."""
    return date.fromisoformat(declared) if isinstance(declared, str) else declared


_DECLARED = _declared()  # read once: every worker process imports this module
ROW_RULES: dict[str, RowRule] = {
    column: RowRule(column, _value(bounds["min"]) if "min" in bounds else None,
                    _value(bounds["max"]) if "max" in bounds else None)
    for column, bounds in _DECLARED.items()
}

# A change of any bound changes which records the lake may hold: part of the parser version.
RULES_DIGEST = hashlib.sha256(json.dumps(_DECLARED, sort_keys=True).encode()).hexdigest()[:8]


def suite_parameters() -> dict[str, int | str]:
    """Each bound as a GX suite parameter (a date as its ISO text)."""
    return {f"{rule.column}_{side}": bound.isoformat() if _is_date(bound) else bound
            for rule in ROW_RULES.values()
            for side, bound in (("min", rule.minimum), ("max", rule.maximum))
            if bound is not None}
