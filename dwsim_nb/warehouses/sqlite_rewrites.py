"""Date arithmetic and EXTRACT for SQLite, which has neither INTERVAL nor EXTRACT.

sqlglot prints ``date '1994-01-01' + interval '1' year`` and ``EXTRACT(YEAR FROM d)`` unchanged for
SQLite, which rejects both. SQLite does date arithmetic with modifiers (``date(x, '+1 years')``)
and reads fields with ``strftime``. The sqlite warehouse stores dates as ISO text
(``2024-01-31``) and timestamps as ``2024-01-31 12:00:00.000000``, so each fix produces the same
text shapes: anything else would compare wrongly against the stored values.
"""

from __future__ import annotations

import re

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.rewrites import Context

# Interval units as sqlglot spells them (singular, upper case) -> (SQLite modifier unit, factor).
# SQLite has no weeks, quarters, decades or milliseconds as modifiers; they are converted.
_INTERVAL_UNITS: dict[str, tuple[str, float]] = {
    # Years as months, so that Feb 29 + 1 year clamps to Feb 28 like the month ends below.
    "YEAR": ("months", 12),
    "QUARTER": ("months", 3),
    "MONTH": ("months", 1),
    "WEEK": ("days", 7),
    "DAY": ("days", 1),
    "HOUR": ("hours", 1),
    "MINUTE": ("minutes", 1),
    "SECOND": ("seconds", 1),
    "MILLISECOND": ("seconds", 0.001),
    "MICROSECOND": ("seconds", 0.000001),
}
_UNIT_ALIASES = {
    "YEARS": "YEAR",
    "Y": "YEAR",
    "YR": "YEAR",
    "YRS": "YEAR",
    "QUARTERS": "QUARTER",
    "QTR": "QUARTER",
    "MONTHS": "MONTH",
    "MON": "MONTH",
    "MONS": "MONTH",
    "WEEKS": "WEEK",
    "W": "WEEK",
    "DAYS": "DAY",
    "D": "DAY",
    "HOURS": "HOUR",
    "H": "HOUR",
    "HR": "HOUR",
    "HRS": "HOUR",
    "MINUTES": "MINUTE",
    "MIN": "MINUTE",
    "MINS": "MINUTE",
    "M": "MINUTE",
    "SECONDS": "SECOND",
    "S": "SECOND",
    "SEC": "SECOND",
    "SECS": "SECOND",
    "MILLISECONDS": "MILLISECOND",
    "MS": "MILLISECOND",
    "MICROSECONDS": "MICROSECOND",
    "US": "MICROSECOND",
}
_DAY_OR_LONGER = {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY"}

# The stored timestamp shape; SQLite keeps milliseconds, so the last three digits are zeros.
_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%f000"

_PART = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*")


def _unit(name: str) -> str | None:
    upper = name.upper()
    upper = _UNIT_ALIASES.get(upper, upper)
    return upper if upper in _INTERVAL_UNITS else None


def interval_parts(interval: exp.Interval) -> list[tuple[float, str]] | None:
    """``interval '3' month`` / ``interval '1 year 2 months'`` -> [(amount, UNIT), ...];
    None when the amount is not a constant (SQLite needs it spelled into the modifier)."""
    value = interval.this
    if not isinstance(value, exp.Literal):
        return None
    text = value.name.strip()
    unit_node = interval.args.get("unit")
    if unit_node is not None:
        unit = _unit(unit_node.name)
        try:
            amount = float(text)
        except ValueError:
            return None
        return [(amount, unit)] if unit else None
    parts: list[tuple[float, str]] = []
    pos = 0
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m:
            return None
        unit = _unit(m.group(2))
        if unit is None:
            return None
        parts.append((float(m.group(1)), unit))
        pos = m.end()
    return parts or None


def _is_date(node: exp.Expression, ctx: Context) -> bool:
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DataType.Type.DATE)
    if isinstance(node, (exp.Date, exp.CurrentDate)):
        return True
    if isinstance(node, exp.Column):
        typed = ctx.type_of(node)
        return typed is not None and typed.is_type(exp.DataType.Type.DATE)
    if isinstance(node, exp.Anonymous):
        return node.name.lower() == "date"
    return False


def _number(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else repr(amount)


def _modifier(amount: float, unit: str) -> exp.Literal:
    name, factor = _INTERVAL_UNITS[unit]
    value = amount * factor
    sign = "-" if value < 0 else "+"
    return exp.Literal.string(f"{sign}{_number(abs(value))} {name}")


def _call(as_date: bool, value: exp.Expression, *modifiers: exp.Expression) -> exp.Expression:
    if as_date:
        return exp.Anonymous(this="date", expressions=[value, *modifiers])
    fmt = exp.Literal.string(_TIMESTAMP_FORMAT)
    return exp.Anonymous(this="strftime", expressions=[fmt, value, *modifiers])


def _shift(value: exp.Expression, amount: float, unit: str, as_date: bool) -> exp.Expression:
    shifted = _call(as_date, value.copy(), _modifier(amount, unit))
    if _INTERVAL_UNITS[unit][0] != "months":
        return shifted
    # SQLite overflows a month end (2020-01-31 + 1 month = 2020-03-02); PostgreSQL, Redshift,
    # Snowflake and DuckDB clamp to the last day (2020-02-29). An overflow always lands in the
    # first days of the next month, so stepping back by its day number clamps it.
    day_of = exp.Anonymous(this="strftime", expressions=[exp.Literal.string("%d"), shifted])
    day_in = exp.Anonymous(this="strftime", expressions=[exp.Literal.string("%d"), value.copy()])
    step_back = exp.DPipe(
        this=exp.DPipe(
            this=exp.Literal.string("-"),
            expression=exp.Cast(this=day_of.copy(), to=exp.DataType.build("INTEGER")),
            safe=True,
        ),
        expression=exp.Literal.string(" days"),
        safe=True,
    )
    back = exp.Case(
        ifs=[exp.If(this=exp.NEQ(this=day_of, expression=day_in), true=step_back)],
        default=exp.Literal.string("+0 days"),
    )
    return _call(as_date, shifted.copy(), back)


def fix_sqlite_date_interval(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``x + interval 'n' unit`` / ``x - interval ...`` -> ``date(x, '+n unit')`` (a date) or
    ``strftime('%Y-%m-%d %H:%M:%f000', x, '+n unit')`` (a timestamp), as SQLite spells them.

    A date plus days, weeks, months or years stays a date, as in PostgreSQL; anything else
    becomes a timestamp.
    """

    def fix(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, (exp.Add, exp.Sub)):
            return node
        left, right = node.this, node.expression
        if isinstance(left, exp.Interval) and isinstance(node, exp.Add):
            left, right = right, left
        if not isinstance(right, exp.Interval):
            return node
        parts = interval_parts(right)
        if parts is None:
            raise QueryError(
                f"SQLite cannot add the interval {right.sql()}: only constant amounts with "
                "units from microseconds to years translate.",
                hint="write the amount as a constant, e.g. interval '3' month",
            )
        as_date = _is_date(left, ctx) and all(u in _DAY_OR_LONGER for _, u in parts)
        sign = -1.0 if isinstance(node, exp.Sub) else 1.0
        out = left
        for amount, unit in parts:
            out = _shift(out, sign * amount, unit, as_date)
        return out

    return tree.transform(fix, copy=False)


def _constant(node: exp.Expression) -> float | None:
    """A constant amount (``3``, ``-2``, ``'3'``) as a number; None for anything computed."""
    if isinstance(node, exp.Neg):
        inner = _constant(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Paren):
        return _constant(node.this)
    if isinstance(node, exp.Literal):
        try:
            return float(node.name)
        except ValueError:
            return None
    return None


def fix_sqlite_dateadd(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Redshift ``DATEADD(day, 3, d)`` / ``DATE_ADD('month', 1, ts)`` -> ``strftime('%Y-%m-%d
    %H:%M:%f000', d, '+3 days')``; sqlglot prints ``TS_OR_DS_ADD(...)``, which SQLite lacks.

    Redshift's DATEADD returns a timestamp even for a date (as the duckdb warehouse does), so
    the result has the stored timestamp shape; month steps clamp at month ends like Redshift's.
    """

    def fix(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.TsOrDsAdd):
            return node
        unit = _unit(node.text("unit") or "DAY")
        amount = _constant(node.expression)
        if unit is None or amount is None:
            raise QueryError(
                f"SQLite cannot add {node.expression.sql()} {node.text('unit') or 'day'}(s): "
                "only constant amounts with units from microseconds to years translate.",
                hint="write the amount as a constant, e.g. dateadd(day, 3, d)",
            )
        as_date = node.return_type.is_type(exp.DataType.Type.DATE) and unit in _DAY_OR_LONGER
        return _shift(node.this, amount, unit, as_date)

    return tree.transform(fix, copy=False)


# EXTRACT fields -> an expression over strftime(format, x) (as text).
_STRFTIME_FIELDS = {
    "YEAR": "%Y",
    "MONTH": "%m",
    "DAY": "%d",
    "HOUR": "%H",
    "MINUTE": "%M",
    "DOW": "%w",
    "DOY": "%j",
    "EPOCH": "%s",
}
_FIELD_ALIASES = {
    "YEARS": "YEAR",
    "YR": "YEAR",
    "MONTHS": "MONTH",
    "MON": "MONTH",
    "DAYS": "DAY",
    "HOURS": "HOUR",
    "MINUTES": "MINUTE",
    "MIN": "MINUTE",
    "SECONDS": "SECOND",
    "SEC": "SECOND",
    "DAYOFWEEK": "DOW",
    "WEEKDAY": "DOW",
    "DAYOFYEAR": "DOY",
    "QTR": "QUARTER",
}


def _strftime(fmt: str, value: exp.Expression, to: str = "INTEGER") -> exp.Expression:
    call = exp.Anonymous(this="strftime", expressions=[exp.Literal.string(fmt), value.copy()])
    return exp.Cast(this=call, to=exp.DataType.build(to))


def extract_sql(field: str, value: exp.Expression) -> exp.Expression:
    """``EXTRACT(field FROM value)`` as a SQLite expression; QueryError for fields it lacks."""
    name = field.upper()
    name = _FIELD_ALIASES.get(name, name)
    if name in _STRFTIME_FIELDS:
        return _strftime(_STRFTIME_FIELDS[name], value)
    if name == "SECOND":
        # PostgreSQL's seconds carry the fraction (12.345).
        return _strftime("%f", value, "REAL")
    if name == "QUARTER":
        month = _strftime("%m", value)
        return exp.Paren(
            this=exp.IntDiv(
                this=exp.Paren(this=exp.Add(this=month, expression=exp.Literal.number(2))),
                expression=exp.Literal.number(3),
            )
        )
    if name == "ISODOW":
        # %w counts Sunday as 0; ISO counts Monday 1 .. Sunday 7.
        dow = _strftime("%w", value)
        shifted = exp.Paren(this=exp.Add(this=dow, expression=exp.Literal.number(6)))
        return exp.Add(
            this=exp.Paren(this=exp.Mod(this=shifted, expression=exp.Literal.number(7))),
            expression=exp.Literal.number(1),
        )
    raise QueryError(
        f"SQLite cannot extract {field.lower()} from a date: it has no such field.",
        hint="use year, quarter, month, day, hour, minute, second, dow, isodow, doy or epoch, "
        "or the duckdb warehouse",
    )


def fix_sqlite_extract(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``EXTRACT(YEAR FROM d)`` (and ``date_part('year', d)``, ``YEAR(d)``, ``MONTH(d)``,
    ``DAY(d)``) -> ``CAST(strftime('%Y', d) AS INTEGER)``: sqlglot prints EXTRACT unchanged and
    SQLite has no such function."""
    simple = {exp.Year: "YEAR", exp.Month: "MONTH", exp.Day: "DAY"}

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Extract):
            return extract_sql(node.this.name, node.expression)
        for cls, field in simple.items():
            if type(node) is cls:
                return extract_sql(field, node.this)
        return node

    return tree.transform(fix, copy=False)


def fix_sqlite_cast_timestamp(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``CAST(x AS TIMESTAMP)`` -> ``strftime('%Y-%m-%d %H:%M:%f000', x)``.

    SQLite gives ``TIMESTAMP`` numeric affinity, so the cast turns '2020-01-31 10:00:00' into
    the number 2020; the stored timestamp text shape keeps comparisons with columns right.
    """

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast) and node.to.is_type(
            exp.DataType.Type.TIMESTAMP, exp.DataType.Type.DATETIME
        ):
            return _call(False, node.this.copy())
        return node

    return tree.transform(fix, copy=False)


def fix_derived_column_aliases(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``FROM (SELECT a, count(b) ...) AS t (x, y)`` -> ``FROM (SELECT a AS x, count(b) AS y ...)
    AS t``.

    SQLite has no column list on a derived table's alias (TPC-H's Q13 writes one); the names
    move into the subquery's own aliases, which name the same columns. A list that does not
    match a plain SELECT's projections one for one is left for SQLite to refuse.
    """
    for sub in list(tree.find_all(exp.Subquery)):
        alias = sub.args.get("alias")
        names = alias.columns if isinstance(alias, exp.TableAlias) else []
        inner = sub.this
        if alias is None or not names or not isinstance(inner, exp.Select):
            continue
        if len(names) != len(inner.expressions) or any(
            isinstance(p, exp.Star) for p in inner.expressions
        ):
            continue
        inner.set(
            "expressions",
            [
                exp.alias_(p.unalias().copy(), n.name, quoted=True)
                for p, n in zip(inner.expressions, names, strict=True)
            ],
        )
        alias.set("columns", None)
    return tree
