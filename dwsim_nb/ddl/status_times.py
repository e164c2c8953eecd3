"""Times that depend on a row's status: ``canceled_at`` is set where the status says canceled.

A nullable ``<word>_at`` / ``<word>_date`` / ``<word>ed_on`` column whose word is a value of
the row's ``status`` column (``canceled_at`` beside ``status in ('active', 'canceled')``,
``shipped_date`` beside ``'shipped'``) records when that happened: NULL in the rows whose status
says it did not. The status values come from whatever rule the status column already has (a
CHECK list, an enum, a list the names gave).

Statuses on an order's way have an order, so a later one implies the earlier ones: a delivered
or returned order was shipped, a refunded payment was paid. A status off that way (canceled,
failed, past due) implies only itself. Times of a row's first step (``created_at``,
``placed_at``) are never nulled: every row took that step.

The rule keeps its dates (and any ``after``) and gains ``when``; its reason says so
(``...; status: set only where status is shipped, delivered or returned``).
"""

from __future__ import annotations

import re
from typing import Any

from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.types import TEMPORAL_TYPES

_STATUS = re.compile(r"(^|_)status$")
_TIME = re.compile(
    r"^(date_)?(?P<w>[a-z]+?)_?(at|date|on|ts|time|timestamp|datetime|dt)$|^date_(?P<v>[a-z]+)$"
)
# Where a step sits on the way an order, payment or ticket goes (stems, see _stem): a status
# implies every step of a lower rank. Steps not listed imply only themselves.
_RANKS: dict[str, float] = {
    "paid": 1,
    "pay": 1,
    "confirm": 1,
    "approv": 1,
    "accept": 1,
    "authoriz": 1,
    "proces": 1,
    "invoic": 1,
    "bil": 1,
    "ship": 2,
    "dispatch": 2,
    "sent": 2,
    "fulfil": 2,
    "deliver": 3,
    "receiv": 3,
    "resolv": 3,
    "complet": 3.5,
    "clos": 3.5,
    "finish": 3.5,
    "done": 3.5,
    "return": 4,
    "refund": 4,
}
# A row's first step: every row took it, so its time is never nulled.
_FIRST = frozenset(
    {"creat", "plac", "order", "open", "submit", "register", "start", "sign", "book", "new"}
)


def _stem(word: str) -> str:
    """A word without its ending: canceled, cancelled, cancellation -> cancel; shipped,
    shipment, ship -> ship; delivered, delivery -> deliver; completed, complete -> complet."""
    w = word.lower()
    for suffix in ("ation", "ment", "ion", "ing", "ed", "y", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


def _word(name: str) -> str | None:
    m = _TIME.match(re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"))
    if m is None:
        return None
    return m.group("w") or m.group("v")


def _statuses(t_data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(name, values) of the table's status columns whose rule lists their values."""
    out = []
    for c in t_data["columns"]:
        rule = c.get("rule") or {}
        if _STATUS.search(c["name"].lower()) and rule.get("kind") == "values":
            values = [v for v in rule.get("values") or [] if isinstance(v, str)]
            if values:
                out.append((c["name"], values))
    return out


def _held(stem: str, values: list[str]) -> list[str]:
    """The status values that say the step ``stem`` happened (empty: no status names it)."""
    stems = {v: _stem(re.sub(r"[^a-z]+", "", v.lower())) for v in values}
    if stem not in stems.values():
        return []
    rank = _RANKS.get(stem)
    if rank is None:
        return [v for v, s in stems.items() if s == stem]
    return [v for v, s in stems.items() if s == stem or _RANKS.get(s, -1.0) >= rank]


def _listing(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def status_times(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set ``when`` on the datetime rules (in ``data``, the dump of ``spec``) of times that
    depend on their row's status; True if any was set."""
    changed = False
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        statuses = _statuses(t_data)
        if statuses:
            changed = _table(t_data, table, statuses) or changed
    return changed


def _table(t_data: dict[str, Any], table: Table, statuses: list[tuple[str, list[str]]]) -> bool:
    keys = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key)
    changed = False
    for c_data in t_data["columns"]:
        word = _word(c_data["name"])
        if (
            word is None
            or c_data.get("required")
            or c_data.get("data_type") not in TEMPORAL_TYPES
            or c_data.get("data_type") == "TIME"
            or c_data["name"] in keys
        ):
            continue
        stem = _stem(word)
        if stem in _FIRST or len(stem) < 3:
            continue
        found = [(name, held) for name, values in statuses if (held := _held(stem, values))]
        rule = c_data.get("rule")
        if len(found) != 1 or not _replaceable(rule):
            continue
        status, held = found[0]
        why = f"status: set only where {status} is {_listing(held)}"
        if rule is None or rule.get("kind") == "auto":
            rule = {"kind": "datetime"}
        reason = rule.get("reason")
        c_data["rule"] = {
            **rule,
            "when": {"column": status, "values": held},
            "reason": f"{reason}; {why}" if reason else why,
        }
        changed = True
    return changed


def _replaceable(rule: dict[str, Any] | None) -> bool:
    """No rule, or an inferred datetime rule without a condition yet."""
    if rule is None or rule.get("kind") == "auto":
        return True
    return rule.get("kind") == "datetime" and bool(rule.get("reason")) and not rule.get("when")
