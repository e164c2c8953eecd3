"""What a source is read into: a sample of each table's rows, its row count, its declared keys.

:mod:`dwsim_nb.infer.sources` reads DataFrames, Parquet and databases into these; the profiles and
the key checks of :mod:`dwsim_nb.infer` read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from dwsim_nb.errors import DwsimError

if TYPE_CHECKING:
    import pyarrow as pa


class InferError(DwsimError):
    """A spec could not be inferred from the given data."""


@dataclass
class Declared:
    """What a database says about one table besides its rows."""

    types: dict[str, str] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    # (child columns, parent table, parent columns)
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    not_null: set[str] = field(default_factory=set)


# Distinct tuples of some columns over all rows of a table (rows with a NULL in them left out),
# and the number of rows without a NULL in them.
KeyTuples: TypeAlias = tuple["pa.Table", int]


@dataclass
class SourceTable:
    """One table: a sample of its rows (``data``), its real row count and its declared keys.

    ``all_rows`` answers :meth:`key_tuples` over every row when ``data`` is only a sample.
    """

    name: str
    data: pa.Table
    rows: int
    declared: Declared = field(default_factory=Declared)
    all_rows: Callable[[list[str]], KeyTuples] | None = None
    _tuples: dict[tuple[str, ...], KeyTuples] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def sampled(self) -> bool:
        """True when ``data`` holds fewer rows than the table."""
        return self.data.num_rows < self.rows

    def key_tuples(self, columns: list[str]) -> KeyTuples:
        """Distinct non-NULL tuples of ``columns`` over all rows, and how many rows have them.

        Exact whatever the sample: the sample when it is the whole table, else ``all_rows``
        (which reads only these columns). Cached per column list.
        """
        key = tuple(columns)
        if key not in self._tuples:
            if self.sampled and self.all_rows is not None:
                self._tuples[key] = self.all_rows(list(columns))
            else:
                self._tuples[key] = distinct_tuples(self.data, list(columns))
        return self._tuples[key]

    def is_unique_key(self, columns: list[str]) -> bool:
        """Every row has a value in each of ``columns`` and no two rows the same tuple."""
        distinct, complete = self.key_tuples(columns)
        return complete == self.rows > 0 and distinct.num_rows == complete


@dataclass
class SourceData:
    tables: list[SourceTable]
    dialect: str = "duckdb"
    where: str = "<data>"
    close: Callable[[], None] | None = None  # releases what ``all_rows`` still holds open


def complete_rows(table: pa.Table, columns: list[str]) -> pa.Table:
    """The rows of ``table`` with a value in each of ``columns``, only those columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for name in columns:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        arrays.append(col)
    picked = pa.table(arrays, names=list(columns))
    if picked.num_rows and any(c.null_count for c in picked.columns):
        valid = pc.is_valid(picked.column(0))
        for col in picked.columns[1:]:
            valid = pc.and_(valid, pc.is_valid(col))
        picked = picked.filter(valid)
    return picked


def distinct_tuples(table: pa.Table, columns: list[str]) -> KeyTuples:
    """Distinct tuples of ``columns`` in ``table`` without NULLs, and the rows without NULLs."""
    picked = complete_rows(table, columns)
    complete = picked.num_rows
    if complete == 0:
        return picked, 0
    return picked.group_by(list(columns), use_threads=False).aggregate([]), complete


def sample_positions(rows: int, sample_rows: int, seed: int) -> np.ndarray | None:
    """Sorted row positions of a reproducible sample of ``sample_rows`` out of ``rows``, or
    None when the table is small enough to read whole."""
    if rows <= sample_rows:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(rows, size=sample_rows, replace=False))
