"""``generate_run``: a spec in, a folder of Parquet files and a manifest out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dwsim_nb.engine.arrow_types import arrow_schema
from dwsim_nb.engine.executors import BlockSink, Executor, make_executor, prestart
from dwsim_nb.engine.manifest import Manifest, TableOutput
from dwsim_nb.engine.plan import Plan, make_plan
from dwsim_nb.engine.writer import part_path, write_block
from dwsim_nb.errors import DwsimError, GenerationError
from dwsim_nb.spec.models import ExperimentSpec

Progress = Callable[[str, int, int], None]


def generate_run(
    spec: ExperimentSpec | Any,
    out_dir: str | Path,
    *,
    rows: dict[str, int] | None = None,
    seed: int = 0,
    workers: int | None = None,
    executor: str | Executor = "auto",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    block_size: int | None = None,
    client: Any = None,
) -> Manifest:
    """Generate every table of ``spec`` into ``out_dir`` and return the run's manifest.

    Files: ``out_dir/<table>/part-<block:06d>.parquet`` and ``out_dir/manifest.json``. The same
    spec, rows, seed and block size give identical data whatever ``workers`` and ``executor``.

    >>> m = generate_run(spec, "runs/1", rows={"customers": 10_000}, seed=42)  # doctest: +SKIP
    >>> m.tables["customers"].rows  # doctest: +SKIP
    10000

    ``executor="dask"`` with ``client=`` (a ``distributed.Client`` or scheduler address) runs
    blocks on a Dask cluster; an ``s3://`` ``out_dir`` writes the run to S3
    (:mod:`dwsim_nb.engine.s3_output`).
    """
    if isinstance(out_dir, str) and out_dir.lower().startswith(("s3://", "s3a://")):
        from dwsim_nb.engine.s3_output import generate_s3_run

        return generate_s3_run(
            spec,
            out_dir,
            rows=rows,
            seed=seed,
            workers=workers,
            executor=executor,
            progress=progress,
            cancel=cancel,
            block_size=block_size,
            client=client,
        )
    started = time.perf_counter()
    if not isinstance(spec, ExperimentSpec):
        spec = ExperimentSpec.parse(spec)
    prestart(executor, workers, expected_rows(spec, rows), client)
    plan = make_plan(spec, rows=rows, seed=seed, block_size=block_size)
    runner = make_executor(executor, workers, plan, client)
    planned = time.perf_counter()

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in plan.order:
        folder = out / name
        if folder.is_dir():
            for stale in folder.glob("part-*.parquet"):
                stale.unlink()  # leftovers of an earlier run into the same folder

    def write_empty(name: str) -> str:
        path = part_path(out, name, 0)
        write_block(arrow_schema(plan.table(name)).empty_table(), path, plan.compression)
        return str(path.relative_to(out))

    files = run_blocks(
        plan,
        runner,
        out,
        part_ref=lambda table, block: str(part_path(out, table, block).relative_to(out)),
        write_empty=write_empty,
        progress=progress,
        cancel=cancel,
    )
    manifest = build_manifest(plan, runner, files, started, planned)
    manifest.write(out)
    return manifest


def expected_rows(spec: ExperimentSpec, rows: dict[str, int] | None) -> int:
    """The run's total rows before planning checks ``rows`` (unknown names count as nothing)."""
    counts = {t.name: t.target_rows for t in spec.tables}
    for name, n in (rows or {}).items():
        if name in counts and isinstance(n, int):
            counts[name] = n
    return sum(counts.values())


def run_blocks(
    plan: Plan,
    runner: Executor,
    target: Path | BlockSink,
    *,
    part_ref: Callable[[str, int], str],
    write_empty: Callable[[str], str],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    where: Callable[[str], str] | None = None,
) -> dict[str, list[str]]:
    """Run every block of ``plan`` into ``target`` (a folder or a sink); the files per table.

    Shared by local and S3 runs: they differ only in how a block is named (``part_ref``) and how
    an empty table's schema-only file is written (``write_empty``).
    """
    done = {name: 0 for name in plan.order}
    files: dict[str, list[str]] = {name: [] for name in plan.order}

    def on_done(table: str, block: int, count: int) -> None:
        done[table] += count
        files[table].append(part_ref(table, block))
        if progress is not None:
            progress(table, done[table], plan.rows[table])

    try:
        runner.run(plan, plan.tasks(), target, on_done, cancel)
    except DwsimError:
        raise
    except Exception as exc:
        raise GenerationError(f"generation failed: {type(exc).__name__}: {exc}") from exc

    for name in plan.order:
        if plan.rows[name] == 0:
            # An empty table still gets one file holding its schema, so loaders can create and
            # read it.
            files[name].append(write_empty(name))
            if progress is not None:
                progress(name, 0, 0)
        elif done[name] != plan.rows[name]:
            raise GenerationError(
                f"table '{name}': wrote {done[name]} rows instead of {plan.rows[name]}",
                where=where(name) if where else None,
            )
        files[name].sort()
    return files


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
    )
