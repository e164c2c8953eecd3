"""Extractor: the bounds a query compares numbers, dates and timestamps with (comparisons,
BETWEEN, equality and IN, ``date '1994-01-01' + interval '1' year``, DATEADD, EXTRACT(YEAR) /
YEAR() = n), so the column's range can be made to cover every window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlglot import exp

from dwsim_nb.workload.analyze import Query, constant, strip
from dwsim_nb.workload.findings import Window

_COMPARE = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ)


def _year_of(node: exp.Expression) -> exp.Expression | None:
    """The column under EXTRACT(YEAR FROM c), DATE_PART('year', c) or YEAR(c)."""
    if isinstance(node, exp.Year):
        return strip(node.this)
    if isinstance(node, exp.Extract) and str(node.this.name).lower() in ("year", "yy", "yyyy"):
        return strip(node.expression)
    return None


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
            column = year_col if year_col is not None else strip(side)
            ref = q.ref(column)
            if ref is None:
                continue
            points = _points([constant(o) for o in others], year_col is not None)
            if points:
                out.append(Window(q.name, ref, tuple(points)))
    return out
