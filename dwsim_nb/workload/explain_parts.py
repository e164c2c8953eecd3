"""Small pieces the explanation of an empty query is built from: a query's conjuncts and join
predicates, derived tables, and values written for a sentence (ranges, counts, plurals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlglot import exp

# sqlglot's nodes (typed loosely: its classes changed names between releases), and the names
# of a select's WITH and FROM arguments (``with_`` / ``from_`` in recent releases).
Node = Any
WITH = "with_" if "with_" in exp.Select.arg_types else "with"
FROM = "from_" if "from_" in exp.Select.arg_types else "from"


def sources_of(col: exp.Column, sources: dict[str, Node]) -> Node | None:
    src = sources.get(col.table.lower())
    if src is None:
        return None
    if isinstance(src, exp.Table):
        return src.copy()
    return derived(src).as_(col.table)


def derived(src: Node) -> Node:
    return src.copy() if isinstance(src, exp.Subquery) else src.copy().subquery("dwsim_d")


def conjuncts(node: Node | None) -> list[Node]:
    if node is None:
        return []
    body = node.this if isinstance(node, exp.Where | exp.Having) else node
    return (
        [c.unnest() if isinstance(c, exp.Paren) else c for c in body.flatten()]
        if isinstance(body, exp.And)
        else [body.unnest() if isinstance(body, exp.Paren) else body]
    )


def is_join(p: Node) -> bool:
    """``a.x = b.y``: an equality of columns of two different tables of the same select."""
    if not isinstance(p, exp.EQ):
        return False
    a, b = p.this, p.expression
    return (
        isinstance(a, exp.Column)
        and isinstance(b, exp.Column)
        and bool(a.table)
        and a.table != b.table
    )


def scope_of(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def sql_text(node: Node, dialect: str | None) -> str:
    text = node.sql(dialect=dialect)
    return text if len(text) <= 120 else text[:117] + "..."


def value_text(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return str(v)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def rows_text(n: int) -> str:
    return "row" if n == 1 else f"{n:,} rows"


def span(lo: Any, hi: Any) -> str:
    return value_text(lo) if lo == hi else f"{value_text(lo)}–{value_text(hi)}"
