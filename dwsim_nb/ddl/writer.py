"""Write a spec back out as CREATE TABLE DDL for a warehouse dialect.

Identifiers are always quoted (a table ``date`` and a column ``user`` must work everywhere), types
are mapped to what each engine accepts, tables come parents first so foreign keys can be declared
inline, and the physical options read from Redshift or Snowflake DDL are written back for the
dialect they belong to.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dwsim_nb.errors import DDLError
from dwsim_nb.spec.types import is_unbounded_length

if TYPE_CHECKING:
    from dwsim_nb.spec.models import Column, ExperimentSpec, Table

WRITE_DIALECTS = ("redshift", "snowflake", "postgres", "duckdb", "sqlite", "ansi")
_SEMI = ("JSON", "VARIANT", "OBJECT", "ARRAY", "SUPER")
_SIMPLE_TYPES: dict[str, dict[str, str]] = {
    # dialect -> logical type -> spelling (DECIMAL, CHAR and VARCHAR are handled with their sizes)
    "duckdb": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "REAL",
        "DOUBLE": "DOUBLE",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        "UUID": "UUID",
        "BINARY": "BLOB",
        **dict.fromkeys(_SEMI, "JSON"),
    },
    "postgres": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "REAL",
        "DOUBLE": "DOUBLE PRECISION",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        "UUID": "UUID",
        "BINARY": "BYTEA",
        **dict.fromkeys(_SEMI, "JSONB"),
    },
    "sqlite": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "REAL",
        "DOUBLE": "DOUBLE",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        "UUID": "UUID",
        "BINARY": "BLOB",
        **dict.fromkeys(_SEMI, "JSON"),
    },
    "redshift": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "REAL",
        "DOUBLE": "DOUBLE PRECISION",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "VARCHAR(MAX)",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        "UUID": "CHAR(36)",
        "BINARY": "VARBYTE",
        **dict.fromkeys(_SEMI, "SUPER"),
    },
    "snowflake": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "FLOAT",
        "DOUBLE": "DOUBLE",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP_NTZ",
        "TIMESTAMPTZ": "TIMESTAMP_TZ",
        "UUID": "VARCHAR(36)",
        "BINARY": "BINARY",
        "JSON": "VARIANT",
        "SUPER": "VARIANT",
        "VARIANT": "VARIANT",
        "OBJECT": "OBJECT",
        "ARRAY": "ARRAY",
    },
    "ansi": {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "FLOAT": "REAL",
        "DOUBLE": "DOUBLE PRECISION",
        "BOOLEAN": "BOOLEAN",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE",
        "UUID": "UUID",
        "BINARY": "VARBINARY",
        **dict.fromkeys(_SEMI, "JSON"),
    },
}
_MAX_DECIMAL = {
    "duckdb": 38,
    "redshift": 38,
    "snowflake": 38,
    "sqlite": 76,
    "postgres": 76,
    "ansi": 76,
}
# Defaults every target understands. Other defaults (casts to enums, extension functions) are
# written only for the dialect they came from, and only as a call of a built-in function.
_PORTABLE_DEFAULT = re.compile(
    r"^\s*(?:-?\d+(?:\.\d+)?|'(?:[^']|'')*'|TRUE|FALSE|NULL|CURRENT_TIMESTAMP|CURRENT_DATE)\s*$",
    re.IGNORECASE,
)
_BUILTIN_DEFAULT = re.compile(
    r"^\s*(now|getdate|sysdate|current_timestamp|current_date|localtimestamp|gen_random_uuid|"
    r"uuid_string)\s*\(\s*\)\s*$",
    re.IGNORECASE,
)


def quote(name: str) -> str:
    """A double-quoted identifier: every target dialect accepts it, reserved words included."""
    return '"' + name.replace('"', '""') + '"'


def column_type(col: Column, dialect: str) -> str:
    """The column's type as ``dialect`` spells it."""
    t = col.data_type
    if t == "DECIMAL":
        if col.precision is None:
            return (
                "NUMERIC"
                if dialect in ("postgres", "sqlite")
                else "DECIMAL(38,0)"
                if dialect in ("duckdb", "redshift", "snowflake")
                else "DECIMAL"
            )
        precision = min(col.precision, _MAX_DECIMAL[dialect])
        scale = min(col.scale or 0, precision)
        word = (
            "NUMBER"
            if dialect == "snowflake"
            else "NUMERIC"
            if dialect == "postgres"
            else "DECIMAL"
        )
        return f"{word}({precision},{scale})"
    if t in ("CHAR", "VARCHAR"):
        length = col.varchar_length
        if t == "VARCHAR" and is_unbounded_length(length):
            return {"redshift": "VARCHAR(MAX)", "postgres": "TEXT", "ansi": "TEXT"}.get(
                dialect, "VARCHAR"
            )
        if length is None:
            return t
        if dialect == "redshift":
            length = min(length, 65535)
        return f"{t}({length})"
    return _SIMPLE_TYPES[dialect][t]


def fk_order(tables: list[Table]) -> list[Table]:
    """Tables with parents before children; tables in a cycle keep their script order."""
    by_name = {t.name: t for t in tables}
    done: list[Table] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(t: Table) -> None:
        if t.name in placed or t.name in visiting:
            return
        visiting.add(t.name)
        for fk in t.foreign_keys:
            parent = by_name.get(fk.references_table)
            if parent is not None and parent is not t:
                place(parent)
        visiting.discard(t.name)
        placed.add(t.name)
        done.append(t)

    for t in tables:
        place(t)
    return done


def _default(col: Column, dialect: str, source_dialect: str) -> str | None:
    if col.default is None or col.sequence is not None:
        return None
    if _PORTABLE_DEFAULT.match(col.default) or (
        dialect == source_dialect and _BUILTIN_DEFAULT.match(col.default)
    ):
        if dialect == "sqlite" and not _PORTABLE_DEFAULT.match(col.default):
            return None
        text = col.default.strip()
        return f"({text})" if dialect == "sqlite" and text.upper().startswith("CURRENT") else text
    return None


def _column_sql(col: Column, table: Table, dialect: str, source_dialect: str) -> str:
    seq = col.sequence
    if (
        seq is not None
        and dialect in ("postgres", "redshift")
        and col.data_type not in ("SMALLINT", "INT", "BIGINT")
    ):
        # Both accept IDENTITY only on integer types; changing the type (NUMBER(38,0) -> BIGINT)
        # would break foreign keys that point at the column, so the identity is left out.
        seq = None
    parts = [quote(col.name), column_type(col, dialect)]
    if seq is not None:
        if dialect == "redshift":
            parts.append(f"IDENTITY({seq.start},{seq.step})")
        elif dialect == "snowflake":
            parts.append(f"AUTOINCREMENT START {seq.start} INCREMENT {seq.step}")
        elif dialect == "postgres":
            parts.append(
                f"GENERATED BY DEFAULT AS IDENTITY (START WITH {seq.start} INCREMENT BY {seq.step})"
            )
    default = _default(col, dialect, source_dialect)
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if col.required:
        parts.append("NOT NULL")
    if col.is_unique and [col.name] != table.primary_key and [col.name] not in table.unique:
        parts.append("UNIQUE")
    if dialect == "redshift" and col.physical.get("encode"):
        parts.append(f"ENCODE {col.physical['encode']}")
    if dialect == "snowflake" and col.comment:
        parts.append("COMMENT '" + col.comment.replace("'", "''") + "'")
    return " ".join(parts)


def _names(names: list[str]) -> str:
    return ", ".join(quote(n) for n in names)


def _table_sql(table: Table, dialect: str, source_dialect: str, earlier: set[str]) -> str:
    lines = [_column_sql(c, table, dialect, source_dialect) for c in table.columns]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({_names(table.primary_key)})")
    for key in table.unique:
        if key != table.primary_key:
            lines.append(f"UNIQUE ({_names(key)})")
    skipped: list[str] = []
    for fk in table.foreign_keys:
        # A key to a table not yet created (a cycle) cannot be declared inline in DuckDB or SQLite.
        if fk.references_table not in earlier and fk.references_table != table.name:
            skipped.append(
                f"-- foreign key ({', '.join(fk.columns)}) -> {fk.references_table} "
                "left out: the tables reference each other"
            )
            continue
        lines.append(
            f"FOREIGN KEY ({_names(fk.columns)}) REFERENCES "
            f"{quote(fk.references_table)} ({_names(fk.references_columns)})"
        )
    head = f"CREATE TABLE {quote(table.name)}"
    if dialect == "snowflake" and table.physical.get("transient"):
        head = f"CREATE TRANSIENT TABLE {quote(table.name)}"
    body = ",\n    ".join(lines)
    text = "\n".join([*skipped, f"{head} (\n    {body}\n)"])
    text += _table_options(table, dialect)
    return text + ";"


def _table_options(table: Table, dialect: str) -> str:
    phys = table.physical
    out: list[str] = []
    if dialect == "redshift":
        if phys.get("backup") is False:
            out.append("BACKUP NO")
        style = phys.get("diststyle")
        if style:
            out.append(f"DISTSTYLE {str(style).upper()}")
        if phys.get("distkey") and table.has_column(str(phys["distkey"])):
            out.append(f"DISTKEY ({quote(str(phys['distkey']))})")
        sortkey = phys.get("sortkey")
        if sortkey == "auto":
            out.append("SORTKEY AUTO")
        elif isinstance(sortkey, list) and sortkey and all(table.has_column(c) for c in sortkey):
            style_word = str(phys.get("sortkey_style", "")).upper()
            prefix = f"{style_word} " if style_word in ("COMPOUND", "INTERLEAVED") else ""
            out.append(f"{prefix}SORTKEY ({_names(sortkey)})")
    if dialect == "snowflake":
        cluster = phys.get("cluster_by")
        if isinstance(cluster, list) and cluster:
            keys = [quote(c) if table.has_column(c) else c for c in cluster]
            out.append(f"CLUSTER BY ({', '.join(keys)})")
        if table.comment:
            out.append("COMMENT = '" + table.comment.replace("'", "''") + "'")
    return ("\n" + "\n".join(out)) if out else ""


def _comments(table: Table, dialect: str) -> list[str]:
    if dialect not in ("postgres", "duckdb", "redshift"):
        return []
    out = []
    if table.comment:
        text = table.comment.replace("'", "''")
        out.append(f"COMMENT ON TABLE {quote(table.name)} IS '{text}';")
    for col in table.columns:
        if col.comment:
            text = col.comment.replace("'", "''")
            out.append(f"COMMENT ON COLUMN {quote(table.name)}.{quote(col.name)} IS '{text}';")
    return out


def spec_to_ddl(spec: ExperimentSpec, dialect: str = "duckdb") -> str:
    """CREATE TABLE statements for every table of ``spec``, parents first.

    >>> print(spec_to_ddl(spec, "postgres"))  # doctest: +SKIP
    """
    d = (dialect or "").strip().lower()
    d = {"generic": "ansi", "postgresql": "postgres"}.get(d, d)
    if d not in WRITE_DIALECTS:
        raise DDLError(
            f"cannot write DDL for dialect {dialect!r}",
            hint=f"use one of {', '.join(WRITE_DIALECTS)}",
        )
    statements: list[str] = []
    earlier: set[str] = set()
    for table in fk_order(spec.tables):
        statements.append(_table_sql(table, d, spec.dialect, earlier))
        statements.extend(_comments(table, d))
        earlier.add(table.name)
    return "\n\n".join(statements) + "\n"
