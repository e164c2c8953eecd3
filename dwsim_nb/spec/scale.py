"""``--scale``: every table's target_rows times a factor, as ``dwsim generate --scale 0.1`` and
``%%dwsim_generate --scale 0.1`` both read it (one function, so the two never differ).

A table of one row per listed value (categories, a lookup of statuses) keeps its size: scaling it
would repeat or drop values. Explicit counts win over the scale.
"""

from __future__ import annotations

from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.tables import Table


def is_list_table(table: Table) -> bool:
    """A table of one row per listed value: a column's ``values`` list is as long as the table."""
    return any(
        c.rule is not None
        and c.rule.kind == "values"
        and len(getattr(c.rule, "values", [])) == table.target_rows
        for c in table.columns
    )


def scaled_rows(
    spec: ExperimentSpec, rows: dict[str, int] | None, scale: float | None
) -> dict[str, int] | None:
    """``rows`` with every other table at ``scale`` times its target_rows (at least 1); list
    tables keep their size."""
    if scale is None:
        return rows
    scaled = {
        t.name: t.target_rows if is_list_table(t) else max(1, round(t.target_rows * scale))
        for t in spec.tables
    }
    return {**scaled, **(rows or {})}
