"""Fitting a date dimension to the days a workload asks for.

A calendar dimension holds one day per row from its ``start`` (inferred: a recent year), so a
query on ``d_year = 2001`` or ``caldate = '2008-01-05'`` finds no day at all. When the workload
compares the dimension's day column, or a part of it (the year), with points outside its days,
the start moves to the first of January of the earliest point's year; the dimension's row count
(known only when generating) decides how far it reaches, so points years apart may still fall
past its end (coverage then says so). A start the user wrote is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dwsim_nb.spec.linked_rules import CalendarRule
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.workload.findings import Literals, Window


def _day(value: Any, part: str) -> dt.date | None:
    if part == "year":
        return dt.date(value, 1, 1) if isinstance(value, int) and 1 <= value <= 9999 else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def fit_calendars(
    spec: ExperimentSpec, found: list[Window | Literals], reason: str
) -> ExperimentSpec:
    """The spec with each date dimension starting where its workload points begin."""
    earliest: dict[tuple[str, str], tuple[dt.date, str]] = {}
    for f in found:
        table = spec.table(f.ref.table)
        rule = table.column(f.ref.column).rule
        if not isinstance(rule, CalendarRule) or rule.part not in ("date", "year"):
            continue
        day_column = f.ref.column if rule.of is None else rule.of
        day_rule = table.column(day_column).rule
        if not isinstance(day_rule, CalendarRule) or day_rule.of is not None:
            continue
        values = f.points if isinstance(f, Window) else f.values
        for v in values:
            day = _day(v, "year" if rule.part == "year" and not isinstance(v, dt.date) else "date")
            key = (table.name, day_column)
            if day is not None and (key not in earliest or day < earliest[key][0]):
                earliest[key] = (day, f.query)
    for (table_name, column), (day, query) in earliest.items():
        col = spec.table(table_name).column(column)
        rule = col.rule
        assert isinstance(rule, CalendarRule)
        if rule.reason is None or str(rule.reason).startswith(reason):
            continue  # the user's own calendar, or one this fit already moved
        if rule.start is not None and day >= rule.start:
            continue
        # Fixed where the queries look: the calendar no longer moves with the run's today.
        col.rule = rule.model_copy(
            update={
                "start": dt.date(day.year, 1, 1),
                "as_of": None,
                "reason": f"{reason}: {query} ({rule.reason})",
            }
        )
    return spec
