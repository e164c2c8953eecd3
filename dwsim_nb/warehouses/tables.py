"""CREATE TABLE statements for an engine from the spec, with every name quoted.

The spec's logical types map to one engine type each (``TYPE_MAPS``); a new warehouse adds its
map. Keys are declared only when the warehouse asks for them (see ``Warehouse.declare_keys``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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


TYPE_MAPS: dict[str, dict[str, str]] = {
    "duckdb": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        # The engine writes 8-byte floats, and FLOAT in Redshift, Snowflake and Postgres DDL
        # means double precision: a 4-byte column would silently round the data.
        "FLOAT": "DOUBLE",
        "DOUBLE": "DOUBLE",
        "BOOLEAN": "BOOLEAN",
        "CHAR": "VARCHAR",
        "VARCHAR": "VARCHAR",
        "TEXT": "VARCHAR",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        "JSON": "JSON",
        "VARIANT": "JSON",
        "OBJECT": "JSON",
        "ARRAY": "JSON",
        "SUPER": "JSON",
        "UUID": "UUID",
        "BINARY": "BLOB",
    },
    # SQLite has five storage classes; dates and times are ISO text, decimals are REAL.
    "sqlite": {
        "SMALLINT": "INTEGER",
        "INT": "INTEGER",
        "BIGINT": "INTEGER",
        "DECIMAL": "REAL",
        "FLOAT": "REAL",
        "DOUBLE": "REAL",
        "BOOLEAN": "INTEGER",
        "CHAR": "TEXT",
        "VARCHAR": "TEXT",
        "TEXT": "TEXT",
        "DATE": "TEXT",
        "TIME": "TEXT",
        "TIMESTAMP": "TEXT",
        "TIMESTAMPTZ": "TEXT",
        "JSON": "TEXT",
        "VARIANT": "TEXT",
        "OBJECT": "TEXT",
        "ARRAY": "TEXT",
        "SUPER": "TEXT",
        "UUID": "TEXT",
        "BINARY": "BLOB",
    },
}


def column_type(col: Column, engine: str) -> str:
    mapping = TYPE_MAPS[engine]
    if col.data_type == "DECIMAL" and "DECIMAL" not in mapping:
        # The engine contract: DECIMAL without precision is decimal(38, 0); DuckDB allows <= 38.
        precision = min(col.precision or DEFAULT_DECIMAL_PRECISION, 38)
        scale = min(col.scale or 0, precision)
        return f"DECIMAL({precision},{scale})"
    return mapping[col.data_type]


def create_table_sql(
    table: Table,
    engine: str,
    schema: str | None,
    *,
    name: str | None = None,
    declare_keys: bool = True,
    declare_foreign_keys: bool = False,
) -> str:
    """``CREATE TABLE`` for ``table`` (under ``name`` if given, e.g. a staging name)."""
    lines = []
    for col in table.columns:
        line = f"{quote(col.name)} {column_type(col, engine)}"
        if col.required:
            line += " NOT NULL"
        lines.append(line)
    if declare_keys:
        lines.extend(key_clauses(table))
    if declare_foreign_keys:
        for fk in table.foreign_keys:
            refs = fk.references_columns
            target = quote(fk.references_table)
            ref_cols = f" ({', '.join(map(quote, refs))})" if refs else ""
            lines.append(
                f"FOREIGN KEY ({', '.join(map(quote, fk.columns))}) REFERENCES {target}{ref_cols}"
            )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {qualified(schema, name or table.name)} (\n  {body}\n)"


def key_clauses(table: Table) -> list[str]:
    """The table's ``PRIMARY KEY (...)`` and ``UNIQUE (...)`` clauses, as in CREATE TABLE and
    after ``ALTER TABLE ... ADD``."""
    clauses = []
    if table.primary_key:
        clauses.append(f"PRIMARY KEY ({', '.join(map(quote, table.primary_key))})")
    for key in _unique_keys(table):
        clauses.append(f"UNIQUE ({', '.join(map(quote, key))})")
    return clauses


def _unique_keys(table: Table) -> list[list[str]]:
    keys = [k for k in table.unique_keys() if k != table.primary_key]
    return keys
