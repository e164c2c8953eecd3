"""Derived columns: arithmetic over other columns of the same row (``quantity * unit_price``).

Expressions are parsed with sqlglot and only a small, safe subset is allowed: column references,
numeric literals, + - * /, unary minus, parentheses and the functions in ``_FUNCTIONS``.
Evaluation is vectorized with pyarrow.compute over the block's columns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import DerivedRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    exp.Add: pc.add,
    exp.Sub: pc.subtract,
    exp.Mul: pc.multiply,
    exp.Div: pc.divide,
}
_FUNCTIONS = ("round", "abs", "coalesce", "least", "greatest", "floor", "ceil")


@functools.lru_cache(maxsize=512)
def parse_expression(text: str) -> exp.Expr:
    """Parse and vet an expression; raise GenerationError naming what is not allowed."""
    try:
        tree = sqlglot.parse_one(text)
    except (sqlglot.errors.SqlglotError, RecursionError) as e:
        # SqlglotError, not only ParseError: the tokenizer raises its own (an unclosed /*).
        raise GenerationError(f"cannot read expression {text!r}: {e}") from None
    for node in tree.walk():
        allowed = isinstance(
            node,
            (
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
                *_BINARY,
            ),
        )
        if not allowed or (isinstance(node, exp.Literal) and node.is_string):
            raise GenerationError(
                f"expression {text!r} uses {node.sql()!r}, which derived columns do not support",
                hint="use column names, numbers, + - * / and "
                + ", ".join(f"{f}()" for f in _FUNCTIONS),
            )
    return tree


def referenced_columns(text: str) -> list[str]:
    return [c.name for c in parse_expression(text).find_all(exp.Column)]


def _numeric(arr: pa.Array) -> pa.Array:
    # Decimal arithmetic in Arrow widens precision until it overflows; floats are what a
    # simulator needs here, and the result is cast back to the column's type.
    if pa.types.is_decimal(arr.type):
        return pc.cast(arr, pa.float64())
    return arr


def _evaluate(node: Any, ctx: ColumnContext) -> Any:
    if isinstance(node, exp.Paren):
        return _evaluate(node.this, ctx)
    if isinstance(node, exp.Column):
        return _numeric(ctx.other(_resolve(ctx, node.name)))
    if isinstance(node, exp.Literal):
        number = float(node.this)
        return pa.scalar(int(number) if number.is_integer() and "." not in node.this else number)
    if isinstance(node, exp.Neg):
        return pc.negate(_evaluate(node.this, ctx))
    op = _BINARY.get(type(node))
    if op is not None:
        left, right = _evaluate(node.left, ctx), _evaluate(node.right, ctx)
        if op is pc.divide:
            left = pc.cast(left, pa.float64())
        return op(left, right)
    if isinstance(node, exp.Round):
        digits = node.args.get("decimals")
        nd = int(float(digits.this)) if isinstance(digits, exp.Literal) else 0
        return pc.round(_evaluate(node.this, ctx), nd)
    if isinstance(node, exp.Abs):
        return pc.abs(_evaluate(node.this, ctx))
    if isinstance(node, exp.Floor):
        return pc.floor(_evaluate(node.this, ctx))
    if isinstance(node, exp.Ceil):
        return pc.ceil(_evaluate(node.this, ctx))
    args = [_evaluate(a, ctx) for a in [node.this, *node.expressions]]
    if isinstance(node, exp.Coalesce):
        return pc.coalesce(*args)
    if isinstance(node, exp.Least):
        return pc.min_element_wise(*args)
    if isinstance(node, exp.Greatest):
        return pc.max_element_wise(*args)
    raise GenerationError(f"expression part {node.sql()!r} is not supported")


def _resolve(ctx: ColumnContext, name: str) -> str:
    table = ctx.trt.table
    if table.has_column(name):
        return name
    for c in table.columns:
        if c.name.lower() == name.lower():
            return c.name
    raise GenerationError(
        f"table '{table.name}', column '{ctx.col.name}': expression names '{name}', which the "
        f"table does not have; use one of {[c.name for c in table.columns]}"
    )


def gen_derived(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    result = _evaluate(parse_expression(rule_of(col, DerivedRule).expression), ctx)
    if isinstance(result, pa.Scalar):
        return pa.array([result.as_py()] * len(rows))
    return result
