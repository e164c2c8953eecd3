"""The Arrow type of each logical column type (see docs/CONTRACTS.md)."""

from __future__ import annotations

import pyarrow as pa

from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.types import DEFAULT_DECIMAL_PRECISION

_FIXED: dict[str, pa.DataType] = {
    "SMALLINT": pa.int16(),
    "INT": pa.int32(),
    "BIGINT": pa.int64(),
    "FLOAT": pa.float64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "CHAR": pa.string(),
    "VARCHAR": pa.string(),
    "TEXT": pa.string(),
    "DATE": pa.date32(),
    "TIME": pa.time64("us"),
    "TIMESTAMP": pa.timestamp("us"),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "JSON": pa.string(),
    "VARIANT": pa.string(),
    "OBJECT": pa.string(),
    "ARRAY": pa.string(),
    "SUPER": pa.string(),
    "UUID": pa.string(),
    "BINARY": pa.binary(),
}


# An array's elements: a vector's FLOAT components are 4-byte (pgvector's and DuckDB's FLOAT[N]),
# UUIDs are text.
_ELEMENT: dict[str, pa.DataType] = {**_FIXED, "FLOAT": pa.float32(), "UUID": pa.string()}


def arrow_type(col: Column) -> pa.DataType:
    """The Arrow type a column is written with (a list of its elements for an ARRAY with an
    element type, of exactly ``array_size`` for a vector)."""
    if col.array_of is not None:
        return pa.list_(_ELEMENT[col.array_of], col.array_size or -1)
    if col.data_type == "DECIMAL":
        precision = min(col.precision or DEFAULT_DECIMAL_PRECISION, 38)
        return pa.decimal128(precision, min(col.scale or 0, precision))
    return _FIXED[col.data_type]


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a table's Parquet files; non-null fields for required columns."""
    return pa.schema(
        [pa.field(c.name, arrow_type(c), nullable=not c.required) for c in table.columns]
    )
