"""Impossible requests, found before any file is written.

The spec's validators ran at parse time against ``target_rows``; a run may override row counts,
so the row-dependent checks are repeated here with the counts the run will actually produce.
"""

from __future__ import annotations

from typing import Any

import dwsim_nb.dialects as dialects
from dwsim_nb.engine.generators import derived, faker_pools, temporal
from dwsim_nb.engine.generators.aggregate import check_aggregates
from dwsim_nb.engine.generators.bridge import bridge_for, check_bridge
from dwsim_nb.engine.generators.foreign_keys import grouped_fk, is_one_to_one
from dwsim_nb.engine.generators.keys import (
    composite_layout,
    domain_of,
    unique_by_rule,
    unique_generator,
    unique_member,
)
from dwsim_nb.engine.generators.parent_values import parent_path
from dwsim_nb.engine.layout import Plan
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Cardinality, Column, ExperimentSpec, Table
from dwsim_nb.spec.rules import (
    BooleanRule,
    ConstantRule,
    DerivedRule,
    DistributionRule,
    FakerRule,
    JsonRule,
    PatternRule,
    ValuesRule,
)


def check_plan(plan: Plan) -> None:
    """Raise GenerationError for the first impossible request in the plan, with a fix."""
    check_storable(plan.spec)
    for name in plan.order:
        table = plan.table(name)
        n = plan.rows[name]
        _check_columns(table, n)
        _check_parent_reads(plan, table)
        _check_keys(plan, table, n)
        _check_foreign_keys(plan, table, n)
    check_aggregates(plan)


def check_storable(spec: ExperimentSpec) -> None:
    """Refuse values written in the spec that the target warehouse cannot store, naming the
    column: found here, before generation, instead of as a failed load of the run's files."""
    target = dialects.by_name(spec.target_warehouse)
    if target.stores_nul:
        return
    for table in spec.tables:
        for col in table.columns:
            if col.data_type == "BINARY":
                continue  # bytes, where a zero byte is storable everywhere
            for text in _written_strings(col):
                if "\x00" in text:
                    shown = repr(text[:40]) + ("..." if len(text) > 40 else "")
                    raise GenerationError(
                        f"the value {shown} has a NUL character (\\x00), which "
                        f"{target.name} cannot store in text or JSON",
                        where=f"table '{table.key}', column '{col.name}'",
                        hint="remove the NUL from the column's values, constant, pattern or "
                        "shape, or load into duckdb, sqlite or snowflake, which store it",
                    )


def _written_strings(col: Column) -> list[str]:
    """The strings a column's rule copies into the data as written."""
    rule = col.rule
    found: Any
    if isinstance(rule, ValuesRule):
        found = rule.values
    elif isinstance(rule, ConstantRule):
        found = rule.value
    elif isinstance(rule, PatternRule):
        found = rule.pattern
    elif isinstance(rule, JsonRule):
        found = rule.shape
    else:
        return []
    out: list[str] = []
    stack = [found]
    while stack:  # values and constants may be JSON documents; their nesting is bounded
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _check_columns(table: Table, n: int) -> None:
    where = f"table '{table.key}'"
    for col in table.columns:
        rule = col.rule
        if isinstance(rule, DistributionRule) and rule.type == "zipf":
            # Checked again: a rule built without validation (model_construct) skipped it.
            a = rule.param("a", 2.0)
            if a <= 1.0:
                raise GenerationError(
                    f"{where}, column '{col.name}': zipf parameter a={a} is out of range",
                    hint="use a value greater than 1, e.g. 1.5",
                )
        if isinstance(rule, FakerRule):
            faker_pools.check_rule(col)
        if isinstance(rule, DerivedRule):
            derived.parse_expression(rule.expression)
            for ref in derived.referenced_columns(rule.expression):
                if not any(c.name.lower() == ref.lower() for c in table.columns):
                    raise GenerationError(
                        f"{where}, column '{col.name}': expression names '{ref}', which the "
                        f"table does not have; use one of {[c.name for c in table.columns]}"
                    )
        if temporal.after_of(col):
            temporal.after_target(table, col)
        if getattr(rule, "before", None):
            temporal.after_target(table, col, "before")
        if col.is_unique and n > 0:
            domain = domain_of(col)
            if unique_by_rule(col) or (
                unique_generator(col) is None and not isinstance(rule, ConstantRule | BooleanRule)
            ):
                domain = None
            if domain is not None and domain < n and isinstance(rule, ValuesRule):
                raise GenerationError(
                    f"{where}, column '{col.name}': unique, but its list has {domain} distinct "
                    f"values and {n} rows were requested; each value can be used once",
                    hint=f"request at most {domain} rows for '{table.key}' or add values",
                )
            if domain is not None and domain < n:
                raise GenerationError(
                    f"{where}, column '{col.name}': unique, but its rule yields only {domain} "
                    f"distinct values for the {n} rows requested",
                    hint="widen the range, pattern or values, or request fewer rows",
                )


def _check_parent_reads(plan: Plan, table: Table) -> None:
    """A derived column's ``table.column`` names a column its foreign keys lead to."""
    for col in table.columns:
        if not isinstance(col.rule, DerivedRule):
            continue
        where = f"table '{table.key}', column '{col.name}'"
        for target, name in derived.parent_references(col.rule.expression):
            path = parent_path(plan, table, target, where)
            middle = plan.table(path[2])
            fk = table.foreign_keys[path[0]] if path[1] is None else middle.foreign_keys[path[1]]
            parent = plan.table(fk.references_table)
            if not any(c.name.lower() == name.lower() for c in parent.columns):
                raise GenerationError(
                    f"{where}: expression reads '{target}.{name}', which '{parent.key}' does not "
                    f"have; use one of {[c.name for c in parent.columns]}"
                )


def _check_keys(plan: Plan, table: Table, n: int) -> None:
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    for key in table.unique_keys():
        if len(key) > 1 and not any(table.column(c).is_unique for c in key):
            if any(sorted(fk.columns) == sorted(key) for fk in table.foreign_keys):
                # One composite foreign key is the whole key (TPC-C new_order -> oorder): a
                # one-to-one key, filled by a permutation of parent rows, checked as such below.
                continue
            bridge = bridge_for(table, key)
            if bridge is not None:
                check_bridge(plan, table, bridge, n)
            elif not unique_member(table, key):
                composite_layout(table, key, n, fk_columns, grouped_fk(table, key))


def _check_foreign_keys(plan: Plan, table: Table, n: int) -> None:
    for fk in table.foreign_keys:
        parent = plan.table(fk.references_table)
        p = plan.rows[parent.key]
        where = f"table '{table.key}', foreign key ({', '.join(fk.columns)}) -> '{parent.key}'"
        if n == 0:
            continue
        if p == 0:
            if not fk.nullable:
                raise GenerationError(
                    f"{where}: {n} child rows need a parent, but '{parent.key}' gets 0 rows",
                    hint=f"give '{parent.key}' rows, or make the key nullable",
                )
            continue
        card = fk.cardinality or Cardinality()
        if is_one_to_one(table, fk) and n > p:
            raise GenerationError(
                f"{where}: the key is unique in '{table.key}' (one child per parent) but "
                f"{n} child rows exceed the {p} parent rows",
                hint="request fewer child rows or more parent rows",
            )
        if card.kind == "zipf" and card.s <= 1.0:
            raise GenerationError(
                f"{where}: zipf cardinality s={card.s} is out of range", hint="use s > 1, e.g. 1.2"
            )
        if card.kind == "range":
            lo, hi = card.min or 0, card.max or 0
            if not lo * p <= n <= hi * p:
                raise GenerationError(
                    f"{where}: {lo}..{hi} children for each of {p} parents allows "
                    f"{lo * p}..{hi * p} child rows, not {n}",
                    hint=f"request between {lo * p} and {hi * p} rows for '{table.key}' or "
                    "change the range",
                )
        if card.kind == "at_least_one" and n < p:
            raise GenerationError(
                f"{where}: every parent needs a child, but there are {p} parents and only "
                f"{n} child rows",
                hint=f"request at least {p} rows for '{table.key}'",
            )
