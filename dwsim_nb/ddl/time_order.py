"""Dates that follow each other: the order of events a row's (and its parent's) names imply.

Drawn apart, a rental is returned before it is rented in half the rows. Each date or timestamp
column gets a kind of event from its name (``ship_date`` a shipment, ``rental_date`` an order,
``created_at`` a creation ...); within a table a later kind goes ``after`` the earlier one it
follows (a shipment after the order, a return after the rental, an update after the creation),
with a realistic largest gap (``within``: a return within 10 days). Across a foreign key a
child's first event goes after its parent's first event (a line ships after its order is placed,
a sale follows its listing, a payment its rental). Birth dates end 18 years before the table's
first event. Only columns without a rule or with the name's guess are given an order; the range
the name gave stays, so values stay inside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from dwsim_nb.spec.models import ExperimentSpec, Table

# (kind, name fragment); the first match names a column's kind.
_KINDS: list[tuple[str, str]] = [
    ("birth", r"birth|dob|born"),
    ("update", r"updat|modif|changed|edited"),
    ("login", r"last_?(login|seen|active|access|visit|sign_?in)|login"),
    ("create", r"creat|signup|sign_?up|regist|joined|join_?d|enrol|onboard|since"),
    ("bill", r"invoic|billed|bill_?(date|time|ts)"),
    ("pay", r"paid|payment|pay_?(date|time|ts)|settle"),
    ("ship", r"ship|dispatch|sent"),
    ("deliver", r"deliver|receipt|receiv|arriv"),
    ("return", r"return|check_?in|drop_?off"),
    ("due", r"(^|_)due|requir|need|commit|promis|expect|deadline|schedul"),
    ("close", r"clos|resolv|complet|cancel"),
    ("end", r"(^|_)end|_to$|^to_|finish|expir|until|stop|(^|_)thru"),
    ("start", r"(^|_)start|begin|_from$|^from_|effective|open|issued|launch"),
    ("order", r"order|placed|purchas|book|rent|borrow|check_?out|list|sale|sold|transact|pick_?up"),
]
_KIND_RES = [(k, re.compile(p)) for k, p in _KINDS]
# Kind -> the kinds it follows within a row, nearest first.
_FOLLOWS: dict[str, tuple[str, ...]] = {
    "start": ("create",),
    "order": ("create", "start"),
    "bill": ("order", "create", "start"),
    "ship": ("order", "bill", "create", "start"),
    "due": ("order", "create", "start"),
    "deliver": ("ship", "order", "create", "start"),
    "return": ("deliver", "ship", "order", "start", "create"),
    "pay": ("bill", "order", "deliver", "ship", "create", "start"),
    "end": ("start", "create", "order"),
    "close": ("start", "create", "order"),
    "update": ("create", "start", "order", "bill"),
    "login": ("create", "start"),
}
# Largest gap in days after the event followed (none: up to the column's end, or a year).
_WITHIN: dict[str, float] = {
    "ship": 30,
    "deliver": 30,
    "due": 90,
    "return": 10,
    "pay": 30,
    "bill": 30,
    "close": 90,
}
# A parent's events a child's follow: creation and transactions. A start may lie ahead of the
# children (an event starts after its tickets are listed), an end or update after them.
_PARENT_EVENTS = ("create", "order", "bill", "ship", "deliver", "return", "pay", "close")
_ADULT_YEARS = 18
# A time of day that another follows starts early enough to leave room the same day; the later
# one comes within 12 hours of it, clamped to the end of the day.
_DAY_FIRST = dt.time(5, 0)
_DAY_LAST = dt.time(20, 0)
_TIME_WITHIN = 0.5


def kind_of(name: str) -> str | None:
    for kind, pattern in _KIND_RES:
        if pattern.search(name):
            return kind
    return None


def _dates(table: Table, norm: Callable[[str], str]) -> list[tuple[str, str | None]]:
    """(column, kind) of the table's date and timestamp columns."""
    return [
        (c.name, kind_of(norm(c.name)))
        for c in table.columns
        if c.data_type in ("DATE", "TIMESTAMP", "TIMESTAMPTZ")
    ]


def _reaches(deps: dict[str, str], start: str, target: str) -> bool:
    node: str | None = start
    seen = set()
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = deps.get(node)
    return False


def time_order(
    spec: ExperimentSpec,
    norm: Callable[[str], str],
    usable: Callable[[str, str], bool],
    rule_of: Callable[[str, str], dict[str, Any] | None],
) -> dict[tuple[str, str], dict[str, Any]]:
    """Datetime rule dicts to set, by (table, column).

    ``usable(table, column)`` says whether the column may take an inferred rule; ``rule_of``
    gives its rule dict so far (the name's range, kept).
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    deps: dict[str, str] = {}  # "table.column" -> the "table.column" it follows

    def follow(
        table: str,
        col: str,
        ref: str,
        target: str,
        within: float | None,
        why: str,
        strict: bool = False,
    ) -> None:
        if _reaches(deps, target, f"{table}.{col}"):
            return  # a circle through foreign keys: leave this one unordered
        deps[f"{table}.{col}"] = target
        rule = dict(rule_of(table, col) or {"kind": "datetime"})
        if rule.get("kind") != "datetime":
            rule = {"kind": "datetime"}
        rule.update(after=ref, within=within)
        if strict:
            rule["strict"] = True
        earlier = f"{rule['reason']}; " if rule.get("reason") else ""
        gap = f" within {within:g} days" if within else ""
        rule["reason"] = f"{earlier}name: after {ref}{gap} ({why})"
        out[(table, col)] = rule

    first_event: dict[str, tuple[str, str]] = {}
    roots: dict[str, list[tuple[str, str | None]]] = {}
    for table in spec.tables:
        dates = _dates(table, norm)
        events = [(c, k) for c, k in dates if k is not None and k != "birth"]
        # The parent's first event in time (a rental's rental_date, not its return_date, which
        # may be null): _PARENT_EVENTS runs in the order events happen.
        mine = sorted(
            (e for e in events if e[1] in _PARENT_EVENTS),
            key=lambda e: _PARENT_EVENTS.index(str(e[1])),
        )
        if mine:
            first_event[table.key] = (mine[0][0], str(mine[0][1]))
        roots[table.key] = []
        for col, kind in dates:
            if not usable(table.key, col):
                continue
            ref = _within_row(events, col, kind)
            if ref is not None:
                within = _WITHIN.get(str(kind))
                follow(table.key, col, ref, f"{table.name}.{ref}", within, f"{kind} follows")
            elif kind not in ("birth", "update", "login", "end") and (
                kind is not None or len([d for d in dates if d[1] != "birth"]) == 1
            ):
                roots[table.key].append((col, kind))
        for col, ref in _clock_order(table, norm, usable):
            why = f"{kind_of(norm(col))} follows, the same day"
            follow(table.key, col, ref, f"{table.name}.{ref}", _TIME_WITHIN, why, strict=True)
            if (table.key, ref) not in out and usable(table.key, ref):
                out[(table.key, ref)] = {
                    "kind": "datetime",
                    "start": _DAY_FIRST,
                    "end": _DAY_LAST,
                    "reason": f"name: a time of day from {_DAY_FIRST:%H:%M} to {_DAY_LAST:%H:%M}, "
                    f"leaving room for {col} after it",
                }
    for table in spec.tables:
        parent = _parent_event(spec, table, first_event)
        if parent is None:
            continue
        ptable, pcol, pkind = parent
        for col, kind in roots[table.key]:
            within = _WITHIN.get(str(kind)) if kind is not None else None
            ref = f"{ptable}.{pcol}"
            follow(table.key, col, ref, ref, within, f"through the foreign key, after its {pkind}")
    return out


def _clock_order(
    table: Table, norm: Callable[[str], str], usable: Callable[[str, str], bool]
) -> list[tuple[str, str]]:
    """(column, the column it follows) among the table's TIME columns: times of day follow
    only each other (a shift ends after it starts), never a date or a parent's event."""
    times = [(c.name, kind_of(norm(c.name))) for c in table.columns if c.data_type == "TIME"]
    events = [(c, k) for c, k in times if k is not None]
    out = []
    for col, kind in events:
        ref = _within_row(events, col, kind)
        if ref is not None and usable(table.key, col):
            out.append((col, ref))
    return out


def _within_row(events: Sequence[tuple[str, str | None]], col: str, kind: str | None) -> str | None:
    """The column ``col`` follows: of the nearest earlier kind, the one whose name shares most
    with it (``valid_to`` follows ``valid_from``, not ``opened_at``)."""
    for earlier in _FOLLOWS.get(str(kind), ()):
        found = [other for other, k in events if other != col and k == earlier]
        if found:
            return max(found, key=lambda other: _shared(col, other))
    return None


def _shared(a: str, b: str) -> int:
    """Characters two names share at the start and at the end."""
    a, b = a.lower(), b.lower()
    head = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    tail = next((i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=False)) if x != y), 0)
    return head + tail


def _parent_event(
    spec: ExperimentSpec, table: Table, first_event: dict[str, tuple[str, str]]
) -> tuple[str, str, str] | None:
    """(parent table, column, kind) of the latest first event among the table's parents."""
    order = list(_PARENT_EVENTS)
    best: tuple[str, str, str] | None = None
    for fk in table.foreign_keys:
        parent = fk.references_table
        if parent.lower() == table.key.lower() or parent not in first_event:
            continue
        col, kind = first_event[parent]
        if best is None or order.index(kind) > order.index(best[2]):
            best = (parent, col, kind)
    return best


def adult_births(
    table: Table,
    norm: Callable[[str], str],
    usable: Callable[[str, str], bool],
    rule_of: Callable[[str, str], dict[str, Any] | None],
) -> dict[str, dict[str, Any]]:
    """Birth dates ending 18 years before the earliest start of the table's other dates."""
    starts = []
    births = []
    for col, kind in _dates(table, norm):
        rule = rule_of(table.key, col) or {}
        if kind == "birth":
            if usable(table.key, col) and rule.get("kind") == "datetime" and rule.get("end"):
                births.append((col, rule))
        elif rule.get("kind") == "datetime" and rule.get("start") is not None:
            starts.append(rule["start"])
    if not births or not starts:
        return {}
    first = min(_as_date(s) for s in starts)
    latest = dt.date(first.year - _ADULT_YEARS, 1, 1) - dt.timedelta(days=1)
    out = {}
    for col, rule in births:
        end, start = _as_date(rule["end"]), _as_date(rule.get("start") or dt.date(1900, 1, 1))
        if end <= latest or start >= latest:
            continue
        moment: Any = latest
        if isinstance(rule["end"], dt.datetime):
            moment = dt.datetime(latest.year, latest.month, latest.day)
        reason = f"{rule.get('reason') or 'birth date'}; adult ({_ADULT_YEARS}+) at the first event"
        out[col] = {**rule, "end": moment, "reason": reason}
    return out


def _as_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])
