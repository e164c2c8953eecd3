"""Recognise a date dimension and derive its calendar columns from one consecutive date.

A table is a date dimension when it has a DATE (or TIMESTAMP) column, no foreign keys of its
own, and at least two columns whose names are calendar parts (``month``, ``qtr``, ``d_moy``,
``day_name``, ``is_weekend`` ...) making up a third of its columns. Its date then runs one day
per row and every part is computed from that day in the column's type and width: a CHAR(5)
``month`` holds ``NOV``, a VARCHAR(9) ``month_name`` ``November``, a SMALLINT ``month`` 11.
Knowledge is in the name patterns below; nothing here knows a benchmark's tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.relative import calendar_start
from dwsim_nb.spec.rules import AutoRule, CalendarRule, DatetimeRule
from dwsim_nb.spec.types import STRING_TYPES

_INTEGER = ("SMALLINT", "INT", "BIGINT")
_NUMERIC = (*_INTEGER, "DECIMAL", "FLOAT", "DOUBLE")
_CAL = r"(cal(endar)?_?)?"
_NUM = r"(_?(num(ber)?|no|nbr))?"
_FLAG = r"(_?(flag|ind|yn))?"
# (part, full-match name pattern). Order matters: the first match wins.
_PARTS: list[tuple[str, str]] = [
    ("key", r"(date|day|cal|calendar)_?(key|id|sk)|yyyymmdd|date_?int"),
    ("year_month", r"year_?month|yyyymm|month_?year"),
    ("year", rf"{_CAL}(year|yr|yyyy){_NUM}|fiscal_?(year|yr)|fy(_?year)?"),
    (
        "quarter",
        rf"{_CAL}(qtr|quarter|qoy|quarter_of_year){_NUM}(_?name)?|(fiscal|fy)_?(qtr|quarter)",
    ),
    (
        "month",
        rf"{_CAL}(month|mon|mth|moy|month_of_year){_NUM}(_?(name|abbr|short|desc))?"
        r"|monthname|(fiscal|fy)_?(month|mon)",
    ),
    ("week", rf"{_CAL}(week|wk|woy|week_?of_?year|iso_?week){_NUM}|(fiscal|fy)_?week"),
    ("holiday", rf"(is_?)?(public_?|bank_?)?holiday{_FLAG}(_?name)?"),
    ("weekend", rf"(is_?)?weekend{_FLAG}"),
    (
        "workday",
        rf"(is_?)?(workday|working_?day|business_?day){_FLAG}|is_?weekday{_FLAG}"
        r"|weekday_?(flag|ind|yn)",
    ),
    (
        "day_of_week",
        rf"dow|day_?of_?week{_NUM}(_?name)?|weekday{_NUM}(_?name)?|wday|day_?name|"
        r"day_num_in_week|day_?(abbr|short)",
    ),
    ("day", r"day"),
    ("day_of_month", r"dom|day_?of_?month|mday|day_num_in_month|dd|day_?(num(ber)?|no|nbr)"),
    ("day_of_year", r"doy|day_?of_?year|yday|day_num_in_year"),
]
_DATE_NAME = re.compile(r"date|day|cal")


@dataclass(frozen=True)
class _Part:
    part: str
    format: str | None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _candidates(name: str, table: str) -> list[str]:
    """The name, without a short prefix (``d_moy``) and without the table's name (``date_yr``)."""
    out = [name]
    short = re.sub(r"^[a-z]{1,3}_", "", name)
    for prefix in (_norm(table) + "_", _norm(table).rstrip("s") + "_"):
        if name.startswith(prefix) and len(name) > len(prefix):
            out.append(name[len(prefix) :])
    if short != name:
        out.append(short)
    return out


def _text_format(col: Column, part: str, name: str) -> str | None:
    """How a text column spells a part: digits, Q1, or names as wide as the column allows."""
    width = col.varchar_length
    if part in ("holiday", "weekend", "workday"):
        return "Y/N"
    if part not in ("month", "day_of_week"):
        return "Q9" if part == "quarter" and "name" in name and (width or 9) >= 2 else "9"
    if re.search(r"num|(^|_)no$|nbr", name) or (width is not None and width < 3):
        return "9"
    if width is None or width >= 9:
        return "Month"
    if col.data_type == "CHAR":
        # Fixed-width codes are capitals: JAN, and the two-letter weekdays SU MO (iCalendar's).
        return "DY2" if part == "day_of_week" else "MON"
    return "Mon"


def _part_of(col: Column, table: Table) -> _Part | None:
    typ = col.data_type
    for name in _candidates(_norm(col.name), table.name):
        for part, pattern in _PARTS:
            if not re.fullmatch(pattern, name):
                continue
            if part == "key":
                if typ in ("INT", "BIGINT"):
                    return _Part(part, None)
                continue
            if part == "day":
                # A text day is the weekday (SU, MO); a number is the day of the month.
                part = "day_of_week" if typ in STRING_TYPES else "day_of_month"
            if part == "holiday" and "name" in name:
                part = "holiday_name" if typ in STRING_TYPES else part
            if part == "day_of_week" and typ == "BOOLEAN":
                part = "workday"
            if typ == "BOOLEAN" and part not in ("holiday", "weekend", "workday"):
                return None
            if typ in STRING_TYPES:
                fmt = None if part == "holiday_name" else _text_format(col, part, name)
                return _Part(part, fmt)
            if typ in _NUMERIC or typ == "BOOLEAN":
                return _Part(part, None)
            return None
    return None


def _date_column(table: Table) -> Column | None:
    dates = [c for c in table.columns if c.data_type in ("DATE", "TIMESTAMP", "TIMESTAMPTZ")]
    dates.sort(key=lambda c: (c.data_type != "DATE", not _DATE_NAME.search(c.name.lower())))
    return dates[0] if dates else None


def _free(col: Column) -> bool:
    """No rule, or one inferred from the DDL (it has a reason): a user's rule has none."""
    return col.rule is None or isinstance(col.rule, AutoRule) or bool(col.rule.reason)


def calendar_rules(table: Table, today: dt.date | None = None) -> dict[str, CalendarRule]:
    """Rules for a date dimension's columns (empty if ``table`` is not one). Its days end on
    ``today`` (default: the clock's), and on the run's today when generated (``as_of``)."""
    date = _date_column(table)
    if date is None or table.foreign_keys:
        return {}
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    parts: dict[str, _Part] = {}
    for col in table.columns:
        if col is date or col.name in fk_columns:
            continue
        found = _part_of(col, table)
        key_like = col.is_unique or col.name in table.primary_key
        if found is not None and (found.part == "key") == key_like:
            parts[col.name] = found
    calendar = [p for p in parts.values() if p.part != "key"]
    if len(calendar) < 2 or 3 * (len(parts) + 1) < len(table.columns):
        return {}
    why = f"calendar (a date dimension: {date.name} one day per row, up to the run's today)"
    rules: dict[str, CalendarRule] = {}
    day = today or dt.date.today()
    # The days up to today, as other inferred dates are the recent past of the run's today.
    start = calendar_start(day, table.target_rows)
    as_of: dt.date | None = day
    given = date.rule if isinstance(date.rule, DatetimeRule) and date.rule.as_of is None else None
    first = given.start if given is not None else None
    if isinstance(first, dt.date):
        # A start given for the date starts the calendar, wherever the run's today is.
        start, as_of = (first.date() if isinstance(first, dt.datetime) else first), None
        why = f"calendar (a date dimension: {date.name} one day per row from {start})"
    if _free(date):
        rules[date.name] = CalendarRule(part="date", start=start, as_of=as_of, reason=why)
    for name, found in parts.items():
        col = table.column(name)
        if not _free(col):
            continue
        reason = f"calendar ({found.part} of {date.name})"
        rules[name] = CalendarRule.model_validate(
            {"part": found.part, "of": date.name, "format": found.format, "reason": reason}
        )
    return rules
