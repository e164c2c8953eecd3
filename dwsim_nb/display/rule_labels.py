"""One line per rule saying how a column's values are made (``range 1901 … 2155``).

Shared by the spec view and the "why" table, so a rule reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import (
    AggregateRule,
    ArrayRule,
    BooleanRule,
    CalendarRule,
    ConstantRule,
    DatetimeRule,
    DerivedRule,
    DistributionRule,
    FakerRule,
    JsonRule,
    LookupRule,
    MixRule,
    ParentRule,
    PatternRule,
    RangeRule,
    RecordRule,
    SequenceRule,
    UuidRule,
    ValuesRule,
)

_MAX_VALUES_SHOWN = 6


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _values_label(rule: ValuesRule) -> str:
    vals = rule.values
    shown = vals[:_MAX_VALUES_SHOWN]
    if rule.weights:
        total = sum(rule.weights)
        parts = [f"{v} ({w / total:.0%})" for v, w in zip(shown, rule.weights, strict=False)]
    else:
        parts = [str(v) for v in shown]
    more = f", … {len(vals) - len(shown)} more" if len(vals) > len(shown) else ""
    return "one of " + ", ".join(parts) + more


def _json_label(rule: JsonRule) -> str:
    if isinstance(rule.shape, dict):
        return "JSON {" + ", ".join(map(str, rule.shape)) + "}"
    return f"JSON array of {len(rule.shape)} items"


def _array_label(rule: ArrayRule) -> str:
    if rule.min_items == rule.max_items:
        count = f"{rule.min_items}"
    else:
        count = f"{rule.min_items}–{rule.max_items}"
    if rule.values is not None:
        return f"array of {count} of " + ", ".join(map(str, rule.values[:_MAX_VALUES_SHOWN]))
    if rule.element is not None:
        return f"array of {count} faker {rule.element}"
    if rule.min is not None or rule.max is not None:
        return f"array of {count} in [{_num(rule.min)}, {_num(rule.max)}]"
    return f"array of {count}"


def _distribution_label(rule: DistributionRule) -> str:
    params = ", ".join(f"{k}={_num(v)}" for k, v in rule.parameters.items())
    text = f"{rule.type}({params})"
    if rule.min is not None or rule.max is not None:
        text += f" within [{_num(rule.min)}, {_num(rule.max)}]"
    return text + _places(rule.decimals)


def _places(decimals: int | None) -> str:
    if decimals is None:
        return ""
    return ", whole" if decimals == 0 else f", {decimals} decimals"


def _datetime_label(rule: DatetimeRule) -> str:
    if rule.before:
        since = f"after {rule.after}, " if rule.after else ""
        within = f" within {rule.within:g} days" if rule.within and not rule.after else ""
        return f"{since}before {rule.before}{within}"
    if rule.after:
        within = f" within {rule.within:g} days" if rule.within else ""
        return f"after {rule.after}{within}"
    return f"between {rule.start or '…'} and {rule.end or '…'}"


def _range_label(rule: RangeRule) -> str:
    # A one-sided CHECK (length > 0) leaves an end open: say so, not "None".
    if rule.min is None and rule.max is None:
        text = "range of the type"
    elif rule.max is None:
        text = f"range ≥ {_num(rule.min)}"
    elif rule.min is None:
        text = f"range ≤ {_num(rule.max)}"
    else:
        text = f"range {_num(rule.min)} … {_num(rule.max)}"
    return text + _places(rule.decimals)


def _faker_label(rule: FakerRule) -> str:
    return f"faker {rule.provider}" + (f" ({rule.locale})" if rule.locale else "")


def _mix_label(rule: MixRule) -> str:
    entries = [f"{v!r} {s:.0%}" for v, s in zip(rule.values, rule.shares, strict=False)]
    entries += [f"like {p!r} {s:.0%}" for p, s in zip(rule.like, rule.like_shares, strict=False)]
    shown = ", ".join(entries[:_MAX_VALUES_SHOWN])
    if len(entries) > _MAX_VALUES_SHOWN:
        shown += ", ..."
    label = _LABELS.get(type(rule.base))
    return f"{shown}; else {label(rule.base) if label else 'auto (from type)'}"


# One line per kind of rule, by the rule's type.
_LABELS: dict[type, Callable[[Any], str]] = {
    DerivedRule: lambda r: f"= {r.expression}",
    ConstantRule: lambda r: f"constant {r.value!r}",
    SequenceRule: lambda r: f"sequence from {r.start} step {r.step}",
    ValuesRule: _values_label,
    PatternRule: lambda r: f"pattern {r.pattern}",
    FakerRule: _faker_label,
    JsonRule: _json_label,
    ArrayRule: _array_label,
    DistributionRule: _distribution_label,
    DatetimeRule: _datetime_label,
    RangeRule: _range_label,
    BooleanRule: lambda r: f"true {r.true_probability:.0%}",
    UuidRule: lambda r: "uuid",
    CalendarRule: lambda r: (
        (
            f"calendar {r.part} of {r.of}"
            if r.of
            # An inferred calendar is placed when a run is planned: it ends on the run's today.
            else "one day per row, ending on the run's today"
            if r.as_of
            else f"one day per row from {r.start or 'the default start'}"
        )
        + (f" as {r.format}" if r.format else "")
    ),
    LookupRule: lambda r: f"follows {r.of} ({len(r.mapping)} pairs)",
    ParentRule: lambda r: f"the {r.column} of the row ({', '.join(r.via)}) picks",
    MixRule: _mix_label,
    RecordRule: lambda r: f"{r.record} {r.field}" + (f" ({r.group})" if r.group else ""),
    AggregateRule: lambda r: (
        f"{r.function} of {r.table}"
        + (f".{r.column}" if r.column else f" ({r.expression})" if r.expression else "")
    ),
}


def describe_rule(col: Column) -> str:
    """One line saying how a column's values are made (``auto`` when the engine picks)."""
    label = _LABELS.get(type(col.rule))
    if label is not None:
        return label(col.rule)
    return "uuid" if col.data_type == "UUID" else "auto (from type)"
