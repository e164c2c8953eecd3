"""The workspace catalog: experiments, their spec versions and their runs, in SQLite (WAL).

Several processes (two notebooks, a notebook and the CLI) may share one workspace. Every write is
one ``BEGIN IMMEDIATE`` transaction, so writers queue instead of failing, and readers never see a
half-written change. A run left RUNNING by a process that died is marked ABORTED on the next access
(:meth:`Catalog.recover_dead_runs`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dwsim_nb.errors import CatalogError, NotFoundError, did_you_mean
from dwsim_nb.locks import pid_alive, this_process
from dwsim_nb.run import Run

_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    name TEXT PRIMARY KEY,
    warehouse TEXT NOT NULL,
    dialect TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    current_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS spec_versions (
    experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    spec_json TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (experiment, version)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'ABORTED')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seed INTEGER,
    spec_hash TEXT,
    spec_version INTEGER,
    rows_json TEXT NOT NULL DEFAULT '{}',
    timings_json TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    traceback TEXT,
    pid INTEGER,
    pid_create_time REAL,
    host TEXT,
    path TEXT,
    loaded INTEGER NOT NULL DEFAULT 0,
    number INTEGER
);
CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs (experiment, id);
"""
# Catalogs written before runs were numbered per experiment: add the column and number their
# runs 1, 2, 3 ... per experiment in the order they were started.
_NUMBERED = """
UPDATE runs SET number = (
    SELECT COUNT(*) FROM runs AS r WHERE r.experiment = runs.experiment AND r.id <= runs.id
) WHERE number IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS runs_by_number ON runs (experiment, number);
"""


def _open_error(e: sqlite3.Error, path: Path) -> CatalogError:
    """Why the catalog cannot be opened, in words (a read-only folder is the usual cause)."""
    import os

    folder = path.parent
    read_only = folder.exists() and not os.access(folder, os.W_OK)
    if not read_only:
        try:
            read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except OSError:
            read_only = False
    reason = " (the workspace folder is read-only)" if read_only else ""
    return CatalogError(
        f"cannot open the catalog: {e}{reason}.",
        where=str(path),
        hint="check that the workspace folder exists and is writable, or point DWSIM_HOME "
        "(--home) at a writable folder",
    )


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ExperimentRecord:
    """An experiment's row in the catalog (the spec itself is in ``spec_versions``)."""

    name: str
    warehouse: str
    dialect: str
    created_at: str
    updated_at: str
    current_version: int


class Catalog:
    """The catalog at ``<home>/catalog.sqlite``. Open a connection per call: cheap, and safe
    across threads and forked processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._connect() as con:
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(_SCHEMA)
                columns = {r["name"] for r in con.execute("PRAGMA table_info(runs)")}
                if "number" not in columns:
                    con.execute("ALTER TABLE runs ADD COLUMN number INTEGER")
                con.executescript(_NUMBERED)
            except sqlite3.Error as e:
                raise _open_error(e, self.path) from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as e:
            raise _open_error(e, self.path) from None
        try:
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA busy_timeout=30000")
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front, so two processes
        that read-then-write cannot both decide on stale data."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # --- experiments -------------------------------------------------------------------------

    def add_experiment(
        self, name: str, warehouse: str, dialect: str, spec_json: str, spec_hash: str
    ) -> ExperimentRecord:
        now = _now()
        with self.transaction() as con:
            if con.execute("SELECT 1 FROM experiments WHERE name = ?", (name,)).fetchone():
                raise CatalogError(
                    f"experiment {name!r} already exists.",
                    hint=f"pick another name, or delete it first (dwsim delete {name})",
                )
            con.execute(
                "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, 1)",
                (name, warehouse, dialect, now, now),
            )
            con.execute(
                "INSERT INTO spec_versions VALUES (?, 1, ?, ?, ?)",
                (name, spec_json, spec_hash, now),
            )
        return self.experiment(name)

    def experiment(self, name: str) -> ExperimentRecord:
        with self._connect() as con:
            row = con.execute("SELECT * FROM experiments WHERE name = ?", (name,)).fetchone()
            if row is None:
                names = [r[0] for r in con.execute("SELECT name FROM experiments ORDER BY name")]
        if row is None:
            known = ", ".join(names) if names else "none yet"
            raise NotFoundError(
                f"no experiment named {name!r} (known: {known}).",
                hint=did_you_mean(name, names)
                + "check the name with `dwsim list`, or create it with `dwsim import-sql`",
            )
        return ExperimentRecord(**dict(row))

    def experiments(self) -> list[ExperimentRecord]:
        with self._connect() as con:
            rows = con.execute("SELECT * FROM experiments ORDER BY name").fetchall()
        return [ExperimentRecord(**dict(r)) for r in rows]

    def spec_json(self, name: str, version: int | None = None) -> str:
        with self._connect() as con:
            if version is None:
                row = con.execute(
                    "SELECT s.spec_json FROM spec_versions s JOIN experiments e "
                    "ON e.name = s.experiment AND e.current_version = s.version WHERE e.name = ?",
                    (name,),
                ).fetchone()
            else:
                row = con.execute(
                    "SELECT spec_json FROM spec_versions WHERE experiment = ? AND version = ?",
                    (name, version),
                ).fetchone()
        if row is None:
            raise NotFoundError(f"experiment {name!r} has no spec version {version or 'current'}.")
        return str(row[0])

    def add_spec_version(
        self, name: str, spec_json: str, spec_hash: str, dialect: str, warehouse: str
    ) -> int:
        with self.transaction() as con:
            row = con.execute(
                "SELECT current_version FROM experiments WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no experiment named {name!r}.")
            version = int(row[0]) + 1
            now = _now()
            con.execute(
                "INSERT INTO spec_versions VALUES (?, ?, ?, ?, ?)",
                (name, version, spec_json, spec_hash, now),
            )
            con.execute(
                "UPDATE experiments SET current_version = ?, updated_at = ?, dialect = ?, "
                "warehouse = ? WHERE name = ?",
                (version, now, dialect, warehouse, name),
            )
            # The loaded data no longer matches the new tables.
            con.execute("UPDATE runs SET loaded = 0 WHERE experiment = ?", (name,))
        return version

    def delete_experiment(self, name: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM experiments WHERE name = ?", (name,))

    # --- runs --------------------------------------------------------------------------------

    def start_run(
        self, experiment: str, seed: int | None, spec_hash: str, spec_version: int
    ) -> Run:
        """A new RUNNING run, numbered after the experiment's last one (1 for its first)."""
        pid, ctime, host = this_process()
        with self.transaction() as con:
            (number,) = con.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE experiment = ?",
                (experiment,),
            ).fetchone()
            con.execute(
                "INSERT INTO runs (experiment, number, status, started_at, seed, spec_hash,"
                " spec_version, pid, pid_create_time, host)"
                " VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?)",
                (experiment, number, _now(), seed, spec_hash, spec_version, pid, ctime, host),
            )
        return self.run(experiment, int(number))

    # Writes name a run by its catalog key (``Run.key``): unique across experiments.

    def update_run(self, run_key: int, **fields: Any) -> None:
        """Set columns of a run; ``rows``/``timings`` dicts are stored as JSON."""
        if fields:
            with self.transaction() as con:
                _update_run(con, run_key, fields)

    def finish_run(self, run_key: int, status: str, *, loaded: bool = False, **fields: Any) -> None:
        """Set a run's final status (and columns). ``loaded``: its data is in the warehouse now,
        recorded in the same transaction as the status, so a kill between the two cannot leave
        a run ABORTED (its folder then removed) yet marked as the loaded one."""
        with self.transaction() as con:
            _update_run(con, run_key, {"status": status, "finished_at": _now(), **fields})
            if loaded:
                _mark_loaded(con, run_key)

    def set_loaded(self, experiment: str, run_key: int | None, **fields: Any) -> None:
        """Record which run's data is in the warehouse now (None: nothing is), and set columns
        of that run in the same transaction."""
        with self.transaction() as con:
            if run_key is None:
                con.execute("UPDATE runs SET loaded = 0 WHERE experiment = ?", (experiment,))
                return
            _update_run(con, run_key, fields)
            _mark_loaded(con, run_key)

    def run(self, experiment: str, run_id: int) -> Run:
        """Run number ``run_id`` of the experiment (runs are numbered 1, 2, 3 ... each)."""
        with self._connect() as con:
            row = con.execute(
                "SELECT * FROM runs WHERE experiment = ? AND number = ?", (experiment, run_id)
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"experiment {experiment!r} has no run {run_id}.",
                hint=f"list its runs with `dwsim runs {experiment}`",
            )
        return _to_run(row)

    def runs(self, experiment: str) -> list[Run]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM runs WHERE experiment = ? ORDER BY number", (experiment,)
            ).fetchall()
        return [_to_run(r) for r in rows]

    def recover_dead_runs(self, experiment: str | None = None) -> list[int]:
        """Mark ABORTED every RUNNING run whose process is gone; returns their catalog keys."""
        where = "status = 'RUNNING'" + (" AND experiment = ?" if experiment else "")
        args: tuple[Any, ...] = (experiment,) if experiment else ()
        with self._connect() as con:
            rows = con.execute(
                f"SELECT id, pid, pid_create_time, host FROM runs WHERE {where}", args
            ).fetchall()
        dead = [r["id"] for r in rows if not pid_alive(r["pid"], r["pid_create_time"], r["host"])]
        if dead:
            with self.transaction() as con:
                for run_id in dead:
                    con.execute(
                        "UPDATE runs SET status = 'ABORTED', finished_at = ?, error = "
                        "COALESCE(error, 'the process running it stopped before it finished') "
                        "WHERE id = ? AND status = 'RUNNING'",
                        (_now(), run_id),
                    )
        return dead

    def live_running_run(self, experiment: str) -> Run | None:
        """A RUNNING run whose process is alive (after dead ones were marked ABORTED)."""
        self.recover_dead_runs(experiment)
        for run in self.runs(experiment):
            if run.status == "RUNNING":
                return run
        return None


def _update_run(con: sqlite3.Connection, run_id: int, fields: dict[str, Any]) -> None:
    if "rows" in fields:
        fields["rows_json"] = json.dumps(fields.pop("rows"))
    if "timings" in fields:
        fields["timings_json"] = json.dumps(fields.pop("timings"))
    if fields:
        names = ", ".join(f"{k} = ?" for k in fields)
        con.execute(f"UPDATE runs SET {names} WHERE id = ?", (*fields.values(), run_id))


def _mark_loaded(con: sqlite3.Connection, run_id: int) -> None:
    """This run is the loaded one of its experiment, and no other is."""
    con.execute(
        "UPDATE runs SET loaded = (id = ?) WHERE experiment = "
        "(SELECT experiment FROM runs WHERE id = ?)",
        (run_id, run_id),
    )


def _to_run(row: sqlite3.Row) -> Run:
    return Run(
        id=row["number"],
        key=row["id"],
        experiment=row["experiment"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        seed=row["seed"],
        spec_hash=row["spec_hash"],
        spec_version=row["spec_version"],
        rows=json.loads(row["rows_json"] or "{}"),
        timings=json.loads(row["timings_json"] or "{}"),
        error=row["error"],
        traceback=row["traceback"],
        pid=row["pid"],
        host=row["host"],
        path=row["path"],
        loaded=bool(row["loaded"]),
    )
