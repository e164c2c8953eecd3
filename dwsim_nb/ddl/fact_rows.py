"""Row counts by fan-out: a table of events holds more rows than the things it happens to.

With no rows given every table holds the default thousand, so a table of sales has one sale
per customer and every per-customer aggregate is a copy. After the other sizing passes
(lookups, date dimensions, unique domains, arithmetic's lines per parent) a table still at
the default that is a child of non-lookup tables grows, parents first:

- a *line* table (``*_lines``, ``*_items``, ``*_details``, ``lineitem``) under a transaction
  holds :data:`LINES_PER_PARENT` lines per transaction; a table arithmetic already sized so
  keeps arithmetic's lines per parent, counted again from its parent's new size;
- an *event* table (its name reads as orders, sales, invoices, payments, bookings, visits,
  returns ... or starts with ``fct_``/``fact_``) holds :data:`PER_ENTITY` rows per row of
  its largest parent that is a thing rather than an event; a *fact* table (three or more
  non-lookup parents) :data:`PER_DIMENSION` per row of its largest dimension; an event under
  a grown event (a payment of an order) at least one per parent row;
- a *bridge* (two foreign keys and little else) holds :data:`PER_BRIDGE` rows per row of its
  smaller parent.

A table stays as it is when it is a lookup, a date dimension, sized by the user or a domain,
a one-to-one extension of its parent (its key is the foreign key: returns of a sale), or a
dimension of a fact table (a table other than a fact referenced by one). Every count is
capped at :data:`MAX_ROWS` so a default run stays quick, and at what the table's unique keys
can hold; each change is a note with its reason. Rows given when generating always win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.rules import CalendarRule
from dwsim_nb.spec.validate import unique_domain_size

DEFAULT_ROWS = 1000
MAX_ROWS = 100_000
PER_ENTITY = 5
PER_DIMENSION = 10
LINES_PER_PARENT = 4
PER_BRIDGE = 3
_FACT_PARENTS = 3

_EVENT = re.compile(
    r"(^|_)(orders?|sales?|invoices?|payments?|transactions?|bookings?|reservations?|"
    r"rentals?|listings?|events?|visits?|sessions?|tickets?|returns?|shipments?|claims?|"
    r"purchases?)$"
)
_FACT_PREFIX = re.compile(r"^(fct|fact)_")
_LINE = re.compile(r"(^|_)(lineitems?|lines?|items?|details?)$")
# arithmetic's note on a child it gave a few lines per parent (ddl/arithmetic.py).
_ARITH_NOTE = re.compile(r"^table '(?P<t>[^']+)': target_rows \d+ \((?P<k>\d+) per '(?P<p>[^']+)'")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class _Role:
    kind: str  # line, event, fact, bridge
    why: str
    per: int = 0
    parent: str = ""


class _Graph:
    def __init__(self, spec: ExperimentSpec) -> None:
        self.tables = {t.key.lower(): t for t in spec.tables}
        self.by_name = {t.name.lower(): t.key.lower() for t in spec.tables}
        self.lookups = {k for k, t in self.tables.items() if t.target_rows < DEFAULT_ROWS}
        self.calendars = {
            k
            for k, t in self.tables.items()
            if any(isinstance(c.rule, CalendarRule) for c in t.columns)
        }
        self.facts = {
            k
            for k, t in self.tables.items()
            if _FACT_PREFIX.search(_norm(t.name)) or len(self.big_parents(t)) >= _FACT_PARENTS
        }
        self.fact_dimensions = {
            p for k in self.facts for p in self.big_parents(self.tables[k]) if p not in self.facts
        }

    def parents(self, table: Table) -> list[str]:
        own = table.key.lower()
        out: list[str] = []
        for fk in table.foreign_keys:
            p = fk.references_table.lower()
            if p != own and p in self.tables and p not in out:
                out.append(p)
        return out

    def big_parents(self, table: Table) -> list[str]:
        return [p for p in self.parents(table) if p not in self.lookups]

    def one_to_one(self, table: Table) -> bool:
        unique = [sorted(k) for k in table.unique_keys()]
        return any(
            sorted(fk.columns) in unique
            for fk in table.foreign_keys
            if fk.references_table.lower() not in self.lookups
            and fk.references_table.lower() != table.key.lower()
        )

    def eventish(self, key: str) -> bool:
        return key in self.facts or bool(_EVENT.search(_norm(self.tables[key].name)))


def _arithmetic_lines(spec: ExperimentSpec, g: _Graph) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for note in spec.notes:
        m = _ARITH_NOTE.match(note)
        if m is None:
            continue
        child, parent = g.by_name.get(m["t"].lower()), g.by_name.get(m["p"].lower())
        if child is not None and parent is not None:
            out[child] = (int(m["k"]), parent)
    return out


def _role(g: _Graph, key: str, arith: dict[str, tuple[int, str]]) -> _Role | None:
    table = g.tables[key]
    if key in arith:
        per, parent = arith[key]
        return _Role("line", "lines of a transaction (arithmetic's lines per parent)", per, parent)
    big = g.big_parents(table)
    if table.target_rows != DEFAULT_ROWS or key in g.calendars or not big:
        return None
    if g.one_to_one(table) or (key in g.fact_dimensions):
        return None
    name = _norm(table.name)
    heads = [p for p in big if g.eventish(p)]
    if _LINE.search(name) and heads:
        return _Role("line", "lines of a transaction", LINES_PER_PARENT, heads[0])
    if key in g.facts:
        why = f"a fact table ({len(big)} non-lookup parents)"
        if _FACT_PREFIX.search(name):
            why = "a fact table (its name says so)"
        return _Role("fact", why, PER_DIMENSION)
    if _EVENT.search(name):
        return _Role("event", "a table of events or transactions (by its name)", PER_ENTITY)
    keys = {c for fk in table.foreign_keys for c in fk.columns}
    others = [c for c in table.columns if c.name not in keys]
    if len(table.foreign_keys) == 2 and (set(table.primary_key) == keys or len(others) <= 1):
        return _Role("bridge", "a bridge between its two parents", PER_BRIDGE)
    return None


def _cap(table: Table, rows: int, sizes: dict[str, int], g: _Graph) -> tuple[int, str]:
    why = ""
    if rows > MAX_ROWS:
        rows, why = MAX_ROWS, f", capped at {MAX_ROWS} for a quick default run"
    for col in table.columns:
        size = unique_domain_size(col) if col.is_unique else None
        if size is not None and size < rows:
            rows, why = size, f", as many as unique {col.name} can hold"
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    for key in table.unique_keys():
        if key and set(key) <= fk_cols:
            most = 1
            for fk in table.foreign_keys:
                if set(fk.columns) <= set(key):
                    most *= sizes.get(fk.references_table.lower(), DEFAULT_ROWS)
            if most < rows:
                rows, why = most, ", as many as its key of foreign keys can hold"
    return rows, why


def fact_rows(spec: ExperimentSpec) -> ExperimentSpec:
    """A copy of ``spec`` whose event, fact, line and bridge tables left at the default row
    count hold more rows than their parents (or ``spec`` itself when none changes)."""
    g = _Graph(spec)
    arith = _arithmetic_lines(spec, g)
    roles = {k: r for k in g.tables if (r := _role(g, k, arith)) is not None}
    sizes: dict[str, int] = {k: t.target_rows for k, t in g.tables.items()}
    done: set[str] = set()
    grown: set[str] = set(arith)
    notes: list[str] = []

    def size(key: str, seen: tuple[str, ...] = ()) -> int:
        if key in done or key not in roles or key in seen:
            return sizes[key]
        done.add(key)
        table, role = g.tables[key], roles[key]
        rows_of = {p: size(p, (*seen, key)) for p in g.big_parents(table)}
        name = {p: g.tables[p].name for p in rows_of}
        if role.kind == "line":
            parent = role.parent
            rows = role.per * rows_of.get(parent, sizes[parent])
            how = f"{role.per} per '{g.tables[parent].name}' row ({sizes[parent]})"
        elif role.kind == "bridge":
            parent = min(rows_of, key=lambda p: rows_of[p])
            rows = role.per * rows_of[parent]
            how = f"{role.per} per row of its smaller parent '{name[parent]}'"
        else:
            things = {p: n for p, n in rows_of.items() if p not in grown}
            rows, how = 0, ""
            if things:
                parent = max(things, key=lambda p: (things[p], p not in g.calendars))
                rows = role.per * things[parent]
                how = f"{role.per} per row of '{name[parent]}' ({things[parent]})"
            for p, n in rows_of.items():
                if p in grown and n > rows:
                    rows, how = n, f"one per row of '{name[p]}' ({n}) at least"
        rows, capped = _cap(table, rows, sizes, g)
        if rows > table.target_rows:
            sizes[key] = rows
            grown.add(key)
            notes.append(f"table '{table.name}': {role.why}; target_rows {rows}, {how}{capped}")
        return sizes[key]

    for key in g.tables:
        size(key)
    changed = {k: n for k, n in sizes.items() if n != g.tables[k].target_rows}
    if not changed:
        return spec
    out = spec.model_copy(deep=True)
    for t in out.tables:
        if t.key.lower() in changed:
            t.target_rows = changed[t.key.lower()]
    out.notes = [*out.notes, *notes]
    return out
