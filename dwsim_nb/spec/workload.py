"""A workload query as the spec stores it: a name and its SQL in the experiment's dialect.

The queries travel with the spec (``ExperimentSpec.workload``), so a bundle and every spec
version carry them; what they taught the generator is written into the columns' rules
(reason "from the workload: <name>"), so the rules alone regenerate the same data.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WorkloadQuery(BaseModel):
    """One query of an experiment's workload (``name`` from its file and position, or qN)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    sql: str = Field(min_length=1)
