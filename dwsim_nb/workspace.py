"""The facade every shell calls: ``Workspace`` and ``Experiment``.

    ws = Workspace()                                   # $DWSIM_HOME, else ./.dwsim
    exp = ws.import_sql(ddl, name="tickit", dialect="redshift")
    run = exp.generate(rows={"users": 10_000}, seed=42)
    exp.query("select top 5 * from users")

A workspace folder holds ``catalog.sqlite``, the embedded warehouse files and ``runs/<experiment>/
run_<id>/`` (a run's Parquet and manifest). Operations that change an experiment hold its lock
(:mod:`dwsim_nb.locks`), so two notebooks or a notebook and the CLI can share a workspace.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.catalog import Catalog, ExperimentRecord
from dwsim_nb.errors import (
    BusyError,
    DwsimError,
    GenerationError,
    LoadError,
    NotFoundError,
    QueryError,
)
from dwsim_nb.locks import ExperimentLock
from dwsim_nb.private import make_private, private_umask
from dwsim_nb.run import Run

if TYPE_CHECKING:
    import threading

    import pandas as pd
    import pyarrow as pa

    from dwsim_nb.compare import Comparison
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.warehouses import LoadPlan, Warehouse
    from dwsim_nb.warehouses.base import Progress


def default_home() -> Path:
    return Path(os.environ.get("DWSIM_HOME") or ".dwsim")


class Workspace:
    """A folder of experiments, their runs and their embedded warehouses."""

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = Path(home if home is not None else default_home()).expanduser().absolute()
        with private_umask():
            if not self.home.exists():
                # User-only: the folder holds data that may imitate production schemas.
                self.home.mkdir(parents=True, mode=0o700)
                self.home.chmod(0o700)
            self.catalog = Catalog(self.home / "catalog.sqlite")
        self.runs_dir = self.home / "runs"
        self.locks_dir = self.home / "locks"
        self._warehouses: dict[str, Warehouse] = {}

    def __repr__(self) -> str:
        names = [e.name for e in self.catalog.experiments()]
        return f"Workspace {str(self.home)!r}: {len(names)} experiments" + (
            f" ({', '.join(names)})" if names else ""
        )

    def warehouse(self, name: str) -> Warehouse:
        """The warehouse ``name`` for this workspace (one instance per name)."""
        from dwsim_nb.warehouses import get_warehouse

        if name not in self._warehouses:
            self._warehouses[name] = get_warehouse(name, self.home)
        return self._warehouses[name]

    def lock(self, experiment: str) -> ExperimentLock:
        return ExperimentLock(self.locks_dir, experiment)

    # --- experiments -------------------------------------------------------------------------

    def import_sql(
        self,
        ddl: str | Path,
        name: str,
        dialect: str = "ansi",
        warehouse: str = "duckdb",
        strict: bool = False,
    ) -> Experiment:
        """Create an experiment from CREATE TABLE statements (text or a .sql file's path)."""
        from dwsim_nb.ddl import import_sql

        source = None
        if isinstance(ddl, Path) or (
            isinstance(ddl, str) and "\n" not in ddl and ddl.endswith(".sql") and Path(ddl).exists()
        ):
            source = str(ddl)
            ddl = Path(ddl).read_text(encoding="utf-8")
        spec = import_sql(
            str(ddl),
            dialect=dialect,
            name=name,
            strict=strict,
            source=source,
            target_warehouse=warehouse,
        )
        return self.create(spec)

    def create(self, spec: Any) -> Experiment:
        """Create an experiment from a spec: dict, JSON/YAML text or path, or ExperimentSpec."""
        from dwsim_nb.spec import parse_spec

        parsed = parse_spec(spec)
        wh = self.warehouse(parsed.target_warehouse)
        with private_umask(), self.lock(parsed.name).hold("create"):
            self.catalog.add_experiment(
                parsed.name,
                parsed.target_warehouse,
                parsed.dialect,
                parsed.to_json(indent=None),
                parsed.fingerprint(),
            )
            try:
                wh.create_tables(parsed)
            except BaseException:
                self.catalog.delete_experiment(parsed.name)
                raise
        return self.experiment(parsed.name)

    def infer(
        self, source: Any, name: str, warehouse: str = "duckdb", **options: Any
    ) -> Experiment:
        """Create an experiment whose spec is inferred from data (see ``dwsim_nb.infer``)."""
        from dwsim_nb.infer import infer_spec

        return self.create(infer_spec(source, name=name, target_warehouse=warehouse, **options))

    def import_bundle(
        self, path: str | Path, name: str | None = None, generate: bool = True
    ) -> Experiment:
        """Create an experiment from a bundle folder and regenerate its data (see
        ``dwsim_nb.bundle``)."""
        from dwsim_nb.bundle import import_bundle

        return import_bundle(self, path, name=name, generate=generate)

    def experiment(self, name: str) -> Experiment:
        return Experiment(self, self.catalog.experiment(name))

    def experiments(self) -> list[Experiment]:
        return [Experiment(self, rec) for rec in self.catalog.experiments()]

    def delete(self, name: str) -> None:
        """Drop the experiment's tables, the side copies ``compare`` loaded on other warehouses,
        its catalog rows and its run files."""
        from dwsim_nb.compare import drop_side_copies

        exp = self.experiment(name)
        with exp.guard("delete"):
            # Before the run folder goes: it holds the record of which warehouses have copies.
            drop_side_copies(exp)
            exp.warehouse.drop(exp.spec)
            self.catalog.delete_experiment(name)
            shutil.rmtree(self.runs_dir / name, ignore_errors=True)


class Experiment:
    """One experiment: its spec, runs and data in a warehouse, queried in its own dialect."""

    def __init__(self, workspace: Workspace, record: ExperimentRecord) -> None:
        self.workspace = workspace
        self._record = record
        self._spec: ExperimentSpec | None = None
        self._spec_version: int | None = None

    # --- what it is --------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def record(self) -> ExperimentRecord:
        """The catalog row, re-read so another process's update shows."""
        self._record = self.workspace.catalog.experiment(self.name)
        return self._record

    @property
    def spec(self) -> ExperimentSpec:
        from dwsim_nb.spec import parse_spec

        rec = self.record
        if self._spec is None or self._spec_version != rec.current_version:
            self._spec = parse_spec(self.workspace.catalog.spec_json(self.name))
            self._spec_version = rec.current_version
        return self._spec

    @property
    def dialect(self) -> str:
        return self._record.dialect

    @property
    def warehouse_name(self) -> str:
        return self._record.warehouse

    @property
    def spec_version(self) -> int:
        return self.record.current_version

    @property
    def warehouse(self) -> Warehouse:
        return self.workspace.warehouse(self.warehouse_name)

    @property
    def runs_dir(self) -> Path:
        return self.workspace.runs_dir / self.name

    # --- locking -----------------------------------------------------------------------------

    @contextmanager
    def guard(self, operation: str) -> Iterator[None]:
        """Hold the experiment's lock for ``operation``; BusyError if another process runs one."""
        catalog = self.workspace.catalog
        catalog.recover_dead_runs(self.name)
        # Files the operation creates (runs, warehouse files, journals) are the user's only.
        with private_umask(), self.workspace.lock(self.name).hold(operation):
            # Holding the lock proves no process on this machine works on the experiment, so a
            # RUNNING run here was left by one that died; one from another machine still counts.
            for run in catalog.runs(self.name):
                if run.status != "RUNNING":
                    continue
                if run.host and run.host != _hostname():
                    raise BusyError(
                        f"experiment {self.name} is being generated by process {run.pid} on "
                        f"{run.host} since {run.started_at}.",
                        hint="wait for it to finish",
                    )
                catalog.finish_run(
                    run.id, "ABORTED", error="the process running it stopped before it finished"
                )
            # Temporary run folders left by a process killed mid-generation.
            for stale in self.runs_dir.glob(".run_*.tmp"):
                shutil.rmtree(stale, ignore_errors=True)
            # A process killed while loading leaves a complete folder for a run that is now
            # ABORTED and can never be loaded: remove it, as a failure in-process does.
            for run in catalog.runs(self.name):
                if run.status in ("ABORTED", "FAILED") and run.path:
                    shutil.rmtree(run.path, ignore_errors=True)
                    catalog.update_run(run.id, path=None)
            yield

    # --- runs --------------------------------------------------------------------------------

    def runs(self) -> list[Run]:
        """Every run, oldest first (runs of processes that died are marked ABORTED first)."""
        self.workspace.catalog.recover_dead_runs(self.name)
        return self.workspace.catalog.runs(self.name)

    def run(self, run_id: int) -> Run:
        self.workspace.catalog.recover_dead_runs(self.name)
        return self.workspace.catalog.run(self.name, run_id)

    def loaded_run(self) -> Run | None:
        """The run whose data is in the warehouse now, if any."""
        return next((r for r in self.runs() if r.loaded), None)

    def generate(
        self,
        rows: dict[str, int] | None = None,
        seed: int | None = None,
        workers: int | None = None,
        load: bool = True,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        executor: Any = None,
        client: Any = None,
    ) -> Run:
        """Generate a run's Parquet files and (unless ``load=False``) load them.

        ``executor="dask"`` with ``client=`` (a ``distributed.Client`` or scheduler address) runs
        the blocks on a Dask cluster whose workers share the workspace's folder.

        A failure or interruption leaves the warehouse and earlier runs as they were; the run is
        recorded FAILED (ABORTED on Ctrl-C) with its error and traceback.
        """
        from dwsim_nb.engine import generate_run

        spec = self.spec
        seed = int(seed) if seed is not None else secrets.randbelow(2**31)
        catalog = self.workspace.catalog
        with self.guard("generate"):
            run = catalog.start_run(self.name, seed, spec.fingerprint(), self.spec_version)
            final = self.runs_dir / f"run_{run.id}"
            # A hidden temporary folder renamed on success: a run folder is always complete.
            tmp = self.runs_dir / f".run_{run.id}.tmp"
            timings: dict[str, float] = {}
            try:
                self.runs_dir.mkdir(parents=True, exist_ok=True)
                t0 = time.perf_counter()
                _stage(progress, "generate")
                manifest = generate_run(
                    spec,
                    tmp,
                    rows=rows,
                    seed=seed,
                    workers=workers,
                    progress=progress,
                    cancel=cancel,
                    executor=executor or "auto",
                    client=client,
                )
                timings.update(_engine_timings(manifest))
                timings["generate"] = round(time.perf_counter() - t0, 4)
                # Pool workers keep the umask they started with; tighten their files too.
                make_private(tmp)
                tmp.rename(final)
                produced = {name: int(t.rows) for name, t in manifest.tables.items()}
                catalog.update_run(run.id, rows=produced, timings=timings, path=str(final))
                if load:
                    _stage(progress, "load")
                    t1 = time.perf_counter()
                    self.warehouse.load(spec, self._plan(final, manifest), progress)
                    timings["load"] = round(time.perf_counter() - t1, 4)
                    catalog.set_loaded(self.name, run.id)
                catalog.finish_run(run.id, "COMPLETED", timings=timings)
            except BaseException as e:
                status = "ABORTED" if isinstance(e, KeyboardInterrupt) else "FAILED"
                catalog.finish_run(
                    run.id,
                    status,
                    error=_one_line(e),
                    traceback=traceback.format_exc(),
                    timings=timings,
                    path=None,
                )
                shutil.rmtree(tmp, ignore_errors=True)
                shutil.rmtree(final, ignore_errors=True)
                if isinstance(e, DwsimError) or not isinstance(e, Exception):
                    raise
                raise GenerationError(
                    f"generating run {run.id} of {self.name} failed: {_one_line(e)}",
                    hint=f"the traceback is kept in the run (`dwsim runs {self.name} --json`)",
                ) from e
        return self.run(run.id)

    def load(self, run_id: int | None = None, progress: Progress | None = None) -> Run:
        """Load a completed run (default: the latest) into the warehouse, replacing its data."""
        catalog = self.workspace.catalog
        with self.guard("load"):
            run = self._completed_run(run_id)
            spec = self.spec
            if run.spec_hash and run.spec_hash != spec.fingerprint():
                raise LoadError(
                    f"run {run.id} was generated from spec version {run.spec_version}, but "
                    f"{self.name} is now at version {self.spec_version}; its tables differ.",
                    hint=f"generate a new run (dwsim generate {self.name})",
                )
            path = Path(run.path or "")
            _stage(progress, "load")
            t0 = time.perf_counter()
            self.warehouse.load(spec, self._plan(path), progress)
            timings = dict(run.timings)
            timings["load"] = round(time.perf_counter() - t0, 4)
            catalog.update_run(run.id, timings=timings)
            catalog.set_loaded(self.name, run.id)
        return self.run(run.id)

    def _completed_run(self, run_id: int | None) -> Run:
        runs = [r for r in self.workspace.catalog.runs(self.name) if r.status == "COMPLETED"]
        if run_id is None:
            if not runs:
                raise NotFoundError(
                    f"experiment {self.name} has no completed run to load.",
                    hint=f"generate one first (dwsim generate {self.name})",
                )
            return runs[-1]
        run = self.workspace.catalog.run(self.name, run_id)
        if run.status != "COMPLETED":
            raise LoadError(
                f"run {run_id} of {self.name} is {run.status}; only COMPLETED runs can be loaded.",
                hint=f"see `dwsim runs {self.name}` for completed runs",
            )
        return run

    def _plan(self, path: Path, manifest: Any = None) -> LoadPlan:
        from dwsim_nb.warehouses import LoadPlan

        if manifest is None:
            if not (path / "manifest.json").exists():
                raise LoadError(
                    f"the run folder {path} is gone or incomplete.",
                    hint=f"generate the data again (dwsim generate {self.name})",
                )
            try:
                from dwsim_nb.engine import Manifest

                manifest = Manifest.read(path)
            except ImportError:
                return LoadPlan.read(path)
        return LoadPlan.from_manifest(manifest, path)

    def reset(self) -> None:
        """Empty every table, keeping the tables; no run is loaded afterwards."""
        with self.guard("reset"):
            self.warehouse.reset(self.spec)
            self.workspace.catalog.set_loaded(self.name, None)

    def update(self, spec: Any) -> Experiment:
        """Store a new spec version and recreate the (empty) tables from it."""
        from dwsim_nb.spec import parse_spec

        new = parse_spec(spec)
        if new.name != self.name:
            new = new.model_copy(update={"name": self.name})
        old = self.spec
        with self.guard("update"):
            old_wh = self.warehouse
            new_wh = self.workspace.warehouse(new.target_warehouse)
            if old_wh is not new_wh:
                old_wh.drop(old)
            new_wh.create_tables(new)
            self.workspace.catalog.add_spec_version(
                self.name,
                new.to_json(indent=None),
                new.fingerprint(),
                new.dialect,
                new.target_warehouse,
            )
        self._record = self.workspace.catalog.experiment(self.name)
        return self

    # --- queries -----------------------------------------------------------------------------

    def query(self, sql: str) -> pd.DataFrame:
        """SQL in the experiment's dialect -> DataFrame of the last statement's rows."""
        # A query may create files too (a table of the user's, DuckDB's WAL).
        with private_umask():
            return self.warehouse.query(self.spec, sql)

    def query_arrow(self, sql: str) -> pa.Table:
        with private_umask():
            return self.warehouse.query_arrow(self.spec, sql)

    def translate(self, sql: str) -> list[str]:
        """The statements the engine runs for ``sql`` (to see what a translation does)."""
        return self.warehouse.translate(self.spec, sql)

    def table_counts(self) -> dict[str, int]:
        return self.warehouse.table_counts(self.spec)

    def compare(
        self, sql: str, warehouses: list[str] | None = None, **options: Any
    ) -> Comparison:
        """Run ``sql`` on several warehouses loaded with the same run and diff the results
        (see ``dwsim_nb.compare``)."""
        from dwsim_nb.compare import compare

        return compare(self, sql, warehouses, **options)

    def export_bundle(self, path: str | Path, run_id: int | None = None) -> Path:
        """Write a folder that regenerates this experiment's data (see ``dwsim_nb.bundle``)."""
        from dwsim_nb.bundle import export_bundle

        return export_bundle(self, path, run_id=run_id)

    def export_query(self, sql: str, path: str | Path) -> Path:
        """Write the query's rows to ``path``: CSV or Parquet by its extension."""
        out = Path(path)
        suffix = out.suffix.lower()
        if suffix not in (".csv", ".parquet", ".pq"):
            raise QueryError(
                f"cannot tell the format of {out.name!r} from its extension.",
                hint="name the file .csv or .parquet",
            )
        table = self.query_arrow(sql)
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            import pyarrow.csv as pcsv

            pcsv.write_csv(table, out)
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, out)
        return out

    def save_query(self, sql: str, path: str | Path) -> Path:
        """Save the query's text to a ``.sql`` file (checked to parse in the dialect first)."""
        from dwsim_nb.warehouses.translate import parse

        out = Path(path)
        if out.suffix.lower() != ".sql":
            raise QueryError(f"{out.name!r} is not a .sql file.", hint="name the file .sql")
        parse(sql, self.dialect)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(sql.rstrip() + "\n", encoding="utf-8")
        return out

    # --- displays ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        rec = self.record
        runs = self.runs()
        loaded = next((r for r in runs if r.loaded), None)
        return {
            "name": self.name,
            "dialect": rec.dialect,
            "warehouse": rec.warehouse,
            "spec_version": rec.current_version,
            "created_at": rec.created_at,
            "updated_at": rec.updated_at,
            "tables": [t.name for t in self.spec.tables],
            "runs": len(runs),
            "loaded_run": loaded.id if loaded else None,
            "loaded_rows": loaded.rows if loaded else {},
            "spec": self.spec.to_dict(),
        }

    def __repr__(self) -> str:
        spec = self.spec
        runs = self.runs()
        lines = [
            f"Experiment {self.name!r}: {self.dialect} SQL on {self.warehouse_name}, "
            f"{len(spec.tables)} tables, spec v{self._record.current_version}"
        ]
        loaded = next((r for r in runs if r.loaded), None)
        for t in spec.tables:
            rows = f"{loaded.rows.get(t.name, 0):,} rows" if loaded else "not loaded"
            lines.append(f"  {t.name} ({len(t.columns)} columns, {rows})")
        if runs:
            last = runs[-1]
            lines.append(f"  {len(runs)} runs; latest: run {last.id} {last.status}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from dwsim_nb.display import experiment_html

        return experiment_html(self)


def _engine_timings(manifest: Any) -> dict[str, float]:
    raw = getattr(manifest, "timings", None) or {}
    out = {}
    for key, value in dict(raw).items():
        if isinstance(value, int | float):
            out[f"engine.{key}"] = round(float(value), 4)
    return out


def _stage(progress: Any, name: str) -> None:
    """Tell a progress display that may show stages ("generate", "load") which one starts.

    The callback contract is ``progress(table, rows_done, rows_total)``; a display that wants
    stages adds an optional ``stage(name)`` method.
    """
    hook = getattr(progress, "stage", None)
    if callable(hook):
        hook(name)


def _one_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return " ".join(text.split())


def _hostname() -> str:
    import socket

    return socket.gethostname()
