"""Fixes for Redshift's aggregates and window functions that PostgreSQL and DuckDB reject.

Each is named after the Redshift feature it repairs; the pairs they run for are in
:mod:`dwsim_nb.warehouses.pipelines`.
"""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.redshift_rewrites import as_text, helper_call
from dwsim_nb.warehouses.rewrites import Context


def fix_listagg_within_group(tree: exp.Expression, ctx: Context) -> exp.Expression:
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
        value = exp.Nullif(this=as_text(arg), expression=exp.Literal.string(""))
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


def _window_percentile(kind: str, frac: exp.Expression, value: exp.Expression) -> exp.Expression:
    return helper_call(kind, exp.cast(frac.copy(), exp.DataType.build("double")), value.copy())


def fix_median_window(tree: exp.Expression, ctx: Context) -> exp.Expression:
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


def fix_percentile_window(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``PERCENTILE_CONT/DISC(p) WITHIN GROUP (ORDER BY x) OVER (...)`` -> a helper aggregate.

    PostgreSQL rejects an ordered-set aggregate used as a window function, which sqlglot
    writes as typed. A descending order asks for the ``1 - p`` percentile of the ascending values.
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


def fix_approximate_aggregates(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``APPROXIMATE COUNT(DISTINCT x)`` / ``APPROXIMATE PERCENTILE_DISC`` -> the exact aggregates.

    sqlglot writes APPROX_COUNT_DISTINCT / APPROX_PERCENTILE, which PostgreSQL lacks (it has no
    sketches); the exact answer is what an approximation approximates.
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


def fix_any_value(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``ANY_VALUE(x)`` -> ``MIN(x)``: PostgreSQL 15 lacks ANY_VALUE; any one value will do."""
    for node in list(tree.find_all(exp.AnyValue)):
        node.replace(exp.Min(this=node.this.copy()))
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


def fix_ignore_nulls_window(tree: exp.Expression, ctx: Context) -> exp.Expression:
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


def fix_listagg_distinct(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``LISTAGG(DISTINCT x, ',') WITHIN GROUP (ORDER BY x)`` on DuckDB: the parser keeps the
    separator inside the DISTINCT, and sqlglot then prints a CASE over a tuple that DuckDB
    rejects. Moving the separator out gives DuckDB's ``LISTAGG(DISTINCT x, ',' ORDER BY x)``."""
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
