"""Literals in a column's type, and ranges widened to cover the points a workload compares with.

A range read from a CHECK constraint is kept (the table refuses values outside it). A column
on the engine's default range (no rule) is moved to where the workload looks: the
points' span, padded (half a span above, a quarter below, not below zero when no point is), so
``p_size between 1 and 5`` finds rows rather than 5 in 100,000. A range a name or DDL hint
inferred is widened to include the points; a ``datetime`` rule ``after`` another column is
left alone (its values follow that column's).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import AutoRule, DatetimeRule, DistributionRule, RangeRule, comparable
from dwsim_nb.spec.types import INTEGER_TYPES, NUMERIC_TYPES, STRING_TYPES, TEMPORAL_TYPES

_MIN_DATE_PAD = dt.timedelta(days=30)


def typed_value(col: Column, value: Any) -> Any:
    """``value`` as the column holds it, or None when it cannot be one of its values."""
    t = col.data_type
    if t in STRING_TYPES:
        text = str(value)
        width = col.varchar_length
        return None if width and len(text) > width else text
    if t in NUMERIC_TYPES:
        number = _number(value)
        if number is None:
            return None
        return int(number) if t in INTEGER_TYPES and float(number).is_integer() else number
    if t in TEMPORAL_TYPES and t != "TIME":
        moment = _moment(value)
        if moment is None:
            return None
        return moment.date() if t == "DATE" and isinstance(moment, dt.datetime) else moment
    return None


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value, 10) if math.isfinite(value) else None
    try:
        return round(float(str(value)), 10)
    except ValueError:
        return None


def _moment(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        text = str(value).strip()
        return dt.date.fromisoformat(text) if len(text) <= 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def cover(col: Column, points: list[Any], reason: str) -> Any:
    """The column's rule widened (or placed) to cover ``points``; None to leave it as it is."""
    rule = col.rule
    if col.data_type in NUMERIC_TYPES:
        numbers = [n for n in (_number(p) for p in points) if n is not None]
        if not numbers:
            return None
        if rule is None or isinstance(rule, AutoRule):
            low, high = _padded(min(numbers), max(numbers))
            if col.data_type in INTEGER_TYPES:
                low, high = math.floor(low), math.ceil(high)
            return RangeRule(min=low, max=high, reason=reason)
        if isinstance(rule, RangeRule | DistributionRule) and not _checked(rule):
            low, high = _widened(rule.min, rule.max, min(numbers), max(numbers))
            if col.data_type in INTEGER_TYPES:
                low, high = math.floor(low), math.ceil(high)
            fixed = isinstance(rule, RangeRule) and rule.as_of is not None
            if (low, high) == (rule.min, rule.max) and not fixed:
                return None
            widened: dict[str, Any] = {"min": low, "max": high, "reason": reason}
            if fixed:  # fixed where the queries look: years moving with today would leave them
                widened["as_of"] = None
            return rule.model_copy(update=widened)
        return None
    if col.data_type in ("DATE", "TIMESTAMP", "TIMESTAMPTZ"):
        moments = [m for m in (typed_value(col, p) for p in points) if m is not None]
        if not moments:
            return None
        if rule is None or isinstance(rule, AutoRule):
            first, last = min(moments, key=comparable), max(moments, key=comparable)
            pad = max(_MIN_DATE_PAD, (comparable(last) - comparable(first)) / 2)
            return DatetimeRule(start=first - pad, end=last + pad, reason=reason)
        if isinstance(rule, DatetimeRule) and rule.after is None and not _checked(rule):
            first, last = min(moments, key=comparable), max(moments, key=comparable)
            if _apart(rule, first, last):
                # An inferred span the workload never looks into (a name's "2023-2025" against
                # queries on the 1990s) moves to where the queries look rather than stretching
                # over the decades between, which would leave each window a sliver of rows.
                pad = max(_MIN_DATE_PAD, (comparable(last) - comparable(first)) / 2)
                # The queries' windows are fixed days: the range no longer moves with today.
                update = {"start": first - pad, "end": last + pad, "as_of": None}
                return rule.model_copy(update={**update, "reason": reason})
            start = first if rule.start is None else min(rule.start, first, key=comparable)
            end = last if rule.end is None else max(rule.end, last, key=comparable)
            quarter = (comparable(end) - comparable(start)) / 4
            if rule.start is not None and comparable(first) < comparable(rule.start):
                start = start - quarter
            if rule.end is not None and comparable(last) > comparable(rule.end):
                end = end + quarter
            if (start, end) == (rule.start, rule.end) and rule.as_of is None:
                return None
            # Fixed where the queries look (a range moving with the run's today would leave them).
            update = {"start": start, "end": end, "as_of": None}
            return rule.model_copy(update={**update, "reason": reason})
    return None


def _apart(rule: DatetimeRule, first: Any, last: Any) -> bool:
    """Whether every point lies outside the rule's span, all before or all after it."""
    if rule.start is None or rule.end is None:
        return False
    return comparable(last) < comparable(rule.start) or comparable(first) > comparable(rule.end)


def _checked(rule: Any) -> bool:
    """A rule read from a CHECK constraint: the table refuses values outside it."""
    return str(rule.reason or "").startswith("CHECK")


def _widened(
    old_low: float | None, old_high: float | None, low: float, high: float
) -> tuple[float, float]:
    """The old range stretched to the points, a quarter of the new span past a point that lay
    outside it (so ``> x`` finds rows above x); a side left open stays at the points."""
    new_low = low if old_low is None else min(old_low, low)
    new_high = high if old_high is None else max(old_high, high)
    quarter = (new_high - new_low) / 4
    if old_low is not None and low < old_low:
        new_low = new_low - quarter if new_low - quarter >= 0 or old_low < 0 else 0.0
    if old_high is not None and high > old_high:
        new_high = new_high + quarter
    return new_low, new_high


# The span around a single point a query compares with (``qty = 0``): wide enough that the
# point's own share comes from its literal, not from a range shrunk onto it.
_POINT_SPAN = 1000.0


def _padded(low: float, high: float) -> tuple[float, float]:
    span = high - low or max(abs(high), _POINT_SPAN)
    start = low - span / 4
    if low >= 0:
        start = max(0.0, start)
    return start, high + span / 2
