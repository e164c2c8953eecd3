"""Transactions about a scheduled happening come before it: tickets are listed and sold before
their event starts, seats booked before the flight departs.

A parent whose one date or timestamp column of its kind is a scheduled time (``starttime``,
``start_date``, ``scheduled_at``, ``departure``, ``event_date``, ``due_date`` ...) and a child
whose time is a transaction about that row (``listtime``, ``saletime``, ``booking_date``,
``order_date``, ``reserved_at`` ...): the child's time goes ``before`` the parent's.

:mod:`dwsim_nb.ddl.time_order` already makes a child's first event follow its parent's first
event (a sale follows its listing); a scheduled time is never such an event (an event's start
lies ahead of its tickets), so the two orders meet only in a child that follows another parent
(a sale after its listing) and precedes the scheduled one (before its event): it takes both
only when that other parent's time itself goes before the same scheduled row, reached through
the same key (a sale's event is its listing's, a ``through`` key), so the window is never
empty. Conservative otherwise: a parent holding a period (an end beside the start: a
promotion, a shift) or named as one (campaign, season, subscription ...), a started-at record
of something that happened (``started_at``), columns with a rule the user wrote, and keys to
the table itself are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from dwsim_nb.spec.models import ExperimentSpec, ForeignKey, Table
from dwsim_nb.spec.notes import add_note

_TEMPORAL = ("DATE", "TIMESTAMP", "TIMESTAMPTZ")
# A time set in advance for the row to happen at.
_SCHEDULED = re.compile(
    r"(^|_)start(?!ed)|schedul|depart|event_?(date|time|ts|at|dt|day)$|show_?(date|time)"
    r"|perform|kick_?off|(^|_)due(_|$)"
)
# The end of a period: a parent holding one is a span of time, not a moment ahead.
_PERIOD_END = re.compile(r"(^|_)end|finish|expir|until|stop|(^|_)thru|_to$|arriv|return")
_PERIOD_TABLE = re.compile(
    r"promo|campaign|shift|session|season|term|semester|sprint|period|subscri|contract|polic"
    r"|member|tenure|employ|assign|lease|plan"
)
# A transaction about the parent row: listed, sold, booked, bought, ordered, reserved.
_TRANSACTION = re.compile(r"list|sale|sold|book|purchas|order|reserv|placed|ticket")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _scheduled(spec: ExperimentSpec, table: Table) -> str | None:
    """The table's scheduled time column, if it has exactly one and holds no period."""
    if _PERIOD_TABLE.search(_norm(table.name)):
        return None
    times = [c for c in table.columns if c.data_type in _TEMPORAL]
    if any(_PERIOD_END.search(_norm(c.name)) for c in times):
        return None
    found = [c.name for c in times if _SCHEDULED.search(_norm(c.name))]
    return found[0] if len(found) == 1 else None


def _free(rule: dict[str, Any] | None) -> bool:
    """No rule, or a datetime rule inferred (with its reason) and not yet ``before`` anything."""
    if rule is None or rule.get("kind") == "auto":
        return True
    return rule.get("kind") == "datetime" and bool(rule.get("reason")) and not rule.get("before")


def _table_of(spec: ExperimentSpec, ref: str, table: Table) -> Table | None:
    if "." not in ref:
        return table
    try:
        return spec.table(ref.rsplit(".", 1)[0])
    except KeyError:
        return None


def _reaches(
    spec: ExperimentSpec, rules: dict[tuple[str, str], dict[str, Any]], start: Table, col: str
) -> set[str]:
    """Keys of the tables whose columns ``start.col``'s value follows (after or before)."""
    seen: set[str] = set()
    todo = [(start, col)]
    while todo:
        table, name = todo.pop()
        rule = rules.get((table.key, name.lower())) or {}
        for ref in (rule.get("after"), rule.get("before")):
            if not ref:
                continue
            other = _table_of(spec, ref, table)
            if other is not None and other.key not in seen:
                seen.add(other.key)
                todo.append((other, ref.rsplit(".", 1)[-1]))
    return seen


def _key_to(spec: ExperimentSpec, table: Table, parent: Table) -> list[int]:
    out = []
    for i, fk in enumerate(table.foreign_keys):
        try:
            if spec.table(fk.references_table).key == parent.key:
                out.append(i)
        except KeyError:
            continue
    return out


def _same_row(
    spec: ExperimentSpec,
    t_data: dict[str, Any],
    table: Table,
    fk: int,
    after: str,
    rules: dict[tuple[str, str], dict[str, Any]],
    before: str,
) -> bool:
    """Whether the column ``after`` names (a parent's) goes before ``before`` too, and the key
    ``fk`` takes the scheduled row through that parent (a ``through`` key): both ends then
    belong to one scheduled row."""
    other = _table_of(spec, after, table)
    if other is None or other.key == table.key:
        return False
    theirs = rules.get((other.key, after.rsplit(".", 1)[-1].lower())) or {}
    if (theirs.get("before") or "").lower() != before.lower():
        return False
    card = t_data["foreign_keys"][fk].get("cardinality") or {}
    via = [c.lower() for c in card.get("via") or []]
    vias = [f for f in table.foreign_keys if [c.lower() for c in f.columns] == via]
    return card.get("kind") == "through" and any(_refers(spec, f, other) for f in vias)


def _refers(spec: ExperimentSpec, fk: ForeignKey, table: Table) -> bool:
    try:
        return spec.table(fk.references_table).key == table.key
    except KeyError:
        return False


def scheduled_before(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set ``before`` on transaction times of children of scheduled rows, in ``data`` (the
    dumped ``spec``, after its ``through`` keys); True if any was set."""
    rules: dict[tuple[str, str], dict[str, Any]] = {}
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        for c in t_data["columns"]:
            if c.get("rule"):
                rules[(table.key, c["name"].lower())] = c["rule"]
    changed = True
    set_any = False
    while changed:  # a sale's window needs its listing's ``before`` first
        changed = False
        for t_data, table in zip(data["tables"], spec.tables, strict=True):
            for c_data in t_data["columns"]:
                if _set_one(spec, t_data, table, c_data, rules):
                    rule = c_data["rule"]
                    rules[(table.key, c_data["name"].lower())] = rule
                    why = rule["reason"].rsplit("; ", 1)[-1]
                    add_note(data, table.name, why, column=c_data["name"])
                    changed = set_any = True
    return set_any


def _set_one(
    spec: ExperimentSpec,
    t_data: dict[str, Any],
    table: Table,
    c_data: dict[str, Any],
    rules: dict[tuple[str, str], dict[str, Any]],
) -> bool:
    name = c_data["name"]
    if c_data["data_type"] not in _TEMPORAL or not _TRANSACTION.search(_norm(name)):
        return False
    rule = c_data.get("rule")
    if not _free(rule):
        return False
    keyed = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key)
    if name in keyed:
        return False
    found = []
    for i, fk in enumerate(table.foreign_keys):
        try:
            parent = spec.table(fk.references_table)
        except KeyError:
            continue
        when = _scheduled(spec, parent) if parent.key != table.key else None
        if when is not None and len(_key_to(spec, table, parent)) == 1:
            found.append((i, parent, when))
    if len(found) != 1:
        return False
    i, parent, when = found[0]
    ref = f"{parent.key}.{when}"
    if table.key in _reaches(spec, rules, parent, when):
        return False  # the scheduled time follows this table's: a circle
    after = (rule or {}).get("after")
    if after and not _same_row(spec, t_data, table, i, after, rules, ref):
        return False
    why = (
        f"a {name} is a transaction about its {parent.name} row, whose {when} is scheduled after it"
    )
    out = dict(rule or {"kind": "datetime"})
    out["kind"] = "datetime"
    out["before"] = ref
    earlier = f"{out['reason']}; " if out.get("reason") else ""
    out["reason"] = f"{earlier}name: before {ref} ({why})"
    c_data["rule"] = out
    return True
