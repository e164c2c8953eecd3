"""Write a spec back out as CREATE TABLE DDL for a dialect.

Each statement is built from sqlglot expressions (``exp.ColumnDef``, ``exp.PrimaryKey``,
``exp.ForeignKey`` ...) with the types of :mod:`dwsim_nb.dialects`, and sqlglot prints them for
the dialect. Identifiers are always quoted (a table ``date`` and a column ``user`` must work
everywhere), tables come parents first so foreign keys can be declared inline, and the physical
options read from Redshift or Snowflake DDL are written back for the dialect they belong to.

The writer reads a spec through the small protocols below rather than importing the spec's
models, so ``ExperimentSpec.to_ddl`` can call it without an import circle; it sits on the ground
floor beside the spec, and :mod:`dwsim_nb.ddl.writer` offers it to the DDL side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol

import sqlglot
from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import SqlglotError
from sqlglot.generator import Generator as BaseGenerator
from sqlglot.generators.sqlite import SQLiteGenerator

from dwsim_nb.dialects import (
    DIALECT_NAMES,
    UnknownDialectError,
    foreign_key,
    key_constraints,
    quoted,
    resolve,
)
from dwsim_nb.dialects import Dialect as DialectRecord
from dwsim_nb.errors import DDLError
from dwsim_nb.spec.rules import SequenceRule
from dwsim_nb.spec.types import INTEGER_TYPES, is_unbounded_length

WRITE_DIALECTS = DIALECT_NAMES


class _Column(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def data_type(self) -> str: ...
    @property
    def precision(self) -> int | None: ...
    @property
    def scale(self) -> int | None: ...
    @property
    def varchar_length(self) -> int | None: ...
    @property
    def array_of(self) -> str | None: ...
    @property
    def array_size(self) -> int | None: ...
    @property
    def rule(self) -> object: ...
    @property
    def default(self) -> str | None: ...
    @property
    def required(self) -> bool: ...
    @property
    def is_unique(self) -> bool: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def physical(self) -> Mapping[str, Any]: ...


class _ForeignKey(Protocol):
    @property
    def columns(self) -> Sequence[str]: ...
    @property
    def references_table(self) -> str: ...
    @property
    def references_columns(self) -> Sequence[str]: ...


class _Table(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def columns(self) -> Sequence[_Column]: ...
    @property
    def primary_key(self) -> Sequence[str]: ...
    @property
    def unique(self) -> Sequence[Sequence[str]]: ...
    @property
    def foreign_keys(self) -> Sequence[_ForeignKey]: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def physical(self) -> Mapping[str, Any]: ...
    def has_column(self, name: str) -> bool: ...
    def as_declared(self) -> _Table: ...


class _Spec(Protocol):
    @property
    def dialect(self) -> str: ...
    @property
    def tables(self) -> Sequence[_Table]: ...


class SQLiteDeclared(SQLite):
    """SQLite that prints declared type names as given.

    SQLite stores any declared name and takes the column's affinity from it; sqlglot's SQLite
    printer writes the affinity instead (REAL for DECIMAL, INTEGER for BOOLEAN), and a script
    written that way would read back as other types.
    """

    class Generator(SQLiteGenerator):
        TYPE_MAPPING: ClassVar[dict[exp.DType, str]] = {
            **{k: v for k, v in BaseGenerator.TYPE_MAPPING.items() if k != exp.DType.BLOB},
            exp.DType.INT: "INTEGER",
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
# Physical options written as keywords take only the words the warehouse defines; any other
# value (an option edited in the spec, or from a newer warehouse) is left out, never copied.
ENCODINGS = frozenset(
    [
        "raw",
        "az64",
        "bytedict",
        "delta",
        "delta32k",
        "lzo",
        "mostly8",
        "mostly16",
        "mostly32",
        "runlength",
        "text255",
        "text32k",
        "zstd",
    ]
)
DISTSTYLES = frozenset({"auto", "even", "key", "all"})
SORTKEY_STYLES = frozenset({"compound", "interleaved"})
# What a Snowflake clustering expression may hold: columns of the table, literals and function
# calls over them (to_date(ts), substr(code, 1, 2)); no query, no statement, no comment.
_CLUSTER_NODES = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Paren,
    exp.Func,
    exp.Binary,
    exp.Neg,
    exp.Cast,
    exp.DataType,
    exp.DataTypeParam,
    exp.Var,
)
_CLUSTER_DENIED = (exp.Query, exp.Subquery, exp.Star, exp.Placeholder, exp.Parameter)


def _printer(d: DialectRecord) -> str | type[SQLite]:
    return SQLiteDeclared if d.name == "sqlite" else d.sqlglot


def _sql(node: exp.Expr, d: DialectRecord) -> str:
    return node.sql(dialect=_printer(d))


def _names(names: Sequence[str], d: DialectRecord) -> str:
    return ", ".join(_sql(quoted(n), d) for n in names)


def _data_type(col: _Column, d: DialectRecord) -> exp.DataType:
    t = col.data_type
    if t == "ARRAY" and col.array_of is not None:
        return d.array_type(col.array_of, col.array_size)
    if t in ("CHAR", "VARCHAR"):
        length = col.varchar_length
        if t == "VARCHAR" and is_unbounded_length(length):
            length = None
        return d.column_type(t, length=length)
    if t == "DECIMAL":
        return d.column_type(t, precision=col.precision, scale=col.scale)
    return d.column_type(t)


def column_type(col: _Column, dialect: str) -> str:
    """The column's type as ``dialect`` spells it."""
    d = resolve(dialect)
    return _sql(_data_type(col, d), d)


def _key(t: _Table) -> str:
    """A table's identity (its qualified name when it has a schema, see spec.names)."""
    return str(getattr(t, "key", t.name))


# How many namespace parts (schema, database) a dialect's script can create and name: SQLite has
# none in one file, PostgreSQL, Redshift and DuckDB a schema inside the script's database.
_NAMESPACE_PARTS = {"sqlite": 0, "postgres": 1, "redshift": 1, "duckdb": 1}


def _table_node(t: _Table, d: DialectRecord | None = None) -> exp.Table:
    """The table's name with its schema and database, as far as ``d`` can write them."""
    parts = list(getattr(t, "parts", (t.name,)))
    *ns, name = parts
    keep = _NAMESPACE_PARTS.get(d.name, 2) if d is not None else 2
    ns = ns[len(ns) - keep :] if keep else []
    return exp.Table(
        this=quoted(name),
        db=quoted(ns[-1]) if ns else None,
        catalog=quoted(ns[-2]) if len(ns) > 1 else None,
    )


def fk_order(tables: Sequence[_Table]) -> list[_Table]:
    """Tables with parents before children; tables in a cycle keep their script order."""
    by_name = {_key(t): t for t in tables}
    done: list[_Table] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(t: _Table) -> None:
        if _key(t) in placed or _key(t) in visiting:
            return
        visiting.add(_key(t))
        for fk in t.foreign_keys:
            parent = by_name.get(fk.references_table)
            if parent is not None and parent is not t:
                place(parent)
        visiting.discard(_key(t))
        placed.add(_key(t))
        done.append(t)

    for t in tables:
        place(t)
    return done


def _default(col: _Column, d: DialectRecord, source: DialectRecord) -> exp.Expr | None:
    if col.default is None or isinstance(col.rule, SequenceRule):
        return None
    builtin = d is source and d.name != "sqlite" and _BUILTIN_DEFAULT.match(col.default)
    if not (_PORTABLE_DEFAULT.match(col.default) or builtin):
        return None
    try:
        return sqlglot.parse_one(col.default, read=source.sqlglot)
    except SqlglotError:  # e.g. Redshift's sysdate(): left out rather than guessed
        return None


def _identity(col: _Column, d: DialectRecord) -> exp.Expr | None:
    seq = col.rule
    if not isinstance(seq, SequenceRule) or d.name not in ("postgres", "redshift", "snowflake"):
        return None
    if d.name in ("postgres", "redshift") and col.data_type not in INTEGER_TYPES:
        # Both accept IDENTITY only on integer types; changing the type (NUMBER(38,0) -> BIGINT)
        # would break foreign keys that point at the column, so the identity is left out.
        return None
    if d.name == "redshift":
        # As AWS documents it; sqlglot would write IDENTITY(1, 1).
        return exp.var(f"IDENTITY({int(seq.start)},{int(seq.step)})")
    return exp.GeneratedAsIdentityColumnConstraint(
        this=False, start=exp.Literal.number(seq.start), increment=exp.Literal.number(seq.step)
    )


def _column_def(
    col: _Column, table: _Table, d: DialectRecord, source: DialectRecord
) -> exp.ColumnDef:
    kinds: list[exp.Expr] = []
    identity = _identity(col, d)
    if identity is not None:
        kinds.append(identity)
    default = _default(col, d, source)
    if default is not None:
        kinds.append(exp.DefaultColumnConstraint(this=default))
    if col.required:
        kinds.append(exp.NotNullColumnConstraint())
    key = [col.name]
    if col.is_unique and key != list(table.primary_key) and key not in map(list, table.unique):
        kinds.append(exp.UniqueColumnConstraint())
    encode = _keyword(col.physical.get("encode"), ENCODINGS)
    if d.name == "redshift" and encode:
        kinds.append(exp.EncodeColumnConstraint(this=exp.var(encode)))
    if d.name == "snowflake" and col.comment:
        kinds.append(exp.CommentColumnConstraint(this=exp.Literal.string(col.comment)))
    return exp.ColumnDef(
        this=quoted(col.name),
        kind=_data_type(col, d),
        constraints=[exp.ColumnConstraint(kind=k) for k in kinds],
    )


def _table_sql(
    table: _Table,
    d: DialectRecord,
    source: DialectRecord,
    earlier: set[str],
    by_key: Mapping[str, _Table],
) -> str:
    elements: list[exp.Expr] = [_column_def(c, table, d, source) for c in table.columns]
    elements += key_constraints(table.primary_key, table.unique)
    skipped: list[str] = []
    for fk in table.foreign_keys:
        # A key to a table not yet created (a cycle) cannot be declared inline in DuckDB or SQLite.
        if fk.references_table not in earlier and fk.references_table != _key(table):
            names = f"({_names(fk.columns, d)}) -> {_names([fk.references_table], d)}"
            skipped.append(
                f"-- foreign key {_one_line(names)} left out: the tables reference each other"
            )
            continue
        node = foreign_key(fk.columns, fk.references_table, fk.references_columns)
        parent = by_key.get(fk.references_table)
        if parent is not None:
            node.args["reference"].this.set("this", _table_node(parent, d))
        elements.append(node)
    transient = d.name == "snowflake" and bool(table.physical.get("transient"))
    head = exp.Create(
        this=_table_node(table, d),
        kind="TABLE",
        properties=exp.Properties(expressions=[exp.TransientProperty()]) if transient else None,
    )
    body = ",\n    ".join(_sql(e, d) for e in elements)
    text = "\n".join([*skipped, f"{_sql(head, d)} (\n    {body}\n)"])
    return text + _table_options(table, d) + ";"


def _table_options(table: _Table, d: DialectRecord) -> str:
    phys = table.physical
    out: list[str] = []
    if d.name == "redshift":
        # sqlglot reads and writes only part of Redshift's table options (no SORTKEY AUTO, no
        # INTERLEAVED SORTKEY): they are written here, with sqlglot quoting the names.
        if phys.get("backup") is False:
            out.append("BACKUP NO")
        style = _keyword(phys.get("diststyle"), DISTSTYLES)
        if style:
            out.append(f"DISTSTYLE {style.upper()}")
        if phys.get("distkey") and table.has_column(str(phys["distkey"])):
            out.append(f"DISTKEY ({_names([str(phys['distkey'])], d)})")
        sortkey = phys.get("sortkey")
        if sortkey == "auto":
            out.append("SORTKEY AUTO")
        elif isinstance(sortkey, list) and sortkey and all(table.has_column(c) for c in sortkey):
            style_word = _keyword(phys.get("sortkey_style"), SORTKEY_STYLES)
            prefix = f"{style_word.upper()} " if style_word else ""
            out.append(f"{prefix}SORTKEY ({_names(sortkey, d)})")
    if d.name == "snowflake":
        cluster = phys.get("cluster_by")
        if isinstance(cluster, list) and cluster:
            keys = [k for c in cluster if (k := _cluster_key(table, str(c))) is not None]
            if len(keys) == len(cluster):
                out.append(_sql(exp.ClusterProperty(expressions=keys), d))
        if table.comment:
            out.append(_sql(exp.SchemaCommentProperty(this=exp.Literal.string(table.comment)), d))
    return ("\n" + "\n".join(out)) if out else ""


def _keyword(value: object, allowed: frozenset[str]) -> str | None:
    """``value`` as one of the ``allowed`` keywords (lower case), or None."""
    word = value.strip().lower() if isinstance(value, str) else ""
    return word if word in allowed else None


def _one_line(text: str) -> str:
    """``text`` for a ``--`` comment: no character a tokenizer could take as a line break."""
    return " ".join(text.splitlines())


def _cluster_key(table: _Table, key: str) -> exp.Expr | None:
    if table.has_column(key):
        return exp.column(quoted(key))
    try:  # an expression such as to_date(ordered_at)
        parsed = sqlglot.parse(key, read="snowflake")
    except SqlglotError:
        return None
    if len(parsed) != 1 or parsed[0] is None:
        return None
    node = parsed[0]
    for part in node.walk():
        if (
            part.comments
            or isinstance(part, _CLUSTER_DENIED)
            or not isinstance(part, _CLUSTER_NODES)
            or (isinstance(part, exp.Column) and not table.has_column(part.name))
        ):
            return None
    return node


def _comments(table: _Table, d: DialectRecord) -> list[str]:
    if d.name not in ("postgres", "duckdb", "redshift"):
        return []
    out = []
    if table.comment:
        node = exp.Comment(
            this=_table_node(table, d),
            kind="TABLE",
            expression=exp.Literal.string(table.comment),
        )
        out.append(_sql(node, d) + ";")
    for col in table.columns:
        if col.comment:
            node = exp.Comment(
                this=exp.column(
                    quoted(col.name),
                    table=_table_node(table, d).this,
                    db=_table_node(table, d).args.get("db"),
                    catalog=_table_node(table, d).args.get("catalog"),
                ),
                kind="COLUMN",
                expression=exp.Literal.string(col.comment),
            )
            out.append(_sql(node, d) + ";")
    return out


def spec_to_ddl(spec: _Spec, dialect: str = "duckdb") -> str:
    """CREATE TABLE statements for every table of ``spec``, parents first.

    >>> print(spec_to_ddl(spec, "postgres"))  # doctest: +SKIP
    """
    try:
        d = resolve(dialect or "")
    except UnknownDialectError as e:
        raise DDLError(f"cannot write DDL for dialect {dialect!r}", hint=e.hint) from None
    source = resolve(spec.dialect)
    statements: list[str] = []
    earlier: set[str] = set()
    # As the DDL declared them: keys read from names shape the data, not the tables.
    tables = [t.as_declared() for t in spec.tables]
    by_key = {_key(t): t for t in tables}
    if _NAMESPACE_PARTS.get(d.name) == 1:
        dbs = [_table_node(t, d).args.get("db") for t in tables]
        for schema in sorted({db.name for db in dbs if db is not None}):
            create = exp.Create(this=exp.Table(this=quoted(schema)), kind="SCHEMA", exists=True)
            statements.append(_sql(create, d) + ";")
    for table in fk_order(tables):
        statements.append(_table_sql(table, d, source, earlier, by_key))
        statements.extend(_comments(table, d))
        earlier.add(_key(table))
    return "\n\n".join(statements) + "\n"
