"""Coherent rows at import: names of places (:mod:`places`), record groups (:mod:`groups`) and
the order of dates (:mod:`time_order`), laid over the rules the names gave.

Runs after the name pass of :func:`dwsim_nb.ddl.infer.infer_rules`, on the spec's dict form: a
column takes part when it has no rule or still has the name's guess (``named`` holds those rule
dicts by id), never when the user or a DDL hint (CHECK, DEFAULT ...) gave its rule, nor for keys.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from dwsim_nb.ddl.groups import record_groups, split_name
from dwsim_nb.ddl.places import place_city, place_rules
from dwsim_nb.ddl.time_order import adult_births, time_order
from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.rules import SequenceRule, UuidRule

_MOMENTS = ("DATE", "TIMESTAMP", "TIMESTAMPTZ")


def free_key_columns(table: Table) -> set[str]:
    """Date and timestamp members of a composite primary key that another member makes unique
    on its own (a sequence, an identity, UNIQUE, a UUID): ``PRIMARY KEY (payment_date,
    payment_id)`` is unique by the id, so the date is an event like any other (pg_dump puts the
    partition column in the key) and may take the name's range and follow its parent's event."""
    key = table.primary_key
    if len(key) < 2:
        return set()
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}

    def unique_alone(name: str) -> bool:
        col = table.column(name)
        return (
            col.is_unique
            or col.data_type == "UUID"
            or (name not in fk_columns and isinstance(col.rule, SequenceRule | UuidRule))
        )

    if not any(unique_alone(c) for c in key if table.has_column(c)):
        return set()
    return {
        c
        for c in key
        if table.has_column(c)
        and c not in fk_columns
        and not table.column(c).is_unique
        and table.column(c).data_type in _MOMENTS
        and not unique_alone(c)
    }


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def coherent_rows(spec: ExperimentSpec, data: dict[str, Any], named: dict[int, object]) -> bool:
    """Set group and order rules in ``data`` (the dump of ``spec``); True if any was set."""
    columns: dict[tuple[str, str], dict[str, Any]] = {}
    keys: set[tuple[str, str]] = set()
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        for c_data in t_data["columns"]:
            columns[(table.key, c_data["name"])] = c_data
        free = free_key_columns(table)
        keys.update((table.key, c) for c in table.primary_key if c not in free)
        keys.update((table.key, c) for fk in table.foreign_keys for c in fk.columns)

    def usable(table: str, column: str) -> bool:
        c_data = columns[(table, column)]
        rule = c_data.get("rule")
        free = rule is None or rule.get("kind") == "auto" or named.get(id(rule)) is rule
        return free and (table, column) not in keys and c_data.get("data_type") != "UUID"

    def rule_of(table: str, column: str) -> dict[str, Any] | None:
        return columns[(table, column)].get("rule")

    def put(table: Table, found: dict[str, dict[str, Any]]) -> bool:
        for column, rule in found.items():
            columns[(table.key, column)]["rule"] = rule
        return bool(found)

    changed = False
    for table in spec.tables:
        can = functools.partial(usable, table.key)
        # Names of places first: a store's ``name`` beside an e-mail is no person's.
        changed = put(table, place_rules(table, split_name, can)) or changed
        changed = put(table, record_groups(table, split_name, can)) or changed
        lone = place_city(table, split_name, can, functools.partial(rule_of, table.key))
        changed = put(table, lone) or changed
    for (table_name, column), rule in time_order(spec, _norm, usable, rule_of).items():
        columns[(table_name, column)]["rule"] = rule
        changed = True
    for table in spec.tables:
        for column, rule in adult_births(table, _norm, usable, rule_of).items():
            columns[(table.key, column)]["rule"] = rule
            changed = True
    return changed
