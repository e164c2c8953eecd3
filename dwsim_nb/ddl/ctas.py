"""The columns of ``CREATE TABLE t [(cols)] AS SELECT ...``, resolved against the tables above.

A star keeps the source tables' columns in order, as the warehouse would: ``t.*`` only that
table's, and the Snowflake/DuckDB star modifiers apply to them — ``EXCLUDE (a, b)`` drops,
``RENAME (a AS b)`` renames, ``REPLACE (expr AS a)`` keeps ``a``'s place with the expression's
type, ``ILIKE 'pat%'`` keeps the names that match. A column list names the result's columns by
position; the query gives their types.
"""

from __future__ import annotations

import re
from typing import Any

import sqlglot
from sqlglot import exp

from dwsim_nb.ddl.script import RawColumn, RawTable, Script
from dwsim_nb.ddl.types import TypeText, resolve_type

Projection = tuple[str, dict[str, Any]]


def read_ctas(query: str, table: RawTable, script: Script, sqlglot_dialect: str) -> None:
    """Fill ``table``'s columns (or the types of its column list) from the CTAS query."""
    projections = ctas_projections(query, script, sqlglot_dialect)
    given = {c.name: c for c in table.columns}
    if not table.columns:
        for i, (name, fields) in enumerate(projections):
            table.columns.append(RawColumn(name or f"column{i + 1}", fields, table.line))
        return
    for i, col in enumerate(table.columns):
        if "data_type" not in col.fields and i < len(projections):
            col.fields.update(projections[i][1])
    if "_untyped" in table.physical:
        table.physical["_untyped"] = [
            n for n in table.physical["_untyped"] if "data_type" not in given[n].fields
        ]


def ctas_projections(query: str, script: Script, sqlglot_dialect: str) -> list[Projection]:
    """(name, column fields) of each result column of ``query``; [] when it cannot be read."""
    try:
        tree = sqlglot.parse_one(query, read=sqlglot_dialect)
    except Exception:  # sqlglot raises several kinds; the column list alone may be enough
        return []
    select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
    if select is None:
        return []
    sources = _sources(select, script)
    known: list[RawTable] = []
    for src in sources.values():  # once each, in FROM order (an alias repeats its table)
        if all(src is not k for k in known):
            known.append(src)
    out: list[Projection] = []
    for proj in select.selects:
        star = proj if isinstance(proj, exp.Star) else None
        qualifier = None
        if isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star):
            star, qualifier = proj.this, proj.table
        if star is not None:
            hit = sources.get(qualifier.lower()) if qualifier else None
            tables = ([hit] if hit else []) if qualifier else known
            if tables:
                out.extend(_expand_star(star, tables, known))
                continue
        out.append((proj.alias_or_name, projection_type(proj, known)))
    return out


def _sources(select: exp.Select, script: Script) -> dict[str, RawTable]:
    """The known tables the outer query reads, by alias and by name (lower case)."""
    found: dict[str, RawTable] = {}
    from_ = select.args.get("from_") or select.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes += [j.this for j in select.args.get("joins") or []]
    tables = [n for n in nodes if isinstance(n, exp.Table)]
    if not tables:  # a query shape not read here (subquery, CTE): any table it names
        tables = list(select.find_all(exp.Table))
    for t in tables:
        src = script.find_table([p.name for p in t.parts])
        if src is None:
            continue
        found.setdefault(t.name.lower(), src)
        if t.alias:
            found[t.alias.lower()] = src
    return found


def _expand_star(star: exp.Star, tables: list[RawTable], known: list[RawTable]) -> list[Projection]:
    """The columns a (modified) star gives, in the source tables' order."""
    excluded = {c.name.lower() for c in star.args.get("except_") or star.args.get("except") or []}
    renamed = {
        a.this.name.lower(): a.alias
        for a in star.args.get("rename") or []
        if isinstance(a, exp.Alias)
    }
    replaced = {
        a.alias.lower(): a for a in star.args.get("replace") or [] if isinstance(a, exp.Alias)
    }
    pattern = star.args.get("ilike")
    matcher = _ilike(pattern.name) if isinstance(pattern, exp.Literal) else None
    out: list[Projection] = []
    for src in tables:
        for col in src.columns:
            low = col.name.lower()
            if low in excluded or (matcher is not None and not matcher.fullmatch(col.name)):
                continue
            if low in replaced:
                out.append((col.name, projection_type(replaced[low], known)))
                continue
            out.append((renamed.get(low, col.name), dict(col.fields)))
    return out


def _ilike(pattern: str) -> re.Pattern[str]:
    """A LIKE pattern (``%`` any run, ``_`` one character) as a case-blind regex."""
    text = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile(text, re.IGNORECASE | re.DOTALL)


def projection_type(proj: exp.Expr, known: list[RawTable]) -> dict[str, Any]:
    """Column fields for one result column: a CAST's type, a source column's, a literal's."""
    node = proj.this if isinstance(proj, exp.Alias) else proj
    if isinstance(node, exp.Cast):
        text = node.to.sql()
        resolved = resolve_type(
            TypeText(
                text.split("(")[0].upper().split(),
                [a for a in text.partition("(")[2].rstrip(")").split(",") if a],
            )
        )
        if resolved:
            return resolved
    if isinstance(node, exp.Column):
        for src in known:
            col = src.column(node.name)
            if col is not None:
                return {k: v for k, v in col.fields.items() if k != "physical"}
    if isinstance(node, exp.Literal):
        if node.is_string:
            return {"data_type": "VARCHAR"}
        return {"data_type": "INT" if node.this.isdigit() else "DOUBLE"}
    return {"data_type": "TEXT"}
