"""Array columns as text for warehouses that load text: PostgreSQL's array literal (``{a,"b c"}``)
for COPY into native arrays, and JSON (``["a","b c"]``) for SUPER, JSON and SQLite columns.

Whole columns at once: the elements are flattened, turned to text, quoted, and joined back per
row with Arrow's list join, so no Python loop runs per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def is_list(typ: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ)
    )


def _quoted(values: pa.Array, style: str) -> pa.Array:
    """Each element as its literal inside an array (NULL/null for a missing one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    typ = values.type
    if pa.types.is_string(typ) or pa.types.is_date(typ) or pa.types.is_timestamp(typ):
        text = pc.cast(values, pa.string())
        if pa.types.is_timestamp(typ) and style == "json":
            text = pc.replace_substring(text, " ", "T")
        escaped = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
        if style == "json":
            # JSON forbids raw control characters in strings; generated words have none but tabs
            # and newlines could come from a user's values.
            for raw, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
                escaped = pc.replace_substring(escaped, raw, esc)
        out = pc.binary_join_element_wise('"', escaped, '"', "")
    elif pa.types.is_boolean(typ):
        out = pc.if_else(values, "true", "false")
    else:
        out = pc.cast(values, pa.string())
    return pc.fill_null(out, "NULL" if style == "pg" else "null")


def array_text(arr: pa.Array, style: str) -> pa.Array:
    """A list column as text: ``style`` "pg" (``{1,2}``) or "json" (``[1,2]``); nulls stay null."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(arr) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = pc.list_flatten(arr)
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), _quoted(flat, style))
    joined = pc.binary_join(lists, ",")
    open_, close = ("{", "}") if style == "pg" else ("[", "]")
    text = pc.binary_join_element_wise(open_, joined, close, "")
    return pc.if_else(pc.is_null(arr), pa.nulls(len(arr), pa.string()), text)


def lists_as_text(batch: pa.RecordBatch, style: str) -> pa.RecordBatch:
    """The batch with every list column as text of ``style``; other columns as they are."""
    import pyarrow as pa

    if not any(is_list(f.type) for f in batch.schema):
        return batch
    arrays = [array_text(col, style) if is_list(col.type) else col for col in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
