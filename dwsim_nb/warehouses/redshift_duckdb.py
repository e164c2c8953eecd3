"""Redshift (and PostgreSQL) SQL that sqlglot prints for DuckDB with another meaning.

Each fix was found by running Redshift queries on DuckDB and on the Redshift emulator
(tests/test_conformance_redshift.py) and comparing the rows; see :mod:`.pipelines`.
"""

from __future__ import annotations

from typing import cast

import sqlglot
from sqlglot import exp

from dwsim_nb.warehouses.rewrites import Context

_WEEK = frozenset({"WEEK", "WEEKS", "W", "WK", "WKS"})


def fix_datediff_week_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``DATEDIFF(week, a, b)`` counts the week starts (Mondays) between a and b, as Redshift does.

    DuckDB's ``date_diff('week', a, b)`` counts whole 7-day spans: Sunday to the next Monday
    is 0 weeks on DuckDB and 1 on Redshift. Truncating both ends to their week first makes
    DuckDB count the boundaries.
    """
    for diff in list(tree.find_all(exp.DateDiff, exp.TsOrDsDiff)):
        unit = diff.args.get("unit")
        if unit is None or unit.name.upper() not in _WEEK:
            continue
        for key in ("this", "expression"):
            side = diff.args.get(key)
            if side is not None and not isinstance(side, exp.DateTrunc):
                trunc = exp.DateTrunc(
                    this=exp.cast(side.copy(), exp.DataType.build("timestamp")),
                    unit=exp.Literal.string("WEEK"),
                )
                diff.set(key, trunc)
    return tree


def _is_integer(node: exp.Expression, ctx: Context) -> bool:
    typed = ctx.type_of(node)
    return typed is not None and typed.is_type(*exp.DataType.INTEGER_TYPES)


def fix_integer_division_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """An integer divided by an integer is an integer (truncated toward zero), as in Redshift and
    PostgreSQL.

    sqlglot prints ``x / 2`` for DuckDB as it is, and DuckDB's ``/`` always gives a fraction
    (``5 / 2`` is 2.5, where Redshift gives 2). DuckDB's ``//`` truncates toward zero like
    Redshift; it is used when the optimizer types both sides as integers.
    """
    for div in list(tree.find_all(exp.Div)):
        if _is_integer(div.this, ctx) and _is_integer(div.expression, ctx):
            div.replace(exp.IntDiv(this=div.this.copy(), expression=div.expression.copy()))
    return tree


def fix_listagg_empty_strings_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``LISTAGG`` leaves out empty strings as well as NULLs, as Redshift does.

    DuckDB's LISTAGG keeps an empty string, so ``'a'`` and ``''`` give ``'a,'`` where Redshift
    gives ``'a'``. A ``FILTER (WHERE x <> '')`` on the aggregate leaves them out (it works with
    DISTINCT and an ORDER BY, which a NULLIF around the value would break).
    """
    for agg in list(tree.find_all(exp.GroupConcat)):
        value = agg.this
        if isinstance(value, exp.Distinct):
            value = value.expressions[0]
        outer: exp.Expression = agg
        if isinstance(agg.parent, exp.WithinGroup):
            outer = agg.parent
        if isinstance(outer.parent, exp.Filter):
            continue
        text = exp.cast(value.copy(), exp.DataType.build("text"))
        keep = exp.Where(this=exp.NEQ(this=text, expression=exp.Literal.string("")))
        outer.replace(exp.Filter(this=outer.copy(), expression=keep))
    return tree


# Digits of any base up to 36, each worth its position; the number built left to right.
_STRTOL = (
    "CASE WHEN dwsim_s = '' THEN NULL ELSE LIST_REDUCE(LIST_TRANSFORM("
    "STRING_SPLIT(LOWER(dwsim_s), ''), "
    "dwsim_d -> CAST(STRPOS('0123456789abcdefghijklmnopqrstuvwxyz', dwsim_d) - 1 AS BIGINT)), "
    "(dwsim_a, dwsim_b) -> dwsim_a * dwsim_base + dwsim_b) END"
)


def fix_strtol_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``STRTOL(text, base)`` -> the number the digits spell in that base.

    sqlglot keeps Redshift's STRTOL, which DuckDB does not have ("Scalar Function with name
    strtol does not exist"). The expression reads each character as a digit of 0-9a-z and
    folds them left to right, as the Redshift emulator's helper does.
    """
    for call in list(tree.find_all(exp.FromBase)):
        built = cast(exp.Expression, sqlglot.parse_one(_STRTOL, read="duckdb"))
        for column in list(built.find_all(exp.Column)):
            if column.name == "dwsim_s":
                column.replace(call.this.copy())
            elif column.name == "dwsim_base":
                column.replace(exp.cast(call.expression.copy(), exp.DataType.build("bigint")))
        call.replace(built)
    return tree
