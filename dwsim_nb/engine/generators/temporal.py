"""Dates, times and timestamps in ranges, and dates that follow a parent's date (``after``).

The generators take the column's bounds (``limits``) from :mod:`.between`, which narrows them to
the days of a date dimension a ``day`` key of the table picks by the column (so the key's day is
the value's day) and makes values ``before`` another column's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import DatetimeRule, When, date_range

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

# Fixed (not "today") so the same seed gives the same data next year too.
DEFAULT_START = dt.date(2020, 1, 1)
DEFAULT_END = dt.date(2025, 12, 31)
# How far after its reference an ``after`` value may fall when the column gives no end.
DEFAULT_AFTER_DAYS = 365
_EPOCH = dt.date(1970, 1, 1)
_US = 1_000_000
_DAY_US = 86_400 * _US


def _days(v: dt.date | dt.datetime | dt.time | None, default: dt.date) -> int:
    if isinstance(v, dt.datetime):
        v = v.date()
    if not isinstance(v, dt.date):
        v = default
    return (v - _EPOCH).days


def _micros(v: dt.date | dt.datetime | dt.time | None, default: dt.date, end: bool) -> int:
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        delta = v - dt.datetime(1970, 1, 1)
        return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds
    days = _days(v, default)
    return days * _DAY_US + (_DAY_US - _US if end else 0)


def _time_micros(v: dt.date | dt.datetime | dt.time | None, default: int) -> int:
    if isinstance(v, dt.datetime):
        v = v.time()
    if isinstance(v, dt.time):
        return ((v.hour * 60 + v.minute) * 60 + v.second) * _US + v.microsecond
    return default


def bounds(col: Column) -> tuple[int, int]:
    """Inclusive bounds in the column's storage unit (days, or microseconds)."""
    start, end = date_range(col.rule)
    if col.data_type == "DATE":
        return _days(start, DEFAULT_START), _days(end, DEFAULT_END)
    if col.data_type == "TIME":
        return _time_micros(start, 0), _time_micros(end, _DAY_US - _US)
    return (
        _micros(start, DEFAULT_START, end=False),
        _micros(end, DEFAULT_END, end=True),
    )


def after_of(col: Column) -> str | None:
    """The column a datetime rule's values follow (``after``), if any."""
    return col.rule.after if isinstance(col.rule, DatetimeRule) else None


def unit(col: Column) -> int:
    """Step of generated values: one day for dates, one second otherwise."""
    return 1 if col.data_type == "DATE" else _US


# (lo, hi, whether a date dimension's days bound them): see day_keys.limits.
Limits = tuple[int, int, bool]


def gen_datetime(
    col: Column, ctx: ColumnContext, rows: np.ndarray, limits: Limits | None = None
) -> np.ndarray:
    if after_of(col):
        return gen_after(col, ctx, rows, limits)
    lo, hi, _ = limits or (*bounds(col), False)
    step = unit(col)
    span = max(0, (hi - lo) // step) + 1
    return lo + ctx.below(rows, span) * step


def only_when(col: Column, ctx: ColumnContext, values: np.ndarray) -> np.ndarray | pa.Array:
    """``values``, NULL in the rows the rule's ``when`` does not hold (a subscription's
    ``canceled_at`` where its status is not ``canceled``); unchanged without ``when``."""
    when = col.rule.when if isinstance(col.rule, DatetimeRule) else None
    if when is None:
        return values
    from dwsim_nb.engine.context import to_arrow

    held = happened(ctx, col, when)
    arr = to_arrow(values, col, ctx.trt.types[col.name])
    return pc.if_else(pa.array(held), arr, pa.nulls(len(arr), arr.type))


def happened(ctx: ColumnContext, col: Column, when: When) -> np.ndarray:
    """Where the row's ``when.column`` holds one of ``when.values`` (False where it is NULL)."""
    table = ctx.trt.table
    if not table.has_column(when.column):
        raise GenerationError(
            f"table '{ctx.trt.name}', column '{col.name}': 'when' reads '{when.column}', which "
            "the table does not have",
            hint="set 'when.column' to a column of the same table, or drop 'when'",
        )
    source = ctx.other(table.column(when.column).name)
    if isinstance(source, pa.DictionaryArray):
        source = source.dictionary.take(source.indices)
    wanted = pc.cast(pa.array([str(v) for v in when.values]), pa.string())
    text = source if pa.types.is_string(source.type) else pc.cast(source, pa.string())
    found = pc.is_in(text, value_set=wanted)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def gen_unique_datetime(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    from dwsim_nb.engine.permute import permute

    lo, hi = bounds(col)
    step = unit(col)
    span = max(0, (hi - lo) // step) + 1
    return lo + permute(rows, span, ctx.subkey("unique")) * step


def _as_storage(arr: pa.Array, target: Column) -> tuple[np.ndarray, np.ndarray]:
    """Reference values in the target column's unit, and a mask of where they are null."""
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    typ = arr.type
    if pa.types.is_date32(typ):
        raw = arr.view(pa.int32()).fill_null(0).to_numpy().astype(np.int64)
        if target.data_type != "DATE":
            raw = raw * _DAY_US
    elif pa.types.is_time(typ) and target.data_type == "TIME":
        raw = pc.cast(arr, pa.time64("us")).view(pa.int64()).fill_null(0).to_numpy()
    elif pa.types.is_timestamp(typ) and target.data_type != "TIME":
        raw = arr.view(pa.int64()).fill_null(0).to_numpy()
        if target.data_type == "DATE":
            raw = raw // _DAY_US
    else:
        raise GenerationError(
            f"column '{target.name}': 'after' and 'before' must name a DATE or TIMESTAMP "
            f"column (a TIME column for a TIME), not {typ}"
        )
    return raw, valid


def gen_after(
    col: Column, ctx: ColumnContext, rows: np.ndarray, limits: Limits | None = None
) -> np.ndarray:
    """A value at or after the referenced column's value for the same row or its parent."""
    base, valid = reference_values(ctx, col, resolve_after(ctx, col))
    step = unit(col)
    lo, hi, bounded = limits or (*bounds(col), False)
    per_day = 1 if step == 1 else 86_400
    first = 1 if isinstance(col.rule, DatetimeRule) and col.rule.strict else 0
    if bounded:
        # Not before the date dimension's first day (still after the reference).
        base = np.where(valid, np.maximum(base, lo - first * step), base)
    if date_range(col.rule)[1] is not None or col.data_type == "TIME" or bounded:
        # A time of day stays within its day (or the column's end): never past midnight.
        gap = np.maximum(hi - base, 0) // step
    else:
        gap = np.full(len(base), DEFAULT_AFTER_DAYS * per_day)
    within = col.rule.within if isinstance(col.rule, DatetimeRule) else None
    if within is not None:
        gap = np.minimum(gap, int(within * per_day))
    offsets = first + (ctx.uniform(rows, "after") * np.maximum(gap + 1 - first, 1)).astype(np.int64)
    out = base + offsets * step
    if col.data_type == "TIME":
        out = np.minimum(out, hi)
    if not valid.all():
        # No reference (a null parent key): fall back to the column's own range.
        span = max(0, (hi - lo) // step) + 1
        fallback = lo + ctx.below(rows, span, "after-fallback") * step
        out = np.where(valid, out, fallback)
    return out


def reference_values(
    ctx: ColumnContext, col: Column, ref: tuple[int | None, str]
) -> tuple[np.ndarray, np.ndarray]:
    """A referenced column's values for the rows (of the same row, or of the parent row a
    foreign key picks) in ``col``'s unit, and where they are known."""
    if ref[0] is None:
        return _as_storage(ctx.other(ref[1]), col)
    parent_rows = ctx.batch.parent_rows(ref[0])
    parent = ctx.trt.rt.table(ctx.trt.foreign_key(ref[0]).references_table)
    values = parent.column_at(ref[1], np.where(parent_rows >= 0, parent_rows, 0))
    base, valid = _as_storage(values, col)
    return base, valid & (parent_rows >= 0)


def resolve_after(ctx: ColumnContext, col: Column) -> tuple[int | None, str]:
    """(foreign key index or None for the same row, referenced column name)."""
    return after_target(ctx.trt.table, col)


def after_target(table: object, col: Column, word: str = "after") -> tuple[int | None, str]:
    """Where the rule's ``after`` (or ``before``: ``word``) value is: (foreign key index or None
    for the same row, column name)."""
    from dwsim_nb.spec.models import Table

    after = after_of(col) if word == "after" else getattr(col.rule, word, None)
    assert isinstance(table, Table) and after
    text = after.strip()
    if "." not in text:
        if not table.has_column(text):
            raise GenerationError(
                f"table '{table.key}', column '{col.name}': {word} names '{text}', which the "
                "table does not have; write 'column' or 'parent_table.column'"
            )
        return None, text
    tname, cname = text.rsplit(".", 1)
    if tname.lower() in (table.name.lower(), table.key.lower()) and table.has_column(cname):
        return None, cname
    for i, fk in enumerate(table.foreign_keys):
        if fk.references_table.lower() == tname.lower() or fk.references_table.lower().endswith(
            "." + tname.lower()
        ):
            return i, cname
    raise GenerationError(
        f"table '{table.key}', column '{col.name}': {word} names '{text}', but the table has "
        f"no foreign key to '{tname}'; add one or name a column of this table"
    )
