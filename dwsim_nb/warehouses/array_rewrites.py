"""Fixes for array queries whose translation sqlglot gets wrong (see :mod:`.pipelines`)."""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.warehouses.rewrites import Context

# FLATTEN's output columns, in Snowflake's order; SEQ, KEY and PATH have no DuckDB counterpart
# for a list and are NULL.
_FLATTEN_COLUMNS = ("seq", "key", "path", "index", "value", "this")


def _flatten_input(node: exp.Expression) -> exp.Expression | None:
    if isinstance(node, exp.Kwarg):
        return node.expression if node.this.name.lower() == "input" else None
    return node


def fix_lateral_flatten_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Snowflake's ``, LATERAL FLATTEN(input => arr) f`` as a DuckDB lateral subquery.

    sqlglot prints it as ``FROM t,  CROSS JOIN UNNEST(input => arr) AS f(SEQ, ...)``, which
    DuckDB cannot parse (a comma and a JOIN, and a named argument UNNEST does not take). The
    subquery unnests the list beside its 0-based positions, so ``f.value`` and ``f.index`` mean
    what they mean in Snowflake; ``f.this`` is the whole array.
    """
    for lateral in list(tree.find_all(exp.Lateral)):
        explode = lateral.this
        if not isinstance(explode, exp.Explode) or len(explode.expressions) > 0:
            continue
        source = _flatten_input(explode.this)
        if source is None:
            continue
        parts = {
            "seq": exp.Null(),
            "key": exp.Null(),
            "path": exp.Null(),
            "index": exp.Sub(
                this=exp.Anonymous(
                    this="generate_subscripts", expressions=[source.copy(), exp.Literal.number(1)]
                ),
                expression=exp.Literal.number(1),
            ),
            "value": exp.Unnest(expressions=[source.copy()]),
            "this": source.copy(),
        }
        select = exp.select(
            *(exp.alias_(parts[name], exp.to_identifier(name, quoted=True)) for name in parts)
        )
        alias = lateral.args.get("alias")
        name = alias.this.copy() if isinstance(alias, exp.TableAlias) and alias.this else None
        lateral.replace(
            exp.Lateral(
                this=exp.Subquery(this=select),
                alias=exp.TableAlias(this=name) if name is not None else None,
            )
        )
    return tree
