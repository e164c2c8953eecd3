"""Which install brings an optional piece: the extra to name when an import fails.

Shells turn an ImportError of one of these modules into one line naming the extra
(``pip install 'dwsim-nb[postgres]'``) instead of a traceback; core code that checks for a piece
up front words its hint with :func:`install_hint`.
"""

from __future__ import annotations

import importlib.util
import sys

from dwsim_nb.errors import DwsimError

#: top-level import name -> the extra of dwsim-nb that installs it
EXTRAS: dict[str, str] = {
    "psycopg": "postgres",
    "psycopg_binary": "postgres",
    "fakesnow": "snowflake",
    "snowflake": "snowflake",
    "boto3": "s3",
    "botocore": "s3",
    "dask": "dask",
    "distributed": "dask",
    "voila": "ui",
    "jupyterlab": "lab",
}

#: pieces of the default install (the notebook toolkit): a plain install brings them back
DEFAULT_INSTALL: dict[str, str] = {
    "IPython": "ipython",
    "ipykernel": "ipykernel",
    "ipywidgets": "ipywidgets",
    "sql": "jupysql",
    "matplotlib": "matplotlib",
    "duckdb_engine": "duckdb-engine",
}

#: what each warehouse's own packages come with
WAREHOUSE_EXTRAS: dict[str, str] = {
    "postgres": "postgres",
    "redshift": "postgres",
    "snowflake": "snowflake",
}


def install_hint(module: str | None, fallback: str | None = None) -> str | None:
    """``pip install 'dwsim-nb[EXTRA]'`` for a missing ``module`` (dotted names by their top
    level); ``fallback`` (an extra) when the module is not a known optional piece."""
    top = (module or "").split(".", 1)[0]
    extra = EXTRAS.get(top) or fallback
    if extra:
        return f"pip install 'dwsim-nb[{extra}]'"
    if top in DEFAULT_INSTALL:
        return f"pip install dwsim-nb (its default install brings {DEFAULT_INSTALL[top]})"
    return None


def missing_piece(err: ImportError, where: str) -> DwsimError | None:
    """The one-line error for ``err`` when it names an optional piece, else None (a real bug,
    left to show as it is)."""
    module = getattr(err, "name", None) or ""
    hint = install_hint(module)
    if hint is None:
        return None
    top = module.split(".", 1)[0]
    return DwsimError(f"{top} is not installed.", where=where, hint=hint)


def available(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, where: str) -> None:
    """Refuse before any work starts when an optional ``module`` is missing."""
    if not available(module):
        raise DwsimError(f"{module} is not installed.", where=where, hint=install_hint(module))
