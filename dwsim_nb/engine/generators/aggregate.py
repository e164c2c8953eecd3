"""Aggregates over a parent's children: an order's total is the sum of its lines, a count
column the number of them.

The engine keeps nothing between blocks, so a parent row recomputes its own children. A
``range`` foreign key lays children out in a computable way (:mod:`.cardinality`): before the
scatter, parent ``u`` owns a run of consecutive child rows and at most one remainder row, so the
scatter is undone (:func:`dwsim_nb.engine.permute.unpermute`), the runs are listed with
:func:`.cardinality.range_children`, the children's values are computed for exactly those rows,
and each parent's share is added up with numpy. With ``clustered`` the parents are not scattered,
so a block of parents reads a few consecutive blocks of children: the work stays linear in the
rows at any scale.

Children whose key is null (a nullable key with a null rate) belong to no parent and are left
out, as SQL's ``GROUP BY`` would leave them out; a null value adds nothing, as ``SUM`` skips it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.engine.context import Batch, ColumnContext
from dwsim_nb.engine.generators.bridge import bridges
from dwsim_nb.engine.generators.cardinality import range_children, range_scatter_key
from dwsim_nb.engine.generators.derived import (
    evaluate,
    fits_problem,
    parent_references,
    referenced_columns,
)
from dwsim_nb.engine.generators.foreign_keys import is_one_to_one
from dwsim_nb.engine.permute import unpermute
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column, ForeignKey, Table
from dwsim_nb.spec.rules import AggregateRule, DatetimeRule, DerivedRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import TableRuntime
    from dwsim_nb.engine.layout import Plan

_NUMERIC = ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE")
# (runtime, table, column) aggregates being computed in this thread: a child column that needs
# its parent's aggregate again would recurse without end.
_ACTIVE = threading.local()


def aggregate_fk(child: Table, parent: str, via: list[str] | None) -> tuple[int, ForeignKey]:
    """The child's foreign key to ``parent`` an aggregate follows (``via`` names its columns
    when the child has several keys to the parent)."""
    found = [
        (i, fk)
        for i, fk in enumerate(child.foreign_keys)
        if fk.references_table.lower() == parent.lower()
        and (via is None or [c.lower() for c in fk.columns] == [c.lower() for c in via])
    ]
    if len(found) != 1:
        what = "no foreign key" if not found else "several foreign keys"
        raise GenerationError(
            f"table '{child.key}' has {what} to '{parent}'"
            + (f" on ({', '.join(via)})" if via else ""),
            hint="name the key's columns in the aggregate's 'via'"
            if found
            else f"add a foreign key from '{child.key}' to '{parent}'",
        )
    return found[0]


def children_of(
    child: TableRuntime, fk_index: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(child rows, owner)``: every child of the parent ``rows`` and the index (into ``rows``)
    of the parent it belongs to, by inverting the key's range layout."""
    fk = child.foreign_key(fk_index)
    card = fk.cardinality
    assert card is not None and card.min is not None and card.max is not None
    parents = max(child.plan.rows[child.plan.table(fk.references_table).key], 1)
    # The key foreign_keys.pick_parent_rows lays the children out with.
    key = child.column_key(f"fk{fk_index}", fk.references_table)
    before = rows if card.clustered else unpermute(rows, parents, range_scatter_key(key))
    start, count, extra = range_children(key, before, child.n, parents, card.min, card.max)
    total = int(count.sum())
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), count)
    first = np.repeat(start - (np.cumsum(count) - count), count)
    kids = first + np.arange(total, dtype=np.int64)
    has = extra >= 0
    return np.concatenate([kids, extra[has]]), np.concatenate([owner, np.flatnonzero(has)])


# Children are computed at most this many at a time: a block of TPC-H's orders owns about a
# million lines, and their columns computed at once raised a worker's peak by 40 MB.
CHILD_CHUNK = 262_144


def _children(
    ctx: ColumnContext, child: TableRuntime, fk_index: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The children of the parent rows and their owners (indexes into ``rows``); shared by
    the parent's aggregates over the same key (a sum and a count find the children once)."""
    cache: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]
    cache = ctx.batch.__dict__.setdefault("_aggregate_children", {})
    hit = cache.get((child.name, fk_index))
    if hit is None:
        hit = cache[(child.name, fk_index)] = children_of(child, fk_index, rows)
    return hit


def _sums(values: np.ndarray, owner: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """Each of ``n`` parents' sum of its kept children's values."""
    if values.dtype.kind == "i":
        # Exact whole-number sums: a running total read at each parent's boundaries.
        order = np.argsort(owner, kind="stable")
        summed = np.concatenate([[0], np.cumsum(np.where(keep, values, 0)[order])])
        ends = np.cumsum(np.bincount(owner, minlength=n))
        result: np.ndarray = summed[ends] - summed[np.concatenate([[0], ends[:-1]])]
        return result
    return np.bincount(owner[keep], weights=values[keep], minlength=n)


def _values(rule: AggregateRule, batch: Batch, where: str) -> np.ndarray:
    """The summed values of the children, as float64 or int64, nulls as 0."""
    if rule.expression is not None:
        ctx = ColumnContext(batch.trt, batch.trt.table.columns[0], batch)
        arr = evaluate(rule.expression, ctx, where)
    else:
        assert rule.column is not None
        arr = batch.column(batch.trt.table.column(_column_name(batch.trt.table, rule.column)).name)
    if pa.types.is_decimal(arr.type):
        arr = pc.cast(arr, pa.float64())
    arr = arr.fill_null(0)
    out = arr.to_numpy(zero_copy_only=False)
    return out if out.dtype.kind in "if" else out.astype(np.float64)


def _column_name(table: Table, name: str) -> str:
    for c in table.columns:
        if c.name == name or c.name.lower() == name.lower():
            return c.name
    raise GenerationError(
        f"table '{table.key}' has no column '{name}'",
        hint=f"use one of {[c.name for c in table.columns]}",
    )


def gen_aggregate(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    rule = rule_of(col, AggregateRule)
    trt = ctx.trt
    where = f"table '{trt.name}', column '{col.name}'"
    marker = (id(trt.rt), trt.name, col.name)
    active: set[tuple[int, str, str]] = _ACTIVE.__dict__.setdefault("running", set())
    if marker in active:
        raise GenerationError(
            f"the {rule.function} of {rule.table} needs this column's own value again "
            "(a child column depends on the parent's aggregate)",
            where=where,
            hint="base the children's values on their own columns, or drop the aggregate",
        )
    active.add(marker)
    try:
        child = trt.rt.table(rule.table)
        fk_index, _ = aggregate_fk(child.table, trt.table.key, rule.via)
        rows = np.asarray(rows, dtype=np.int64)
        kids, owner = _children(ctx, child, fk_index, rows)
        result = np.zeros(len(rows), dtype=np.int64)
        for s in range(0, len(kids), CHILD_CHUNK):
            part = slice(s, s + CHILD_CHUNK)
            batch = Batch(child, kids[part])
            # A nullable key leaves some children without a parent: they count for no one.
            keep = batch.parent_rows(fk_index) == rows[owner[part]]
            if rule.function == "count":
                result += np.bincount(owner[part][keep], minlength=len(rows))
            else:
                values = _values(rule, batch, where)
                result = result + _sums(values, owner[part], keep, len(rows))
        problem = fits_problem(pa.array(result), trt.types[col.name], col.data_type)
        if problem is not None:
            raise GenerationError(
                f"the {rule.function} of its children in '{rule.table}' {problem}",
                where=where,
                hint="widen the column's type, or give the children smaller values or fewer "
                "children per parent (the key's range cardinality)",
            )
        return result
    finally:
        active.discard(marker)


def check_aggregates(plan: Plan) -> None:
    """Refuse aggregates the engine cannot compute, before any work, naming the fix."""
    for table in plan.spec.tables:
        for col in table.columns:
            if isinstance(col.rule, AggregateRule):
                _check_one(plan, table, col, col.rule)


def _check_one(plan: Plan, parent: Table, col: Column, rule: AggregateRule) -> None:
    where = f"table '{parent.key}', column '{col.name}'"
    try:
        child = plan.table(rule.table)
    except KeyError:
        raise GenerationError(
            f"the aggregate names table '{rule.table}', which the experiment does not have",
            where=where,
        ) from None
    if col.data_type not in _NUMERIC:
        raise GenerationError(
            f"an aggregate gives numbers, but the column is {col.data_type}", where=where
        )
    try:
        fk_index, fk = aggregate_fk(child, parent.key, rule.via)
    except GenerationError as e:
        raise GenerationError(e.message, where=where, hint=e.hint) from None
    card = fk.cardinality
    if (
        card is None
        or card.kind != "range"
        or is_one_to_one(child, fk)
        or fk_index in bridges(child)
    ):
        raise GenerationError(
            f"the {rule.function} of '{child.key}' needs its foreign key "
            f"({', '.join(fk.columns)}) to have a range cardinality, whose layout lets a "
            "parent find its children",
            where=where,
            hint="set the key's cardinality to {kind: range, min: 1, max: 7, clustered: true} "
            "(not part of a unique key), or replace the aggregate with another rule",
        )
    needed = [] if rule.column is None else [rule.column]
    if rule.expression is not None:
        needed = referenced_columns(rule.expression)
    for name in needed:
        target = _column_name(child, name)
        if rule.column is not None and child.column(target).data_type not in _NUMERIC:
            raise GenerationError(
                f"the sum reads '{child.key}.{target}', which is "
                f"{child.column(target).data_type}, not a number",
                where=where,
            )
        if (parent.key, col.name) in _depends_on(plan, child, target):
            raise GenerationError(
                f"the sum reads '{child.key}.{target}', which depends on this column itself",
                where=where,
                hint="base the children's values on their own columns, or drop the aggregate",
            )


def _depends_on(plan: Plan, table: Table, column: str) -> set[tuple[str, str]]:
    """Every (table, column) a column's values are computed from, through expressions, dates
    ``after`` others, foreign keys and aggregates (the known ways; others are caught while
    generating)."""
    seen: set[tuple[str, str]] = set()
    stack = [(table.key, column)]
    while stack:
        tname, cname = stack.pop()
        try:
            t = plan.table(tname)
        except KeyError:
            continue
        if not t.has_column(cname):
            continue
        for dep in _direct(t, t.column(cname)):
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def _direct(table: Table, col: Column) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    rule = col.rule
    for fk in table.foreign_keys:
        if col.name in fk.columns and fk.references_columns:
            out.append((fk.references_table, fk.references_columns[fk.columns.index(col.name)]))
    if isinstance(rule, DerivedRule):
        spelled = {c.name.lower(): c.name for c in table.columns}
        out += [(table.key, spelled.get(r.lower(), r)) for r in referenced_columns(rule.expression)]
        out += parent_references(rule.expression)
    if isinstance(rule, DatetimeRule) and rule.after:
        tname, _, cname = rule.after.strip().rpartition(".")
        out.append((tname or table.key, cname))
    if isinstance(rule, AggregateRule):
        names = [rule.column] if rule.column else []
        if rule.expression:
            names = referenced_columns(rule.expression)
        out += [(rule.table, n) for n in names]
    return out
