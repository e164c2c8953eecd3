"""The default warehouse: one DuckDB file per experiment
(``<home>/duckdb/<experiment>/warehouse.duckdb``), the experiment's tables in a schema of its name.

A file per experiment keeps experiments apart: DuckDB lets one process at a time open a file for
writing, so a notebook holding one experiment's connection (``%dwsim_use``) must not block the CLI
querying another. Workspaces from before kept every experiment in ``<home>/warehouse.duckdb``;
an experiment still there is read from it until its next load writes its own file. Passing
``path=`` keeps every experiment in that one file.

Loading (:mod:`.duckdb_staged`) fills a side table per table, each in a transaction of its own:
create it bare, ``INSERT INTO ... SELECT ... FROM read_parquet([...])``, then ``ALTER TABLE ...
ADD`` its PRIMARY KEY and UNIQUE keys (for dialects that declare them). A table created in the
same transaction is written directly (no per-row undo), which is what makes the load fast;
counts are checked before its COMMIT and keys at it. One last short transaction renames the
side tables in place of the experiment's, so a mismatch or a duplicate anywhere leaves the
earlier tables as they were, and memory stays one table's worth (a single transaction over
3,000 tables held 4.4 GB until COMMIT). The engine can feed it table by table while later
tables are still generating (``open_staged_load``).

Keys, measured (TPC-H SF1 from the engine's files, DuckDB 2.0, 2 cores shared, alternating
runs): the table created bare, filled, then ``ALTER TABLE ... ADD PRIMARY KEY`` (what this does)
37-39 s; the table created with its PRIMARY KEY and then filled 43-46 s; no keys at all 24-26 s.
Either way DuckDB builds and writes its ART index when the transaction commits (the file holds
the index: 371 MB against 185 MB without keys), and it has no way to declare a key without
checking it, so the keys a dialect enforces cost that index. Deferring the checkpoint
(``checkpoint_threshold``) only moved the same work to close. Keys are therefore still added
after the rows; the count of each table is the INSERT's own result (no ``count(*)`` per table).

Memory (TPC-H SF1's lineitem alone, 6M rows, DuckDB 2.0.1): one INSERT then ADD PRIMARY KEY
peaked at 800 MB at COMMIT, where the index is built, and ``memory_limit`` does not bound that
build (756 MB under a 300 MB limit; DuckDB's documentation: an ART index must fit in memory while
it is created). Creating the key first and inserting in one transaction: 530 MB, 35% slower.
Inserting in slices of about a million rows, each committed into the side table that already
has its key: 330 MB at about the same CPU time (7.2-8.0 s against 6.8-7.6 s), and the index,
once committed, is buffers DuckDB can evict; a memory limit on the load bounds them (256 MB:
280 MB), and SF10 (60M lineitem rows) held about 1 GB instead of 5.4 GB (the limit is 512 MB:
see ``duckdb_staged.LOAD_MEMORY_LIMIT``). So a table bigger than a
batch goes in slices, each its own transaction, under that limit; sorting by key first (1.7 GB)
and ``threads=1`` (770 MB) did not help. The keys stay declared and enforced across slices.

FOREIGN KEYs are not declared: DuckDB checks each one on insert (slower loads), refuses to drop
or replace a referenced table inside the load transaction, and Redshift and Snowflake, the
warehouses most experiments imitate, do not enforce them either. The generator guarantees that
every reference resolves; the tests check it.

DuckDB lets one process at a time open a file for writing, so connections live only for one call:
another notebook or the CLI can use the same workspace between calls.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import QueryError, WarehouseError
from dwsim_nb.warehouses.base import (
    LoadPlan,
    Progress,
    Warehouse,
    count_rows,
    first_line,
)
from dwsim_nb.warehouses.duckdb_staged import DuckDBStagedLoad
from dwsim_nb.warehouses.duckdb_staged import literal_glob as literal_glob
from dwsim_nb.warehouses.hints import query_hint
from dwsim_nb.warehouses.names import DUCKDB_SCHEMAS
from dwsim_nb.warehouses.results import empty
from dwsim_nb.warehouses.tables import quote, string_literal

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from dwsim_nb.spec import ExperimentSpec


def file_stem(name: str) -> str:
    """A stored experiment name as a file name: kept when plain, else made plain and suffixed
    with a hash so two names never share a file."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", name):
        return name
    import hashlib

    plain = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60].lstrip(".")
    return f"{plain}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"


class DuckDBWarehouse(Warehouse):
    name = "duckdb"
    dialect = "duckdb"
    engine_dialect = "duckdb"
    # FOREIGN KEYs stay undeclared (see above); one process at a time may open the file.
    declares_foreign_keys = False
    shared_access = False
    own_schemas = DUCKDB_SCHEMAS

    def __init__(self, home: Path, **options: Any) -> None:
        super().__init__(home, **options)
        # The one shared file: the older layout, or every experiment when ``path`` is given.
        self.path = Path(options.get("path") or self.home / "warehouse.duckdb")
        self.per_experiment = options.get("path") is None

    def own_file(self, spec: ExperimentSpec) -> Path:
        """The experiment's own file (the shared one when ``path`` was given)."""
        if not self.per_experiment:
            return self.path
        # A folder per experiment: DuckDB names a file's catalog after its name up to the first
        # dot, and a catalog named like the experiment's schema makes every name ambiguous.
        return self.home / "duckdb" / file_stem(self.schema_for(spec)) / "warehouse.duckdb"

    def path_for(self, spec: ExperimentSpec) -> Path:
        """The file holding the experiment's tables now: its own, or the shared file of an
        older workspace that still holds them (until the next load)."""
        own = self.own_file(spec)
        if own.exists() or not self.path.exists() or own == self.path:
            return own
        return self.path if self._shared_holds(spec) else own

    def _shared_holds(self, spec: ExperimentSpec) -> bool:
        import duckdb

        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error:
            return False  # held for writing elsewhere, or not a database: not ours to read
        try:
            row = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?",
                [self.schema_for(spec)],
            ).fetchone()
        finally:
            con.close()
        return bool(row and row[0])

    def _forget_shared(self, spec: ExperimentSpec) -> None:
        """Drop the experiment's schema from an older workspace's shared file, once its own
        file holds the data (best effort: the shared file may be held elsewhere)."""
        import duckdb

        if not self.per_experiment or not self.path.exists() or not self._shared_holds(spec):
            return
        try:
            with self.connect(path=self.path) as con:
                con.execute(f"DROP SCHEMA IF EXISTS {quote(self.schema_for(spec))} CASCADE")
        except (duckdb.Error, WarehouseError):
            pass

    @contextmanager
    def connect(
        self, spec: ExperimentSpec | None = None, *, path: Path | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one call to the experiment's file (``spec``), an explicit ``path``
        or the shared file, waiting briefly while another process holds it."""
        import duckdb

        if path is None:
            path = self.path_for(spec) if spec is not None else self.path
        path.parent.mkdir(parents=True, exist_ok=True)

        def locked(e: Exception) -> bool:
            return isinstance(e, duckdb.IOException) and "lock" in str(e).lower()

        try:
            con = self.open_exclusive(
                lambda: duckdb.connect(str(path)),
                locked=locked,
                what="the DuckDB warehouse",
                where=str(path),
            )
        except duckdb.IOException as e:
            raise WarehouseError(
                f"cannot open the DuckDB warehouse: {first_line(e)}",
                where=str(path),
                hint="check that the workspace folder exists and is writable",
            ) from None
        try:
            # sqlglot writes DuckDB lambdas as ``x -> ...`` (INITCAP, REGEXP_COUNT, SPLIT in the
            # translations); DuckDB 2 rejects that spelling unless this setting allows it.
            con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
            yield con
        finally:
            con.close()

    # --- tables ------------------------------------------------------------------------------

    def create_tables(self, spec: ExperimentSpec) -> None:
        with self.connect(path=self.own_file(spec)) as con:
            con.execute("BEGIN")
            try:
                for schema in map(quote, self.schemas(spec)):
                    con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                    con.execute(f"CREATE SCHEMA {schema}")
                for table in spec.tables:
                    con.execute(self.create_sql(spec, table))
                con.execute("COMMIT")
            except Exception as e:
                con.execute("ROLLBACK")
                raise WarehouseError(
                    f"cannot create the tables of {spec.name} in DuckDB: {first_line(e)}",
                    where=str(self.own_file(spec)),
                    hint="check the spec's types and names (`dwsim show NAME`)",
                ) from None

    def exists(self, spec: ExperimentSpec) -> bool:
        if not self.path_for(spec).exists():
            return False
        with self.connect(spec) as con:
            row = con.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE list_contains(?, table_schema)",
                [self.schemas(spec)],
            ).fetchone()
        return bool(row and row[0])

    def load(
        self, spec: ExperimentSpec, plan: LoadPlan, progress: Progress | None = None
    ) -> dict[str, int]:
        self.check_plan(spec, plan)
        staged = self.open_staged_load(spec, plan.run_dir, progress)
        try:
            for table in spec.tables:
                tf = plan.tables.get(table.key)
                if tf is not None:
                    staged.add(table.key, tf.files, tf.rows)
            counts = staged.publish()
        except BaseException:
            with contextlib.suppress(Exception):
                staged.abort()
            raise
        finally:
            staged.close()
        self._forget_shared(spec)
        return counts

    def open_staged_load(
        self, spec: ExperimentSpec, run_dir: Path, progress: Progress | None = None
    ) -> DuckDBStagedLoad:
        """Tables loaded one by one, each committed into a side table, published together
        (:mod:`.duckdb_staged`): memory stays at one table's worth whatever the table count."""
        own = self.own_file(spec)
        return DuckDBStagedLoad(self, spec, run_dir, lambda: self.connect(path=own), progress)

    def published(self, spec: ExperimentSpec) -> None:
        """After a staged load published: forget the older shared file's copy."""
        self._forget_shared(spec)

    def reset(self, spec: ExperimentSpec) -> None:
        # Recreating is faster than DELETE on tables with keys, and keeps the same definitions.
        with self.connect(path=self.own_file(spec)) as con:
            con.execute("BEGIN")
            try:
                for each in self.schemas(spec):
                    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(each)}")
                for table in spec.tables:
                    con.execute(f"DROP TABLE IF EXISTS {self.target(spec, table)}")
                    con.execute(self.create_sql(spec, table))
                con.execute("COMMIT")
            except Exception as e:
                con.execute("ROLLBACK")
                raise WarehouseError(
                    f"cannot reset {spec.name} in DuckDB: {first_line(e)}",
                    where=str(self.own_file(spec)),
                ) from None
        self._forget_shared(spec)

    def drop(self, spec: ExperimentSpec) -> None:
        own = self.own_file(spec)
        if own != self.path:
            self._forget_shared(spec)
            if own.exists():
                with self.connect(path=own):
                    pass  # waits for, or refuses while, another process holding the file
                for leftover in (own, own.with_name(own.name + ".wal")):
                    leftover.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    own.parent.rmdir()
            return
        if not self.path.exists():
            return
        with self.connect(path=self.path) as con:
            for schema in self.schemas(spec):
                con.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")

    def table_counts(self, spec: ExperimentSpec) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.connect(spec) as con:
            for table in spec.tables:
                out[table.key] = count_rows(con, self.target(spec, table))
        return out

    # --- queries -----------------------------------------------------------------------------

    def execute(self, spec: ExperimentSpec, statements: list[str]) -> pa.Table:
        import duckdb

        schema = self.schema_for(spec)
        with self.connect(spec) as con:
            # Unqualified names the translation did not know (tables the user created) resolve
            # in the experiment's schema first.
            con.execute("SET search_path = " + string_literal(f"{quote(schema)},main"))
            last = len(statements) - 1
            for i, stmt in enumerate(statements):
                try:
                    if i < last:
                        # Fetched so the connection is free for the next statement.
                        con.execute(stmt).fetchall()
                        continue
                    # A relation hands its rows to Arrow without the DB-API cursor's extra copy.
                    rel = con.sql(stmt)
                    return rel.to_arrow_table() if rel is not None else empty()
                except duckdb.Error as e:
                    where = f"statement {i + 1}" if len(statements) > 1 else None
                    raise QueryError(
                        f"DuckDB rejected the query: {first_line(e)} (as run: {stmt})",
                        where=where,
                        hint=query_hint(first_line(e), spec, "DuckDB"),
                    ) from None
        return empty()
