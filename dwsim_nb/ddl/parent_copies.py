"""A child's copy of its parent's attribute: an order line's price is its product's, an
invoice's billing address its customer's.

Two kinds of column get a ``parent`` rule (:class:`dwsim_nb.spec.rules.ParentRule`):

- a price or cost named as a column of the row a foreign key picks (``order_details.unit_price``
  beside a key to ``products``, which has a ``unit_price``): the line starts from the parent's
  price, in every row;
- a ``billing_`` / ``shipping_`` / ``ship_`` / ``delivery_`` / ``mailing_`` address column
  (``ShipCity`` and ``shipcity`` too: camelCase is split, a glued qualifier read off) whose
  unprefixed name is a column of the parent (``billing_city`` and ``customer.city``): the
  address is the parent's in :data:`ADDRESS_SHARE` of the rows; the others keep the rule the
  column had (another address, drawn whole, as records draw it), as rows whose key is null do;
- such a recipient's name (``ship_name``, ``bill_to_name``) in a table whose parent has a
  company's name (``company_name``) or a person's (``contact_name``, ``name``): the parent's
  name in the same rows as the address, another company's or person's name in the others.

Only rules inferred from names are replaced, never one from the DDL or the user; a column
several parents could give is left alone unless one parent is a customer (an order ships to
its customer, not to the employee who took it).
"""

from __future__ import annotations

import re
from typing import Any

from dwsim_nb.ddl.groups import split_name
from dwsim_nb.ddl.rule_edits import with_rules
from dwsim_nb.spec.models import Column, ExperimentSpec, ForeignKey, Table
from dwsim_nb.spec.types import STRING_TYPES

ADDRESS_SHARE = 0.9
_NUMERIC = ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE")
_MEASURE = re.compile(
    r"^(unit_?price|list_?price|retail_?price|sale_?price|price|unit_?cost|cost|msrp)$"
)
# The qualifier may be glued to the rest (``shipcity``, ``SHIPCITY``) when the rest is a
# column of the parent.
_PREFIX = re.compile(r"^(billing|bill|shipping|ship|delivery|mailing)(?P<sep>_?)(?P<rest>.+)$")
_ADDRESS = re.compile(
    r"addr|street|city|town|state|province|region|country|postal|zip|postcode|post_code"
)
_PARTY = re.compile(r"customer|client|buyer|account|member|patient|guest|user|person|contact")
# A recipient's name (``ship_name``, ``bill_to_name``) and the parent's names it copies, a
# company's first: an order ships to its customer's company, or to the customer by name.
_RECIPIENT = re.compile(r"^(to_)?name$")
_PARENT_NAMES = (
    re.compile(r"^(company|business|organi[sz]ation|firm)(_?name)?$"),
    re.compile(r"^((customer|client|account|contact|full|display)_?)?name$"),
)
_USER_REASONS = ("CHECK", "DEFAULT", "GENERATED", "arithmetic", "comment", "enum")


def _norm(name: str) -> str:
    """Lower-case words joined by ``_``, camelCase split (``ShipCity`` -> ``ship_city``)."""
    return split_name(name)


def _replaceable(col: Column) -> bool:
    if col.rule is None or col.rule.kind == "auto":
        return True
    reason = getattr(col.rule, "reason", None)
    if not isinstance(reason, str) or not reason:
        return False
    return not reason.startswith(_USER_REASONS) and "; at most " not in reason


def _parents(spec: ExperimentSpec, table: Table) -> list[tuple[ForeignKey, Table]]:
    out = []
    for fk in table.foreign_keys:
        try:
            parent = spec.table(fk.references_table)
        except KeyError:
            continue
        if parent.key != table.key:
            out.append((fk, parent))
    return out


def _same(parent: Table, name: str) -> Column | None:
    return next((c for c in parent.columns if _norm(c.name) == name), None)


def _parent_name(parent: Table) -> Column | None:
    """The parent's company name, else its name for a person (None when it has neither)."""
    for pattern in _PARENT_NAMES:
        for c in parent.columns:
            if pattern.match(_norm(c.name)) and c.data_type in STRING_TYPES:
                return c
    return None


def _name_base(theirs: Column) -> dict[str, Any]:
    """A name of the parent column's kind for the rows that do not copy it."""
    rule = theirs.rule
    named = bool(_PARENT_NAMES[0].match(_norm(theirs.name)))
    if named or "company" in (getattr(rule, "provider", None), getattr(rule, "record", None)):
        return {"kind": "faker", "provider": "company", "reason": "faker company (a recipient)"}
    return {"kind": "faker", "provider": "name", "reason": "faker name (a recipient)"}


def _keys(table: Table) -> set[str]:
    out = set(table.primary_key)
    for fk in table.foreign_keys:
        out.update(fk.columns)
    return out


def _pick(found: list[tuple[ForeignKey, Table, Column]]) -> tuple[ForeignKey, Table, Column] | None:
    if len({(f.references_table, tuple(f.columns)) for f, _, _ in found}) == 1:
        return found[0]
    party = [x for x in found if _PARTY.search(_norm(x[1].name))]
    return party[0] if len({p[1].key for p in party}) == 1 else None


def _copies(spec: ExperimentSpec, table: Table) -> dict[str, dict[str, Any]]:
    """Column name -> the parent rule it gets."""
    keys = _keys(table)
    parents = _parents(spec, table)
    out: dict[str, dict[str, Any]] = {}
    for col in table.columns:
        name = _norm(col.name)
        if col.name in keys or col.is_unique or not _replaceable(col):
            continue
        prefixed = _PREFIX.match(name)
        if col.data_type in _NUMERIC and _MEASURE.match(name):
            wanted, share, what = name, 1.0, "the price the line starts from"
            fits: tuple[str, ...] = _NUMERIC
        elif col.data_type in STRING_TYPES and prefixed and _ADDRESS.search(prefixed["rest"]):
            wanted, share = prefixed["rest"], ADDRESS_SHARE
            what = f"the same address in {share:.0%} of the rows"
            fits = STRING_TYPES
        elif (
            col.data_type in STRING_TYPES
            and prefixed
            and _RECIPIENT.match(prefixed["rest"])
            # a name in a person record (billing_name beside billing_email) keeps its group
            and not (col.rule is not None and col.rule.kind == "record")
        ):
            wanted, share = "", ADDRESS_SHARE
            what = f"the same recipient in {share:.0%} of the rows"
            fits = STRING_TYPES
        else:
            continue
        found = [
            (fk, parent, theirs)
            for fk, parent in parents
            if (theirs := _same(parent, wanted) if wanted else _parent_name(parent)) is not None
            and theirs.data_type in fits
        ]
        chosen = _pick(found)
        if chosen is None:
            continue
        fk, parent, theirs = chosen
        rule: dict[str, Any] = {
            "kind": "parent",
            "via": list(fk.columns),
            "column": theirs.name,
            "reason": f"parent's value: {table.name}.{col.name} is its {parent.name} row's "
            f"{theirs.name} ({what})",
        }
        if share < 1.0:
            rule["share"] = share
        if not wanted:
            # The other rows name another recipient of the parent's kind (a company or not).
            rule["base"] = _name_base(theirs)
        elif col.rule is not None and col.rule.kind != "auto":
            # The rows that differ, and those whose key is null, keep the column's own rule.
            rule["base"] = col.rule.model_dump()
        out[col.name] = rule
    return out


def parent_copies(spec: ExperimentSpec) -> ExperimentSpec:
    """``spec`` with ``parent`` rules on the columns that copy their parent's (the same spec
    when there are none)."""
    return with_rules(spec, lambda table, _notes: _copies(spec, table), "copies of parent values")
