"""Row counts by a table's role: a lookup table holds a few rows, not the default thousand.

A table is a lookup (shippers, statuses, payment types, regions) when

- its name reads as a list of kinds (its last word, singular and without ``dim_``/``_lookup``
  affixes, is ``type``, ``kind``, ``status``, ``category``, ``class``, ``group``, ``tier``,
  ``level``, ``mode``, ``method``, ``reason``, ``region``, ``shipper``, ``carrier`` ...) and
  it has at most six columns besides its keys; or
- other tables reference it and, besides its keys, it holds only a few labels (a name, title,
  description, code, abbreviation, phone or fax) and bookkeeping columns (flags, a sort
  order, when the row was changed);

and in both cases its name is not one of people, works, products or other things there are
many of (accounts, orders, suppliers ...), no label is a person's, its own foreign keys (a
reference to itself aside) lead only to other lookups, and no table extends it one-to-one.
Knowledge is in the words below; any schema can trigger it.

Its count is the fewest distinct values a label's list holds (a domain's names, a CHECK's
IN list, an enum: each value once), else a few kinds (8) or a small list (20); a lookup under
another lookup (sub-categories under categories) holds at least twice its parent's rows, so a
child keeps more rows than its parent. A count is only ever lowered, each change is a note
with its reason, and the rows a user asks for when generating always win.
"""

from __future__ import annotations

import re
from typing import Any

from dwsim_nb.ddl.lookups import singular
from dwsim_nb.ddl.nouns import entity_table
from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.notes import add_note

#: Rows of a lookup named as a list of kinds, and of one known by its shape alone.
KIND_ROWS = 8
LIST_ROWS = 20
_MAX_KIND_COLUMNS = 6
_MAX_LIST_LABELS = 3
_MAX_LIST_COLUMNS = 5

_KIND_WORD = re.compile(
    r"(^|_)(?P<word>type|kind|status|category|class|classification|group|tier|level|grade|"
    r"mode|method|reason|priority|stage|role|region|zone|segment|genre|format|style|"
    r"shipper|carrier|courier)$"
)
_LABEL = re.compile(
    r"(name|title|label|caption|desc|descr|description|code|abbr|abbrev|abbreviation|"
    r"symbol|phone|fax|text|notes?|remarks?|comments?)$"
)
_BOOKKEEPING = re.compile(
    r"^(last_?)?(created|updated|update|modified|changed|inserted)(_?(at|on|date|ts|time|by))?$|"
    r"^(is|has)_|(^|_)(active|enabled|deleted|flag|visible)$|"
    r"(sort|display|list)_?(order|seq|key)|(^|_)(position|rank|ordinal|seq|sequence)$"
)
# Tables of things there are many of, each row its own (their names are labels too).
_MANY = re.compile(
    r"(^|_)(account|lead|opportunit(y|ie)|order|invoice|payment|transaction|session|event|"
    r"project|task|ticket|document|file|message|post|comment|page|address|location|city|"
    r"device|compan(y|ie)|organi[sz]ation|supplier|vendor|partner|merchant|team|site)$"
)
_PERSON_PROVIDERS = {"first_name", "last_name", "email", "user_name", "ssn"}
_ENTITY_RECORDS = {"person", "title", "product"}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _keys(table: Table) -> set[str]:
    out = set(table.primary_key)
    for fk in table.foreign_keys:
        out.update(fk.columns)
    return out


def _personal(rule: dict[str, Any] | None) -> bool:
    """A rule that fills a person's name, a work's title or a product's name."""
    if not rule:
        return False
    if rule.get("kind") == "faker":
        return rule.get("provider") in _PERSON_PROVIDERS
    return rule.get("kind") == "record" and rule.get("record") in _ENTITY_RECORDS


class _Roles:
    """The lookups of a spec (read from ``data``, the dumped spec with its inferred rules)."""

    def __init__(self, spec: ExperimentSpec, data: dict[str, Any]) -> None:
        self.spec = spec
        self.tables = {
            t.key.lower(): (t, d) for t, d in zip(spec.tables, data["tables"], strict=True)
        }
        self.referenced: dict[str, list[Table]] = {}
        self.one_to_one: set[str] = set()
        for t in spec.tables:
            unique = [sorted(k) for k in t.unique_keys()]
            for fk in t.foreign_keys:
                parent = fk.references_table.lower()
                if parent == t.key.lower():
                    continue
                self.referenced.setdefault(parent, []).append(t)
                if sorted(fk.columns) in unique:
                    self.one_to_one.add(parent)

    def evidence(self, table: Table, t_data: dict[str, Any]) -> str | None:
        """Why ``table`` looks like a lookup on its own (its name or its shape), or None."""
        key = table.key.lower()
        if entity_table(table.name) or _MANY.search(singular(table.name)):
            return None
        if key in self.one_to_one:
            return None
        keys = _keys(table)
        columns = [c for c in t_data["columns"] if c["name"] not in keys]
        if not columns or any(_personal(c.get("rule")) for c in columns):
            return None
        if any((c.get("rule") or {}).get("kind") == "calendar" for c in t_data["columns"]):
            return None  # a date dimension: one row per day
        word = _KIND_WORD.search(singular(table.name))
        if word is not None and len(columns) <= _MAX_KIND_COLUMNS:
            return f"its name reads as a list of kinds ('{word.group('word')}')"
        children = self.referenced.get(key, [])
        if not children or len(columns) > _MAX_LIST_COLUMNS:
            return None
        labels = [c["name"] for c in columns if _LABEL.search(_norm(c["name"]))]
        others = [
            c
            for c in columns
            if c["name"] not in labels
            and c["data_type"] != "BOOLEAN"
            and not _BOOKKEEPING.search(_norm(c["name"]))
        ]
        if not labels or len(labels) > _MAX_LIST_LABELS or others:
            return None
        return (
            f"'{children[0].name}' references it and it holds only a key and labels "
            f"({', '.join(labels)})"
        )


def _value_count(table: Table, t_data: dict[str, Any]) -> tuple[int, str] | None:
    """The fewest distinct values a label column's list holds, and that column."""
    keys = _keys(table)
    word = singular(table.name).split("_")[-1]
    best: tuple[int, str] | None = None
    for c in t_data["columns"]:
        rule = c.get("rule") or {}
        name = _norm(c["name"])
        if c["name"] in keys or rule.get("kind") != "values" or c["data_type"] == "BOOLEAN":
            continue
        if not (_LABEL.search(name) or word in name):
            continue
        n = len({repr(v) for v in rule.get("values") or []})
        if n >= 2 and (best is None or n < best[0]):
            best = (n, c["name"])
    return best


def lookup_rows(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Lower the default row count of lookup tables in ``data`` (the dumped ``spec``, with
    the rules inferred so far); True if any changed."""
    roles = _Roles(spec, data)
    found = {
        key: why
        for key, (table, t_data) in roles.tables.items()
        if (why := roles.evidence(table, t_data)) is not None
    }
    # A lookup's own foreign keys lead to lookups only (a territory under its region).
    while True:
        dropped = {
            key
            for key in found
            if any(
                fk.references_table.lower() not in found
                for fk in roles.tables[key][0].foreign_keys
                if fk.references_table.lower() != key
            )
        }
        if not dropped:
            break
        for key in dropped:
            del found[key]
    sizes: dict[str, int] = {}
    changed = False

    def size(key: str, seen: tuple[str, ...] = ()) -> int:
        nonlocal changed
        if key in sizes:
            return sizes[key]
        table, t_data = roles.tables[key]
        current = int(t_data.get("target_rows", 1000))
        counted = _value_count(table, t_data)
        if counted is not None:
            rows, how = counted[0], f"one row per value of {counted[1]}"
        else:
            rows = KIND_ROWS if found[key].startswith("its name") else LIST_ROWS
            how = "a few rows"
            parents = {
                fk.references_table.lower()
                for fk in table.foreign_keys
                if fk.references_table.lower() not in (key, *seen)
            }
            for parent in sorted(parents):
                twice = 2 * size(parent, (*seen, key))
                if twice > rows:
                    rows = twice
                    how = f"twice the rows of its parent '{roles.tables[parent][0].name}'"
        rows = min(rows, current)
        sizes[key] = rows
        if rows < current:
            t_data["target_rows"] = rows
            why = f"a lookup table ({found[key]}); target_rows {rows}, {how}"
            add_note(data, table.name, why)
            changed = True
        return rows

    for key in found:
        size(key)
    return changed
