"""Fixes that make ``TO_CHAR`` / ``TO_VARCHAR`` of dates and times print what the warehouse prints.

PostgreSQL and Redshift templates are rebuilt from the template as the user wrote it (kept by
the readers of :mod:`dwsim_nb.warehouses.pg_template`), not from sqlglot's lossy strftime
conversion. Snowflake formats on DuckDB, which sqlglot refuses to translate (it drops the
format), go through the Snowflake format map fakesnow's fix already uses; on PostgreSQL and
SQLite they become the PostgreSQL template of the same meaning first.
"""

from __future__ import annotations

import re

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pg_template import RAW_FORMAT
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.snowflake_rewrites import snowflake_time_format
from dwsim_nb.warehouses.to_char_engines import duckdb_to_char, sqlite_strftime


def _template_calls(tree: exp.Expression, ctx: Context) -> list[tuple[exp.TimeToStr, str]]:
    """TO_CHAR calls with the template as written, whose value is not a number (numbers are
    refused or left by the number-format fixes)."""
    found = []
    for call in tree.find_all(exp.TimeToStr):
        raw = call.meta.get(RAW_FORMAT)
        if isinstance(raw, str) and ctx.kind(call.this) != "number":
            found.append((call, raw))
    return found


def _as_timestamp(value: exp.Expression) -> exp.Expression:
    """A string literal as the timestamp PostgreSQL and Redshift read it as."""
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.cast(value.copy(), exp.DataType.build("timestamp"))
    return value


def fix_to_char_template_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_CHAR(ts, 'Dy, DD Mon YYYY')`` -> a DuckDB expression printing what PostgreSQL prints
    (``'Tue, 05 Nov 2008'``, not sqlglot's ``'2y, 05 Mon 2008'``)."""
    for call, raw in _template_calls(tree, ctx):
        call.replace(duckdb_to_char(_as_timestamp(call.this), raw))
    return tree


def fix_to_char_template_postgres(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_CHAR(ts, 'MON')`` printed for PostgreSQL with the template as written: sqlglot's
    round trip through strftime turns Redshift's ``'MON'`` into ``'Mon'``."""
    for call, raw in _template_calls(tree, ctx):
        call.replace(
            exp.Anonymous(this="TO_CHAR", expressions=[call.this.copy(), exp.Literal.string(raw)])
        )
    return tree


def fix_to_char_template_sqlite(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_CHAR(ts, 'YYYY-MM-DD HH24:MI:SS')`` -> SQLite's strftime with the same fields; a
    template with names, a 12-hour clock or fill mode is refused by element (SQLite has no
    month or day names)."""
    for call, raw in _template_calls(tree, ctx):
        call.set("this", _as_timestamp(call.this))
        call.set("format", exp.Literal.string(sqlite_strftime(raw)))
    return tree


def fix_snowflake_to_char_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Snowflake ``TO_CHAR/TO_VARCHAR(date_or_timestamp, 'fmt')`` -> DuckDB ``STRFTIME``.

    sqlglot refuses the call for DuckDB ("Argument 'format' is not supported"). Values of
    unknown or other types are left to that refusal.
    """
    for call in list(tree.find_all(exp.ToChar)):
        fmt = call.args.get("format")
        if not isinstance(fmt, exp.Literal) or not fmt.is_string:
            continue
        if ctx.kind(call.this) != "temporal":
            continue
        call.replace(
            exp.Anonymous(
                this="STRFTIME",
                expressions=[call.this.copy(), exp.Literal.string(snowflake_time_format(fmt.this))],
            )
        )
    return tree


# Snowflake date/time format elements -> PostgreSQL template elements (Snowflake prints names
# capitalised whatever the element's case, and a full month name unpadded).
_SNOWFLAKE_TO_PG = (
    ("YYYY", "YYYY"),
    ("MMMM", "FMMonth"),
    ("HH24", "HH24"),
    ("HH12", "HH12"),
    ("FF3", "MS"),
    ("FF6", "US"),
    ("MON", "Mon"),
    ("YY", "YY"),
    ("MM", "MM"),
    ("DD", "DD"),
    ("DY", "Dy"),
    ("AM", "AM"),
    ("PM", "PM"),
    ("MI", "MI"),
    ("SS", "SS"),
)
_SNOWFLAKE_ELEMENT = re.compile("|".join(e for e, _ in _SNOWFLAKE_TO_PG), re.IGNORECASE)


def snowflake_as_pg_template(fmt: str) -> str:
    """A Snowflake date format as a PostgreSQL template, or a QueryError naming the element.

    >>> snowflake_as_pg_template('DY, DD MON YYYY "at" HH24:MI')
    'Dy, DD Mon YYYY "at" HH24:MI'
    """
    mapping = dict(_SNOWFLAKE_TO_PG)
    out: list[str] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            out.append('"' + fmt[i + 1 : end] + '"')
            i = end + 1
            continue
        m = _SNOWFLAKE_ELEMENT.match(fmt, i)
        if m:
            out.append(mapping[m.group(0).upper()])
            i = m.end()
        elif fmt[i].isalpha():
            raise QueryError(
                f"the Snowflake date format {fmt!r} has an element not emulated on the postgres "
                f"warehouse (at {fmt[i:]!r}).",
                hint="use YYYY, YY, MM, MON, MMMM, DD, DY, HH24, HH12, AM/PM, MI, SS, FF3/FF6 "
                'and "quoted text"',
            )
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


def fix_snowflake_to_char_postgres(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Snowflake ``TO_CHAR/TO_VARCHAR(ts, 'DY')`` -> PostgreSQL ``TO_CHAR(ts, 'Dy')``: sqlglot
    passes the Snowflake format through, and PostgreSQL reads ``DY`` as ``SAT``, not ``Sat``."""
    for call in list(tree.find_all(exp.ToChar)):
        fmt = call.args.get("format")
        if isinstance(fmt, exp.Literal) and fmt.is_string and ctx.kind(call.this) == "temporal":
            template = exp.Literal.string(snowflake_as_pg_template(fmt.this))
            call.replace(exp.Anonymous(this="TO_CHAR", expressions=[call.this.copy(), template]))
    return tree


def fix_snowflake_to_char_sqlite(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Snowflake ``TO_CHAR/TO_VARCHAR(ts, 'YYYY-MM-DD HH24:MI')`` -> SQLite's strftime; formats
    with names or a 12-hour clock are refused by element (sqlglot refuses every format here,
    in words that name its own classes)."""
    for call in list(tree.find_all(exp.ToChar)):
        fmt = call.args.get("format")
        if isinstance(fmt, exp.Literal) and fmt.is_string and ctx.kind(call.this) == "temporal":
            strftime = sqlite_strftime(snowflake_as_pg_template(fmt.this))
            call.replace(exp.TimeToStr(this=call.this.copy(), format=exp.Literal.string(strftime)))
    return tree
