"""The original dw-simulator format's example schemas generate correctly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec

ECOMMERCE: dict[str, Any] = {
    "name": "ecommerce",
    "tables": [
        {"name": "customers", "target_rows": 800, "columns": [
            {"name": "customer_id", "data_type": "INT", "is_unique": True, "required": True},
            {"name": "name", "data_type": "VARCHAR", "varchar_length": 100, "faker_rule": "name"},
            {"name": "email", "data_type": "VARCHAR", "varchar_length": 120,
             "faker_rule": "email", "is_unique": True, "required": True},
            {"name": "joined", "data_type": "DATE", "date_start": "2020-01-01",
             "date_end": "2024-12-31"},
        ]},
        {"name": "products", "target_rows": 300, "columns": [
            {"name": "product_id", "data_type": "INT", "is_unique": True, "required": True},
            {"name": "title", "data_type": "VARCHAR", "varchar_length": 20,
             "faker_rule": "catch_phrase"},
            {"name": "price", "data_type": "DECIMAL(10,2)", "min_value": 0.5,
             "max_value": 999.99},
            {"name": "category", "data_type": "VARCHAR", "varchar_length": 20,
             "values": ["books", "toys", "garden"]},
        ]},
        {"name": "orders", "target_rows": 2000, "columns": [
            {"name": "order_id", "data_type": "BIGINT", "is_unique": True, "required": True},
            {"name": "customer_id", "data_type": "INT", "required": True,
             "foreign_key": {"references_table": "customers",
                             "references_column": "customer_id"}},
            {"name": "order_total", "data_type": "FLOAT", "min_value": 0, "max_value": 5000,
             "distribution": {"type": "lognormal", "parameters": {"mean": 4, "sigma": 1}}},
            {"name": "placed_at", "data_type": "TIMESTAMP", "date_start": "2023-01-01",
             "date_end": "2023-12-31"},
        ]},
        {"name": "order_items", "target_rows": 6000, "composite_keys": [["order_id", "line"]],
         "columns": [
            {"name": "order_id", "data_type": "BIGINT", "required": True,
             "foreign_key": {"references_table": "orders", "references_column": "order_id"}},
            {"name": "line", "data_type": "INT", "min_value": 1, "max_value": 20000},
            {"name": "product_id", "data_type": "INT",
             "foreign_key": {"references_table": "products", "references_column": "product_id",
                             "nullable": True}},
            {"name": "quantity", "data_type": "INT", "min_value": 1, "max_value": 5,
             "distribution": {"type": "poisson", "parameters": {"lambda": 2}}},
        ]},
    ],
}

MARKETING: dict[str, Any] = {
    "name": "marketing",
    "tables": [
        {"name": "campaigns", "target_rows": 40, "columns": [
            {"name": "campaign_id", "data_type": "INT", "is_unique": True, "required": True},
            {"name": "channel", "data_type": "VARCHAR", "varchar_length": 10,
             "values": ["email", "social", "search", "tv"], "weights": [4, 3, 2, 1]},
            {"name": "budget", "data_type": "DECIMAL(12,2)", "min_value": 1000,
             "max_value": 100000},
            {"name": "company", "data_type": "VARCHAR", "varchar_length": 80,
             "faker_rule": "company"},
        ]},
        {"name": "leads", "target_rows": 3000, "columns": [
            {"name": "lead_id", "data_type": "INT", "is_unique": True, "required": True},
            {"name": "campaign_id", "data_type": "INT", "required": True,
             "foreign_key": {"references_table": "campaigns", "references_column": "campaign_id"}},
            {"name": "score", "data_type": "INT", "min_value": 0, "max_value": 100,
             "distribution": {"type": "normal", "parameters": {"mean": 60, "stddev": 15}}},
            {"name": "converted", "data_type": "BOOLEAN", "true_probability": 0.1},
            {"name": "phone", "data_type": "VARCHAR", "varchar_length": 25,
             "faker_rule": "phone_number"},
        ]},
    ],
}

CONTAINERS: dict[str, Any] = {
    "name": "data_container",
    "tables": [
        {"name": "containers", "target_rows": 500, "columns": [
            {"name": "container_id", "data_type": "VARCHAR", "varchar_length": 11,
             "pattern": "????#######", "is_unique": True, "required": True},
            {"name": "size_ft", "data_type": "SMALLINT", "values": [20, 40, 45]},
            {"name": "weight_kg", "data_type": "DOUBLE", "min_value": 2000, "max_value": 30000,
             "distribution": {"type": "uniform"}},
            {"name": "payload", "data_type": "JSON",
             "json_shape": {"origin": "city", "seals": ["int"], "reefer": "bool"}},
        ]},
        {"name": "movements", "target_rows": 4000, "columns": [
            {"name": "movement_id", "data_type": "UUID", "required": True, "is_unique": True},
            {"name": "container_id", "data_type": "VARCHAR", "varchar_length": 11,
             "required": True,
             "foreign_key": {"references_table": "containers",
                             "references_column": "container_id"}},
            {"name": "moved_at", "data_type": "TIMESTAMP", "date_start": "2024-01-01",
             "date_end": "2024-06-30"},
        ]},
    ],
}


def _con(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in sorted(p.name for p in out.iterdir() if p.is_dir()):
        con.execute(f"create view {t} as select * from read_parquet('{out}/{t}/*.parquet')")
    return con


@pytest.mark.parametrize("spec", [ECOMMERCE, MARKETING, CONTAINERS], ids=lambda s: s["name"])
def test_original_format_generates(spec: dict[str, Any], tmp_path: Path) -> None:
    parsed = ExperimentSpec.parse(spec)
    manifest = generate_run(parsed, tmp_path, seed=9, block_size=512, executor="inprocess")
    con = _con(tmp_path)
    for table in spec["tables"]:
        name, n = table["name"], table["target_rows"]
        assert manifest.tables[name].rows == n
        assert con.execute(f"select count(*) from {name}").fetchall() == [(n,)]
        for col in table["columns"]:
            c = col["name"]
            if col.get("is_unique"):
                assert con.execute(f"select count(distinct {c}) from {name}").fetchall() == [(n,)]
            if col.get("required"):
                assert con.execute(f"select count(*) from {name} where {c} is null").fetchall() \
                    == [(0,)]
            if "min_value" in col:
                lo, hi = con.execute(f"select min({c}), max({c}) from {name}").fetchall()[0]
                assert col["min_value"] <= lo and hi <= col["max_value"]
            if "varchar_length" in col:
                longest = con.execute(f"select max(length({c})) from {name}").fetchall()[0][0]
                assert longest <= col["varchar_length"]
            fk = col.get("foreign_key")
            if fk:
                orphans = con.execute(
                    f"select count(*) from {name} c left join {fk['references_table']} p "
                    f"on c.{c} = p.{fk['references_column']} "
                    f"where c.{c} is not null and p.{fk['references_column']} is null"
                ).fetchall()
                assert orphans == [(0,)]


def test_composite_key_from_old_format(tmp_path: Path) -> None:
    generate_run(ExperimentSpec.parse(ECOMMERCE), tmp_path, seed=2, block_size=1000)
    con = _con(tmp_path)
    assert con.execute(
        "select count(distinct (order_id, line)) from order_items"
    ).fetchall() == [(6000,)]
