"""Keyed permutations of [0, n): random-looking bijections of the row index.

A balanced Feistel network over the smallest even bit width that covers n, with cycle walking
for values that land outside [0, n). Bijective by construction, so unique columns and
"every parent gets a child" need no retries and no memory of what was used.
"""

from __future__ import annotations

import numpy as np

from dwsim_nb.engine.seeds import derive_key, fmix64

_ROUNDS = 4


def _encrypt(x: np.ndarray, half: int, round_keys: list[np.uint64]) -> np.ndarray:
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left = x >> shift
    right = x & mask
    for k in round_keys:
        f = right ^ k
        fmix64(f)
        left, right = right, left ^ (f & mask)
    return (left << shift) | right


def _decrypt(y: np.ndarray, half: int, round_keys: list[np.uint64]) -> np.ndarray:
    """The inverse of :func:`_encrypt`: the rounds undone in reverse order."""
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left = y >> shift
    right = y & mask
    for k in reversed(round_keys):
        f = left ^ k
        fmix64(f)
        left, right = right ^ (f & mask), left
    return (left << shift) | right


def _setup(rows: np.ndarray, n: int, key: int) -> tuple[np.ndarray, int, list[np.uint64]]:
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size and (int(rows.max()) >= n or int(rows.min()) < 0):
        # Outside the domain, cycle walking might never come back in: refuse instead.
        raise ValueError(f"permute: row index outside [0, {n})")
    bits = max(2, (n - 1).bit_length())
    bits += bits % 2
    round_keys = [np.uint64(derive_key(key, "feistel", i)) for i in range(_ROUNDS)]
    return rows, bits // 2, round_keys


def unpermute(values: np.ndarray, n: int, key: int) -> np.ndarray:
    """The row each value came from: ``unpermute(permute(r, n, k), n, k) == r``.

    Cycle walking backwards: decrypt until the value lands inside [0, n) again.
    """
    values, half, round_keys = _setup(values, n, key)
    if n <= 1:
        return np.zeros(len(values), dtype=np.int64)
    out = _decrypt(values.astype(np.uint64), half, round_keys)
    limit = np.uint64(n)
    bad = np.flatnonzero(out >= limit)
    while bad.size:
        out[bad] = _decrypt(out[bad], half, round_keys)
        bad = bad[out[bad] >= limit]
    return out.astype(np.int64)


def permute(rows: np.ndarray, n: int, key: int) -> np.ndarray:
    """Map each row index in [0, n) to a distinct index in [0, n) (int64)."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size and (int(rows.max()) >= n or int(rows.min()) < 0):
        # Outside the domain, cycle walking might never come back in: refuse instead.
        raise ValueError(f"permute: row index outside [0, {n})")
    if n <= 1:
        return np.zeros(len(rows), dtype=np.int64)
    bits = max(2, (n - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    round_keys = [np.uint64(derive_key(key, "feistel", i)) for i in range(_ROUNDS)]
    out = _encrypt(rows.astype(np.uint64), half, round_keys)
    limit = np.uint64(n)
    bad = np.flatnonzero(out >= limit)
    # Cycle walking: re-encrypt until inside the domain; the domain is at least a quarter of
    # the cipher's, so this loop runs a handful of times on a shrinking subset.
    while bad.size:
        out[bad] = _encrypt(out[bad], half, round_keys)
        bad = bad[out[bad] >= limit]
    return out.astype(np.int64)
