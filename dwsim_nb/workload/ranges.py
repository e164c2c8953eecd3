"""Extractor: the bounds a query compares numbers, dates and timestamps with (comparisons,
BETWEEN, equality and IN, ``date '1994-01-01' + interval '1' year``, DATEADD, EXTRACT(YEAR) /
YEAR() = n, ``date_trunc('month', d) = date '1998-03-01'``: the whole month), so the column's
range can be made to cover every window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlglot import exp

from dwsim_nb.workload.analyze import Query, constant, shift, strip
from dwsim_nb.workload.findings import Window

_COMPARE = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ)


def _year_of(node: exp.Expression) -> exp.Expression | None:
    """The column under EXTRACT(YEAR FROM c), DATE_PART('year', c) or YEAR(c)."""
    if isinstance(node, exp.Year):
        return strip(node.this)
    if isinstance(node, exp.Extract) and str(node.this.name).lower() in ("year", "yy", "yyyy"):
        return strip(node.expression)
    return None


def _trunc_of(node: exp.Expression) -> tuple[exp.Expression, str] | None:
    """The column and unit under date_trunc('month', c) (any dialect's spelling)."""
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        unit = node.args.get("unit")
        name = unit.name if isinstance(unit, exp.Expression) else str(unit or "")
        return strip(node.this), name.lower().strip("'") or "day"
    return None


def _periods(values: list[Any], unit: str) -> list[Any]:
    """Each truncated moment and the end of its period (a month's first and next first day)."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, dt.date):
            end = shift(v, 1, unit)
            out += [v] if end is None else [v, end - dt.timedelta(days=1)]
    return out


def _points(values: list[Any], years: bool) -> list[Any]:
    if not years:
        return [v for v in values if isinstance(v, int | float | dt.date) and v is not True]
    out: list[Any] = []
    for v in values:
        if isinstance(v, int) and 1 <= v <= 9999:
            out += [dt.date(v, 1, 1), dt.date(v, 12, 31)]
    return out


def range_predicates(q: Query) -> list[Window]:
    out: list[Window] = []
    for node in q.tree.walk():
        if isinstance(node, _COMPARE):
            sides = [(node.this, [node.expression]), (node.expression, [node.this])]
        elif isinstance(node, exp.Between):
            sides = [(node.this, [node.args.get("low"), node.args.get("high")])]
        elif isinstance(node, exp.In) and not node.args.get("query"):
            sides = [(node.this, list(node.expressions))]
        else:
            continue
        for side, others in sides:
            year_col = _year_of(strip(side))
            trunc = _trunc_of(strip(side))
            column = year_col if year_col is not None else trunc[0] if trunc else strip(side)
            ref = q.ref(column)
            if ref is None:
                continue
            points = _points([constant(o) for o in others], year_col is not None)
            if trunc is not None:
                points = _periods(points, trunc[1])
            if points:
                out.append(Window(q.name, ref, tuple(points)))
    return out
