"""Keys read from names where the DDL declares none (Snowflake and dbt schemas declare few).

A table without a primary key gets one when one column clearly names it: ``id``,
``<table>_id`` or ``<singular>_id`` (``users.user_id``), ``<table>key`` / ``<table>_key``,
``<table>_sk`` of a dimension table, or the last word of a compound name
(``web_events.event_id``, the first or a NOT NULL column) when no table is named by that
word; a ``dim_``, ``fct_``, ``stg_``
... prefix is read off the table's name first. The column holds whole numbers, text or UUIDs,
has no rule that would repeat values, and is not a declared foreign key; among several such
columns, a NOT NULL one, then the first column of the table, wins, and a tie leaves the table
keyless.

A column named like another table's single-column key (declared or inferred), with the same
type family, that no foreign key declares, references it: the same name as the key
(``web_events.user_id`` -> ``users.user_id``), or the parent's name with a key suffix where
the key is named so too or is ``id`` (``orders.customer_id`` -> ``customers.id``). Only one
table may fit: one in the child's schema first, then one with the child's prefix
(``stg_orders`` -> ``stg_customers``), then a dimension (``dim_``); otherwise the column is
left alone. Never a column to its own table, never the child's own unique column, never an
audit or loader column (``created_by``, ``_loaded_at``), never a column whose DDL gave it values
(a CHECK, a DEFAULT).

Each key keeps its reason (``Table.inferred_key``, ``ForeignKey.inferred``): shown with the
rules (:mod:`dwsim_nb.spec.why`), listed among the suggested relationships that a user can
reject (``workload_fit.rejected``, :func:`candidates`), and never written into the
warehouse's DDL (:meth:`Table.as_declared`): the keys shape the data; the tables stay as the
user wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.models import Column, ExperimentSpec, ForeignKey, Table
from dwsim_nb.spec.rules import AutoRule, ParentRule, SequenceRule, UuidRule
from dwsim_nb.spec.tables import InferredKey
from dwsim_nb.spec.types import type_family
from dwsim_nb.spec.validate import unique_domain_size

_PREFIX = re.compile(r"^(dim|dimension|fct|fact|stg|staging|int|raw|src|base|tbl)_(?=.)")
_SUFFIX = re.compile(r"(?<=.)_(dim|dimension|fact|tbl)$")
_DIMENSION = re.compile(r"^(dim|dimension)_|_(dim|dimension)$")
_KEY_SUFFIXES = ("id", "key")
_KEYLIKE = re.compile(r".(id|key|sk|no|num|code|uuid|guid)$")
_AUDIT = re.compile(
    r"^_|^(created|updated|modified|changed|deleted|inserted|approved|last_modified|"
    r"last_updated|last_changed|etl|load|loaded|batch|run)(_|$)|_by(_[a-z]+)?$"
)
_KEY_FAMILIES = ("integer", "string", "uuid")
_KEY_RULES = (AutoRule, SequenceRule, UuidRule)
# A child column keeps a rule its DDL gave it (a CHECK's values, a DEFAULT).
_CHILD_RULES = (type(None), AutoRule, UuidRule)


@dataclass(frozen=True)
class ImpliedReference:
    """A foreign key read from names: ``table.column`` -> ``parent.parent_column``."""

    table: str
    column: str
    parent: str
    parent_column: str
    reason: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column} -> {self.parent}.{self.parent_column}"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _singulars(word: str) -> set[str]:
    """The word's singular forms: an ``-es`` plural both ways (``statuses``: status or
    statuse; ``courses``: course), since names alone cannot tell."""
    if word.endswith("ies") and len(word) > 4:
        return {word[:-3] + "y"}
    if word.endswith("es") and len(word) > 4 and word[-3] in "sxh":
        return {word[:-1], word[:-2]}
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return {word[:-1]}
    return {word}


def _base(table: Table) -> str:
    """The table's name without a dbt or warehouse affix, in lower case with underscores."""
    low = table.name.lower()
    return _SUFFIX.sub("", _PREFIX.sub("", low))


def _prefix(table: Table) -> str:
    m = _PREFIX.match(table.name.lower())
    return m.group(1) if m else ""


def _stems(table: Table) -> set[str]:
    """The table's names as a key's stem: with and without its affix, plural and singular."""
    out: set[str] = set()
    for name in (table.name.lower(), _base(table)):
        out.update({_norm(name), *(_norm(w) for w in _singulars(name))})
    return out


def key_names(table: Table) -> set[str]:
    """The (normalized) column names that name ``table``'s key: ``user_id``, ``userkey`` ...,
    ``customer_sk`` for a dimension."""
    out = {stem + suffix for stem in _stems(table) for suffix in _KEY_SUFFIXES}
    if _DIMENSION.search(table.name.lower()):
        out.update(stem + "sk" for stem in _stems(table))
    return out


def _last_word(table: Table) -> set[str]:
    """The last word of a compound name, as written and singular (none for one word)."""
    words = [w for w in _base(table).split("_") if w]
    return {words[-1], *_singulars(words[-1])} if len(words) > 1 else set()


def _can_be_key(table: Table, col: Column, declared_fk: set[str]) -> bool:
    if type_family(col.data_type, col.scale) not in _KEY_FAMILIES or col.name in declared_fk:
        return False
    if col.rule is not None and not isinstance(col.rule, _KEY_RULES):
        return False
    size = unique_domain_size(col)
    return size is None or size >= table.target_rows


def _primary_key(table: Table, named: set[str]) -> tuple[Column, str] | None:
    """The column that clearly is ``table``'s key, with its reason; ``named``: every table's
    singular base name (a last word naming another table is that table's key)."""
    if table.primary_key:
        return None
    declared_fk = {c for fk in table.foreign_keys for c in fk.columns}
    own = key_names(table)
    last = _last_word(table)
    ranked: list[tuple[tuple[int, bool, bool], Column, str]] = []
    for i, col in enumerate(table.columns):
        n = _norm(col.name)
        if n in own or n == "id":
            rank, why = 2, f"names {table.name}" if n != "id" else f"is {table.name}'s id"
        elif (
            last
            and not last & named
            and n in {w + suffix for w in last for suffix in _KEY_SUFFIXES}
            and (i == 0 or col.required)
        ):
            rank, why = 1, f"names the last word of {table.name}"
        else:
            continue
        if col.is_unique:
            return None  # a unique key is declared already
        if _can_be_key(table, col, declared_fk):
            ranked.append(((rank, col.required, i == 0), col, why))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[0], reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None  # two columns name the key alike: not clear which one
    _, col, why = ranked[0]
    return col, f"{col.name} {why}; no primary key was declared"


def _single_key(table: Table) -> str | None:
    return table.primary_key[0] if len(table.primary_key) == 1 else None


def _references(table: Table, key: str) -> set[str]:
    """The (normalized) child column names that reference ``table``'s key ``key``."""
    k = _norm(key)
    names = key_names(table)
    out: set[str] = set()
    if _KEYLIKE.search(k) and k not in ("id", "key"):
        out.add(k)
    if k in names or k == "id":
        out |= names
    return out


def _pick(child: Table, parents: list[tuple[Table, str]]) -> tuple[Table, str] | None:
    """The one parent that fits: in the child's schema, then with the child's prefix, then a
    dimension; None when still several fit."""
    for keep in (
        lambda p: (p.schema_name, p.database) == (child.schema_name, child.database),
        lambda p: _prefix(p) == _prefix(child),
        lambda p: bool(_DIMENSION.search(p.name.lower())),
    ):
        if len(parents) <= 1:
            break
        narrowed = [p for p in parents if keep(p[0])]
        if narrowed:
            parents = narrowed
    return parents[0] if len(parents) == 1 else None


def candidates(spec: ExperimentSpec) -> tuple[dict[str, tuple[str, str]], list[ImpliedReference]]:
    """What the names imply for ``spec`` read as declared (keys already inferred ignored): the
    primary keys by table key (column, reason), and the foreign keys."""
    tables = [t.as_declared() for t in spec.tables]
    named = {_norm(w) for t in tables for w in {_base(t), *_singulars(_base(t))}}
    keys: dict[str, tuple[str, str]] = {}
    key_of: dict[str, str] = {}
    for t in tables:
        found = _primary_key(t, named)
        if found is not None:
            keys[t.key] = (found[0].name, found[1])
            key_of[t.key] = found[0].name
        elif (single := _single_key(t)) is not None:
            key_of[t.key] = single
    by_name: dict[str, list[tuple[Table, str]]] = {}
    for t in tables:
        if t.key in key_of:
            for n in _references(t, key_of[t.key]):
                by_name.setdefault(n, []).append((t, key_of[t.key]))
    refs: list[ImpliedReference] = []
    for child in tables:
        declared = {c for fk in child.foreign_keys for c in fk.columns}
        for col in child.columns:
            if (
                col.name in declared
                or col.name == key_of.get(child.key)
                or _AUDIT.search(col.name.lower())
                or not isinstance(col.rule, _CHILD_RULES)
                or [col.name] in child.unique_keys()
            ):
                continue
            family = type_family(col.data_type, col.scale)
            fits = [
                (p, k)
                for p, k in by_name.get(_norm(col.name), [])
                if p.key != child.key
                and type_family(p.column(k).data_type, p.column(k).scale) == family
            ]
            picked = _pick(child, fits)
            if picked is None:
                continue
            parent, key = picked
            origin = "was inferred" if parent.key in keys else "is declared"
            reason = (
                f"{col.name} names {parent.name}'s key {key} (which {origin}); "
                "no foreign key was declared"
            )
            refs.append(ImpliedReference(child.key, col.name, parent.key, key, reason))
    return keys, refs


def _label(spec: ExperimentSpec, ref: ImpliedReference) -> tuple[str, str]:
    """The child (``table.column``) and ``child -> parent`` labels, by table name."""
    child = f"{spec.table(ref.table).name}.{ref.column}"
    return child, f"{child} -> {spec.table(ref.parent).name}.{ref.parent_column}"


def rejected(spec: ExperimentSpec, ref: ImpliedReference, texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` (``table.column`` or ``child -> parent``) names ``ref``."""
    labels = {x.lower().replace(" ", "") for x in _label(spec, ref)}
    return any(t.lower().replace(" ", "").replace("→", "->") in labels for t in texts)


def infer_keys(spec: ExperimentSpec, reject: Iterable[str] = ()) -> ExperimentSpec:
    """``spec`` with the primary and foreign keys its names imply where none is declared,
    each with its reason; a foreign key ``reject`` names (``table.column``) is left out. The
    spec unchanged when a key would make it invalid (one is tried at a time then)."""
    keys, refs = candidates(spec)
    texts = list(reject)
    refs = [r for r in refs if not rejected(spec, r, texts)]
    if not keys and not refs:
        return spec
    out = _with_keys(spec, keys, refs)
    if out is not None:
        return out
    for table_key, key in keys.items():
        spec = _with_keys(spec, {table_key: key}, []) or spec
    for ref in refs:
        spec = _with_keys(spec, {}, [ref]) or spec
    return spec


def _with_keys(
    spec: ExperimentSpec, keys: dict[str, tuple[str, str]], refs: list[ImpliedReference]
) -> ExperimentSpec | None:
    data = spec.model_copy(deep=True)
    for t in data.tables:
        if t.key in keys and not t.primary_key:
            column, reason = keys[t.key]
            nullable = [] if t.column(column).required else [column]
            t.primary_key = [column]
            t.inferred_key = InferredKey(reason=reason, nullable=nullable)
    for ref in refs:
        child = data.table(ref.table)
        if any(ref.column in fk.columns for fk in child.foreign_keys):
            continue
        child.foreign_keys.append(
            ForeignKey(
                columns=[ref.column],
                references_table=ref.parent,
                references_columns=[ref.parent_column],
                nullable=not child.column(ref.column).required,
                inferred=ref.reason,
            )
        )
    try:
        return ExperimentSpec.model_validate(data.model_dump(by_alias=True))
    except (ValidationError, SpecError):
        return None


def decide(spec: ExperimentSpec, reject: Iterable[str], accept: Iterable[str]) -> ExperimentSpec:
    """``spec`` after the user's decisions on the keys its names imply: an inferred foreign
    key ``reject`` names taken out (with what was laid out through it), an implied one
    ``accept`` names added back."""
    texts, wanted = list(reject), list(accept)
    refs = candidates(spec)[1]
    out = spec
    drop = {(r.table, r.column) for r in refs if rejected(spec, r, texts)}
    if any(
        fk.inferred and (t.key, fk.columns[0]) in drop for t in spec.tables for fk in t.foreign_keys
    ):
        out = spec.model_copy(deep=True)
        for t in out.tables:
            _drop(t, {c for key, c in drop if key == t.key})
    back = [r for r in refs if rejected(spec, r, wanted) and not rejected(spec, r, texts)]
    return (_with_keys(out, {}, back) or out) if back else out


def _drop(table: Table, columns: set[str]) -> None:
    """Take out the table's inferred foreign keys on ``columns``, and the layouts that went
    through them (a ``through`` cardinality, a ``parent`` rule), which would name no key."""
    gone = [fk.columns for fk in table.foreign_keys if fk.inferred and fk.columns[0] in columns]
    if not gone:
        return
    table.foreign_keys = [fk for fk in table.foreign_keys if fk.columns not in gone]
    for fk in table.foreign_keys:
        if fk.cardinality is not None and fk.cardinality.via in gone:
            fk.cardinality = None
    for col in table.columns:
        if isinstance(col.rule, ParentRule) and col.rule.via in gone:
            col.rule = None


def without_inferred_references(spec: ExperimentSpec) -> ExperimentSpec:
    """``spec`` without the foreign keys read from names (its inferred primary keys kept)."""
    if not any(fk.inferred for t in spec.tables for fk in t.foreign_keys):
        return spec
    out = spec.model_copy(deep=True)
    for t in out.tables:
        t.foreign_keys = [fk for fk in t.foreign_keys if not fk.inferred]
    return out
