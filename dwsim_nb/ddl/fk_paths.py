"""Redundant foreign keys that must agree: a sale's event is its listing's event.

A table C with a key to P and another key to T, where P itself has a key to T that the second
key mirrors, holds the same fact twice (``sales.eventid`` and ``listing.eventid`` for the sale's
listing). Drawn apart they disagree, and a join through P and a direct join give different
answers. Such a key gets a ``through`` cardinality: its parent is the one C's row in P
references. A key mirrors P's key when

- its columns sit in the key to P where P's referenced columns are P's key to T (TPC-H's
  ``lineitem (l_partkey) -> part`` beside ``(l_partkey, l_suppkey) -> partsupp``), or
- its column names are P's key's names (``sellerid`` and ``sellerid``), also when both only
  differ by a short table prefix (``l_custkey``, ``o_custkey``).

A column the DDL declares no key for, named as P's key to T and of a matching type, gets a
``parent`` rule instead: it copies the value of P's row (the schema keeps its keys as written).

Conservative on purpose: keys to a date dimension (a sale's day is not its listing's day),
audit columns (``created_by``), details each row owns (a customer's address is not its
store's), self-references, one-to-one and bridge keys and keys that
already have a cardinality are left alone, and only a key with one such middle table is set.
"""

from __future__ import annotations

import re
from typing import Any

from dwsim_nb.ddl.calendar_keys import calendar_times, day_keys
from dwsim_nb.ddl.schedule import scheduled_before
from dwsim_nb.spec.models import Column, ExperimentSpec, ForeignKey, Table
from dwsim_nb.spec.notes import add_note
from dwsim_nb.spec.rules import AutoRule

# Who wrote or changed a row is not a fact of the row's parent.
_AUDIT = re.compile(r"creat|updat|modif|chang|delet|insert|approv|edit|author|owner|last_")
# Details each row owns: a customer's address is not its store's address.
_OWNED = re.compile(
    r"addr|contact|phone|e_?mail|image|photo|picture|avatar|attach|document|file|profile"
    r"|credential|password"
)
# A short table prefix (``l_``, ``ps_``) before a name long enough to mean something alone.
_PREFIX = re.compile(r"^[a-z]{1,3}_(?=[a-z0-9_]{6,}$)")


def _norm(name: str) -> str:
    return name.lower()


def _bare(name: str) -> str:
    return _PREFIX.sub("", name.lower())


def _target(spec: ExperimentSpec, fk: ForeignKey) -> tuple[str, list[str]] | None:
    """(parent key, referenced columns in lower case: the primary key when not given)."""
    try:
        parent = spec.table(fk.references_table)
    except KeyError:
        return None
    cols = fk.references_columns or parent.primary_key
    return parent.key, [_norm(c) for c in cols]


def _positional(spec: ExperimentSpec, fk: ForeignKey, via: ForeignKey, inner: ForeignKey) -> bool:
    """``fk``'s columns are in ``via`` where ``via`` references ``inner``'s columns."""
    middle = spec.table(via.references_table)
    referenced = [_norm(c) for c in (via.references_columns or middle.primary_key)]
    if len(referenced) != len(via.columns):
        return False
    at = {_norm(c): referenced[i] for i, c in enumerate(via.columns)}
    return [at.get(_norm(c)) for c in fk.columns] == [_norm(c) for c in inner.columns]


def _named(fk: ForeignKey, via: ForeignKey, inner: ForeignKey) -> bool:
    """Same names as the middle table's key (or the same but for a short prefix), and no
    column shared with the key to the middle table."""
    if {_norm(c) for c in fk.columns} & {_norm(c) for c in via.columns}:
        return False
    ours, theirs = [_norm(c) for c in fk.columns], [_norm(c) for c in inner.columns]
    if ours == theirs:
        return True
    both_prefixed = all(_bare(c) != c for c in [*ours, *theirs])
    return both_prefixed and [_bare(c) for c in ours] == [_bare(c) for c in theirs]


def _calendars(spec: ExperimentSpec, data: dict[str, Any]) -> set[str]:
    """Keys of the tables some of whose columns have a calendar rule (date dimensions)."""
    return {
        table.key
        for t, table in zip(data["tables"], spec.tables, strict=True)
        if any((c.get("rule") or {}).get("kind") == "calendar" for c in t["columns"])
    }


def _eligible(table: Table, fk: ForeignKey) -> bool:
    if any(_AUDIT.search(_norm(c)) or _OWNED.search(_norm(c)) for c in fk.columns):
        return False
    if _OWNED.search(_norm(fk.references_table).rsplit(".", 1)[-1]):
        return False
    fk_cols = {c for f in table.foreign_keys for c in f.columns}
    for key in table.unique_keys():
        if sorted(fk.columns) == sorted(key):
            return False  # one child per parent: a permutation, not a path
        if set(key) <= fk_cols and set(fk.columns) <= set(key):
            return False  # a bridge key, laid out jointly
    return True


def _paths(spec: ExperimentSpec, table: Table, i: int) -> list[tuple[ForeignKey, ForeignKey]]:
    """(key to the middle table, the middle table's key) pairs ``table``'s key ``i`` mirrors."""
    fk = table.foreign_keys[i]
    target = _target(spec, fk)
    found: list[tuple[ForeignKey, ForeignKey]] = []
    for j, via in enumerate(table.foreign_keys):
        if j == i:
            continue
        try:
            middle = spec.table(via.references_table)
        except KeyError:
            continue
        if target is None or middle.key in (table.key, target[0]):
            continue
        for inner in middle.foreign_keys:
            if _target(spec, inner) != target or len(inner.columns) != len(fk.columns):
                continue
            if _positional(spec, fk, via, inner) or _named(fk, via, inner):
                found.append((via, inner))
    return found


def _reason(
    spec: ExperimentSpec, table: Table, fk: ForeignKey, via: ForeignKey, inner: ForeignKey
) -> str:
    middle = spec.table(via.references_table).name
    parent = spec.table(fk.references_table).name
    return (
        f"through {middle}: {table.name}.{', '.join(fk.columns)} takes its {middle} row's "
        f"{', '.join(inner.columns)} (a {parent} key), so joins through {middle} and direct "
        "joins agree"
    )


def through_keys(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set ``through`` cardinalities in ``data`` (the dumped ``spec``) on keys that mirror a
    key of another parent's; True if any was set."""
    calendars = _calendars(spec, data)
    set_any = False
    # (table, key index) -> (middle table, index of its key) of the through keys set
    chosen: dict[tuple[str, int], tuple[str, int]] = {}
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        for i, fk in enumerate(table.foreign_keys):
            fk_data = t_data["foreign_keys"][i]
            if fk_data.get("cardinality") or not _eligible(table, fk):
                continue
            target = _target(spec, fk)
            if target is None or target[0] in calendars or target[0] == table.key:
                continue
            paths = _paths(spec, table, i)
            if len({(v.references_table, tuple(k.columns)) for v, k in paths}) != 1:
                continue
            via, inner = paths[0]
            middle = spec.table(via.references_table)
            at = (middle.key, next(j for j, f in enumerate(middle.foreign_keys) if f is inner))
            if _circular(chosen, table, at):
                continue
            why = _reason(spec, table, fk, via, inner)
            fk_data["cardinality"] = {
                "kind": "through",
                "via": list(via.columns),
                "parent_columns": list(inner.columns),
                "reason": why,
            }
            chosen[(table.key, i)] = at
            add_note(data, table.name, why, key=fk.columns)
            set_any = True
    return set_any


def _circular(
    chosen: dict[tuple[str, int], tuple[str, int]], table: Table, at: tuple[str, int]
) -> bool:
    """Whether following through keys already chosen from the middle table's key ``at``
    leads back to ``table``."""
    seen: set[tuple[str, int]] = set()
    while at in chosen and at not in seen:
        if at[0] == table.key:
            return True
        seen.add(at)
        at = chosen[at]
    return at[0] == table.key


def infer_through(spec: ExperimentSpec) -> ExperimentSpec:
    """``spec`` with ``through`` cardinalities on the keys that mirror another parent's key
    and ``parent`` rules on undeclared keys that do, transactions before their scheduled
    parent (:mod:`dwsim_nb.ddl.schedule`), and times on their date key's day or date keys on
    their time's day (:mod:`dwsim_nb.ddl.calendar_keys`); the same spec when there are none."""
    data = spec.model_dump()
    keys = through_keys(spec, data)
    before = scheduled_before(spec, data)
    times = calendar_times(spec, data)
    days = day_keys(spec, data)
    if not parent_columns(spec, data) and not (keys or before or times or days):
        return spec
    return ExperimentSpec.model_validate(data)


_INTEGERS = ("SMALLINT", "INT", "BIGINT")


def _same_type(a: Column, b: Column) -> bool:
    return a.data_type == b.data_type or (a.data_type in _INTEGERS and b.data_type in _INTEGERS)


def _free_column(table: Table, name: str) -> Column | None:
    """The column ``name`` of ``table`` if it is in no key and has no rule the user wrote."""
    col = next((c for c in table.columns if _norm(c.name) == _norm(name)), None)
    if col is None or col.is_unique or any(col.name in k for k in table.unique_keys()):
        return None
    if any(col.name in f.columns for f in table.foreign_keys):
        return None
    user_rule = col.rule is not None and not isinstance(col.rule, AutoRule) and not col.rule.reason
    if user_rule or _AUDIT.search(_norm(col.name)) or _OWNED.search(_norm(col.name)):
        return None
    return col


def parent_columns(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set ``parent`` rules in ``data`` on columns the DDL declares no key for that carry the
    name of a key their parent has (``eventid`` beside a key to ``listing``, whose ``eventid``
    references ``event``); True if any was set."""
    calendars = _calendars(spec, data)
    set_any = False
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        found: dict[str, list[tuple[ForeignKey, ForeignKey, Column]]] = {}
        for via in table.foreign_keys:
            try:
                middle = spec.table(via.references_table)
            except KeyError:
                continue
            if middle.key == table.key:
                continue
            for inner in middle.foreign_keys:
                target = _target(spec, inner)
                if target is None or target[0] in calendars or target[0] == middle.key:
                    continue
                if _OWNED.search(target[0].rsplit(".", 1)[-1].lower()):
                    continue
                for name in inner.columns:
                    col = _free_column(table, name)
                    theirs = middle.column(name)
                    if col is not None and _same_type(col, theirs):
                        found.setdefault(col.name, []).append((via, inner, theirs))
        for name, paths in found.items():
            if len({(v.references_table, c.name) for v, _, c in paths}) != 1:
                continue
            via, inner, theirs = paths[0]
            c_data = next(c for c in t_data["columns"] if c["name"] == name)
            middle_name = spec.table(via.references_table).name
            why = (
                f"through {middle_name}: {table.name}.{name} takes its {middle_name} row's "
                f"{theirs.name} (a {spec.table(inner.references_table).name} key), so joins "
                f"through {middle_name} and direct joins agree"
            )
            c_data["rule"] = {
                "kind": "parent",
                "via": list(via.columns),
                "column": theirs.name,
                "reason": why,
            }
            add_note(data, table.name, why, column=name)
            set_any = True
    return set_any
