"""What a derived column's expression may hold: column names, numbers, + - * / and a few
functions. One list for the DDL importer (a generated column becomes a derived rule only when
the engine computes its expression) and the engine's evaluator (which refuses anything else).

Imported by those two only, so reading a spec does not load sqlglot.
"""

from __future__ import annotations

from sqlglot import exp

DERIVED_FUNCTIONS = ("round", "abs", "coalesce", "least", "greatest", "floor", "ceil")
DERIVED_NODES: tuple[type[exp.Expr], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Paren,
    exp.Neg,
    exp.Round,
    exp.Abs,
    exp.Coalesce,
    exp.Least,
    exp.Greatest,
    exp.Floor,
    exp.Ceil,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
)


def computable(node: exp.Expr) -> bool:
    """Whether a node of an expression tree is one the evaluator computes (no string literal)."""
    return isinstance(node, DERIVED_NODES) and not (
        isinstance(node, exp.Literal) and node.is_string
    )
