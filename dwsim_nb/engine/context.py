"""Per-process generation state: a table's column generators and row batches.

``TableRuntime.column_at(name, rows)`` computes a column for any row indices, which is how a
block is made (rows = the block's range) and how a child recomputes a parent's key or date for
the parent rows its foreign key picked. A ``Batch`` computes each column of a set of rows at most
once, so derived columns, ``after`` dates and multi-column keys share their inputs.

The runtime knows no generator: :class:`Generators` hands it the engine's choice of generator,
bridge keys and parent rows (wired in :mod:`dwsim_nb.engine.runtime`), so the generators can
import this module and not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.arrow_types import arrow_schema, arrow_type
from dwsim_nb.engine.layout import Plan
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column, ForeignKey, Table
from dwsim_nb.spec.types import STRING_TYPES, is_unbounded_length

# A generator maps (column, context, row indices) to the column's values for those rows.
Gen = Callable[[Column, "ColumnContext", np.ndarray], Any]


@dataclass(frozen=True)
class Generators:
    """What the runtime asks of the generators: each column's generator (chosen once per
    table), a table's bridge keys, and the parent rows a foreign key picks for child rows (a
    key that follows a column of the child reads it from the batch, when there is one)."""

    pick: Callable[[TableRuntime, Column], Gen]
    bridges: Callable[[Table], dict[int, Any]]
    parent_rows: Callable[[TableRuntime, int, np.ndarray, Batch | None], np.ndarray]


class ColumnContext:
    """What a generator may use: its keys, its table, the batch's other columns, the plan."""

    def __init__(self, trt: TableRuntime, col: Column, batch: Batch) -> None:
        self.trt = trt
        self.col = col
        self.batch = batch
        self.key = trt.column_key(col.name)

    @property
    def plan(self) -> Plan:
        return self.trt.plan

    def subkey(self, *parts: object) -> int:
        return seeds.derive_key(self.key, *parts)

    def uniform(self, rows: np.ndarray, *parts: object) -> np.ndarray:
        return seeds.uniform(self.subkey(*parts) if parts else self.key, rows)

    def below(self, rows: np.ndarray, n: int, *parts: object) -> np.ndarray:
        return seeds.below(self.subkey(*parts) if parts else self.key, rows, n)

    def other(self, name: str) -> pa.Array:
        """Another column of the same rows (derived columns, same-table ``after``)."""
        return self.batch.column(name)

    def per_block(
        self, rows: np.ndarray, sample: Callable[[np.random.Generator, int], np.ndarray]
    ) -> np.ndarray:
        """Values from a numpy sampler seeded per block, for any rows.

        A block's values depend only on (key, block), so the whole block is drawn and the
        requested rows picked; for a block task the request is the block itself.
        """
        size = self.plan.block_size
        total = self.trt.n
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return sample(seeds.block_rng(self.key, 0), 0)
        first = int(rows[0]) // size
        start, stop = first * size, min(total, first * size + size)
        if len(rows) == stop - start and int(rows[0]) == start and int(rows[-1]) == stop - 1:
            return sample(seeds.block_rng(self.key, first), stop - start)
        blocks = rows // size
        out: np.ndarray | None = None
        for b in np.unique(blocks):
            start, stop = int(b) * size, min(total, int(b) * size + size)
            values = sample(seeds.block_rng(self.key, int(b)), stop - start)
            sel = blocks == b
            if out is None:
                out = np.empty(len(rows), dtype=values.dtype)
            out[sel] = values[rows[sel] - start]
        assert out is not None
        return out


class Batch:
    """The columns of one set of rows of one table, each computed once."""

    def __init__(self, trt: TableRuntime, rows: np.ndarray) -> None:
        self.trt = trt
        self.rows = np.asarray(rows, dtype=np.int64)
        self._cols: dict[str, pa.Array] = {}
        self._parent_rows: dict[int, np.ndarray] = {}
        self._busy: set[str] = set()
        self._busy_keys: set[int] = set()

    def column(self, name: str) -> pa.Array:
        if name not in self._cols:
            known = self.trt.rt.memo.get(self.trt, name, self.rows)
            if known is not None:
                self._cols[name] = known
                return known
            if name in self._busy:
                raise GenerationError(
                    f"table '{self.trt.name}': column '{name}' depends on itself "
                    "(through expressions or 'after')"
                )
            self._busy.add(name)
            try:
                self._cols[name] = self.trt.compute(name, self)
            finally:
                self._busy.discard(name)
            self.trt.rt.memo.put(self.trt, name, self.rows, self._cols[name])
        return self._cols[name]

    def parent_rows(self, fk_index: int) -> np.ndarray:
        """Parent row numbers picked by foreign key ``fk_index`` (-1 where the key is null)."""
        if fk_index not in self._parent_rows:
            if fk_index in self._busy_keys:
                fk = self.trt.foreign_key(fk_index)
                raise GenerationError(
                    f"table '{self.trt.name}', foreign key ({', '.join(fk.columns)}): the key "
                    "depends on itself (its cardinality reads a column that follows its parent)",
                    hint="give the key another cardinality, or the column another rule",
                )
            self._busy_keys.add(fk_index)
            try:
                pick = self.trt.rt.generators.parent_rows
                self._parent_rows[fk_index] = pick(self.trt, fk_index, self.rows, self)
            finally:
                self._busy_keys.discard(fk_index)
        return self._parent_rows[fk_index]

    def table(self) -> pa.Table:
        arrays = [self.column(c.name) for c in self.trt.table.columns]
        fields = [f.with_type(a.type) for f, a in zip(self.trt.schema, arrays, strict=True)]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class TableRuntime:
    """Generators of one table, resolved once per process."""

    def __init__(self, rt: Runtime, name: str) -> None:
        self.rt = rt
        self.plan = rt.plan
        self.table = rt.plan.table(name)
        self.name = self.table.key
        self.n = rt.plan.rows[self.name]
        self.schema = arrow_schema(self.table)
        self.types = {c.name: arrow_type(c) for c in self.table.columns}
        # column -> (index of its foreign key, position of the column in that key)
        self.fk_of: dict[str, tuple[int, int]] = {}
        for i, fk in enumerate(self.table.foreign_keys):
            for j, c in enumerate(fk.columns):
                self.fk_of.setdefault(c, (i, j))
        # foreign key index -> the bridge key it is part of (keys made only of foreign keys)
        self.bridges = rt.generators.bridges(self.table)
        pick = rt.generators.pick
        self.gens: dict[str, Gen] = {c.name: pick(self, c) for c in self.table.columns}

    def column_key(self, column: str, *parts: object) -> int:
        return seeds.derive_key(self.plan.seed, self.name, column, *parts)

    def foreign_key(self, index: int) -> ForeignKey:
        return self.table.foreign_keys[index]

    def compute(self, name: str, batch: Batch) -> pa.Array:
        col = self.table.column(name)
        ctx = ColumnContext(self, col, batch)
        values = self.gens[name](col, ctx, batch.rows)
        arr = to_arrow(values, col, self.types[name])
        if (
            col.data_type in STRING_TYPES
            and col.varchar_length
            and not is_unbounded_length(col.varchar_length)
        ):
            arr = _truncate(arr, col.varchar_length)
        rate = col.effective_null_rate
        if rate > 0 and name not in self.fk_of and len(arr):
            mask = pa.array(seeds.uniform(self.column_key(name, "null"), batch.rows) < rate)
            if isinstance(arr, pa.DictionaryArray):
                indices = pc.if_else(mask, pa.nulls(len(arr), arr.indices.type), arr.indices)
                arr = pa.DictionaryArray.from_arrays(indices, arr.dictionary)
            else:
                arr = pc.if_else(mask, pa.nulls(len(arr), arr.type), arr)
        return arr

    def column_at(self, name: str, rows: np.ndarray) -> pa.Array:
        return Batch(self, rows).column(name)

    def block(self, block: int) -> pa.Table:
        start, stop = self.plan.block_range(self.name, block)
        return Batch(self, np.arange(start, stop, dtype=np.int64)).table()


class Runtime:
    """All table runtimes of a plan in this process (parents are built on demand)."""

    def __init__(self, plan: Plan, generators: Generators) -> None:
        self.plan = plan
        self.generators = generators
        self._tables: dict[str, TableRuntime] = {}
        self.memo = Memo()

    def table(self, name: str) -> TableRuntime:
        name = self.plan.table(name).key
        if name not in self._tables:
            self._tables[name] = TableRuntime(self, name)
        return self._tables[name]


class Memo:
    """Columns of small contiguous row ranges computed in this process, reused by later
    batches of the same table and column.

    A column is a pure function of its rows, so a stored range answers any request inside it.
    Parent sums, counts and time order through foreign keys make a table's block compute the
    next table's columns (and that one's next ...): without this, a chain of linked tables
    recomputes every level below each table (quadratic in depth: 80 linked tables took 19 s).
    Only ranges up to ``MAX_ROWS`` are stored, within ``BUDGET`` bytes (least recently used
    dropped first): big tables' blocks pass by untouched, so large runs keep their memory.
    A scattered request of small span is answered by computing (and storing) its whole span,
    also a big one (a million sales asking for the start times of their 20,000 events).
    """

    MAX_ROWS = 65_536
    MAX_SPAN = 262_144  # a whole small table asked for densely (see ``get``)
    BUDGET = 64 * 2**20

    def __init__(self) -> None:
        self._ranges: dict[tuple[str, str], list[tuple[int, int, pa.Array]]] = {}
        self._order: dict[tuple[str, str, int], int] = {}  # insertion order = LRU order
        self._bytes = 0

    def get(self, trt: TableRuntime, name: str, rows: np.ndarray) -> pa.Array | None:
        n = len(rows)
        if n == 0:
            return None
        first, last = int(rows[0]), int(rows[-1])
        if n > self.MAX_ROWS and last - first + 1 == n:
            return None  # a big table's block
        ranges = self._ranges.get((trt.name, name))
        contiguous = last - first + 1 == n and _is_range(rows)
        lo, hi = (first, last) if contiguous else (int(rows.min()), int(rows.max()))
        if n > self.MAX_ROWS and (contiguous or hi - lo + 1 > min(n, self.MAX_SPAN)):
            return None
        for start, stop, arr in ranges or ():
            if start <= lo and hi < stop:
                self._touch(trt.name, name, start)
                if contiguous:
                    return arr.slice(lo - start, n)
                return arr.take(pa.array(rows - start))
        span = hi - lo + 1
        # Scattered rows of a small table (a million lines asking for the prices of 200,000
        # parts): when the whole span costs no more than the rows asked, compute it once and
        # keep it (up to MAX_SPAN rows); every later block then only takes from it.
        dense = n >= span
        if contiguous or span > 4 * n or span > (self.MAX_SPAN if dense else self.MAX_ROWS):
            return None
        whole = Batch(trt, np.arange(lo, hi + 1, dtype=np.int64)).column(name)
        if span > self.MAX_ROWS:
            self._store(trt.name, name, lo, whole)
        return whole.take(pa.array(rows - lo))

    def put(self, trt: TableRuntime, name: str, rows: np.ndarray, arr: pa.Array) -> None:
        n = len(rows)
        if n == 0 or n > self.MAX_ROWS:
            return
        first = int(rows[0])
        if int(rows[-1]) - first + 1 != n or not _is_range(rows):
            return
        self._store(trt.name, name, first, arr)

    def _store(self, table: str, name: str, first: int, arr: pa.Array) -> None:
        if (table, name, first) in self._order:
            return
        size = arr.nbytes
        self._ranges.setdefault((table, name), []).append((first, first + len(arr), arr))
        self._order[(table, name, first)] = size
        self._bytes += size
        while self._bytes > self.BUDGET and self._order:
            (tname, cname, start), dropped = next(iter(self._order.items()))
            del self._order[(tname, cname, start)]
            self._bytes -= dropped
            kept = [r for r in self._ranges[(tname, cname)] if r[0] != start]
            self._ranges[(tname, cname)] = kept

    def _touch(self, table: str, name: str, start: int) -> None:
        key = (table, name, start)
        size = self._order.pop(key, None)
        if size is not None:
            self._order[key] = size


def _is_range(rows: np.ndarray) -> bool:
    return bool(np.all(np.diff(rows) == 1))


def _truncate(arr: pa.Array, length: int) -> pa.Array:
    if isinstance(arr, pa.DictionaryArray):
        # Pool-backed columns: shorten the few thousand pool values, not every row; at a word's
        # end where there is one ("Harris, Mitchell and Schn" was a company name cut short).
        short = pa.array(
            [None if v is None else fit_words(v, length) for v in arr.dictionary.to_pylist()],
            arr.dictionary.type,
        )
        return pa.DictionaryArray.from_arrays(arr.indices, short)
    if pa.types.is_string(arr.type) and len(arr):
        # No value has more characters than bytes: when the longest value in bytes fits (the
        # usual case: patterns, emails), skip slicing every row, which cost ~5% of a block.
        buf = arr.buffers()[1]
        offsets = np.frombuffer(buf, dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
        if int(np.diff(offsets).max()) <= length:
            return arr
    return pc.utf8_slice_codeunits(arr, 0, length)


# Words that do not end a shortened name or phrase ("Harris, Mitchell and" -> "Harris, Mitchell").
_DANGLING = {"and", "&", "of", "the", "a", "an", "in", "on", "at", "for", "to", "with", "or"}


def fit_words(value: str, length: int) -> str:
    """``value`` in at most ``length`` characters: whole words where the value has spaces
    (a dangling "and" or comma dropped), else its first ``length`` characters."""
    if len(value) <= length:
        return value
    cut = value[: length + 1].rsplit(None, 1)[0] if " " in value[: length + 1] else ""
    words = cut.rstrip(" ,;:-&/").split()
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    shortened = " ".join(words).rstrip(" ,;:-&/")
    # Too little left (one short word of a long value): the plain cut keeps more of it.
    return shortened if len(shortened) >= length // 2 else value[:length]


def to_arrow(values: Any, col: Column, typ: pa.DataType) -> pa.Array:
    """Turn a generator's output into an array of the column's Arrow type.

    Generators return numpy arrays in the type's storage unit (days for DATE, microseconds for
    TIME and TIMESTAMP) or Arrow arrays.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.DictionaryArray):
        # Kept dictionary-encoded when the values already have the column's type: Parquet
        # then writes the dictionary as is instead of hashing every row's string.
        if values.dictionary.type.equals(typ):
            return values
        values = values.dictionary_decode()
    if isinstance(values, pa.Array):
        if values.type.equals(typ):
            return values
        if pa.types.is_decimal(typ) and pa.types.is_floating(values.type):
            fast = _decimal_from_numpy(values, typ)
            if fast is not None:
                return fast
            return pc.cast(pc.round(values, typ.scale), typ, safe=False)
        if pa.types.is_decimal(typ) and pa.types.is_integer(values.type):
            return _int_to_decimal(values, typ)
        if pa.types.is_integer(typ) and pa.types.is_floating(values.type):
            values = pc.round(values)
        return pc.cast(values, typ, safe=False)
    arr = np.asarray(values)
    if pa.types.is_date32(typ):
        return pa.array(arr.astype(np.int32), type=pa.int32()).view(typ)
    if pa.types.is_timestamp(typ) or pa.types.is_time64(typ):
        return pa.array(arr.astype(np.int64), type=pa.int64()).view(typ)
    if pa.types.is_decimal(typ):
        fast = _decimal_from_numpy(arr, typ)
        if fast is not None:
            return fast
        if arr.dtype.kind in "iu":
            return _int_to_decimal(pa.array(arr), typ)
        if arr.dtype.kind == "f":
            arr = np.round(arr, typ.scale)
        return pc.cast(pa.array(arr), typ, safe=False)
    if pa.types.is_integer(typ):
        if arr.dtype.kind == "f":
            arr = np.rint(arr)
        return pa.array(arr.astype(typ.to_pandas_dtype()), type=typ)
    if pa.types.is_boolean(typ):
        return pa.array(arr.astype(bool), type=typ)
    if pa.types.is_floating(typ):
        return pa.array(arr.astype(np.float64), type=typ)
    return pc.cast(pa.array(arr), typ, safe=False)


def _decimal_from_numpy(values: Any, typ: pa.DataType) -> pa.Array | None:
    """Numbers into DECIMAL(p, s) by writing the 128-bit unscaled integers directly: Arrow's
    float -> decimal cast took 1.5 s of a 14M-row run with four DECIMAL columns (up to 30x
    slower than this on some blocks). The result is the same as Arrow's rounding half to even
    at the scale; ``None`` (Arrow's path) for nulls, DECIMAL256, values outside the precision
    or beyond what a float holds exactly."""
    if not pa.types.is_decimal128(typ):
        return None
    if isinstance(values, pa.Array):
        if values.null_count:
            return None
        values = values.to_numpy(zero_copy_only=False)
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf" or len(arr) == 0:
        return None
    limit = 10**typ.precision
    if arr.dtype.kind == "f":
        if typ.scale > 15:
            return None
        scaled = np.round(arr, typ.scale) * 10.0**typ.scale
        with np.errstate(invalid="ignore"):
            big = not bool(np.all(np.abs(scaled) < min(float(limit), 2.0**53)))
        if big:  # also NaN and infinities
            return None
        unscaled = np.rint(scaled).astype(np.int64)
    else:
        if typ.scale > 18 or len(arr) == 0:
            return None
        top = max(abs(int(arr.max())), abs(int(arr.min())))
        if top * 10**typ.scale >= min(limit, 2**63):
            return None
        unscaled = arr.astype(np.int64) * np.int64(10**typ.scale)
    words = np.empty((len(unscaled), 2), dtype=np.int64)
    words[:, 0] = unscaled
    words[:, 1] = unscaled >> 63
    return pa.Array.from_buffers(typ, len(unscaled), [None, pa.py_buffer(words)])


def _int_to_decimal(values: pa.Array, typ: pa.DataType) -> pa.Array:
    """Integers into DECIMAL(p, s): Arrow refuses int64 -> DECIMAL with p < 19 outright (even
    for small values, e.g. TPC-C's DECIMAL(2,0) quantities), so widen to the largest decimal of
    the same width first; the generators keep the values inside the column's precision."""
    wide = pa.decimal256(76, 0) if pa.types.is_decimal256(typ) else pa.decimal128(38, 0)
    return pc.cast(pc.cast(values, wide), typ, safe=False)
