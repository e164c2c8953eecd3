"""Foreign keys that follow a value: the ``match`` cardinality.

A nation's region must be the region that contains it: the child row's parent is the parent row
whose ``parent_column`` holds ``mapping[<the child's column>]`` ('FRANCE' -> the row named
'EUROPE'). The parent column is recomputed for every parent row (lookup tables are small, and
values-once layouts are pure functions of the row number), so no parent is held between
blocks; several parent rows with the value share the children by a keyed draw. A child value
with no mapping, or a mapped value no parent row holds, picks a parent uniformly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.errors import GenerationError

if TYPE_CHECKING:
    from dwsim_nb.engine.context import TableRuntime

# Above this many parent rows the parent column is not recomputed per block: uniform instead.
MAX_MATCH_PARENTS = 200_000
_NULL = "\x00"


def _text(values: pa.Array) -> pa.Array:
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary.take(values.indices)
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def match_rows(
    trt: TableRuntime, fk_index: int, key: int, rows: np.ndarray, parents: int
) -> np.ndarray:
    """Parent rows for child ``rows`` under a ``match`` cardinality."""
    fk = trt.foreign_key(fk_index)
    card = fk.cardinality
    uniform = seeds.below(seeds.derive_key(key, "uniform"), rows, parents)
    if card is None or not card.mapping or parents > MAX_MATCH_PARENTS or len(rows) == 0:
        return uniform
    where = f"table '{trt.name}', foreign key ({', '.join(fk.columns)})"
    parent = trt.rt.table(fk.references_table)
    if not card.column or not trt.table.has_column(card.column) or card.column in fk.columns:
        raise GenerationError(
            f"{where}: a match cardinality reads column '{card.column}', which must be a column "
            "of the table outside the key",
            hint="set 'column' to the child's name column (e.g. n_name)",
        )
    if not card.parent_column or not parent.table.has_column(card.parent_column):
        raise GenerationError(
            f"{where}: a match cardinality finds parents by '{card.parent_column}', which "
            f"'{parent.name}' does not have",
            hint=f"set 'parent_column' to a column of '{parent.name}'",
        )
    child = _text(trt.column_at(card.column, rows))
    found = pc.index_in(child, value_set=pa.array(list(card.mapping), pa.string()))
    wanted = pa.array(list(card.mapping.values()), pa.string()).take(found)
    held = _text(parent.column_at(card.parent_column, np.arange(parents, dtype=np.int64)))
    held_np = pc.fill_null(held, _NULL).to_numpy(zero_copy_only=False).astype(object)
    distinct, group = np.unique(held_np, return_inverse=True)
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=len(distinct))
    starts = np.cumsum(counts) - counts
    slot = pc.index_in(wanted, value_set=pa.array(list(distinct), pa.string()))
    valid = np.asarray(slot.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    s = np.asarray(pc.fill_null(slot, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    within = seeds.uniform(seeds.derive_key(key, "match"), rows) * counts[s]
    offset = np.minimum(within.astype(np.int64), np.maximum(counts[s] - 1, 0))
    picked = order[starts[s] + offset]
    return np.where(valid, picked, uniform)
