"""The DuckDB warehouse's load: table by table into side tables, published in one transaction.

Each table goes into a side table ``__dwsim_staged__<name>`` in its own schema: create it bare,
``INSERT ... SELECT ... FROM read_parquet([...])``, check the INSERT's count, add its PRIMARY
KEY and UNIQUE keys (DuckDB builds each index in one pass after the rows and checks it at
COMMIT). Side tables are committed in batches (about a million rows or 64 tables, whichever
comes first); a bigger table goes in slices of its files of about a million rows, the first with
its keys, each committed on its own (memory stays a slice's worth plus what the load's memory
limit lets DuckDB cache; see :mod:`.duckdb`). A slice loads as soon as the engine has written
its blocks (:meth:`DuckDBStagedLoad.add_rows`), while the table's later blocks still generate.
The connection is closed after a million rows or 256 tables (a session). Publishing drops the
experiment's tables and renames the side tables in their place in one short transaction (DuckDB
2.0 cannot rename or move a schema, so the side tables live beside the real ones; renaming a
table keeps its keys and rows without copying them).

Why not one transaction around the whole load, as before: DuckDB keeps every table created in
a transaction in memory until it commits, so a 3,000-table load held 4.4 GB; committed in
batches, memory is about a batch's worth. A failure before publishing removes the side tables
and the experiment's tables were never touched; a process killed before publishing leaves side
tables, which the next load removes first. Queries never see side tables: they only name the
experiment's tables.

Why sessions: DuckDB keeps the indexes and blocks of the tables written through a connection in
memory until the file is closed (about 1.5 MB per small table), and opening and closing the file
reads and checkpoints the whole catalog, a cost that grows with the tables in it. Closed after
each batch, a 3,000-table load spent 30 of its 45 s opening and closing; kept open throughout,
it held 1.8 GB. A session bounds both: memory at a session's worth, opens at one per 256 tables.

The file is held only while a session is open and while publishing. When no table arrives for a
second (the engine is generating a big one), the loader ends the session (:meth:`idle`): then
another notebook or the CLI can open the file to read.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import LoadError
from dwsim_nb.warehouses.base import LoadPlan, Progress, Warehouse, first_line
from dwsim_nb.warehouses.staged import StagedLoad
from dwsim_nb.warehouses.tables import key_clauses, qualified, quote

if TYPE_CHECKING:
    import duckdb

    from dwsim_nb.spec import ExperimentSpec, Table

# A side table's name: the table's own after this prefix (never a name the DDL could mean).
STAGED_PREFIX = "__dwsim_staged__"

# Side tables are committed in batches: a COMMIT per small table cost more than its rows (3,000
# tables of 1,000 rows), one over all tables held them all in memory. A batch ends at either
# bound, so a big table commits alone and memory stays about a batch's worth.
BATCH_ROWS = 1_000_000
BATCH_TABLES = 64
# The connection is closed (memory released, the file free for others) once a session loaded
# BATCH_ROWS rows or this many tables; see the module's docstring.
SESSION_TABLES = 256

# Compression methods a load does not try. Generated floats are random mantissas, which DuckDB's
# float codecs (ALP, ALPRD, Chimp, Patas) barely shrink, and generated columns seldom hold runs
# (RLE): trying them on every row group cost 4% of a load (8.7M vs 9.0M rows/s, 10M rows, 2
# cores). Bitpacking, DICT_FSST and constant segments still apply.
_SKIPPED_CODECS = "rle,alp,alprd,chimp,patas"


# The load's memory limit. DuckDB's default (80% of RAM) let it keep every block it wrote
# cached, and the ART index of a keyed table grows with its rows: the buffers a limit makes it
# evict (table blocks already written, index buffers spilled to the file's ``.tmp`` folder) held
# TPC-H SF10's lineitem load at 1.8 GB. Measured on SF1's lineitem in slices (2 cores): no
# limit 325 MB peak, 256 MB 280 MB, 100 MB 177 MB, at 5% more CPU. On the whole SF1 run a
# 256 MB limit made the load after generation 7.1 s against 4.8-5.0 s at 512 MB (evicted
# blocks read back for the index), at the same peak: the run's peak is while it generates. At
# 512 MB SF10 peaks at 1.07 GB (RSS of the process tree) and takes 110 s instead of 128 s.
LOAD_MEMORY_LIMIT = "512MB"


@contextmanager
def load_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The load's settings on ``con``: codecs skipped, memory limited; put back after."""
    # The settings are global to the database instance, which other connections of this
    # process to the same file share (a notebook's %dwsim_use): put them back after the load.
    con.execute(f"SET disabled_compression_methods = '{_SKIPPED_CODECS}'")
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    before = str(row[0]) if row else None
    # Best effort: a limit below what other connections of the process hold now is refused.
    limited = before is not None and _try(con, f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    try:
        yield
    finally:
        con.execute("RESET disabled_compression_methods")
        if limited:
            _put_back_memory_limit(con, str(before))


def _put_back_memory_limit(con: duckdb.DuckDBPyConnection, before: str) -> None:
    # DuckDB shows the limit rounded ("18.8 GiB") and reads that text back as another number,
    # so the default is put back with RESET; a limit set by hand as near as its text allows.
    _try(con, "RESET memory_limit")
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    if row and str(row[0]) != before:
        _try(con, f"SET memory_limit = '{before}'")


def _try(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    try:
        con.execute(sql)
    except Exception:
        return False
    return True


def literal_glob(path: str) -> str:
    """``path`` as a DuckDB glob that matches only itself.

    DuckDB reads every path given to ``read_parquet`` as a pattern, a list's items too, so the
    files of a table named ``*`` would match every table's. A glob character inside brackets is
    that character (``*`` -> ``[*]``, ``[`` -> ``[[]``); a backslash does not escape in DuckDB.
    """
    return re.sub(r"([*?\[])", r"[\1]", path)


class DuckDBStagedLoad(StagedLoad):
    """One run's load into the experiment's DuckDB file (see the module's docstring)."""

    def __init__(
        self,
        wh: Warehouse,
        spec: ExperimentSpec,
        run_dir: Path,
        connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
        progress: Progress | None = None,
    ) -> None:
        """``connect``: opens the warehouse's connection to the experiment's file. A connection
        is held only while a session is open (and to publish): between sessions, and when no
        table has come for a while (:meth:`idle`), other processes can open the file to read."""
        self.wh, self.spec, self.run_dir, self.progress = wh, spec, Path(run_dir), progress
        self._connect = connect
        self.tables = {t.key: t for t in spec.tables}
        self.keys = wh.declare_keys(spec)
        self.counts: dict[str, int] = {}
        self._tables: dict[str, _Table] = {}  # tables begun and not yet complete
        #: seconds spent in ``add`` (loading), for the run's timings
        self.busy = 0.0
        self._batch: list[str] = []  # tables in the open transaction
        self._batch_rows = 0
        self._session_tables = 0  # tables loaded since the connection was opened
        self._session_rows = 0
        self._stack: ExitStack | None = None
        self.con: Any = None
        try:
            con = self._open()
            for each in wh.schemas(spec):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(each)}")
            self._drop_side_tables(con)  # side tables a killed load left behind
        finally:
            self._close()

    def _open(self) -> Any:
        if self.con is None:
            stack = ExitStack()
            try:
                self.con = stack.enter_context(self._connect())
                stack.enter_context(load_settings(self.con))
            except BaseException:
                stack.close()
                self.con = None
                raise
            self._stack = stack
        return self.con

    def _close(self) -> None:
        stack, self._stack, self.con = self._stack, None, None
        self._session_tables = self._session_rows = 0
        if stack is not None:
            stack.close()

    def _staged(self, table: Table) -> tuple[str, str]:
        schema, name = self.wh.place(self.spec, table)
        return schema, STAGED_PREFIX + name

    def _fail(self, table: str, e: BaseException) -> LoadError:
        return LoadError(
            f"table {table}: loading into DuckDB failed, the earlier data was kept: "
            f"{first_line(e)}",
            where=str(self.run_dir),
            hint="the run's files may not match the spec; generate the data again",
        )

    def add(self, table: str, files: Sequence[Path], rows: int) -> int:
        """A table's complete files (``rows`` rows): loaded in slices of about a batch."""
        groups = slices(files, rows)
        for i, group in enumerate(groups):
            last = i == len(groups) - 1
            self.add_rows(table, group, rows if last else 0, rows, flush=True)
        return self.counts[table]

    def add_rows(
        self, table: str, files: Sequence[Path], rows: int, total: int, *, flush: bool = False
    ) -> None:
        """More of ``table``'s files, in order, holding ``rows`` of its ``total`` rows (a
        block's, as they are generated). They wait until they make a slice of about a batch
        (``flush``: load now); the files that complete the table load at once, and the count
        is checked then."""
        started = time.perf_counter()
        try:
            state = self._tables.get(table)
            if state is None:
                state = self._tables[table] = self._begin(table, total)
            state.files.extend(files)
            state.rows += rows
            last = state.rows >= total
            if flush or last or state.rows - state.inserted >= BATCH_ROWS:
                self._insert(table, state, last)
        finally:
            self.busy += time.perf_counter() - started

    def _begin(self, table: str, total: int) -> _Table:
        spec_table = self.tables.get(table)
        if spec_table is None:
            raise LoadError(
                f"the run has a table the experiment does not: {table}.",
                where=str(self.run_dir),
                hint="the run was generated from another spec version; generate again",
            )
        if self.progress:
            self.progress(table, 0, total)
        schema, name = self._staged(spec_table)
        cols = ", ".join(quote(c.name) for c in spec_table.columns)
        target = qualified(schema, name)
        return _Table(
            spec_table,
            target,
            name,
            total,
            f"INSERT INTO {target} ({cols}) SELECT {cols} FROM read_parquet(?)",
        )

    def _insert(self, table: str, state: _Table, last: bool) -> None:
        """Insert the files waiting: the first slice creates the side table and adds its keys
        after the rows (one pass to build each index), later slices go in a transaction each,
        into the committed keys (the connection stays open in between: reopening reads the
        index back)."""
        files, state.files = state.files, []
        try:
            if state.created and self._batch:
                self._commit()
            if not self._batch:
                self._open().execute("BEGIN")
            con = self.con
            self._batch.append(table)
            if not state.created:
                con.execute(f"DROP TABLE IF EXISTS {state.target}")
                con.execute(self.wh.create_sql(self.spec, state.spec, name=state.name, keys=False))
            got = _inserted(con, state.insert, files)
            state.inserted += got
            self._batch_rows += got
            if not state.created:
                state.created = True
                for clause in key_clauses(state.spec) if self.keys else []:
                    con.execute(f"ALTER TABLE {state.target} ADD {clause}")
                self._session_tables += 1
            if self.progress:
                self.progress(table, state.inserted, state.total)
            if not last:
                return
            if state.inserted != state.rows:
                raise self.wh.mismatch(table, state.rows, state.inserted, LoadPlan(self.run_dir))
            self.counts[table] = state.inserted
            del self._tables[table]
            self._session_rows += state.inserted
            if self._session_rows >= BATCH_ROWS or self._session_tables >= SESSION_TABLES:
                if not self._tables:  # a table half loaded keeps its connection (see above)
                    self._commit()
                    self._close()
            elif self._batch_rows >= BATCH_ROWS or len(self._batch) >= BATCH_TABLES:
                self._commit()
        except LoadError:
            self._rollback()
            raise
        except Exception as e:
            self._rollback()
            raise self._fail(table, e) from None

    def _commit(self) -> None:
        """COMMIT the batch (the connection stays open); the keys added in it are checked here,
        so a failure names the batch's tables that have keys."""
        try:
            self.con.execute("COMMIT")
        except Exception as e:
            keyed = [t for t in self._batch if key_clauses(self.tables[t])] or self._batch
            self._rollback()
            raise self._fail(", ".join(keyed), e) from None
        self._batch, self._batch_rows = [], 0

    def idle(self) -> None:
        """No table is waiting: commit the open batch and close the file, so that other
        processes can open it while the engine generates."""
        if self._batch:
            self._commit()  # a failure rolls the batch back and closes
        self._close()

    def _rollback(self) -> None:
        if self.con is not None:
            _rollback(self.con)
        self._batch, self._batch_rows = [], 0
        self._tables.clear()  # the load failed: nothing more is added
        self._close()

    def publish(self) -> dict[str, int]:
        if self._tables:  # the engine reported fewer rows than the tables have
            raise LoadError(
                f"tables not complete when the load was published: {', '.join(self._tables)}",
                where=str(self.run_dir),
                hint="generate the data again",
            )
        for key in self.tables:
            if key not in self.counts:
                self.add(key, [], 0)
        if self._batch:
            self._commit()
        con = self._open()  # the session's connection, if one is open
        con.execute("BEGIN")
        try:
            for table in self.spec.tables:
                schema, name = self.wh.place(self.spec, table)
                con.execute(f"DROP TABLE IF EXISTS {qualified(schema, name)}")
                staged = qualified(*self._staged(table))
                con.execute(f"ALTER TABLE {staged} RENAME TO {quote(name)}")
            con.execute("COMMIT")
        except Exception as e:
            _rollback(con)
            raise LoadError(
                f"publishing the loaded tables in DuckDB failed, the earlier data was kept: "
                f"{first_line(e)}",
                where=str(self.run_dir),
            ) from None
        finally:
            self._close()
        return {key: self.counts[key] for key in self.tables}

    def interrupt(self) -> None:
        con = self.con
        if con is not None:
            with contextlib.suppress(Exception):
                con.interrupt()

    def abort(self) -> None:
        """Drop every side table of the experiment's schemas (this load's or a killed one's)."""
        self._rollback()  # an open batch, or one an interrupt left aborted
        con = self._open()
        try:
            self._drop_side_tables(con)
        finally:
            self._close()

    def _drop_side_tables(self, con: Any) -> None:
        found = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE list_contains(?, table_schema) AND starts_with(table_name, ?)",
            [self.wh.schemas(self.spec), STAGED_PREFIX],
        ).fetchall()
        if not found:
            return
        con.execute("BEGIN")
        try:
            for schema, name in found:
                con.execute(f"DROP TABLE IF EXISTS {qualified(schema, name)}")
            con.execute("COMMIT")
        except Exception:
            _rollback(con)
            raise

    def close(self) -> None:
        self._close()


@dataclass
class _Table:
    """A table being loaded: its side table, its INSERT, its files waiting and rows so far."""

    spec: Table
    target: str
    name: str
    total: int  # rows the run has
    insert: str
    files: list[Path] = field(default_factory=list)
    rows: int = 0  # rows of the files received
    inserted: int = 0  # rows the INSERTs counted
    created: bool = False


def slices(files: Sequence[Path], rows: int) -> list[list[Path]]:
    """``files`` in groups of about ``BATCH_ROWS`` rows (a file's rows taken as the average),
    in order; always at least one group, empty when there are no files."""
    if not files:
        return [[]]
    per_file = max(1, rows // len(files))
    size = max(1, BATCH_ROWS // per_file)
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


def _inserted(con: Any, insert: str, files: Sequence[Path]) -> int:
    """Run ``insert`` over ``files``; the INSERT's own count of rows (0 without files)."""
    if not files:
        return 0
    row = con.execute(insert, [[literal_glob(str(f)) for f in files]]).fetchone()
    return int(row[0]) if row else 0


def _rollback(con: Any) -> None:
    # A COMMIT that failed has already ended the transaction (keys are checked there).
    with contextlib.suppress(Exception):
        con.execute("ROLLBACK")
