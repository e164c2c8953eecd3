"""This project's fixes to sqlglot's translations, one small named function each.

A fix exists only where sqlglot's output was checked by executing it and found wrong or rejected by
the engine. Each one takes a parsed statement and a :class:`Context` and returns the (possibly new)
statement; :func:`rewrites_for` picks those that apply to a (source dialect, engine) pair. Later
warehouses add theirs with :func:`rewrite`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.spec.types import NUMERIC_TYPES, TEMPORAL_TYPES
from dwsim_nb.warehouses.result_names import postgres_label, top_select


@dataclass
class Context:
    """What a rewrite may know besides the statement: dialects and the experiment's tables."""

    read: str
    engine: str
    schema: str | None = None
    # table name -> {column name -> logical type}, names as the spec spells them
    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    def table_name(self, name: str) -> str | None:
        """The spec's spelling of a table name, matched without regard to case."""
        if name in self.tables:
            return name
        lowered = name.lower()
        for t in self.tables:
            if t.lower() == lowered:
                return t
        return None

    def column_type(self, name: str) -> str | None:
        """The logical type of a column name if every table that has it agrees."""
        found = {
            cols[c] for cols in self.tables.values() for c in cols if c.lower() == name.lower()
        }
        return found.pop() if len(found) == 1 else None


Rewrite = Callable[[exp.Expression, Context], exp.Expression]

_TEMPORAL_CALLS = (
    exp.CurrentDate,
    exp.CurrentTimestamp,
    exp.CurrentDatetime,
    exp.Localtimestamp,
    exp.DateAdd,
    exp.DateSub,
    exp.TsOrDsAdd,
    exp.TimestampAdd,
    exp.DateTrunc,
    exp.TimestampTrunc,
    exp.TimeStrToTime,
    exp.StrToTime,
    exp.StrToDate,
    exp.TsOrDsToDate,
    exp.LastDay,
)


def value_kind(node: exp.Expression, ctx: Context) -> str | None:
    """``"temporal"``, ``"number"`` or None (unknown) for the value of ``node``.

    The experiment's spec types its columns; casts and date functions type themselves.
    """
    if isinstance(node, exp.Paren):
        return value_kind(node.this, ctx)
    if isinstance(node, exp.Column):
        logical = ctx.column_type(node.name)
        if logical in TEMPORAL_TYPES:
            return "temporal"
        if logical in NUMERIC_TYPES:
            return "number"
        return None
    if isinstance(node, (exp.Cast, exp.TryCast)):
        if node.to.is_type(*exp.DataType.TEMPORAL_TYPES):
            return "temporal"
        if node.to.is_type(*exp.DataType.NUMERIC_TYPES):
            return "number"
        return None
    if isinstance(node, exp.Literal):
        return None if node.is_string else "number"
    if isinstance(node, _TEMPORAL_CALLS):
        return "temporal"
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Round)):
        return "number" if value_kind(node.this, ctx) == "number" else None
    typed = node.type
    if typed is not None and typed.is_type(*exp.DataType.TEMPORAL_TYPES):
        return "temporal"
    if typed is not None and typed.is_type(*exp.DataType.NUMERIC_TYPES):
        return "number"
    return None


@dataclass(frozen=True)
class Registered:
    fn: Rewrite
    reads: frozenset[str] | None  # None: every source dialect
    engines: frozenset[str] | None  # None: every engine


_REGISTRY: list[Registered] = []


def rewrite(
    reads: set[str] | None = None, engines: set[str] | None = None
) -> Callable[[Rewrite], Rewrite]:
    """Register a fix for SQL read in ``reads`` and run on ``engines`` (None: all)."""

    def deco(fn: Rewrite) -> Rewrite:
        _REGISTRY.append(
            Registered(
                fn,
                frozenset(reads) if reads is not None else None,
                frozenset(engines) if engines is not None else None,
            )
        )
        return fn

    return deco


def register_without_context(
    fixes: Iterable[Callable[[exp.Expression], exp.Expression]],
    reads: set[str] | None = None,
    engines: set[str] | None = None,
) -> None:
    """Register fixes written as ``fix(tree)`` (the emulators' own rewrite tuples, which they
    also run outside the translator) for the given pair, each keeping its name and docstring."""

    def adapt(fix: Callable[[exp.Expression], exp.Expression]) -> Rewrite:
        def run(tree: exp.Expression, ctx: Context) -> exp.Expression:
            return fix(tree)

        run.__name__ = fix.__name__
        run.__doc__ = fix.__doc__
        return run

    for fix in fixes:
        rewrite(reads, engines)(adapt(fix))


def rewrites_for(read: str, engine: str) -> list[Rewrite]:
    return [
        r.fn
        for r in _REGISTRY
        if (r.reads is None or read in r.reads) and (r.engines is None or engine in r.engines)
    ]


# --- name resolution (every pair) ---------------------------------------------------------------


def cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


@rewrite()
def qualify_experiment_tables(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Point unqualified names of the experiment's tables at its schema (not CTE names)."""
    ctes = cte_names(tree)
    for table in tree.find_all(exp.Table):
        if table.args.get("db") or not table.name or table.name.lower() in ctes:
            continue
        spelled = ctx.table_name(table.name)
        if spelled is None:
            continue
        table.set("this", exp.to_identifier(spelled, quoted=True))
        if ctx.schema:
            table.set("db", exp.to_identifier(ctx.schema, quoted=True))
    return tree


@rewrite()
def match_column_case(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Spell unquoted column names as the schema does, so results carry the schema's names.

    Redshift and Postgres fold unquoted names to lower case and Snowflake to upper case; every
    engine here compares names without case, so only the result's column labels would differ.
    """
    columns = {c.lower(): c for cols in ctx.tables.values() for c in cols}
    for col in tree.find_all(exp.Column):
        ident = col.this
        if isinstance(ident, exp.Identifier) and not ident.quoted:
            spelled = columns.get(ident.name.lower())
            if spelled is not None:
                col.set("this", exp.to_identifier(spelled, quoted=True))
    return tree


# --- result column names -----------------------------------------------------------------------


@rewrite(reads={"redshift", "postgres"}, engines={"duckdb", "sqlite"})
def name_result_columns(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Alias unaliased expressions of the result as Redshift/PostgreSQL name them.

    ``count(*)`` comes back as ``count``, ``a + 1`` as ``?column?`` and ``cast(a as bigint)`` as
    ``a`` (see :mod:`dwsim_nb.warehouses.result_names`), not as DuckDB's ``count_star()`` or
    SQLite's ``count(*)``. Runs before the engine fixes, which change the expressions. Keyword
    values (``current_date``) keep the engine's name: DuckDB cannot alias them as themselves.
    """
    select = top_select(tree)
    if select is None:
        return tree
    changed = False
    projections = []
    for projection in select.expressions:
        if not isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            label = postgres_label(projection, ctx.read)
            # A keyword value (CURRENT_DATE) aliased as its own name makes DuckDB read it as a
            # reference to the alias; unaliased, the engines already call it by that name.
            if label.lower() == projection.sql().lower():
                projections.append(projection)
                continue
            projection = exp.alias_(projection.copy(), label, quoted=True)
            changed = True
        projections.append(projection)
    if changed:
        select.set("expressions", projections)
    return tree


# --- Redshift fixes -----------------------------------------------------------------------------


@rewrite(reads={"redshift"}, engines={"duckdb"})
def fix_listagg_distinct(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``LISTAGG(DISTINCT x, ',') WITHIN GROUP (ORDER BY x)``: the parser keeps the separator
    inside the DISTINCT, and sqlglot then prints a CASE over a tuple that DuckDB rejects. Moving
    the separator out gives DuckDB's ``LISTAGG(DISTINCT x, ',' ORDER BY x)``."""
    for agg in tree.find_all(exp.GroupConcat):
        distinct = agg.this
        if (
            isinstance(distinct, exp.Distinct)
            and len(distinct.expressions) == 2
            and agg.args.get("separator") is None
        ):
            value, sep = distinct.expressions
            agg.set("this", exp.Distinct(expressions=[value.copy()]))
            agg.set("separator", sep.copy())
    return tree


@rewrite(reads={"redshift"})
def fix_trunc_timestamp(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Redshift ``TRUNC(timestamp)`` is the timestamp's date; sqlglot keeps TRUNC, which DuckDB
    only knows for numbers. Rewritten where the argument is known to be a date or time."""

    def temporal(node: exp.Expression) -> bool:
        if isinstance(node, exp.Column):
            return ctx.column_type(node.name) in TEMPORAL_TYPES
        if isinstance(node, exp.Cast):
            return node.to.is_type(*exp.DataType.TEMPORAL_TYPES)
        return isinstance(node, (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentDatetime))

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Trunc) and not node.args.get("decimals") and temporal(node.this):
            return exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE"))
        return node

    return tree.transform(fix)


@rewrite(reads={"redshift"}, engines={"postgres", "duckdb"})
def fix_like_on_datetime(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``saletime LIKE '2008-09%'``: Redshift compares a date or timestamp column with a pattern
    through its text form; PostgreSQL and DuckDB have no LIKE for those types. The column is cast
    to text where the schema says it is a date or time."""
    for like in list(tree.find_all(exp.Like, exp.ILike)):
        subject = like.this
        if isinstance(subject, exp.Column) and ctx.column_type(subject.name) in TEMPORAL_TYPES:
            subject.replace(exp.cast(subject.copy(), exp.DataType.build("VARCHAR")))
    return tree


# A Redshift number format after sqlglot's parse (date formats come out as strftime, with %).
_NUMBER_FORMAT = re.compile(r"^(?=.*[09])[\s09.,$DGSLMIPRFVEB-]+$", re.IGNORECASE)


@rewrite(reads={"redshift"}, engines={"duckdb"})
def refuse_to_char_number_format(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_CHAR(number, '999.99')``: sqlglot reads every TO_CHAR as a date format and writes
    DuckDB's STRFTIME, which then fails on a number with a message about timestamps. Redshift's
    number formats (padding, sign and group separators) have no DuckDB counterpart, so the
    call is refused by name. Date and timestamp TO_CHAR is left as sqlglot writes it."""
    for call in tree.find_all(exp.TimeToStr):
        fmt = call.args.get("format")
        number_format = isinstance(fmt, exp.Literal) and bool(_NUMBER_FORMAT.match(fmt.name))
        if value_kind(call.this, ctx) == "number" or number_format:
            raise QueryError(
                "number formats in TO_CHAR are not supported on the duckdb warehouse "
                f"({call.sql(dialect='redshift')}).",
                hint="use the redshift warehouse, or CAST/ROUND the number instead",
            )
    return tree
