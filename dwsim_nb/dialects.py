"""One record per SQL dialect: the only place that lists dialects and what differs between them.

Every other module asks this one: which names a user may type for a dialect (``postgresql``,
``pg``, ``generic`` ...), the sqlglot dialect that reads and prints it, how unquoted identifiers
fold, whether declared keys are enforced, where NULLs sort, which dialects are warehouses, and how
each logical spec type is declared (``types``; both CREATE TABLE writers read it).
It imports nothing of the project but the error family, so every layer may read it.

>>> resolve("PostgreSQL").name
'postgres'
>>> by_name("snowflake").fold("Orders")
'ORDERS'
>>> by_name("duckdb").column_type("FLOAT").sql("duckdb")
'DOUBLE'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dwsim_nb.errors import DwsimError

if TYPE_CHECKING:
    from sqlglot import exp

Folding = Literal["lower", "upper", "none"]
# sqlglot's names for where NULLs sort in an ascending ORDER BY.
NullOrdering = Literal["nulls_are_small", "nulls_are_large", "nulls_are_last"]

_SEMI = ("JSON", "VARIANT", "OBJECT", "ARRAY", "SUPER")


def _types(**spellings: str) -> dict[str, str]:
    """A type map: the spellings most dialects share, then the dialect's own."""
    base = {
        "SMALLINT": "SMALLINT",
        "INT": "INTEGER",
        "BIGINT": "BIGINT",
        "DECIMAL": "DECIMAL(38,0)",
        # The engine writes 8-byte floats, and FLOAT in Redshift, Snowflake and Postgres DDL means
        # double precision: a 4-byte REAL column would silently round the data.
        "FLOAT": "DOUBLE PRECISION",
        "DOUBLE": "DOUBLE PRECISION",
        "BOOLEAN": "BOOLEAN",
        "CHAR": "CHAR",
        "VARCHAR": "VARCHAR",
        "TEXT": "TEXT",
        "DATE": "DATE",
        "TIME": "TIME",
        "TIMESTAMP": "TIMESTAMP",
        "TIMESTAMPTZ": "TIMESTAMPTZ",
        **dict.fromkeys(_SEMI, "JSON"),
        "UUID": "UUID",
        "BINARY": "BLOB",
    }
    return {**base, **{k.upper(): v for k, v in spellings.items()}}


@dataclass(frozen=True)
class Dialect:
    """What the project knows of one SQL dialect.

    ``types`` maps every logical spec type to how this dialect declares it when no size is given
    (``CHAR`` and ``VARCHAR`` without a length, ``DECIMAL`` without a precision); read it through
    :meth:`column_type`. ``storage`` holds the few types the engine's own tables store otherwise
    (SQLite keeps dates as ISO text, decimals as REAL).
    """

    name: str
    sqlglot: str
    aliases: tuple[str, ...] = ()
    folding: Folding = "lower"
    enforces_keys: bool = True
    null_ordering: NullOrdering = "nulls_are_large"
    warehouse: bool = True
    # String literals take backslash escapes ('it\'s'), so a statement splitter must skip them.
    backslash_escapes: bool = False
    types: Mapping[str, str] = field(default_factory=_types)
    storage: Mapping[str, str] = field(default_factory=dict)
    max_decimal_precision: int = 38
    max_length: int | None = None
    # Text may hold the NUL character (U+0000); PostgreSQL's text and JSONB types cannot.
    stores_nul: bool = True
    # Arrays with an element type are declared ``ELEMENT[]`` (``ELEMENT[N]`` for a vector when
    # ``fixed_arrays``); elsewhere they are the dialect's ARRAY type (JSON, SUPER, ARRAY).
    native_arrays: bool = False
    fixed_arrays: bool = False
    # How messages name the dialect ("PostgreSQL").
    title: str = ""
    # Syntax beyond the common core the dialect accepts (names in ``SYNTAX``); the strict check
    # (warehouses.strictness) refuses the rest before a more lenient engine could run it.
    syntax: frozenset[str] = frozenset()
    # Functions other dialects have that this one does not (a call is refused by name).
    lacks_functions: frozenset[str] = frozenset()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def fold(self, identifier: str) -> str:
        """An unquoted identifier as the dialect stores it."""
        if self.folding == "lower":
            return identifier.lower()
        if self.folding == "upper":
            return identifier.upper()
        return identifier

    def column_type(
        self,
        logical: str,
        *,
        length: int | None = None,
        precision: int | None = None,
        scale: int | None = None,
        storage: bool = False,
    ) -> exp.DataType:
        """The sqlglot type of a logical type here; print it with ``.sql(dialect.sqlglot)``.

        ``storage`` asks for the type the engine's own tables use (see ``storage``).
        """
        from sqlglot import exp

        if storage and logical in self.storage:
            return exp.DataType.build(self.storage[logical], dialect=self.sqlglot)
        if logical == "DECIMAL" and precision is not None:
            p = min(precision, self.max_decimal_precision)
            return exp.DataType.build(f"DECIMAL({p},{min(scale or 0, p)})")
        if logical in ("CHAR", "VARCHAR") and length is not None:
            n = min(length, self.max_length) if self.max_length else length
            # Built without a dialect: DuckDB's parser drops the length, its printer keeps it.
            return exp.DataType.build(f"{logical}({n})")
        return exp.DataType.build(self.types[logical], dialect=self.sqlglot)

    def array_type(self, element: str, size: int | None = None) -> exp.DataType:
        """The sqlglot type of an array of ``element`` (a logical type), ``size`` long if fixed.

        A FLOAT element is 4-byte (a vector's component); CHAR elements are unbounded text
        (PostgreSQL's bare CHAR is one character).
        """
        from sqlglot import exp

        if not self.native_arrays:
            return self.column_type("ARRAY")
        spelled = {"FLOAT": "REAL", "CHAR": self.types["VARCHAR"]}.get(element)
        inner = spelled or self.types[element]
        dims = str(size) if size and self.fixed_arrays else ""
        return exp.DataType.build(f"{inner}[{dims}]", dialect=self.sqlglot)


# Syntax only some dialects accept, by the name the dialect records use.
SYNTAX: dict[str, str] = {
    "trailing_comma": "a trailing comma before FROM",
    "trailing_comma_list": "a trailing comma at the end of a list",
    "from_first": "FROM before SELECT (FROM-first queries)",
    "double_equals": "the == operator",
    "star_exclude": "SELECT * EXCLUDE (...)",
    "star_replace": "SELECT * REPLACE (...)",
    "star_rename": "SELECT * RENAME (...)",
    "star_ilike": "SELECT * ILIKE '...'",
    "qualify": "QUALIFY",
    "group_by_all": "GROUP BY ALL",
    "filter_clause": "an aggregate's FILTER (WHERE ...) clause",
    "distinct_on": "SELECT DISTINCT ON (...)",
    "bracket_array": "array literals in brackets ([1, 2])",
    "brace_object": "object literals in braces ({'a': 1})",
    "using_sample": "USING SAMPLE",
    "limit_comma": "LIMIT offset, count",
    "asof_join": "ASOF JOIN",
    "create_or_replace_table": "CREATE OR REPLACE TABLE",
    "double_colon_cast": "the :: cast",
    "ilike": "ILIKE",
    "top": "SELECT TOP n",
    "integer_division": "the // operator",
}
_ALL_SYNTAX = frozenset(SYNTAX)

_SQLITE_STORAGE = {
    # SQLite stores by storage class; the engine keeps dates and times as ISO text and decimals as
    # REAL, and every integer as INTEGER (an INTEGER PRIMARY KEY is the rowid).
    **dict.fromkeys(("SMALLINT", "INT", "BIGINT", "BOOLEAN"), "INTEGER"),
    **dict.fromkeys(("DECIMAL", "FLOAT", "DOUBLE"), "REAL"),
    **dict.fromkeys(
        ("CHAR", "VARCHAR", "TEXT", "DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"), "TEXT"
    ),
    **dict.fromkeys((*_SEMI, "UUID"), "TEXT"),
    "BINARY": "BLOB",
}

# The order is the order users see in choices and messages.
DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        "redshift",
        "redshift",
        aliases=("rs", "aws-redshift", "amazon-redshift"),
        folding="lower",
        enforces_keys=False,
        backslash_escapes=True,
        # Redshift has no UUID or JSON type, and a VARCHAR without a length is VARCHAR(256).
        types=_types(
            varchar="VARCHAR(MAX)",
            text="VARCHAR(MAX)",
            uuid="CHAR(36)",
            binary="VARBYTE",
            **dict.fromkeys(_SEMI, "SUPER"),
        ),
        max_length=65535,
        stores_nul=False,
        title="Redshift",
        # Checked against the Redshift SQL reference: EXCLUDE, QUALIFY and GROUP BY ALL are
        # Redshift's too; FILTER (WHERE), DISTINCT ON, brackets and braces are not.
        syntax=frozenset(
            {"star_exclude", "qualify", "group_by_all", "double_colon_cast", "ilike", "top"}
        ),
        lacks_functions=frozenset(
            {
                "IFF",
                "IF",
                "ZEROIFNULL",
                "DIV0",
                "COUNT_IF",
                "TO_VARCHAR",
                "STRFTIME",
                "LIST_VALUE",
                "STRING_AGG",
            }
        ),
    ),
    Dialect(
        "snowflake",
        "snowflake",
        aliases=("sf", "snow"),
        folding="upper",
        enforces_keys=False,
        backslash_escapes=True,
        types=_types(
            decimal="NUMBER(38,0)",
            float="FLOAT",
            double="DOUBLE",
            timestamp="TIMESTAMP_NTZ",
            timestamptz="TIMESTAMP_TZ",
            json="VARIANT",
            super="VARIANT",
            variant="VARIANT",
            object="OBJECT",
            array="ARRAY",
            uuid="VARCHAR(36)",
            binary="BINARY",
        ),
        title="Snowflake",
        syntax=frozenset(
            {
                "trailing_comma",
                "star_exclude",
                "star_replace",
                "star_rename",
                "star_ilike",
                "qualify",
                "group_by_all",
                "bracket_array",
                "brace_object",
                "asof_join",
                "create_or_replace_table",
                "double_colon_cast",
                "ilike",
                "top",
            }
        ),
        lacks_functions=frozenset({"STRFTIME", "LIST_VALUE"}),
    ),
    Dialect(
        "postgres",
        "postgres",
        aliases=("postgresql", "pg", "psql", "pgsql"),
        folding="lower",
        types=_types(decimal="NUMERIC", binary="BYTEA", **dict.fromkeys(_SEMI, "JSONB")),
        max_decimal_precision=76,
        stores_nul=False,
        native_arrays=True,
        title="PostgreSQL",
        syntax=frozenset({"filter_clause", "distinct_on", "double_colon_cast", "ilike"}),
        lacks_functions=frozenset(
            {
                "IFF",
                "IF",
                "NVL",
                "NVL2",
                "IFNULL",
                "DATEADD",
                "DATEDIFF",
                "LISTAGG",
                "MEDIAN",
                "ZEROIFNULL",
                "DIV0",
                "GETDATE",
                "TRY_CAST",
                "LEN",
                "CHARINDEX",
                "COUNT_IF",
                "RATIO_TO_REPORT",
                "TO_VARCHAR",
                "STRFTIME",
                "LIST_VALUE",
            }
        ),
    ),
    # DuckDB and SQLite keep names as written and match them without regard to case.
    Dialect(
        "duckdb",
        "duckdb",
        aliases=("duck",),
        folding="none",
        null_ordering="nulls_are_last",
        types=_types(float="DOUBLE", double="DOUBLE"),
        native_arrays=True,
        fixed_arrays=True,
        title="DuckDB",
        syntax=_ALL_SYNTAX - {"top"},
    ),
    Dialect(
        "ansi",
        "",
        aliases=("generic", "standard", "sql"),
        folding="upper",
        warehouse=False,
        # Standard SQL has no VARCHAR without a length.
        types=_types(
            decimal="DECIMAL",
            varchar="TEXT",
            timestamptz="TIMESTAMP WITH TIME ZONE",
            binary="VARBINARY",
        ),
        max_decimal_precision=76,
        title="ANSI SQL",
        # Not a warehouse: read leniently.
        syntax=_ALL_SYNTAX,
    ),
    Dialect(
        "sqlite",
        "sqlite",
        aliases=("sqlite3",),
        folding="none",
        null_ordering="nulls_are_small",
        # Declared names are kept as written (they set the column's affinity).
        types=_types(decimal="NUMERIC", float="REAL", double="DOUBLE"),
        storage=_SQLITE_STORAGE,
        max_decimal_precision=76,
        title="SQLite",
        syntax=frozenset({"double_equals", "filter_clause", "limit_comma"}),
    ),
)

DIALECT_NAMES: tuple[str, ...] = tuple(d.name for d in DIALECTS)
WAREHOUSE_NAMES: tuple[str, ...] = ("duckdb", "sqlite", "postgres", "redshift", "snowflake")

_BY_SPELLING: dict[str, Dialect] = {s: d for d in DIALECTS for s in d.spellings}


class UnknownDialectError(DwsimError, ValueError):
    """A dialect or warehouse name that is not known (with a 'did you mean').

    Also a ValueError, so a spec model that validates a name reports it as a validation error.
    """


def _normal(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _unknown(kind: str, name: object, choices: tuple[str, ...]) -> UnknownDialectError:
    text = name if isinstance(name, str) else repr(name)
    hint = f"use one of {', '.join(choices)}"
    spellings = [s for s, d in _BY_SPELLING.items() if d.name in choices]
    close = (
        difflib.get_close_matches(_normal(text), spellings, n=1) if isinstance(name, str) else []
    )
    if close:
        hint = f"did you mean {_BY_SPELLING[close[0]].name!r}? " + hint
    return UnknownDialectError(f"unknown {kind} {text!r}.", hint=hint)


def by_name(name: str) -> Dialect:
    """The record of a canonical dialect name (a programming error if unknown)."""
    return _BY_SPELLING[name]


def resolve(name: object) -> Dialect:
    """The dialect a user means by ``name`` (any accepted spelling, any case)."""
    if isinstance(name, str):
        found = _BY_SPELLING.get(_normal(name))
        if found is not None:
            return found
    raise _unknown("SQL dialect", name, DIALECT_NAMES)


def canonical(name: object) -> str:
    """The canonical dialect name for any accepted spelling (``'PostgreSQL'`` -> ``'postgres'``)."""
    return resolve(name).name


def warehouse_name(name: object) -> str:
    """The canonical warehouse name for a user's spelling (``'pg'`` -> ``'postgres'``)."""
    if isinstance(name, str):
        found = _BY_SPELLING.get(_normal(name))
        if found is not None and found.warehouse:
            return found.name
    raise _unknown("warehouse", name, WAREHOUSE_NAMES)


# --- pieces of CREATE TABLE every dialect writes alike (sqlglot prints them per dialect) --------


def quoted(name: str) -> exp.Identifier:
    """An identifier that is always quoted (reserved words and any case survive)."""
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True)


def key_constraints(primary_key: Sequence[str], unique: Sequence[Sequence[str]]) -> list[exp.Expr]:
    """``PRIMARY KEY (...)`` and ``UNIQUE (...)`` table constraints (a unique key equal to the
    primary key is left out)."""
    from sqlglot import exp

    out: list[exp.Expr] = []
    if primary_key:
        out.append(exp.PrimaryKey(expressions=[quoted(c) for c in primary_key]))
    for key in unique:
        if list(key) != list(primary_key):
            cols = exp.Schema(expressions=[quoted(c) for c in key])
            out.append(exp.UniqueColumnConstraint(this=cols))
    return out


def foreign_key(columns: Sequence[str], table: str, references: Sequence[str]) -> exp.ForeignKey:
    """``FOREIGN KEY (...) REFERENCES "table" (...)`` (without a column list if none given)."""
    from sqlglot import exp

    target = exp.Schema(
        this=exp.Table(this=quoted(table)), expressions=[quoted(c) for c in references]
    )
    return exp.ForeignKey(
        expressions=[quoted(c) for c in columns], reference=exp.Reference(this=target)
    )
