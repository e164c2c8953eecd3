"""Hierarchies along a foreign key: a nation's region row is the region that contains it.

Two lookup tables (:mod:`dwsim_nb.ddl.lookups`) linked by a foreign key, where the child's
domain has an attribute whose values are the parent's names (a nation's region, a country's
continent, a category's group), get a ``match`` cardinality on that key: the child row points
at the parent row whose name is its own name's attribute (FRANCE -> EUROPE). Any schema with
such a pair of tables triggers it; a key the user gave a cardinality keeps it.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.ddl.domains import Domain
from dwsim_nb.spec.models import ExperimentSpec, Table
from dwsim_nb.spec.notes import add_note
from dwsim_nb.spec.rules import ValuesRule

# The share of the child's names that must map to a parent name for the key to follow them.
_ENOUGH = 0.5


def _names(rules: dict[str, Any]) -> tuple[str, list[str]] | None:
    for column, rule in rules.items():
        if isinstance(rule, ValuesRule):
            return column, [str(v) for v in rule.values]
    return None


def _mapping(domain: Domain, names: list[str], parent_names: list[str]) -> dict[str, str]:
    """Child name -> parent name through the domain attribute that best fits the parent."""
    held = {p.lower(): p for p in parent_names}
    best: dict[str, str] = {}
    for attr in domain.attributes:
        of = {v.lower(): a for v, a in zip(domain.values, attr.values, strict=True)}
        mapped = {
            n: held[of[n.lower()].lower()] for n in names if of.get(n.lower(), "").lower() in held
        }
        if len(mapped) > len(best):
            best = mapped
    return best if len(best) >= _ENOUGH * len(names) else {}


def hierarchy_keys(
    spec: ExperimentSpec,
    data: dict[str, Any],
    lookups: dict[str, tuple[Domain, dict[str, Any]]],
) -> bool:
    """Set ``match`` cardinalities in ``data`` (the dumped ``spec``) on foreign keys between
    lookup tables of one hierarchy; ``lookups`` holds each lookup table's domain and rules."""
    changed = False
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        if table.name not in lookups:
            continue
        domain, rules = lookups[table.name]
        own = _names(rules)
        if own is None or not domain.attributes:
            continue
        for i, fk in enumerate(table.foreign_keys):
            parent = _parent(spec, fk.references_table)
            fk_data = t_data["foreign_keys"][i]
            if parent is None or parent.name not in lookups or fk_data.get("cardinality"):
                continue
            if own[0] in fk.columns or parent.name == table.name:
                continue
            theirs = _names(lookups[parent.name][1])
            if theirs is None:
                continue
            mapping = _mapping(domain, own[1], theirs[1])
            if not mapping:
                continue
            why = (
                f"hierarchy: each {domain.name}'s row in '{parent.name}' is the one whose "
                f"{theirs[0]} contains it ({next(iter(mapping.items()))[0]} -> "
                f"{next(iter(mapping.values()))})"
            )
            fk_data["cardinality"] = {
                "kind": "match",
                "column": own[0],
                "parent_column": theirs[0],
                "mapping": mapping,
                "reason": why,
            }
            add_note(data, table.name, why, key=fk.columns)
            changed = True
    return changed


def _parent(spec: ExperimentSpec, name: str) -> Table | None:
    return next((t for t in spec.tables if t.key.lower() == name.lower()), None)
