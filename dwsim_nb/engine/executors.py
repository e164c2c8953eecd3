"""Where block tasks run: in this process or in a process pool, behind one interface.

A block task is ``run_block(plan, table, block, out_dir) -> rows``: a pure, picklable function
that writes one Parquet file. Executors only schedule tasks, report each finished block and stop
between blocks when cancelled; a distributed executor implements the same ``run`` method.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from dwsim_nb.engine.plan import Plan
from dwsim_nb.errors import GenerationError

Task = tuple[str, int]
OnDone = Callable[[str, int, int], None]


def run_block(plan: Plan, table: str, block: int, out_dir: str) -> int:
    """Generate block ``block`` of ``table`` and write it; returns the rows written."""
    from dwsim_nb.engine.context import runtime_for
    from dwsim_nb.engine.writer import part_path, write_block

    data = runtime_for(plan).table(table).block(block)
    write_block(data, part_path(out_dir, table, block), plan.compression)
    return data.num_rows


def _cancelled() -> GenerationError:
    return GenerationError("cancelled", hint="run it again to generate the data")


class Executor:
    """Runs block tasks and calls ``on_done(table, block, rows)`` as each one finishes."""

    name = "base"
    workers = 1

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        out_dir: Path,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        raise NotImplementedError


class InProcessExecutor(Executor):
    """Blocks one after another in this process (no start-up cost; best for small runs)."""

    name = "inprocess"

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        out_dir: Path,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        for table, block in tasks:
            if cancel is not None and cancel.is_set():
                raise _cancelled()
            on_done(table, block, run_block(plan, table, block, str(out_dir)))


def _context() -> mp.context.BaseContext:
    # forkserver: safe under Jupyter's threads, and workers fork from a server that has
    # already imported the engine, so they start in milliseconds rather than re-importing.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["dwsim_nb.engine.context", "dwsim_nb.engine.generators"])
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
        out_dir: Path,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        pending = list(tasks)
        pending.reverse()
        # Submit a few tasks ahead per worker so cancelling stops soon and memory stays bounded.
        ahead = self.workers * 2
        with cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=_context()) as pool:
            running: dict[cf.Future[int], Task] = {}
            try:
                while pending or running:
                    while pending and len(running) < ahead:
                        if cancel is not None and cancel.is_set():
                            raise _cancelled()
                        table, block = pending.pop()
                        fut = pool.submit(run_block, plan, table, block, str(out_dir))
                        running[fut] = (table, block)
                    done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        table, block = running.pop(fut)
                        on_done(table, block, fut.result())
                    if cancel is not None and cancel.is_set():
                        raise _cancelled()
            except BaseException:
                for fut in running:
                    fut.cancel()
                raise


def make_executor(kind: str, workers: int | None, plan: Plan) -> Executor:
    """``auto``: a process pool when there are several workers and several blocks."""
    n = max(1, workers or os.cpu_count() or 1)
    if kind == "auto":
        kind = "processes" if n > 1 and len(plan.tasks()) > 1 else "inprocess"
    if kind in ("inprocess", "in-process", "local", "serial"):
        return InProcessExecutor()
    if kind in ("processes", "process", "pool", "process_pool"):
        return ProcessPoolExecutor(n)
    raise GenerationError(
        f"unknown executor '{kind}'", hint="use 'auto', 'inprocess' or 'processes'"
    )
