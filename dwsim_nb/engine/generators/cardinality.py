"""How child rows spread over parent rows: the row layouts behind ``zipf`` and ``range``.

Pure functions of (key, child rows, counts), shared by single foreign keys and bridge keys.
"""

from __future__ import annotations

import numpy as np

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.permute import permute


def zipf_rows(key: int, rows: np.ndarray, parents: int, s: float) -> np.ndarray:
    """Ranks from a power law x**-s on [1, P+1) by inverting its CDF, then scattered."""
    u = seeds.uniform(seeds.derive_key(key, "zipf"), rows)
    e = 1.0 - s
    top = float(parents + 1) ** e
    x = (u * (top - 1.0) + 1.0) ** (1.0 / e)
    ranks = np.clip(np.floor(x).astype(np.int64) - 1, 0, parents - 1)
    # Hot parents should be spread over the table, not be rows 0, 1, 2 ...
    return permute(ranks, parents, seeds.derive_key(key, "zipf-scatter"))


def range_counts(parents: int, n: int, lo: int, hi: int) -> tuple[int, int, int]:
    """(q, r, d): each parent has q children (+1 for the first r), pairs trade up to d."""
    q, r = divmod(n, parents)
    top = q + (1 if r else 0)
    d = max(0, min(hi - top, q - lo))
    return q, r, d


def range_layout(
    key: int, rows: np.ndarray, n: int, parents: int, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """(parent before scattering, position of the child among its parent's children).

    Children are grouped per parent: parent 2k has q + t_k and parent 2k+1 has q - t_k
    children, a lone last parent has q, and the last r rows add one child to parents 0..r-1.
    """
    q, _, d = range_counts(parents, n, lo, hi)
    rows = np.asarray(rows, dtype=np.int64)
    base_total = q * parents
    parent = np.empty(len(rows), dtype=np.int64)
    position = np.empty(len(rows), dtype=np.int64)
    extra = rows >= base_total
    j = rows[~extra]
    if q > 0:
        pair = j // (2 * q)
        offset = j % (2 * q)
        paired = pair < parents // 2
        trade = seeds.below(seeds.derive_key(key, "trade"), pair, d + 1) if d else 0
        first = offset < q + trade
        parent[~extra] = np.where(paired, np.where(first, 2 * pair, 2 * pair + 1), parents - 1)
        position[~extra] = np.where(
            paired, np.where(first, offset, offset - q - trade), j - 2 * q * (parents // 2)
        )
    e = rows[extra] - base_total
    parent[extra] = e
    if e.size:
        # The remainder child comes after its parent's base children.
        pair_e = e // 2
        trade_e = seeds.below(seeds.derive_key(key, "trade"), pair_e, d + 1) if d else 0
        base = np.where(e % 2 == 0, q + trade_e, q - trade_e)
        position[extra] = np.where(pair_e < parents // 2, base, q)
    return parent, position


def range_rows(
    key: int, rows: np.ndarray, n: int, parents: int, lo: int, hi: int, clustered: bool = False
) -> np.ndarray:
    parent, _ = range_layout(key, rows, n, parents, lo, hi)
    if clustered:
        return parent
    return permute(parent, parents, range_scatter_key(key))


def range_scatter_key(key: int) -> int:
    return seeds.derive_key(key, "range-scatter")


def range_children(
    key: int, parents_before: np.ndarray, n: int, parents: int, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The inverse of :func:`range_layout`: for parents (numbered before scattering), their
    children as ``(start, count, extra)``: rows ``start .. start + count - 1`` and, where
    ``extra`` >= 0, the remainder row ``extra`` (-1: none).
    """
    q, r, d = range_counts(parents, n, lo, hi)
    u = np.asarray(parents_before, dtype=np.int64)
    pair = u // 2
    paired = pair < parents // 2
    if d:
        trade = seeds.below(seeds.derive_key(key, "trade"), pair, d + 1)
    else:
        trade = np.zeros(len(u), dtype=np.int64)
    even = u % 2 == 0
    lone = 2 * q * (parents // 2)
    start = np.where(paired, 2 * q * pair + np.where(even, 0, q + trade), lone)
    count = np.where(paired, np.where(even, q + trade, q - trade), q)
    extra = np.where(u < r, q * parents + u, -1)
    return start, count, extra
