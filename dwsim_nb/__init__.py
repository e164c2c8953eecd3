"""dwsim_nb: a data warehouse simulator that lives in Jupyter.

    import dwsim_nb as dw
    ws = dw.Workspace()
    exp = ws.import_sql(ddl, name="tickit", dialect="redshift")
    exp.generate(rows={"users": 10_000}, seed=42)
    exp.query("select top 5 * from users")
"""

from __future__ import annotations

from typing import Any

from dwsim_nb.errors import (
    BusyError,
    CatalogError,
    DDLError,
    DwsimError,
    GenerationError,
    LoadError,
    NotFoundError,
    QueryError,
    SpecError,
    WarehouseError,
)
from dwsim_nb.spec import ExperimentSpec, parse_spec, spec_json_schema
from dwsim_nb.version import __version__ as __version__

__all__ = [
    "BusyError",
    "CatalogError",
    "DDLError",
    "DwsimError",
    "Experiment",
    "ExperimentSpec",
    "GenerationError",
    "LoadError",
    "NotFoundError",
    "QueryError",
    "SpecError",
    "WarehouseError",
    "Workspace",
    "import_sql",
    "parse_spec",
    "spec_json_schema",
]


def import_sql(sql: str, dialect: str = "ansi", **kwargs: Any) -> ExperimentSpec:
    """Read CREATE TABLE DDL into an ExperimentSpec (pure: nothing is stored)."""
    from dwsim_nb.ddl import import_sql as _import_sql

    return _import_sql(sql, dialect=dialect, **kwargs)


def __getattr__(name: str) -> Any:
    # Heavy pieces load on first use so `import dwsim_nb` stays fast.
    if name == "Workspace":
        from dwsim_nb.workspace import Workspace

        return Workspace
    if name == "Experiment":
        from dwsim_nb.experiment import Experiment

        return Experiment
    if name == "load_ipython_extension":
        from dwsim_nb.magics_workload import load_ipython_extension

        return load_ipython_extension
    raise AttributeError(name)
