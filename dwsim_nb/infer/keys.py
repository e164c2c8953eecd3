"""Primary keys and foreign keys found in data.

Declared keys (a database's constraints) are taken as they are. Otherwise a primary key is a unique,
never-null column whose name says it is an identifier (``id``, ``<table>_id``, ``...key``), and a
foreign key is a child column whose values all appear among a parent's unique key values (value
inclusion), of the same type family. Inclusion alone is weak evidence between whole numbers that
count 1..N (every small integer column is "included" in such a key), so there a name hint is
required; between strings or sparse numbers inclusion is strong enough by itself. Name hints also
break ties when several parents include the values.

A table with no such column gets a two-column primary key when two identifier-named, never-null
columns are unique together (``partsupp(ps_partkey, ps_suppkey)``). A composite foreign key is a
child column tuple whose values are all among a parent's composite unique key (declared or
inferred), with the same type family and a matching name at each position
(``lineitem(l_partkey, l_suppkey) -> partsupp(ps_partkey, ps_suppkey)``). Single-column foreign
keys on its columns are then left out: the engine fills a column from one foreign key, and the
composite one already leads to those parents through the parent's own keys.

Uniqueness and inclusion are decided over all rows, never on the sample alone: the sample only
rules candidates out early, then :meth:`SourceTable.key_tuples` reads the key columns whole.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.infer.profile import ColumnProfile
from dwsim_nb.infer.sources import SourceTable, distinct_tuples
from dwsim_nb.spec.types import type_family

_ID_SUFFIX = re.compile(r"(id|key|code|no|num|number|uuid|guid)$")
# Types whose values are identifiers often enough for keys (floats and booleans never are).
_KEY_FAMILIES = {"integer", "string", "uuid", "number"}
# Identifier-named columns tried for a two-column primary key (the first ones of the table).
_COMPOSITE_KEY_COLUMNS = 6
# Child column tuples tried against one composite parent key.
_COMPOSITE_FK_TUPLES = 16


@dataclass(frozen=True)
class Reference:
    """A foreign key found: child ``columns`` -> ``table``(``references``), position by position."""

    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def singular(name: str) -> str:
    n = _norm(name)
    if n.endswith("ies") and len(n) > 4:
        return n[:-3] + "y"
    if n.endswith(("ses", "xes", "ches", "shes")):
        return n[:-2]
    if n.endswith("s") and not n.endswith("ss") and len(n) > 3:
        return n[:-1]
    return n


def _family(p: ColumnProfile) -> str:
    return type_family(p.data_type, p.scale)


def guess_primary_key(table: SourceTable, profiles: dict[str, ColumnProfile]) -> list[str]:
    """The declared primary key, else the best identifier-named unique column, else none."""
    if table.declared.primary_key:
        return list(table.declared.primary_key)
    table_name = singular(table.name)
    best: tuple[int, int, str] | None = None
    for pos, (name, p) in enumerate(profiles.items()):
        if not p.is_unique or p.nulls or _family(p) not in _KEY_FAMILIES or p.non_null < 2:
            continue
        n = _norm(name)
        if n in ("id", f"{table_name}id", f"{_norm(table.name)}id", f"{table_name}key"):
            score = 3
        elif _ID_SUFFIX.search(n):
            score = 2
        elif pos == 0 and _family(p) == "integer":
            score = 1
        else:
            continue
        cand = (score, -pos, name)
        if best is None or cand > best:
            best = cand
    return [best[2]] if best else guess_composite_key(table, profiles)


def guess_composite_key(table: SourceTable, profiles: dict[str, ColumnProfile]) -> list[str]:
    """Two identifier-named, never-null columns unique together over all rows, else none.

    Bounded: only the first few identifier-named columns, in pairs, earliest pair first; a pair
    is read whole only when the sample shows no repeated tuple.
    """
    names = [
        name
        for name, p in profiles.items()
        if p.non_null >= 2
        and not p.nulls
        and _family(p) in _KEY_FAMILIES
        and _ID_SUFFIX.search(_norm(name))
    ][:_COMPOSITE_KEY_COLUMNS]
    pairs: list[tuple[int, int, list[str]]] = []
    for pos, (first, second) in enumerate(itertools.combinations(names, 2)):
        seen, complete = distinct_tuples(table.data, [first, second])
        if complete == table.data.num_rows and seen.num_rows == complete:
            # A counter within a parent (a line number) has few distinct values: such a pair
            # first, then the earliest.
            fewest = min(profiles[first].distinct, profiles[second].distinct)
            pairs.append((fewest, pos, [first, second]))
    for _, _, key in sorted(pairs):
        if table.is_unique_key(key):
            return key
    return []


def settle_uniqueness(table: SourceTable, profiles: dict[str, ColumnProfile]) -> None:
    """For a sampled table, check over all rows the key-like columns the sample says are unique.

    A unique whole-number column also gets its sequence step and start from all rows: a random
    sample of ``1..N`` has no constant step.
    """
    if not table.sampled:
        return
    for name, p in profiles.items():
        if not p.is_unique or _family(p) not in _KEY_FAMILIES:
            continue
        distinct, complete = table.key_tuples([name])
        p.unique_in_all = complete > 0 and distinct.num_rows == complete
        if not p.unique_in_all or _family(p) != "integer" or complete < 2:
            continue
        column = distinct.column(0)
        if not pa.types.is_integer(column.type):
            continue
        ordered = np.sort(np.asarray(column.to_numpy(), dtype=np.int64))
        steps = np.unique(np.diff(ordered))
        p.arithmetic_step = int(steps[0]) if len(steps) == 1 else None
        if p.arithmetic_step is not None:
            p.minimum, p.maximum = float(ordered[0]), float(ordered[-1])


@dataclass
class KeyCandidate:
    table: str
    column: str
    profile: ColumnProfile
    values: pa.Array  # distinct non-null values
    is_primary: bool
    dense: bool  # whole numbers covering most of their range (1..N style)


def _distinct(table: SourceTable, column: str) -> pa.Array:
    """Distinct non-null values over all rows (the sample's when it is the whole table)."""
    return table.key_tuples([column])[0].column(0).combine_chunks()


def _sample_distinct(table: SourceTable, column: str) -> pa.Array:
    return pc.unique(pc.drop_null(table.data.column(column).combine_chunks()))


def key_candidates(
    tables: list[SourceTable],
    profiles: dict[str, dict[str, ColumnProfile]],
    primary: dict[str, list[str]],
) -> list[KeyCandidate]:
    """Single-column unique keys that a foreign key may reference."""
    out = []
    for t in tables:
        declared_unique = {u[0] for u in t.declared.unique if len(u) == 1}
        for name, p in profiles[t.name].items():
            is_pk = primary.get(t.name) == [name]
            declared = is_pk or name in declared_unique
            if not declared and not (p.is_unique and _family(p) in _KEY_FAMILIES):
                continue
            if p.non_null == 0:
                continue
            values = _distinct(t, name)  # over all rows: a child may use any of them
            dense = False
            if _family(p) == "integer" and len(values):
                mm = pc.min_max(values)
                span = float(mm["max"].as_py()) - float(mm["min"].as_py()) + 1
                dense = len(values) >= 0.5 * span
            out.append(KeyCandidate(t.name, name, p, values, is_pk, dense))
    return out


def name_score(child_table: str, child: str, parent: KeyCandidate) -> int:
    """How strongly the names say ``child`` refers to ``parent`` (0 = not at all)."""
    return _name_score(child_table, child, parent.table, parent.column)


def _name_score(child_table: str, child: str, parent_table: str, parent_column: str) -> int:
    c, pcol, ptab = _norm(child), _norm(parent_column), singular(parent_table)
    if ptab == singular(child_table) and c == pcol:
        return 0  # the parent key itself
    if c == pcol and pcol not in ("id", "key", "code"):
        return 3
    if c in (f"{ptab}{pcol}", f"{ptab}id", f"{_norm(parent_table)}{pcol}"):
        return 3
    if ptab in c and _ID_SUFFIX.search(c):
        return 2
    if c.endswith(pcol) and len(pcol) > 2:
        return 1
    stem = _stem(child)
    if stem == _stem(parent_column) and len(stem) > 2 and stem not in ("id", "key", "code"):
        return 1  # the same name under short table prefixes: l_suppkey, s_suppkey
    return 0


def guess_foreign_keys(
    tables: list[SourceTable],
    profiles: dict[str, dict[str, ColumnProfile]],
    primary: dict[str, list[str]],
) -> dict[str, list[Reference]]:
    """Per child table: the foreign keys declared, else found by value inclusion.

    Composite ones first; a single-column key on a column of a composite one is left out.
    """
    keys = key_candidates(tables, profiles, primary)
    composite = guess_composite_foreign_keys(tables, profiles, primary)
    found: dict[str, list[Reference]] = {t.name: [] for t in tables}
    for t in tables:
        if t.declared.foreign_keys:
            for cols, parent, refs in t.declared.foreign_keys:
                targets = refs or primary.get(parent) or []
                if len(targets) == len(cols):
                    found[t.name].append(Reference(tuple(cols), parent, tuple(targets)))
            continue
        found[t.name].extend(composite[t.name])
        covered = {c for ref in composite[t.name] for c in ref.columns}
        for name, p in profiles[t.name].items():
            if p.non_null == 0 or _family(p) not in _KEY_FAMILIES or name in covered:
                continue
            if primary.get(t.name) == [name] and not any(
                name_score(t.name, name, k) >= 2 for k in keys if k.table != t.name
            ):
                continue  # a table's own key refers elsewhere only when its name says so
            best = _best_parent(t, name, p, keys)
            if best is not None:
                found[t.name].append(Reference((name,), best.table, (best.column,)))
    return found


def _stem(name: str) -> str:
    # TPC-H style names carry a short table prefix: l_partkey and ps_partkey are both partkey.
    head, sep, rest = name.lower().partition("_")
    return _norm(rest if sep and rest and len(head) <= 3 else name)


def _names_match(child_table: str, child: str, parent_table: str, parent_column: str) -> bool:
    return _name_score(child_table, child, parent_table, parent_column) > 0


def _all_included(child: pa.Table, parent: pa.Table) -> bool:
    """Every tuple of ``child`` is among ``parent``'s (columns matched by position)."""
    names = [f"k{i}" for i in range(child.num_columns)]
    try:
        probe = pa.table(
            [
                c if c.type == p.type else c.cast(p.type)
                for c, p in zip(child.columns, parent.columns, strict=True)
            ],
            names=names,
        )
        left = probe.join(
            parent.rename_columns(names), keys=names, join_type="left anti", use_threads=False
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False  # values the parent's types cannot hold (or join) are not among its keys
    return left.num_rows == 0


def composite_parent_keys(
    tables: list[SourceTable], primary: dict[str, list[str]]
) -> list[tuple[SourceTable, list[str]]]:
    """Composite unique keys a composite foreign key may reference: the primary key (declared
    or inferred) and declared unique constraints of more than one column."""
    out: list[tuple[SourceTable, list[str]]] = []
    for t in tables:
        keys = [primary.get(t.name) or []] + [list(u) for u in t.declared.unique]
        for key in keys:
            fresh = all(key != k for o, k in out if o is t)
            if len(key) > 1 and fresh and all(c in t.data.column_names for c in key):
                out.append((t, key))
    return out


def guess_composite_foreign_keys(
    tables: list[SourceTable],
    profiles: dict[str, dict[str, ColumnProfile]],
    primary: dict[str, list[str]],
) -> dict[str, list[Reference]]:
    """Per child table without declared foreign keys: composite keys found by tuple inclusion.

    Only a parent's composite unique keys are tried, and only child columns whose type family
    and name match the key's column at each position (``_names_match``), at most
    ``_COMPOSITE_FK_TUPLES`` tuples per key. The child's sample rules a tuple out cheaply; a
    tuple is accepted only when its distinct values over all rows are among the parent's.
    """
    found: dict[str, list[Reference]] = {t.name: [] for t in tables}
    parents = composite_parent_keys(tables, primary)
    for t in tables:
        if t.declared.foreign_keys:
            continue
        child = profiles[t.name]
        for parent, key in parents:
            if parent.name == t.name:
                continue
            options = []
            for ref in key:
                family = _family(profiles[parent.name][ref])
                options.append(
                    [
                        name
                        for name, p in child.items()
                        if p.non_null > 0
                        and _family(p) == family
                        and _names_match(t.name, name, parent.name, ref)
                    ]
                )
            tuples = [
                combo for combo in itertools.product(*options) if len(set(combo)) == len(combo)
            ][:_COMPOSITE_FK_TUPLES]
            taken = {ref.columns for ref in found[t.name]}
            for combo in tuples:
                if combo in taken:
                    continue
                parent_tuples = parent.key_tuples(key)[0]
                sample, complete = distinct_tuples(t.data, list(combo))
                if complete == 0 or sample.num_rows > parent_tuples.num_rows:
                    continue
                if not _all_included(sample, parent_tuples):
                    continue
                if t.sampled and not _all_included(t.key_tuples(list(combo))[0], parent_tuples):
                    continue
                found[t.name].append(Reference(combo, parent.name, tuple(key)))
                break
    return found


def _best_parent(
    table: SourceTable, column: str, p: ColumnProfile, keys: list[KeyCandidate]
) -> KeyCandidate | None:
    values: pa.Array | None = None
    ranked: list[tuple[int, int, int, str, KeyCandidate]] = []
    for k in keys:
        if (k.table, k.column) == (table.name, column) or _family(k.profile) != _family(p):
            continue
        score = name_score(table.name, column, k)
        strong = not k.dense or _family(p) != "integer"
        if score == 0 and not (strong and p.distinct >= 20):
            continue
        if p.distinct > len(k.values):
            continue
        if values is None:
            values = _sample_distinct(table, column)
        if not _included(values, k.values):
            continue
        ranked.append((score, int(k.is_primary), -len(k.values), k.table, k))
    ranked.sort(key=lambda r: r[:4], reverse=True)
    for *_, k in ranked:
        # The sample's values are in; a sampled child must have all its values in as well.
        if not table.sampled or _included(_distinct(table, column), k.values):
            return k
    return None


def _included(values: pa.Array, keys: pa.Array) -> bool:
    try:
        probe = values if values.type == keys.type else values.cast(keys.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False  # values the parent's type cannot even hold are not among its keys
    return bool(pc.all(pc.is_in(probe, value_set=keys)).as_py())
