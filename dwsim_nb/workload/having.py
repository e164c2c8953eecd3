"""Extractor: HAVING thresholds on sum, avg and count (``having sum(l_quantity) > 300``,
``having count(*) between 15 and 20``), with the column grouped by, so fitting can make a few
groups pass (a share of large values, or a skewed number of children per parent)."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from dwsim_nb.workload.analyze import ColumnRef, Query, constant, strip
from dwsim_nb.workload.findings import Threshold

_AGGREGATES = {exp.Sum: "sum", exp.Avg: "avg", exp.Count: "count"}


def _aggregate(node: Any) -> tuple[str, Any] | None:
    node = strip(node)
    for kind, name in _AGGREGATES.items():
        if isinstance(node, kind):
            return name, node
    return None


def _lower_bounds(p: Any) -> list[tuple[Any, float]]:
    """(aggregate side, the value it must reach) of ``agg > v``, ``v < agg``, ``agg between
    v and w`` (upper bounds are met by small groups, which every table has)."""
    if isinstance(p, exp.GT | exp.GTE):
        pairs = [(p.this, p.expression)]
    elif isinstance(p, exp.LT | exp.LTE):
        pairs = [(p.expression, p.this)]
    elif isinstance(p, exp.Between):
        pairs = [(p.this, p.args.get("low"))]
    else:
        return []
    out = []
    for side, bound in pairs:
        value = constant(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append((side, float(value)))
    return out


def having_thresholds(q: Query) -> list[Threshold]:
    out: list[Threshold] = []
    for having in q.tree.find_all(exp.Having):
        select = having.parent
        group = select.args.get("group") if isinstance(select, exp.Select) else None
        group_ref: ColumnRef | None = None
        for g in group.expressions if group is not None else []:
            group_ref = q.ref(strip(g))
            if group_ref is not None:
                break
        body = having.this.unnest()
        conjuncts = list(body.flatten()) if isinstance(body, exp.And) else [body]
        for p in conjuncts:
            for side, value in _lower_bounds(p.unnest()):
                found = _aggregate(side)
                if found is None:
                    continue
                name, agg = found
                arg = agg.this
                if isinstance(arg, exp.Distinct):
                    continue
                ref = None if isinstance(arg, exp.Star) or name == "count" else q.ref(strip(arg))
                if name != "count" and ref is None:
                    continue
                out.append(Threshold(q.name, name, ref, value, group_ref))
    return out
