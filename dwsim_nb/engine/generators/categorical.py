"""Values picked from a list, optionally weighted; each once when the table has room for no more."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from dwsim_nb.engine.permute import permute
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import ValuesRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext


def value_pool(values: list[Any]) -> pa.Array:
    """The listed values as one Arrow array (as text when their types are mixed)."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values])


def distinct_values(values: list[Any]) -> list[Any]:
    """The values without repeats, in their first order; compared by repr, as the unique
    check counts them (values may be JSON documents, which are not hashable)."""
    seen: dict[str, Any] = {}
    for v in values:
        seen.setdefault(repr(v), v)
    return list(seen.values())


def gen_values(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = rule_of(col, ValuesRule)
    pool = value_pool(rule.values)
    # Entries a row may take: weight 0 means never, even when each is used once.
    live = (
        np.arange(len(pool), dtype=np.int64)
        if rule.weights is None
        else np.flatnonzero(np.asarray(rule.weights, dtype=np.float64) > 0)
    )
    if ctx.trt.n <= len(live):
        # A lookup table (6 categories for 6 rows): each listed entry once, in an order that
        # is a keyed permutation of the row number, so no block needs to know the others.
        idx = live[permute(rows, len(live), ctx.subkey("once"))]
    elif rule.weights is None:
        idx = ctx.below(rows, len(pool))
    else:
        cum = np.cumsum(np.asarray(rule.weights, dtype=np.float64))
        idx = np.searchsorted(cum, ctx.uniform(rows) * cum[-1], side="right")
        np.minimum(idx, len(pool) - 1, out=idx)
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pool)


def gen_unique_values(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    pool = value_pool(distinct_values(rule_of(col, ValuesRule).values))
    return pool.take(pa.array(permute(rows, len(pool), ctx.subkey("unique"))))
