"""JSON text of a described shape, composed column-wise.

A shape is a dict of field -> type name (``"string"``, ``"int"``, ``"float"``, ``"bool"``,
``"date"``, ``"timestamp"``, ``"uuid"``, or a Faker provider such as ``"email"``), a nested dict,
or a list holding one element shape (0 to 3 elements per row). Each leaf becomes a string array
of JSON literals; the pieces are joined element-wise with the punctuation between them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import JSON_LIST_ITEMS, JsonRule

_MAX_ITEMS = JSON_LIST_ITEMS
_DEFAULT_SHAPE: dict[str, Any] = {"id": "int", "label": "string", "active": "bool"}
_EPOCH_DAY = 18262  # 2020-01-01


def _quote(arr: pa.Array) -> pa.Array:
    # Pool values are plain words; escape the two characters that would break the JSON anyway.
    text = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
    return pc.binary_join_element_wise('"', text, '"', "")


def _leaf(kind: str, key: int, rows: np.ndarray, ctx: ColumnContext) -> pa.Array:
    from dwsim_nb.engine.generators.faker_pools import normalize_rule, run_pool

    name = kind.strip().lower()
    if name in ("int", "integer", "bigint", "number_int"):
        return pc.cast(pa.array(seeds.below(key, rows, 10_000)), pa.string())
    if name in ("unit", "unit_float"):  # a vector's component, in [-1, 1]
        return pc.cast(pc.round(pa.array(seeds.uniform(key, rows) * 2.0 - 1.0), 4), pa.string())
    if name in ("float", "double", "number", "decimal", "numeric"):
        return pc.cast(pc.round(pa.array(seeds.uniform(key, rows) * 1000.0), 2), pa.string())
    if name in ("bool", "boolean"):
        return pc.if_else(pa.array(seeds.uniform(key, rows) < 0.5), "true", "false")
    if name == "date":
        days = pa.array((_EPOCH_DAY + seeds.below(key, rows, 2192)).astype(np.int32))
        return _quote(pc.cast(days.view(pa.date32()), pa.string()))
    if name in ("timestamp", "datetime"):
        secs = (_EPOCH_DAY * 86400 + seeds.below(key, rows, 2192 * 86400)) * 1_000_000
        ts = pa.array(secs).view(pa.timestamp("us"))
        return _quote(pc.strftime(ts, format="%Y-%m-%dT%H:%M:%S"))
    if name == "uuid":
        from dwsim_nb.engine.generators.strings import gen_uuid

        sub = _SubContext(ctx, key)
        return _quote(gen_uuid(ctx.col, sub, rows))  # type: ignore[arg-type]
    provider = "word" if name in ("string", "str", "text", "varchar") else normalize_rule(name)
    values = run_pool(ctx, provider)
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    return _quote(values.take(pa.array(seeds.below(key, rows, len(values)))))


class _SubContext:
    """Just enough of a ColumnContext for generators reused inside a JSON value."""

    def __init__(self, ctx: ColumnContext, key: int) -> None:
        self.trt = ctx.trt
        self.key = key

    def subkey(self, *parts: object) -> int:
        return seeds.derive_key(self.key, *parts)


def _render(shape: Any, key: int, rows: np.ndarray, ctx: ColumnContext) -> pa.Array:
    if isinstance(shape, dict):
        if not shape:
            return pa.array(["{}"] * len(rows))
        pieces: list[Any] = []
        for i, (field, sub) in enumerate(shape.items()):
            pieces.append(("{" if i == 0 else ",") + json.dumps(str(field)) + ":")
            pieces.append(_render(sub, seeds.derive_key(key, field), rows, ctx))
        pieces.append("}")
        return pc.binary_join_element_wise(*pieces, "")
    if isinstance(shape, list):
        element = shape[0] if shape else "string"
        items = [_render(element, seeds.derive_key(key, i), rows, ctx) for i in range(_MAX_ITEMS)]
        count = seeds.below(seeds.derive_key(key, "len"), rows, _MAX_ITEMS + 1)
        out = pa.array(["[]"] * len(rows))
        for k in range(1, _MAX_ITEMS + 1):
            inner = pc.binary_join_element_wise(*items[:k], ",")
            joined = pc.binary_join_element_wise("[", inner, "]", "")
            out = pc.if_else(pa.array(count == k), joined, out)
        return out
    return _leaf(str(shape), key, rows, ctx)


def _fixed_list(
    element: Any, items: int, key: int, rows: np.ndarray, ctx: ColumnContext
) -> pa.Array:
    """Exactly ``items`` elements in every row (a vector's dimension)."""
    if len(rows) == 0:
        return pa.array([], pa.string())
    parts = [_render(element, seeds.derive_key(key, i), rows, ctx) for i in range(items)]
    inner = pc.binary_join_element_wise(*parts, ",")
    return pc.binary_join_element_wise("[", inner, "]", "")


def gen_json(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = col.rule if isinstance(col.rule, JsonRule) else None
    shape = rule.shape if rule is not None else _DEFAULT_SHAPE
    if rule is not None and rule.items is not None and isinstance(shape, list):
        return _fixed_list(shape[0] if shape else "unit", rule.items, ctx.subkey("json"), rows, ctx)
    return _render(shape, ctx.subkey("json"), rows, ctx)
