"""The ``array`` rule: how many elements an array column holds per row and where they come from.

The element's type is the column's (``Column.array_of``); a vector's fixed dimension is
``Column.array_size``, which overrides ``min_items``/``max_items``. Elements come from ``values``
(an enum's labels, a CHECK's list), from a Faker provider or value kind in ``element``, or from
the element type alone (small whole numbers, words, floats in ``min``..``max``).

    {"kind": "array", "values": ["Trailers", "Deleted Scenes"], "max_items": 2}
    {"kind": "array", "element": "email", "min_items": 0, "max_items": 3}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from dwsim_nb.spec.rule_base import _Rule

# pgvector's largest vector, and the most elements any array gets per row.
MAX_VECTOR_ITEMS = 16_000
# Element types an array column may hold natively; other element types stay JSON lists.
ARRAY_ELEMENT_TYPES = (
    "SMALLINT",
    "INT",
    "BIGINT",
    "FLOAT",
    "DOUBLE",
    "CHAR",
    "VARCHAR",
    "TEXT",
    "BOOLEAN",
    "DATE",
    "TIMESTAMP",
    "UUID",
)


class ArrayRule(_Rule):
    """Arrays of ``min_items`` to ``max_items`` elements (distinct when drawn from ``values``)."""

    kind: Literal["array"] = "array"
    values: list[Any] | None = Field(default=None, min_length=1)
    element: str | None = None
    min: float | None = None
    max: float | None = None
    min_items: int = Field(default=1, ge=0, le=MAX_VECTOR_ITEMS)
    max_items: int = Field(default=4, ge=0, le=MAX_VECTOR_ITEMS)

    @model_validator(mode="after")
    def _check(self) -> ArrayRule:
        if self.max_items < self.min_items:
            raise ValueError(
                f"max_items {self.max_items} < min_items {self.min_items}; swap or raise max_items"
            )
        if self.values is not None and self.element is not None:
            raise ValueError("give 'values' or 'element', not both")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max {self.max} < min {self.min}")
        return self
