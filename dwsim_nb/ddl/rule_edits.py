"""Inferred rules written into a spec, with their notes, or left out with a warning.

Passes that infer rules across tables (parents' values copied, lines' amounts from parents'
prices) find rules per table and write them the same way: each rule replaces its column's, each
gets a note naming the column and the rule's reason, and a spec that no longer validates keeps
its earlier rules with a warning naming what could not be inferred.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.models import ExperimentSpec, Table

# ``found(table, notes)``: the table's new rules by column name (rule records with a reason);
# it may add notes of its own (what it left out and why).
Found = Callable[[Table, list[str]], dict[str, dict[str, Any]]]


def with_rules(spec: ExperimentSpec, found: Found, what: str) -> ExperimentSpec:
    """``spec`` with the rules ``found`` gives per table (the same spec when nothing was found
    or noted); ``what`` names them in the warning when the result does not validate."""
    data = spec.model_dump()
    notes: list[str] = []
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        for name, rule in found(table, notes).items():
            c_data = next(c for c in t_data["columns"] if c["name"] == name)
            c_data["rule"] = rule
            notes.append(f"table '{table.name}', column '{name}': {rule['reason']}")
    if not notes:
        return spec
    return validated(spec, data, notes, what)


def validated(
    spec: ExperimentSpec, data: dict[str, Any], notes: list[str], what: str
) -> ExperimentSpec:
    """``data`` (``spec`` dumped and edited) with ``notes`` added, as a spec; ``spec`` with a
    warning naming ``what`` when the edits do not validate."""
    data["notes"] = [*data.get("notes", []), *notes]
    try:
        return ExperimentSpec.model_validate(data)
    except (ValidationError, SpecError) as e:
        out = spec.model_copy(deep=True)
        out.warnings.append(
            f"{what} could not be inferred ({str(e).splitlines()[0]}); columns keep their name "
            "rules"
        )
        return out
