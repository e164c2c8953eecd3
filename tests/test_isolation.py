"""One experiment's open connection never blocks another: a DuckDB file per experiment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

import dwsim_nb as dw
from dwsim_nb.errors import WarehouseError
from dwsim_nb.warehouses import get_warehouse

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
DDL = "create table items (id int primary key, label varchar(20));"
# Another kernel: opens an experiment's file for writing, as %dwsim_use keeps it open.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import duckdb
    con = duckdb.connect(sys.argv[1])
    Path(sys.argv[2]).write_text("x")
    time.sleep(float(sys.argv[3]))
    con.close()
    """
)


def _hold(path: Path, marker: Path, seconds: float) -> subprocess.Popen[str]:
    script = marker.with_suffix(".py")
    script.write_text(HOLDER)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path), str(marker), str(seconds)],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def test_a_held_experiment_does_not_block_another(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = dw.Workspace(home)
    ws.import_sql(DDL, name="pagila").generate(rows={"items": 30}, seed=1)
    ws.import_sql(DDL, name="tasty").generate(rows={"items": 40}, seed=1)
    files = sorted(p.parent.name for p in (home / "duckdb").glob("*/warehouse.duckdb"))
    assert files == ["pagila", "tasty"]
    proc = _hold(home / "duckdb" / "pagila" / "warehouse.duckdb", tmp_path / "held", 6)
    try:
        ws2 = dw.Workspace(home)
        ws2._warehouses["duckdb"] = get_warehouse("duckdb", home, lock_wait=0.3)
        # The other experiment is free: query, generate and load it.
        assert ws2.experiment("tasty").query("select count(*) n from items")["n"][0] == 40
        assert ws2.experiment("tasty").generate(rows={"items": 50}, seed=2).status == "COMPLETED"
        assert ws2.experiment("tasty").query("select count(*) n from items")["n"][0] == 50
        # The held one says so.
        with pytest.raises(WarehouseError, match="another process keeps the file open"):
            ws2.experiment("pagila").query("select 1")
    finally:
        proc.communicate(timeout=60)
    pagila = dw.Workspace(home).experiment("pagila")
    assert pagila.query("select count(*) n from items")["n"][0] == 30


def test_older_shared_file_is_read_until_the_next_load(tmp_path: Path) -> None:
    """A workspace from before keeps every experiment in warehouse.duckdb: still queryable, and
    the next load moves the experiment into its own file."""
    home = tmp_path / "ws"
    shared = get_warehouse("duckdb", home, path=home / "warehouse.duckdb")
    ws = dw.Workspace(home)
    ws._warehouses["duckdb"] = shared
    exp = ws.import_sql(DDL, name="old")
    exp.generate(rows={"items": 12}, seed=1)
    assert not (home / "duckdb").exists()
    ws = dw.Workspace(home)  # today's layout
    exp = ws.experiment("old")
    assert exp.query("select count(*) n from items")["n"][0] == 12
    exp.generate(rows={"items": 7}, seed=2)
    assert (home / "duckdb" / "old" / "warehouse.duckdb").exists()
    assert exp.query("select count(*) n from items")["n"][0] == 7
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        left = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'old'"
        ).fetchone()
    assert left == (0,)


def test_delete_removes_the_experiments_file(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = dw.Workspace(home)
    ws.import_sql(DDL, name="gone").generate(rows={"items": 3}, seed=1)
    ws.import_sql(DDL, name="kept").generate(rows={"items": 3}, seed=1)
    ws.delete("gone")
    assert not (home / "duckdb" / "gone").exists()
    assert ws.experiment("kept").query("select count(*) n from items")["n"][0] == 3
