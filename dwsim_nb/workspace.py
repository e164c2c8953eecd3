"""The facade every shell calls: ``Workspace``, ``Experiment`` and the verbs that store nothing.

    ws = Workspace()                                   # $DWSIM_HOME, else ./.dwsim
    exp = ws.import_sql(ddl, name="tickit", dialect="redshift")
    run = exp.generate(rows={"users": 10_000}, seed=42)
    exp.query("select top 5 * from users")

A workspace folder holds ``catalog.sqlite``, the embedded warehouse files and ``runs/<experiment>/
run_<id>/`` (a run's Parquet and manifest). :class:`Experiment` lives in
:mod:`dwsim_nb.experiment`. The shells (CLI, magics, widgets) reach the engine, the warehouses,
DDL import and inference only through this module; see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.catalog import Catalog
from dwsim_nb.errors import CatalogError
from dwsim_nb.experiment import Experiment
from dwsim_nb.locks import ExperimentLock
from dwsim_nb.private import private_umask

if TYPE_CHECKING:
    from dwsim_nb.compare import Translation
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.warehouses import Warehouse

__all__ = [
    "Experiment",
    "Workspace",
    "default_home",
    "fit_workload",
    "import_sql",
    "infer_spec",
    "scheduler_address",
    "translate",
    "warehouse_names",
]


def default_home() -> Path:
    return Path(os.environ.get("DWSIM_HOME") or ".dwsim")


def _make_home(home: Path) -> None:
    """Create the workspace folder (user-only: its data may imitate production schemas), or
    say in words why it cannot be one."""
    hint = "point DWSIM_HOME (or --home) at a folder you can write, e.g. ~/dwsim"
    try:
        if not home.exists():
            home.mkdir(parents=True, mode=0o700)
            home.chmod(0o700)
        elif not home.is_dir():
            raise CatalogError(
                "the workspace path exists and is not a folder.", where=str(home), hint=hint
            )
    except (OSError, ValueError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise CatalogError(
            f"cannot use this path as the workspace folder: {reason}.", where=str(home), hint=hint
        ) from None


class Workspace:
    """A folder of experiments, their runs and their embedded warehouses."""

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = Path(home if home is not None else default_home()).expanduser().absolute()
        with private_umask():
            _make_home(self.home)
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
        encoding: str = "utf-8",
        workload: Any = None,
    ) -> Experiment:
        """Create an experiment from CREATE TABLE statements (text or a .sql file's path, read
        as ``encoding``); ``workload``: its queries (see ``Experiment.set_workload``)."""
        from dwsim_nb.ddl import import_sql
        from dwsim_nb.limits import MAX_SQL_BYTES, read_text

        source = None
        if isinstance(ddl, Path) or (
            isinstance(ddl, str) and "\n" not in ddl and ddl.endswith(".sql") and Path(ddl).exists()
        ):
            source = str(ddl)
            ddl = read_text(ddl, what="DDL file", limit=MAX_SQL_BYTES, encoding=encoding)
        spec = import_sql(
            str(ddl),
            dialect=dialect,
            name=name,
            strict=strict,
            source=source,
            target_warehouse=warehouse,
        )
        if workload is None:
            return self.create(spec)
        # Fitted before the experiment exists: a workload that cannot be read creates nothing.
        return self.create(fit_workload(spec, workload))

    def create(self, spec: Any, strict: bool = False) -> Experiment:
        """Create an experiment from a spec: dict, JSON/YAML text or path, or ExperimentSpec.

        Fields the format does not know (the original dw-simulator's ``expected_start`` ...)
        are ignored and listed in the spec's warnings; ``strict=True`` refuses them."""
        from dwsim_nb.spec import parse_spec

        parsed = parse_spec(spec, strict=strict)
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
        from dwsim_nb.bundle import check_regenerated, read_bundle

        spec, info = read_bundle(path)
        if name:
            spec = spec.model_copy(update={"name": name})
        exp = self.create(spec)
        if generate:
            # The same seed, rows and block size give the same contents: check that they did.
            run = exp.generate(
                rows=dict(info["rows"]), seed=int(info["seed"]), today=info.get("today")
            )
            check_regenerated(path, info, run.path or "")
        return exp

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


# --- verbs that store nothing ------------------------------------------------------------------


def import_sql(sql: str, dialect: str = "ansi", **options: Any) -> ExperimentSpec:
    """Read CREATE TABLE DDL into an ExperimentSpec (nothing is stored)."""
    from dwsim_nb.ddl import import_sql as read_ddl

    return read_ddl(sql, dialect=dialect, **options)


def infer_spec(source: Any, name: str, **options: Any) -> ExperimentSpec:
    """Infer an ExperimentSpec from data (nothing is stored; see ``dwsim_nb.infer``)."""
    from dwsim_nb.infer import infer_spec as infer

    return infer(source, name=name, **options)


def translate(sql: str, from_dialect: str, to_dialect: str) -> Translation:
    """``sql`` written for ``from_dialect`` as ``to_dialect`` SQL, with notes on what changes."""
    from dwsim_nb.compare import translate as translate_sql

    return translate_sql(sql, from_dialect, to_dialect)


def scheduler_address(text: str | None, *, where: str | None = None) -> str | None:
    """A Dask scheduler address checked for its shape (None when empty), before a run starts."""
    from dwsim_nb.engine.dask_executor import scheduler_address as checked

    return checked(text, where=where)


def warehouse_names() -> list[str]:
    """The warehouses an experiment may use (each one's module loads when first used)."""
    from dwsim_nb.warehouses import WAREHOUSES

    return list(WAREHOUSES)


def fit_workload(spec: ExperimentSpec, workload: Any, **options: Any) -> ExperimentSpec:
    """``spec`` with ``workload``'s queries (text, .sql files, folders) and the rules they need
    (nothing is stored; see ``Experiment.set_workload``)."""
    from dwsim_nb.workload import fit_workload as fit
    from dwsim_nb.workload import read_workload

    queries = read_workload(workload, spec.dialect)
    return fit(spec.model_copy(update={"workload": queries}), **options)
