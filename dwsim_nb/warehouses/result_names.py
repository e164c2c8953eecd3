"""The column name PostgreSQL and Redshift give an unaliased SELECT expression.

A Redshift or Postgres user reads ``count(*)`` back as a column called ``count`` and ``a + 1`` as
``?column?``; DuckDB calls them ``count_star()`` and ``(a + 1)``, SQLite ``count(*)``. Code that
reads a column by name (``df["count"]``) breaks on the stand-in unless the names follow the source
warehouse. PostgreSQL's rules (checked against a PostgreSQL 15 server): a column reference is its
column name; a function or aggregate call its function name; a cast the name of what it casts, or
the type's name when that has none; ``CASE`` "case"; ``EXISTS`` "exists"; a scalar subquery its
own first column's name; anything else (operators, literals) ``?column?``.
"""

from __future__ import annotations

import re

from sqlglot import exp

UNNAMED = "?column?"

# sqlglot's types -> PostgreSQL's internal type names, which label a cast of an unnamed value.
_TYPE_NAMES: dict[exp.DType, str] = {
    exp.DataType.Type.SMALLINT: "int2",
    exp.DataType.Type.INT: "int4",
    exp.DataType.Type.BIGINT: "int8",
    exp.DataType.Type.FLOAT: "float4",
    exp.DataType.Type.DOUBLE: "float8",
    exp.DataType.Type.DECIMAL: "numeric",
    exp.DataType.Type.BOOLEAN: "bool",
    exp.DataType.Type.CHAR: "bpchar",
    exp.DataType.Type.NCHAR: "bpchar",
    exp.DataType.Type.VARCHAR: "varchar",
    exp.DataType.Type.NVARCHAR: "varchar",
    exp.DataType.Type.TEXT: "text",
    exp.DataType.Type.DATE: "date",
    exp.DataType.Type.TIME: "time",
    exp.DataType.Type.TIMESTAMP: "timestamp",
    exp.DataType.Type.TIMESTAMPTZ: "timestamptz",
    exp.DataType.Type.INTERVAL: "interval",
    exp.DataType.Type.JSON: "json",
    exp.DataType.Type.JSONB: "jsonb",
    exp.DataType.Type.UUID: "uuid",
}

# Functions the server rewrites before naming the column.
_FUNCTION_NAMES: dict[str, dict[str, str]] = {
    "postgres": {"trim": "btrim"},
    # Redshift (PostgreSQL 8.0 underneath) turns EXTRACT into date_part.
    "redshift": {"trim": "btrim", "extract": "date_part"},
}

_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_WORD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def postgres_label(node: exp.Expression, read: str) -> str:
    """The name PostgreSQL/Redshift (``read``) gives ``node`` as an unaliased output column."""
    if isinstance(node, exp.Alias):
        return node.alias
    if isinstance(node, exp.Column):
        return node.name
    if isinstance(node, (exp.Paren, exp.Filter)):
        return postgres_label(node.this, read)
    if isinstance(node, exp.Window):
        return postgres_label(node.this, read)
    if isinstance(node, (exp.Cast, exp.TryCast)):
        inner = postgres_label(node.this, read)
        if inner != UNNAMED:
            return inner
        return _TYPE_NAMES.get(node.to.this, node.to.sql(dialect="postgres").lower())
    if isinstance(node, exp.Case):
        return "case"
    if isinstance(node, exp.Exists):
        return "exists"
    if isinstance(node, exp.Subquery):
        inner_select = node.unnest()
        if isinstance(inner_select, exp.Select) and inner_select.expressions:
            return postgres_label(inner_select.expressions[0], read)
        return UNNAMED
    if isinstance(node, exp.Func):
        name = _function_name(node, read)
        if name:
            return _FUNCTION_NAMES.get(read, {}).get(name, name)
    return UNNAMED


def _function_name(node: exp.Func, read: str) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    # ADD_MONTHS is parsed as a DATEADD and would print as one; the parser marked it.
    if node.meta.get("dwsim_add_months"):
        return "add_months"
    # Typed nodes lose the spelling the user wrote; the source dialect prints it back
    # (Redshift's NVL comes back as COALESCE, which is also what Redshift names it).
    text = node.sql(dialect=read)  # only "redshift" and "postgres" come here
    m = _CALL.match(text) or _WORD.match(text)
    return m.group(1).lower() if m else None


def top_select(tree: exp.Expression) -> exp.Select | None:
    """The SELECT whose projections name a statement's result columns (the leftmost one of a
    UNION), or None for statements that return no rows of their own."""
    node: exp.Expression | None = tree
    while isinstance(node, exp.SetOperation):
        node = node.this
    while isinstance(node, exp.Subquery):
        node = node.this
    return node if isinstance(node, exp.Select) else None


# --- names as the source warehouse returns them -------------------------------------------------


def quoted_result_names(tree: exp.Expression) -> set[str]:
    """The result names the user quoted in a statement's top SELECT (``AS "Total"``,
    ``"userId"``): a warehouse that folds names keeps these as written."""
    select = top_select(tree)
    if select is None:
        return set()
    out: set[str] = set()
    for projection in select.expressions:
        ident = projection.args.get("alias") if isinstance(projection, exp.Alias) else None
        if ident is None and isinstance(projection, exp.Column):
            ident = projection.this
        if isinstance(ident, exp.Identifier) and ident.quoted:
            out.add(ident.name)
    return out


def warehouse_result_names(names: list[str], dialect: str, quoted: set[str]) -> list[str]:
    """``names`` (as the engine returned them) as the ``dialect``'s warehouse names its result
    columns: Snowflake folds unquoted names to upper case and PostgreSQL to lower case, keeping
    quoted ones; Redshift returns every name in lower case (unless the cluster was set up with
    ``enable_case_sensitive_identifier``, which this does not emulate); DuckDB and SQLite keep
    names as written.

    >>> warehouse_result_names(["n", "COUNT(*)", "Total"], "snowflake", {"Total"})
    ['N', 'COUNT(*)', 'Total']
    >>> warehouse_result_names(["T", "Nn", "?column?"], "postgres", {"Nn"})
    ['t', 'Nn', '?column?']
    >>> warehouse_result_names(["T", "Nn"], "redshift", {"Nn"})
    ['t', 'nn']
    """
    from dwsim_nb.dialects import resolve

    record = resolve(dialect)
    if record.folding == "none" or not record.warehouse:
        return list(names)
    if record.name == "redshift":
        return [n.lower() for n in names]
    return [n if n in quoted else record.fold(n) for n in names]
