"""Arithmetic the names imply: a line's total is its quantity times its unit price (less a
discount rate, plus a tax rate), a commission a fixed share of what was paid, an order's total
the sum of its lines and a count column the number of them.

Runs after the name rules (:mod:`dwsim_nb.ddl.infer`), so it knows each operand's range. Every
rule it sets says so in its reason (``arithmetic: ...``) and stays overridable; a rule the user
or the DDL gave (no reason, or a CHECK, DEFAULT or GENERATED one) is never replaced. Operands
are narrowed when their product would not fit the result's type (``DECIMAL(8,2)`` holds at
most 999,999.99), so the data never fails to generate.

A parent's sum or count needs its children laid out by a ``range`` cardinality (the engine
inverts that layout); a foreign key without one gets ``range`` 1..50, clustered (children in
their parents' order, as line items follow their orders); a key the user gave another
cardinality keeps it and the aggregate is left out, with a note.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sqlglot
from sqlglot import exp

from dwsim_nb.ddl.magnitudes import rule_top, type_capacity
from dwsim_nb.ddl.quantities import is_quantity
from dwsim_nb.ddl.rule_edits import validated
from dwsim_nb.spec.models import Column, ExperimentSpec, Table
from dwsim_nb.spec.rules import (
    DistributionRule,
    RangeRule,
)
from dwsim_nb.spec.validate import unique_domain_size

_NUMERIC = ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE")
_USER_REASONS = ("CHECK", "DEFAULT", "GENERATED")
_DISCOUNT = re.compile(r"disc(ount)?")
_TAX = re.compile(r"tax")
_SHARE = re.compile(r"commission|(^|_)fees?($|_)")
_TOTAL = re.compile(
    r"total|extended|ext_?price|line_?amount|amount|pricepaid|subtotal|gross|(^|_)net($|_)"
)
_GROSS = re.compile(r"extended|ext_?price|gross|subtotal")
_PRICE = re.compile(
    r"unit_?price|unit_?cost|price_?per|list_?price|retail_?price|sale_?price|(^|_)price$|^price$"
)
_PAID = re.compile(r"paid")
# A price said to be per unit; beside one, a plain ``price`` is the line's total.
_UNIT_PRICE = re.compile(r"unit_?(price|cost)|price_?per|per_?(unit|item|ticket)|(^|_)each($|_)")
_PLAIN_PRICE = re.compile(r"^(line_?)?(price|amount)$")
# A parent column counting its children: num_items, item_count, n_lines, lines ...
_COUNT = re.compile(
    r"^(num|n|no|number_of|count|cnt|total)_?(?P<a>[a-z]+?)s?$|"
    r"^(?P<b>[a-z]+?)s?_?(count|cnt|num)$|^(?P<c>lines|items)$"
)
_CHILD_WORDS = ("line", "item", "entry", "entrie", "detail", "position")
# Children per parent the engine lays out (range 1..50: about N/P each, varying from 1 to
# 2N/P - 1), the count assumed when making a parent's sum fit its type, and the children a
# table with as many default rows as its parent gets per parent.
_RANGE = (1, 50)
_FIT_CHILDREN = 10
_CHILDREN_PER_PARENT = 4
_DEFAULT_ROWS = 1000
COMMISSION_SHARE = 0.15


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _ref(name: str) -> str:
    """A column name as an expression reads it (quoted when it is not a plain name)."""
    try:
        parsed = sqlglot.parse_one(name)
    except sqlglot.errors.SqlglotError:
        parsed = None
    if isinstance(parsed, exp.Column) and parsed.name == name and not parsed.table:
        return name
    return exp.column(name, quoted=True).sql()


def _replaceable(col: Column) -> bool:
    """The column's rule was inferred by name (or there is none): arithmetic may replace it."""
    if col.rule is None:
        return True
    reason = getattr(col.rule, "reason", None)
    return reason is not None and not reason.startswith(_USER_REASONS)


def _top(col: Column) -> float | None:
    """The largest magnitude the column's values reach (None: unbounded)."""
    top = rule_top(col)
    return top if top is not None else type_capacity(col)


def _is_rate(col: Column) -> bool:
    top = _top(col)
    return top is not None and top <= 1.0


def _usable(table: Table, keys: set[str]) -> list[Column]:
    return [c for c in table.columns if c.data_type in _NUMERIC and c.name not in keys]


def _keys(table: Table) -> set[str]:
    out = set(table.primary_key)
    for fk in table.foreign_keys:
        out.update(fk.columns)
    return out


def _roles(table: Table) -> dict[str, list[Column]]:
    roles: dict[str, list[Column]] = {
        k: [] for k in ("discount", "tax", "share", "qty", "total", "price")
    }
    siblings = [_norm(c.name) for c in table.columns]
    for col in _usable(table, _keys(table)):
        name = _norm(col.name)
        if _DISCOUNT.search(name):
            roles["discount"].append(col)
        elif _TAX.search(name):
            roles["tax"].append(col)
        elif _SHARE.search(name):
            roles["share"].append(col)
        elif is_quantity(name, siblings):
            roles["qty"].append(col)
        elif _TOTAL.search(name):
            roles["total"].append(col)
        elif _PRICE.search(name) or _UNIT_PRICE.search(name):
            roles["price"].append(col)
    units = [c for c in roles["price"] if _UNIT_PRICE.search(_norm(c.name))]
    plain = [c for c in roles["price"] if _PLAIN_PRICE.match(_norm(c.name))]
    if units and plain:
        # quantity, unit_price, price: the price is quantity * unit_price (Tasty Bytes' lines).
        roles["price"] = [*units, *[c for c in roles["price"] if c not in units + plain]]
        roles["total"] = [*roles["total"], *plain]
    return roles


class _Changes:
    """Rules and cardinalities set on the dumped spec, and notes for the user."""

    def __init__(self, spec: ExperimentSpec) -> None:
        self.spec = spec
        self.data = spec.model_dump()
        self.notes: list[str] = []
        self.changed = False
        # (table, column) -> derived expression set here (operands of later sums)
        self.derived: dict[tuple[str, str], str] = {}
        # (table, column) -> the largest value a derived column set here reaches
        self.tops: dict[tuple[str, str], float] = {}
        # Indexes built once: scanning every table per parent made a 1,000-table import spend
        # 7 s here (quadratic). A parent's children keep the spec's order.
        self._tables = {t["name"]: t for t in reversed(self.data["tables"])}
        self.children: dict[str, list[Table]] = {}
        for t in spec.tables:
            for name in dict.fromkeys(fk.references_table.lower() for fk in t.foreign_keys):
                self.children.setdefault(name, []).append(t)

    def column(self, table: Table, col: Column) -> dict[str, Any]:
        t = self.table(table)
        return next(c for c in t["columns"] if c["name"] == col.name)

    def table(self, table: Table) -> dict[str, Any]:
        return self._tables[table.name]

    def set_rule(self, table: Table, col: Column, rule: dict[str, Any]) -> None:
        self.column(table, col)["rule"] = rule
        self.changed = True

    def narrow(self, table: Table, col: Column, top: float, why: str) -> bool:
        """Lower an inferred operand's maximum to ``top``; False when that is not possible."""
        rule = col.rule
        if not isinstance(rule, RangeRule | DistributionRule) or not _replaceable(col):
            return False
        scale = col.scale or 0 if col.data_type == "DECIMAL" else 0
        top = math.floor(top * 10**scale) / 10**scale
        if rule.min is not None and top < rule.min:
            return False
        if rule.max is not None and rule.max <= top:
            return True
        data = self.column(table, col)
        data["rule"] = {
            **data["rule"],
            "max": top,
            "reason": f"{rule.reason}; at most {top:g} {why}",
        }
        self.changed = True
        return True


def _fits(ch: _Changes, table: Table, target: Column, factor: float, price: Column) -> bool:
    """Make ``price * factor`` fit the target's type, narrowing an inferred price if needed."""
    cap = type_capacity(target)
    top = _top(price)
    if cap is None or (top is not None and top * factor <= cap):
        return True
    why = f"so that {target.name} fits {target.data_type}"
    return ch.narrow(table, price, cap / factor * 0.999, why)


def _line_arithmetic(ch: _Changes, table: Table) -> None:
    roles = _roles(table)
    rates = {k: [c for c in roles[k] if _is_rate(c)] for k in ("discount", "tax")}
    if roles["qty"] and roles["price"]:
        qty, price = roles["qty"][0], roles["price"][0]
        q_top = _top(qty)
        for target in roles["total"]:
            if not _replaceable(target) or q_top is None:
                continue
            expr, factor = f"{_ref(qty.name)} * {_ref(price.name)}", q_top
            why = f"{qty.name} * {price.name}"
            if not _GROSS.search(_norm(target.name)):
                for d in rates["discount"][:1]:
                    expr += f" * (1 - {_ref(d.name)})"
                    why += f" * (1 - {d.name})"
                for t in rates["tax"][:1]:
                    expr += f" * (1 + {_ref(t.name)})"
                    why += f" * (1 + {t.name})"
                    factor *= 1 + (_top(t) or 0)
            if not _fits(ch, table, target, factor, price):
                ch.notes.append(
                    f"table '{table.name}': {target.name} is not {why}: the product would not "
                    f"fit {target.data_type}"
                )
                continue
            ch.set_rule(
                table,
                target,
                {"kind": "derived", "expression": expr, "reason": f"arithmetic: {why}"},
            )
            ch.derived[(table.name, target.name)] = expr
            p_top = _top(ch.spec.table(table.key).column(price.name))
            narrowed = ch.column(table, price)["rule"] or {}
            p_top = narrowed.get("max", p_top) if isinstance(narrowed, dict) else p_top
            if p_top is not None:
                ch.tops[(table.name, target.name)] = factor * float(p_top)
    _shares(ch, table, roles)


def _shares(ch: _Changes, table: Table, roles: dict[str, list[Column]]) -> None:
    """commission/fee beside a paid amount: a fixed share of it (15%)."""
    bases = sorted(roles["total"], key=lambda c: not _PAID.search(_norm(c.name)))
    if not bases:
        return
    base = bases[0]
    for share in roles["share"]:
        if not _replaceable(share) or _is_rate(share):
            continue
        cap, top = type_capacity(share), _top(base)
        if cap is not None and (top is None or top * COMMISSION_SHARE > cap):
            continue
        pct = f"{COMMISSION_SHARE:.0%}"
        ch.set_rule(
            table,
            share,
            {
                "kind": "derived",
                "expression": f"{_ref(base.name)} * {COMMISSION_SHARE}",
                "reason": f"arithmetic: {share.name} = {pct} of {base.name} (a fixed share)",
            },
        )


def _range_fk(ch: _Changes, child: Table, fk_index: int) -> bool:
    """Make the key's layout invertible (range, clustered) unless the user chose another."""
    fk = child.foreign_keys[fk_index]
    card = fk.cardinality
    where = f"table '{child.name}', foreign key ({', '.join(fk.columns)})"
    if card is not None:
        if card.kind == "range":
            return True
        ch.notes.append(
            f"{where}: cardinality '{card.kind}' kept, so '{fk.references_table}' gets no sum or "
            "count of its children (that needs a range cardinality)"
        )
        return False
    lo, hi = _RANGE
    ch.table(child)["foreign_keys"][fk_index]["cardinality"] = {
        "kind": "range",
        "min": lo,
        "max": hi,
        "clustered": True,
    }
    ch.changed = True
    return True


def _eligible_fk(spec: ExperimentSpec, child: Table, fk_index: int) -> bool:
    fk = child.foreign_keys[fk_index]
    if fk.references_table.lower() == child.key.lower():
        return False
    if fk.inferred:
        # A key read from names is too weak to make every parent's total the sum of its
        # children (each parent would need at least one).
        return False
    keys = [sorted(k) for k in child.unique_keys()]
    if sorted(fk.columns) in keys:
        return False  # one child per parent
    fk_cols = {c for f in child.foreign_keys for c in f.columns}
    # A key made only of foreign keys is a bridge, laid out jointly: not invertible.
    return not any(set(k) <= fk_cols and set(fk.columns) <= set(k) for k in keys)


def _counted_by(parent_col: Column, child: Table) -> bool:
    m = _COUNT.match(_norm(parent_col.name))
    if not m:
        return False
    noun = (m.group("a") or m.group("b") or m.group("c") or "").rstrip("s")
    child_name = _norm(child.name)
    return len(noun) >= 3 and (noun in child_name or noun in _CHILD_WORDS)


def _line_amount(ch: _Changes, child: Table) -> tuple[str, str, float | None] | None:
    """What a child line contributes to its parent's total: ``("column"|"expression", text)``
    and the largest value it reaches."""
    roles = _roles(child)
    totals = roles["total"]
    if not totals:
        return _unit_amount(roles)
    net = [c for c in totals if not _GROSS.search(_norm(c.name))]
    line = (net or totals)[0]
    expr = ch.derived.get((child.name, line.name))
    applied = expr is not None and ("(1 -" in expr or "(1 +" in expr)
    top = ch.tops.get((child.name, line.name), _top(line))
    parts = [_ref(line.name)]
    if not applied and _GROSS.search(_norm(line.name)):
        parts += [f"(1 - {_ref(d.name)})" for d in roles["discount"][:1] if _is_rate(d)]
        taxes = [t for t in roles["tax"][:1] if _is_rate(t)]
        parts += [f"(1 + {_ref(t.name)})" for t in taxes]
        top = None if top is None else top * (1 + sum(_top(t) or 0 for t in taxes))
    if len(parts) == 1:
        return "column", line.name, top
    return "expression", " * ".join(parts), top


def _unit_amount(roles: dict[str, list[Column]]) -> tuple[str, str, float | None] | None:
    """A line without a total column contributes its quantity times its unit price (less its
    discount rate): Chinook's invoice lines."""
    if not roles["qty"] or not roles["price"]:
        return None
    qty, price = roles["qty"][0], roles["price"][0]
    parts = [_ref(qty.name), _ref(price.name)]
    parts += [f"(1 - {_ref(d.name)})" for d in roles["discount"][:1] if _is_rate(d)]
    q_top, p_top = _top(qty), _top(price)
    top = None if q_top is None or p_top is None else q_top * p_top
    return "expression", " * ".join(parts), top


def _parent_arithmetic(ch: _Changes, parent: Table) -> None:
    spec = ch.spec
    roles = _roles(parent)
    # Children whose lines were just derived (quantity * price) first: theirs is the total.
    referencing = ch.children.get(parent.key.lower(), [])
    if len(referencing) > 1:
        lined = {k[0] for k in ch.derived}
        referencing = sorted(referencing, key=lambda t: t.name not in lined)
    children = referencing
    for child in children:
        for i, fk in enumerate(child.foreign_keys):
            if fk.references_table.lower() != parent.key.lower():
                continue
            if not _eligible_fk(spec, child, i):
                continue
            via = (
                list(fk.columns)
                if sum(f.references_table.lower() == parent.key.lower() for f in child.foreign_keys)
                > 1
                else None
            )
            counts = [
                c
                for c in _usable(parent, _keys(parent))
                if _replaceable(c)
                and (parent.name, c.name) not in ch.derived
                and _counted_by(c, child)
                and c.data_type != "FLOAT"
            ]
            amount = _line_amount(ch, child)
            sums = (
                []
                if amount is None
                else [
                    c
                    for c in roles["total"]
                    if _replaceable(c)
                    and (parent.name, c.name) not in ch.derived
                    and c not in counts
                    and _sum_fits(ch, parent, c, amount[2])
                ]
            )
            if not (counts or sums) or not _range_fk(ch, child, i):
                continue
            _more_children(ch, parent, child, i)
            for col in counts:
                rule = {"kind": "count", "table": child.key}
                _set_aggregate(
                    ch, parent, col, rule, via, f"count of {child.name} per {parent.name}"
                )
            for col in sums:
                assert amount is not None
                what, text, _ = amount
                rule = {"kind": "sum", "table": child.key, what: text}
                _set_aggregate(
                    ch, parent, col, rule, via, f"sum of {child.name}.{text} per {parent.name}"
                )
                ch.derived[(parent.name, col.name)] = "sum"


def _sum_fits(ch: _Changes, parent: Table, col: Column, line_top: float | None) -> bool:
    cap = type_capacity(col)
    if cap is None or (line_top is not None and line_top * _FIT_CHILDREN <= cap):
        return True
    ch.notes.append(
        f"table '{parent.name}': {col.name} is not the sum of its children's lines: "
        f"{_FIT_CHILDREN} lines would not fit {col.data_type}"
    )
    return False


def _set_aggregate(
    ch: _Changes,
    parent: Table,
    col: Column,
    rule: dict[str, Any],
    via: list[str] | None,
    why: str,
) -> None:
    out = {
        "kind": "aggregate",
        "function": rule.pop("kind"),
        **rule,
        "reason": f"arithmetic: {why}",
    }
    if via is not None:
        out["via"] = via
    ch.set_rule(parent, col, out)
    ch.derived[(parent.name, col.name)] = "aggregate"


def _more_children(ch: _Changes, parent: Table, child: Table, fk_index: int) -> None:
    """A child table left at the default row count of its parent gets about 4 children per
    parent: one line per order would make every sum a copy and every count 1."""
    t = ch.table(child)
    if t["target_rows"] != _DEFAULT_ROWS or parent.target_rows != _DEFAULT_ROWS:
        return
    rows = _CHILDREN_PER_PARENT * parent.target_rows
    for j, fk in enumerate(child.foreign_keys):
        if j != fk_index and (fk.cardinality is not None or not _eligible_fk(ch.spec, child, j)):
            return
    if any((unique_domain_size(c) or rows) < rows for c in child.columns if c.is_unique):
        return
    t["target_rows"] = rows
    ch.changed = True
    ch.notes.append(
        f"table '{child.name}': target_rows {rows} ({_CHILDREN_PER_PARENT} per "
        f"'{parent.name}' row), so its sums and counts per '{parent.name}' vary"
    )


def infer_arithmetic(spec: ExperimentSpec) -> ExperimentSpec:
    """A copy of ``spec`` with the arithmetic its names imply (or ``spec`` when there is none)."""
    ch = _Changes(spec)
    for table in spec.tables:
        _line_arithmetic(ch, table)
    for table in spec.tables:
        _parent_arithmetic(ch, table)
    if not ch.changed and not ch.notes:
        return spec
    return validated(spec, ch.data, ch.notes, "arithmetic rules")
