"""Everything this project knows about fakesnow's internals lives here (pinned: fakesnow 0.12.1).

The Snowflake emulator (:mod:`dwsim_nb.warehouses.snowflake`) goes through these functions only:
opening a persisted database without ``fakesnow.patch()``, the DuckDB connection under a fakesnow
connection, where ``PUT`` copies files, and the names fakesnow cannot hold. fakesnow is imported
inside the functions: it is heavy, and only the emulator needs it. SQL that fakesnow mis-runs is
repaired before it gets here (:mod:`dwsim_nb.warehouses.snowflake_rewrites`).
"""

from __future__ import annotations

import functools
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import WarehouseError

if TYPE_CHECKING:
    from dwsim_nb.spec import ExperimentSpec

FAKESNOW_VERSION = "0.12.1"

# Experiment names the emulator's stage paths and PUT URLs survive (see check_names).
_PLAIN_NAME = re.compile(r"^[\w$]+$")


@functools.cache
def require() -> None:
    """Refuse early when fakesnow is missing or of a version whose internals differ."""
    try:
        version = metadata.version("fakesnow")
    except metadata.PackageNotFoundError:
        raise WarehouseError(
            "the snowflake warehouse needs fakesnow, which is not installed.",
            hint="pip install 'dwsim-nb[snowflake]'",
        ) from None
    if not version.startswith("0.12."):
        # FakeSnow's constructor, the connection's DuckDB handle and the stage folder move
        # between minor versions.
        raise WarehouseError(
            f"fakesnow {version} is installed, but dwsim_nb works with fakesnow "
            f"{FAKESNOW_VERSION}.",
            hint=f'pip install "fakesnow[server]=={FAKESNOW_VERSION}"',
        )
    try:
        import fakesnow.instance  # noqa: F401
    except ImportError as e:
        # e.g. snowflake-connector-python 5, which removed a module fakesnow imports.
        raise WarehouseError(
            f"fakesnow is installed but cannot be imported: {e}.",
            hint="install the versions in constraints.txt (snowflake-connector-python < 5)",
        ) from None


def database_file(db_path: Path, database: str) -> Path:
    """The DuckDB file fakesnow persists ``database`` in (one file per database)."""
    return Path(db_path) / f"{database}.db"


def open_connection(db_path: Path, database: str) -> tuple[Any, Callable[[], None]]:
    """A fakesnow connection on the database persisted under ``db_path``, and how to close it.

    A ``FakeSnow`` instance rather than ``fakesnow.patch()``: patching replaces
    ``snowflake.connector.connect`` for the whole process, which would silently fake a real
    Snowflake connection opened in the same notebook kernel.
    """
    require()
    from fakesnow.instance import FakeSnow

    fake = FakeSnow(db_path=db_path)
    try:
        conn = fake.connect(database=database)
    except BaseException:
        fake.duck_conn.close()
        raise

    def close() -> None:
        conn.close()
        fake.duck_conn.close()

    return conn, close


def is_locked(exc: BaseException) -> bool:
    """Whether opening failed because another process holds the database file."""
    import duckdb

    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


@contextmanager
def quiet() -> Iterator[None]:
    """fakesnow fetches through DuckDB's DB-API, and DuckDB warns about the extra copy."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        yield


def duckdb_of(conn: Any) -> Any:
    """The DuckDB connection under a fakesnow connection.

    fakesnow keeps stages and load history in a second DuckDB database, and a DuckDB transaction
    may write to one database only; a transaction over the experiment's tables alone is opened
    here, below fakesnow.
    """
    return conn._duck_conn


def remove_stage_files(schema: str, stage: str) -> None:
    """``PUT`` copies files into a process-wide temporary folder
    (``<bucket>/<database>/<schema>/<stage>``); remove a stage's copies."""
    from fakesnow.transforms.stage import LOCAL_BUCKET_PATH

    for path in Path(LOCAL_BUCKET_PATH).glob("*/*/*"):
        if path.name.upper() == stage.upper() and path.parent.name.upper() == schema.upper():
            shutil.rmtree(path, ignore_errors=True)


def check_names(spec: ExperimentSpec) -> None:
    """Refuse, before anything is created, names fakesnow fails on deep inside.

    fakesnow records every column in its information schema with an unescaped string literal,
    and reads stage paths (@schema.stage/...) and PUT file URLs with a loose parser: a single quote
    in any name, or anything but letters, digits, _ and $ in the experiment's (the schema's and
    the run folder's) name, fails inside the emulator.
    """
    if not _PLAIN_NAME.match(spec.name):
        raise WarehouseError(
            f"the Snowflake emulator cannot hold an experiment named {spec.name!r}; it "
            "needs letters, digits, _ or $ only.",
            where="experiment",
            hint="rename the experiment (e.g. with _ for spaces and punctuation)",
        )
    for table in spec.tables:
        for name in (table.name, *(c.name for c in table.columns)):
            if "'" in name:
                raise WarehouseError(
                    f"the Snowflake emulator cannot hold the name {name!r} (it contains a "
                    "single quote).",
                    where=f"table '{table.name}'",
                    hint="rename it, or use the duckdb warehouse for this experiment",
                )
            if any(not ch.isascii() and ch.upper() != ch.lower() for ch in name):
                # COPY INTO upper-cases the file's column names and DuckDB folds only ASCII
                # case when it matches them, so "Ünï" never finds its column.
                raise WarehouseError(
                    f"the Snowflake emulator cannot load a column or table named {name!r} "
                    "(non-ASCII letters with upper and lower case).",
                    where=f"table '{table.name}'",
                    hint="use ASCII letters (caseless scripts such as 表 work), or the "
                    "duckdb warehouse for this experiment",
                )
