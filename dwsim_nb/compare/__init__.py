"""Dialect migration checks: one query, several warehouses loaded with the same run, a diff.

    cmp = exp.compare("select status, count(*) from orders group by 1 order by 1",
                      warehouses=["duckdb", "redshift"])
    cmp.same; cmp.differences; cmp.cells; cmp.frames["redshift"]
    translate("select top 3 * from users", "redshift", "snowflake")

Each warehouse gets a side copy of the experiment (the same spec under the name
``<experiment>__cmp``, so its own schema) loaded with the run being compared; the experiment's
own tables are never touched. A side copy is reloaded only when it holds another run.

``mode="translate"`` (default) reads the query in the experiment's dialect and lets each
warehouse translate it, as ``exp.query`` does: differences are where a translation or an engine
changes the meaning. ``mode="as_is"`` reads the same text in each warehouse's own dialect, as a
team that moves its SQL files to the new warehouse unchanged would run it.
"""

from __future__ import annotations

import contextlib
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlglot import exp as sqlexp

from dwsim_nb.compare.diff import Cell, Difference, diff_tables
from dwsim_nb.compare.report import Comparison
from dwsim_nb.compare.translation import Translation, translate
from dwsim_nb.errors import DwsimError, QueryError
from dwsim_nb.warehouses.translate import parse

if TYPE_CHECKING:
    import pyarrow as pa

    from dwsim_nb.run import Run
    from dwsim_nb.spec import ExperimentSpec
    from dwsim_nb.warehouses import LoadPlan, Warehouse

__all__ = [
    "Cell",
    "Compared",
    "Comparison",
    "Difference",
    "Translation",
    "compare",
    "drop_side_copies",
    "translate",
]

SIDE_SUFFIX = "__cmp"
_MODES = ("translate", "as_is")


class Warehouses(Protocol):
    def warehouse(self, name: str) -> Warehouse: ...


class Compared(Protocol):
    """What a comparison uses of an experiment (:class:`dwsim_nb.experiment.Experiment`)."""

    @property
    def name(self) -> str: ...
    @property
    def dialect(self) -> str: ...
    @property
    def warehouse_name(self) -> str: ...
    @property
    def spec(self) -> ExperimentSpec: ...
    @property
    def runs_dir(self) -> Path: ...
    @property
    def workspace(self) -> Warehouses: ...
    def guard(self, operation: str) -> AbstractContextManager[None]: ...
    def _completed_run(self, run_id: int | None) -> Run: ...
    def _plan(self, path: Path, manifest: Any = None) -> LoadPlan: ...


def side_spec(exp: Compared, wh: Warehouse, mode: str) -> ExperimentSpec:
    """The experiment's spec under its side-copy name (and, as is, the warehouse's dialect)."""
    update: dict[str, Any] = {"name": exp.name + SIDE_SUFFIX}
    if mode == "as_is":
        update["dialect"] = wh.dialect
    return exp.spec.model_copy(update=update)


def _marker(exp: Compared) -> Path:
    return exp.runs_dir / "compare_copies.json"


def _loaded(exp: Compared) -> dict[str, Any]:
    try:
        return dict(json.loads(_marker(exp).read_text()))
    except (OSError, ValueError):
        return {}


def ensure_loaded(exp: Compared, wh: Warehouse, spec: ExperimentSpec, run: Run) -> None:
    """Load ``run`` into the warehouse's side copy unless it holds that run already."""
    # One side copy per warehouse whatever the mode: the data is the same, only the dialect
    # queries are read in differs.
    key = wh.name
    state = _loaded(exp)
    stamp = {"run": run.id, "spec": exp.spec.fingerprint()}
    if state.get(key) == stamp and wh.exists(spec) and wh.table_counts(spec) == run.rows:
        return
    with exp.guard("compare"):
        wh.create_tables(spec)
        wh.load(spec, exp._plan(_run_dir(exp, run)))
        state = _loaded(exp)
        state[key] = stamp
        exp.runs_dir.mkdir(parents=True, exist_ok=True)
        _marker(exp).write_text(json.dumps(state))


def _run_dir(exp: Compared, run: Run) -> Path:
    return Path(run.path or exp.runs_dir / f"run_{run.id}")


def order_keys(sql: str, dialect: str, columns: list[str]) -> list[int] | None:
    """Result positions of the last statement's ORDER BY keys (None: no ORDER BY)."""
    tree = parse(sql, dialect)[-1]
    order = tree.args.get("order") if isinstance(tree, sqlexp.Query) else None
    if order is None:
        return None
    names = [c.lower() for c in columns]
    selects = (
        [e.alias_or_name.lower() for e in tree.selects] if isinstance(tree, sqlexp.Query) else []
    )
    keys: list[int] = []
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, sqlexp.Literal) and key.is_int:
            keys.append(int(key.name) - 1)
        elif isinstance(key, sqlexp.Column | sqlexp.Identifier) and key.name.lower() in names:
            keys.append(names.index(key.name.lower()))
        elif key.alias_or_name.lower() in selects:
            keys.append(selects.index(key.alias_or_name.lower()))
        else:
            return []  # a key outside the result: compare whole rows in order
    return [k for k in keys if 0 <= k < len(columns)]


def compare(
    exp: Compared,
    sql: str,
    warehouses: list[str] | None = None,
    *,
    run_id: int | None = None,
    mode: str = "translate",
    float_tol: float = 1e-9,
) -> Comparison:
    """Run ``sql`` on each warehouse (the first is the reference) and diff the results."""
    names = list(dict.fromkeys(warehouses or [exp.warehouse_name, "sqlite"]))
    if len(names) < 2:
        raise QueryError(
            "a comparison needs two or more warehouses.",
            where=f"experiment {exp.name}",
            hint="pass warehouses=['duckdb', 'sqlite'] (or redshift, snowflake, postgres)",
        )
    if mode not in _MODES:
        raise QueryError(f"unknown mode {mode!r}.", hint="use mode='translate' or mode='as_is'")
    run = exp._completed_run(run_id)
    parse(sql, exp.dialect)  # a syntax error is the user's, not a difference between warehouses
    result = Comparison(sql=sql, experiment=exp.name, dialect=exp.dialect, mode=mode, run_id=run.id)
    for name in names:
        wh = exp.workspace.warehouse(name)
        spec = side_spec(exp, wh, mode)
        result.warehouses.append(name)
        result.dialects[name] = spec.dialect
        try:
            ensure_loaded(exp, wh, spec, run)
            result.statements[name] = wh.translate(spec, sql)
            result.tables[name] = wh.query_arrow(spec, sql)
        except DwsimError as e:
            result.errors[name] = str(e)
    _diff(result, float_tol)
    # Likely causes: the known hazards between the query's dialect and each engine that ran it
    # (as is: between the reference warehouse's dialect and each other's).
    for name in names if mode == "translate" else names[1:]:
        src = exp.dialect if mode == "translate" else result.dialects[names[0]]
        dst = _engine(exp, name) if mode == "translate" else result.dialects[name]
        if src == dst:
            continue
        # Notes are a courtesy; the diff above is the answer.
        with contextlib.suppress(DwsimError):
            result.notes.extend(n for n in translate(sql, src, dst).notes if n not in result.notes)
    return result


def _engine(exp: Compared, name: str) -> str:
    return str(exp.workspace.warehouse(name).engine_dialect)


def _diff(result: Comparison, tol: float) -> None:
    ref = result.warehouses[0]
    for name in result.warehouses:
        if name in result.errors:
            result.differences.append(Difference("error", name, result.errors[name]))
    base: pa.Table | None = result.tables.get(ref)
    if base is None:
        return
    dialect = result.dialects[ref] if result.mode == "as_is" else result.dialect
    keys = order_keys(result.sql, dialect, base.column_names)
    for name in result.warehouses[1:]:
        other = result.tables.get(name)
        if other is None:
            continue
        diffs, cells = diff_tables(ref, base, name, other, tol=tol, order_keys=keys)
        result.differences.extend(diffs)
        result.cells.extend(cells)


def drop_side_copies(exp: Compared) -> None:
    """Drop the side copies this module made for ``exp`` in every warehouse it used."""
    for name in _loaded(exp):
        wh = exp.workspace.warehouse(name)
        spec = exp.spec.model_copy(update={"name": exp.name + SIDE_SUFFIX})
        if wh.exists(spec):
            wh.drop(spec)
    _marker(exp).unlink(missing_ok=True)
