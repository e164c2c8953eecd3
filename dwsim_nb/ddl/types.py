"""Column type spellings as DDL writes them, resolved to the spec's logical types.

:func:`dwsim_nb.spec.types.parse_type` knows the common aliases; this module adds what only appears
in real DDL text: multi-word types with modifiers in the middle (``TIMESTAMP(3) WITH TIME ZONE``),
arrays (``int[]``, ``INTEGER ARRAY``), nested types (``STRUCT(a INT, b STRUCT(...))``), inline
enums, and a few engine-specific names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dwsim_nb.spec.types import MAX_VARCHAR, parse_type

# Spellings parse_type does not know, mapped to a name it does.
_EXTRA: dict[str, str] = {
    "BIT": "BOOLEAN",
    "BIT VARYING": "TEXT",
    "VARBIT": "TEXT",
    "BITSTRING": "TEXT",
    "YEAR": "SMALLINT",
    "OID": "BIGINT",
    "NAME": "VARCHAR",
    "UHUGEINT": "DECIMAL",
    "VARINT": "DECIMAL",
    "BIGNUM": "DECIMAL",
    "SMALLMONEY": "DECIMAL",
    "DATETIME2": "TIMESTAMP",
    "SMALLDATETIME": "TIMESTAMP",
    "DATETIMEOFFSET": "TIMESTAMPTZ",
    "TIMESTAMP_S": "TIMESTAMP",
    "TIMESTAMP_MS": "TIMESTAMP",
    "TIMESTAMP_NS": "TIMESTAMP",
    "TIMESTAMP_US": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "CHAR VARYING": "VARCHAR",
    "NATIONAL CHARACTER VARYING": "VARCHAR",
    "NATIONAL CHAR VARYING": "VARCHAR",
    "NATIONAL CHARACTER": "CHAR",
    "NATIONAL CHAR": "CHAR",
    "CHARACTER LARGE OBJECT": "TEXT",
    "BINARY LARGE OBJECT": "BINARY",
    "TINYTEXT": "TEXT",
    "MEDIUMTEXT": "TEXT",
    "LONGTEXT": "TEXT",
    "TINYBLOB": "BINARY",
    "MEDIUMBLOB": "BINARY",
    "LONGBLOB": "BINARY",
    "IMAGE": "BINARY",
    "RAW": "BINARY",
    "LONG VARCHAR": "TEXT",
    "USERTYPE": "TEXT",
    "DOUBLE": "DOUBLE",
    "FLOAT64": "DOUBLE",
    "FLOAT32": "FLOAT",
    "INT16": "SMALLINT",
    "INT32": "INT",
    "INT64": "BIGINT",
    "UNION": "OBJECT",
    "VECTOR": "ARRAY",
    "INT4RANGE": "TEXT",
    "INT8RANGE": "TEXT",
    "NUMRANGE": "TEXT",
    "TSRANGE": "TEXT",
    "TSTZRANGE": "TEXT",
    "DATERANGE": "TEXT",
    "POINT": "TEXT",
    "LINE": "TEXT",
    "POLYGON": "TEXT",
    "BOX": "TEXT",
    "CIRCLE": "TEXT",
    "PATH": "TEXT",
    "LSEG": "TEXT",
    "TSQUERY": "TEXT",
    "LTREE": "TEXT",
    "HSTORE": "OBJECT",
    "MACADDR8": "VARCHAR",
    "PG_LSN": "TEXT",
    "TXID_SNAPSHOT": "TEXT",
    "REGCLASS": "TEXT",
}
# Words that modify a type without changing what values it holds.
_IGNORED_WORDS = {"UNSIGNED", "SIGNED", "ZEROFILL", "VARYING_", "BINARY_"}
# The serial pseudo-types are integers filled by a sequence.
SERIAL_TYPES = {"SERIAL", "SERIAL4", "BIGSERIAL", "SERIAL8", "SMALLSERIAL", "SERIAL2"}


@dataclass
class TypeText:
    """The pieces of a type as written: words, first argument list, array marks and the raw text."""

    words: list[str]
    args: list[str] = field(default_factory=list)
    array: bool = False
    raw: str = ""
    enum_labels: list[str] | None = None


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def resolve_type(tt: TypeText) -> dict[str, Any] | None:
    """Column fields (data_type, varchar_length, precision, scale), or None if unknown."""
    words = [w for w in tt.words if w not in _IGNORED_WORDS]
    if not words:
        return None
    if tt.enum_labels is not None:
        return {"data_type": "VARCHAR", "rule": {"kind": "values", "values": list(tt.enum_labels)}}
    if tt.array or (len(words) > 1 and words[-1] == "ARRAY"):
        return {"data_type": "ARRAY"}
    name = " ".join(words)
    if name.startswith("TIMESTAMP") and "WITH" in words and "WITHOUT" not in words:
        name = "TIMESTAMPTZ"
    elif name.startswith("TIMESTAMP") and "WITHOUT" in words:
        name = "TIMESTAMP"
    elif name.startswith("TIME ") and ("WITH" in words or "WITHOUT" in words):
        name = "TIME"
    name = _EXTRA.get(name, name)
    args = [a.strip() for a in tt.args]
    simple_args = [a for a in args if a.isdigit() or a.upper() == "MAX"]
    if len(simple_args) == len(args) and args:
        parsed = parse_type(f"{name}({', '.join(args)})")
    else:
        parsed = parse_type(name)
    if parsed is None:
        return None
    out: dict[str, Any] = {"data_type": parsed.data_type}
    if parsed.is_array:
        return {"data_type": "ARRAY"}
    if parsed.length is not None:
        out["varchar_length"] = max(1, min(parsed.length, MAX_VARCHAR))
    if parsed.data_type == "DECIMAL":
        precision, scale = parsed.precision, parsed.scale
        if precision is not None and (precision < 1 or precision > 76):
            precision, scale = None, None
        if precision is not None and scale is not None and scale > precision:
            scale = precision
        if precision is not None:
            out["precision"] = precision
            out["scale"] = scale if scale is not None else 0
    return out
