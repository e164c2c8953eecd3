"""Bridge tables: a unique key made only of foreign-key columns.

``partsupp(ps_partkey -> part, ps_suppkey -> supplier)``, sales/returns tables and many-to-many
link tables need distinct tuples of parent rows. They are laid out from the child row index,
with no retries and nothing held in memory:

1. The *leading* key (a range-cardinality key if there is one, else the first) groups children
   per parent: parent ``p`` gets children at positions ``0..c(p)-1``, with ``c(p)`` from the
   range rule or spread evenly (``i mod P``, so every parent gets ``n // P`` or one more).
2. A child's *rest index* is ``start(p) + position``, where ``start(p)`` is where parent ``p``'s
   group begins in that grouped order; it walks through ``[0, M)`` (``M`` = product of the
   other parents' row counts) cyclically, so one parent's children get distinct rest indices as
   long as no parent has more than ``M`` children, and the other parents are hit evenly.
3. The rest index is split into mixed-radix digits, one per other key, and every parent row
   number is scattered by a keyed permutation, which keeps tuples distinct.

A skewed (zipf) rule cannot be honoured exactly without counting children per parent, so a
bridge spreads such keys evenly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.cardinality import range_counts, range_layout
from dwsim_nb.engine.permute import permute
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Table

if TYPE_CHECKING:
    from dwsim_nb.engine.context import TableRuntime
    from dwsim_nb.engine.layout import Plan


@dataclass(frozen=True)
class Bridge:
    """The foreign keys (by index) that make up one bridge key, leading key first."""

    key: tuple[str, ...]
    fks: tuple[int, ...]


def _owners(table: Table) -> dict[str, int]:
    # A column listed by several foreign keys takes its values from the first (as in context).
    owner: dict[str, int] = {}
    for i, fk in enumerate(table.foreign_keys):
        for c in fk.columns:
            owner.setdefault(c, i)
    return owner


def bridge_for(table: Table, key: list[str]) -> Bridge | None:
    """The bridge layout of ``key``, or None if the key has a column not set by a foreign key.

    Raises GenerationError when a foreign key supplies part of the key but also columns outside
    it (its parent rows would then not decide the key's values alone).
    """
    owner = _owners(table)
    if len(key) < 2 or not all(c in owner for c in key):
        return None
    fks: list[int] = []
    for c in key:
        if owner[c] not in fks:
            fks.append(owner[c])
    if len(fks) < 2:
        return None  # one foreign key is the whole key: a one-to-one key, handled as such
    for i in fks:
        fk = table.foreign_keys[i]
        outside = [c for c in fk.columns if c not in key]
        if outside:
            raise GenerationError(
                f"table '{table.key}', key ({', '.join(key)}): foreign key "
                f"({', '.join(fk.columns)}) -> '{fk.references_table}' also sets "
                f"{outside}, outside the key, so the key cannot be made unique from parent rows",
                hint="make the key include every column of that foreign key, or drop the key",
            )
    ranged = [i for i in fks if _range_card(table, i) is not None]
    if ranged:
        fks.remove(ranged[0])
        fks.insert(0, ranged[0])
    return Bridge(tuple(key), tuple(fks))


def _range_card(table: Table, fk_index: int) -> tuple[int, int] | None:
    card = table.foreign_keys[fk_index].cardinality
    if card is not None and card.kind == "range" and card.min is not None and card.max is not None:
        return card.min, card.max
    return None


def bridges(table: Table) -> dict[int, Bridge]:
    """Foreign key index -> the bridge it belongs to (the first bridge key wins)."""
    out: dict[int, Bridge] = {}
    for key in table.unique_keys():
        b = bridge_for(table, key)
        if b is not None:
            for i in b.fks:
                out.setdefault(i, b)
    return out


def parent_counts(plan: Plan, table: Table, bridge: Bridge) -> list[int]:
    return [plan.rows[plan.table(table.foreign_keys[i].references_table).key] for i in bridge.fks]


def check_bridge(plan: Plan, table: Table, bridge: Bridge, n: int) -> None:
    """Raise GenerationError if ``n`` rows cannot all get distinct parent tuples."""
    counts = parent_counts(plan, table, bridge)
    product = 1
    for c in counts:
        product *= c
    if n > product:
        sizes = " x ".join(
            f"{table.foreign_keys[i].references_table} {c}"
            for i, c in zip(bridge.fks, counts, strict=True)
        )
        raise GenerationError(
            f"table '{table.key}', key ({', '.join(bridge.key)}): every column comes from a "
            f"foreign key, so there are at most {product} distinct tuples ({sizes}), fewer than "
            f"the {n} rows requested",
            hint=f"request at most {product} rows for '{table.key}' or more parent rows",
        )
    for i in bridge.fks:
        fk = table.foreign_keys[i]
        parent = plan.table(fk.references_table)
        keys = [sorted(k) for k in parent.unique_keys()]
        if sorted(fk.references_columns) not in keys:
            raise GenerationError(
                f"table '{table.key}', key ({', '.join(bridge.key)}): foreign key "
                f"({', '.join(fk.columns)}) references ({', '.join(fk.references_columns)}) "
                f"of '{parent.key}', which is not unique there, so distinct parent rows may "
                "repeat a value",
                hint=f"declare ({', '.join(fk.references_columns)}) as the primary key or a "
                f"unique key of '{parent.key}'",
            )


def _fk_key(trt: TableRuntime, fk_index: int) -> int:
    fk = trt.foreign_key(fk_index)
    return trt.column_key(f"fk{fk_index}", fk.references_table)


def bridge_rows(trt: TableRuntime, bridge: Bridge, fk_index: int, rows: np.ndarray) -> np.ndarray:
    """Parent row numbers of foreign key ``fk_index`` for child ``rows`` of a bridge table."""

    rows = np.asarray(rows, dtype=np.int64)
    n = trt.n
    counts = parent_counts(trt.plan, trt.table, bridge)
    lead, lead_count = bridge.fks[0], counts[0]
    if len(rows) == 0 or lead_count == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    rest_total = 1
    for c in counts[1:]:
        rest_total *= c
    card = _range_card(trt.table, lead)
    if card is not None and card[1] <= rest_total:
        lo, hi = card
        parent, position = range_layout(_fk_key(trt, lead), rows, n, lead_count, lo, hi)
        q, _, d = range_counts(lead_count, n, lo, hi)
        # Where each parent's group begins in range_layout's order: pairs of parents share
        # 2q rows, the first taking q + trade of them; a lone last parent follows the pairs.
        pair = parent // 2
        trade = seeds.below(seeds.derive_key(_fk_key(trt, lead), "trade"), pair, d + 1) if d else 0
        paired = pair < lead_count // 2
        start = np.where(
            paired,
            2 * q * pair + np.where(parent % 2 == 0, 0, q + trade),
            2 * q * (lead_count // 2),
        )
        scatter = seeds.derive_key(_fk_key(trt, lead), "range-scatter")
    else:
        # Even spread: parent i mod P; parent p's group starts after the children of 0..p-1.
        q, r = divmod(n, lead_count)
        parent = rows % lead_count
        position = rows // lead_count
        start = parent * q + np.minimum(parent, r)
        scatter = seeds.derive_key(_fk_key(trt, lead), "bridge-scatter")
    which = bridge.fks.index(fk_index)
    if which == 0:
        return permute(parent, lead_count, scatter)
    rest = (start + position) % rest_total
    below = 1
    for c in counts[1:which]:
        below *= c
    digit = (rest // below) % counts[which]
    return permute(digit, counts[which], seeds.derive_key(_fk_key(trt, fk_index), "bridge"))
