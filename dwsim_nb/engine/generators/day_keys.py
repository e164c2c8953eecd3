"""Date keys chosen from a row's time: the ``day`` cardinality.

A sale's time follows its listing's, so its date key cannot pick a day first: the key is the
date dimension's row whose day is the day of the sale's time. A one-day-per-row calendar (a
``calendar`` rule of part ``date`` without ``of``) holds ``start + row``, so the row is
``day - start``; any other day column is looked up (``searchsorted`` over its days, which a
calendar holds few of). The child's column stays within the dimension's days
(:func:`limits`, used by the datetime generators), so every key lands on its own day; a
time forced past the span (``after`` a later parent) takes the nearest day's key.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.temporal import DEFAULT_START, bounds
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import CalendarRule

if TYPE_CHECKING:
    from dwsim_nb.engine.context import Batch, ColumnContext, TableRuntime

_EPOCH = dt.date(1970, 1, 1)
_US = 1_000_000
_DAY_US = 86_400 * _US


def _day_numbers(values: pa.Array, where: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, valid mask) of a DATE or TIMESTAMP array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    valid = ~np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_date32(values.type):
        days = values.view(pa.int32()).fill_null(0).to_numpy().astype(np.int64)
    elif pa.types.is_timestamp(values.type):
        micros = pc.cast(values, pa.timestamp("us", values.type.tz), safe=False)
        days = micros.view(pa.int64()).fill_null(0).to_numpy() // _DAY_US
    else:
        raise GenerationError(
            f"{where}: a day cardinality reads '{name}', which holds {values.type}, not dates",
            hint="name a DATE or TIMESTAMP column",
        )
    return days, valid


class _Calendar:
    """A date dimension's days: ``first + row`` when dense, else every row's day."""

    def __init__(self, parent: TableRuntime, column: str, where: str) -> None:
        if not parent.table.has_column(column):
            raise GenerationError(
                f"{where}: a day cardinality finds days in '{column}', which '{parent.name}' "
                "does not have",
                hint=f"set 'parent_column' to the day column of '{parent.name}'",
            )
        self.n = parent.n
        rule = parent.table.column(column).rule
        self.first = 0
        self.days: np.ndarray | None = None
        if isinstance(rule, CalendarRule) and rule.part == "date" and rule.of is None:
            self.first = ((rule.start or DEFAULT_START) - _EPOCH).days
            return
        days, valid = _day_numbers(parent.column_at(column, np.arange(self.n)), where, column)
        self.rows = np.flatnonzero(valid)
        order = np.argsort(days[self.rows], kind="stable")
        self.rows = self.rows[order]
        self.days = days[self.rows]

    def span(self) -> tuple[int, int] | None:
        """(first day, last day), None when it has no day."""
        if self.days is None:
            return (self.first, self.first + self.n - 1) if self.n else None
        return (int(self.days[0]), int(self.days[-1])) if len(self.days) else None

    def rows_of(self, days: np.ndarray) -> np.ndarray:
        """The row of each day (of the latest day before it where it has none)."""
        if self.days is None:
            return np.clip(days - self.first, 0, max(self.n - 1, 0))
        at = np.searchsorted(self.days, days, side="right") - 1
        return np.asarray(self.rows[np.clip(at, 0, len(self.days) - 1)], dtype=np.int64)


def _where(trt: TableRuntime, fk_index: int) -> str:
    return f"table '{trt.name}', foreign key ({', '.join(trt.foreign_key(fk_index).columns)})"


def _calendar(trt: TableRuntime, fk_index: int) -> _Calendar:
    fk = trt.foreign_key(fk_index)
    assert fk.cardinality is not None and fk.cardinality.parent_column
    parent = trt.rt.table(fk.references_table)
    return _Calendar(parent, fk.cardinality.parent_column, _where(trt, fk_index))


def day_rows(
    trt: TableRuntime,
    fk_index: int,
    key: int,
    rows: np.ndarray,
    parents: int,
    batch: Batch | None,
) -> np.ndarray:
    """Parent rows for child ``rows`` under a ``day`` cardinality."""
    fk = trt.foreign_key(fk_index)
    card = fk.cardinality
    assert card is not None
    uniform = seeds.below(seeds.derive_key(key, "uniform"), rows, parents)
    where = _where(trt, fk_index)
    column = card.column or ""
    if not trt.table.has_column(column) or column in fk.columns:
        raise GenerationError(
            f"{where}: a day cardinality reads column '{column}', which must be a date or "
            "timestamp column of the table outside the key",
            hint="set 'column' to the row's date or timestamp (e.g. saletime)",
        )
    if len(rows) == 0:
        return uniform
    calendar = _calendar(trt, fk_index)
    if calendar.span() is None:
        return uniform
    values = batch.column(column) if batch is not None else trt.column_at(column, rows)
    days, valid = _day_numbers(values, where, column)
    return np.where(valid, calendar.rows_of(days), uniform)


def calendar_span(ctx: ColumnContext, col: Column) -> tuple[int, int] | None:
    """Inclusive bounds, in the column's storage unit, of the days of the date dimension a
    ``day`` key of the table picks by this column (None: no such key)."""
    if col.data_type not in ("DATE", "TIMESTAMP", "TIMESTAMPTZ"):
        return None
    trt = ctx.trt
    for i, fk in enumerate(trt.table.foreign_keys):
        card = fk.cardinality
        if card is None or card.kind != "day" or card.column != col.name:
            continue
        span = _calendar(trt, i).span()
        if span is None:
            return None
        if col.data_type == "DATE":
            return span
        return span[0] * _DAY_US, span[1] * _DAY_US + _DAY_US - _US
    return None


def limits(ctx: ColumnContext, col: Column) -> tuple[int, int, bool]:
    """(lo, hi, whether a date dimension bounds them): the column's bounds within the days of
    the date dimension a ``day`` key picks by it (its days win when the two do not meet)."""
    lo, hi = bounds(col)
    span = calendar_span(ctx, col)
    if span is None:
        return lo, hi, False
    if lo > span[1] or hi < span[0]:
        return span[0], span[1], True
    return max(lo, span[0]), min(hi, span[1]), True
