"""Checks and spellings of array columns (``Column.array_of`` and ``array_size``).

A column written as ``data_type: text[]`` gets ``array_of: TEXT``; an ``array_of`` must be an
element type arrays hold natively, and only an ``array``, ``json`` (a list shape) or ``auto``
rule fills an array column.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.spec.array_rule import ARRAY_ELEMENT_TYPES, ArrayRule
from dwsim_nb.spec.types import canonical_type_name

_ARRAY_SPELLING_END = "[]"


def array_fields(data: dict[str, Any], raw: str) -> dict[str, Any]:
    """``array_of`` from a ``TYPE[]`` spelling, and ``array_of`` in its canonical name."""
    text = raw.strip()
    if data.get("array_of") is None and text.replace(" ", "").endswith(_ARRAY_SPELLING_END):
        base = text[: text.rindex("[")].split("(")[0]
        element = canonical_type_name(base)
        if element in ARRAY_ELEMENT_TYPES:
            data = {**data, "array_of": element}
    elif isinstance(data.get("array_of"), str):
        element = canonical_type_name(data["array_of"].split("(")[0])
        data = {**data, "array_of": element or data["array_of"]}
    return data


def check_array_column(col: Any) -> None:
    """Raise ValueError when the array fields or the rule do not fit the column."""
    if col.array_of is not None:
        if col.data_type != "ARRAY":
            raise ValueError(
                f"column '{col.name}': array_of needs data_type ARRAY, not {col.data_type}"
            )
        if col.array_of not in ARRAY_ELEMENT_TYPES:
            raise ValueError(
                f"column '{col.name}': array_of {col.array_of!r} is not an element type "
                f"arrays hold; use one of {', '.join(ARRAY_ELEMENT_TYPES)} (or drop array_of "
                "to keep JSON lists)"
            )
        kind = getattr(col.rule, "kind", None)
        shape = getattr(col.rule, "shape", None)
        if kind not in (None, "auto", "array") and not (kind == "json" and isinstance(shape, list)):
            raise ValueError(
                f"column '{col.name}' holds arrays of {col.array_of}: give it an 'array' rule "
                f"(values, element, min_items, max_items) instead of a {kind!r} rule"
            )
    elif col.array_size is not None:
        raise ValueError(f"column '{col.name}': array_size needs array_of (the element type)")
    elif isinstance(col.rule, ArrayRule):
        raise ValueError(
            f"column '{col.name}': an 'array' rule needs data_type ARRAY with array_of "
            "(the element type, e.g. TEXT)"
        )
