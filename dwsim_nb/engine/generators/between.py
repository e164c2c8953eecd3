"""The datetime generator: values in a range or after another column's (:mod:`.temporal`), or
``before`` another column's value (a ticket sold before its event starts), or between an
``after`` and a ``before`` value (after its listing, before the event).

The value is drawn uniformly between a low and a high end per row: the ``after`` value (or the
column's start, or a year before a ``before`` value when the column gives no start) and the
``before`` value (or the column's end). ``strict`` keeps one step off both references,
``within`` caps the gap after ``after`` (or, with no ``after``, before ``before``). Where the
ends cross (the event starts before the listing), ``after`` wins: the value is its low end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from dwsim_nb.engine.generators.day_keys import limits
from dwsim_nb.engine.generators.temporal import (
    DEFAULT_AFTER_DAYS,
    Limits,
    after_target,
    gen_datetime,
    only_when,
    reference_values,
    unit,
)
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import DatetimeRule, date_range, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext


_FAR = 2**62  # an end no reference gives: beyond any day


def gen_moment(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray | pa.Array:
    """A date, time or timestamp column: in its range, after or before other values, within
    the days of the date dimension a ``day`` key of the table picks by it, NULL where its
    ``when`` does not hold."""
    bounds = limits(ctx, col)
    if isinstance(col.rule, DatetimeRule) and col.rule.before:
        return only_when(col, ctx, gen_between(col, ctx, rows, bounds))
    return only_when(col, ctx, gen_datetime(col, ctx, rows, bounds))


def gen_between(col: Column, ctx: ColumnContext, rows: np.ndarray, bounds: Limits) -> np.ndarray:
    """Values before the ``before`` value (and after the ``after`` value), in ``bounds``."""
    rule = rule_of(col, DatetimeRule)
    assert rule.before
    step = unit(col)
    per_day = 1 if step == 1 else 86_400
    year = DEFAULT_AFTER_DAYS * per_day * step
    lo, hi, bounded = bounds
    first = step if rule.strict else 0
    start, end = date_range(rule)
    table = ctx.trt.table
    n = len(rows)
    top, has_top = reference_values(ctx, col, after_target(table, col, "before"))
    b = np.where(has_top, top - first, _FAR)
    if rule.after:
        low, has_low = reference_values(ctx, col, after_target(table, col, "after"))
        a = np.where(has_low, low + first, -_FAR)
    else:
        has_low = np.zeros(n, dtype=bool)
        a = np.full(n, -_FAR, dtype=np.int64)
    # The column's own ends (within the date dimension's days): a year from a reference where
    # the column gives none.
    fixed = bounded or col.data_type == "TIME"
    soft_lo = np.full(n, lo, dtype=np.int64)
    soft_hi = np.full(n, hi, dtype=np.int64)
    if start is None and not fixed:
        soft_lo = np.where(has_top, b - year, soft_lo)
    if end is None and not fixed:
        soft_hi = np.where(has_low, a + year, soft_hi)
    if rule.within is not None:
        gap = int(rule.within * per_day) * step
        if rule.after:
            soft_hi = np.where(has_low, np.minimum(soft_hi, a + gap), soft_hi)
        else:
            soft_lo = np.where(has_top, np.maximum(soft_lo, b - gap), soft_lo)
    # The references win over the column's ends, and ``after`` over ``before``.
    low_end = np.minimum(np.maximum(a, soft_lo), b)
    high_end = np.maximum(np.minimum(b, soft_hi), a)
    crossed = a > b
    low_end = np.where(crossed, a, low_end)
    high_end = np.where(crossed, a, np.maximum(high_end, low_end))
    steps = (high_end - low_end) // step
    offsets = (ctx.uniform(rows, "between") * (steps + 1)).astype(np.int64)
    return low_end + np.minimum(offsets, steps) * step
