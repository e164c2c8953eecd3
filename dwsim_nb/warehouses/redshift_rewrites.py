"""Redshift SQL to PostgreSQL: sqlglot's translation plus this project's fixes.

sqlglot reports success for several Redshift constructs whose PostgreSQL output the server then
rejects or answers differently. Each fix below is one small function on the syntax tree, named
after the Redshift feature it repairs, applied to the tree parsed with sqlglot's ``redshift``
dialect before it is written as ``postgres``. Where a rewrite is not enough, the fix calls a helper
function from :mod:`dwsim_nb.warehouses.redshift_functions` (schema ``dwsim_rs``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any, ClassVar

import sqlglot
from sqlglot import exp
from sqlglot.dialects.redshift import Redshift
from sqlglot.errors import ParseError

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.redshift_functions import HELPER_SCHEMA

Rewrite = Callable[[exp.Expression], exp.Expression]

RedshiftParser: Any = Redshift.Parser  # a class attribute, which mypy cannot subclass directly

# Marks the date additions the user wrote as ADD_MONTHS (sqlglot parses it exactly like
# DATEADD(month, ..), but only ADD_MONTHS keeps month ends at month ends).
ADD_MONTHS_META = "dwsim_add_months"


def _build_add_months(args: list[exp.Expression]) -> exp.Expression:
    node = Redshift.Parser.FUNCTIONS["ADD_MONTHS"](args)
    node.meta[ADD_MONTHS_META] = True
    return node


class RedshiftReader(Redshift):
    """sqlglot's Redshift dialect, reading ADD_MONTHS so the fixes can tell it from DATEADD."""

    class Parser(RedshiftParser):
        FUNCTIONS: ClassVar[dict[str, Callable[..., Any]]] = {
            **RedshiftParser.FUNCTIONS,
            "ADD_MONTHS": _build_add_months,
        }


def is_add_months(node: exp.Expression) -> bool:
    return isinstance(node, exp.TsOrDsAdd) and bool(node.meta.get(ADD_MONTHS_META))


def _helper(name: str, *args: exp.Expression) -> exp.Expression:
    """A call to ``dwsim_rs.<name>(...)`` (a Dot, because sqlglot has no schema-qualified calls)."""
    return exp.Dot(
        this=exp.to_identifier(HELPER_SCHEMA),
        expression=exp.Anonymous(this=name, expressions=list(args)),
    )


def _as_text(value: exp.Expression) -> exp.Expression:
    return exp.cast(value.copy(), exp.DataType.build("text"))


def fix_listagg_within_group(tree: exp.Expression) -> exp.Expression:
    """``LISTAGG([DISTINCT] x, sep) WITHIN GROUP (ORDER BY ..)`` -> ``STRING_AGG(.. ORDER BY ..)``.

    PostgreSQL has no WITHIN GROUP for STRING_AGG, needs text arguments, and with DISTINCT needs
    the ORDER BY to be the aggregated value itself. Redshift ignores NULLs and empty strings, and
    its delimiter defaults to none (sqlglot writes a comma). Inside a window (``OVER``), PostgreSQL
    refuses an ORDER BY in the aggregate, so the order moves into the window over the whole
    partition.
    """
    for node in list(tree.find_all(exp.GroupConcat)):
        parent = node.parent
        within = parent if isinstance(parent, exp.WithinGroup) else None
        arg = node.this
        distinct = isinstance(arg, exp.Distinct)
        separator = node.args.get("separator")
        if distinct:
            items = list(arg.expressions)
            arg = items[0]
            if separator is None and len(items) > 1:
                separator = items[1]
        if separator is None:
            separator = exp.Literal.string("")
        value = exp.Nullif(this=_as_text(arg), expression=exp.Literal.string(""))
        orderings: list[exp.Ordered] = list(within.expression.expressions) if within else []
        window = (within or node).parent
        if isinstance(window, exp.Window) and orderings:
            if distinct:
                raise QueryError(
                    "LISTAGG(DISTINCT ...) OVER (...) cannot run on the Redshift emulator: "
                    "PostgreSQL has no DISTINCT in window aggregates.",
                    hint="aggregate with GROUP BY and join the result back",
                )
            window.set("order", exp.Order(expressions=[o.copy() for o in orderings]))
            window.set(
                "spec",
                exp.WindowSpec(
                    kind="ROWS",
                    start="UNBOUNDED",
                    start_side="PRECEDING",
                    end="UNBOUNDED",
                    end_side="FOLLOWING",
                ),
            )
            orderings = []
        if distinct:
            if any(o.this != arg for o in orderings):
                raise QueryError(
                    "LISTAGG(DISTINCT x) WITHIN GROUP (ORDER BY y) cannot run on the Redshift "
                    "emulator: PostgreSQL orders a DISTINCT aggregate only by its own value.",
                    hint="order by the aggregated expression itself",
                )
            orderings = [exp.Ordered(this=value.copy(), desc=o.args.get("desc")) for o in orderings]
            body: exp.Expression = exp.Distinct(expressions=[value])
        else:
            body = value
        if orderings:
            body = exp.Order(this=body, expressions=[o.copy() for o in orderings])
        (within or node).replace(exp.GroupConcat(this=body, separator=separator.copy()))
    return tree


def fix_trunc_timestamp(tree: exp.Expression) -> exp.Expression:
    """``TRUNC(ts)`` -> ``dwsim_rs.trunc(ts)``: Redshift returns the DATE of a timestamp.

    Which one applies depends on the argument's type, unknown here, so the helper is overloaded
    for timestamps, dates and numbers and PostgreSQL picks.
    """
    for node in list(tree.find_all(exp.Trunc)):
        if node.args.get("decimals") is None:
            node.replace(_helper("trunc", node.this.copy()))
    return tree


def _window_percentile(kind: str, frac: exp.Expression, value: exp.Expression) -> exp.Expression:
    return _helper(kind, exp.cast(frac.copy(), exp.DataType.build("double")), value.copy())


def fix_median_window(tree: exp.Expression) -> exp.Expression:
    """``MEDIAN(x) OVER (...)`` -> ``dwsim_rs.percentile_cont(0.5, x) OVER (...)``.

    PostgreSQL's ordered-set aggregates cannot be window functions; the helper aggregate can.
    Plain ``MEDIAN(x)`` is left to sqlglot (PERCENTILE_CONT WITHIN GROUP works as an aggregate).
    """
    for window in list(tree.find_all(exp.Window)):
        if isinstance(window.this, exp.Median):
            window.this.replace(
                _window_percentile("percentile_cont", exp.Literal.number(0.5), window.this.this)
            )
    return tree


def fix_percentile_window(tree: exp.Expression) -> exp.Expression:
    """``PERCENTILE_CONT/DISC(p) WITHIN GROUP (ORDER BY x) OVER (...)`` -> a helper aggregate.

    A descending order asks for the ``1 - p`` percentile of the ascending values.
    """
    for window in list(tree.find_all(exp.Window)):
        within = window.this
        if not isinstance(within, exp.WithinGroup):
            continue
        func = within.this
        if not isinstance(func, (exp.PercentileCont, exp.PercentileDisc)):
            continue
        ordered = within.expression.expressions[0]
        frac = func.this
        if ordered.args.get("desc"):
            frac = exp.Sub(this=exp.Literal.number(1), expression=frac.copy())
        kind = "percentile_cont" if isinstance(func, exp.PercentileCont) else "percentile_disc"
        within.replace(_window_percentile(kind, frac, ordered.this))
    return tree


def fix_approximate_aggregates(tree: exp.Expression) -> exp.Expression:
    """``APPROXIMATE COUNT(DISTINCT x)`` / ``APPROXIMATE PERCENTILE_DISC`` -> the exact aggregates.

    PostgreSQL has no sketches; the exact answer is what an approximation approximates.
    """
    for node in list(tree.find_all(exp.ApproxDistinct)):
        node.replace(exp.Count(this=exp.Distinct(expressions=[node.this.copy()])))
    for quantile in list(tree.find_all(exp.ApproxQuantile)):
        quantile.replace(
            exp.WithinGroup(
                this=exp.PercentileDisc(this=quantile.args["quantile"].copy()),
                expression=exp.Order(expressions=[exp.Ordered(this=quantile.this.copy())]),
            )
        )
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


def fix_datediff_boundaries(tree: exp.Expression) -> exp.Expression:
    """``DATEDIFF(part, a, b)`` -> ``dwsim_rs.datediff('part', a, b)``, counting boundaries.

    sqlglot subtracts the instants (so a day across a month end counts 0 months); Redshift counts
    the part boundaries crossed (1 month).
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
            _helper(
                "datediff",
                exp.Literal.string(part),
                exp.cast(node.expression.copy(), ts),
                exp.cast(node.this.copy(), ts),
            )
        )
    return tree


def fix_getdate_sysdate(tree: exp.Expression) -> exp.Expression:
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


def fix_unaliased_derived_tables(tree: exp.Expression) -> exp.Expression:
    """``FROM (SELECT ..)`` -> ``FROM (SELECT ..) AS _dwsim_dt1``: PostgreSQL 15 needs an alias."""
    counter = itertools.count(1)
    for sub in list(tree.find_all(exp.Subquery)):
        if isinstance(sub.parent, (exp.From, exp.Join)) and not sub.alias:
            sub.set("alias", exp.TableAlias(this=exp.to_identifier(f"_dwsim_dt{next(counter)}")))
    return tree


def fix_redshift_types(tree: exp.Expression) -> exp.Expression:
    """Redshift-only type spellings in casts: ``VARCHAR(MAX)`` -> VARCHAR, ``SUPER`` -> JSONB."""
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


def fix_any_value(tree: exp.Expression) -> exp.Expression:
    """``ANY_VALUE(x)`` -> ``MIN(x)``: PostgreSQL 15 lacks ANY_VALUE; any one value will do."""
    for node in list(tree.find_all(exp.AnyValue)):
        node.replace(exp.Min(this=node.this.copy()))
    return tree


def fix_ratio_to_report(tree: exp.Expression) -> exp.Expression:
    """``RATIO_TO_REPORT(x) OVER (w)`` -> ``x / NULLIF(SUM(x) OVER (w), 0)``."""
    for window in list(tree.find_all(exp.Window)):
        func = window.this
        if isinstance(func, exp.Anonymous) and func.name.upper() == "RATIO_TO_REPORT":
            value = func.expressions[0]
            total = window.copy()
            total.set("this", exp.Sum(this=value.copy()))
            numerator = exp.cast(value.copy(), exp.DataType.build("double"))
            window.replace(
                exp.Div(
                    this=numerator,
                    expression=exp.Nullif(this=total, expression=exp.Literal.number(0)),
                )
            )
    return tree


def _nth_non_null(
    window: exp.Window, value: exp.Expression, index: exp.Expression | None
) -> exp.Expression:
    """``(ARRAY_REMOVE(ARRAY_AGG(value) OVER (w), NULL))[index]``; the last element if None."""
    collected = window.copy()
    collected.set("this", exp.ArrayAgg(this=value.copy()))
    values = exp.Paren(this=exp.func("ARRAY_REMOVE", collected, exp.null()))
    position = (
        index
        if index is not None
        else exp.Anonymous(this="CARDINALITY", expressions=[values.copy()])
    )
    return exp.Bracket(this=values, expressions=[position], offset=1)


def fix_ignore_nulls_window(tree: exp.Expression) -> exp.Expression:
    """``FIRST_VALUE / LAST_VALUE / NTH_VALUE (x IGNORE NULLS) OVER (w)`` -> an array pick.

    PostgreSQL has no IGNORE NULLS (sqlglot refuses to write it). Collecting the frame's values
    with ``ARRAY_AGG(x) OVER (w)`` (same partition, order and frame), dropping the NULLs and
    taking the first, last or n-th element gives the value Redshift returns.
    """
    for window in list(tree.find_all(exp.Window)):
        ignore = window.this
        if not isinstance(ignore, exp.IgnoreNulls):
            continue
        func = ignore.this
        if isinstance(func, exp.FirstValue):
            picked = _nth_non_null(window, func.this, exp.Literal.number(1))
        elif isinstance(func, exp.LastValue):
            picked = _nth_non_null(window, func.this, None)
        elif isinstance(func, exp.NthValue):
            picked = _nth_non_null(window, func.this, func.args["offset"].copy())
        else:
            continue
        if isinstance(window.parent, exp.Select):
            # Unaliased in the result: keep the name Redshift gives the column.
            name = type(func).__name__.lower().replace("value", "_value")
            picked = exp.Alias(this=picked, alias=exp.to_identifier(name))
        window.replace(picked)
    return tree


def fix_string_functions_of_numbers(tree: exp.Expression) -> exp.Expression:
    """``REPEAT(number, n)``: Redshift casts a number to text implicitly (its documentation
    repeats a SMALLINT id); PostgreSQL finds no ``repeat(smallint, integer)``."""
    for call in list(tree.find_all(exp.Repeat)):
        call.set("this", _as_text(call.this))
    return tree


def fix_date_part_year(tree: exp.Expression) -> exp.Expression:
    """``DATE_PART_YEAR(d)`` (Redshift only) -> ``EXTRACT(YEAR FROM d)``."""
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name.upper() == "DATE_PART_YEAR" and len(call.expressions) == 1:
            call.replace(exp.Extract(this=exp.var("YEAR"), expression=call.expressions[0].copy()))
    return tree


def fix_add_months_month_end(tree: exp.Expression) -> exp.Expression:
    """``ADD_MONTHS(d, n)`` -> ``dwsim_rs.add_months(d, n)``: from the last day of a month
    Redshift lands on the last day of the target month; ``LAST_DAY(d)`` -> its helper too,
    which PostgreSQL names ``last_day`` (sqlglot's date arithmetic would be named ``date``)."""
    for node in list(tree.find_all(exp.TsOrDsAdd)):
        if is_add_months(node):
            node.replace(_helper("add_months", node.this.copy(), node.expression.copy()))
    for last in list(tree.find_all(exp.LastDay)):
        last.replace(_helper("last_day", last.this.copy()))
    return tree


def fix_add_months_month_end_duckdb(tree: exp.Expression) -> exp.Expression:
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


def fix_helper_functions(tree: exp.Expression) -> exp.Expression:
    """Redshift functions PostgreSQL lacks, pointed at their ``dwsim_rs`` helpers.

    ``STRTOL`` (sqlglot writes FROM_BASE), ``MONTHS_BETWEEN``, ``IS_VALID_JSON``, ``NEXT_DAY``; and
    ``REGEXP_SUBSTR`` (sqlglot writes REGEXP_EXTRACT, PostgreSQL 15 has REGEXP_SUBSTR itself).
    """
    for base in list(tree.find_all(exp.FromBase)):
        base.replace(_helper("strtol", base.this.copy(), base.expression.copy()))
    for regexp in list(tree.find_all(exp.RegexpExtract)):
        args = [regexp.this.copy(), regexp.expression.copy()]
        regexp.replace(exp.Anonymous(this="REGEXP_SUBSTR", expressions=args))
    for call in list(tree.find_all(exp.Anonymous)):
        name = call.name.upper()
        if name in ("MONTHS_BETWEEN", "IS_VALID_JSON"):
            call.replace(_helper(name.lower(), *[a.copy() for a in call.expressions]))
    for day in list(tree.find_all(exp.NextDay)):
        day.replace(_helper("next_day", day.this.copy(), day.expression.copy()))
    for months in list(tree.find_all(exp.MonthsBetween)):
        months.replace(_helper("months_between", months.this.copy(), months.expression.copy()))
    return tree


# Order matters: the percentile fix must see WITHIN GROUP before anything else rewrites it.
REWRITES: tuple[Rewrite, ...] = (
    fix_median_window,
    fix_percentile_window,
    fix_approximate_aggregates,
    fix_listagg_within_group,
    fix_trunc_timestamp,
    fix_datediff_boundaries,
    fix_getdate_sysdate,
    fix_unaliased_derived_tables,
    fix_redshift_types,
    fix_any_value,
    fix_ratio_to_report,
    fix_ignore_nulls_window,
    fix_string_functions_of_numbers,
    fix_date_part_year,
    fix_add_months_month_end,
    fix_helper_functions,
)


def parse_redshift(sql: str) -> list[exp.Expression]:
    """Parse Redshift SQL into statements; a syntax error becomes a QueryError with its position."""
    try:
        trees = sqlglot.parse(strip_column_dist_sort_keys(sql), read=RedshiftReader)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        raise QueryError(
            f"Redshift SQL does not parse: {first.get('description', exc)}",
            line=first.get("line"),
            col=first.get("col"),
            hint="check the statement near that position",
        ) from None
    return [t for t in trees if isinstance(t, exp.Expression)]


def rewrite_redshift(tree: exp.Expression) -> exp.Expression:
    """Apply every fix to one parsed Redshift statement."""
    for fix in REWRITES:
        tree = fix(tree)
    return tree


def translate_redshift(sql: str) -> list[str]:
    """Redshift SQL text -> PostgreSQL statements that give Redshift's answers.

    >>> translate_redshift("select top 2 nvl(a, 0) from t")
    ['SELECT COALESCE(a, 0) FROM t LIMIT 2']
    """
    return [rewrite_redshift(t).sql(dialect="postgres") for t in parse_redshift(sql)]


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


def fix_physical_options(tree: exp.Expression) -> exp.Expression:
    """``DISTKEY(..)``, ``SORTKEY(..)``, ``DISTSTYLE``, ``BACKUP``, ``ENCODE`` dropped from DDL.

    They tell Redshift how to lay data out on its slices; PostgreSQL rejects them and they change
    no answer. ``IDENTITY(1,1)`` stays: sqlglot writes PostgreSQL's GENERATED ... AS IDENTITY.
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


REWRITES = (*REWRITES, fix_physical_options)

# The fixes Redshift SQL also needs on DuckDB (the redshift dialect on the duckdb warehouse).
DUCKDB_REWRITES: tuple[Rewrite, ...] = (
    fix_ratio_to_report,
    fix_string_functions_of_numbers,
    fix_date_part_year,
    fix_add_months_month_end_duckdb,
)

_registered = False


def register_with_translator() -> None:
    """Add these fixes to the shared translator for Redshift SQL run on PostgreSQL (once)."""
    global _registered
    if _registered:
        return
    from dwsim_nb.warehouses.rewrites import register_without_context

    register_without_context(REWRITES, reads={"redshift"}, engines={"postgres"})
    # DuckDB runs IGNORE NULLS itself but shares these gaps with PostgreSQL.
    register_without_context(DUCKDB_REWRITES, reads={"redshift"}, engines={"duckdb"})
    _registered = True
