"""Fast paths must give the same values as the slow paths they replace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from dwsim_nb.engine.context import _decimal_from_numpy, _int_to_decimal, to_arrow
from dwsim_nb.spec.models import Column, ExperimentSpec


@pytest.mark.parametrize(("precision", "scale"), [(4, 2), (12, 2), (18, 4), (38, 6), (10, 0)])
def test_float_to_decimal_matches_arrow(precision: int, scale: int) -> None:
    rng = np.random.default_rng(precision * 100 + scale)
    typ = pa.decimal128(precision, scale)
    top = min(10.0 ** (precision - scale) / 4, 1e9)
    x = rng.uniform(-top, top, 50_000)
    # Exact ties at the scale, where half-to-even rounding shows.
    x = np.concatenate([x, np.round(x, scale) + 0.5 * 10.0**-scale])
    x = x[np.abs(x) < 10.0 ** (precision - scale) - 1]
    fast = _decimal_from_numpy(x, typ)
    assert fast is not None
    assert fast.equals(pc.cast(pc.round(pa.array(x), scale), typ, safe=False))


def test_int_to_decimal_matches_arrow() -> None:
    typ = pa.decimal128(9, 3)
    i = np.random.default_rng(1).integers(-99_999, 99_999, 10_000)
    fast = _decimal_from_numpy(i, typ)
    assert fast is not None
    assert fast.equals(_int_to_decimal(pa.array(i), typ))


def test_values_outside_the_precision_take_arrows_path() -> None:
    typ = pa.decimal128(4, 2)
    assert _decimal_from_numpy(np.array([12.5, 100.0]), typ) is None
    assert _decimal_from_numpy(np.array([1.0, np.nan]), typ) is None
    assert _decimal_from_numpy(pa.array([1.0, None]), typ) is None
    col = Column(name="d", data_type="DECIMAL")
    out = to_arrow(np.array([1.005, 2.5, 99.994]), col, typ)
    assert out.to_pylist() == pc.cast(pa.array([1.0, 2.5, 99.99]), typ).to_pylist()


def test_spec_table_lookup_follows_changes_to_the_list() -> None:
    from dwsim_nb.ddl import import_sql

    spec = import_sql(
        "CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (id INT PRIMARY KEY);",
        dialect="postgres",
        name="x",
    )
    copy = spec.model_copy(deep=True)
    assert spec.table("b") is spec.tables[1]
    assert spec.table("B") is spec.tables[1]
    assert spec == copy  # the lookup index is not part of the model
    spec.tables.reverse()
    assert spec.table("b") is spec.tables[0]
    spec.tables[0].name = "c"
    assert spec.table("c") is spec.tables[0]
    with pytest.raises(KeyError):
        spec.table("b")
    spec.tables.append(copy.tables[1])
    assert spec.table("b") is spec.tables[2]


def test_fk_order_places_parents_first_in_waves_and_breaks_cycles() -> None:
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine.layout import fk_order

    chain = "\n".join(
        ["CREATE TABLE t0 (id INT PRIMARY KEY);"]
        + [
            f"CREATE TABLE t{i} (id INT PRIMARY KEY, p INT REFERENCES t{i - 1}(id));"
            for i in range(1, 400)
        ]
    )
    # Written children first: the order must still put every parent before its child.
    reversed_ddl = "\n".join(reversed(chain.splitlines()))
    spec = import_sql(reversed_ddl, dialect="postgres", name="chain")
    assert fk_order(spec) == [f"t{i}" for i in range(400)]
    cyc = import_sql(
        "CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES b(id));\n"
        "CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a(id));\n"
        "CREATE TABLE c (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a(id));\n"
        "CREATE TABLE d (id INT PRIMARY KEY);",
        dialect="postgres",
        name="cyc",
    )
    # d has no parents (first wave); the a<->b cycle is broken at the first written, a.
    assert fk_order(cyc) == ["d", "a", "b", "c"]


def test_pool_workers_take_the_plan_once_and_match_in_process(tmp_path) -> None:
    import pyarrow.parquet as pq

    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine import generate_run

    spec = import_sql(
        "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20));\n"
        "CREATE TABLE c (id INT PRIMARY KEY, p_id INT NOT NULL REFERENCES p(id), qty INT);",
        dialect="postgres",
        name="pool",
    )
    rows = {"p": 3000, "c": 9000}
    out = {}
    for kind, workers in (("inprocess", 1), ("processes", 2)):
        folder = tmp_path / kind
        generate_run(
            spec, folder, rows=rows, seed=4, workers=workers, executor=kind, block_size=1000
        )
        out[kind] = {t: pq.read_table(folder / t).sort_by("id") for t in rows}
    for t in rows:
        assert out["processes"][t].num_rows == rows[t]
        assert out["processes"][t].equals(out["inprocess"][t])


def test_linked_chain_reuses_computed_ranges_and_keeps_its_values(tmp_path) -> None:
    import duckdb

    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine import generate_run
    from dwsim_nb.engine.context import Memo

    n = 30
    ddl = "\n".join(
        ["CREATE TABLE t0 (id INT PRIMARY KEY, amount DECIMAL(14,2), created_at TIMESTAMP);"]
        + [
            f"CREATE TABLE t{i} (id INT PRIMARY KEY, t{i - 1}_id INT REFERENCES t{i - 1}(id), "
            "amount DECIMAL(14,2), created_at TIMESTAMP);"
            for i in range(1, n)
        ]
    )
    spec = import_sql(ddl, dialect="postgres", name="linked")
    rows = {f"t{i}": 800 for i in range(n)}
    runs = {"a": (Memo.BUDGET, Memo.MAX_ROWS), "b": (50_000, Memo.MAX_ROWS), "c": (0, 0)}
    saved = (Memo.BUDGET, Memo.MAX_ROWS)
    try:
        # a: as shipped; b: a small budget (ranges dropped and recomputed); c: no memo at all.
        for run, (budget, most) in runs.items():
            Memo.BUDGET, Memo.MAX_ROWS = budget, most
            generate_run(
                spec,
                tmp_path / run,
                rows=rows,
                seed=3,
                workers=1,
                executor="inprocess",
                block_size=300,
            )
    finally:
        Memo.BUDGET, Memo.MAX_ROWS = saved
    con = duckdb.connect()
    for i in (0, 7, n - 2):
        got = [
            con.sql(f"SELECT * FROM '{tmp_path}/{run}/t{i}/*.parquet' ORDER BY id").fetchall()
            for run in runs
        ]
        assert len(got[0]) == 800
        assert got[0] == got[1] == got[2]
    # The inferred parent sums hold through the chain: t5.amount = sum of its t6 children.
    joined, bad = con.sql(
        f"SELECT count(*), count(*) FILTER (WHERE p.amount <> c.s) "
        f"FROM '{tmp_path}/a/t5/*.parquet' p JOIN (SELECT t5_id, sum(amount) s "
        f"FROM '{tmp_path}/a/t6/*.parquet' GROUP BY 1) c ON c.t5_id = p.id"
    ).fetchall()[0]
    assert joined > 100
    assert bad == 0


def _chain_spec(n: int, schema: str = "") -> ExperimentSpec:
    from dwsim_nb.ddl import import_sql

    ddl = [f"CREATE TABLE {schema}t0 (id INT PRIMARY KEY);"]
    ddl += [
        f"CREATE TABLE {schema}t{i} (id INT PRIMARY KEY, p INT REFERENCES {schema}t{i - 1}(id));"
        for i in range(1, n)
    ]
    return import_sql("\n".join(ddl), dialect="postgres", name="chain")


@pytest.mark.parametrize("schema", ["", "raw."])
def test_create_sql_places_only_the_table_and_its_parents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema: str
) -> None:
    # Naming every table of the spec for each CREATE TABLE made a 3,000-table import quadratic.
    from dwsim_nb.warehouses import get_warehouse

    spec = _chain_spec(40, schema)
    wh = get_warehouse("sqlite", tmp_path)  # declares FOREIGN KEYs
    calls: list[str] = []
    place = type(wh).place
    monkeypatch.setattr(type(wh), "place", lambda w, s, t: calls.append(t.key) or place(w, s, t))
    sql = wh.create_sql(spec, spec.tables[-1])
    assert sorted(calls) == sorted([f"{schema}t39", f"{schema}t38"])
    parent = place(wh, spec, spec.tables[-2])[1]
    assert f'REFERENCES "{parent}"' in sql, sql


def test_a_big_scattered_request_of_a_small_parent_computes_the_parent_once(
    tmp_path, monkeypatch
) -> None:
    """Many children asking for the dates of few parents (a million sales and the start times
    of their 20,000 events) compute the parents' span once, not the children's count of rows."""
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine import generate_run
    from dwsim_nb.engine.context import Memo, TableRuntime

    spec = import_sql(
        "CREATE TABLE p (id INT PRIMARY KEY, created_at TIMESTAMP);\n"
        "CREATE TABLE c (id INT PRIMARY KEY, p_id INT NOT NULL REFERENCES p(id), "
        "created_at TIMESTAMP);",
        dialect="postgres",
        name="scatter",
    )
    assert getattr(spec.table("c").column("created_at").rule, "after", None) == "p.created_at"
    sizes: list[int] = []
    compute = TableRuntime.compute

    def counting(self: TableRuntime, name: str, batch: object) -> object:
        if self.name == "p" and name == "created_at":
            sizes.append(len(batch.rows))  # type: ignore[attr-defined]
        return compute(self, name, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(TableRuntime, "compute", counting)
    monkeypatch.setattr(Memo, "MAX_ROWS", 500)
    generate_run(
        spec,
        tmp_path,
        rows={"p": 200, "c": 4000},
        seed=1,
        workers=1,
        executor="inprocess",
        block_size=2000,
    )
    # p's own block (200 rows) and nothing the size of c's 2000-row blocks.
    assert sizes and max(sizes) <= 200


def test_a_small_parent_asked_densely_is_computed_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A block of 245,760 lines asks the prices of 100,000 parts (more than a memo range):
    the whole price column is computed once, kept, and taken from; the values are those
    computed without the memo."""
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine.context import Memo
    from dwsim_nb.engine.plan import make_plan
    from dwsim_nb.engine.runtime import runtime_for

    ddl = (
        "CREATE TABLE part (id INT PRIMARY KEY, price DECIMAL(10,2));"
        "CREATE TABLE line (id INT PRIMARY KEY, part_id INT REFERENCES part(id),"
        " quantity INT, extended_price DECIMAL(12,2));"
    )
    spec = import_sql(ddl, dialect="postgres", name="lines")
    rule = spec.table("line").column("extended_price").rule
    assert "part.price" in (getattr(rule, "expression", "") or "")
    plan = make_plan(spec, rows={"part": 100_000, "line": 300_000}, seed=2)
    rt = runtime_for(plan)
    got = rt.table("line").block(0)
    kept = rt.memo._ranges.get(("part", "price"), [])
    assert [(start, stop) for start, stop, _ in kept] == [(0, 100_000)]
    monkeypatch.setattr(Memo, "MAX_SPAN", 0)
    monkeypatch.setattr(Memo, "MAX_ROWS", 0)
    assert runtime_for(plan).table("line").block(0).equals(got)
