"""Date dimensions: consecutive days and every calendar part derived from the day.

A row's day is the value of the rule's ``of`` column or ``start + row`` (one day per row, so a
date dimension's date never repeats and needs no memory). Parts are computed with numpy
calendar arithmetic per block; text parts are dictionary arrays over the few names, so a block
never builds a string per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.engine.context import to_arrow
from dwsim_nb.engine.generators.temporal import DEFAULT_START
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import CalendarRule, rule_of
from dwsim_nb.spec.types import STRING_TYPES

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

_DAY_US = 86_400 * 1_000_000
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Index 0 is Sunday, as EXTRACT(DOW ...) counts in PostgreSQL and Redshift.
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
# US federal holidays: fixed dates (month, day) and n-th weekdays (month, weekday, n; -1 last).
_FIXED = {(1, 1): "New Year's Day", (7, 4): "Independence Day", (12, 25): "Christmas Day"}
_NTH = {
    (1, 1, 3): "Martin Luther King Jr. Day",
    (2, 1, 3): "Presidents' Day",
    (5, 1, -1): "Memorial Day",
    (9, 1, 1): "Labor Day",
    (11, 4, 4): "Thanksgiving Day",
}
HOLIDAY_NAMES = (*_FIXED.values(), *_NTH.values())
_EPOCH_DOW = 4  # 1970-01-01 was a Thursday


class Days:
    """Calendar fields of day numbers (days since 1970-01-01)."""

    def __init__(self, days: np.ndarray) -> None:
        self.days = days
        d = days.astype("datetime64[D]")
        month_start = d.astype("datetime64[M]")
        year_start = d.astype("datetime64[Y]")
        self.year = year_start.astype(np.int64) + 1970
        self.month = month_start.astype(np.int64) % 12 + 1
        self.day = (d - month_start).astype(np.int64) + 1
        self.day_of_year = (d - year_start).astype(np.int64) + 1
        self.dow = (days + _EPOCH_DOW) % 7

    def iso_week(self) -> np.ndarray:
        # The ISO week is the week of the year of the week's Thursday.
        iso_day = (self.dow + 6) % 7  # Monday 0 .. Sunday 6
        thursday = (self.days - iso_day + 3).astype("datetime64[D]")
        return (thursday - thursday.astype("datetime64[Y]")).astype(np.int64) // 7 + 1

    def month_length(self) -> np.ndarray:
        month_start = self.days.astype("datetime64[D]").astype("datetime64[M]")
        return ((month_start + 1).astype("datetime64[D]") - month_start).astype(np.int64)

    def holiday_index(self) -> np.ndarray:
        """Index into HOLIDAY_NAMES per day, -1 on ordinary days."""
        out = np.full(len(self.days), -1, dtype=np.int64)
        for i, (month, day) in enumerate(_FIXED):
            out[(self.month == month) & (self.day == day)] = i
        for j, (month, weekday, nth) in enumerate(_NTH):
            hit = (self.month == month) & (self.dow == weekday)
            if nth > 0:
                hit &= (self.day - 1) // 7 == nth - 1
            else:
                hit &= self.day > self.month_length() - 7
            out[hit] = len(_FIXED) + j
        return out


def _day_numbers(col: Column, ctx: ColumnContext, rows: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """(day numbers, null mask) for the rows: the ``of`` column's days or start + row."""
    rule = rule_of(col, CalendarRule)
    if rule.of is None:
        start = rule.start or DEFAULT_START
        first = (np.datetime64(start, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
        return rows.astype(np.int64) + first, pa.array(np.zeros(len(rows), dtype=bool))
    if not ctx.trt.table.has_column(rule.of):
        raise GenerationError(
            f"table '{ctx.trt.name}', column '{col.name}': the calendar rule takes its day "
            f"from '{rule.of}', which the table does not have",
            hint="set 'of' to the table's date column, or leave it out for one day per row",
        )
    values = ctx.other(rule.of)
    if pa.types.is_timestamp(values.type):
        values = pc.cast(values, pa.timestamp("us"), safe=False) if values.type.tz else values
        values = pc.cast(values, pa.date32(), safe=False)
    if not pa.types.is_date32(values.type):
        raise GenerationError(
            f"table '{ctx.trt.name}', column '{col.name}': the calendar rule takes its day "
            f"from '{rule.of}', which holds {values.type}, not dates",
            hint="set 'of' to a DATE or TIMESTAMP column",
        )
    nulls = values.is_null()
    days = values.view(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
    return days.astype(np.int64), nulls


def _names(names: tuple[str, ...], fmt: str | None, width: int | None) -> list[str]:
    """The names in a spelling: the format's, or the longest the column's width holds."""
    if fmt is None:
        longest = max(len(n) for n in names)
        fmt = "Month" if width is None or width >= longest else "Mon"
    if fmt in ("MON", "Mon", "DY2"):
        size = 2 if fmt == "DY2" else 3
        short = [n[:size] for n in names]
        return [s.upper() for s in short] if fmt != "Mon" else short
    return [n.upper() for n in names] if fmt == "MONTH" else list(names)


def _text(index: np.ndarray, pool: list[str]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pa.array(pool))


def _flag(col: Column, rule: CalendarRule, hit: np.ndarray) -> object:
    if col.data_type == "BOOLEAN":
        return hit
    if col.data_type in STRING_TYPES:
        pool = ["0", "1"] if rule.format == "9" else ["N", "Y"]
        return _text(hit.astype(np.int64), pool)
    return hit.astype(np.int64)


def _number(col: Column, rule: CalendarRule, values: np.ndarray, prefix: str = "") -> object:
    if col.data_type in STRING_TYPES:
        text = pc.cast(pa.array(values), pa.string())
        return pc.binary_join_element_wise(prefix, text, "") if prefix else text
    return values


def gen_calendar(col: Column, ctx: ColumnContext, rows: np.ndarray) -> object:
    rule = rule_of(col, CalendarRule)
    days, nulls = _day_numbers(col, ctx, rows)
    out = _part(col, rule, Days(days))
    if len(nulls) and pc.any(nulls).as_py():
        # A day of NULL has no parts: keep the NULL.
        out = to_arrow(out, col, ctx.trt.types[col.name])
        if isinstance(out, pa.DictionaryArray):
            out = out.dictionary_decode()
        out = pc.if_else(nulls, pa.nulls(len(out), out.type), out)
    return out


def _part(col: Column, rule: CalendarRule, cal: Days) -> object:
    part, fmt = rule.part, rule.format
    width = col.varchar_length
    if part == "date":
        if col.data_type == "DATE":
            return cal.days
        if col.data_type in STRING_TYPES:
            return pc.cast(pa.array(cal.days.astype(np.int32)).view(pa.date32()), pa.string())
        return cal.days * _DAY_US
    if part == "key":
        return _number(col, rule, cal.year * 10_000 + cal.month * 100 + cal.day)
    if part == "year":
        return _number(col, rule, cal.year)
    if part == "quarter":
        return _number(col, rule, (cal.month - 1) // 3 + 1, "Q" if fmt == "Q9" else "")
    if part == "year_month":
        if col.data_type in STRING_TYPES:
            month = pc.utf8_lpad(pc.cast(pa.array(cal.month), pa.string()), 2, "0")
            year = pc.cast(pa.array(cal.year), pa.string())
            return pc.binary_join_element_wise(year, month, "-")
        return cal.year * 100 + cal.month
    if part == "month":
        if col.data_type in STRING_TYPES and fmt != "9":
            return _text(cal.month - 1, _names(MONTHS, fmt, width))
        return _number(col, rule, cal.month)
    if part == "week":
        return _number(col, rule, cal.iso_week())
    if part == "day_of_month":
        return _number(col, rule, cal.day)
    if part == "day_of_year":
        return _number(col, rule, cal.day_of_year)
    if part == "day_of_week":
        if col.data_type in STRING_TYPES and fmt != "9":
            return _text(cal.dow, _names(WEEKDAYS, fmt, width))
        return _number(col, rule, cal.dow)
    if part in ("holiday", "holiday_name"):
        index = cal.holiday_index()
        if part == "holiday":
            return _flag(col, rule, index >= 0)
        names = pa.array(np.where(index >= 0, index, 0).astype(np.int32))
        valid = pa.array(index >= 0)
        names = pc.if_else(valid, names, pa.nulls(len(names), pa.int32()))
        return pa.DictionaryArray.from_arrays(names, pa.array(list(HOLIDAY_NAMES)))
    weekend = (cal.dow == 0) | (cal.dow == 6)
    return _flag(col, rule, weekend if part == "weekend" else ~weekend)
