"""One generator per rule kind, and the choice of generator for a column.

Every generator has the shape ``gen(column, ctx, rows) -> values`` and is a pure function of
(seed, table, column, row indices), so the same function makes a block and recomputes a parent's
key for a foreign key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dwsim_nb.engine.generators import (
    categorical,
    derived,
    faker_pools,
    foreign_keys,
    json_shape,
    keys,
    numeric,
    strings,
    temporal,
)
from dwsim_nb.spec.models import Column

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext, Gen, TableRuntime

BY_KIND: dict[str, Gen] = {
    "derived": derived.gen_derived,
    "constant": numeric.gen_constant,
    "sequence": numeric.gen_sequence,
    "values": categorical.gen_values,
    "pattern": strings.gen_pattern,
    "faker": faker_pools.gen_faker,
    "json": json_shape.gen_json,
    "distribution": numeric.gen_distribution,
    "datetime": temporal.gen_datetime,
    "range": numeric.gen_range,
    "boolean": numeric.gen_boolean,
    "uuid": strings.gen_uuid,
}


def default_generator(col: Column) -> Gen:
    """A generator from the type alone, for columns without a rule."""
    t = col.data_type
    if t in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return numeric.gen_range
    if t in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"):
        return temporal.gen_datetime
    if t == "BOOLEAN":
        return numeric.gen_boolean
    if t == "UUID":
        return strings.gen_uuid
    if t in ("JSON", "VARIANT", "OBJECT", "ARRAY", "SUPER"):
        return json_shape.gen_json
    if t == "BINARY":
        return strings.gen_binary
    return faker_pools.gen_words


def _on_digit(layout: keys.CompositeKey, inner: Gen, grouped: int | None) -> Gen:
    def gen(col: Column, ctx: ColumnContext, rows: np.ndarray) -> object:
        index = rows if grouped is None else foreign_keys.child_position(ctx.trt, grouped, rows)
        return inner(col, ctx, layout.digit(col.name, index))

    return gen


def pick_generator(trt: TableRuntime, col: Column) -> Gen:
    """Foreign key first, then expression, uniqueness, composite keys, the rule, the type."""
    if col.name in trt.fk_of:
        return foreign_keys.gen_foreign_key
    kind = col.rule_kind()
    if kind == "derived":
        return derived.gen_derived
    if col.is_unique:
        unique = keys.unique_generator(col)
        if unique is not None:
            return unique
    for key in trt.table.unique_keys():
        if len(key) > 1 and col.name in key and not any(
            trt.table.column(c).is_unique for c in key
        ):
            grouped = foreign_keys.grouped_fk(trt.table, key)
            layout = keys.composite_layout(trt.table, key, trt.n, set(trt.fk_of), grouped)
            if col.name in layout.columns:
                fallback = BY_KIND.get(kind or "", default_generator(col))
                inner = keys.unique_generator(col) or fallback
                return _on_digit(layout, inner, None if grouped is None else grouped[0])
    if kind is not None:
        return BY_KIND[kind]
    return default_generator(col)
