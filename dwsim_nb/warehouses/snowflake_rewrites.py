"""Snowflake SQL that fakesnow mis-runs, fixed before it reaches fakesnow.

fakesnow translates Snowflake SQL to DuckDB with sqlglot. Where its output was checked by running it
and found wrong or rejected, one small function here repairs the Snowflake statement so fakesnow's
translation works; each is named after the Snowflake feature it fixes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

Rewrite = Callable[[exp.Expression], exp.Expression]


def fix_text(sql: str) -> str:
    """Fixes that must run on the text before parsing (none needed so far)."""
    return sql


REWRITES: tuple[Rewrite, ...] = ()

_registered = False


def register_with_translator() -> None:
    """Add these fixes to the shared translator for SQL run on Snowflake (once)."""
    global _registered
    if _registered:
        return
    from dwsim_nb.warehouses.rewrites import Context, rewrite

    def adapt(fix: Rewrite) -> Callable[[exp.Expression, Context], exp.Expression]:
        def run(tree: exp.Expression, ctx: Context) -> exp.Expression:
            return fix(tree)

        run.__name__ = fix.__name__
        run.__doc__ = fix.__doc__
        return run

    for fix in REWRITES:
        rewrite(engines={"snowflake"})(adapt(fix))
    _registered = True
