"""The SQLite warehouse: ``<home>/warehouse.sqlite`` with one attached database file per
experiment (``<home>/sqlite/<experiment>.sqlite``, attached under the experiment's name; both
names as :mod:`dwsim_nb.warehouses.names` spells them, so no two experiments share a file).

A file per experiment rather than a table-name prefix: names stay exactly the spec's, dropping an
experiment deletes one file, a load locks only its own experiment's file, and ``"exp"."table"``
is how SQLite spells a schema-qualified name anyway.

Loading is ``executemany`` from Arrow record batches in one transaction (DDL included, SQLite's
DDL is transactional). SQLite has no date, time or decimal types: dates and times are stored as
ISO-8601 text (which sorts and compares correctly), decimals as REAL. PRIMARY KEY and UNIQUE are
declared; FOREIGN KEYs are declared too, and SQLite leaves them unchecked unless a connection
turns ``PRAGMA foreign_keys`` on, which this warehouse does not.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import QueryError, WarehouseError
from dwsim_nb.spec.validate import FILE_NAME_BYTES
from dwsim_nb.warehouses.array_text import array_text, is_list
from dwsim_nb.warehouses.base import LoadPlan, Progress, Warehouse, count_rows, load_transaction
from dwsim_nb.warehouses.hints import query_hint
from dwsim_nb.warehouses.names import file_safe, physical_name
from dwsim_nb.warehouses.results import cursor_to_arrow, empty
from dwsim_nb.warehouses.tables import qualified, quote

if TYPE_CHECKING:
    import pyarrow as pa

    from dwsim_nb.spec import ExperimentSpec, Table

_BATCH_ROWS = 50_000


class SQLiteWarehouse(Warehouse):
    name = "sqlite"
    dialect = "sqlite"
    engine_dialect = "sqlite"
    # FOREIGN KEYs are declared but stay unchecked (see above); WAL and SQLite's busy timeout
    # let several processes use the files at once.
    declares_foreign_keys = True
    shared_access = True
    # The name the experiment's file is attached under: these two are SQLite's own.
    own_schemas = frozenset({"main", "temp"})

    def __init__(self, home: Path, **options: Any) -> None:
        super().__init__(home, **options)
        self.path = Path(options.get("path") or self.home / "warehouse.sqlite")
        self.files_dir = self.path.parent / "sqlite"

    def file_for(self, spec: ExperimentSpec) -> Path:
        # File names may be compared without case (macOS, Windows) and hold only some
        # characters: names that differ only there get a file each all the same.
        stem = physical_name(
            spec.name, ignore_case=True, max_bytes=FILE_NAME_BYTES, clean=file_safe
        )
        return self.files_dir / f"{stem}.sqlite"

    @contextmanager
    def connect(self, spec: ExperimentSpec) -> Iterator[sqlite3.Connection]:
        """The workspace database with the experiment's file attached under its name."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute(
                f"ATTACH DATABASE ? AS {quote(self.schema_for(spec))}", (str(self.file_for(spec)),)
            )
        except sqlite3.Error as e:
            raise WarehouseError(
                f"cannot open the SQLite warehouse: {e}.",
                where=str(self.path),
                hint="check that the workspace folder is writable",
            ) from None
        schema = quote(self.schema_for(spec))
        try:
            # WAL: readers in other processes keep working while a load writes.
            con.execute(f"PRAGMA {schema}.journal_mode=WAL")
            con.execute(f"PRAGMA {schema}.synchronous=NORMAL")
            con.execute("PRAGMA cache_size=-65536")
            yield con
        finally:
            con.close()

    def place(self, spec: ExperimentSpec, table: Table) -> tuple[str, str]:
        """SQLite has no schemas inside a file: a table the DDL placed in a schema (and
        database) is ``<database>__<schema>__<name>`` in the experiment's file."""
        return self.schema_for(spec), "__".join(table.parts)

    def _replace_tables(self, con: sqlite3.Connection, spec: ExperimentSpec) -> None:
        for table in spec.tables:
            con.execute(f"DROP TABLE IF EXISTS {self.target(spec, table)}")
            con.execute(self.create_sql(spec, table))

    def create_tables(self, spec: ExperimentSpec) -> None:
        with self.connect(spec) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                self._replace_tables(con, spec)
                # Tables from an older spec version that the new one no longer has.
                names = {self.place(spec, t)[1] for t in spec.tables}
                schema = self.schema_for(spec)
                for (old,) in con.execute(
                    f"SELECT name FROM {quote(schema)}.sqlite_master WHERE type = 'table'"
                ).fetchall():
                    if old not in names:
                        con.execute(f"DROP TABLE {qualified(schema, old)}")
                con.execute("COMMIT")
            except sqlite3.Error as e:
                con.execute("ROLLBACK")
                raise WarehouseError(
                    f"cannot create the tables of {spec.name} in SQLite: {e}.",
                    where=str(self.file_for(spec)),
                ) from None

    def exists(self, spec: ExperimentSpec) -> bool:
        if not self.file_for(spec).exists():
            return False
        with self.connect(spec) as con:
            row = con.execute(
                f"SELECT count(*) FROM {quote(self.schema_for(spec))}.sqlite_master "
                "WHERE type = 'table'"
            ).fetchone()
        return bool(row and row[0])

    def load(
        self, spec: ExperimentSpec, plan: LoadPlan, progress: Progress | None = None
    ) -> dict[str, int]:
        import pyarrow.parquet as pq

        self.check_plan(spec, plan)
        counts: dict[str, int] = {}
        with (
            self.connect(spec) as con,
            load_transaction(con, "SQLite", plan.run_dir, begin="BEGIN IMMEDIATE", describe=str),
        ):
            self._replace_tables(con, spec)
            for table in spec.tables:
                tf = plan.tables.get(table.key)
                expected = tf.rows if tf else 0
                names = [c.name for c in table.columns]
                marks = ", ".join("?" for _ in names)
                insert = (
                    f"INSERT INTO {self.target(spec, table)} "
                    f"({', '.join(map(quote, names))}) VALUES ({marks})"
                )
                done = 0
                if progress:
                    progress(table.key, 0, expected)
                for f in tf.files if tf else ():
                    for batch in pq.ParquetFile(f).iter_batches(
                        batch_size=_BATCH_ROWS, columns=names
                    ):
                        con.executemany(insert, _rows(batch, names))
                        done += batch.num_rows
                        if progress:
                            progress(table.key, done, expected)
                got = count_rows(con, self.target(spec, table))
                if got != expected:
                    raise self.mismatch(table.key, expected, got, plan)
                counts[table.key] = got
        return counts

    def reset(self, spec: ExperimentSpec) -> None:
        with self.connect(spec) as con:
            con.execute("BEGIN IMMEDIATE")
            for table in spec.tables:
                con.execute(f"DELETE FROM {self.target(spec, table)}")
            con.execute("COMMIT")

    def drop(self, spec: ExperimentSpec) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = Path(str(self.file_for(spec)) + suffix)
            if path.exists():
                path.unlink()

    def table_counts(self, spec: ExperimentSpec) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.connect(spec) as con:
            for table in spec.tables:
                out[table.key] = count_rows(con, self.target(spec, table))
        return out

    def execute(self, spec: ExperimentSpec, statements: list[str]) -> pa.Table:
        with self.connect(spec) as con:
            cur = con.cursor()
            for i, stmt in enumerate(statements):
                try:
                    cur.execute(stmt)
                except sqlite3.Error as e:
                    where = f"statement {i + 1}" if len(statements) > 1 else None
                    raise QueryError(
                        f"SQLite rejected the query: {e} (as run: {stmt})",
                        where=where,
                        hint=query_hint(
                            str(e),
                            spec,
                            "SQLite",
                            "; SQLite lacks some warehouse functions, the duckdb warehouse has"
                            " more",
                        ),
                    ) from None
            if cur.description is None:
                return empty()
            # SQLite's labels as they are, repeated ones included.
            return cursor_to_arrow(cur, unique=False)


def _rows(batch: pa.RecordBatch, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows of Python values SQLite can bind, converting whole columns at once."""
    cols = [_bindable(batch.column(i)).to_pylist() for i in range(len(names))]
    return zip(*cols, strict=True)


def _bindable(arr: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    if is_list(t):
        return array_text(arr, "json")  # JSON text, which SQLite's json functions read
    if pa.types.is_decimal(t):
        return pc.cast(arr, pa.float64())
    if pa.types.is_date(t) or pa.types.is_time(t) or pa.types.is_timestamp(t):
        # ISO-8601 text ("2024-01-31 12:00:00.000000"): sorts and compares like the values.
        return pc.cast(arr, pa.string())
    return arr
