"""``generate_run``: a spec in, a run's Parquet files and manifest out, through a sink."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from dwsim_nb.engine.arrow_types import arrow_schema
from dwsim_nb.engine.executors import Executor, make_executor, prestart
from dwsim_nb.engine.manifest import Manifest, TableOutput
from dwsim_nb.engine.plan import Plan, make_plan
from dwsim_nb.engine.sinks import Sink, sink_for
from dwsim_nb.errors import DwsimError, GenerationError
from dwsim_nb.spec.models import ExperimentSpec

Progress = Callable[[str, int, int], None]
# ``on_rows(table, files, rows, total)``: more of a table's blocks are written. ``files`` (as
# the manifest names them) continue the ones reported before, in block order, and hold ``rows``
# of the table's ``total`` rows; the table is complete when the reports add up to ``total``. So
# a loader may read a table's first blocks while its later blocks, and later tables, are still
# being generated.
OnRows = Callable[[str, list[str], int, int], None]


def generate_run(
    spec: ExperimentSpec | Any,
    sink: Sink | str | os.PathLike[str],
    *,
    rows: dict[str, int] | None = None,
    seed: int = 0,
    workers: int | None = None,
    executor: str | Executor = "auto",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    block_size: int | None = None,
    client: Any = None,
    today: str | dt.date | None = None,
    on_rows: OnRows | None = None,
) -> Manifest:
    """Generate every table of ``spec`` into ``sink`` and return the run's manifest.

    ``sink``: a folder (``<folder>/<table>/part-<block:06d>.parquet`` and
    ``<folder>/manifest.json``), an ``s3://bucket/prefix`` URI (blocks put by the workers, see
    :class:`dwsim_nb.staging.RunLocation` for the layouts), or a
    :class:`~dwsim_nb.engine.sinks.Sink`. The same spec, rows, seed and block size give identical
    data whatever ``workers``, ``executor`` and sink.

    >>> m = generate_run(spec, "runs/1", rows={"customers": 10_000}, seed=42)  # doctest: +SKIP
    >>> m.tables["customers"].rows  # doctest: +SKIP
    10000

    ``executor="dask"`` with ``client=`` (a ``distributed.Client`` or scheduler address) runs
    blocks on a Dask cluster.

    ``today`` (a date or ``YYYY-MM-DD``): the date Faker rules such as ``future_date`` count
    from; by default the clock's, read once. The manifest's ``options["today"]`` records it.
    """
    started = time.perf_counter()
    if not isinstance(spec, ExperimentSpec):
        spec = ExperimentSpec.parse(spec)
    prestart(executor, workers, expected_rows(spec, rows), client)
    plan = make_plan(spec, rows=rows, seed=seed, block_size=block_size, today=today)
    runner = make_executor(executor, workers, plan, client)
    out = sink_for(sink)
    out.prepare(plan.order)
    planned = time.perf_counter()
    files = run_blocks(plan, runner, out, progress=progress, cancel=cancel, on_rows=on_rows)
    manifest = build_manifest(plan, runner, files, started, planned)
    out.write_manifest(manifest)
    return manifest


def expected_rows(spec: ExperimentSpec, rows: dict[str, int] | None) -> int:
    """The run's total rows before planning checks ``rows`` (unknown names count as nothing)."""
    counts = {t.key: t.target_rows for t in spec.tables}
    for name, n in (rows or {}).items():
        if name in counts and isinstance(n, int):
            counts[name] = n
    return sum(counts.values())


def run_blocks(
    plan: Plan,
    runner: Executor,
    sink: Sink,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    on_rows: OnRows | None = None,
) -> dict[str, list[str]]:
    """Run every block of ``plan`` into ``sink``; per table, the files the manifest names."""
    done = {name: 0 for name in plan.order}
    files: dict[str, list[str]] = {name: [] for name in plan.order}
    reported = _InOrder(plan, on_rows) if on_rows is not None else None

    # An empty table still gets one file holding its schema, so loaders can create and read it;
    # written first, so a loader fed as blocks come (``on_rows``) has it from the start.
    for name in plan.order:
        if plan.rows[name] == 0:
            schema = arrow_schema(plan.table(name))
            files[name].append(sink.write_empty(name, schema, plan.compression))
            if progress is not None:
                progress(name, 0, 0)
            if on_rows is not None:
                on_rows(name, list(files[name]), 0, 0)

    def on_done(table: str, block: int, count: int) -> None:
        done[table] += count
        ref = sink.part_ref(table, block)
        files[table].append(ref)
        if progress is not None:
            progress(table, done[table], plan.rows[table])
        if reported is not None:
            reported.block(table, block, ref, count)

    try:
        runner.run(plan, plan.tasks(), sink, on_done, cancel)
    except DwsimError:
        raise
    except Exception as exc:
        raise GenerationError(f"generation failed: {type(exc).__name__}: {exc}") from exc

    for name in plan.order:
        if done[name] != plan.rows[name]:
            raise GenerationError(
                f"table '{name}': wrote {done[name]} rows instead of {plan.rows[name]}",
                where=sink.where(name),
            )
        files[name].sort()
    return files


class _InOrder:
    """Reports a table's blocks to ``on_rows`` in block order as they complete (a pool finishes
    them out of order): a loader then inserts rows in the order the files name them."""

    def __init__(self, plan: Plan, on_rows: OnRows) -> None:
        self.plan, self.on_rows = plan, on_rows
        self.next = {name: 0 for name in plan.order}
        self.waiting: dict[str, dict[int, tuple[str, int]]] = {name: {} for name in plan.order}

    def block(self, table: str, block: int, ref: str, count: int) -> None:
        waiting = self.waiting[table]
        waiting[block] = (ref, count)
        refs: list[str] = []
        rows = 0
        while self.next[table] in waiting:
            got, n = waiting.pop(self.next[table])
            refs.append(got)
            rows += n
            self.next[table] += 1
        if refs:
            self.on_rows(table, refs, rows, self.plan.rows[table])


def build_manifest(
    plan: Plan,
    runner: Executor,
    files: dict[str, list[str]],
    started: float,
    planned: float,
) -> Manifest:
    finished = time.perf_counter()
    return Manifest(
        spec_hash=plan.spec_hash,
        seed=plan.seed,
        block_size=plan.block_size,
        tables={name: TableOutput(rows=plan.rows[name], files=files[name]) for name in plan.order},
        timings={
            "plan": round(planned - started, 4),
            "generate": round(finished - planned, 4),
            "total": round(finished - started, 4),
        },
        executor=runner.name,
        workers=runner.workers,
        compression=plan.compression,
        options=dict(plan.options),
    )
