"""Diff two query results: row counts, column names and types, ordering, values and NULLs.

Results arrive as Arrow tables from different engines, so values are first brought to one form
(decimals and floats as floats, timezone-aware timestamps as naive UTC, a midnight timestamp equal
to its date) and compared with a float tolerance. Without ORDER BY rows are compared as multisets;
with it, also position by position over the ORDER BY keys that appear in the result (rows tied on
the keys may come in any order on any engine, so only the keys' sequence must agree).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

# Cells listed per compared warehouse at most (the summary counts them all).
MAX_CELLS = 50


@dataclass
class Difference:
    """One way a warehouse's result differs from the reference warehouse's."""

    kind: str  # error, row_count, columns, column_case, types, order, null_order, values, nulls
    warehouse: str
    message: str


@dataclass
class Cell:
    warehouse: str
    row: int
    column: str
    reference: Any
    value: Any
    kind: str  # value or null


def type_family(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t) or (pa.types.is_decimal(t) and t.scale == 0):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_null(t):
        return "null"
    return str(t)


def normalize(v: Any) -> Any:
    """One form for a value whatever engine returned it."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return v


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    key: list[tuple[int, float, str]] = []
    for v in row:
        if v is None:
            key.append((0, 0.0, ""))
        elif isinstance(v, bool | int | float):
            key.append((1, float(v), ""))
        else:
            key.append((2, 0.0, str(v)))
    return tuple(key)


def _hashable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # Floats rounded to 9 significant digits so that equal-within-tolerance rows meet in a Counter.
    return tuple(float(f"{v:.9g}") if isinstance(v, float) else v for v in row)


def same_value(a: Any, b: Any, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool | int | float) and isinstance(b, bool | int | float):
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    return bool(a == b)


def rows_of(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = [[normalize(v) for v in col.to_pylist()] for col in table.columns]
    return list(zip(*columns, strict=True)) if columns else [()] * table.num_rows


def diff_tables(
    ref_name: str,
    ref: pa.Table,
    name: str,
    other: pa.Table,
    *,
    tol: float,
    order_keys: list[int] | None,
) -> tuple[list[Difference], list[Cell]]:
    """Differences of ``other`` against ``ref``; ``order_keys``: result positions of ORDER BY
    keys (None: no ORDER BY; empty: ordered, but the keys are not result columns)."""
    diffs: list[Difference] = []
    cells: list[Cell] = []
    _columns(ref_name, ref, name, other, diffs)
    if ref.num_rows != other.num_rows:
        diffs.append(
            Difference(
                "row_count",
                name,
                f"{name} returns {other.num_rows:,} rows, {ref_name} {ref.num_rows:,}",
            )
        )
    if ref.num_columns != other.num_columns:
        return diffs, cells
    a, b = rows_of(ref), rows_of(other)
    _values(ref_name, a, name, b, ref.column_names, tol, diffs, cells)
    if order_keys is not None and not any(d.kind in ("values", "nulls") for d in diffs):
        _order(ref_name, a, name, b, order_keys, tol, diffs)
    return diffs, cells


def _columns(
    ref_name: str, ref: pa.Table, name: str, other: pa.Table, diffs: list[Difference]
) -> None:
    ra, rb = ref.column_names, other.column_names
    if ra != rb:
        if [c.lower() for c in ra] == [c.lower() for c in rb]:
            pairs = [f"{x} vs {y}" for x, y in zip(ra, rb, strict=True) if x != y]
            diffs.append(
                Difference(
                    "column_case",
                    name,
                    f"column names differ in case ({ref_name} vs {name}): {', '.join(pairs)}",
                )
            )
        else:
            diffs.append(
                Difference("columns", name, f"columns differ: {ref_name} {ra}, {name} {rb}")
            )
    for i, (fa, fb) in enumerate(zip(ref.schema, other.schema, strict=False)):
        ta, tb = type_family(fa.type), type_family(fb.type)
        if ta != tb and "null" not in (ta, tb):
            diffs.append(
                Difference(
                    "types",
                    name,
                    f"column {i + 1} ({fa.name}) is {ta} ({fa.type}) on {ref_name}, "
                    f"{tb} ({fb.type}) on {name}",
                )
            )


def _values(
    ref_name: str,
    a: list[tuple[Any, ...]],
    name: str,
    b: list[tuple[Any, ...]],
    columns: list[str],
    tol: float,
    diffs: list[Difference],
    cells: list[Cell],
) -> None:
    only_a = Counter(_hashable(r) for r in a)
    only_a.subtract(Counter(_hashable(r) for r in b))
    if all(v == 0 for v in only_a.values()):
        return
    left = sorted((r for r in a if only_a[_hashable(r)] > 0), key=_sort_key)
    right = sorted((r for r in b if only_a[_hashable(r)] < 0), key=_sort_key)
    # Rows equal within the float tolerance but not after rounding: pair them off first.
    if len(left) == len(right) and all(
        same_value(x, y, tol)
        for ra, rb in zip(left, right, strict=True)
        for x, y in zip(ra, rb, strict=True)
    ):
        return
    nulls = values = 0
    for i, (ra, rb) in enumerate(zip(left, right, strict=False)):
        for col, x, y in zip(columns, ra, rb, strict=True):
            if same_value(x, y, tol):
                continue
            kind = "null" if (x is None) != (y is None) else "value"
            nulls += kind == "null"
            values += kind == "value"
            if len(cells) < MAX_CELLS:
                cells.append(Cell(name, i, col, x, y, kind))
    if nulls:
        diffs.append(Difference("nulls", name, f"{nulls} cell(s) are NULL on one warehouse only"))
    if values or not nulls or len(left) != len(right):
        parts = []
        if left:
            parts.append(f"{len(left)} row(s) of {ref_name} are not in {name}'s result")
        if right:
            parts.append(f"{len(right)} row(s) of {name} are not in {ref_name}'s result")
        what = "; ".join(parts)
        if values:
            what += f" ({values} differing cell(s) after sorting both results)"
        diffs.append(Difference("values", name, what))


def _order(
    ref_name: str,
    a: list[tuple[Any, ...]],
    name: str,
    b: list[tuple[Any, ...]],
    keys: list[int],
    tol: float,
    diffs: list[Difference],
) -> None:
    cols = keys or list(range(len(a[0]) if a else 0))
    for i, (ra, rb) in enumerate(zip(a, b, strict=False)):
        ka, kb = [ra[k] for k in cols], [rb[k] for k in cols]
        if all(same_value(x, y, tol) for x, y in zip(ka, kb, strict=True)):
            continue
        if any(v is None for v in (*ka, *kb)):
            diffs.append(
                Difference(
                    "null_order",
                    name,
                    f"NULLs sort elsewhere: row {i + 1} has ORDER BY key {ka} on {ref_name} "
                    f"but {kb} on {name}",
                )
            )
        else:
            diffs.append(
                Difference(
                    "order",
                    name,
                    f"rows come in another order: row {i + 1} has ORDER BY key {ka} on "
                    f"{ref_name} but {kb} on {name}",
                )
            )
        return
