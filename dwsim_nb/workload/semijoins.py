"""Extractor: EXISTS / NOT EXISTS, IN / NOT IN subqueries and LEFT JOIN ... IS NULL anti-joins
that match one table's rows to another's through a declared foreign key, so fitting can make
sure both matching and non-matching parents exist (some customers never order)."""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.workload.analyze import ColumnRef, Query, strip
from dwsim_nb.workload.findings import Semijoin


def _negated(node: exp.Expression) -> bool:
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return isinstance(parent, exp.Not)


def _link(q: Query, a: ColumnRef, b: ColumnRef) -> tuple[ColumnRef, ColumnRef] | None:
    """(child, parent) when a declared foreign key of one column references the other."""
    for child, parent in ((a, b), (b, a)):
        for fk in q.table(child).foreign_keys:
            if (
                fk.columns == [child.column]
                and fk.references_table.lower() == parent.table.lower()
                and [c.lower() for c in fk.references_columns] in ([parent.column.lower()], [])
            ):
                return child, parent
    return None


def _pairs(q: Query, node: exp.Expression) -> list[tuple[ColumnRef, ColumnRef]]:
    out = []
    for eq in node.find_all(exp.EQ):
        a, b = q.ref(strip(eq.this)), q.ref(strip(eq.expression))
        if a is not None and b is not None and a.table != b.table:
            out.append((a, b))
    return out


def semijoins(q: Query) -> list[Semijoin]:
    out: list[Semijoin] = []

    def add(pairs: list[tuple[ColumnRef, ColumnRef]], matching: bool) -> None:
        for a, b in pairs:
            link = _link(q, a, b)
            if link is not None:
                out.append(Semijoin(q.name, link[0], link[1], matching))

    for node in q.tree.find_all(exp.Exists):
        where = node.this.args.get("where") if isinstance(node.this, exp.Select) else None
        if where is not None:
            add(_pairs(q, where), not _negated(node))
    for node in q.tree.find_all(exp.In):
        sub = node.args.get("query")
        select = sub.this if isinstance(sub, exp.Subquery) else sub
        if not isinstance(select, exp.Select) or len(select.expressions) != 1:
            continue
        a, b = q.ref(strip(node.this)), q.ref(strip(select.expressions[0].unalias()))
        if a is not None and b is not None and a.table != b.table:
            add([(a, b)], not _negated(node))
    for join in q.tree.find_all(exp.Join):
        on = join.args.get("on")
        if join.side.upper() != "LEFT" or on is None:
            continue
        select = join.parent
        where = select.args.get("where") if isinstance(select, exp.Select) else None
        nulls = [
            q.ref(strip(i.this))
            for i in (where.find_all(exp.Is) if where is not None else [])
            if isinstance(i.expression, exp.Null) and not _negated(i)
        ]
        tables = {r.table for r in nulls if r is not None}
        add([p for p in _pairs(q, on) if {p[0].table, p[1].table} & tables], False)
    return out
