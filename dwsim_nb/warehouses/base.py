"""The ``Warehouse`` interface every target implements, and what a load reads.

A warehouse holds each experiment apart (a schema, an attached file, a database) and knows five
verbs: create the tables from the spec, load a run's Parquet in one transaction and reconcile the
row counts, reset (empty the tables), drop, and query in the experiment's dialect. What differs
between targets is said by capability attributes, not by ``if name == ...`` in callers.
"""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dwsim_nb.dialects import by_name
from dwsim_nb.errors import LoadError, WarehouseError
from dwsim_nb.staging import read_run_manifest
from dwsim_nb.warehouses.names import physical_name
from dwsim_nb.warehouses.result_names import quoted_result_names, warehouse_result_names
from dwsim_nb.warehouses.results import arrow_to_frame
from dwsim_nb.warehouses.tables import create_table_sql, qualified
from dwsim_nb.warehouses.translate import context_for, parse, translate

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from dwsim_nb.spec import ExperimentSpec, Table
    from dwsim_nb.warehouses.staged import StagedLoad

# progress(table, rows_done, rows_total), the same shape the engine reports generation with.
Progress = Callable[[str, int, int], None]
T = TypeVar("T")

# How long opening waits for another process that holds a warehouse without shared access.
LOCK_WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class TableFiles:
    """One table of a run: the row count the generator wrote and its Parquet files."""

    rows: int
    files: tuple[Path, ...]


@dataclass(frozen=True)
class LoadPlan:
    """What to load: per table, the expected rows and the files (read from a run's manifest)."""

    run_dir: Path
    tables: dict[str, TableFiles] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, manifest: Any, run_dir: Path) -> LoadPlan:
        """From an engine ``Manifest`` (``tables: {name: TableOutput(rows, files)}``)."""
        tables = {}
        for name, out in manifest.tables.items():
            rows = out["rows"] if isinstance(out, dict) else out.rows
            files = out["files"] if isinstance(out, dict) else out.files
            tables[name] = TableFiles(int(rows), tuple(_resolve(run_dir, f) for f in files))
        return cls(Path(run_dir), tables)

    @classmethod
    def read(cls, run_dir: Path) -> LoadPlan:
        """From ``run_dir/manifest.json``."""
        data = read_run_manifest(run_dir)

        class _M:
            tables = data.get("tables") or {}

        return cls.from_manifest(_M, Path(run_dir))

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def name_like_warehouse(table: pa.Table, sql: str, dialect: str) -> pa.Table:
    """``table`` with its columns named as ``dialect``'s warehouse would name the result of
    ``sql``'s last statement (the user's quoted names kept)."""
    if by_name(dialect).folding == "none":
        return table
    try:
        quoted = quoted_result_names(parse(sql, dialect, strict=False)[-1])
    except Exception:  # the statement ran; naming only follows the warehouse where it can
        quoted = set()
    names = warehouse_result_names(list(table.column_names), dialect, quoted)
    return table if names == list(table.column_names) else table.rename_columns(names)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (drivers append context and SQL we do not repeat)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def count_rows(con: Any, target: str) -> int:
    """``SELECT count(*)`` of ``target`` on a DB-API connection whose ``execute`` returns a
    cursor (DuckDB, sqlite3, psycopg): loads reconcile with it and ``table_counts`` reports it."""
    row = con.execute(f"SELECT count(*) FROM {target}").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def load_transaction(
    con: Any,
    engine: str,
    run_dir: Path,
    begin: str = "BEGIN",
    describe: Callable[[BaseException], str] = first_line,
) -> Iterator[None]:
    """One transaction around a load on a DB-API connection: COMMIT when the body finishes,
    ROLLBACK on any error, which surfaces as a LoadError saying nothing was changed."""
    con.execute(begin)
    try:
        yield
        con.execute("COMMIT")
    except LoadError:
        _rollback(con)
        raise
    except Exception as e:
        _rollback(con)
        raise LoadError(
            f"loading into {engine} failed, nothing was changed: {describe(e)}",
            where=str(run_dir),
            hint="the run's files may not match the spec; generate the data again",
        ) from None


def _rollback(con: Any) -> None:
    # A COMMIT that failed has already ended the transaction (DuckDB checks keys added in the
    # transaction there); the error worth reporting is the one that got us here.
    with contextlib.suppress(Exception):
        con.execute("ROLLBACK")


def _resolve(run_dir: Path, f: Any) -> Path:
    p = Path(f)
    return p if p.is_absolute() else Path(run_dir) / p


class Warehouse(ABC):
    """A place an experiment's tables live. Subclasses: one module per target."""

    #: registry name (``get_warehouse(name, ...)``)
    name: ClassVar[str]
    #: the SQL dialect people write for this warehouse
    dialect: ClassVar[str]
    #: the dialect of the engine that actually runs the SQL and types the tables (an emulator
    #: may differ from ``dialect``)
    engine_dialect: ClassVar[str]
    #: whether FOREIGN KEY clauses are declared in the tables it creates (``create_sql``)
    declares_foreign_keys: ClassVar[bool] = False
    #: whether several processes may hold the warehouse open at once; without it, opening waits
    #: for another process to let go and then refuses (``open_exclusive``)
    shared_access: ClassVar[bool] = False
    #: whether the engine matches schema names without regard to case (``names.physical_name``)
    names_ignore_case: ClassVar[bool] = True
    #: the longest schema name the engine keeps, in UTF-8 bytes (None: no limit)
    max_name_bytes: ClassVar[int | None] = None
    #: schema names the engine (or this package) keeps for itself, and reserved prefixes
    own_schemas: ClassVar[frozenset[str]] = frozenset()
    own_prefixes: ClassVar[tuple[str, ...]] = ()
    #: whether ARRAY columns with an element type are the engine's own arrays (where its
    #: dialect has them) rather than its JSON-like type (the Redshift emulator's SUPER)
    native_arrays: ClassVar[bool] = True

    def __init__(self, home: Path, **options: Any) -> None:
        self.home = Path(home)
        self.options = options

    # --- naming ------------------------------------------------------------------------------

    def schema_for(self, spec: ExperimentSpec) -> str:
        """The schema (or attached database) that holds the experiment's tables: the experiment's
        name, unless the engine's case folding or length limit could make it another's."""
        return self.physical_name(spec.name)

    def place(self, spec: ExperimentSpec, table: Table) -> tuple[str, str]:
        """(schema, table name) the engine holds ``table`` under.

        A table without a schema is in the experiment's schema; one the DDL placed in a schema
        (and database) is in the schema ``<experiment>__[<database>__]<schema>``, one per
        namespace per experiment, so experiments on a shared server never meet and two
        ``orders`` of two schemas stay two tables. Queries name them as the DDL did; the
        translation points those names here (:mod:`.namespaces`)."""
        namespace = table.parts[:-1]
        if not namespace:
            return self.schema_for(spec), table.name
        return self.physical_name("__".join([spec.name, *namespace])), table.name

    def target(self, spec: ExperimentSpec, table: Table) -> str:
        """``table``'s quoted, schema-qualified name in the engine."""
        return qualified(*self.place(spec, table))

    def schemas(self, spec: ExperimentSpec) -> list[str]:
        """Every schema the experiment's tables are in, the experiment's own first."""
        out = [self.schema_for(spec)]
        for table in spec.tables:
            schema = self.place(spec, table)[0]
            if schema not in out:
                out.append(schema)
        return out

    def physical_name(self, name: str) -> str:
        """An experiment name as this warehouse stores it (see :mod:`.names`)."""
        return physical_name(
            name,
            ignore_case=self.names_ignore_case,
            max_bytes=self.max_name_bytes,
            reserved=self.is_own_schema,
        )

    def is_own_schema(self, key: str) -> bool:
        """Whether a (folded) name is one of the schemas the engine keeps for itself."""
        return key in self.own_schemas or key.startswith(self.own_prefixes)

    def declare_keys(self, spec: ExperimentSpec) -> bool:
        """Declare PRIMARY KEY / UNIQUE? Option ``keys`` = "declare" | "informational" | "auto"
        (auto: as the experiment's own warehouse would). Redshift and Snowflake accept the
        declarations but never check them, so a stand-in that enforced them would reject loads
        and pipelines the real warehouse accepts."""
        mode = self.options.get("keys", "auto")
        if mode == "declare":
            return True
        if mode == "informational":
            return False
        return by_name(spec.dialect).enforces_keys

    def create_sql(
        self,
        spec: ExperimentSpec,
        table: Table,
        *,
        name: str | None = None,
        keys: bool | None = None,
    ) -> str:
        """``CREATE TABLE`` of ``table`` in the experiment's schema, typed for the engine
        (``engine_dialect``), under ``name`` if given (a load's side table). PRIMARY KEY / UNIQUE
        as ``declare_keys`` says unless ``keys`` says otherwise (a load adds them after the
        rows); FOREIGN KEYs if the warehouse ``declares_foreign_keys``."""
        schema, own_name = self.place(spec, table)
        return create_table_sql(
            table,
            self.engine_dialect,
            schema,
            name=name or own_name,
            declare_keys=self.declare_keys(spec) if keys is None else keys,
            declare_foreign_keys=self.declares_foreign_keys,
            arrays=self.native_arrays,
            reference_names=self._reference_names(spec, table),
        )

    def _reference_names(self, spec: ExperimentSpec, table: Table) -> dict[str, str]:
        """The engine's name of each table ``table``'s foreign keys reference, by key (only
        those: naming every table of the spec for each table made big schemas quadratic)."""
        if not self.declares_foreign_keys:
            return {}
        out: dict[str, str] = {}
        for fk in table.foreign_keys:
            try:
                parent = spec.table(fk.references_table)
            except KeyError:
                continue
            if parent.key == fk.references_table:
                out[parent.key] = self.place(spec, parent)[1]
        return out

    def open_exclusive(
        self,
        open_: Callable[[], T],
        *,
        locked: Callable[[Exception], bool],
        what: str,
        where: str,
    ) -> T:
        """``open_()`` the warehouse's file. Without ``shared_access`` another process may hold
        it (its calls are short): wait up to the ``lock_wait`` option (15 s) while ``locked``
        says the error is that, then refuse with a WarehouseError ("cannot open ``what``")."""
        if self.shared_access:
            return open_()
        deadline = time.monotonic() + float(self.options.get("lock_wait", LOCK_WAIT_SECONDS))
        delay = 0.02
        while True:
            try:
                return open_()
            except Exception as e:
                if not locked(e):
                    raise
                if time.monotonic() > deadline:
                    raise WarehouseError(
                        f"cannot open {what}: {first_line(e)}",
                        where=where,
                        hint="another process keeps the file open; close that connection "
                        "(or its notebook kernel) and try again",
                    ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    # --- the five verbs ----------------------------------------------------------------------

    @abstractmethod
    def create_tables(self, spec: ExperimentSpec) -> None:
        """Create the experiment's schema and empty tables (replacing any earlier ones)."""

    @abstractmethod
    def load(
        self, spec: ExperimentSpec, plan: LoadPlan, progress: Progress | None = None
    ) -> dict[str, int]:
        """Replace the tables' rows with the run's, in one transaction; reconcile the counts
        against ``plan`` and roll back with LoadError on a mismatch. Returns rows per table."""

    def open_staged_load(
        self, spec: ExperimentSpec, run_dir: Path, progress: Progress | None = None
    ) -> StagedLoad | None:
        """A load fed table by table while the run generates (:mod:`.staged`), where this
        warehouse has one; ``None``: the run is loaded with :meth:`load` once generated."""
        return None

    def published(self, spec: ExperimentSpec) -> None:
        """Called after a staged load published (housekeeping a warehouse may need)."""
        return None

    @abstractmethod
    def reset(self, spec: ExperimentSpec) -> None:
        """Empty every table of the experiment, keeping the tables."""

    @abstractmethod
    def drop(self, spec: ExperimentSpec) -> None:
        """Remove the experiment's tables and schema; nothing left behind."""

    @abstractmethod
    def execute(self, spec: ExperimentSpec, statements: list[str]) -> pa.Table:
        """Run engine-dialect statements in order; the last one's result as Arrow."""

    @abstractmethod
    def table_counts(self, spec: ExperimentSpec) -> dict[str, int]:
        """Rows per table as the warehouse holds them now."""

    @abstractmethod
    def exists(self, spec: ExperimentSpec) -> bool:
        """Whether the experiment's tables exist here."""

    def close(self) -> None:  # noqa: B027 - optional hook, most warehouses hold nothing open
        """Release connections; the default keeps none open between calls."""

    # --- queries (shared) --------------------------------------------------------------------

    def translate(self, spec: ExperimentSpec, sql: str) -> list[str]:
        """The user's SQL, written in the experiment's dialect, as engine statements."""
        ctx = context_for(
            spec,
            self.engine_dialect,
            self.schema_for(spec),
            lambda t: self.place(spec, t),
            strict=self.options.get("strict"),
        )
        # USE / SET search_path hold for the experiment's later queries in this session (this
        # warehouse object lives as long as the Workspace that made it).
        current = self.__dict__.setdefault("_current_schemas", {})
        spaces = ctx.namespaces
        if spaces is not None:
            spaces.database, spaces.schema = current.get(spec.name, (None, None))
        out = translate(sql, ctx)
        if spaces is not None:
            current[spec.name] = (spaces.database, spaces.schema)
        return out

    def query_arrow(self, spec: ExperimentSpec, sql: str) -> pa.Table:
        """Run SQL in the experiment's dialect; the result's columns named as the dialect's
        warehouse names them (Snowflake ``N`` for ``count(*) as n``, see
        :func:`.result_names.warehouse_result_names`)."""
        table = self.execute(spec, self.translate(spec, sql))
        return name_like_warehouse(table, sql, spec.dialect)

    def query(self, spec: ExperimentSpec, sql: str) -> pd.DataFrame:
        """Run SQL in the experiment's dialect; the last statement's rows as a DataFrame.

        Columns are Arrow-backed (``pd.ArrowDtype``): integers with NULLs stay integers and
        decimals stay exact, and converting costs no copy for most types.
        """
        table = self.query_arrow(spec, sql)
        return arrow_to_frame(table)

    # --- helpers for subclasses --------------------------------------------------------------

    @staticmethod
    def check_plan(spec: ExperimentSpec, plan: LoadPlan) -> None:
        """Refuse a run whose tables or files do not match the spec before touching anything."""
        names = {t.key for t in spec.tables}
        unknown = sorted(set(plan.tables) - names)
        if unknown:
            raise LoadError(
                f"the run has tables the experiment does not: {', '.join(unknown)}.",
                where=str(plan.run_dir),
                hint="the run was generated from another spec version; generate again",
            )
        for name, tf in plan.tables.items():
            missing = [str(f) for f in tf.files if not f.exists()]
            if missing:
                raise LoadError(
                    f"table {name}: {len(missing)} Parquet file(s) of the run are missing "
                    f"(first: {missing[0]}).",
                    where=str(plan.run_dir),
                    hint="the run folder was changed after generation; generate again",
                )

    @staticmethod
    def mismatch(table: str, expected: int, got: int, plan: LoadPlan) -> LoadError:
        return LoadError(
            f"table {table}: the warehouse received {got:,} rows but the run's manifest says "
            f"{expected:,}; the load was rolled back and the earlier data kept.",
            where=str(plan.run_dir),
            hint="the run's files do not match its manifest (changed or truncated after "
            "generation); generate the data again",
        )
