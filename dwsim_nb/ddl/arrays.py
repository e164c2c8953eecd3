"""Array element types and vector dimensions: ``text[]`` holds lists of words, ``integer[]`` lists
of numbers, ``vector(20)`` (pgvector) and ``VECTOR(FLOAT, 20)`` (Snowflake) exactly 20 floats.

The column stays an ARRAY and gets its element type (``array_of``) and, for a vector, its
dimension (``array_size``), so every warehouse stores real arrays where it has them (DuckDB
lists, PostgreSQL arrays). Snowflake's untyped ``ARRAY`` holds words. Element types arrays do
not hold natively (``numeric[]``, nested arrays) keep a JSON list rule, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dwsim_nb.ddl.types import TypeText
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import (
    ARRAY_ELEMENT_TYPES,
    MAX_VECTOR_ITEMS,
    ArrayRule,
    DistributionRule,
    FakerRule,
    RangeRule,
    ValuesRule,
)
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


def _logical(words: list[str]) -> str | None:
    return canonical_type_name(" ".join(words)) if words else None


def _json_kind(logical: str | None) -> str | None:
    if logical is None:
        return None
    if logical in INTEGER_TYPES:
        return "int"
    if logical in STRING_TYPES:
        return "string"
    return _ELEMENT.get(logical)


def array_fields(tt: TypeText) -> dict[str, Any] | None:
    """Column fields (``array_of``, ``array_size``, ``rule``) of an array or vector type as
    written, or None (an ARRAY nothing is known of)."""
    raw = " ".join(tt.raw.split())
    if tt.words and tt.words[0] == "VECTOR" and not tt.array:
        sizes = [a.strip() for a in tt.args if a.strip().isdigit()]
        if not sizes or not 1 <= int(sizes[-1]) <= MAX_VECTOR_ITEMS:
            return None
        kinds = [a.strip().upper() for a in tt.args if not a.strip().isdigit()]
        n = int(sizes[-1])
        whole = bool(kinds) and _json_kind(_logical(kinds[:1])) == "int"
        reason = f"{raw}: {n} {'whole numbers' if whole else 'floats in [-1, 1]'}"
        rule: dict[str, Any] = {"kind": "array", "min_items": n, "max_items": n, "reason": reason}
        if not whole:
            rule.update({"min": -1.0, "max": 1.0})
        return {"array_of": "INT" if whole else "FLOAT", "array_size": n, "rule": rule}
    if tt.array:
        words = tt.words
    elif len(tt.words) > 1 and tt.words[-1] == "ARRAY":
        words = tt.words[:-1]
    elif tt.words == ["ARRAY"]:
        return {"array_of": "TEXT", "rule": {"kind": "array", "reason": f"{raw}: a list of words"}}
    else:
        return None
    logical = _logical(words)
    if logical == "TIMESTAMPTZ":
        logical = "TIMESTAMP"
    if logical in ARRAY_ELEMENT_TYPES:
        what = "words" if logical in STRING_TYPES else f"{logical} values"
        return {
            "array_of": logical,
            "rule": {"kind": "array", "reason": f"{raw}: a list of {what}"},
        }
    kind = _json_kind(logical)
    if kind is None:
        return None
    return {"rule": {"kind": "json", "shape": [kind], "reason": f"{raw}: a list of {kind} values"}}


def enum_array_fields(raw: str, labels: list[str]) -> dict[str, Any]:
    """An array of an enum type: lists of the enum's labels, each at most once per row."""
    reason = f"{' '.join(raw.split())}: a list of the enum's labels"
    rule = {"kind": "array", "values": list(labels), "max_items": min(4, len(labels))}
    return {"data_type": "ARRAY", "array_of": "VARCHAR", "rule": {**rule, "reason": reason}}


def _singular(name: str) -> str:
    if name.lower().endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.lower().endswith(("ses", "xes", "ches", "shes")):
        return name[:-2]
    if name.lower().endswith("s") and not name.lower().endswith("ss") and len(name) > 3:
        return name[:-1]
    return name


def named_elements(col: Column, rule: Callable[[Column], object]) -> dict[str, Any] | None:
    """The array rule of ``col`` with elements a name rule picks for one element (``emails``
    holds e-mail addresses, ``phone_numbers`` phone numbers), or None (words stay words).

    Only a rule inferred from the type is refined; values, an element or bounds given by the
    user or another hint are kept.
    """
    found = col.rule
    if col.array_of is None or col.array_size is not None or not isinstance(found, ArrayRule):
        return None
    if found.values is not None or found.element is not None or found.min is not None:
        return None
    if found.max is not None or found.reason is None:  # bounds or a rule the user wrote
        return None
    probe = Column(name=_singular(col.name), data_type=col.array_of, comment=col.comment)
    picked = rule(probe)
    why = getattr(picked, "reason", None)
    if isinstance(picked, FakerRule):
        update: dict[str, Any] = {"element": picked.provider}
    elif isinstance(picked, ValuesRule) and picked.weights is None:
        most = min(found.max_items, len(picked.values))
        update = {"values": list(picked.values), "max_items": most}
        update["min_items"] = min(found.min_items, update["max_items"])
    elif isinstance(picked, RangeRule | DistributionRule) and picked.min is not None:
        update = {"min": picked.min, "max": picked.max}
    else:
        return None
    reason = f"{found.reason}; elements: {why}" if why else found.reason
    return found.model_copy(update={**update, "reason": reason}).model_dump()
