"""Foreign keys computed, not looked up.

A child row picks a parent row number from the key's cardinality rule, and the parent's key
value is recomputed for that row number with the parent's own generator, so no parent key is
ever held in memory and every block is independent.

Cardinality rules, all pure functions of the child row index:
- ``uniform``: any parent, equally likely;
- ``zipf``: a bounded power law over parent ranks, ranks scattered over parents by a permutation;
- ``range`` (min..max children per parent): parents get about N/P children each, pairs of
  parents trade a random number of children so counts vary inside [min, max], and the totals
  are exact by construction;
- ``at_least_one``: the first P children (after a permutation of child rows) cover every parent
  once; the rest pick uniformly;
- ``match``: the parent row holding the value the child's column maps to (:mod:`.match`);
- ``through``: the parent row that the child's row in a middle table references (:mod:`.through`);
- ``day``: the date dimension's row of the day of the child's date or timestamp (:mod:`.day_keys`).
A self-reference without a cardinality (``reports_to``, ``parent_id``) forms a tree: each row
points at an earlier row and the first row is the root.
A foreign key whose columns are also unique in the child (one-to-one) uses a permutation; keys
that together form a unique key of the child (bridge tables) are laid out jointly (``bridge``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.bridge import bridge_rows
from dwsim_nb.engine.generators.cardinality import range_layout, range_rows, zipf_rows
from dwsim_nb.engine.generators.day_keys import day_rows
from dwsim_nb.engine.generators.match import match_rows
from dwsim_nb.engine.generators.through import through_rows
from dwsim_nb.engine.permute import permute
from dwsim_nb.spec.models import Cardinality, Column, ForeignKey, Table

if TYPE_CHECKING:
    from dwsim_nb.engine.context import Batch, ColumnContext, TableRuntime


def is_one_to_one(table: Table, fk: ForeignKey) -> bool:
    return sorted(fk.columns) in [sorted(k) for k in table.unique_keys()]


def fk_null_rate(table: Table, fk: ForeignKey) -> float:
    if fk.null_rate is not None:
        return fk.null_rate
    rates = [table.column(c).effective_null_rate for c in fk.columns if table.has_column(c)]
    return max(rates) if rates and fk.nullable else 0.0


def pick_parent_rows(
    trt: TableRuntime, fk_index: int, rows: np.ndarray, batch: Batch | None = None
) -> np.ndarray:
    """Parent row numbers for child ``rows`` (-1 where the key is null); ``batch`` holds the
    rows' columns when they are a batch's."""
    fk = trt.foreign_key(fk_index)
    parents = trt.plan.rows[trt.plan.table(fk.references_table).key]
    n = trt.n
    key = trt.column_key(f"fk{fk_index}", fk.references_table)
    if parents == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    card = fk.cardinality or Cardinality()
    if is_one_to_one(trt.table, fk):
        picked = permute(rows, parents, key)
    elif fk_index in trt.bridges:
        picked = bridge_rows(trt, trt.bridges[fk_index], fk_index, rows)
    elif card.kind == "zipf":
        picked = zipf_rows(key, rows, parents, card.s)
    elif card.kind == "range":
        assert card.min is not None and card.max is not None
        picked = range_rows(key, rows, n, parents, card.min, card.max, card.clustered)
    elif card.kind == "at_least_one":
        picked = at_least_one_rows(key, rows, n, parents)
    elif fk.cardinality is None and fk.references_table == trt.table.key:
        picked = tree_rows(key, rows)
    elif card.kind == "match":
        picked = match_rows(trt, fk_index, key, rows, parents)
    elif card.kind == "through":
        picked = through_rows(trt, fk_index, key, rows, parents)
    elif card.kind == "day":
        picked = day_rows(trt, fk_index, key, rows, parents, batch)
    else:
        picked = seeds.below(seeds.derive_key(key, "uniform"), rows, parents)
    rate = fk_null_rate(trt.table, fk)
    if rate > 0:
        null = seeds.uniform(seeds.derive_key(key, "null"), rows) < rate
        picked = np.where(null, -1, picked)
    return picked


def grouped_fk(table: Table, key_columns: list[str]) -> tuple[int, ForeignKey] | None:
    """The range-cardinality foreign key whose columns are part of a composite key, if any.

    Its children are grouped per parent, so the key's other columns only have to differ among
    one parent's children (``(order_id, line_no)``: line numbers 1..k per order).
    """
    for i, fk in enumerate(table.foreign_keys):
        card = fk.cardinality
        if card is not None and card.kind == "range" and set(fk.columns) <= set(key_columns):
            others = set(key_columns) - set(fk.columns)
            in_other_fk = any(c in f.columns for f in table.foreign_keys for c in others)
            if others and not in_other_fk:
                return i, fk
    return None


def child_position(trt: TableRuntime, fk_index: int, rows: np.ndarray) -> np.ndarray:
    """Position of each child row among the children of its parent (range cardinality)."""
    fk = trt.foreign_key(fk_index)
    card = fk.cardinality
    assert card is not None and card.min is not None and card.max is not None
    parents = trt.plan.rows[trt.plan.table(fk.references_table).key]
    key = trt.column_key(f"fk{fk_index}", fk.references_table)
    return range_layout(key, rows, trt.n, max(parents, 1), card.min, card.max)[1]


def tree_rows(key: int, rows: np.ndarray) -> np.ndarray:
    """A self-reference forms a tree: each row's parent is an earlier row (any of them, alike),
    and the first row has none (-1), so there is one root and no cycle (an employee's manager
    was hired before them; ``reports_to`` is null for the head only)."""
    earlier = seeds.uniform(seeds.derive_key(key, "tree"), rows) * rows
    return np.where(rows > 0, np.minimum(earlier.astype(np.int64), rows - 1), -1)


def at_least_one_rows(key: int, rows: np.ndarray, n: int, parents: int) -> np.ndarray:
    order = permute(rows, max(n, 1), seeds.derive_key(key, "cover"))
    uniform = seeds.below(seeds.derive_key(key, "rest"), rows, parents)
    covering = permute(np.minimum(order, parents - 1), parents, seeds.derive_key(key, "who"))
    return np.where(order < parents, covering, uniform)


def gen_foreign_key(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    """The referenced parent column's value at the picked parent row (null for -1)."""
    trt = ctx.trt
    fk_index, position = trt.fk_of[col.name]
    fk = trt.foreign_key(fk_index)
    parent_rows = ctx.batch.parent_rows(fk_index)
    parent = trt.rt.table(fk.references_table)
    if parent.n == 0:
        return pa.nulls(len(rows), trt.types[col.name])
    missing = parent_rows < 0
    values = parent.column_at(fk.references_columns[position], np.where(missing, 0, parent_rows))
    if missing.any():
        values = pc.if_else(pa.array(missing), pa.nulls(len(values), values.type), values)
    return values
