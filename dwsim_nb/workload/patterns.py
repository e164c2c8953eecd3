"""Extractor: LIKE / ILIKE / SIMILAR TO, starts_with, contains, and substring / left / right
compared to literals, each turned into a LIKE pattern (``%`` any text) the column's values
are later built to match."""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.workload.analyze import ColumnRef, Query, constant, strip
from dwsim_nb.workload.findings import Pattern

_LIKE = (exp.Like, exp.ILike, exp.SimilarTo)


def _escape(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def pattern_predicates(q: Query) -> list[Pattern]:
    out: list[Pattern] = []

    def add(column: exp.Expression, patterns: list[str]) -> None:
        ref: ColumnRef | None = q.ref(strip(column))
        if ref is not None and patterns:
            out.append(Pattern(q.name, ref, tuple(patterns)))

    for node in q.tree.walk():
        if isinstance(node, _LIKE):
            text = constant(node.expression)
            if isinstance(text, str) and ("%" in text or "_" in text):
                add(node.this, [text])
        elif isinstance(node, exp.StartsWith):
            text = constant(node.expression)
            if isinstance(text, str):
                add(node.this, [_escape(text) + "%"])
        elif isinstance(node, exp.Contains):
            text = constant(node.expression)
            if isinstance(text, str):
                add(node.this, ["%" + _escape(text) + "%"])
        elif isinstance(node, exp.EQ | exp.In) and not node.args.get("query"):
            others = [node.expression] if isinstance(node, exp.EQ) else node.expressions
            texts = [constant(o) for o in others]
            if not texts or not all(isinstance(t, str) for t in texts):
                continue
            shaped = _affix(strip(node.this), [_escape(str(t)) for t in texts])
            if shaped is not None:
                add(*shaped)
    return out


def _affix(node: exp.Expression, texts: list[str]) -> tuple[exp.Expression, list[str]] | None:
    """``substring(c, 1, n)`` / ``left(c, n)`` as prefixes, ``right(c, n)`` as suffixes."""
    if isinstance(node, exp.Substring) and constant(node.args.get("start")) == 1:
        return node.this, [t + "%" for t in texts]
    if isinstance(node, exp.Left):
        return node.this, [t + "%" for t in texts]
    if isinstance(node, exp.Right):
        return node.this, ["%" + t for t in texts]
    return None
