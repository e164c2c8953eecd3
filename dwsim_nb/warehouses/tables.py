"""CREATE TABLE statements for an engine from the spec, with every name quoted.

Types come from the engine's record in :mod:`dwsim_nb.dialects` (a new warehouse adds its types
there), and sqlglot prints each piece for the engine. Keys are declared only when the warehouse
asks for them (see ``Warehouse.declare_keys``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sqlglot import exp

from dwsim_nb.dialects import Dialect, by_name, foreign_key, key_constraints, quoted
from dwsim_nb.spec.types import DEFAULT_DECIMAL_PRECISION

if TYPE_CHECKING:
    from dwsim_nb.spec import Column, Table


def quote(name: str) -> str:
    """A double-quoted identifier (every engine here uses the SQL standard's quotes)."""
    return '"' + name.replace('"', '""') + '"'


def string_literal(text: str) -> str:
    """A single-quoted SQL string in the standard's spelling (a quote doubled, no escapes)."""
    return "'" + text.replace("'", "''") + "'"


def qualified(schema: str | None, table: str) -> str:
    return f"{quote(schema)}.{quote(table)}" if schema else quote(table)


def column_type(col: Column, engine: str, *, arrays: bool = True) -> str:
    """The column's type in ``engine``'s own tables (see :meth:`Dialect.column_type`)."""
    d = by_name(engine)
    return _data_type(col, d, arrays).sql(dialect=d.sqlglot)


def _data_type(col: Column, d: Dialect, arrays: bool = True) -> exp.DataType:
    array_of = col.array_of if arrays else None
    return _type_of(col.data_type, col.precision, col.scale, d, array_of, col.array_size)


def _type_of(
    t: str,
    precision: int | None,
    scale: int | None,
    d: Dialect,
    array_of: str | None = None,
    array_size: int | None = None,
) -> exp.DataType:
    if t == "ARRAY" and array_of is not None:
        # Typed arrays where the engine has them; elsewhere its ARRAY type (JSON text).
        return d.array_type(array_of, array_size)
    if t in ("CHAR", "VARCHAR"):
        # Strings have no length limit here: the spec's lengths describe the source warehouse,
        # and a load must not fail on a value a byte-counting warehouse (Redshift) accepted.
        return d.column_type("VARCHAR", storage=True)
    if t == "DECIMAL":
        # As the engine writes it: DECIMAL without precision is decimal(38, 0), and at most 38.
        precision = min(precision or DEFAULT_DECIMAL_PRECISION, 38)
        return d.column_type(t, precision=precision, scale=scale, storage=True)
    return d.column_type(t, storage=True)


def create_table_sql(
    table: Table,
    engine: str,
    schema: str | None,
    *,
    name: str | None = None,
    declare_keys: bool = True,
    declare_foreign_keys: bool = False,
    arrays: bool = True,
    reference_names: dict[str, str] | None = None,
) -> str:
    """``CREATE TABLE`` for ``table`` (under ``name`` if given, e.g. a staging name); typed
    arrays as the engine's arrays unless ``arrays`` is False (then as its JSON type);
    ``reference_names`` maps a referenced table's key to its name in the engine. Keys read
    from names, not declared, are left out (:meth:`Table.as_declared`)."""
    table = table.as_declared()
    d = by_name(engine)
    lines = [
        _column_sql(
            engine,
            c.name,
            c.data_type,
            c.precision,
            c.scale,
            c.required,
            c.array_of if arrays else None,
            c.array_size,
        )
        for c in table.columns
    ]
    elements: list[exp.Expr] = []
    if declare_keys:
        elements.extend(key_constraints(table.primary_key, _unique_keys(table)))
    if declare_foreign_keys:
        for fk in table.foreign_keys:
            parent = (reference_names or {}).get(fk.references_table, fk.references_table)
            elements.append(foreign_key(fk.columns, parent, fk.references_columns))
    target = exp.Create(this=_table(schema, name or table.name), kind="TABLE")
    body = ",\n  ".join([*lines, *(e.sql(dialect=d.sqlglot) for e in elements)])
    return f"{target.sql(dialect=d.sqlglot)} (\n  {body}\n)"


# Printing every column through sqlglot cost 10 ms a table (a 300-table load spent 6 s on its
# CREATE statements): column lines repeat across tables (ids, keys, common names), so each
# distinct one is printed once.
@lru_cache(maxsize=8192)
def _column_sql(
    engine: str,
    name: str,
    data_type: str,
    precision: int | None,
    scale: int | None,
    required: bool,
    array_of: str | None = None,
    array_size: int | None = None,
) -> str:
    d = by_name(engine)
    constraints = [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())] if required else []
    kind = _type_of(data_type, precision, scale, d, array_of, array_size)
    return exp.ColumnDef(this=quoted(name), kind=kind, constraints=constraints).sql(
        dialect=d.sqlglot
    )


def key_clauses(table: Table) -> list[str]:
    """The table's ``PRIMARY KEY (...)`` and ``UNIQUE (...)`` clauses, as in CREATE TABLE and
    after ``ALTER TABLE ... ADD``; the declared ones only."""
    table = table.as_declared()
    return [k.sql() for k in key_constraints(table.primary_key, _unique_keys(table))]


def _table(schema: str | None, name: str) -> exp.Table:
    return exp.Table(this=quoted(name), db=quoted(schema) if schema else None)


def _unique_keys(table: Table) -> list[list[str]]:
    keys = [k for k in table.unique_keys() if k != table.primary_key]
    return keys
