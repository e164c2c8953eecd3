"""Snowflake SQL that fakesnow mis-runs, fixed before it reaches fakesnow.

fakesnow translates Snowflake SQL to DuckDB with sqlglot. Where its output was checked by running it
and found wrong or rejected, one small function here repairs the Snowflake statement so fakesnow's
translation works; each is named after the Snowflake feature it fixes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from dwsim_nb.warehouses import redshift_rewrites

Rewrite = Callable[[exp.Expression], exp.Expression]


def fix_text(sql: str) -> str:
    """Fixes that must run on the text before parsing (none needed so far)."""
    return sql


def fix_result_column_names(tree: exp.Expression) -> exp.Expression:
    """Unaliased expressions in the outer SELECT named as Snowflake names them.

    Snowflake labels ``count(*)`` as ``COUNT(*)`` and ``iff(a > 1, 'x', 'y')`` as
    ``IFF(A > 1, 'X', 'Y')`` (the text, upper-cased); fakesnow returns DuckDB's internal
    spelling (``count_star()``, ``CASE WHEN ...``), which breaks code that reads columns by name.
    Plain columns keep their names.

    A keyword value (``CURRENT_DATE``) keeps its own name: DuckDB would read an alias spelt like
    it as a reference to that alias. Two expressions that print alike (``POSITION`` and
    ``CHARINDEX`` both print as CHARINDEX) get ``_2``, ``_3`` added: fakesnow fetches rows as
    dicts, so a repeated label would lose a column.
    """
    select = tree if isinstance(tree, exp.Select) else None
    if select is None:
        return tree
    used = {
        p.alias_or_name.upper()
        for p in select.expressions
        if isinstance(p, (exp.Alias, exp.Column))
    }
    for i, projection in enumerate(list(select.expressions)):
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            continue
        plain = projection.copy()
        for ident in plain.find_all(exp.Identifier):
            ident.set("quoted", False)
        label = plain.sql(dialect="snowflake").upper()
        if "(" not in label and label.replace("_", "").isalpha():
            continue
        if label in used:
            n = 2
            while f"{label}_{n}" in used:
                n += 1
            label = f"{label}_{n}"
        used.add(label)
        select.expressions[i] = exp.alias_(projection.copy(), label, quoted=True)
    select.set("expressions", list(select.expressions))
    return tree


def fix_group_by_all_with_qualify(tree: exp.Expression) -> exp.Expression:
    """``GROUP BY ALL`` next to ``QUALIFY`` -> the grouped expressions spelled out.

    DuckDB, under fakesnow, refuses the combination ("Combining QUALIFY with GROUP BY ALL is not
    supported yet"); Snowflake groups by every projection that holds no aggregate.
    """
    for select in list(tree.find_all(exp.Select)):
        group = select.args.get("group")
        if group is None or not group.args.get("all") or select.args.get("qualify") is None:
            continue
        keys = [
            p.unalias().copy()
            for p in select.expressions
            if not p.find(exp.AggFunc) and not p.find(exp.Window)
        ]
        select.set("group", exp.Group(expressions=keys) if keys else None)
    return tree


def fix_ratio_to_report(tree: exp.Expression) -> exp.Expression:
    """``RATIO_TO_REPORT(x) OVER (w)``: DuckDB, under fakesnow, has no such window function;
    the same rewrite as for Redshift on PostgreSQL (``x / NULLIF(SUM(x) OVER (w), 0)``)."""
    return redshift_rewrites.fix_ratio_to_report(tree)


REWRITES: tuple[Rewrite, ...] = (
    fix_result_column_names,
    fix_group_by_all_with_qualify,
    fix_ratio_to_report,
)

_registered = False


def register_with_translator() -> None:
    """Add these fixes to the shared translator for SQL run on Snowflake (once)."""
    global _registered
    if _registered:
        return
    from dwsim_nb.warehouses.rewrites import register_without_context

    register_without_context(REWRITES, engines={"snowflake"})
    _registered = True
