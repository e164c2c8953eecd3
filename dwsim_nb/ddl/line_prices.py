"""A line's amount from its product's price: ``extended_price = quantity * part.retail_price``.

A table with a quantity and no price of its own, whose foreign keys lead to a table with one
price (``price``, ``list_price``, ``retail_price``, ``unit_price``, ``price_per_ticket`` ...),
directly or through one other table (a line's key to a supplier's offer of a part, the offer's
key to the part), gets its extended or gross amount, line total, subtotal or price paid (a plain
``amount`` or ``total`` too, in a line or item table) as a ``derived`` rule: its quantity
times that price, read through the keys (:mod:`dwsim_nb.engine.generators.parent_values`).

Runs after :mod:`dwsim_nb.ddl.arithmetic`: a line with a price of its own gets its total there
(``quantity * unit_price``, the unit price copied from the product by
:mod:`dwsim_nb.ddl.parent_copies`); a parent's sum of the lines keeps reading the column, now
the product of the two. Only rules inferred from names are replaced; a product that would not
fit the column's type (or a parent's sum of ten lines) is left out, with a note.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from dwsim_nb.ddl.goods import bare_name
from dwsim_nb.ddl.magnitudes import rule_top, type_capacity
from dwsim_nb.ddl.quantities import is_quantity
from dwsim_nb.ddl.rule_edits import with_rules
from dwsim_nb.spec.models import Column, ExperimentSpec, Table
from dwsim_nb.spec.rules import (
    AggregateRule,
)

_NUMERIC = ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE")
_PRICE = re.compile(
    r"^((unit|list|retail|sale|selling|base|standard|catalog|item|product)_?)?price$"
    r"|^price_?(per|each|a)_?[a-z]+$"
)
_OWN_PRICE = re.compile(r"price|unit_?cost|cost_?per|(^|_)rate$")
_AMOUNT = re.compile(
    r"^(extended_?(price|amount|cost|total)|ext_?(price|amount)|gross_?(amount|price|total|value)"
    r"|line_?(total|amount|value|price)|(line_?)?sub_?total"
    r"|(price|amount|total)_?paid|paid_?(amount|price|total))$"
)
# A plain amount or total is the line's only in a table of lines.
_PLAIN_AMOUNT = re.compile(r"^(amount|total|total_?(price|amount)|value)$")
_LINE_TABLE = re.compile(r"line|item|detail|entr(y|ies)|position")
_USER_REASONS = ("CHECK", "DEFAULT", "GENERATED", "arithmetic", "comment", "enum")
_FIT_CHILDREN = 10
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _replaceable(col: Column) -> bool:
    if col.rule is None or col.rule.kind == "auto":
        return True
    reason = getattr(col.rule, "reason", None)
    if not isinstance(reason, str) or not reason:
        return False
    return not reason.startswith(_USER_REASONS) and "; at most " not in reason


def _keys(table: Table) -> set[str]:
    out = set(table.primary_key)
    for fk in table.foreign_keys:
        out.update(fk.columns)
    return out


def _table(spec: ExperimentSpec, name: str) -> Table | None:
    try:
        return spec.table(name)
    except KeyError:
        return None


def _prices(table: Table) -> list[Column]:
    keys = _keys(table)
    return [
        c
        for c in table.columns
        if c.data_type in _NUMERIC
        and c.name not in keys
        and _PRICE.match(bare_name(c, table))
        and not isinstance(c.rule, AggregateRule)
    ]


def _parent_price(spec: ExperimentSpec, table: Table) -> tuple[Table, Column, str] | None:
    """The one price the table's keys lead to: (its table, the column, the path in words)."""
    me = table.key.lower()
    direct: list[tuple[Table, Column, str]] = []
    through: list[tuple[Table, Column, str]] = []
    targets = [fk.references_table.lower() for fk in table.foreign_keys]
    for fk in table.foreign_keys:
        parent = _table(spec, fk.references_table)
        if parent is None or parent.key.lower() == me:
            continue
        via = f"{', '.join(fk.columns)} -> {parent.name}"
        direct += [(parent, c, via) for c in _prices(parent)]
        for inner in parent.foreign_keys:
            goal = _table(spec, inner.references_table)
            if goal is None or goal.key.lower() in (me, parent.key.lower()):
                continue
            through += [(goal, c, f"{via} -> {goal.name}") for c in _prices(goal)]
    if direct:
        found = direct if targets.count(direct[0][0].key.lower()) == 1 else []
    else:
        # The engine reads through a middle table only where no key leads there directly.
        found = [x for x in through if x[0].key.lower() not in targets]
    return found[0] if len(found) == 1 else None


def _ref(column: str, table: str | None = None) -> str:
    """``column`` or ``table.column`` as an expression reads it (quoted where a name is not
    plain)."""
    quoted = not all(_PLAIN_NAME.match(n) for n in (column, table or "t"))
    return exp.column(column, table=table, quoted=quoted).sql()


def _summed_fits(spec: ExperimentSpec, table: Table, target: Column, top: float) -> bool:
    """Parents' sums of the column still fit their types (ten lines each)."""
    for parent in spec.tables:
        for col in parent.columns:
            rule = col.rule
            if not isinstance(rule, AggregateRule) or rule.table.lower() != table.key.lower():
                continue
            reads = rule.column or rule.expression or ""
            cap = type_capacity(col)
            fits = cap is None or top * (1 + 0.1) * _FIT_CHILDREN <= cap
            if target.name.lower() in reads.lower() and not fits:
                return False
    return True


def _line_rules(spec: ExperimentSpec, table: Table, notes: list[str]) -> dict[str, Any]:
    keys = _keys(table)
    names = {c.name: bare_name(c, table) for c in table.columns}
    numeric = [c for c in table.columns if c.data_type in _NUMERIC and c.name not in keys]
    qty = [c for c in numeric if is_quantity(names[c.name], list(names.values()))]
    line = bool(_LINE_TABLE.search(table.name.lower()))
    targets = [
        c
        for c in numeric
        if c not in qty
        and _replaceable(c)
        and (_AMOUNT.match(names[c.name]) or (line and _PLAIN_AMOUNT.match(names[c.name])))
    ]
    others = [c for c in numeric if c not in qty and c not in targets]
    if not qty or not targets or any(_OWN_PRICE.search(names[c.name]) for c in others):
        return {}
    found = _parent_price(spec, table)
    if found is None:
        return {}
    parent, price, path = found
    q_top, p_top = rule_top(qty[0]), rule_top(price)
    out: dict[str, Any] = {}
    for target in targets:
        cap = type_capacity(target)
        top = None if q_top is None or p_top is None else q_top * p_top
        why = f"{qty[0].name} * {parent.name}.{price.name}"
        if cap is not None and (top is None or top > cap):
            notes.append(
                f"table '{table.name}': {target.name} is not {why}: the product would not fit "
                f"{target.data_type}"
            )
            continue
        if top is not None and not _summed_fits(spec, table, target, top):
            notes.append(
                f"table '{table.name}': {target.name} is not {why}: a sum of its lines would "
                "not fit its parent's column"
            )
            continue
        expression = f"{_ref(qty[0].name)} * {_ref(price.name, parent.name)}"
        out[target.name] = {
            "kind": "derived",
            "expression": expression,
            "reason": f"arithmetic: {why} (the line's quantity times its {parent.name}'s "
            f"price, through {path})",
        }
    return out


def line_prices(spec: ExperimentSpec) -> ExperimentSpec:
    """``spec`` with lines' amounts as their quantity times their product's price (the same
    spec when there are none)."""
    return with_rules(
        spec,
        lambda table, notes: _line_rules(spec, table, notes),
        "line amounts from parents' prices",
    )
