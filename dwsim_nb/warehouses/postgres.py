"""The ``postgres`` warehouse: a PostgreSQL server, one schema per experiment, loads by COPY.

Server: ``url=`` option, else ``DWSIM_POSTGRES_URL``, else the local server
``postgresql://postgres@127.0.0.1:5432/postgres``. SQLAlchemy spellings
(``postgresql+psycopg://``) are accepted. The password never appears in reprs or messages.

Loading streams each table's Parquet record batches into ``COPY ... FROM STDIN``
(:mod:`dwsim_nb.warehouses.postgres_copy`: CSV by default, ``copy_format="binary"``). The whole
load is one transaction: tables are dropped and recreated without keys, filled, counted against
the run's manifest, and only then do keys get added (one index build instead of one insert per
row into an index); any failure rolls back and the earlier data stays.

SQL written in the postgres dialect is run as typed, with the experiment's schema first on the
``search_path``; other dialects are translated with sqlglot.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from dwsim_nb.errors import LoadError, QueryError, WarehouseError
from dwsim_nb.redact import redact_url, scrub
from dwsim_nb.spec.validate import POSTGRES_NAME_BYTES
from dwsim_nb.warehouses.base import LoadPlan, Progress, Warehouse, count_rows, first_line
from dwsim_nb.warehouses.hints import query_hint
from dwsim_nb.warehouses.names import POSTGRES_SCHEMAS
from dwsim_nb.warehouses.postgres_copy import copy_binary, copy_csv, parquet_batches
from dwsim_nb.warehouses.results import cursor_to_arrow, empty
from dwsim_nb.warehouses.tables import quote

if TYPE_CHECKING:
    import psycopg
    import pyarrow as pa

    from dwsim_nb.spec import ExperimentSpec, Table

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def libpq_url(url: str) -> str:
    """A SQLAlchemy-style URL (``postgresql+psycopg://``) as libpq wants it."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    base = scheme.split("+", 1)[0]
    if base in ("postgres", "postgresql", "redshift"):
        base = "postgresql"
    return f"{base}://{rest}"


def safe_rollback(conn: Any) -> None:
    """ROLLBACK that cannot hide the error being handled: when the server dropped the
    connection (restart, pg_terminate_backend), the transaction is gone anyway, and rollback()
    would raise "the connection is lost" in place of the real reason."""
    import psycopg

    with suppress(psycopg.Error):
        conn.rollback()


class PostgresWarehouse(Warehouse):
    """Experiments as schemas of one PostgreSQL database."""

    name = "postgres"
    dialect = "postgres"
    engine_dialect = "postgres"
    # FOREIGN KEYs stay undeclared: tables are refilled one by one, children possibly before
    # their parents, and Redshift and Snowflake do not enforce them either. A server serves
    # several processes at once.
    declares_foreign_keys = False
    shared_access = True
    # Quoted names keep their case; every name is cut to 63 bytes.
    names_ignore_case = False
    max_name_bytes = POSTGRES_NAME_BYTES
    own_schemas = POSTGRES_SCHEMAS
    own_prefixes = ("pg_",)
    #: environment variable naming the server
    url_env: ClassVar[str] = "DWSIM_POSTGRES_URL"
    #: session settings applied on every connection
    session_settings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, home: Path, **options: Any) -> None:
        super().__init__(home, **options)
        self.url = str(options.get("url") or os.environ.get(self.url_env) or DEFAULT_URL)
        self.copy_format = str(options.get("copy_format", "csv")).lower()
        if self.copy_format not in ("csv", "binary"):
            raise WarehouseError(
                f"unknown copy_format {self.copy_format!r}.", hint="use 'csv' or 'binary'"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={redact_url(self.url)!r})"

    @property
    def where(self) -> str:
        return f"{self.name} warehouse at {redact_url(self.url)}"

    # --- connections -------------------------------------------------------------------------

    @contextmanager
    def connect(self, spec: ExperimentSpec | None = None) -> Iterator[psycopg.Connection[Any]]:
        """A connection for one call; the experiment's schema first on the search path."""
        import psycopg

        try:
            conn = psycopg.connect(libpq_url(self.url), connect_timeout=5)
        except psycopg.Error as exc:
            # libpq's message may quote the connection string; report only its last line.
            detail = scrub(first_line(exc), self.url)
            raise WarehouseError(
                f"cannot connect to PostgreSQL at {redact_url(self.url)}: {detail}",
                where=self.where,
                hint=f"start the server or set {self.url_env} to a reachable server",
            ) from None
        try:
            for setting in self.session_settings:
                conn.execute(setting)
            if spec is not None:
                conn.execute(f"SET search_path TO {quote(self.schema_for(spec))}, public")
            self.prepare(conn)
            conn.commit()
            yield conn
        finally:
            conn.close()

    def prepare(self, conn: psycopg.Connection[Any]) -> None:
        """Hook for subclasses: run once per connection before use."""

    # --- tables ------------------------------------------------------------------------------

    def table_name(self, table: Table) -> str:
        return table.name

    def key_sql(self, spec: ExperimentSpec, table: Table) -> list[str]:
        """``ALTER TABLE ... ADD PRIMARY KEY / UNIQUE`` for a table filled without keys."""
        if not self.declare_keys(spec):
            return []
        target = self.target(spec, table)
        table = table.as_declared()
        out = []
        if table.primary_key:
            out.append(
                f"ALTER TABLE {target} ADD PRIMARY KEY ({', '.join(map(quote, table.primary_key))})"
            )
        for key in table.unique_keys():
            if key != table.primary_key:
                out.append(f"ALTER TABLE {target} ADD UNIQUE ({', '.join(map(quote, key))})")
        return out

    def _recreate(self, conn: psycopg.Connection[Any], spec: ExperimentSpec, keys: bool) -> None:
        for schema in self.schemas(spec):
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
        for table in spec.tables:
            target = self.target(spec, table)
            conn.execute(f"DROP TABLE IF EXISTS {target} CASCADE")
            conn.execute(self.create_sql(spec, table, name=self.table_name(table), keys=False))
            if keys:
                for stmt in self.key_sql(spec, table):
                    conn.execute(stmt)

    def create_tables(self, spec: ExperimentSpec) -> None:
        import psycopg

        with self.connect() as conn:
            try:
                for schema in self.schemas(spec):
                    conn.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
                self._recreate(conn, spec, keys=True)
                conn.commit()
            except psycopg.Error as exc:
                safe_rollback(conn)
                raise WarehouseError(
                    f"cannot create the tables of {spec.name}: {first_line(exc)}",
                    where=self.where,
                    hint="check the spec's types and names (`dwsim show NAME`)",
                ) from None

    def exists(self, spec: ExperimentSpec) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ANY(%s)",
                (self.schemas(spec),),
            ).fetchone()
        return bool(row and row[0])

    def reset(self, spec: ExperimentSpec) -> None:
        import psycopg

        with self.connect() as conn:
            try:
                self._recreate(conn, spec, keys=True)
                conn.commit()
            except psycopg.Error as exc:
                safe_rollback(conn)
                raise WarehouseError(
                    f"cannot reset {spec.name}: {first_line(exc)}", where=self.where
                ) from None

    def drop(self, spec: ExperimentSpec) -> None:
        with self.connect() as conn:
            for schema in self.schemas(spec):
                conn.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
            conn.commit()

    def table_counts(self, spec: ExperimentSpec) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.connect() as conn:
            for table in spec.tables:
                target = self.target(spec, table)
                out[table.key] = count_rows(conn, target)
        return out

    # --- loading -----------------------------------------------------------------------------

    def load(
        self, spec: ExperimentSpec, plan: LoadPlan, progress: Progress | None = None
    ) -> dict[str, int]:
        import psycopg

        self.check_plan(spec, plan)
        counts: dict[str, int] = {}
        with self.connect() as conn:
            try:
                self._recreate(conn, spec, keys=False)
                for table in spec.tables:
                    tf = plan.tables.get(table.key)
                    expected = tf.rows if tf else 0
                    batches = parquet_batches(
                        tf.files if tf else (),
                        table,
                        hex_binary=self.copy_format == "csv",
                        lists=self.array_text_style(),
                    )
                    got = self.copy_batches(
                        conn, spec, table, batches, expected, progress, fresh=True
                    )
                    if got != expected:
                        raise self.mismatch(table.key, expected, got, plan)
                    counts[table.key] = got
                for table in spec.tables:
                    for stmt in self.key_sql(spec, table):
                        conn.execute(stmt)
                conn.commit()
            except LoadError:
                safe_rollback(conn)
                raise
            except psycopg.Error as exc:
                safe_rollback(conn)
                if conn.closed or conn.broken:
                    # The driver's words depend on timing ("terminating connection ...",
                    # "connection socket closed"); say plainly what happened and what to do.
                    raise LoadError(
                        f"the connection to {self.name} was lost mid-load (the server restarted "
                        f"or the session was terminated), nothing was changed: {first_line(exc)}",
                        where=str(plan.run_dir),
                        hint="check that the server is running, then load the run again",
                    ) from None
                raise LoadError(
                    f"loading into {self.name} failed, nothing was changed: {first_line(exc)}",
                    where=str(plan.run_dir),
                    hint="the run's files may not match the spec; generate the data again",
                ) from None
        return counts

    def array_text_style(self) -> str | None:
        """How array columns reach COPY: PostgreSQL array literals for CSV, Python lists for
        binary COPY, JSON text where arrays are stored as JSON (see ``native_arrays``)."""
        if not self.native_arrays:
            return "json"
        return "pg" if self.copy_format == "csv" else None

    def copy_batches(
        self,
        conn: psycopg.Connection[Any],
        spec: ExperimentSpec,
        table: Table,
        batches: Iterator[pa.RecordBatch],
        expected: int,
        progress: Progress | None = None,
        *,
        fresh: bool = False,
    ) -> int:
        """Stream record batches into the table with COPY; returns the table's row count.

        ``fresh``: the table was created in the current transaction (allows COPY FREEZE).
        """
        target = self.target(spec, table)
        cols = ", ".join(quote(c.name) for c in table.columns)
        if progress:
            progress(table.key, 0, expected)

        def advance(done: int) -> None:
            if progress:
                progress(table.key, done, expected)

        with conn.cursor() as cur:
            if self.copy_format == "binary":
                copy_sql = f"COPY {target} ({cols}) FROM STDIN (FORMAT BINARY)"
                copy_binary(cur, copy_sql, table, batches, advance, arrays=self.native_arrays)
            else:
                # FREEZE: the table was created in this transaction, so its rows can be written
                # already frozen (no hint-bit rewrite on first read, no anti-wraparound vacuum).
                freeze = ", FREEZE" if fresh else ""
                copy_sql = f"COPY {target} ({cols}) FROM STDIN (FORMAT CSV{freeze})"
                copy_csv(cur, copy_sql, batches, advance)
            return count_rows(cur, target)

    # --- queries -----------------------------------------------------------------------------

    def translate(self, spec: ExperimentSpec, sql: str) -> list[str]:
        # PostgreSQL SQL runs as typed: translating it to itself could only lose something.
        # Tables in schemas of their own are renamed by the translation (see .namespaces).
        # Names the DDL spelt with capitals are held quoted as written, where PostgreSQL would
        # have folded them: the translation matches them without case.
        if (
            spec.dialect == "postgres"
            and not any(len(t.parts) > 1 for t in spec.tables)
            and all(
                n == n.lower() for t in spec.tables for n in (t.name, *(c.name for c in t.columns))
            )
        ):
            if not sql.strip():
                raise QueryError("the query is empty.", hint="write at least one SQL statement")
            return [sql]
        return super().translate(spec, sql)

    def execute(self, spec: ExperimentSpec, statements: list[str]) -> pa.Table:
        import psycopg

        with self.connect(spec) as conn:
            result = None
            for i, stmt in enumerate(statements):
                try:
                    result = self.run_statement(conn, spec, stmt)
                except psycopg.Error as exc:
                    safe_rollback(conn)
                    raise _query_error(exc, stmt, i, len(statements), self.name, spec) from None
            conn.commit()
        return result if result is not None else empty()

    def run_statement(
        self, conn: psycopg.Connection[Any], spec: ExperimentSpec, stmt: str
    ) -> pa.Table | None:
        """Execute one statement (it may hold several when passed through); the last result."""
        with conn.cursor() as cur:
            cur.execute(stmt)
            last = None
            while True:
                if cur.description is not None:
                    last = cursor_to_arrow(cur)
                if not cur.nextset():
                    break
        return last


def _query_error(
    exc: Any, stmt: str, index: int, total: int, name: str, spec: ExperimentSpec | None = None
) -> QueryError:
    """PostgreSQL's error with its position turned into a line and column of the statement."""
    diag = getattr(exc, "diag", None)
    message = (getattr(diag, "message_primary", None) or first_line(exc)).rstrip(".")
    line = col = None
    position = getattr(diag, "statement_position", None)
    if position and str(position).isdigit():
        before = stmt[: int(position) - 1]
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
    where = f"statement {index + 1}" if total > 1 else None
    if where and line is not None:
        where += f", line {line}, column {col}"
    return QueryError(
        f"the {name} warehouse rejected the query: {message}. As run: {stmt}",
        line=line,
        col=col,
        where=where,
        hint=query_hint(message, spec, f"the {name} warehouse"),
    )
