"""A row's time falls on the day its date-dimension key names: an event's start time is on the
calendar day of its ``dateid``.

A table with one foreign key to a date dimension (a table whose day column has a ``calendar``
rule) and one date or timestamp column of its own holds the day twice. The column goes
``after`` the dimension row's day ``within`` one day, so its date is that day. Conservative: only
a table with exactly one such key and exactly one date or timestamp column, which has no rule
the user wrote and no ``after`` yet (a sale's time follows its listing's: that order is kept).
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.spec.models import ExperimentSpec

# The largest gap that stays on the same day (a timestamp's last second of it).
SAME_DAY = 86_399 / 86_400
_TEMPORAL = ("DATE", "TIMESTAMP", "TIMESTAMPTZ")


def _days(spec: ExperimentSpec, data: dict[str, Any]) -> dict[str, str]:
    """Date dimension table key -> its day column (the calendar's ``date`` part of no other)."""
    out: dict[str, str] = {}
    for t, table in zip(data["tables"], spec.tables, strict=True):
        for c in t["columns"]:
            rule = c.get("rule") or {}
            if rule.get("kind") == "calendar" and rule.get("part") == "date" and not rule.get("of"):
                out[table.key] = c["name"]
    return out


def calendar_times(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Make a row's only date or timestamp fall on its date key's day, in ``data`` (the dumped
    ``spec``); True if any was set."""
    days = _days(spec, data)
    changed = False
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        if table.key in days:
            continue
        keys = []
        for fk in table.foreign_keys:
            try:
                parent = spec.table(fk.references_table).key
            except KeyError:
                continue
            if parent in days:
                keys.append((fk, parent))
        times = [c for c in t_data["columns"] if c["data_type"] in _TEMPORAL]
        if len(keys) != 1 or len(keys[0][0].columns) != 1 or len(times) != 1:
            continue
        fk, parent = keys[0]
        c_data = times[0]
        rule = c_data.get("rule") or {}
        if rule.get("kind") not in (None, "auto", "datetime") or rule.get("after"):
            continue
        if rule.get("kind") == "datetime" and not rule.get("reason"):
            continue  # the user's own range
        day = days[parent]
        name = spec.table(parent).name
        why = (
            f"date dimension: {c_data['name']} falls on the {name}.{day} of the row's "
            f"{fk.columns[0]}"
        )
        c_data["rule"] = {
            "kind": "datetime",
            "start": rule.get("start"),
            "end": rule.get("end"),
            "after": f"{parent}.{day}",
            "within": SAME_DAY,
            "reason": why,
        }
        data.setdefault("notes", []).append(
            f"table '{table.name}', column '{c_data['name']}': {why}"
        )
        changed = True
    return changed
