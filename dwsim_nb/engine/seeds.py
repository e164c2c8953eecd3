"""Seeds and counter-based random numbers.

Every random value is a function of a 64-bit key derived from (seed, table, column, purpose) and
the row index. Keys come from blake2b (Python's ``hash()`` is salted per process, so it would make
workers disagree). Random-access columns hash the row index directly, so any row can be recomputed
on its own (foreign keys recompute parent keys this way); distributions that need numpy's samplers
use a generator seeded per (key, block) instead.
"""

from __future__ import annotations

import hashlib

import numpy as np

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S33 = np.uint64(33)
_S11 = np.uint64(11)
_MASK64 = (1 << 64) - 1


def derive_key(seed: int, *parts: object) -> int:
    """A stable 64-bit key for ``seed`` and any parts (table, column, purpose, block ...)."""
    h = hashlib.blake2b(digest_size=8)
    h.update(str(int(seed)).encode())
    for part in parts:
        h.update(b"\x1f")
        h.update(str(part).encode())
    return int.from_bytes(h.digest(), "little")


def fmix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, in place; a bijection on uint64 with good avalanche."""
    x ^= x >> _S33
    x *= _M1
    x ^= x >> _S33
    x *= _M2
    x ^= x >> _S33
    return x


def hash_rows(key: int, rows: np.ndarray) -> np.ndarray:
    """One pseudo-random uint64 per row index: a pure function of (key, row)."""
    x = np.asarray(rows).astype(np.uint64)
    x *= _GOLDEN
    x += np.uint64(key & _MASK64)
    return fmix64(x)


def uniform(key: int, rows: np.ndarray) -> np.ndarray:
    """Floats in [0, 1), one per row index."""
    return (hash_rows(key, rows) >> _S11).astype(np.float64) * (2.0**-53)


def below(key: int, rows: np.ndarray, n: int) -> np.ndarray:
    """Integers in [0, n), one per row index (int64)."""
    if n <= 1:
        return np.zeros(len(rows), dtype=np.int64)
    if n < (1 << 52):
        out = (uniform(key, rows) * n).astype(np.int64)
        np.minimum(out, n - 1, out=out)
        return out
    # Huge domains: modulo bias is below 2**-10 and irrelevant for simulated data.
    return (hash_rows(key, rows) % np.uint64(min(n, _MASK64))).astype(np.int64)


def block_rng(key: int, block: int) -> np.random.Generator:
    """numpy Generator for one block of one column (for samplers without random access)."""
    return np.random.Generator(np.random.PCG64([key & _MASK64, int(block)]))
