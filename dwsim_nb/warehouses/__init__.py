"""Warehouses: one module per target behind the ``Warehouse`` interface.

    wh = get_warehouse("duckdb", home)
    wh.create_tables(spec); wh.load(spec, LoadPlan.read(run_dir)); wh.query(spec, "select 1")

Targets register here by name; a module is imported only when its warehouse is asked for. Where a
name stands for an emulator and the real service (``redshift``, ``snowflake``), the options and the
URL pick one of two classes (:func:`target_for`).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dwsim_nb.dialects import UnknownDialectError, warehouse_name
from dwsim_nb.errors import WarehouseError
from dwsim_nb.extras import WAREHOUSE_EXTRAS, install_hint
from dwsim_nb.warehouses.base import LoadPlan, TableFiles, Warehouse

__all__ = [
    "SERVICES",
    "WAREHOUSES",
    "LoadPlan",
    "Service",
    "TableFiles",
    "Warehouse",
    "get_warehouse",
    "register",
    "target_for",
]

# name -> "module:Class", one per warehouse of dialects.WAREHOUSE_NAMES (a test checks they
# agree); register() adds a target of another package. For a name with an entry in SERVICES
# this is the emulator, the default.
WAREHOUSES: dict[str, str] = {
    "duckdb": "dwsim_nb.warehouses.duckdb:DuckDBWarehouse",
    "sqlite": "dwsim_nb.warehouses.sqlite:SQLiteWarehouse",
    "postgres": "dwsim_nb.warehouses.postgres:PostgresWarehouse",
    "redshift": "dwsim_nb.warehouses.redshift:RedshiftEmulator",
    "snowflake": "dwsim_nb.warehouses.snowflake:SnowflakeEmulator",
}


@dataclass(frozen=True)
class Service:
    """The real service an emulator in ``WAREHOUSES`` stands in for, and the URLs that mean it."""

    #: "module:Class" of the real service
    target: str
    #: URL schemes (before any ``+driver``) that name the real service
    schemes: tuple[str, ...]
    #: environment variable read for the URL when no ``url=`` option is given; None when the
    #: emulator needs no URL, so a variable meant for the service alone never swaps the default
    url_env: str | None = None


SERVICES: dict[str, Service] = {
    # The emulator runs on a PostgreSQL server, so the URL's scheme says which one is meant.
    "redshift": Service(
        "dwsim_nb.warehouses.redshift:RedshiftCluster", ("redshift",), "DWSIM_REDSHIFT_URL"
    ),
    # The emulator is a file in the workspace; a snowflake:// URL passed as url= means an account.
    "snowflake": Service("dwsim_nb.warehouses.snowflake:SnowflakeAccount", ("snowflake",)),
}


def register(name: str, target: str, service: Service | None = None) -> None:
    """Make ``get_warehouse(name, ...)`` build ``target`` ("package.module:Class"), or the real
    ``service`` when the options or the URL ask for it."""
    WAREHOUSES[name] = target
    if service is None:
        SERVICES.pop(name, None)
    else:
        SERVICES[name] = service


def target_for(name: str, options: dict[str, Any]) -> str:
    """The "module:Class" that ``get_warehouse(name, **options)`` builds.

    For a name with a real service: ``emulated=True/False`` decides if given, else the URL
    (``url=``, else the service's environment variable) with one of the service's schemes picks
    the service, anything else the emulator.
    """
    target = WAREHOUSES.get(name)
    if target is None:
        known = ", ".join(sorted(WAREHOUSES))
        raise WarehouseError(f"unknown warehouse {name!r}.", hint=f"use one of: {known}")
    service = SERVICES.get(name)
    if service is None:
        return target
    if options.get("emulated") is not None:
        return target if options["emulated"] else service.target
    url = options.get("url") or (os.environ.get(service.url_env) if service.url_env else None)
    scheme = str(url or "").split("://", 1)[0].split("+", 1)[0].lower()
    return service.target if url and scheme in service.schemes else target


def get_warehouse(name: str, workspace_home: str | Path, **options: Any) -> Warehouse:
    """The warehouse called ``name`` for the workspace at ``workspace_home``."""
    if name.lower() not in WAREHOUSES:
        try:  # another spelling of a built-in warehouse (PostgreSQL, pg ...)
            name = warehouse_name(name)
        except UnknownDialectError as e:
            raise WarehouseError(e.message, hint=e.hint) from None
    target = target_for(name.lower(), options)
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise WarehouseError(
            f"the {name} warehouse needs a package that is not installed ({e.name}).",
            hint=install_hint(e.name, WAREHOUSE_EXTRAS.get(name.lower(), name)),
        ) from None
    cls = getattr(module, class_name)
    return cls(Path(workspace_home), **options)  # type: ignore[no-any-return]
