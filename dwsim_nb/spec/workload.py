"""A workload query as the spec stores it: a name and its SQL in the experiment's dialect.

The queries travel with the spec (``ExperimentSpec.workload``), so a bundle and every spec
version carry them; what they taught the generator is written into the columns' rules
(reason "from the workload: <name>"), so the rules alone regenerate the same data.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WorkloadQuery(BaseModel):
    """One query of an experiment's workload (``name`` from its file and position, or qN)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    sql: str = Field(min_length=1)


class WorkloadChange(BaseModel):
    """One thing fitting a workload changed, with what it was before, so a new workload starts
    from the spec as it was without one (:mod:`dwsim_nb.workload.undo`).

    ``column`` names a column whose definition (its rule, its uniqueness) changed; otherwise
    ``foreign_key`` names the columns of a foreign key the workload changed (its cardinality)
    or added (``before`` None). ``after`` is a digest of what fitting wrote: a column or key
    the user edited since then no longer matches it and is left as the user made it."""

    model_config = ConfigDict(extra="forbid")

    table: str
    column: str | None = None
    foreign_key: list[str] | None = None
    before: dict[str, Any] | None = None
    after: str = ""


class WorkloadFit(BaseModel):
    """How a workload is fitted, and what fitting changed (kept in the spec, so a bundle
    regenerates without the queries and a refit starts from the spec before the workload).

    ``selectivity``: the share of rows each predicate selects (low, high; None: the default).
    ``targets``: per-query targets by name (``"rows >= 100"``, ``"share >= 0.2"``), beside the
    ``-- dwsim:`` comments. ``accepted`` / ``rejected``: suggested relationships the user
    decided on (``"orders.cust_id"`` or ``"orders.cust_id -> customers.id"``); a rejected one
    is never added back by a refit. ``changes`` and ``notes``: what the last fit changed."""

    model_config = ConfigDict(extra="forbid")

    selectivity: tuple[float, float] | None = None
    targets: dict[str, str] = Field(default_factory=dict)
    accepted: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    changes: list[WorkloadChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def empty(self) -> bool:
        return self == WorkloadFit()
