"""Extractor: equalities between columns of two tables that no foreign key declares.

The side that is a single-column primary or unique key is the parent; failing that, a key-like
name (``id``, ``key``, ``*_id``, ``*key``) that names its own table (``venue.venueid``). A join
on two columns that are not key-like teaches nothing (it may be a coincidence of names)."""

from __future__ import annotations

import re

from sqlglot import exp

from dwsim_nb.spec.models import Table
from dwsim_nb.workload.analyze import ColumnRef, Query
from dwsim_nb.workload.findings import Join

_KEYLIKE = re.compile(r"(^|_)(id|key|code|no|num)$|(id|key)$", re.IGNORECASE)


def _is_key(table: Table, column: str) -> bool:
    return [column] == list(table.primary_key) or any([column] == list(u) for u in table.unique)


def _own_key(table: Table, column: str) -> bool:
    """A key-like name that starts with its table's name or its stem (``venueid`` of venue)."""
    if not _KEYLIKE.search(column):
        return False
    stem = re.sub(r"[^a-z]", "", column.lower())
    name = re.sub(r"[^a-z]", "", table.name.lower())
    return bool(name) and (stem.startswith(name) or stem.startswith(name.rstrip("s")))


def _declared(q: Query, a: ColumnRef, b: ColumnRef) -> bool:
    for child, parent in ((a, b), (b, a)):
        for fk in q.table(child).foreign_keys:
            if child.column in fk.columns and fk.references_table.lower() == parent.table.lower():
                return True
    return False


def join_predicates(q: Query) -> list[Join]:
    out: list[Join] = []
    for node in q.tree.walk():
        if not isinstance(node, exp.EQ):
            continue
        a, b = q.ref(node.this), q.ref(node.expression)
        if a is None or b is None or a.table == b.table or _declared(q, a, b):
            continue
        ta, tb = q.table(a), q.table(b)
        if not (_KEYLIKE.search(a.column) or _KEYLIKE.search(b.column)):
            continue
        if _is_key(tb, b.column) and not _is_key(ta, a.column):
            out.append(Join(q.name, a, b))
        elif _is_key(ta, a.column) and not _is_key(tb, b.column):
            out.append(Join(q.name, b, a))
        elif _own_key(tb, b.column) and not _own_key(ta, a.column):
            out.append(Join(q.name, a, b))
        elif _own_key(ta, a.column) and not _own_key(tb, b.column):
            out.append(Join(q.name, b, a))
    return out
