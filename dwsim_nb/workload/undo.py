"""What fitting a workload changed, recorded with the previous values, and taken back.

Fitting (:func:`dwsim_nb.workload.fit.fit_workload`) starts from the spec as it was before any
workload: :func:`restore` puts back every column and foreign key an earlier fit changed (a
moved date span, a widened range, a mix of literals, a key made unique, a skewed or added
foreign key) and removes the notes it wrote; :func:`record` compares the spec before and after
a fit and lists those changes in ``spec.workload_fit.changes``. So replacing the workload
re-derives everything from the pre-workload spec (same spec + workload + seed, same data), and
the record travels with the spec in a bundle.

A column or key the user edited after the fit no longer matches the digest the record keeps of
what the fit wrote; it is left as the user made it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dwsim_nb.spec.io import prune
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.tables import Column, ForeignKey, Table
from dwsim_nb.spec.workload import WorkloadChange, WorkloadFit


def _dump(model: Column | ForeignKey) -> dict[str, Any]:
    out = prune(model.model_dump(mode="json"))
    assert isinstance(out, dict)
    return out


def digest(model: Column | ForeignKey) -> str:
    text = json.dumps(_dump(model), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fk_index(table: Table) -> dict[tuple[str, ...], ForeignKey]:
    return {tuple(fk.columns): fk for fk in table.foreign_keys}


def record(before: ExperimentSpec, after: ExperimentSpec) -> list[WorkloadChange]:
    """The columns and foreign keys ``after`` changed from ``before`` (same tables, in order)."""
    out: list[WorkloadChange] = []
    for old_table in before.tables:
        new_table = after.table(old_table.key)
        for old in old_table.columns:
            new = new_table.column(old.name)
            if _dump(old) != _dump(new):
                out.append(
                    WorkloadChange(
                        table=old_table.key, column=old.name, before=_dump(old), after=digest(new)
                    )
                )
        old_fks = _fk_index(old_table)
        for cols, fk in _fk_index(new_table).items():
            prev = old_fks.get(cols)
            if prev is None or _dump(prev) != _dump(fk):
                out.append(
                    WorkloadChange(
                        table=old_table.key,
                        foreign_key=list(cols),
                        before=None if prev is None else _dump(prev),
                        after=digest(fk),
                    )
                )
    return out


def added_notes(before: ExperimentSpec, after: ExperimentSpec) -> list[str]:
    """The notes ``after`` holds beyond ``before``'s."""
    remaining = list(before.notes)
    out = []
    for n in after.notes:
        if n in remaining:
            remaining.remove(n)
        else:
            out.append(n)
    return out


def restore(spec: ExperimentSpec) -> ExperimentSpec:
    """A copy of ``spec`` as it was before its last fit (see the module's docstring); the
    user's settings (selectivity, targets, accepted and rejected suggestions) stay."""
    out = spec.model_copy(deep=True)
    fit = out.workload_fit
    if fit is None or (not fit.changes and not fit.notes):
        return out
    for change in reversed(fit.changes):
        try:
            table = out.table(change.table)
        except KeyError:
            continue  # the user dropped the table since
        if change.column is not None:
            _restore_column(table, change)
        elif change.foreign_key is not None:
            _restore_key(table, change)
    for note in fit.notes:
        if note in out.notes:
            out.notes.remove(note)
    out.workload_fit = settings_only(fit)
    return out


def settings_only(fit: WorkloadFit | None) -> WorkloadFit | None:
    """The user's settings of ``fit`` without the record of a fit (None when nothing is left)."""
    if fit is None:
        return None
    kept = fit.model_copy(update={"changes": [], "notes": []})
    return None if kept.empty() else kept


def _restore_column(table: Table, change: WorkloadChange) -> None:
    for i, col in enumerate(table.columns):
        if col.name == change.column:
            if digest(col) == change.after and change.before is not None:
                table.columns[i] = Column.model_validate(change.before)
            return


def _restore_key(table: Table, change: WorkloadChange) -> None:
    for i, fk in enumerate(table.foreign_keys):
        if fk.columns == change.foreign_key:
            if digest(fk) != change.after:
                return
            if change.before is None:
                del table.foreign_keys[i]
            else:
                table.foreign_keys[i] = ForeignKey.model_validate(change.before)
            return
