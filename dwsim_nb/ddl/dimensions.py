"""Dimension tables as a whole: date dimensions and lookup tables, inferred per table.

Column-by-column inference (:mod:`dwsim_nb.ddl.infer`) cannot see that ``month`` sits next to
``caldate`` or that ``name`` is a language's because the table is called ``language``; this pass
looks at a whole table (and at the other tables' names) and replaces the per-column guesses for
the columns it recognises. Rules the user wrote (no ``reason``) are never replaced.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.ddl.calendar import calendar_rules
from dwsim_nb.ddl.lookups import lookup_rules, singular
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import ValuesRule


def apply_dimension_rules(spec: ExperimentSpec, data: dict[str, Any]) -> bool:
    """Set the rules of date dimensions and lookup tables in ``data`` (the dumped ``spec``,
    whose tables are read for what the DDL said); True if anything changed."""
    names = [singular(t.name) for t in spec.tables]
    changed = False
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        others = [n for n in names if n != singular(table.name)]
        rules = {**calendar_rules(table), **lookup_rules(table, others)}
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
    return changed
