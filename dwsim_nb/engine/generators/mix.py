"""A mix rule: listed values and values built to match LIKE patterns, each in its share of rows.

Rows are dealt to the listed entries by a keyed permutation of the row number, so each entry
gets its share exactly (at least one row when the table has a row per entry: a predicate on a
5-row lookup table still finds its row), and every other row keeps the base rule's value. From
:data:`HASHED_FROM` rows on, a keyed uniform draw per row deals them instead: the shares hold
to a fraction of a percent there, and a draw costs a fifth of a permutation (a workload's mixes
kept generation within 10% of the same spec without them). Like the other generators this is
a pure function of (seed, table, column, rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.engine.permute import permute
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import MixRule, rule_of
from dwsim_nb.spec.types import STRING_TYPES, is_unbounded_length

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext, Gen


# Tables of at least this many rows deal rows to entries by a uniform draw, not a permutation.
HASHED_FROM = 1 << 16


def bounds(shares: list[float], n: int) -> np.ndarray:
    """Cumulative row positions where each entry's rows end (each entry >= 1 row if it fits)."""
    counts = [max(1, math.ceil(s * n)) if s > 0 else 0 for s in shares]
    return np.minimum(np.cumsum(np.asarray(counts, dtype=np.int64)), n)


def like_values(pattern: str, base: pa.Array, width: int | None) -> pa.Array:
    """Values matching ``pattern``: its fixed text with the base values where ``%`` stands.

    Word-like text is joined to the base value with a space ('%BRASS' -> 'polished BRASS');
    other text (digits, signs) takes the place of the base's first or last characters, which
    keeps the shape of codes and phone numbers ('13%' -> '13-555-0142')."""
    fixed = pattern.replace("_", "x")
    if "%" not in fixed:
        return pa.array([fixed] * len(base), pa.string())
    head, _, rest = fixed.partition("%")
    tail = rest.replace("%", " ")
    text = pc.cast(base, pa.string())
    text = pc.fill_null(text, "")
    keep = None if width is None else max(0, width - len(head) - len(tail) - 2)
    if head and _word(head):
        head = head + " "
    elif head:
        text = pc.utf8_slice_codeunits(text, len(head), 1 << 30)
    if tail and _word(tail):
        tail = " " + tail
    elif tail:
        text = pc.utf8_slice_codeunits(text, 0, -len(tail))
    if keep is not None:
        text = pc.utf8_slice_codeunits(text, 0, keep)
    return pc.binary_join_element_wise(head, text, tail, "")


def _word(text: str) -> bool:
    return text.replace(" ", "").isalpha()


def mixing(rule_generator: Callable[[Column], Gen]) -> Gen:
    """The mix generator, given how to pick the base rule's generator (registered by
    :mod:`dwsim_nb.engine.generators`, which knows every kind)."""

    def gen_mix(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
        from dwsim_nb.engine.context import to_arrow

        rule = rule_of(col, MixRule)
        typ = ctx.trt.types[col.name]
        plain = col.model_copy(update={"rule": rule.base})
        values = to_arrow(rule_generator(plain)(plain, ctx, rows), plain, typ)
        shares = [*rule.shares, *rule.like_shares]
        if not shares or len(rows) == 0:
            return values
        n = ctx.trt.n
        ends = bounds(shares, n)
        if n >= HASHED_FROM:
            slot = np.searchsorted(ends / n, ctx.uniform(rows, "mix"), side="right")
        else:
            slot = np.searchsorted(ends, permute(rows, n, ctx.subkey("mix")), side="right")
        width = (
            col.varchar_length
            if col.data_type in STRING_TYPES
            and col.varchar_length
            and not is_unbounded_length(col.varchar_length)
            else None
        )
        # One pool (the base values, or a pooled rule's dictionary, then each entry's values)
        # and one index per row: a literal row points at its literal, a pattern row at its own
        # base value rebuilt to match. No row is decoded or copied more than once.
        pooled = isinstance(values, pa.DictionaryArray)
        base = values.dictionary if pooled else values
        index = (
            values.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            if pooled
            else np.arange(len(values), dtype=np.int64)
        )
        pieces, offset = [base], len(base)
        for i, entry in enumerate([*rule.values, *rule.like]):
            mask = slot == i
            if not mask.any():
                continue
            if i < len(rule.values):
                piece = pc.cast(pa.array([entry]), base.type, safe=False)
                index[mask] = offset
            else:
                piece = pc.cast(like_values(str(entry), base, width), base.type, safe=False)
                index[mask] += offset
            pieces.append(piece)
            offset += len(piece)
        pool = pa.concat_arrays(pieces)
        if pooled:
            return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pool)
        return pool.take(pa.array(index))

    return gen_mix
