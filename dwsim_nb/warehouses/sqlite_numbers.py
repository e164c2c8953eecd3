"""Numbers and dates that SQLite computes otherwise than the dialect the query is written in.

SQLite holds DECIMAL columns as REAL and dates as ISO text (see :mod:`.sqlite`); where that
changes an answer, the statement is rewritten so SQLite gives the warehouse's (see
:mod:`.pipelines`). SQL written for SQLite itself is left as it is.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import cast

import sqlglot
from sqlglot import exp

from dwsim_nb.dialects import resolve
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.sqlite_rewrites import _is_date


def _written_for_sqlite(ctx: Context) -> bool:
    return resolve(ctx.read).name == "sqlite"


def _decimal(node: exp.Expression) -> Decimal | None:
    if isinstance(node, exp.Paren):
        return _decimal(node.this)
    if isinstance(node, exp.Neg):
        inner = _decimal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return Decimal(node.name)
        except InvalidOperation:
            return None
    return None


def fix_sqlite_decimal_constants(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``0.06 + 0.01`` -> ``0.07``: arithmetic on decimal constants done exactly, as the
    warehouse does.

    The warehouses compute a decimal constant exactly; SQLite computes it in binary floating
    point, so ``l_discount between 0.06 - 0.01 and 0.06 + 0.01`` leaves out 0.07 (0.06 + 0.01
    is 0.06999... there). Sums, differences and products of two numeric constants are folded
    before SQLite sees them; integer constants are left alone (their arithmetic is exact).
    """
    if _written_for_sqlite(ctx):
        return tree

    def fold(node: exp.Expression) -> exp.Expression:
        left, right = _decimal(node.this), _decimal(node.expression)
        if left is None or right is None:
            return node
        if "." not in node.this.sql() + node.expression.sql():
            return node  # integers: SQLite's arithmetic is exact
        if isinstance(node, exp.Add):
            value = left + right
        elif isinstance(node, exp.Sub):
            value = left - right
        else:
            value = left * right
        text = format(value, "f")
        literal = exp.Literal.number(text.lstrip("-"))
        return exp.Neg(this=literal) if value < 0 else literal

    # Innermost first, so 0.01 + 0.02 + 0.03 folds whole.
    for node in reversed(list(tree.walk(bfs=False))):
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
            folded = fold(node)
            if folded is not node:
                if node is tree:
                    return folded
                node.replace(folded)
    return tree


# A float to the nearest integer, a half to the even one (PostgreSQL's and DuckDB's rint).
_HALF_EVEN = (
    "CASE WHEN ABS(dwsim_x - CAST(dwsim_x AS INTEGER)) > 0.5 "
    "OR (ABS(dwsim_x - CAST(dwsim_x AS INTEGER)) = 0.5 AND CAST(dwsim_x AS INTEGER) % 2 <> 0) "
    "THEN CAST(dwsim_x AS INTEGER) + CASE WHEN dwsim_x < 0 THEN -1 ELSE 1 END "
    "ELSE CAST(dwsim_x AS INTEGER) END"
)


def _half_even(value: exp.Expression) -> exp.Expression:
    built = cast(exp.Expression, sqlglot.parse_one(_HALF_EVEN, read="sqlite"))
    for column in list(built.find_all(exp.Column)):
        if column.name == "dwsim_x":
            column.replace(value.copy())
    return built


def fix_sqlite_cast_rounds(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``CAST(1.7 AS INTEGER)`` is 2, as in Redshift, PostgreSQL, Snowflake and DuckDB.

    SQLite's cast to an integer truncates (1.7 gives 1). A cast of a value that is not known to
    be an integer rounds it first: a DOUBLE / REAL to the even integer at a half (2.5 gives 2,
    as PostgreSQL and DuckDB round floats), a DECIMAL or an untyped value away from zero
    (SQLite's ``ROUND``, as the warehouses round decimals).
    """
    if _written_for_sqlite(ctx):
        return tree
    for node in list(tree.find_all(exp.Cast)):
        if not node.to.is_type(*exp.DataType.INTEGER_TYPES):
            continue
        value = node.this
        typed = ctx.type_of(value)
        if typed is not None and not typed.is_type(*exp.DataType.REAL_TYPES):
            continue  # an integer, a text, a date: nothing to round
        if isinstance(value, exp.Literal) and value.is_string:
            continue
        if typed is not None and typed.is_type(exp.DType.DOUBLE, exp.DType.FLOAT):
            node.replace(_half_even(value))
        else:
            node.set("this", exp.Round(this=value.copy()))
    return tree


def _integer(node: exp.Expression, ctx: Context) -> bool:
    typed = ctx.type_of(node)
    return typed is not None and typed.is_type(*exp.DataType.INTEGER_TYPES)


def fix_sqlite_date_plus_days(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``d + n`` / ``d - n`` on a DATE -> ``date(d, n || ' days')``: the date n days later or
    earlier, as in Redshift and PostgreSQL.

    SQLite holds a date as text, and ``'2024-01-31' + 1`` is the number 2025.
    """

    def fix(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, (exp.Add, exp.Sub)):
            return node
        left, right = node.this, node.expression
        if isinstance(node, exp.Add) and _is_date(right, ctx) and _integer(left, ctx):
            left, right = right, left
        if not (_is_date(left, ctx) and _integer(right, ctx)):
            return node
        days = right.copy() if isinstance(node, exp.Add) else exp.Neg(this=right.copy())
        modifier = exp.DPipe(
            this=exp.cast(exp.Paren(this=days), exp.DataType.build("text")),
            expression=exp.Literal.string(" days"),
        )
        return exp.Anonymous(this="date", expressions=[left.copy(), modifier])

    return tree.transform(fix, copy=False)
