"""Fixes for Redshift's dates and times, whose sqlglot translation runs but answers differently.

Each is named after the Redshift feature it repairs; the pairs they run for are in
:mod:`dwsim_nb.warehouses.pipelines`.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.redshift_rewrites import helper_call, is_add_months
from dwsim_nb.warehouses.rewrites import Context


def fix_trunc_timestamp(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TRUNC(timestamp)`` -> ``CAST(timestamp AS DATE)``: Redshift returns the timestamp's date;
    sqlglot keeps TRUNC, which DuckDB and PostgreSQL know only for numbers. Rewritten where the
    argument's type is known to be a date or time."""

    def fix(node: exp.Expression) -> exp.Expression:
        if (
            isinstance(node, exp.Trunc)
            and not node.args.get("decimals")
            and ctx.kind(node.this) == "temporal"
        ):
            return exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE"))
        return node

    return tree.transform(fix, copy=False)


def fix_trunc_of_unknown_type(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TRUNC(x)`` left by :func:`fix_trunc_timestamp` -> ``dwsim_rs.trunc(x)``.

    Whether Redshift truncates a number or takes a timestamp's date depends on the argument's
    type, unknown here; PostgreSQL's own TRUNC fails on a timestamp, so the helper is overloaded
    for timestamps, dates and numbers and PostgreSQL picks.
    """
    for node in list(tree.find_all(exp.Trunc)):
        if node.args.get("decimals") is None:
            node.replace(helper_call("trunc", node.this.copy()))
    return tree


def fix_like_on_datetime(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``saletime LIKE '2008-09%'``: Redshift compares a date or timestamp column with a pattern
    through its text form; PostgreSQL and DuckDB have no LIKE for those types. The column is cast
    to text where its type is a date or time."""
    for like in list(tree.find_all(exp.Like, exp.ILike)):
        subject = like.this
        if isinstance(subject, exp.Column) and ctx.kind(subject) == "temporal":
            subject.replace(exp.cast(subject.copy(), exp.DataType.build("VARCHAR")))
    return tree


_DATEDIFF_PARTS = {
    "MILLENNIUM": "millennium",
    "CENTURY": "century",
    "DECADE": "decade",
    "YEAR": "year",
    "QUARTER": "quarter",
    "MONTH": "month",
    "WEEK": "week",
    "WEEKS": "week",
    "DAY": "day",
    "HOUR": "hour",
    "MINUTE": "minute",
    "SECOND": "second",
    "MILLISECOND": "millisecond",
    "MICROSECOND": "microsecond",
}


def fix_datediff_boundaries(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``DATEDIFF(part, a, b)`` -> ``dwsim_rs.datediff('part', a, b)``, counting boundaries.

    sqlglot's PostgreSQL output subtracts the instants (so a day across a month end counts 0
    months); Redshift counts the part boundaries crossed (1 month).
    """
    for node in list(tree.find_all(exp.TsOrDsDiff, exp.DateDiff, exp.TimestampDiff)):
        unit = node.args.get("unit")
        name = (unit.name if unit is not None else "DAY").upper().strip("'")
        part = _DATEDIFF_PARTS.get(name)
        if part is None:
            raise QueryError(
                f"DATEDIFF with date part {name!r} is not supported by the Redshift emulator.",
                hint="use year, quarter, month, week, day, hour, minute, second, millisecond "
                "or microsecond",
            )
        ts = exp.DataType.build("timestamp")
        node.replace(
            helper_call(
                "datediff",
                exp.Literal.string(part),
                exp.cast(node.expression.copy(), ts),
                exp.cast(node.this.copy(), ts),
            )
        )
    return tree


def fix_getdate_sysdate(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``GETDATE()`` / ``SYSDATE`` -> a timestamp without time zone, as Redshift returns.

    GETDATE has whole seconds; SYSDATE is the transaction's start. sqlglot writes
    CURRENT_TIMESTAMP, a ``timestamptz`` in PostgreSQL.
    """
    for node in list(tree.find_all(exp.CurrentTimestamp)):
        if node.args.get("sysdate"):
            node.replace(exp.Localtimestamp())
        elif not node.args.get("this"):
            node.replace(
                exp.cast(
                    exp.TimestampTrunc(
                        this=exp.Anonymous(this="STATEMENT_TIMESTAMP"), unit=exp.var("SECOND")
                    ),
                    exp.DataType.build("timestamp"),
                )
            )
    return tree


def fix_date_part_year(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``DATE_PART_YEAR(d)`` (Redshift only) -> ``EXTRACT(YEAR FROM d)``: sqlglot keeps the call,
    which neither PostgreSQL nor DuckDB has."""
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name.upper() == "DATE_PART_YEAR" and len(call.expressions) == 1:
            call.replace(exp.Extract(this=exp.var("YEAR"), expression=call.expressions[0].copy()))
    return tree


def fix_add_months_month_end(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``ADD_MONTHS(d, n)`` -> ``dwsim_rs.add_months(d, n)``: from the last day of a month
    Redshift lands on the last day of the target month, where sqlglot's interval arithmetic
    clamps; ``LAST_DAY(d)`` -> its helper too, which PostgreSQL lacks (sqlglot's date arithmetic
    would be named ``date``)."""
    for node in list(tree.find_all(exp.TsOrDsAdd)):
        if is_add_months(node):
            node.replace(helper_call("add_months", node.this.copy(), node.expression.copy()))
    for last in list(tree.find_all(exp.LastDay)):
        last.replace(helper_call("last_day", last.this.copy()))
    return tree


def fix_add_months_month_end_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``ADD_MONTHS(d, n)`` on DuckDB: the same month-end rule as the PostgreSQL helper, inline
    (DuckDB's interval arithmetic also clamps 2024-02-29 + 1 month to 2024-03-29)."""
    for node in list(tree.find_all(exp.TsOrDsAdd)):
        if not is_add_months(node):
            continue
        x = exp.cast(node.this.copy(), exp.DataType.build("timestamp")).sql(dialect="duckdb")
        n = node.expression.sql(dialect="duckdb")
        shifted = f"({x} + TO_MONTHS(CAST({n} AS INTEGER)))"
        node.replace(
            sqlglot.parse_one(
                f"CASE WHEN LAST_DAY({x}) = CAST({x} AS DATE) "
                f"THEN CAST(LAST_DAY({shifted}) AS TIMESTAMP) + ({x} - DATE_TRUNC('day', {x})) "
                f"ELSE {shifted} END",
                read="duckdb",
            )
        )
    return tree
