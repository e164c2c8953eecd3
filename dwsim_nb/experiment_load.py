"""A run generated and loaded at once: each table loads while the next ones generate.

The engine reports a table's blocks in order as they are written (``generate_run``'s
``on_rows``); a loader thread feeds them to the warehouse's staged load
(:mod:`dwsim_nb.warehouses.staged`), which commits them into a side table in slices, so a big
table loads while its later blocks still generate. Once every block is
written and loaded, the caller keeps the run's files (``settle``: the folder renamed, the
catalog told), then the load is published in one short transaction. A failure anywhere before
that removes the side tables: the warehouse keeps the earlier data. Warehouses without a staged
load generate first and load after, as before.

Progress keeps its contract: every generation report, then the ``load`` stage and its reports
(a loader's reports made while generation runs are held and replayed when the stage starts).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dwsim_nb.engine import Manifest
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.warehouses import Warehouse
    from dwsim_nb.warehouses.staged import StagedLoad

Progress = Callable[[str, int, int], None]


@dataclass
class Loaded:
    """Whether the warehouse holds the run (set the moment the load is published)."""

    in_warehouse: bool = False


def stage(progress: Any, name: str) -> None:
    """Tell a progress display that may show stages ("generate", "load") which one starts.

    The callback contract is ``progress(table, rows_done, rows_total)``; a display that wants
    stages adds an optional ``stage(name)`` method.
    """
    hook = getattr(progress, "stage", None)
    if callable(hook):
        hook(name)


def generate_and_load(
    spec: ExperimentSpec,
    tmp: Path,
    warehouse: Warehouse | None,
    *,
    settle: Callable[[Manifest], Path],
    loaded: Loaded,
    timings: dict[str, float],
    progress: Progress | None = None,
    **engine: Any,
) -> Manifest:
    """Generate ``spec`` into ``tmp`` (``engine``: ``generate_run``'s options) and, if a
    ``warehouse`` is given, load the run into it. ``settle(manifest)`` keeps the files and
    returns where they now are; ``loaded.in_warehouse`` turns true once the warehouse commits."""
    from dwsim_nb.engine import generate_run

    relay = _Relay(progress)
    staged = warehouse.open_staged_load(spec, tmp, relay) if warehouse is not None else None
    t0 = time.perf_counter()
    stage(progress, "generate")
    if warehouse is None or staged is None:
        manifest = generate_run(spec, tmp, progress=progress, **engine)
        _generated(manifest, timings, t0)
        final = settle(manifest)
        if warehouse is not None:
            from dwsim_nb.warehouses import LoadPlan

            stage(progress, "load")
            t1 = time.perf_counter()
            warehouse.load(spec, LoadPlan.from_manifest(manifest, final), progress)
            loaded.in_warehouse = True
            timings["load"] = round(time.perf_counter() - t1, 4)
        return manifest

    feeder = _Feeder(staged, tmp)
    try:
        feeder.start()
        manifest = generate_run(spec, tmp, progress=progress, on_rows=feeder.put, **engine)
        _generated(manifest, timings, t0)
        t1 = time.perf_counter()
        stage(progress, "load")
        relay.go_live()
        feeder.finish()  # every table in its side table, or the loader's error
        final = settle(manifest)
        staged.publish()
        loaded.in_warehouse = True
        warehouse.published(spec)
        timings["load"] = round(time.perf_counter() - t1, 4)
        timings["load_overlapped"] = round(getattr(staged, "busy", 0.0), 4)
        return manifest
    except BaseException:
        feeder.stop()
        if not loaded.in_warehouse:
            # Best effort: the side tables are invisible to queries, and the next load removes
            # any left; the error worth reporting is the one that got us here.
            with contextlib.suppress(Exception):
                staged.abort()
        raise
    finally:
        staged.close()


def _generated(manifest: Manifest, timings: dict[str, float], t0: float) -> None:
    raw = dict(getattr(manifest, "timings", None) or {})
    timings.update(
        {f"engine.{k}": round(float(v), 4) for k, v in raw.items() if isinstance(v, int | float)}
    )
    timings["generate"] = round(time.perf_counter() - t0, 4)


_DONE = None
# After this long without a table to load, the loader releases what it holds (``idle``).
IDLE_SECONDS = 1.0


class _Relay:
    """The staged load's progress: held while generation reports, passed on after."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self._lock = threading.Lock()
        self._held: list[tuple[str, int, int]] | None = []

    def __call__(self, table: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        with self._lock:
            if self._held is not None:
                self._held.append((table, done, total))
                return
        self.progress(table, done, total)

    def go_live(self) -> None:
        with self._lock:
            held, self._held = self._held or [], None
            if self.progress is not None:
                for event in held:
                    self.progress(*event)


class _Feeder:
    """The loader thread: adds each finished table to the staged load, in the order they come."""

    def __init__(self, staged: StagedLoad, run_dir: Path) -> None:
        self.staged, self.run_dir = staged, run_dir
        self.queue: queue.Queue[tuple[str, list[str], int, int] | None] = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="dwsim-load", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def put(self, table: str, files: list[str], rows: int, total: int) -> None:
        """The engine's ``on_rows`` (generating thread): queue the table's next files; a
        loader failure surfaces here, stopping generation."""
        if self.error is not None:
            raise self.error
        self.queue.put((table, files, rows, total))

    def _work(self) -> None:
        while True:
            try:
                item = self.queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                if self.error is None:
                    try:
                        self.staged.idle()
                    except BaseException as e:  # reported to the generating thread
                        self.error = e
                item = self.queue.get()
            if item is _DONE:
                return
            if self.error is not None:
                continue  # drain: the run is failing
            table, files, rows, total = item
            try:
                paths = [_resolve(self.run_dir, f) for f in files]
                self.staged.add_rows(table, paths, rows, total)
            except BaseException as e:  # reported to the generating thread
                self.error = e

    def finish(self) -> None:
        """Wait until every queued table is loaded; raise the loader's error if any."""
        self.queue.put(_DONE)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """The run failed: stop the statement running, let the thread end."""
        if not self.thread.is_alive():
            return
        self.error = self.error or _Stopped()
        self.staged.interrupt()
        self.queue.put(_DONE)
        self.thread.join()


class _Stopped(Exception):
    """The run failed elsewhere; the loader stops."""


def _resolve(run_dir: Path, ref: str) -> Path:
    p = Path(ref)
    return p if p.is_absolute() else run_dir / p
