"""Primary keys and foreign keys found in data.

Declared keys (a database's constraints) are taken as they are. Otherwise a primary key is a unique,
never-null column whose name says it is an identifier (``id``, ``<table>_id``, ``...key``), and a
foreign key is a child column whose values all appear among a parent's unique key values (value
inclusion), of the same type family. Inclusion alone is weak evidence between whole numbers that
count 1..N (every small integer column is "included" in such a key), so there a name hint is
required; between strings or sparse numbers inclusion is strong enough by itself. Name hints also
break ties when several parents include the values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.infer.profile import ColumnProfile
from dwsim_nb.infer.sources import SourceTable
from dwsim_nb.spec.types import type_family

_ID_SUFFIX = re.compile(r"(id|key|code|no|num|number|uuid|guid)$")
# Types whose values are identifiers often enough for keys (floats and booleans never are).
_KEY_FAMILIES = {"integer", "string", "uuid", "number"}


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
    return [best[2]] if best else []


@dataclass
class KeyCandidate:
    table: str
    column: str
    profile: ColumnProfile
    values: pa.Array  # distinct non-null values
    is_primary: bool
    dense: bool  # whole numbers covering most of their range (1..N style)


def _distinct(table: SourceTable, column: str) -> pa.Array:
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
            dense = False
            if _family(p) == "integer" and p.minimum is not None and p.maximum is not None:
                span = float(p.maximum) - float(p.minimum) + 1
                dense = p.distinct >= 0.5 * span
            out.append(KeyCandidate(t.name, name, p, _distinct(t, name), is_pk, dense))
    return out


def name_score(child_table: str, child: str, parent: KeyCandidate) -> int:
    """How strongly the names say ``child`` refers to ``parent`` (0 = not at all)."""
    c, pcol, ptab = _norm(child), _norm(parent.column), singular(parent.table)
    if ptab == singular(child_table) and c == pcol:
        return 0  # the parent key itself
    if c == pcol and pcol not in ("id", "key", "code"):
        return 3
    if c in (f"{ptab}{pcol}", f"{ptab}id", f"{_norm(parent.table)}{pcol}"):
        return 3
    if ptab in c and _ID_SUFFIX.search(c):
        return 2
    if c.endswith(pcol) and len(pcol) > 2:
        return 1
    return 0


def guess_foreign_keys(
    tables: list[SourceTable],
    profiles: dict[str, dict[str, ColumnProfile]],
    primary: dict[str, list[str]],
) -> dict[str, list[tuple[str, str, str]]]:
    """Per child table: (child column, parent table, parent column) found by value inclusion."""
    keys = key_candidates(tables, profiles, primary)
    found: dict[str, list[tuple[str, str, str]]] = {t.name: [] for t in tables}
    for t in tables:
        if t.declared.foreign_keys:
            for cols, parent, refs in t.declared.foreign_keys:
                if len(cols) == 1:
                    ref = refs[0] if refs else (primary.get(parent) or [""])[0]
                    found[t.name].append((cols[0], parent, ref))
            continue
        for name, p in profiles[t.name].items():
            if p.non_null == 0 or _family(p) not in _KEY_FAMILIES:
                continue
            if primary.get(t.name) == [name] and not any(
                name_score(t.name, name, k) >= 2 for k in keys if k.table != t.name
            ):
                continue  # a table's own key refers elsewhere only when its name says so
            best = _best_parent(t, name, p, keys)
            if best is not None:
                found[t.name].append((name, best.table, best.column))
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
        if p.distinct > k.profile.distinct:
            continue
        if values is None:
            values = _distinct(table, column)
        try:
            probe = values if values.type == k.values.type else values.cast(k.values.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue  # values the parent's type cannot even hold are not among its keys
        if not pc.all(pc.is_in(probe, value_set=k.values)).as_py():
            continue
        ranked.append((score, int(k.is_primary), -k.profile.distinct, k.table, k))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[:4], reverse=True)
    return ranked[0][4]
