"""Data quality of every rule kind on generated Parquet (small blocks, several per table)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim_nb.engine import Manifest, arrow_schema, generate_run
from dwsim_nb.spec import ExperimentSpec

BLOCK = 1000
N = 5000


def _spec() -> ExperimentSpec:
    cols: list[dict[str, Any]] = [
        {"name": "id", "data_type": "BIGINT", "is_unique": True, "required": True},
        {"name": "shuffled", "data_type": "INT", "is_unique": True, "shuffle": True},
        {"name": "ranged_unique", "data_type": "INT", "is_unique": True,
         "min_value": 100, "max_value": 5099},
        {"name": "qty", "data_type": "SMALLINT", "min_value": 1, "max_value": 10},
        {"name": "price", "data_type": "DECIMAL(10,2)", "min_value": 1, "max_value": 500},
        {"name": "ratio", "data_type": "DOUBLE", "min_value": -1, "max_value": 1},
        {"name": "norm", "data_type": "DOUBLE", "min_value": 0, "max_value": 1000,
         "distribution": {"type": "normal", "parameters": {"mean": 500, "stddev": 50}}},
        {"name": "expo", "data_type": "DOUBLE", "min_value": 0, "max_value": 10000,
         "distribution": {"type": "exponential", "parameters": {"lambda": 0.01}}},
        {"name": "beta", "data_type": "DOUBLE", "min_value": 10, "max_value": 20,
         "distribution": {"type": "beta", "parameters": {"alpha": 2, "beta": 5}}},
        {"name": "pois", "data_type": "INT", "min_value": 0, "max_value": 100,
         "distribution": {"type": "poisson", "parameters": {"lambda": 4}}},
        {"name": "gam", "data_type": "DOUBLE",
         "distribution": {"type": "gamma", "parameters": {"shape": 2, "scale": 3}}},
        {"name": "logn", "data_type": "DOUBLE", "max_value": 1e6,
         "distribution": {"type": "lognormal", "parameters": {"mean": 1, "sigma": 0.5}}},
        {"name": "zipf", "data_type": "INT", "min_value": 1, "max_value": 50,
         "distribution": {"type": "zipf", "parameters": {"a": 2}}},
        {"name": "unif", "data_type": "INT", "min_value": 5, "max_value": 7,
         "distribution": {"type": "uniform"}},
        {"name": "status", "data_type": "VARCHAR(10)", "values": ["a", "b", "c"],
         "weights": [0.7, 0.2, 0.1]},
        {"name": "flag", "data_type": "BOOLEAN", "true_probability": 0.25},
        {"name": "day", "data_type": "DATE", "date_start": "2021-03-01", "date_end": "2021-03-31"},
        {"name": "ts", "data_type": "TIMESTAMP", "date_start": "2022-01-01",
         "date_end": "2022-01-02"},
        {"name": "tstz", "data_type": "TIMESTAMPTZ"},
        {"name": "tm", "data_type": "TIME"},
        {"name": "sku", "data_type": "VARCHAR(16)", "pattern": "SKU-#####"},
        {"name": "code", "data_type": "VARCHAR(8)", "pattern": "??-####", "is_unique": True},
        {"name": "seq", "data_type": "BIGINT", "sequence": {"start": 100, "step": 5}},
        {"name": "uid", "data_type": "UUID"},
        {"name": "doc", "data_type": "JSON",
         "json_shape": {"n": "int", "tags": ["string"], "meta": {"ok": "bool", "at": "date"}}},
        {"name": "const", "data_type": "VARCHAR", "constant": "x"},
        {"name": "total", "data_type": "DECIMAL(12,2)", "expression": "round(qty * price, 2)"},
        {"name": "maybe", "data_type": "INT", "min_value": 0, "max_value": 9, "null_rate": 0.3},
        {"name": "short", "data_type": "VARCHAR(3)", "faker_rule": "city"},
        {"name": "email", "data_type": "VARCHAR(255)", "faker_rule": "email", "is_unique": True},
        {"name": "fullname", "data_type": "VARCHAR(80)", "faker_rule": "name"},
        {"name": "city_de", "data_type": "VARCHAR(80)", "faker_rule": "city", "locale": "de_DE"},
        {"name": "plain", "data_type": "VARCHAR(40)"},
        {"name": "plain_unique", "data_type": "VARCHAR(40)", "is_unique": True},
        {"name": "blob", "data_type": "BINARY"},
    ]
    return ExperimentSpec.parse({"name": "rules", "tables": [
        {"name": "t", "target_rows": N, "columns": cols}]})


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table]:
    out = tmp_path_factory.mktemp("rules")
    generate_run(_spec(), out, seed=3, block_size=BLOCK, executor="inprocess")
    return out, pq.read_table(out / "t")


def _col(run: tuple[Path, pa.Table], name: str) -> list[Any]:
    return run[1].column(name).to_pylist()


def test_files_manifest_and_schema(run: tuple[Path, pa.Table]) -> None:
    out, table = run
    m = Manifest.read(out)
    assert m.tables["t"].rows == N == table.num_rows
    assert m.tables["t"].files == [f"t/part-{i:06d}.parquet" for i in range(N // BLOCK)]
    assert m.seed == 3 and m.block_size == BLOCK and m.spec_hash
    assert table.schema.equals(arrow_schema(_spec().table("t")))
    assert table.schema.field("price").type == pa.decimal128(10, 2)
    assert table.schema.field("tstz").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("tm").type == pa.time64("us")
    assert table.schema.field("qty").type == pa.int16()


def test_unique_integers(run: tuple[Path, pa.Table]) -> None:
    assert _col(run, "id") == list(range(1, N + 1))
    shuffled = _col(run, "shuffled")
    assert sorted(shuffled) == list(range(1, N + 1)) and shuffled != sorted(shuffled)
    ranged = _col(run, "ranged_unique")
    assert sorted(ranged) == list(range(100, 5100))


def test_ranges(run: tuple[Path, pa.Table]) -> None:
    qty = _col(run, "qty")
    assert min(qty) == 1 and max(qty) == 10 and len(set(qty)) == 10
    price = _col(run, "price")
    assert all(1 <= float(p) <= 500 for p in price)
    assert all(p.as_tuple().exponent == -2 for p in price[:50])
    ratio = _col(run, "ratio")
    assert -1 <= min(ratio) < -0.9 and 0.9 < max(ratio) <= 1


def test_distribution_moments(run: tuple[Path, pa.Table]) -> None:
    norm = _col(run, "norm")
    assert abs(statistics.mean(norm) - 500) < 5 and abs(statistics.stdev(norm) - 50) < 5
    expo = _col(run, "expo")
    assert abs(statistics.mean(expo) - 100) < 8
    beta = [(v - 10) / 10 for v in _col(run, "beta")]
    assert abs(statistics.mean(beta) - 2 / 7) < 0.02 and all(0 <= v <= 1 for v in beta)
    pois = _col(run, "pois")
    assert abs(statistics.mean(pois) - 4) < 0.2 and all(isinstance(v, int) for v in pois)
    gam = _col(run, "gam")
    assert abs(statistics.mean(gam) - 6) < 0.4
    zipf = _col(run, "zipf")
    assert min(zipf) >= 1 and max(zipf) <= 50
    assert zipf.count(1) > zipf.count(2) > zipf.count(3) > zipf.count(5)
    assert set(_col(run, "unif")) == {5, 6, 7}
    assert min(_col(run, "logn")) > 0


def test_weighted_values_booleans_nulls(run: tuple[Path, pa.Table]) -> None:
    status = _col(run, "status")
    assert abs(status.count("a") / N - 0.7) < 0.03 and abs(status.count("c") / N - 0.1) < 0.02
    flag = _col(run, "flag")
    assert abs(sum(flag) / N - 0.25) < 0.03
    maybe = _col(run, "maybe")
    assert abs(maybe.count(None) / N - 0.3) < 0.03
    assert all(v is None or 0 <= v <= 9 for v in maybe)


def test_dates_and_times(run: tuple[Path, pa.Table]) -> None:
    days = _col(run, "day")
    assert min(days) == dt.date(2021, 3, 1) and max(days) == dt.date(2021, 3, 31)
    ts = _col(run, "ts")
    assert dt.datetime(2022, 1, 1) <= min(ts) and max(ts) <= dt.datetime(2022, 1, 2, 23, 59, 59)
    tstz = _col(run, "tstz")
    assert all(v.tzinfo is not None and 2020 <= v.year <= 2025 for v in tstz)
    assert len(set(_col(run, "tm"))) > N * 0.9


def test_patterns_sequences_uuid_constant(run: tuple[Path, pa.Table]) -> None:
    sku = _col(run, "sku")
    assert all(len(s) == 9 and s.startswith("SKU-") and s[4:].isdigit() for s in sku)
    code = _col(run, "code")
    assert len(set(code)) == N
    assert all(c[:2].isupper() and c[2] == "-" and c[3:].isdigit() for c in code)
    assert _col(run, "seq")[:3] == [100, 105, 110]
    uids = _col(run, "uid")
    assert len(set(uids)) == N and all(u[14] == "4" and u[19] in "89ab" for u in uids)
    assert set(_col(run, "const")) == {"x"}


def test_json_and_derived(run: tuple[Path, pa.Table]) -> None:
    docs = [json.loads(d) for d in _col(run, "doc")]
    assert all(set(d) == {"n", "tags", "meta"} and isinstance(d["n"], int) for d in docs)
    assert {len(d["tags"]) for d in docs} == {0, 1, 2, 3}
    assert all(isinstance(d["meta"]["ok"], bool) for d in docs)
    for q, p, t in zip(_col(run, "qty")[:200], _col(run, "price")[:200], _col(run, "total")[:200],
                       strict=True):
        assert abs(float(t) - q * float(p)) < 0.011


def test_faker_strings(run: tuple[Path, pa.Table]) -> None:
    assert all(len(s) <= 3 for s in _col(run, "short"))
    emails = _col(run, "email")
    assert len(set(emails)) == N and all("@" in e and "." in e.split("@")[1] for e in emails)
    names = _col(run, "fullname")
    assert len(set(names)) > N * 0.8 and all(" " in n for n in names)
    assert len(set(_col(run, "city_de"))) > 100
    assert len(set(_col(run, "plain_unique"))) == N
    assert len(set(_col(run, "blob"))) == N


def test_duckdb_reads_all_columns(run: tuple[Path, pa.Table]) -> None:
    out = run[0]
    con = duckdb.connect()
    count = con.execute(f"select count(*) from read_parquet('{out}/t/*.parquet')").fetchall()
    assert count == [(N,)]


def test_number_without_precision_is_38_digits(tmp_path: Path) -> None:
    # Snowflake's NUMBER (and DECIMAL with no precision) is NUMBER(38,0); 64-bit keys must fit.
    spec = {"name": "num", "tables": [
        {"name": "accounts", "target_rows": 300, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "NUMBER", "shuffle": True},
                     {"name": "credit", "data_type": "NUMBER"},
                     {"name": "rate", "data_type": "DECIMAL", "scale": 2}]},
        {"name": "moves", "target_rows": 900,
         "foreign_keys": [{"columns": ["account_id"], "references_table": "accounts",
                           "references_columns": ["id"]}],
         "columns": [{"name": "account_id", "data_type": "NUMBER"}]},
    ]}
    generate_run(ExperimentSpec.parse(spec), tmp_path, seed=2, executor="inprocess")
    accounts = pq.read_table(tmp_path / "accounts")
    assert accounts.schema.field("id").type == pa.decimal128(38, 0)
    assert accounts.schema.field("rate").type == pa.decimal128(38, 2)
    con = duckdb.connect()
    con.execute(f"create view a as select * from read_parquet('{tmp_path}/accounts/*.parquet')")
    con.execute(f"create view m as select * from read_parquet('{tmp_path}/moves/*.parquet')")
    assert con.execute("select count(distinct id) from a").fetchone() == (300,)
    assert con.execute("select count(*) from m left join a on a.id = m.account_id "
                       "where a.id is null").fetchone() == (0,)


def test_pool_workers_make_every_rule_kind_without_pandas(
    run: tuple[Path, pa.Table], tmp_path: Path
) -> None:
    # Pool workers fork from a server that tells pyarrow there is no pandas (it would cost every
    # worker a quarter second and 35 MB); every rule kind must still come out identical.
    import concurrent.futures as cf

    from dwsim_nb.engine.executors import _context, run_block
    from dwsim_nb.engine.plan import make_plan

    plan = make_plan(_spec(), seed=3, block_size=BLOCK)
    with cf.ProcessPoolExecutor(1, mp_context=_context()) as pool:
        rows = [pool.submit(run_block, plan, "t", b, str(tmp_path)).result()
                for b in range(N // BLOCK)]
        in_worker = pool.submit(eval, "'pandas' in __import__('sys').modules").result()
    assert rows == [BLOCK] * (N // BLOCK)
    assert in_worker is False
    assert pq.read_table(tmp_path / "t").equals(run[1])
