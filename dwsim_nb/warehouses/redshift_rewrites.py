"""Redshift SQL: the reader, and the fixes for its types, strings, DDL and helper functions.

sqlglot reports success for several Redshift constructs whose PostgreSQL (or DuckDB) output the
engine then rejects or answers differently. Each fix is one small function on the syntax tree,
named after the Redshift feature it repairs. Date and time fixes live in
:mod:`dwsim_nb.warehouses.redshift_dates`, aggregates and window functions in
:mod:`dwsim_nb.warehouses.redshift_aggregates`; the order they run in is in
:mod:`dwsim_nb.warehouses.pipelines`. Where a rewrite is not enough, a fix calls a helper function
from :mod:`dwsim_nb.warehouses.redshift_functions` (schema ``dwsim_rs``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.redshift import Redshift

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pg_template import keeping_raw_to_char
from dwsim_nb.warehouses.redshift_functions import HELPER_SCHEMA
from dwsim_nb.warehouses.rewrites import Context

RedshiftParser: Any = Redshift.Parser  # a class attribute, which mypy cannot subclass directly

# Marks the date additions the user wrote as ADD_MONTHS (sqlglot parses it exactly like
# DATEADD(month, ..), but only ADD_MONTHS keeps month ends at month ends).
ADD_MONTHS_META = "dwsim_add_months"


def _build_add_months(args: list[exp.Expression]) -> exp.Expression:
    node = Redshift.Parser.FUNCTIONS["ADD_MONTHS"](args)
    node.meta[ADD_MONTHS_META] = True
    return node


class RedshiftReader(Redshift):
    """sqlglot's Redshift dialect, reading ADD_MONTHS so the fixes can tell it from DATEADD, and
    keeping each TO_CHAR template as written."""

    class Parser(RedshiftParser):
        FUNCTIONS: ClassVar[dict[str, Callable[..., Any]]] = {
            **keeping_raw_to_char(RedshiftParser.FUNCTIONS),
            "ADD_MONTHS": _build_add_months,
        }


def is_add_months(node: exp.Expression) -> bool:
    return isinstance(node, exp.TsOrDsAdd) and bool(node.meta.get(ADD_MONTHS_META))


def helper_call(name: str, *args: exp.Expression) -> exp.Expression:
    """A call to ``dwsim_rs.<name>(...)`` (a Dot, because sqlglot has no schema-qualified calls)."""
    return exp.Dot(
        this=exp.to_identifier(HELPER_SCHEMA),
        expression=exp.Anonymous(this=name, expressions=list(args)),
    )


def as_text(value: exp.Expression) -> exp.Expression:
    return exp.cast(value.copy(), exp.DataType.build("text"))


# --- DDL typed by the user ------------------------------------------------------------------------

_COLUMN_KEY = re.compile(r"\b(?:DISTKEY|SORTKEY)\b(?!\s*\()", re.IGNORECASE)


def strip_column_dist_sort_keys(sql: str) -> str:
    """Column-level ``DISTKEY`` / ``SORTKEY`` (no parenthesis) removed before parsing.

    sqlglot raises a ParseError on them, and they only place data on a cluster's slices.
    """
    if not re.search(r"\bCREATE\b", sql, re.IGNORECASE):
        return sql
    return _COLUMN_KEY.sub("", sql)


_PHYSICAL = (
    exp.DistKeyProperty,
    exp.SortKeyProperty,
    exp.DistStyleProperty,
    exp.BackupProperty,
)


def fix_physical_options(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``DISTKEY(..)``, ``SORTKEY(..)``, ``DISTSTYLE``, ``BACKUP``, ``ENCODE`` dropped from DDL.

    sqlglot passes them through; PostgreSQL rejects them, and they only tell Redshift how to lay
    data out on its slices. ``IDENTITY(1,1)`` stays: sqlglot writes PostgreSQL's
    GENERATED ... AS IDENTITY.
    """
    for prop in list(tree.find_all(*_PHYSICAL)):
        prop.pop()
    for constraint in list(tree.find_all(exp.ColumnConstraint)):
        if isinstance(constraint.args.get("kind"), exp.EncodeColumnConstraint):
            constraint.pop()
    for props in list(tree.find_all(exp.Properties)):
        if not props.expressions:
            props.pop()
    return tree


def fix_redshift_types(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Redshift-only type spellings in casts: ``VARCHAR(MAX)`` -> VARCHAR, ``SUPER`` -> JSONB.

    sqlglot prints both unchanged for PostgreSQL, which knows neither.
    """
    for dtype in list(tree.find_all(exp.DataType)):
        params = dtype.expressions
        if (
            dtype.this in (exp.DType.VARCHAR, exp.DType.CHAR, exp.DType.NVARCHAR)
            and params
            and params[0].name.upper() == "MAX"
        ):
            dtype.set("expressions", [])
        elif dtype.this == exp.DType.SUPER:
            dtype.replace(exp.DataType.build("jsonb"))
    return tree


def fix_unaliased_derived_tables(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``FROM (SELECT ..)`` -> ``FROM (SELECT ..) AS _dwsim_dt1``: PostgreSQL 15 rejects a
    subquery in FROM without an alias, which Redshift allows and sqlglot leaves as written."""
    n = 0
    for sub in list(tree.find_all(exp.Subquery)):
        if isinstance(sub.parent, (exp.From, exp.Join)) and not sub.alias:
            n += 1
            sub.set("alias", exp.TableAlias(this=exp.to_identifier(f"_dwsim_dt{n}")))
    return tree


# --- strings and numbers --------------------------------------------------------------------------


def fix_string_functions_of_numbers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``REPEAT(number, n)``: Redshift casts a number to text implicitly (its documentation
    repeats a SMALLINT id); PostgreSQL and DuckDB find no ``repeat(smallint, integer)``."""
    for call in list(tree.find_all(exp.Repeat)):
        call.set("this", as_text(call.this))
    return tree


# A Redshift number format after sqlglot's parse (date formats come out as strftime, with %).
_NUMBER_FORMAT = re.compile(r"^(?=.*[09])[\s09.,$DGSLMIPRFVEB-]+$", re.IGNORECASE)


def refuse_to_char_number_format(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_CHAR(number, '999.99')``: sqlglot reads every TO_CHAR as a date format and writes
    DuckDB's STRFTIME, which then fails on a number with a message about timestamps. Redshift's
    number formats (padding, sign and group separators) have no DuckDB counterpart, so the
    call is refused by name. Date and timestamp TO_CHAR is left as sqlglot writes it."""
    for call in tree.find_all(exp.TimeToStr):
        fmt = call.args.get("format")
        number_format = isinstance(fmt, exp.Literal) and bool(_NUMBER_FORMAT.match(fmt.name))
        if ctx.kind(call.this) == "number" or number_format:
            raise QueryError(
                "number formats in TO_CHAR are not supported on the duckdb warehouse "
                f"({call.sql(dialect='redshift')}).",
                hint="use the redshift warehouse, or CAST/ROUND the number instead",
            )
    return tree


def fix_helper_functions(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Redshift functions PostgreSQL lacks, pointed at their ``dwsim_rs`` helpers.

    ``STRTOL`` (sqlglot writes FROM_BASE), ``MONTHS_BETWEEN``, ``IS_VALID_JSON``, ``NEXT_DAY``; and
    ``REGEXP_SUBSTR`` (sqlglot writes REGEXP_EXTRACT, PostgreSQL 15 has REGEXP_SUBSTR itself).
    """
    for base in list(tree.find_all(exp.FromBase)):
        base.replace(helper_call("strtol", base.this.copy(), base.expression.copy()))
    for regexp in list(tree.find_all(exp.RegexpExtract)):
        args = [regexp.this.copy(), regexp.expression.copy()]
        regexp.replace(exp.Anonymous(this="REGEXP_SUBSTR", expressions=args))
    for call in list(tree.find_all(exp.Anonymous)):
        name = call.name.upper()
        if name in ("MONTHS_BETWEEN", "IS_VALID_JSON"):
            call.replace(helper_call(name.lower(), *[a.copy() for a in call.expressions]))
    for day in list(tree.find_all(exp.NextDay)):
        day.replace(helper_call("next_day", day.this.copy(), day.expression.copy()))
    for months in list(tree.find_all(exp.MonthsBetween)):
        months.replace(helper_call("months_between", months.this.copy(), months.expression.copy()))
    return tree
