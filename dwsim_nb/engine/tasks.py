"""A block task and the interface every executor implements.

A block task is ``run_block(plan, table, block, sink) -> rows``: a pure, picklable function that
generates one block and writes it through the run's :class:`~dwsim_nb.engine.sinks.Sink`.
Executors (:mod:`dwsim_nb.engine.executors`, :mod:`dwsim_nb.engine.dask_executor`) only schedule
tasks, report each finished block and stop between blocks when cancelled.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

import pyarrow as pa

from dwsim_nb.engine.plan import Plan
from dwsim_nb.engine.sinks import LocalSink, Sink, Task
from dwsim_nb.errors import GenerationError

__all__ = ["Executor", "OnDone", "Task", "cancelled_error", "run_block"]

OnDone = Callable[[str, int, int], None]


def run_block(plan: Plan, table: str, block: int, out: Sink | str | os.PathLike[str]) -> int:
    """Generate block ``block`` of ``table`` and write it; returns the rows written.

    ``out``: the run's sink, or a local folder.
    """
    from dwsim_nb.engine.runtime import runtime_for

    sink = out if isinstance(out, Sink) else LocalSink(os.fspath(out))
    data = runtime_for(plan).table(table).block(block)
    # Written where it was generated (a worker, another machine): nothing returns but a count.
    sink.write_block(table, block, data, plan.compression)
    rows = data.num_rows
    del data
    # Arrow's allocator keeps freed pages for reuse; blocks of different tables have different
    # shapes, so the kept pages pile up. Handing them back costs well under a millisecond and
    # keeps each worker's memory at one block's worth (about 15-70 MB less per worker).
    pa.default_memory_pool().release_unused()
    return rows


# The plan a pool worker was started with (``install_plan``): sent once per worker instead of
# with every task, whose pickled plan (the whole spec) made a 3,000-table run quadratic in
# time and held gigabytes in the pool's queues.
_INSTALLED: dict[str, Plan] = {}


def install_plan(plan: Plan) -> None:
    """A pool worker's initializer: keep the run's plan for :func:`run_installed_block`."""
    _INSTALLED["plan"] = plan


def run_installed_block(table: str, block: int, out: Sink | str | os.PathLike[str]) -> int:
    """:func:`run_block` with the plan the worker was started with."""
    return run_block(_INSTALLED["plan"], table, block, out)


def cancelled_error() -> GenerationError:
    return GenerationError("cancelled", hint="run it again to generate the data")


class Executor:
    """Runs block tasks and calls ``on_done(table, block, rows)`` as each one finishes."""

    name = "base"
    workers = 1

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        sink: Sink,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        raise NotImplementedError
