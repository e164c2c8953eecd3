"""The process's generation runtime for a plan: the runtime wired to the engine's generators.

This module sits above both :mod:`dwsim_nb.engine.context` and
:mod:`dwsim_nb.engine.generators`, which do not import each other's runtime side.
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.engine.context import Generators, Runtime
from dwsim_nb.engine.generators import pick_generator
from dwsim_nb.engine.generators.bridge import bridges
from dwsim_nb.engine.generators.foreign_keys import pick_parent_rows
from dwsim_nb.engine.layout import Plan

GENERATORS = Generators(pick=pick_generator, bridges=bridges, parent_rows=pick_parent_rows)

_RUNTIMES: dict[tuple[Any, ...], Runtime] = {}
_LAST: dict[str, tuple[Plan, Runtime]] = {}


def runtime_for(plan: Plan) -> Runtime:
    """The process's runtime for a plan, reused across the plan's block tasks."""
    last = _LAST.get("plan")
    if last is not None and last[0] is plan:
        # The same plan object as the last task (in process, or a pool worker's installed
        # plan): its key sorts every table's rows, which per task made 3,000 tables quadratic.
        return last[1]
    key = (
        plan.spec_hash,
        plan.seed,
        plan.block_size,
        tuple(sorted(plan.rows.items())),
        tuple(sorted(plan.options.items())),  # "today" changes Faker pools
    )
    rt = _RUNTIMES.get(key)
    if rt is None:
        _RUNTIMES.clear()  # one plan at a time per process keeps memory flat
        rt = _RUNTIMES[key] = Runtime(plan, GENERATORS)
    _LAST["plan"] = (plan, rt)
    return rt
