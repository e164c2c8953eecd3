"""Foreign keys, cardinality rules, composite keys and cross-table dates, checked with SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec


def _sql(out: Path, query: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    for t in sorted(p.name for p in out.iterdir() if p.is_dir()):
        con.execute(f"create view {t} as select * from read_parquet('{out}/{t}/*.parquet')")
    return con.execute(query).fetchall()


def _fk(child: str, parent: str, **extra: Any) -> dict[str, Any]:
    return {"columns": [child], "references_table": parent, "references_columns": ["id"], **extra}


SPEC: dict[str, Any] = {
    "name": "keys",
    "tables": [
        {"name": "customers", "target_rows": 3000, "primary_key": ["id"], "columns": [
            {"name": "id", "data_type": "BIGINT", "shuffle": True},
            {"name": "signup", "data_type": "DATE", "date_start": "2020-01-01",
             "date_end": "2022-12-31"},
        ]},
        {"name": "orders", "target_rows": 9000, "primary_key": ["id"],
         "foreign_keys": [_fk("customer_id", "customers", cardinality={"kind": "zipf", "s": 1.3})],
         "columns": [
            {"name": "id", "data_type": "BIGINT"},
            {"name": "customer_id", "data_type": "BIGINT", "required": True},
            {"name": "ordered", "data_type": "DATE", "after": "customers.signup",
             "date_end": "2024-12-31"},
            {"name": "shipped", "data_type": "TIMESTAMP", "after": "ordered"},
        ]},
        {"name": "items", "target_rows": 25000,
         "primary_key": ["order_id", "line_no"],
         "foreign_keys": [_fk("order_id", "orders", cardinality={"kind": "range", "min": 1,
                                                                   "max": 5})],
         "columns": [
            {"name": "order_id", "data_type": "BIGINT"},
            {"name": "line_no", "data_type": "INT", "min_value": 1, "max_value": 100},
         ]},
        {"name": "reviews", "target_rows": 4000,
         "foreign_keys": [_fk("customer_id", "customers",
                              cardinality={"kind": "at_least_one"})],
         "columns": [{"name": "customer_id", "data_type": "BIGINT"}]},
        {"name": "referrals", "target_rows": 2000,
         "foreign_keys": [_fk("customer_id", "customers", nullable=True, null_rate=0.25)],
         "columns": [{"name": "customer_id", "data_type": "BIGINT"}]},
        {"name": "profiles", "target_rows": 2500, "primary_key": ["customer_id"],
         "foreign_keys": [_fk("customer_id", "customers")],
         "columns": [{"name": "customer_id", "data_type": "BIGINT"}]},
        {"name": "regions", "target_rows": 50, "primary_key": ["country", "code"],
         "columns": [
            {"name": "country", "data_type": "CHAR(2)", "values": ["DE", "FR", "US", "GB"]},
            {"name": "code", "data_type": "VARCHAR(4)", "pattern": "R###"},
         ]},
        {"name": "stores", "target_rows": 700,
         "foreign_keys": [{"columns": ["country", "region"], "references_table": "regions",
                           "references_columns": ["country", "code"]}],
         "columns": [
            {"name": "country", "data_type": "CHAR(2)"},
            {"name": "region", "data_type": "VARCHAR(4)"},
         ]},
    ],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys")
    generate_run(ExperimentSpec.parse(SPEC), path, seed=11, block_size=1024, executor="inprocess")
    return path


def test_exact_row_counts(out: Path) -> None:
    for t in SPEC["tables"]:
        assert _sql(out, f"select count(*) from {t['name']}") == [(t["target_rows"],)]


@pytest.mark.parametrize(
    ("child", "col", "parent", "pcol"),
    [
        ("orders", "customer_id", "customers", "id"),
        ("items", "order_id", "orders", "id"),
        ("reviews", "customer_id", "customers", "id"),
        ("referrals", "customer_id", "customers", "id"),
        ("profiles", "customer_id", "customers", "id"),
    ],
)
def test_no_orphans(out: Path, child: str, col: str, parent: str, pcol: str) -> None:
    orphans = _sql(
        out,
        f"select count(*) from {child} c left join {parent} p on c.{col} = p.{pcol} "
        f"where c.{col} is not null and p.{pcol} is null",
    )
    assert orphans == [(0,)]


def test_multi_column_fk_has_no_orphans(out: Path) -> None:
    orphans = _sql(
        out,
        "select count(*) from stores s left join regions r "
        "on s.country = r.country and s.region = r.code where r.code is null",
    )
    assert orphans == [(0,)]
    assert _sql(out, "select count(distinct (country, region)) > 20 from stores") == [(True,)]


def test_primary_keys_unique(out: Path) -> None:
    assert _sql(out, "select count(distinct id) from customers") == [(3000,)]
    assert _sql(out, "select min(id), max(id) from customers") == [(1, 3000)]
    assert _sql(out, "select count(distinct (order_id, line_no)) from items") == [(25000,)]
    assert _sql(out, "select count(distinct (country, code)) from regions") == [(50,)]
    assert _sql(out, "select count(distinct customer_id) from profiles") == [(2500,)]


def test_range_cardinality(out: Path) -> None:
    lo, hi, parents = _sql(
        out,
        "select min(n), max(n), count(*) from (select o.id, count(i.order_id) n from orders o "
        "left join items i on i.order_id = o.id group by o.id)",
    )[0]
    assert lo >= 1 and hi <= 5 and parents == 9000
    assert hi > lo  # counts vary, not all equal


def test_at_least_one(out: Path) -> None:
    missing = _sql(
        out,
        "select count(*) from customers c where not exists "
        "(select 1 from reviews r where r.customer_id = c.id)",
    )
    assert missing == [(0,)]


def test_zipf_skew(out: Path) -> None:
    top = _sql(
        out,
        "select sum(n) from (select count(*) n from orders group by customer_id "
        "order by n desc limit 30)",
    )[0][0]
    # 1% of customers hold far more than 1% of the orders.
    assert top > 0.15 * 9000


def test_nullable_fk_rate(out: Path) -> None:
    nulls = _sql(out, "select avg((customer_id is null)::int) from referrals")[0][0]
    assert abs(nulls - 0.25) < 0.04


def test_child_dates_follow_parent(out: Path) -> None:
    bad = _sql(
        out,
        "select count(*) from orders o join customers c on o.customer_id = c.id "
        "where o.ordered < c.signup or o.ordered > date '2024-12-31'",
    )
    assert bad == [(0,)]
    assert _sql(out, "select count(*) from orders where shipped < ordered") == [(0,)]
    assert _sql(out, "select count(distinct ordered) > 500 from orders") == [(True,)]
