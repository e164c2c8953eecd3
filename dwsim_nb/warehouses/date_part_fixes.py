"""Day-of-week numbers and date truncation on engines that spell them otherwise.

Snowflake's ``DAYOFWEEK(d)`` (0 = Sunday with the default ``WEEK_START``) is
``EXTRACT(DOW FROM d)`` in PostgreSQL and SQLite's ``%w``; sqlglot prints ``DAY_OF_WEEK``, which
neither has. SQLite has no ``date_trunc``; its date modifiers do the same for the units they
know (a week starts on Monday, as in PostgreSQL and DuckDB), and other units are refused by name.
"""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.sqlite_rewrites import _TIMESTAMP_FORMAT


def fix_dayofweek_as_extract(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``DAYOFWEEK(d)`` -> ``EXTRACT(DOW FROM d)`` (Sunday 0 .. Saturday 6 in both)."""
    for node in list(tree.find_all(exp.DayOfWeek)):
        node.replace(exp.Extract(this=exp.var("DOW"), expression=node.this.copy()))
    return tree


_SQLITE_TRUNC: dict[str, tuple[str, ...]] = {
    "YEAR": ("start of year",),
    "MONTH": ("start of month",),
    "WEEK": ("start of day", "-6 days", "weekday 1"),
    "DAY": ("start of day",),
}
_SQLITE_TRUNC_FORMAT = {
    "HOUR": "%Y-%m-%d %H:00:00.000000",
    "MINUTE": "%Y-%m-%d %H:%M:00.000000",
    "SECOND": "%Y-%m-%d %H:%M:%S.000000",
}


def fix_sqlite_date_trunc(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``date_trunc('month', ts)`` -> ``strftime(fmt, ts, 'start of month')``: SQLite has no
    date_trunc (sqlglot prints TIMESTAMP_TRUNC); a unit it cannot do is refused by name."""
    for node in list(tree.find_all(exp.TimestampTrunc, exp.DateTrunc)):
        unit = node.args.get("unit")
        name = (unit.name if unit is not None else "").upper().strip("'")
        value = node.this.copy()
        if name in _SQLITE_TRUNC:
            args = [exp.Literal.string(_TIMESTAMP_FORMAT), value]
            args += [exp.Literal.string(m) for m in _SQLITE_TRUNC[name]]
        elif name in _SQLITE_TRUNC_FORMAT:
            args = [exp.Literal.string(_SQLITE_TRUNC_FORMAT[name]), value]
        else:
            raise QueryError(
                f"date_trunc to {name.lower() or 'that unit'} is not emulated on the sqlite "
                "warehouse.",
                hint="use year, month, week, day, hour, minute or second, or the duckdb warehouse",
            )
        node.replace(exp.Anonymous(this="strftime", expressions=args))
    return tree
