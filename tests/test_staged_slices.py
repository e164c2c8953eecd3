"""A table bigger than a batch loads into DuckDB in slices of files, each slice committed on its
own into the side table that already holds the table's keys: memory stays about a slice's
worth (one INSERT of TPC-H SF1's lineitem then adding its key held 800 MB at COMMIT, slices of a
million rows 330 MB), and the keys still reject a duplicate between two slices."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim_nb.errors import DwsimError, LoadError
from dwsim_nb.warehouses import duckdb_staged
from dwsim_nb.warehouses.duckdb_staged import DuckDBStagedLoad, slices
from dwsim_nb.workspace import Workspace

DDL = "CREATE TABLE sale (id INT PRIMARY KEY, amount DECIMAL(10,2));"


def _parts(tmp_path: Path, chunks: list[pa.Table]) -> list[Path]:
    out = []
    for i, chunk in enumerate(chunks):
        path = tmp_path / "run" / "sale" / f"part-{i:06d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(chunk, path)
        out.append(path)
    return out


def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, pa.Table]:
    ws = Workspace(tmp_path / "ws")
    exp = ws.import_sql(DDL, dialect="postgres", name="shops")
    run = exp.generate(rows={"sale": 2_000}, seed=1, workers=1)
    table = pq.read_table(sorted(Path(run.path).glob("sale/*.parquet")))
    monkeypatch.setattr(duckdb_staged, "BATCH_ROWS", 500)
    return exp, table


def test_slices_group_files_by_rows_in_order() -> None:
    files = [Path(f"p{i}") for i in range(7)]
    assert slices(files, 7 * 300_000) == [files[0:3], files[3:6], files[6:7]]
    assert slices([], 0) == [[]]


def test_a_big_table_commits_slice_by_slice_and_keeps_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp, table = _setup(tmp_path, monkeypatch)
    files = _parts(tmp_path, [table.slice(i, 500) for i in range(0, 2_000, 500)])
    commits: list[list[str]] = []
    commit = DuckDBStagedLoad._commit

    def counting(self: DuckDBStagedLoad) -> None:
        commits.append(list(self._batch))
        commit(self)

    monkeypatch.setattr(DuckDBStagedLoad, "_commit", counting)
    staged = exp.warehouse.open_staged_load(exp.spec, tmp_path / "run")
    try:
        assert staged.add("sale", files, 2_000) == 2_000
        assert staged.publish() == {"sale": 2_000}
    finally:
        staged.close()
    assert commits == [["sale"]] * 4
    got = exp.query("SELECT count(*) AS n, sum(id) AS s FROM sale")
    want = sum(table.column("id").to_pylist())
    assert (int(got["n"].iloc[0]), int(got["s"].iloc[0])) == (2_000, want)
    with pytest.raises(DwsimError):
        exp.query("INSERT INTO sale SELECT * FROM sale LIMIT 1")


def test_a_duplicate_key_in_a_later_slice_fails_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp, table = _setup(tmp_path, monkeypatch)
    before = exp.table_counts()
    chunks = [table.slice(i, 500) for i in range(0, 1_500, 500)] + [table.slice(0, 500)]
    files = _parts(tmp_path, chunks)
    staged = exp.warehouse.open_staged_load(exp.spec, tmp_path / "run")
    try:
        with pytest.raises(LoadError, match="table sale"):
            staged.add("sale", files, 2_000)
        staged.abort()
    finally:
        staged.close()
    assert exp.table_counts() == before


def test_the_load_runs_under_its_memory_limit_and_puts_back_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp, table = _setup(tmp_path, monkeypatch)
    files = _parts(tmp_path, [table.slice(i, 500) for i in range(0, 2_000, 500)])
    probe = duckdb.connect()
    probe.execute(f"SET memory_limit = '{duckdb_staged.LOAD_MEMORY_LIMIT}'")
    limit = probe.execute("SELECT current_setting('memory_limit')").fetchone()
    probe.close()
    # A notebook's connection to the same file shares the database's settings.
    held = duckdb.connect(str(exp.warehouse.own_file(exp.spec)))
    before = held.execute("SELECT current_setting('memory_limit')").fetchone()
    seen: list[Any] = []
    inserted = duckdb_staged._inserted

    def spy(con: Any, insert: str, parts: Any) -> int:
        seen.append(con.execute("SELECT current_setting('memory_limit')").fetchone())
        return inserted(con, insert, parts)

    monkeypatch.setattr(duckdb_staged, "_inserted", spy)
    try:
        staged = exp.warehouse.open_staged_load(exp.spec, tmp_path / "run")
        try:
            staged.add("sale", files, 2_000)
            staged.publish()
        finally:
            staged.close()
        assert seen == [limit] * 4
        assert held.execute("SELECT current_setting('memory_limit')").fetchone() == before
    finally:
        held.close()


def test_blocks_reported_as_generated_wait_for_a_slice_then_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``add_rows`` takes a table's files as its blocks are written: they wait until they make
    a slice (here 500 rows), so the first slices load before the table's last block exists."""
    exp, table = _setup(tmp_path, monkeypatch)
    files = _parts(tmp_path, [table.slice(i, 250) for i in range(0, 2_000, 250)])
    loads: list[int] = []
    inserted = duckdb_staged._inserted

    def spy(con: Any, insert: str, parts: Any) -> int:
        loads.append(len(parts))
        return inserted(con, insert, parts)

    monkeypatch.setattr(duckdb_staged, "_inserted", spy)
    staged = exp.warehouse.open_staged_load(exp.spec, tmp_path / "run")
    try:
        for i, f in enumerate(files):
            staged.add_rows("sale", [f], 250, 2_000)
            # two blocks of 250 make a slice; the table is complete with the eighth
            assert loads == [2] * ((i + 1) // 2), i
            assert ("sale" in staged.counts) == (i == len(files) - 1)
        assert staged.publish() == {"sale": 2_000}
    finally:
        staged.close()
    got = exp.query("SELECT count(*) AS n, sum(id) AS s FROM sale")
    assert int(got["n"].iloc[0]) == 2_000
    assert int(got["s"].iloc[0]) == sum(table.column("id").to_pylist())


def test_a_table_still_loading_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp, table = _setup(tmp_path, monkeypatch)
    before = exp.table_counts()
    files = _parts(tmp_path, [table.slice(0, 500)])
    staged = exp.warehouse.open_staged_load(exp.spec, tmp_path / "run")
    try:
        staged.add_rows("sale", files, 500, 2_000)
        with pytest.raises(LoadError, match=r"not complete.*sale"):
            staged.publish()
        staged.abort()
    finally:
        staged.close()
    assert exp.table_counts() == before


def test_a_big_table_loads_while_its_later_blocks_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the engine: the first slice of a table is in DuckDB before the engine writes
    the table's last block (the engine reports blocks in order as they are written)."""
    ws = Workspace(tmp_path / "ws")
    exp = ws.import_sql(DDL, dialect="postgres", name="shops")
    monkeypatch.setattr(duckdb_staged, "BATCH_ROWS", 1_000)
    import dwsim_nb.engine.executors as executors
    import dwsim_nb.engine.plan as plan

    monkeypatch.setattr(plan, "DEFAULT_BLOCK_SIZE", 1_000)  # 4 blocks of 1,000 rows
    events: list[str] = []
    inserted = duckdb_staged._inserted
    first_slice = threading.Event()

    def spy(con: Any, insert: str, parts: Any) -> int:
        got = inserted(con, insert, parts)
        events.append(f"insert {len(parts)}")
        first_slice.set()
        return got

    real_block = executors.run_block

    def block(plan: Any, table: str, b: int, out: Any) -> int:
        if b == 3:
            # bounded wait for the loader: if it only started after the last block, this
            # times out and the last block comes before any insert
            first_slice.wait(10)
        events.append(f"block {b}")
        return real_block(plan, table, b, out)

    monkeypatch.setattr(duckdb_staged, "_inserted", spy)
    monkeypatch.setattr(executors, "run_block", block)
    run = exp.generate(rows={"sale": 4_000}, seed=1, workers=1, executor="inprocess")
    assert run.loaded and exp.table_counts() == {"sale": 4_000}
    blocks = [e for e in events if e.startswith("block")]
    assert len(blocks) >= 2, events
    assert events.index("insert 1") < events.index(blocks[-1]), events
