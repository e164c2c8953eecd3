"""How large a column's values get: from its rule's bounds, or from its type's capacity.

Used where inferred arithmetic must fit the type it lands in (a line's quantity times a price,
a parent's sum of its lines).
"""

from __future__ import annotations

from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import ConstantRule, DistributionRule, RangeRule, ValuesRule


def rule_top(col: Column) -> float | None:
    """The largest magnitude the column's rule gives (None: the rule sets no bound)."""
    rule = col.rule
    if isinstance(rule, RangeRule | DistributionRule) and rule.max is not None:
        return max(abs(float(rule.max)), abs(float(rule.min or 0)))
    if isinstance(rule, ConstantRule) and isinstance(rule.value, int | float):
        return abs(float(rule.value))
    if isinstance(rule, ValuesRule) and all(isinstance(v, int | float) for v in rule.values):
        return max(abs(float(v)) for v in rule.values)
    return None


def type_capacity(col: Column) -> float | None:
    """The largest value the column's type holds (None for floating point)."""
    if col.data_type == "DECIMAL":
        p, s = col.precision or 18, col.scale or 0
        return 10.0 ** (p - s) - 10.0 ** (-s)
    return {"SMALLINT": 32767.0, "INT": 2.0**31 - 1, "BIGINT": 2.0**63 - 1}.get(col.data_type)
