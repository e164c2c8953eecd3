"""Shared by the tests that compare query results across warehouses or runs: TPC-H's small row
counts, and rows put in a form that compares equal when two engines mean the same values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

# TPC-H at a small scale (10k lineitem rows): fast, yet every query has rows to find.
TPCH_SMALL_ROWS = {
    "region": 5,
    "nation": 25,
    "supplier": 20,
    "customer": 250,
    "part": 330,
    "partsupp": 1_300,
    "orders": 2_500,
    "lineitem": 10_000,
}


def normalized(value: Any) -> Any:
    """A value as the engines agree on it: numbers to 2 places, midnight timestamps as dates,
    dates and timestamps as ISO text, CHAR padding dropped.

    Numbers lose their floating-point noise (to 6 places) before they are cut to 2: a sum that
    is exactly -5428.715 in one engine's DECIMAL and -5428.714999 in another's DOUBLE is one
    value, which rounding the noise to 2 places would split into .72 and .71."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (Decimal, float, int)):
        return round(round(float(value), 6), 2)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.rstrip()  # CHAR(n) comes back padded on some engines
    return value


def sorted_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    """The table's rows, normalized and in an order that does not depend on the engine."""
    return sorted((tuple(normalized(v) for v in r.values()) for r in table.to_pylist()), key=repr)
