"""Values picked from a list, optionally weighted."""

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


def gen_values(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = rule_of(col, ValuesRule)
    pool = value_pool(rule.values)
    if rule.weights is None:
        idx = ctx.below(rows, len(pool))
    else:
        cum = np.cumsum(np.asarray(rule.weights, dtype=np.float64))
        idx = np.searchsorted(cum, ctx.uniform(rows) * cum[-1], side="right")
        np.minimum(idx, len(pool) - 1, out=idx)
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pool)


def gen_unique_values(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    distinct = list(dict.fromkeys(rule_of(col, ValuesRule).values))
    pool = value_pool(distinct)
    return pool.take(pa.array(permute(rows, len(pool), ctx.subkey("unique"))))
