"""Query results as Arrow and pandas: what every warehouse hands back from a DB-API cursor.

DuckDB gives Arrow itself; psycopg, sqlite3 and fakesnow cursors give rows of Python values, which
become Arrow here one column at a time. ``arrow_to_frame`` is the one way a result becomes a
DataFrame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def empty() -> pa.Table:
    """The result of statements that return no rows (DDL, INSERT, SET)."""
    import pyarrow as pa

    return pa.table({})


def column(values: list[Any]) -> pa.Array:
    """One result column; values Arrow cannot type as one (mixed storage classes in SQLite,
    intervals, arrays of records) are kept readable as text."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def rows_to_arrow(names: list[str], rows: Sequence[Sequence[Any]]) -> pa.Table:
    """A table of ``rows`` (tuples in ``names``' order), typed column by column."""
    import pyarrow as pa

    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.Table.from_arrays([column(list(c)) for c in columns], names=names)


def cursor_to_arrow(cur: Any, *, unique: bool = True) -> pa.Table:
    """The rows of a DB-API cursor's current result. ``unique``: repeated column labels get
    ``_1``, ``_2`` ... added, as the server-backed warehouses have always returned them."""
    names = [str(d[0]) for d in cur.description]
    return rows_to_arrow(unique_names(names) if unique else names, cur.fetchall())


def unique_names(names: list[str]) -> list[str]:
    """``["a", "a", "b"]`` -> ``["a", "a_1", "b"]``."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}_{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow-backed DataFrame of a result, keeping repeated column names.

    Two unaliased expressions often share a label (``?column?``, ``coalesce``); pyarrow's
    conversion matches columns by name and then mixes up their types, so the conversion runs on
    unique names and the result gets the original ones back.
    """
    import pandas as pd

    names = table.column_names
    if len(set(names)) == len(names):
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    frame = table.rename_columns([str(i) for i in range(len(names))]).to_pandas(
        types_mapper=pd.ArrowDtype
    )
    frame.columns = pd.Index(names)
    return frame
