"""Warehouses: one module per target behind the ``Warehouse`` interface.

    wh = get_warehouse("duckdb", home)
    wh.create_tables(spec); wh.load(spec, LoadPlan.read(run_dir)); wh.query(spec, "select 1")

Targets register here by name; a module is imported only when its warehouse is asked for.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from dwsim_nb.dialects import UnknownDialectError, warehouse_name
from dwsim_nb.errors import WarehouseError
from dwsim_nb.warehouses.base import LoadPlan, TableFiles, Warehouse

__all__ = ["WAREHOUSES", "LoadPlan", "TableFiles", "Warehouse", "get_warehouse", "register"]

# name -> "module:Class", one per warehouse of dialects.WAREHOUSE_NAMES (the test suite checks
# they agree); register() adds a target of another package.
WAREHOUSES: dict[str, str] = {
    "duckdb": "dwsim_nb.warehouses.duckdb:DuckDBWarehouse",
    "sqlite": "dwsim_nb.warehouses.sqlite:SQLiteWarehouse",
    "postgres": "dwsim_nb.warehouses.postgres:PostgresWarehouse",
    "redshift": "dwsim_nb.warehouses.redshift:RedshiftWarehouse",
    "snowflake": "dwsim_nb.warehouses.snowflake:SnowflakeWarehouse",
}


def register(name: str, target: str) -> None:
    """Make ``get_warehouse(name, ...)`` build ``target`` ("package.module:Class")."""
    WAREHOUSES[name] = target


def get_warehouse(name: str, workspace_home: str | Path, **options: Any) -> Warehouse:
    """The warehouse called ``name`` for the workspace at ``workspace_home``."""
    target = WAREHOUSES.get(name.lower())
    if target is None:
        try:  # another spelling of a built-in warehouse (PostgreSQL, pg ...)
            name = warehouse_name(name)
        except UnknownDialectError as e:
            raise WarehouseError(e.message, hint=e.hint) from None
        target = WAREHOUSES[name]
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise WarehouseError(
            f"the {name} warehouse needs a package that is not installed ({e.name}).",
            hint=f"pip install 'dwsim-nb[{name}]'",
        ) from None
    cls = getattr(module, class_name)
    return cls(Path(workspace_home), **options)  # type: ignore[no-any-return]
