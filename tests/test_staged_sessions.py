"""The default warehouse's load opens its file once per session of tables, not once per batch
(opening and closing reads and checkpoints the whole catalog: once per 64 tables made a
3,000-table load quadratic), and lets the file go while the engine generates."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import dwsim_nb.experiment_load as experiment_load
import dwsim_nb.warehouses.duckdb_staged as staged_module
from dwsim_nb.warehouses.duckdb_staged import DuckDBStagedLoad
from dwsim_nb.workspace import Workspace

TABLES = 10


def _chain(tmp_path: Path) -> Any:
    ddl = ["CREATE TABLE t0 (id INT PRIMARY KEY, label VARCHAR(10));"]
    ddl += [
        f"CREATE TABLE t{i} (id INT PRIMARY KEY, p INT REFERENCES t{i - 1}(id));"
        for i in range(1, TABLES)
    ]
    return Workspace(tmp_path / "ws").import_sql("\n".join(ddl), dialect="postgres", name="c")


def test_batches_commit_inside_a_session_and_the_file_opens_once_per_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = _chain(tmp_path)
    monkeypatch.setattr(staged_module, "BATCH_TABLES", 2)
    monkeypatch.setattr(staged_module, "SESSION_TABLES", 4)
    monkeypatch.setattr(experiment_load, "IDLE_SECONDS", 3600.0)  # no release while waiting
    opens: list[int] = []
    commits: list[list[str]] = []
    real_open, real_commit = DuckDBStagedLoad._open, DuckDBStagedLoad._commit

    def counted_open(self: DuckDBStagedLoad) -> Any:
        if self.con is None:
            opens.append(len(self.counts))
        return real_open(self)

    def counted_commit(self: DuckDBStagedLoad) -> None:
        commits.append(list(self._batch))
        real_commit(self)

    monkeypatch.setattr(DuckDBStagedLoad, "_open", counted_open)
    monkeypatch.setattr(DuckDBStagedLoad, "_commit", counted_commit)
    rows = {f"t{i}": 5 for i in range(TABLES)}
    run = exp.generate(rows=rows, seed=1, workers=1, executor="inprocess")
    monkeypatch.undo()
    assert run.status == "COMPLETED" and run.loaded
    assert exp.table_counts() == rows
    # opened to clear side tables, then for tables 1-4, 5-8 and 9-10 (kept to publish)
    assert opens == [0, 0, 4, 8]
    # a batch never spans two sessions
    assert [len(b) for b in commits] == [2, 2, 2, 2, 2]


def test_the_loader_lets_the_file_go_while_the_engine_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = _chain(tmp_path)
    monkeypatch.setattr(experiment_load, "IDLE_SECONDS", 0.05)
    released = threading.Event()
    real_idle = DuckDBStagedLoad.idle

    def idle(self: DuckDBStagedLoad) -> None:
        real_idle(self)
        if self.counts and self.con is None:
            released.set()

    import dwsim_nb.engine.executors as executors

    real_block = executors.run_block
    seen: list[bool] = []

    def block(plan: Any, table: str, b: int, out: Any) -> int:
        if table == f"t{TABLES - 1}":  # the last table waits for the loader to let go
            seen.append(released.wait(10))
        return real_block(plan, table, b, out)

    monkeypatch.setattr(DuckDBStagedLoad, "idle", idle)
    monkeypatch.setattr(executors, "run_block", block)
    rows = {f"t{i}": 5 for i in range(TABLES)}
    run = exp.generate(rows=rows, seed=1, workers=1, executor="inprocess")
    monkeypatch.undo()
    assert seen == [True]
    assert run.status == "COMPLETED" and exp.table_counts() == rows
