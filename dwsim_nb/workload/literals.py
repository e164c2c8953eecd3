"""Extractor: equality, IN, ``<>`` and NOT IN of a column (through case, trim, casts, COALESCE)
against literals. Each predicate's literals later join the column's values in a share of rows."""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.workload.analyze import Query, constant, strip
from dwsim_nb.workload.findings import Literals


def literal_predicates(q: Query) -> list[Literals]:
    out: list[Literals] = []
    for node in q.tree.walk():
        if isinstance(node, exp.EQ | exp.NEQ):
            pairs = [(node.this, [node.expression]), (node.expression, [node.this])]
        elif isinstance(node, exp.In) and not node.args.get("query"):
            pairs = [(node.this, list(node.expressions))]
        else:
            continue
        for side, others in pairs:
            ref = q.ref(strip(side))
            values = [constant(o) for o in others]
            if ref is None or not values or any(v is None for v in values):
                continue
            if isinstance(strip(side).parent, exp.Extract | exp.Year):
                continue
            out.append(Literals(q.name, ref, tuple(values)))
    return out
