"""Array element types and vector dimensions: ``text[]`` holds lists of words, ``integer[]`` lists
of numbers, ``vector(20)`` (pgvector) and ``VECTOR(FLOAT, 20)`` (Snowflake) exactly 20 floats.

The column stays an ARRAY; its rule is a JSON list of the element's kind, so every warehouse
gets the same values (stored as a JSON list: DuckDB and Postgres JSON, Snowflake ARRAY).
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.ddl.types import TypeText
from dwsim_nb.spec.rules import MAX_VECTOR_ITEMS
from dwsim_nb.spec.types import INTEGER_TYPES, STRING_TYPES, canonical_type_name

_ELEMENT = {
    "DECIMAL": "float",
    "FLOAT": "float",
    "DOUBLE": "float",
    "BOOLEAN": "bool",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMPTZ": "timestamp",
    "UUID": "uuid",
}


def _element(words: list[str]) -> str | None:
    logical = canonical_type_name(" ".join(words)) if words else None
    if logical is None:
        return None
    if logical in INTEGER_TYPES:
        return "int"
    if logical in STRING_TYPES:
        return "string"
    return _ELEMENT.get(logical)


def array_rule(tt: TypeText) -> dict[str, Any] | None:
    """The JSON-list rule of an array or vector type as written, or None (a plain ARRAY)."""
    raw = " ".join(tt.raw.split())
    if tt.words and tt.words[0] == "VECTOR" and not tt.array:
        sizes = [a.strip() for a in tt.args if a.strip().isdigit()]
        if not sizes or not 1 <= int(sizes[-1]) <= MAX_VECTOR_ITEMS:
            return None
        kinds = [a.strip().upper() for a in tt.args if not a.strip().isdigit()]
        element = "int" if kinds and _element(kinds[:1]) == "int" else "unit"
        n = int(sizes[-1])
        return {"kind": "json", "shape": [element], "items": n, "reason": f"{raw}: {n} numbers"}
    if tt.array:
        words = tt.words
    elif len(tt.words) > 1 and tt.words[-1] == "ARRAY":
        words = tt.words[:-1]
    elif tt.words == ["ARRAY"]:
        return {"kind": "json", "shape": ["string"], "reason": f"{raw}: a list of words"}
    else:
        return None
    kind = _element(words)
    if kind is None:
        return None
    return {"kind": "json", "shape": [kind], "reason": f"{raw}: a list of {kind} values"}
