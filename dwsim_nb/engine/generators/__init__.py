"""One generator per rule kind, and the choice of generator for a column.

Every generator has the shape ``gen(column, ctx, rows) -> values`` and is a pure function of
(seed, table, column, row indices), so the same function makes a block and recomputes a parent's
key for a foreign key. The generator is chosen once per column and table runtime
(:func:`pick_generator`), from the type of the column's rule (:data:`BY_RULE`).
"""

from __future__ import annotations

import numpy as np

from dwsim_nb.engine.context import ColumnContext, Gen, TableRuntime
from dwsim_nb.engine.generators import (
    aggregate,
    arrays,
    between,
    calendar,
    categorical,
    derived,
    faker_pools,
    foreign_keys,
    json_shape,
    keys,
    lookup,
    mix,
    numeric,
    records,
    strings,
    through,
)
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import (
    AggregateRule,
    ArrayRule,
    BooleanRule,
    CalendarRule,
    ConstantRule,
    DatetimeRule,
    DerivedRule,
    DistributionRule,
    FakerRule,
    JsonRule,
    LookupRule,
    MixRule,
    ParentRule,
    PatternRule,
    RangeRule,
    RecordRule,
    SequenceRule,
    UuidRule,
    ValuesRule,
)

# A column's generator by the type of its rule; a column without one (or an AutoRule) gets
# default_generator's pick from its type.
BY_RULE: dict[type, Gen] = {
    DerivedRule: derived.gen_derived,
    AggregateRule: aggregate.gen_aggregate,
    ConstantRule: numeric.gen_constant,
    SequenceRule: numeric.gen_sequence,
    ValuesRule: categorical.gen_values,
    PatternRule: strings.gen_pattern,
    FakerRule: faker_pools.gen_faker,
    JsonRule: json_shape.gen_json,
    DistributionRule: numeric.gen_distribution,
    DatetimeRule: between.gen_moment,
    RangeRule: numeric.gen_range,
    BooleanRule: numeric.gen_boolean,
    UuidRule: strings.gen_uuid,
    CalendarRule: calendar.gen_calendar,
    LookupRule: lookup.gen_lookup,
    RecordRule: records.gen_record,
    ArrayRule: arrays.gen_array,
}


def rule_generator(col: Column) -> Gen:
    """The generator of the column's own rule, or of its type when it has none."""
    if col.array_of is not None:  # a typed array: Arrow lists, whatever rule fills it
        return arrays.gen_array
    return BY_RULE.get(type(col.rule)) or default_generator(col)


# A mix keeps the rows its entries do not take on its base rule's generator; a parent rule's rows
# that do not copy take their base rule's.
BY_RULE[MixRule] = mix.mixing(rule_generator)
BY_RULE[ParentRule] = through.parent_copying(rule_generator)


def default_generator(col: Column) -> Gen:
    """A generator from the type alone, for columns without a rule."""
    t = col.data_type
    if t in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return numeric.gen_range
    if t in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"):
        return between.gen_moment
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
    if isinstance(col.rule, DerivedRule):
        return derived.gen_derived
    if col.is_unique:
        unique = keys.unique_generator(col)
        if unique is not None:
            return unique
    for key in trt.table.unique_keys():
        if len(key) > 1 and col.name in key and not keys.unique_member(trt.table, key):
            grouped = foreign_keys.grouped_fk(trt.table, key)
            layout = keys.composite_layout(trt.table, key, trt.n, set(trt.fk_of), grouped)
            if col.name in layout.columns:
                inner = keys.unique_generator(col) or rule_generator(col)
                return _on_digit(layout, inner, None if grouped is None else grouped[0])
    return rule_generator(col)
