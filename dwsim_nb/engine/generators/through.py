"""Foreign keys that follow another key's parent: the ``through`` cardinality.

A sale references its listing and, redundantly, the listing's event: the event row must be the
one the listing row references, or a join through the listing and a direct join disagree. The
child's other foreign key (``via``) picks the middle row; the middle table's own foreign key
(``parent_columns``) picks, for that row, the parent row this key takes. Both picks are pure
functions of row numbers (:func:`pick_parent_rows`), so nothing is held between blocks. Where the
middle row or its key is null the parent is uniform.

A column the DDL declares no key for copies the parent row's value instead (a ``parent`` rule,
:func:`parent_copying`): the same path, without a key of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column, ForeignKey, Table
from dwsim_nb.spec.rules import ParentRule, rule_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from dwsim_nb.engine.context import ColumnContext, Gen, TableRuntime


def _same(a: list[str], b: list[str]) -> bool:
    return [c.lower() for c in a] == [c.lower() for c in b]


def key_index(table: Table, columns: list[str]) -> int | None:
    """Index of the foreign key of ``table`` made of ``columns`` (in order), if any."""
    return next((i for i, f in enumerate(table.foreign_keys) if _same(f.columns, columns)), None)


def through_path(trt: TableRuntime, fk_index: int) -> tuple[int, TableRuntime, int]:
    """(index of the ``via`` key, the middle table's runtime, index of its key to the parent)."""
    fk = trt.foreign_key(fk_index)
    card = fk.cardinality
    assert card is not None and card.via and card.parent_columns
    where = f"table '{trt.name}', foreign key ({', '.join(fk.columns)})"
    via = key_index(trt.table, card.via)
    if via is None or via == fk_index:
        raise GenerationError(
            f"{where}: a through cardinality goes via ({', '.join(card.via)}), which is not "
            "another foreign key of the table",
            hint="set 'via' to the columns of the foreign key to the middle table",
        )
    middle = trt.rt.table(trt.foreign_key(via).references_table)
    if middle.name == trt.name:
        raise GenerationError(
            f"{where}: a through cardinality cannot go via a key to the same table",
            hint="choose another 'via' key or another cardinality",
        )
    inner = key_index(middle.table, card.parent_columns)
    target = trt.rt.table(fk.references_table).name
    found: ForeignKey | None = None if inner is None else middle.foreign_key(inner)
    if inner is None or found is None or trt.rt.table(found.references_table).name != target:
        raise GenerationError(
            f"{where}: '{middle.name}' has no foreign key ({', '.join(card.parent_columns)}) "
            f"to '{target}'",
            hint=f"set 'parent_columns' to the columns of a key of '{middle.name}' to '{target}'",
        )
    return via, middle, inner


def _check_chain(trt: TableRuntime, fk_index: int) -> None:
    """Refuse through keys that lead back to themselves (a circle of tables)."""
    seen = {(trt.name, fk_index)}
    at, index = trt, fk_index
    while True:
        _, at, index = through_path(at, index)
        card = at.foreign_key(index).cardinality
        if card is None or card.kind != "through":
            return
        if (at.name, index) in seen:
            fk = trt.foreign_key(fk_index)
            raise GenerationError(
                f"table '{trt.name}', foreign key ({', '.join(fk.columns)}): through "
                f"cardinalities lead round in a circle (back to '{at.name}')",
                hint="give one key of the circle another cardinality",
            )
        seen.add((at.name, index))


def through_rows(
    trt: TableRuntime, fk_index: int, key: int, rows: np.ndarray, parents: int
) -> np.ndarray:
    """Parent rows for child ``rows`` under a ``through`` cardinality."""
    out = seeds.below(seeds.derive_key(key, "uniform"), rows, parents)
    if len(rows) == 0:
        return out
    _check_chain(trt, fk_index)
    via, middle, inner = through_path(trt, fk_index)
    pick = trt.rt.generators.parent_rows
    middle_rows = pick(trt, via, rows, None)
    held = np.flatnonzero(middle_rows >= 0)
    if len(held) == 0:
        return out
    found = pick(middle, inner, middle_rows[held], None)
    got = found >= 0
    out[held[got]] = found[got]
    return out


def parent_copying(rule_generator: Callable[[Column], Gen]) -> Gen:
    """The ``parent`` rule's generator; rows that keep their own value take the generator of the
    rule's ``base`` (handed in, as the package's dispatch imports this module)."""

    def gen_parent(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
        return _gen_parent(col, ctx, rows, rule_generator)

    return gen_parent


def _gen_parent(
    col: Column, ctx: ColumnContext, rows: np.ndarray, rule_generator: Callable[[Column], Gen]
) -> pa.Array:
    """A ``parent`` rule: the column of the parent row the row's key ``via`` picks."""
    rule = rule_of(col, ParentRule)
    trt = ctx.trt
    where = f"table '{trt.name}', column '{col.name}'"
    index = key_index(trt.table, rule.via)
    if index is None:
        raise GenerationError(
            f"{where}: a parent rule goes via ({', '.join(rule.via)}), which is not a foreign key "
            "of the table",
            hint="set 'via' to the columns of one of the table's foreign keys",
        )
    parent = trt.rt.table(trt.foreign_key(index).references_table)
    if not parent.table.has_column(rule.column):
        raise GenerationError(
            f"{where}: a parent rule copies '{rule.column}', which '{parent.name}' does not have",
            hint=f"set 'column' to a column of '{parent.name}'",
        )
    picked = ctx.batch.parent_rows(index)
    typ = trt.types[col.name]
    own = picked < 0
    if rule.share < 1.0:
        # Keyed by the key alone: the columns a row copies through it differ in the same rows.
        draw = seeds.uniform(trt.column_key("parent-share", *rule.via), rows)
        own |= draw >= rule.share
    if parent.n == 0 or own.all():
        if rule.base is None and rule.share >= 1.0:
            return pa.nulls(len(rows), typ)
        return _own(col, ctx, rows, rule, rule_generator)
    values = parent.column_at(rule.column, np.where(own, 0, picked))
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary.take(values.indices)
    if values.type != typ:
        values = pc.cast(values, typ, safe=False)
    if not own.any():
        return values
    if rule.base is None and rule.share >= 1.0:
        return pc.if_else(pa.array(own), pa.nulls(len(values), values.type), values)
    return pc.if_else(pa.array(own), _own(col, ctx, rows, rule, rule_generator), values)


def _own(
    col: Column,
    ctx: ColumnContext,
    rows: np.ndarray,
    rule: ParentRule,
    rule_generator: Callable[[Column], Gen],
) -> pa.Array:
    """The values of the rule's ``base`` (the type's default without one) for ``rows``."""
    from dwsim_nb.engine.context import to_arrow

    plain = col.model_copy(update={"rule": rule.base})
    values = to_arrow(rule_generator(plain)(plain, ctx, rows), plain, ctx.trt.types[col.name])
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary.take(values.indices)
    return values
