"""Logical column types and the many spellings warehouses use for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from dwsim_nb.dialects import DIALECT_NAMES, WAREHOUSE_NAMES, canonical, warehouse_name

# A dialect or warehouse as a user types it (PostgreSQL, pg, generic ...), kept by its canonical
# name; editors are offered the canonical names.
DialectName = Annotated[
    str, BeforeValidator(canonical), WithJsonSchema({"type": "string", "enum": list(DIALECT_NAMES)})
]
WarehouseName = Annotated[
    str,
    BeforeValidator(warehouse_name),
    WithJsonSchema({"type": "string", "enum": list(WAREHOUSE_NAMES)}),
]

# Canonical logical types. The spec stores one of these in ``Column.data_type``.
INTEGER_TYPES = ("SMALLINT", "INT", "BIGINT")
NUMERIC_TYPES = (*INTEGER_TYPES, "DECIMAL", "FLOAT", "DOUBLE")
STRING_TYPES = ("CHAR", "VARCHAR", "TEXT")
TEMPORAL_TYPES = ("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ")
SEMI_STRUCTURED_TYPES = ("JSON", "VARIANT", "OBJECT", "ARRAY", "SUPER")
OTHER_TYPES = ("BOOLEAN", "UUID", "BINARY")
LOGICAL_TYPES: tuple[str, ...] = (
    *NUMERIC_TYPES,
    *STRING_TYPES,
    *TEMPORAL_TYPES,
    *SEMI_STRUCTURED_TYPES,
    *OTHER_TYPES,
)

# Spellings seen in Redshift, Snowflake, Postgres, DuckDB, SQLite and ANSI DDL.
_ALIASES: dict[str, str] = {
    "TINYINT": "SMALLINT",
    "BYTEINT": "SMALLINT",
    "INT1": "SMALLINT",
    "INT2": "SMALLINT",
    "SMALLSERIAL": "SMALLINT",
    "SERIAL2": "SMALLINT",
    "UTINYINT": "SMALLINT",
    "USMALLINT": "INT",
    "INTEGER": "INT",
    "INT4": "INT",
    "MEDIUMINT": "INT",
    "SERIAL": "INT",
    "SERIAL4": "INT",
    "UINTEGER": "BIGINT",
    "INT8": "BIGINT",
    "LONG": "BIGINT",
    "BIGSERIAL": "BIGINT",
    "SERIAL8": "BIGINT",
    "HUGEINT": "DECIMAL",
    "UBIGINT": "DECIMAL",
    "NUMERIC": "DECIMAL",
    "NUMBER": "DECIMAL",
    "DEC": "DECIMAL",
    "MONEY": "DECIMAL",
    "REAL": "FLOAT",
    "FLOAT4": "FLOAT",
    "FLOAT8": "DOUBLE",
    "DOUBLE PRECISION": "DOUBLE",
    "BOOL": "BOOLEAN",
    "CHARACTER": "CHAR",
    "NCHAR": "CHAR",
    "BPCHAR": "CHAR",
    "CHARACTER VARYING": "VARCHAR",
    "NVARCHAR": "VARCHAR",
    "NVARCHAR2": "VARCHAR",
    "VARCHAR2": "VARCHAR",
    "STRING": "VARCHAR",
    "CITEXT": "TEXT",
    "CLOB": "TEXT",
    "NTEXT": "TEXT",
    "DATETIME": "TIMESTAMP",
    "TIMESTAMP_NTZ": "TIMESTAMP",
    "TIMESTAMPNTZ": "TIMESTAMP",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
    "TIMESTAMP_TZ": "TIMESTAMPTZ",
    "TIMESTAMP_LTZ": "TIMESTAMPTZ",
    "TIMESTAMPLTZ": "TIMESTAMPTZ",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIMESTAMP WITH LOCAL TIME ZONE": "TIMESTAMPTZ",
    "TIME WITHOUT TIME ZONE": "TIME",
    "TIME WITH TIME ZONE": "TIME",
    "TIMETZ": "TIME",
    "JSONB": "JSON",
    "MAP": "OBJECT",
    "STRUCT": "OBJECT",
    "LIST": "ARRAY",
    "UNIQUEIDENTIFIER": "UUID",
    "GUID": "UUID",
    "VARBINARY": "BINARY",
    "BYTEA": "BINARY",
    "BLOB": "BINARY",
    "VARBYTE": "BINARY",
    "BINARY VARYING": "BINARY",
    "GEOMETRY": "TEXT",
    "GEOGRAPHY": "TEXT",
    "HLLSKETCH": "TEXT",
    "INTERVAL": "TEXT",
    "INET": "VARCHAR",
    "CIDR": "VARCHAR",
    "MACADDR": "VARCHAR",
    "XML": "TEXT",
    "TSVECTOR": "TEXT",
}

# A VARCHAR(MAX)-style length that means "no real limit".
MAX_VARCHAR = 65535
_UNBOUNDED_LENGTHS = {16777216, 65535, 2147483647}

_TYPE_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(?:\(\s*([^)]*)\))?\s*(\[\s*\])?\s*$")


@dataclass(frozen=True)
class ParsedType:
    """A type spelling resolved to a logical type with its parameters."""

    data_type: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    is_array: bool = False


def canonical_type_name(name: str) -> str | None:
    """Return the logical type for a bare type name (no parameters), or None if unknown."""
    key = " ".join(name.strip().upper().split())
    if key in LOGICAL_TYPES:
        return key
    return _ALIASES.get(key)


def parse_type(text: str) -> ParsedType | None:
    """Resolve a type spelling such as ``NUMBER(38,0)``, ``VARCHAR(MAX)`` or ``int[]``.

    Returns None when the type is not known; callers decide whether that is an error.
    """
    m = _TYPE_RE.match(text or "")
    if not m:
        return None
    base, args, array = m.group(1), m.group(2), m.group(3)
    canon = canonical_type_name(base)
    if canon is None:
        return None
    if array:
        return ParsedType("ARRAY", is_array=True)
    params = [p.strip() for p in args.split(",")] if args else []
    if canon in STRING_TYPES or canon == "BINARY":
        length: int | None = None
        if params and params[0].upper() != "MAX" and params[0].isdigit():
            length = int(params[0])
        if params and params[0].upper() == "MAX":
            length = MAX_VARCHAR
        return ParsedType(canon, length=length)
    if canon == "DECIMAL":
        precision = int(params[0]) if params and params[0].isdigit() else None
        scale = int(params[1]) if len(params) > 1 and params[1].lstrip("-").isdigit() else None
        if precision is not None and scale is None:
            scale = 0
        return ParsedType("DECIMAL", precision=precision, scale=scale)
    if canon in ("FLOAT",) and params and params[0].isdigit() and int(params[0]) > 24:
        return ParsedType("DOUBLE")
    if canon in ("TIMESTAMP", "TIMESTAMPTZ", "TIME") and params and params[0].isdigit():
        return ParsedType(canon, precision=int(params[0]))
    return ParsedType(canon)


def is_unbounded_length(length: int | None) -> bool:
    return length is None or length in _UNBOUNDED_LENGTHS or length >= MAX_VARCHAR


def type_family(data_type: str, scale: int | None = None) -> str:
    """Group types whose values can be compared for foreign keys."""
    if data_type in INTEGER_TYPES or (data_type == "DECIMAL" and not scale):
        return "integer"
    if data_type in ("DECIMAL", "FLOAT", "DOUBLE"):
        return "number"
    if data_type in STRING_TYPES:
        return "string"
    if data_type in ("TIMESTAMP", "TIMESTAMPTZ"):
        return "timestamp"
    if data_type in SEMI_STRUCTURED_TYPES:
        return "semi"
    return data_type.lower()


# A DECIMAL/NUMERIC/NUMBER without a precision: Snowflake's NUMBER means NUMBER(38,0), and 38
# digits hold any 64-bit integer, which the generators produce for keys and ranges.
DEFAULT_DECIMAL_PRECISION = 38


def integer_bounds(data_type: str, precision: int | None = None) -> tuple[int, int]:
    """The inclusive range of values a whole-number column can hold."""
    if data_type == "SMALLINT":
        return -(2**15), 2**15 - 1
    if data_type == "INT":
        return -(2**31), 2**31 - 1
    if data_type == "DECIMAL" and precision is not None and precision < 19:
        return -(10**precision - 1), 10**precision - 1
    return -(2**63), 2**63 - 1
