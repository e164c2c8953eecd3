"""Suggested relationships: joins on columns no foreign key declares, for the user to accept or
reject.

Each suggestion is a child column looking up a parent column (:mod:`dwsim_nb.workload.joins`),
with the queries that imply it, or a column named like another table's key, with the reason
(:mod:`dwsim_nb.spec.implied_keys`: added at import, taken out when the user rejects it). A
join on a key-like column, and a name, is accepted by default; another join is only suggested.
The user's decisions live in the spec (``workload_fit.accepted`` and ``rejected``, each
``"table.column"`` or ``"table.column -> parent.column"``), so a refit never adds back a
rejected relationship. Accepted ones become foreign keys when fitting, each noted
("suggested foreign key ..., from the workload: q3").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.implied_keys import candidates
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.workload import WorkloadFit
from dwsim_nb.workload.analyze import ColumnRef
from dwsim_nb.workload.findings import Join


@dataclass(frozen=True)
class Suggestion:
    """One relationship the workload implies: ``child`` looks up ``parent``."""

    child: ColumnRef
    parent: ColumnRef
    queries: tuple[str, ...]
    key_like: bool
    # Set when the columns' names imply it (dwsim_nb.spec.implied_keys): the reason.
    reason: str | None = None

    @property
    def label(self) -> str:
        return f"{self.child.table}.{self.child.column} -> {self.parent.table}.{self.parent.column}"


def group(joins: list[Join]) -> list[Suggestion]:
    """The joins as suggestions, one per (child, parent), in the workload's order."""
    found: dict[tuple[ColumnRef, ColumnRef], list[Join]] = {}
    for j in joins:
        found.setdefault((j.child, j.parent), []).append(j)
    return [
        Suggestion(
            child,
            parent,
            tuple(dict.fromkeys(j.query for j in js)),
            any(j.key_like for j in js),
        )
        for (child, parent), js in found.items()
    ]


def with_names(found: list[Suggestion], spec: ExperimentSpec) -> list[Suggestion]:
    """``found`` and the foreign keys the names of ``spec`` imply (:mod:`.implied_keys`), a
    join and a name that agree as one suggestion with the join's queries and the name's
    reason. A name's suggestion is key-like: accepted unless the user rejects it."""
    out = list(found)
    at = {(s.child, s.parent): i for i, s in enumerate(out)}
    for ref in candidates(spec)[1]:
        child = ColumnRef(spec.table(ref.table).name, ref.column)
        parent = ColumnRef(spec.table(ref.parent).name, ref.parent_column)
        if (child, parent) in at:
            i = at[(child, parent)]
            out[i] = replace(out[i], key_like=True, reason=ref.reason)
        else:
            out.append(Suggestion(child, parent, (), True, ref.reason))
    return out


def _norm(text: str) -> str:
    return " -> ".join(part.strip().lower() for part in text.replace("→", "->").split("->"))


def names(s: Suggestion, text: str) -> bool:
    """Whether ``text`` (``table.column`` of the child, or ``child -> parent``) names ``s``."""
    wanted = _norm(text)
    child = f"{s.child.table}.{s.child.column}".lower()
    return wanted in (child, _norm(s.label))


def decision(s: Suggestion, settings: WorkloadFit | None) -> str:
    """``rejected`` or ``accepted`` (by the user), ``default`` (key-like: accepted unless
    rejected), or ``suggested`` (waits for the user)."""
    if settings is not None:
        if any(names(s, r) for r in settings.rejected):
            return "rejected"
        if any(names(s, a) for a in settings.accepted):
            return "accepted"
    return "default" if s.key_like else "suggested"


def wanted(s: Suggestion, settings: WorkloadFit | None) -> bool:
    return decision(s, settings) in ("accepted", "default")


def decide(
    spec: ExperimentSpec, found: list[Suggestion], which: str, accept: bool
) -> ExperimentSpec:
    """``spec`` with the user's decision on the suggestion ``which`` names (an error listing
    the suggestions when it names none)."""
    hits = [s for s in found if names(s, which)]
    if not hits:
        listed = ", ".join(s.label for s in found) or "none (no join without a foreign key)"
        raise SpecError(
            f"no suggested relationship is named {which!r}; the workload suggests: {listed}.",
            hint="name the child column as table.column (or 'table.column -> parent.column')",
        )
    settings = spec.workload_fit or WorkloadFit()
    keep, drop = ("accepted", "rejected") if accept else ("rejected", "accepted")
    labels = [s.label for s in hits]
    kept = [x for x in getattr(settings, keep) if not any(names(s, x) for s in hits)] + labels
    dropped = [x for x in getattr(settings, drop) if not any(names(s, x) for s in hits)]
    return spec.model_copy(
        update={"workload_fit": settings.model_copy(update={keep: kept, drop: dropped})}
    )
