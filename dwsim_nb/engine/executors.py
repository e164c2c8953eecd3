"""Where block tasks run: in this process or in a process pool, behind one interface.

Block tasks and the ``Executor`` interface are in :mod:`dwsim_nb.engine.tasks`; Dask's executor
(:mod:`dwsim_nb.engine.dask_executor`) implements the same ``run`` method. :func:`make_executor`
picks one by name.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import threading
from collections.abc import Iterable
from typing import Any

from dwsim_nb.engine.plan import Plan
from dwsim_nb.engine.sinks import Sink
from dwsim_nb.engine.tasks import (
    Executor,
    OnDone,
    Task,
    cancelled_error,
    install_plan,
    run_block,
    run_installed_block,
)
from dwsim_nb.errors import GenerationError

__all__ = [
    "AUTO_POOL_MIN_ROWS",
    "Executor",
    "InProcessExecutor",
    "ProcessPoolExecutor",
    "auto_kind",
    "make_executor",
    "prestart",
    "run_block",
]

# Under ``executor="auto"`` a run smaller than this stays in this process. Measured on 2 shared
# cores (load average ~5, ecom workload, 2026-11): starting a pool costs 0.8-1.0 s (2.0 s when the
# forkserver itself starts), while in-process generation makes 1.4-3.1M rows/s and two workers
# gain at most ~1.8x. In-process won at 1.4M rows (0.45 s vs 1.16 s) and 2.8M rows (1.3 s vs
# 3.1 s); the pool won at 7M rows (2.9 s vs 3.7 s) and 14M rows (3.9 s vs 7.0 s).
AUTO_POOL_MIN_ROWS = 4_000_000


class InProcessExecutor(Executor):
    """Blocks one after another in this process (no start-up cost; best for small runs)."""

    name = "inprocess"

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        sink: Sink,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        for table, block in tasks:
            if cancel is not None and cancel.is_set():
                raise cancelled_error()
            on_done(table, block, run_block(plan, table, block, sink))


def _context() -> mp.context.BaseContext:
    # forkserver: safe under Jupyter's threads, and workers fork from a server that has
    # already imported the engine, so they start in milliseconds rather than re-importing.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["dwsim_nb.engine.pool_preload"])
        return ctx
    return mp.get_context("spawn")


class ProcessPoolExecutor(Executor):
    """Blocks spread over worker processes (default: one per core)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        sink: Sink,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        pending = iter(tasks)
        upcoming = next(pending, None)
        # Submit a few tasks ahead per worker so cancelling stops soon and memory stays bounded.
        ahead = self.workers * 2
        with cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_context(),
            initializer=install_plan,
            initargs=(plan,),
        ) as pool:
            running: dict[cf.Future[int], Task] = {}
            try:
                while upcoming is not None or running:
                    while upcoming is not None and len(running) < ahead:
                        if cancel is not None and cancel.is_set():
                            raise cancelled_error()
                        table, block = upcoming
                        upcoming = next(pending, None)
                        fut = pool.submit(run_installed_block, table, block, sink)
                        running[fut] = (table, block)
                    done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        table, block = running.pop(fut)
                        on_done(table, block, fut.result())
                    if cancel is not None and cancel.is_set():
                        raise cancelled_error()
            except BaseException:
                for fut in running:
                    fut.cancel()
                raise


def auto_kind(plan: Plan, workers: int) -> str:
    """What ``executor="auto"`` picks without a Dask client: ``processes`` or ``inprocess``.

    A pool only pays for its start-up when there are several workers, several blocks and
    enough rows (``AUTO_POOL_MIN_ROWS``); a notebook's small runs stay in this process.
    """
    if workers > 1 and plan.task_count > 1 and plan.total_rows >= AUTO_POOL_MIN_ROWS:
        return "processes"
    return "inprocess"


_POOL_KINDS = ("processes", "process", "pool", "process_pool")


def prestart(kind: str | Executor, workers: int | None, rows: int, client: Any = None) -> None:
    """Start the process pool's fork server now, when a run is going to use it.

    The server imports the engine once (about a third of a second) before it can
    fork a worker; started before planning, that import overlaps the plan's checks instead of
    delaying the first block. Later runs in the same process find it running.
    """
    if not isinstance(kind, str) or client is not None or kind == "dask":
        return
    n = max(1, workers or os.cpu_count() or 1)
    if kind == "auto" and (n < 2 or rows < AUTO_POOL_MIN_ROWS):
        return
    if kind not in (*_POOL_KINDS, "auto"):
        return
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def make_executor(
    kind: str | Executor, workers: int | None, plan: Plan, client: Any = None
) -> Executor:
    """``auto``: a process pool for large runs with several workers (see :func:`auto_kind`).

    ``dask`` (or ``auto`` with a ``client``): blocks as tasks on a Dask cluster; ``client`` is a
    ``distributed.Client`` or a scheduler address. An :class:`Executor` object is used as given.
    """
    if isinstance(kind, Executor):
        return kind
    if kind == "dask" or (kind == "auto" and client is not None):
        from dwsim_nb.engine.dask_executor import DaskExecutor

        return DaskExecutor(client)
    n = max(1, workers or os.cpu_count() or 1)
    if kind == "auto":
        kind = auto_kind(plan, n)
    if kind in ("inprocess", "in-process", "local", "serial"):
        return InProcessExecutor()
    if kind in _POOL_KINDS:
        return ProcessPoolExecutor(n)
    raise GenerationError(
        f"unknown executor '{kind}'", hint="use 'auto', 'inprocess', 'processes' or 'dask'"
    )
