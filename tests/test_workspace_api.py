"""The Workspace / Experiment facade end to end: DDL import, generation, load, query, reset,
update, delete, failures that keep earlier data, exports."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

import dwsim_nb as dw
from dwsim_nb.errors import (
    BusyError,
    GenerationError,
    LoadError,
    NotFoundError,
    QueryError,
)
from dwsim_nb.workspace import Experiment, Workspace

DDL = """
CREATE TABLE customers (
    customer_id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(100),
    created_at TIMESTAMP
) DISTSTYLE ALL;
CREATE TABLE orders (
    order_id BIGINT NOT NULL DISTKEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    amount DECIMAL(10,2),
    PRIMARY KEY (order_id)
) SORTKEY (order_id);
"""
ROWS = {"customers": 100, "orders": 300}


@pytest.fixture
def ws(home: Path) -> Workspace:
    return dw.Workspace()


@pytest.fixture
def exp(ws: Workspace) -> Experiment:
    return ws.import_sql(DDL, name="shop", dialect="redshift")


def test_workspace_folder_is_private_and_from_env(home: Path, ws: Workspace) -> None:
    assert ws.home == home.absolute()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert (home / "catalog.sqlite").exists()


def test_generate_loads_and_queries(exp: Experiment) -> None:
    run = exp.generate(rows=ROWS, seed=7)
    assert run.status == "COMPLETED" and run.loaded
    assert run.rows == ROWS and run.seed == 7
    assert Path(run.path or "").is_dir() and "generate" in run.timings and "load" in run.timings
    assert exp.table_counts() == ROWS
    df = exp.query("select top 3 customer_id, count(*) as n from orders group by 1 order by 2 desc")
    assert list(df.columns) == ["customer_id", "n"] and len(df) == 3
    # orphans: every order's customer exists
    orphans = exp.query("select count(*) as n from orders o left join customers c "
                        "on c.customer_id = o.customer_id where c.customer_id is null")
    assert int(orphans["n"][0]) == 0
    assert "shop" in repr(exp) and "COMPLETED" in repr(run)
    assert run.to_dict()["total_rows"] == 400


def test_same_seed_same_data(exp: Experiment) -> None:
    exp.generate(rows=ROWS, seed=3)
    a = exp.query("select * from orders order by order_id")
    exp.generate(rows=ROWS, seed=3)
    b = exp.query("select * from orders order by order_id")
    assert a.equals(b)


def test_generate_without_load_then_load_latest(exp: Experiment) -> None:
    first = exp.generate(rows=ROWS, seed=1)
    second = exp.generate(rows={"customers": 10, "orders": 20}, seed=2, load=False)
    assert not second.loaded and exp.table_counts() == ROWS
    assert exp.load().id == second.id
    assert exp.table_counts() == {"customers": 10, "orders": 20}
    exp.load(run_id=first.id)
    assert exp.loaded_run().id == first.id  # type: ignore[union-attr]


def test_failed_generation_keeps_data_and_records_the_error(
    exp: Experiment, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = exp.generate(rows=ROWS, seed=1)
    import dwsim_nb.engine

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dwsim_nb.engine, "generate_run", boom)
    with pytest.raises(GenerationError, match="disk on fire"):
        exp.generate(rows=ROWS)
    failed = exp.runs()[-1]
    assert failed.status == "FAILED" and "disk on fire" in (failed.error or "")
    assert "RuntimeError" in (failed.traceback or "")
    assert exp.table_counts() == ROWS and exp.loaded_run().id == good.id  # type: ignore[union-attr]
    assert not list(exp.runs_dir.glob(".run_*"))


def test_failed_load_keeps_data(exp: Experiment) -> None:
    exp.generate(rows=ROWS, seed=1)
    second = exp.generate(rows={"customers": 5, "orders": 5}, seed=2, load=False)
    manifest_path = Path(second.path or "") / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["orders"]["rows"] = 6
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(LoadError, match="orders"):
        exp.load(second.id)
    assert exp.table_counts() == ROWS
    assert exp.loaded_run().id != second.id  # type: ignore[union-attr]


def test_reset_update_and_delete(ws: Workspace, exp: Experiment) -> None:
    exp.generate(rows=ROWS, seed=1)
    exp.reset()
    assert exp.table_counts() == {"customers": 0, "orders": 0} and exp.loaded_run() is None
    spec = exp.spec.to_dict()
    spec["tables"][0]["columns"].append({"name": "vip", "data_type": "BOOLEAN"})
    exp.update(spec)
    assert exp.spec_version == 2
    assert "vip" in exp.query("select * from customers").columns
    with pytest.raises(LoadError, match="spec version"):
        exp.load()
    ws.delete("shop")
    assert not (ws.runs_dir / "shop").exists()
    with pytest.raises(NotFoundError, match="shop"):
        ws.experiment("shop")
    assert ws.experiments() == []


def test_busy_while_another_operation_holds_the_experiment(ws: Workspace, exp: Experiment) -> None:
    other = Workspace(ws.home)  # a second opener, as another notebook would be
    with other.lock("shop").hold("generate"), pytest.raises(
        BusyError, match=r"experiment shop is being generated by process \d+ since"
    ):
        exp.generate(rows=ROWS)
    with pytest.raises(BusyError), other.lock("shop").hold("load"):
        exp.reset()


def test_exports_and_saved_query(exp: Experiment, tmp_path: Path) -> None:
    exp.generate(rows=ROWS, seed=1)
    sql = "select customer_id, email from customers order by customer_id"
    csv = exp.export_query(sql, tmp_path / "out.csv")
    assert csv.read_text().splitlines()[0].replace('"', "") == "customer_id,email"
    import pyarrow.parquet as pq

    assert pq.read_table(exp.export_query(sql, tmp_path / "out.parquet")).num_rows == 100
    saved = exp.save_query(sql, tmp_path / "q.sql")
    assert saved.read_text() == sql + "\n"
    with pytest.raises(QueryError, match=r"\.csv or \.parquet"):
        exp.export_query(sql, tmp_path / "out.xlsx")


def test_query_errors_are_query_errors(exp: Experiment) -> None:
    with pytest.raises(QueryError) as info:
        exp.query("select *\nfrom customers\nwhere (")
    assert info.value.line == 3


def test_create_from_spec_and_duplicate_name(ws: Workspace) -> None:
    spec = {"name": "tiny", "dialect": "duckdb", "target_warehouse": "sqlite",
            "tables": [{"name": "t", "target_rows": 5,
                        "columns": [{"name": "id", "data_type": "INT"}]}]}
    exp = ws.create(spec)
    assert exp.warehouse_name == "sqlite"
    assert exp.generate(seed=1).rows == {"t": 5}
    assert int(exp.query("select count(*) as n from t")["n"][0]) == 5
    with pytest.raises(dw.CatalogError, match="already exists"):
        ws.create(spec)
