"""Strings built from bytes: patterns (``SKU-#####``, ``??-####``), UUIDs, row-derived suffixes.

Fixed-width strings are assembled as an (n, width) uint8 matrix and handed to Arrow as one data
buffer with computed offsets, so a million strings cost a few numpy operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.permute import permute
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import PatternRule, rule_of
from dwsim_nb.spec.types import is_unbounded_length

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGITS = 48  # ord("0")
_LETTERS = 65  # ord("A")


def from_matrix(chars: np.ndarray) -> pa.Array:
    """An Arrow string array from an (n, width) matrix of ASCII bytes."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )


def pattern_slots(pattern: str) -> list[int]:
    """Radix of each placeholder in order: 10 for '#', 26 for '?'."""
    return [10 if ch == "#" else 26 for ch in pattern if ch in "#?"]


def pattern_domain(pattern: str) -> int:
    size = 1
    for radix in pattern_slots(pattern):
        size *= radix
    return size


def pattern_strings(pattern: str, numbers: np.ndarray) -> pa.Array:
    """Render each number in [0, domain) as the pattern, digit by digit (a bijection)."""
    raw = pattern.encode("utf-8")
    if not all(ch < 128 for ch in raw):
        # Non-ASCII literals: build the placeholders only, then join with the literals.
        return _pattern_join(pattern, numbers)
    n = len(numbers)
    chars = np.empty((n, len(raw)), dtype=np.uint8)
    chars[:] = np.frombuffer(raw, dtype=np.uint8)
    rest = np.asarray(numbers).astype(np.uint64)
    # Fill from the right so the last placeholder is the least significant digit.
    for pos in range(len(raw) - 1, -1, -1):
        ch = chr(raw[pos])
        if ch not in "#?":
            continue
        radix = np.uint64(10 if ch == "#" else 26)
        chars[:, pos] = (rest % radix).astype(np.uint8) + (_DIGITS if ch == "#" else _LETTERS)
        rest //= radix
    return from_matrix(chars)


def _pattern_join(pattern: str, numbers: np.ndarray) -> pa.Array:
    pieces: list[pa.Array | str] = []
    rest = np.asarray(numbers).astype(np.uint64)
    parts: list[pa.Array | str] = []
    literal = ""
    for ch in reversed(pattern):
        if ch in "#?":
            if literal:
                parts.append(literal[::-1])
                literal = ""
            radix = np.uint64(10 if ch == "#" else 26)
            code = (rest % radix).astype(np.uint8) + (_DIGITS if ch == "#" else _LETTERS)
            rest //= radix
            parts.append(from_matrix(code.reshape(-1, 1)))
        else:
            literal += ch
    if literal:
        parts.append(literal[::-1])
    pieces = parts[::-1]
    return pc.binary_join_element_wise(*pieces, "")


def gen_pattern(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    pattern = rule_of(col, PatternRule).pattern
    domain = pattern_domain(pattern)
    if domain < 2**62:
        numbers = ctx.below(rows, domain)
    else:
        numbers = seeds.hash_rows(ctx.key, rows).view(np.int64)
    return pattern_strings(pattern, numbers)


def gen_unique_pattern(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    pattern = rule_of(col, PatternRule).pattern
    domain = min(pattern_domain(pattern), 2**63 - 1)
    return pattern_strings(pattern, permute(rows, domain, ctx.subkey("unique")))


def gen_uuid(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    """Version-4 UUID text; the low 62 bits are a bijection of the row, so never repeated."""
    n = len(rows)
    high = seeds.hash_rows(ctx.subkey("uuid-high"), rows)
    low = permute(rows, 1 << 62, ctx.subkey("uuid-low")).astype(np.uint64)
    low |= np.uint64(0x8000000000000000)  # RFC 4122 variant bits 10
    high = (high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)  # version 4
    raw = np.empty((n, 16), dtype=np.uint8)
    raw[:, :8] = high.astype(">u8").view(np.uint8).reshape(n, 8)
    raw[:, 8:] = low.astype(">u8").view(np.uint8).reshape(n, 8)
    hexes = np.empty((n, 32), dtype=np.uint8)
    hexes[:, 0::2] = _HEX[raw >> 4]
    hexes[:, 1::2] = _HEX[raw & 15]
    chars = np.full((n, 36), ord("-"), dtype=np.uint8)
    for src, dst in ((0, 0), (8, 9), (12, 14), (16, 19), (20, 24)):
        width = {0: 8, 8: 4, 12: 4, 16: 4, 20: 12}[src]
        chars[:, dst : dst + width] = hexes[:, src : src + width]
    return from_matrix(chars)


def row_suffix(ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    """A random-looking number that differs for every row of the table, as text."""
    return pc.cast(pa.array(permute(rows, max(ctx.trt.n, 1), ctx.subkey("suffix"))), pa.string())


# Text shorter than this before the row's number reads as noise: a code of letters reads better.
_SHORTEST_STEM = 3


def unique_text(ctx: ColumnContext, rows: np.ndarray, text: pa.Array, sep: str) -> pa.Array:
    """``text`` made unique by the row's number (``sep`` between), within the column's width.

    Truncating ``word-123`` to a short width would cut the number and repeat values, so the
    text is shortened instead; a width too small for any text and the number (a ``CHAR(5)``
    key) gets upper-case letter codes (``QZKFA``), distinct for every row.
    """
    width = ctx.col.varchar_length
    if is_unbounded_length(width) or ctx.col.data_type not in ("CHAR", "VARCHAR", "TEXT"):
        return pc.binary_join_element_wise(text, row_suffix(ctx, rows), sep)
    assert width is not None
    room = width - len(sep) - len(str(max(ctx.trt.n - 1, 0)))
    if room < _SHORTEST_STEM:
        return letter_codes(ctx, rows, width)
    text = pc.utf8_slice_codeunits(text, 0, room)
    return pc.binary_join_element_wise(text, row_suffix(ctx, rows), sep)


def letter_codes(ctx: ColumnContext, rows: np.ndarray, width: int) -> pa.Array:
    """Distinct codes of ``width`` upper-case letters, a keyed permutation of the rows."""
    domain = min(26**width, 2**62)
    return pattern_strings("?" * width, permute(rows, domain, ctx.subkey("code")))


def gen_binary(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    n = len(rows)
    a = seeds.hash_rows(ctx.subkey("b0"), rows)
    b = seeds.hash_rows(ctx.subkey("b1"), rows)
    data = np.stack([a, b], axis=1).view(np.uint8).reshape(n, 16)
    offsets = np.arange(0, (n + 1) * 16, 16, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )
