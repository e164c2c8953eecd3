"""Dimension tables as a whole: date dimensions and lookup tables, inferred per table.

Column-by-column inference (:mod:`dwsim_nb.ddl.infer`) cannot see that ``month`` sits next to
``caldate`` or that ``name`` is a language's because the table is called ``language``; this pass
looks at a whole table (and at the other tables' names) and replaces the per-column guesses for
the columns it recognises. Rules the user wrote (no ``reason``) are never replaced.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.ddl.calendar import calendar_rules
from dwsim_nb.ddl.domains import Domain
from dwsim_nb.ddl.hierarchy_fk import hierarchy_keys
from dwsim_nb.ddl.lookup_rows import lookup_rows
from dwsim_nb.ddl.lookups import domain_of, lookup_rules, singular
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import ValuesRule


def apply_dimension_rules(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set the rules of date dimensions and lookup tables in ``data`` (the dumped ``spec``,
    whose tables are read for what the DDL said); True if anything changed."""
    names = [singular(t.name) for t in spec.tables]
    changed = False
    lookups: dict[str, tuple[Domain, dict[str, Any]]] = {}
    for t_data, table, own in zip(data["tables"], spec.tables, names, strict=True):
        # ``own`` computed once per table: in the comprehension it cost n^2 regex passes
        # (4 s of a 300-table import).
        others = [n for n in names if n != own]
        found = lookup_rules(table, others)
        domain = domain_of(table, others)
        if found and domain is not None:
            lookups[table.name] = (domain, dict(found))
        rules = {**calendar_rules(table), **found}
        for c_data in t_data["columns"]:
            rule = rules.get(c_data["name"])
            if rule is None:
                continue
            c_data["rule"] = rule.model_dump()
            changed = True
            if isinstance(rule, ValuesRule) and t_data.get("target_rows", 1000) > len(rule.values):
                # A lookup table holds each value once: as many rows as the list has values.
                t_data["target_rows"] = len(rule.values)
                data.setdefault("notes", []).append(
                    f"table '{table.name}': a lookup table ({rule.reason}); target_rows set to "
                    f"{len(rule.values)}, one row per value"
                )
    if changed:
        changed = hierarchy_keys(spec, data, lookups) or changed
    # Lookups of no domain (shippers, statuses) hold a few rows too.
    changed = lookup_rows(spec, data) or changed
    if changed:
        _fit_bridges(spec, data)
    return changed


def _fit_bridges(spec: ExperimentSpec, data: dict[str, Any]) -> None:
    """A table keyed only by foreign keys holds at most the product of its parents' rows: a
    link between two lookup tables made smaller above must not ask for more rows than that."""
    rows = {
        table.key.lower(): t.get("target_rows", 1000)
        for t, table in zip(data["tables"], spec.tables, strict=True)
    }
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        for key in table.unique_keys():
            fks = [fk for fk in table.foreign_keys if set(fk.columns) <= set(key)]
            if not fks or set(key) != {c for fk in fks for c in fk.columns}:
                continue
            most = 1
            for fk in fks:
                most *= rows.get(fk.references_table.lower(), 1000)
            if most < t_data.get("target_rows", 1000):
                t_data["target_rows"] = most
                data.setdefault("notes", []).append(
                    f"table '{table.name}': keyed by its foreign keys only, so at most {most} "
                    "rows; target_rows set to that"
                )
