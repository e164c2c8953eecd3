"""A row's time falls on the day its date-dimension key names: an event's start time is on the
calendar day of its ``dateid``.

A table with one foreign key to a date dimension (a table whose day column has a ``calendar``
rule) and one date or timestamp column of its own holds the day twice. The column goes
``after`` the dimension row's day ``within`` one day, so its date is that day. Conservative: only
a table with exactly one such key and exactly one date or timestamp column, which has no rule
the user wrote and no ``after`` or ``before`` yet.

The other way round (:func:`day_keys`): when that column is constrained otherwise (a sale's
time follows its listing's, a listing's comes before its event), the key follows the time: a
``day`` cardinality picks the dimension's row of the column's day, and the column's values stay
within the dimension's days when generated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.notes import add_note

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


def _date_key(
    spec: ExperimentSpec, days: dict[str, str], t_data: dict[str, Any], table: Table
) -> tuple[int, str, dict[str, Any]] | None:
    """(index of the table's one single-column key to a date dimension, the dimension's key,
    the table's one date or timestamp column), if it has exactly those."""
    if table.key in days:
        return None
    keys = []
    for i, fk in enumerate(table.foreign_keys):
        try:
            parent = spec.table(fk.references_table).key
        except KeyError:
            continue
        if parent in days:
            keys.append((i, parent))
    times = [c for c in t_data["columns"] if c["data_type"] in _TEMPORAL]
    if len(keys) != 1 or len(table.foreign_keys[keys[0][0]].columns) != 1 or len(times) != 1:
        return None
    return keys[0][0], keys[0][1], times[0]


def _date_keyed(
    spec: ExperimentSpec, days: dict[str, str], data: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], Table, int, str, dict[str, Any]]]:
    """Each table (dumped and as a spec) with one key to a date dimension and one date or
    timestamp column: the key's index, the dimension's key and the column's record."""
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        found = _date_key(spec, days, t_data, table)
        if found is not None:
            yield (t_data, table, *found)


def calendar_times(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Make a row's only date or timestamp fall on its date key's day, in ``data`` (the dumped
    ``spec``); True if any was set."""
    days = _days(spec, data)
    changed = False
    for t_data, table, i, parent, c_data in _date_keyed(spec, days, data):
        fk = table.foreign_keys[i]
        rule = c_data.get("rule") or {}
        if rule.get("kind") not in (None, "auto", "datetime") or rule.get("after"):
            continue
        if rule.get("before") or t_data["foreign_keys"][i].get("cardinality"):
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
            "as_of": rule.get("as_of"),
            "after": f"{parent}.{day}",
            "within": SAME_DAY,
            "reason": why,
        }
        add_note(data, table.name, why, column=c_data["name"])
        changed = True
    return changed


def _follows(spec: ExperimentSpec, ref: str | None, parent: str) -> bool:
    """Whether an ``after``/``before`` reference names the date dimension ``parent``."""
    if not ref or "." not in ref:
        return False
    try:
        return spec.table(ref.rsplit(".", 1)[0]).key == parent
    except KeyError:
        return False


def day_keys(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Give a ``day`` cardinality, in ``data``, to a table's one key to a date dimension when
    its one date or timestamp column is constrained otherwise (the key follows the time);
    True if any was set."""
    days = _days(spec, data)
    changed = False
    for t_data, table, i, parent, c_data in _date_keyed(spec, days, data):
        fk_data = t_data["foreign_keys"][i]
        rule = c_data.get("rule") or {}
        if fk_data.get("cardinality") or rule.get("kind") not in (None, "auto", "datetime"):
            continue
        if any(_follows(spec, rule.get(k), parent) for k in ("after", "before")):
            continue  # the time already follows the key's day
        fk = table.foreign_keys[i]
        name, day, col = spec.table(parent).name, days[parent], c_data["name"]
        how = "its own range" if not rule.get("reason") else "its time order"
        why = (
            f"date dimension: {table.name}.{fk.columns[0]} is the {name} row of the day of "
            f"{col} ({col} keeps {how}, so the key follows it); {col} stays within the "
            f"{name}.{day} days"
        )
        fk_data["cardinality"] = {
            "kind": "day",
            "column": col,
            "parent_column": day,
            "reason": why,
        }
        add_note(data, table.name, why, key=fk.columns[:1])
        changed = True
    return changed
