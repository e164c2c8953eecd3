"""Snowflake FLATTEN on DuckDB, for arrays and for VARIANT / OBJECT values (see :mod:`.pipelines`).

sqlglot prints ``, LATERAL FLATTEN(input => v) f`` as ``CROSS JOIN UNNEST(input => v)`` after a
comma and ``TABLE(FLATTEN(...))`` as ``TABLE(UNNEST(...))``: DuckDB parses neither, and UNNEST
takes no JSON. Both become a lateral subquery over DuckDB's ``json_each`` of the input as JSON
(``to_json`` leaves a JSON value as it is and turns a list into a JSON array), so one statement
serves a list column, a VARIANT column and a path into one (``v:items``), as Snowflake's FLATTEN
does. Its columns mean what they mean in Snowflake: ``VALUE`` is a VARIANT (JSON), ``INDEX`` the
0-based position in an array (NULL for an object), ``KEY`` the field name of an object (NULL for
an array), ``PATH`` ``[i]`` or ``field``, ``THIS`` the input; ``SEQ`` is NULL.
"""

from __future__ import annotations

from typing import cast

import sqlglot
from sqlglot import exp

from dwsim_nb.warehouses.rewrites import Context

# Where the aliases of rewritten FLATTENs are kept for :mod:`.variant_rewrites`: their VALUE and
# THIS are JSON on DuckDB and are read as Snowflake reads a VARIANT.
FLATTEN_ALIASES = "dwsim_flatten_aliases"

# FLATTEN's output columns, in Snowflake's order and spelling (DuckDB matches names without
# regard to case, so ``f.value`` finds ``"VALUE"``; a result column is labelled as Snowflake's).
_SUBQUERY = """
SELECT NULL AS "SEQ",
  CASE WHEN json_type(__src) = 'OBJECT' THEN __je."key" END AS "KEY",
  CASE WHEN json_type(__src) = 'ARRAY' THEN '[' || __je."key" || ']' ELSE __je."key" END
    AS "PATH",
  CASE WHEN json_type(__src) = 'ARRAY' THEN CAST(__je."key" AS BIGINT) END AS "INDEX",
  __je."value" AS "VALUE",
  __src AS "THIS"
FROM json_each(__src) AS __je
ORDER BY __je."id"
"""


def _flatten_input(node: exp.Expression) -> exp.Expression | None:
    if isinstance(node, exp.Kwarg):
        return node.expression if node.this.name.lower() == "input" else None
    return node


def _options(explode: exp.Explode) -> dict[str, exp.Expression]:
    return {
        k.this.name.lower(): k.expression for k in explode.expressions if isinstance(k, exp.Kwarg)
    }


def _flatten_select(source: exp.Expression) -> exp.Select:
    as_json = exp.Anonymous(this="to_json", expressions=[source.copy()])
    select = cast(exp.Select, sqlglot.parse_one(_SUBQUERY, read="duckdb"))
    for column in list(select.find_all(exp.Column)):
        if column.name == "__src" and not column.table:
            column.replace(as_json.copy())
    for ident in select.find_all(exp.Identifier):
        if ident.name == "__je":
            ident.set("this", "dwsim_flatten")
    return select


def fix_lateral_flatten_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Snowflake's ``LATERAL FLATTEN(input => v) f`` and ``TABLE(FLATTEN(input => v)) f`` as a
    DuckDB lateral subquery over ``json_each`` (arrays, VARIANT and OBJECT values alike).

    sqlglot prints them as ``CROSS JOIN UNNEST(input => v)`` after a comma or ``TABLE(UNNEST(
    ...))``, which DuckDB cannot parse, and UNNEST takes no JSON. ``OUTER => TRUE`` keeps the
    input row with NULLs (a LEFT JOIN). ``PATH``, ``RECURSIVE`` and ``MODE`` are not emulated
    and left for DuckDB to reject.
    """
    aliases: set[str] = set(tree.meta.get(FLATTEN_ALIASES, ()))
    for node in list(tree.find_all(exp.Lateral, exp.TableFromRows)):
        explode = node.this
        if not isinstance(explode, exp.Explode):
            continue
        source = _flatten_input(explode.this)
        options = _options(explode)
        if "input" in options:
            source = options["input"]
        if source is None or set(options) - {"input", "outer"}:
            continue
        outer = options.get("outer")
        alias = node.args.get("alias")
        name = alias.this.copy() if isinstance(alias, exp.TableAlias) and alias.this else None
        if name is None:
            name = exp.to_identifier("flatten")
        aliases.add(name.name.lower())
        select = _flatten_select(source)
        parent = node.parent
        if isinstance(parent, exp.From):
            node.replace(exp.Subquery(this=select, alias=exp.TableAlias(this=name)))
            continue
        node.replace(exp.Lateral(this=exp.Subquery(this=select), alias=exp.TableAlias(this=name)))
        if isinstance(parent, exp.Join) and isinstance(outer, exp.Boolean) and outer.this:
            parent.set("side", "LEFT")
            parent.set("kind", None)
            parent.set("on", exp.true())
    tree.meta[FLATTEN_ALIASES] = aliases
    return tree
