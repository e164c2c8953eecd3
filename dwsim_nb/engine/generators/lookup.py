"""Values that follow another column of the row through a mapping (hierarchies, codes).

A category's group, a country's ISO code or a nation's region is a function of the row's
name, so the pair always agrees. The mapping is applied to the source column's dictionary when
it has one (a few names for a whole block), else to each row with one vectorized ``index_in``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.engine.generators.categorical import value_pool
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import LookupRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext


def _mapped(rule: LookupRule, source: pa.Array) -> pa.Array:
    keys = pa.array(list(rule.mapping), type=pa.string())
    pool = value_pool([*rule.mapping.values(), rule.default])
    text = source if pa.types.is_string(source.type) else pc.cast(source, pa.string())
    index = pc.index_in(text, value_set=keys)
    # Not in the mapping (or NULL): the default, kept last in the pool.
    index = pc.fill_null(index, len(rule.mapping))
    return pool.take(index)


def gen_lookup(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = rule_of(col, LookupRule)
    if not ctx.trt.table.has_column(rule.of):
        raise GenerationError(
            f"table '{ctx.trt.name}', column '{col.name}': the lookup maps the values of "
            f"'{rule.of}', which the table does not have",
            hint="set 'of' to a column of the same table",
        )
    source = ctx.other(rule.of)
    if isinstance(source, pa.DictionaryArray):
        mapped = _mapped(rule, source.dictionary)
        return mapped.take(source.indices)
    return _mapped(rule, source)
