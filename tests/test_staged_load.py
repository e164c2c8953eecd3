"""The default warehouse's load while generating: tables load as they finish, into side tables
committed one by one, published together. A failure anywhere before publishing leaves the
previous run's data queryable and the run FAILED; progress still reports every table."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.errors import DwsimError
from dwsim_nb.warehouses.duckdb_staged import STAGED_PREFIX, DuckDBStagedLoad
from dwsim_nb.workspace import Workspace

DDL = """
CREATE TABLE region (id INT PRIMARY KEY, name VARCHAR(20));
CREATE TABLE shop (id INT PRIMARY KEY, region_id INT REFERENCES region(id), name VARCHAR(30));
CREATE TABLE sale (id INT PRIMARY KEY, shop_id INT REFERENCES shop(id), amount DECIMAL(10,2));
"""
FIRST = {"region": 5, "shop": 50, "sale": 2_000}
SECOND = {"region": 7, "shop": 80, "sale": 30_000}


def _experiment(tmp_path: Path) -> Any:
    ws = Workspace(tmp_path / "ws")
    exp = ws.import_sql(DDL, dialect="postgres", name="shops")
    exp.generate(rows=FIRST, seed=1, workers=1)
    return exp


def _snapshot(exp: Any) -> dict[str, tuple[int, float]]:
    out = {}
    for table in FIRST:
        df = exp.query(f"SELECT count(*) AS n, sum(id) AS s FROM {table}")
        out[table] = (int(df["n"].iloc[0]), float(df["s"].iloc[0]))
    return out


def _tables_in_file(exp: Any) -> list[str]:
    path = exp.warehouse.own_file(exp.spec)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    finally:
        con.close()
    return sorted(r[0] for r in rows)


def test_a_generation_failure_after_tables_loaded_keeps_the_previous_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = _experiment(tmp_path)
    before = _snapshot(exp)
    added: list[str] = []
    real_add = DuckDBStagedLoad.add_rows

    def add(self: DuckDBStagedLoad, table: str, files: Any, rows: int, total: int) -> None:
        real_add(self, table, files, rows, total)
        if table in self.counts:
            added.append(table)

    import dwsim_nb.engine.executors as executors

    real_block = executors.run_block

    def failing_block(plan: Any, table: str, block: int, out: Any) -> int:
        if table == "sale":
            # the parents are generated and handed to the loader: wait until it committed them
            for _ in range(500):
                if len(added) >= 2:
                    break
                threading.Event().wait(0.01)
            raise OSError("disk full (injected)")
        return real_block(plan, table, block, out)

    monkeypatch.setattr(DuckDBStagedLoad, "add_rows", add)
    monkeypatch.setattr(executors, "run_block", failing_block)
    with pytest.raises(DwsimError, match="disk full"):
        exp.generate(rows=SECOND, seed=2, workers=1, executor="inprocess")
    monkeypatch.undo()

    assert sorted(added) == ["region", "shop"]  # loaded into side tables before the failure
    run = exp.runs()[-1]
    assert run.status == "FAILED" and "disk full" in (run.error or "")
    assert _snapshot(exp) == before
    assert exp.table_counts() == FIRST
    assert not [t for t in _tables_in_file(exp) if t.startswith(STAGED_PREFIX)]
    # and the next run loads
    exp.generate(rows=SECOND, seed=3, workers=1)
    assert exp.table_counts() == SECOND


def test_a_load_failure_stops_generation_and_keeps_the_previous_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = _experiment(tmp_path)
    before = _snapshot(exp)
    real_add = DuckDBStagedLoad.add_rows

    def add(self: DuckDBStagedLoad, table: str, files: Any, rows: int, total: int) -> None:
        if table == "shop":
            # what a truncated file does: fewer rows than the engine says it wrote
            return real_add(self, table, files, rows + 1, total + 1)
        return real_add(self, table, files, rows, total)

    monkeypatch.setattr(DuckDBStagedLoad, "add_rows", add)
    with pytest.raises(DwsimError, match="table shop"):
        exp.generate(rows=SECOND, seed=2, workers=1)
    monkeypatch.undo()
    run = exp.runs()[-1]
    assert run.status == "FAILED" and run.path is None
    assert _snapshot(exp) == before
    assert not [t for t in _tables_in_file(exp) if t.startswith(STAGED_PREFIX)]


def test_tables_load_while_later_tables_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first tables are committed before the last table's blocks are generated."""
    exp = _experiment(tmp_path)
    loaded = threading.Event()
    real_add = DuckDBStagedLoad.add_rows

    def add(self: DuckDBStagedLoad, table: str, files: Any, rows: int, total: int) -> None:
        real_add(self, table, files, rows, total)
        if table == "shop" and table in self.counts:
            loaded.set()

    import dwsim_nb.engine.executors as executors

    real_block = executors.run_block
    seen_loaded: list[bool] = []

    def block(plan: Any, table: str, b: int, out: Any) -> int:
        if table == "sale":
            # generation of the last table waits (bounded) for the loader: without overlap
            # the loader would only start after this returns, and the wait would time out
            seen_loaded.append(loaded.wait(10))
        return real_block(plan, table, b, out)

    monkeypatch.setattr(DuckDBStagedLoad, "add_rows", add)
    monkeypatch.setattr(executors, "run_block", block)
    run = exp.generate(rows=SECOND, seed=2, workers=1, executor="inprocess")
    monkeypatch.undo()
    assert seen_loaded and seen_loaded[0] is True
    assert run.status == "COMPLETED" and run.loaded
    assert exp.table_counts() == SECOND


def test_loaded_rows_are_the_run_files_and_keys_stay_declared(tmp_path: Path) -> None:
    exp = _experiment(tmp_path)
    run = exp.generate(rows=SECOND, seed=2, workers=1)
    path = exp.warehouse.own_file(exp.spec)
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table in SECOND:
            files = sorted(str(p) for p in Path(run.path).glob(f"{table}/*.parquet"))
            want = con.execute(
                "SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet(?)", [files]
            ).fetchone()
            got = con.execute(
                f'SELECT count(*), sum(hash(COLUMNS(*))) FROM shops."{table}"'
            ).fetchone()
            assert got == want, table
        keys = con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    finally:
        con.close()
    assert sorted(k[0] for k in keys) == sorted(SECOND)
    with pytest.raises(DwsimError):
        exp.query("INSERT INTO sale SELECT * FROM sale LIMIT 1")


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def __call__(self, table: str, done: int, total: int) -> None:
        with self.lock:
            self.events.append((table, done, total))

    def stage(self, name: str) -> None:
        with self.lock:
            self.events.append(("stage", name))


def test_progress_reports_each_table_per_stage_in_order(tmp_path: Path) -> None:
    exp = _experiment(tmp_path)
    rec = _Recorder()
    exp.generate(rows=SECOND, seed=2, workers=1, progress=rec)
    stages = [i for i, e in enumerate(rec.events) if e[0] == "stage"]
    assert [rec.events[i][1] for i in stages] == ["generate", "load"]
    generating = rec.events[stages[0] + 1 : stages[1]]
    loading = rec.events[stages[1] + 1 :]
    for table, rows in SECOND.items():
        assert (table, rows, rows) in generating
        assert loading.count((table, rows, rows)) == 1
        assert loading.index((table, 0, rows)) < loading.index((table, rows, rows))


def test_side_tables_a_killed_load_left_are_removed(tmp_path: Path) -> None:
    exp = _experiment(tmp_path)
    path = exp.warehouse.own_file(exp.spec)
    con = duckdb.connect(str(path))
    con.execute(f'CREATE TABLE shops."{STAGED_PREFIX}sale" (id INT)')
    con.close()
    exp.generate(rows=SECOND, seed=2, workers=1)
    assert _tables_in_file(exp) == sorted(SECOND)
    assert exp.table_counts() == SECOND
