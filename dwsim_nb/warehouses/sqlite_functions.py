"""Warehouse functions on SQLite: emulated where SQLite can give the same answer, else refused.

SQLite has no percentiles, no ordered aggregates (before 3.44), no DATEDIFF, SPLIT_PART or base
conversion; sqlglot writes them as they are and SQLite answers "no such function" or "syntax
error near (". A user should read what cannot run and where it can, so every such construct is
a QueryError naming it, raised before SQLite sees the query. What SQLite can compute exactly is
rewritten instead: APPROXIMATE COUNT(DISTINCT) / APPROX_COUNT_DISTINCT as the exact count (the
exact value is what an approximation aims at), LAST_DAY, LEFT and RIGHT.
"""

from __future__ import annotations

import sqlite3

import sqlglot
from sqlglot import exp

from dwsim_nb.dialects import resolve
from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.redshift_rewrites import is_add_months
from dwsim_nb.warehouses.rewrites import Context

# Ordered GROUP_CONCAT arrived in SQLite 3.44.
_ORDERED_CONCAT = sqlite3.sqlite_version_info >= (3, 44)

_APPROX_PERCENTILE = {"redshift": "APPROXIMATE PERCENTILE_DISC", "snowflake": "APPROX_PERCENTILE"}


def fix_sqlite_exact_functions(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Rewrite the functions SQLite can compute exactly in its own terms."""
    for approx in list(tree.find_all(exp.ApproxDistinct)):
        approx.replace(exp.Count(this=exp.Distinct(expressions=[approx.this.copy()])))
    for last in list(tree.find_all(exp.LastDay)):
        last.replace(
            exp.func(
                "DATE",
                last.this.copy(),
                exp.Literal.string("start of month"),
                exp.Literal.string("+1 month"),
                exp.Literal.string("-1 day"),
            )
        )
    for left in list(tree.find_all(exp.Left)):
        left.replace(
            exp.Substring(
                this=left.this.copy(), start=exp.Literal.number(1), length=left.expression.copy()
            )
        )
    for node in list(tree.find_all(exp.Right)):
        # SUBSTR(s, max(length(s) - n + 1, 1)): n = 0 gives '' as RIGHT does, a long n the whole.
        start = exp.func(
            "MAX",
            exp.Add(
                this=exp.Sub(
                    this=exp.Length(this=node.this.copy()), expression=node.expression.copy()
                ),
                expression=exp.Literal.number(1),
            ),
            exp.Literal.number(1),
        )
        node.replace(exp.Substring(this=node.this.copy(), start=start))
    return tree


def fix_sqlite_add_months_month_end(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``ADD_MONTHS(d, n)`` from the last day of a month lands on the last day of the target
    month (Redshift, Snowflake); SQLite's ``'+n months'`` overflows instead (02-29 -> 03-29),
    which the later date fix keeps for the other days. The time of day is carried over."""
    for node in list(tree.find_all(exp.TsOrDsAdd)):
        if not is_add_months(node):
            continue
        x = node.this.sql(dialect="sqlite")
        n = node.expression.sql(dialect="sqlite")
        month_end = sqlglot.parse_one(
            f"DATE({x}, 'start of month', '+1 month', '-1 day') = DATE({x})", read="sqlite"
        )
        target = sqlglot.parse_one(
            f"STRFTIME('%Y-%m-%d %H:%M:%f000', {x}, 'start of month', "
            f"PRINTF('%+d months', CAST({n} AS INTEGER) + 1), '-1 day', "
            f"PRINTF('%+d seconds', CAST(STRFTIME('%s', {x}) AS INTEGER) "
            f"- CAST(STRFTIME('%s', DATE({x})) AS INTEGER)))",
            read="sqlite",
        )
        node.replace(exp.Case(ifs=[exp.If(this=month_end, true=target)], default=node.copy()))
    return tree


def _construct(node: exp.Expr, read: str) -> str | None:
    """The name a user wrote for a node SQLite cannot run (None: SQLite runs it)."""
    if isinstance(node, exp.WithinGroup):
        inner = node.this
        if isinstance(inner, exp.GroupConcat):
            return "LISTAGG … WITHIN GROUP (ORDER BY …)"
        if isinstance(inner, exp.ArrayAgg):
            return "ARRAY_AGG … WITHIN GROUP (ORDER BY …)"
        name = inner.sql_name() if isinstance(inner, exp.Func) else "WITHIN GROUP"
        return f"{name} … WITHIN GROUP (ORDER BY …)"
    if isinstance(node, exp.GroupConcat) and node.find(exp.Order) and not _ORDERED_CONCAT:
        return "LISTAGG … WITHIN GROUP (ORDER BY …)"
    if isinstance(node, exp.Median):
        return "MEDIAN"
    if isinstance(node, (exp.PercentileCont, exp.PercentileDisc)):
        return node.sql_name()
    if isinstance(node, exp.ApproxQuantile):
        return _APPROX_PERCENTILE.get(read, "APPROX_QUANTILE")
    if isinstance(node, (exp.DateDiff, exp.TsOrDsDiff)):
        return "DATEDIFF"
    if isinstance(node, exp.FromBase):
        return "STRTOL"
    if isinstance(node, exp.SplitPart):
        return "SPLIT_PART"
    if isinstance(node, exp.MonthsBetween):
        return "MONTHS_BETWEEN"
    if isinstance(node, (exp.ILike, exp.Like)) and isinstance(node.expression, (exp.Any, exp.All)):
        op = "ILIKE" if isinstance(node, exp.ILike) else "LIKE"
        return f"{op} {'ANY' if isinstance(node.expression, exp.Any) else 'ALL'}"
    if isinstance(node, exp.Anonymous) and node.name.upper() in _UNKNOWN_TO_SQLITE:
        return node.name.upper()
    return None


# Calls sqlglot keeps by name that SQLite has no function for.
_UNKNOWN_TO_SQLITE = {"RATIO_TO_REPORT", "STRTOL", "MONTHS_BETWEEN", "SPLIT_PART", "MEDIAN"}


def refuse_unsupported_sqlite(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A QueryError naming every construct above that is still in the query (runs last)."""
    found: list[str] = []
    inside: set[int] = set()  # the function a WITHIN GROUP holds is named with it
    for node in tree.walk():
        if id(node) in inside:
            continue
        name = _construct(node, resolve(ctx.read).name)
        if isinstance(node, exp.WithinGroup):
            inside.add(id(node.this))
        if name is not None and name not in found:
            found.append(name)
    if found:
        names = ", ".join(found)
        raise QueryError(
            f"SQLite cannot run {names}: it has no such function and this translation does not "
            "emulate it.",
            hint="run the experiment on the duckdb warehouse (the default) or on postgres, "
            "or rewrite the query without it",
        )
    return tree
