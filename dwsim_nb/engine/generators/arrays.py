"""Array columns as Arrow lists: ``text[]`` lists of words, ``integer[]`` of small numbers,
``vector(N)`` fixed-size lists of N float32 components in [-1, 1].

Each element is a pure function of (seed, table, column, row, position): a row's element count
comes from the row, and the element at position ``p`` of row ``r`` from the id ``r * width + p``.
Elements drawn from a list (``values``, a Faker pool) are distinct within a row: a row walks the
list from a random start with a random step prime to the list's length.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.rules import ArrayRule, JsonRule

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext
    from dwsim_nb.spec.models import Column

_EPOCH_DAY = 18262  # 2020-01-01
_DAYS = 2192  # six years
_INT32_MAX = 2**31 - 1
_STRINGS = ("CHAR", "VARCHAR", "TEXT")
# A JSON list shape's leaf kinds that mean "the element type's default values".
_PLAIN_KINDS = {"int", "integer", "bigint", "float", "double", "number", "unit", "string", "str"}


def _rule(col: Column) -> ArrayRule:
    """The column's array rule; a JSON list shape is read as one (its leaf, its ``items``)."""
    rule = col.rule
    if isinstance(rule, ArrayRule):
        return rule
    if isinstance(rule, JsonRule) and isinstance(rule.shape, list):
        leaf = str(rule.shape[0]).lower() if rule.shape else "string"
        element = None if leaf in _PLAIN_KINDS or leaf in ("text", "varchar", "word") else leaf
        if leaf in ("word", "text", "varchar", "string", "str") and col.array_of in _STRINGS:
            element = "word"
        n = rule.items
        low, high = (-1.0, 1.0) if leaf == "unit" else (None, None)
        if n is not None:
            return ArrayRule(element=element, min_items=n, max_items=n, min=low, max=high)
        return ArrayRule(element=element, min_items=0, max_items=3, min=low, max=high)
    return ArrayRule()


def _coprime_steps(n: int) -> np.ndarray:
    steps = [s for s in range(1, min(n, 64)) if math.gcd(s, n) == 1]
    return np.array(steps or [1], dtype=np.int64)


def _from_list(
    values: pa.Array, ctx: ColumnContext, rows: np.ndarray, owner: np.ndarray, pos: np.ndarray
) -> pa.Array:
    """Distinct elements of ``values`` per row (when a row has no more than the list holds)."""
    n = len(values)
    start = ctx.below(rows, n, "start")
    steps = _coprime_steps(n)
    step = steps[ctx.below(rows, len(steps), "step")]
    index = (start[owner] + pos * step[owner]) % n
    return values.take(pa.array(index))


def _elements(
    col: Column,
    rule: ArrayRule,
    typ: pa.DataType,
    ctx: ColumnContext,
    rows: np.ndarray,
    owner: np.ndarray,
    pos: np.ndarray,
    ids: np.ndarray,
) -> pa.Array:
    from dwsim_nb.engine.generators.faker_pools import normalize_rule, run_pool

    element_type = col.array_of or "TEXT"
    if rule.values is not None:
        return _from_list(_typed(rule.values, typ, col), ctx, rows, owner, pos)
    if rule.element is not None or element_type in _STRINGS:
        provider = normalize_rule(rule.element or "word")
        pool = run_pool(ctx, provider)
        if pa.types.is_dictionary(pool.type):
            pool = pool.dictionary_decode()
        return pc.cast(_from_list(pool, ctx, rows, owner, pos), typ, safe=False)
    if element_type in ("SMALLINT", "INT", "BIGINT"):
        low = int(rule.min) if rule.min is not None else 1
        high = int(rule.max) if rule.max is not None else 100
        return pa.array(low + ctx.below(ids, high - low + 1, "int"), typ)
    if element_type in ("FLOAT", "DOUBLE"):
        vector = col.array_size is not None
        lo = rule.min if rule.min is not None else (-1.0 if vector else 0.0)
        hi = rule.max if rule.max is not None else (1.0 if vector else 100.0)
        values = lo + ctx.uniform(ids, "float") * (hi - lo)
        return pa.array(values if vector else np.round(values, 2), typ)
    if element_type == "BOOLEAN":
        return pa.array(ctx.uniform(ids, "bool") < 0.5)
    if element_type == "DATE":
        days = (_EPOCH_DAY + ctx.below(ids, _DAYS, "date")).astype(np.int32)
        return pa.array(days).view(pa.date32())
    if element_type == "TIMESTAMP":
        secs = _EPOCH_DAY * 86400 + ctx.below(ids, _DAYS * 86400, "ts")
        return pa.array(secs * 1_000_000).view(pa.timestamp("us"))
    if element_type == "UUID":
        from dwsim_nb.engine.generators.strings import gen_uuid

        return gen_uuid(col, ctx, ids)
    raise GenerationError(f"column '{col.name}': no array elements of type {element_type}")


def _typed(values: list[object], typ: pa.DataType, col: Column) -> pa.Array:
    try:
        return pc.cast(pa.array(values), typ, safe=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        raise GenerationError(
            f"column '{col.name}': the array rule's values are not {col.array_of}: {e}",
            hint="give values of the element type, or change array_of",
        ) from None


def gen_array(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = _rule(col)
    typ = ctx.trt.types[col.name]
    value_type = typ.value_type
    rows = np.asarray(rows, dtype=np.int64)
    if col.array_size is not None:
        low = high = col.array_size
    else:
        low, high = rule.min_items, rule.max_items
        if rule.values is not None:
            high = min(high, len(rule.values))
            low = min(low, high)
    counts = np.full(len(rows), low, dtype=np.int64)
    if high > low:
        counts += ctx.below(rows, high - low + 1, "items")
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    if total > _INT32_MAX:
        raise GenerationError(
            f"column '{col.name}': one block holds {total:,} array elements, more than a list "
            "column holds",
            hint="lower max_items or the vector's dimension",
        )
    owner = np.repeat(np.arange(len(rows)), counts)
    pos = np.arange(total, dtype=np.int64) - offsets[:-1][owner]
    ids = rows[owner] * max(high, 1) + pos
    values = _elements(col, rule, value_type, ctx, rows, owner, pos, ids)
    if not values.type.equals(value_type):
        values = pc.cast(values, value_type, safe=False)
    if col.array_size is not None:
        return pa.FixedSizeListArray.from_arrays(values, col.array_size)
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)
