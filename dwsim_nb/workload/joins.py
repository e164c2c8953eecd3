"""Extractor: equalities between columns of tables that no foreign key declares.

The equalities of a query are grouped into classes of columns equal to each other, also through
several tables (``l.orderid = o.orderid and o.orderid = x.orderid``, or ``USING``): in each class
the parent is the one column that is its table's single-column primary or unique key, or, when
no key is declared, the one whose key-like name (``id``, ``key``, ``code``, ``no``, ``num``,
``sk``) names its own table (``venue.venueid``, ``customer.c_custkey``, ``date_dim.d_date_sk``;
a table named exactly beats one the name only begins). Every other column of the class, in
another table, is a child of it. A class without a single best parent teaches nothing (it may
be a coincidence of names).

A join on a key-like column (a key-like name on either side, or the parent's primary key) is
marked ``key_like`` (accepted by default); a join on another unique column (``emp.dept_name =
dept.name``) is only suggested (:mod:`dwsim_nb.workload.suggest`).
"""

from __future__ import annotations

import re

from sqlglot import exp

from dwsim_nb.spec.models import Table
from dwsim_nb.workload.analyze import ColumnRef, Query, strip
from dwsim_nb.workload.findings import Join

_KEYLIKE = re.compile(r"(^|_)(id|key|code|no|num|sk)$|(id|key)$", re.IGNORECASE)
_SUFFIX = re.compile(r"_?(id|key|code|no|num|sk)$", re.IGNORECASE)
_PREFIX = re.compile(r"^([a-z]{1,3})_(?=.)", re.IGNORECASE)


def _is_key(table: Table, column: str) -> bool:
    return [column] in table.unique_keys()


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _own_key(table: Table, column: str) -> int:
    """2 when a key-like name is its table's name (``venueid`` of venue, ``p_partkey`` of
    part), 1 when its stem only begins the table's name or the other way round (``c_custkey``
    of customer, ``ps_partkey`` of partsupp), 0 otherwise. A short prefix made of the table's
    letters (``c_``, ``ps_``) is read off first."""
    if not _KEYLIKE.search(column):
        return 0
    name = _letters(table.name)
    if not name:
        return 0
    texts = [column]
    m = _PREFIX.match(column)
    if m and m.group(1).lower()[0] == name[0] and _subsequence(m.group(1).lower(), name):
        texts.append(column[m.end() :])
    singular = name[:-1] if name.endswith("s") else name
    best = 0
    for text in texts:
        stem = _letters(_SUFFIX.sub("", text))
        if stem in (name, singular):
            best = 2
        elif len(stem) >= 3 and (name.startswith(stem) or stem.startswith(singular)):
            best = max(best, 1)
    return best


def _declared(q: Query, a: ColumnRef, b: ColumnRef) -> bool:
    for child, parent in ((a, b), (b, a)):
        for fk in q.table(child).foreign_keys:
            if child.column in fk.columns and fk.references_table.lower() == parent.table.lower():
                return True
    return False


def _classes(q: Query) -> list[list[tuple[str, ColumnRef]]]:
    """Columns equal to each other, each as (alias.column as the query names it, spec ref):
    two aliases of one table (a self-join) stay apart."""
    up: dict[str, str] = {}
    refs: dict[str, ColumnRef] = {}

    def find(k: str) -> str:
        while up[k] != k:
            up[k] = up[up[k]]
            k = up[k]
        return k

    for node in q.tree.walk():
        if not isinstance(node, exp.EQ):
            continue
        sides = []
        for side in (strip(node.this), strip(node.expression)):
            ref = q.ref(side)
            if ref is None or not isinstance(side, exp.Column):
                break
            key = f"{side.table}.{side.name}".lower()
            refs[key] = ref
            up.setdefault(key, key)
            sides.append(key)
        if len(sides) == 2 and refs[sides[0]].table != refs[sides[1]].table:
            up[find(sides[0])] = find(sides[1])
    groups: dict[str, list[tuple[str, ColumnRef]]] = {}
    for key in up:
        groups.setdefault(find(key), []).append((key, refs[key]))
    return [g for g in groups.values() if len({r.table for _, r in g}) > 1]


def _score(q: Query, ref: ColumnRef) -> int:
    table = q.table(ref)
    return (4 if _is_key(table, ref.column) else 0) + _own_key(table, ref.column)


def join_predicates(q: Query) -> list[Join]:
    out: list[Join] = []
    for group in _classes(q):
        refs = list(dict.fromkeys(r for _, r in group))
        scores = {r: _score(q, r) for r in refs}
        best = max(scores.values())
        top = [r for r in refs if scores[r] == best]
        if best == 0 or len({r.table for r in top}) != 1:
            continue
        parent = top[0]
        ptable = q.table(parent)
        for child in refs:
            if child.table == parent.table or _declared(q, child, parent):
                continue
            if _is_key(q.table(child), child.column) and scores[child] >= 4:
                continue  # two keys equal: one-to-one tables, not a child and its parent
            key_like = bool(
                _KEYLIKE.search(child.column)
                or _KEYLIKE.search(parent.column)
                or [parent.column] == list(ptable.primary_key)
            )
            out.append(Join(q.name, child, parent, key_like))
    return out
