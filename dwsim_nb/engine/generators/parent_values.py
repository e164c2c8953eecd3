"""A parent's column in a derived expression: ``l_quantity * part.p_retailprice``.

A name qualified by a table is that table's column in the row the row's foreign keys lead to:
through a key of the row to that table, or, when there is none, through a key to a middle table
whose own key leads there (a line's key to the supplier's offer of a part, then the offer's key
to the part). The path must be the only one of its length; the value is NULL where a key on it
is null. The parent rows are computed from row numbers, as every foreign key is, so a block
needs nothing from another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.errors import GenerationError

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext
    from dwsim_nb.engine.layout import Plan
    from dwsim_nb.spec.models import Table

# (index of the row's key, index of the middle table's key or None, the middle table's name)
Path = tuple[int, int | None, str]


def _table(plan: Plan, name: str) -> Table | None:
    try:
        return plan.table(name)
    except KeyError:
        return None


def parent_path(plan: Plan, table: Table, target: str, where: str) -> Path:
    """The foreign keys from ``table`` to ``target``: a direct key, else one through a middle
    table; a GenerationError naming the choices when there is none or more than one."""
    goal = _table(plan, target)
    if goal is None:
        raise GenerationError(
            f"{where}: an expression reads a column of '{target}', which is not a table of the "
            "experiment",
            hint="qualify a column by the name of a table the row's foreign keys lead to",
        )
    direct = [
        i
        for i, fk in enumerate(table.foreign_keys)
        if fk.references_table.lower() == goal.key.lower()
    ]
    if len(direct) == 1:
        fk = table.foreign_keys[direct[0]]
        return direct[0], None, fk.references_table
    through: list[Path] = []
    if not direct:
        for i, fk in enumerate(table.foreign_keys):
            middle = _table(plan, fk.references_table)
            if middle is None or middle.key.lower() in (table.key.lower(), goal.key.lower()):
                continue
            for j, inner in enumerate(middle.foreign_keys):
                if inner.references_table.lower() == goal.key.lower():
                    through.append((i, j, middle.key))
        if len(through) == 1:
            return through[0]
    many = len(direct) > 1 or len(through) > 1
    raise GenerationError(
        f"{where}: an expression reads a column of '{goal.key}', which the table's foreign keys "
        + (
            "lead to by more than one path"
            if many
            else "do not lead to (directly or through one other table)"
        ),
        hint="give the column a parent rule (kind: parent) naming its key, or use a column of "
        "the row",
    )


def parent_value(ctx: ColumnContext, target: str, column: str) -> pa.Array:
    """Column ``column`` of ``target`` in the parent rows of the context's rows."""
    trt = ctx.trt
    where = f"table '{trt.name}', column '{ctx.col.name}'"
    first, second, middle_name = parent_path(trt.plan, trt.table, target, where)
    rows = ctx.batch.parent_rows(first)
    if second is not None:
        middle = trt.rt.table(middle_name)
        held = np.flatnonzero(rows >= 0)
        found = np.full(len(rows), -1, dtype=np.int64)
        found[held] = trt.rt.generators.parent_rows(middle, second, rows[held], None)
        rows = found
        key = middle.foreign_key(second)
    else:
        key = trt.foreign_key(first)
    parent = trt.rt.table(key.references_table)
    name = next((c.name for c in parent.table.columns if c.name.lower() == column.lower()), None)
    if name is None:
        raise GenerationError(
            f"{where}: an expression reads '{target}.{column}', which '{parent.name}' does not "
            "have",
            hint=f"use one of {[c.name for c in parent.table.columns]}",
        )
    own = rows < 0
    if parent.n == 0 or own.all():
        return pa.nulls(len(rows), parent.types[name])
    values = parent.column_at(name, np.where(own, 0, rows))
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary.take(values.indices)
    if own.any():
        values = pc.if_else(pa.array(own), pa.nulls(len(values), values.type), values)
    return values
