"""Snowflake SQL on the default DuckDB warehouse, over a Tasty-Bytes-style schema with VARIANT and
ARRAY columns: each query gives the rows the Snowflake emulator (fakesnow) gives for the same
run (``exp.compare``), and the FLATTEN rows match the arrays they come from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.variant_rewrites import (
    fix_flatten_outer_snowflake,
    fix_variant_values_snowflake,
)
from dwsim_nb.workspace import Workspace

pytest.importorskip("fakesnow")

SCHEMA = Path(__file__).parent / "corpus" / "tasty" / "schema.sql"
ROWS = {"truck": 8, "menu": 30, "order_header": 300}

QUERIES = {
    "group_by_all_qualify": "select truck_id, count(*) as n from order_header group by all "
    "qualify row_number() over (order by n desc, truck_id) <= 3",
    "flatten_array": "select m.menu_id, f.index, f.value::string as tag "
    "from menu m, lateral flatten(input => m.tags) f",
    "flatten_variant": "select m.menu_id, f.key, f.value::string as v "
    "from menu m, lateral flatten(input => m.menu_item_health_metrics_obj) f",
    "table_flatten_outer": "select m.menu_id, f.value::string as tag "
    "from menu m, table(flatten(input => m.tags, outer => true)) f",
    "variant_paths": "select menu_id, menu_item_health_metrics_obj:label::string as label, "
    "menu_item_health_metrics_obj:id::int + 1 as id1 from menu",
    "variant_compare": "select count(*) as n from menu "
    "where menu_item_health_metrics_obj:id > 5000 or menu_item_health_metrics_obj:label = 'x'",
    "ratio_to_report": "select order_id, round(ratio_to_report(order_total) "
    "over (partition by truck_id), 6) as r from order_header",
    "iff_nvl2_div0_zeroifnull": "select order_id, iff(order_total > 50, 'big', 'small') as s, "
    "nvl2(discount_amount, 1, 0) as d, div0(order_total, discount_amount) as q, "
    "zeroifnull(discount_amount) as z from order_header",
    "listagg": "select truck_id, listagg(order_id::string, ',') within group (order by order_id) "
    "as ids from order_header group by truck_id",
    "dates": "select order_id, dateadd(day, 3, order_ts) as a, "
    "datediff('day', order_ts, '2030-01-01'::timestamp) as b from order_header",
}


@pytest.fixture(scope="module")
def tasty(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("tasty"))
    exp = ws.import_sql(SCHEMA.read_text(), dialect="snowflake", name="tasty")
    exp.generate(rows=ROWS, seed=3)
    return exp


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_duckdb_gives_the_emulators_rows(tasty: Any, name: str) -> None:
    cmp = tasty.compare(QUERIES[name], warehouses=["duckdb", "snowflake"])
    assert not cmp.errors, cmp.errors
    assert cmp.tables["duckdb"].num_rows > 0, f"{name} selects nothing, so compares nothing"
    assert cmp.same, cmp.differences


def test_flatten_gives_one_row_per_element(tasty: Any) -> None:
    menus = tasty.query("select menu_id, tags from menu")
    expected = sorted(
        (int(m), i, str(t)) for m, tags in menus.values.tolist() for i, t in enumerate(tags)
    )
    got = tasty.query(QUERIES["flatten_array"]).values.tolist()
    assert sorted((int(m), int(i), t) for m, i, t in got) == expected


def test_flatten_of_a_variant_gives_its_fields(tasty: Any) -> None:
    objs = tasty.query("select menu_id, menu_item_health_metrics_obj::string from menu")
    expected = sorted(
        (int(m), k, v if isinstance(v, str) else json.dumps(v))
        for m, text in objs.values.tolist()
        for k, v in json.loads(text).items()
    )
    got = tasty.query(QUERIES["flatten_variant"]).values.tolist()
    assert sorted((int(m), k, v) for m, k, v in got) == [
        (m, k, v.replace(" ", "")) for m, k, v in expected
    ]


def test_emulator_fixes_are_in_its_pipeline() -> None:
    fixes = fixes_for("snowflake", "snowflake")
    assert fix_flatten_outer_snowflake in fixes and fix_variant_values_snowflake in fixes
