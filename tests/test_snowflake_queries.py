"""Snowflake SQL on the Snowflake emulator (fakesnow), through the warehouse, and the statements
generated for a real account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_runs import write_run

from dwsim_nb.errors import QueryError
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.warehouses import LoadPlan, get_warehouse
from dwsim_nb.warehouses.pipelines import ON_SNOWFLAKE
from dwsim_nb.warehouses.rewrites import Context, fix_ratio_to_report
from dwsim_nb.warehouses.snowflake import copy_into_sql, external_stage_sql, put_sql
from dwsim_nb.warehouses.snowflake_rewrites import (
    fix_group_by_all_with_qualify,
    fix_result_column_names,
    fix_to_char_date_format,
    refuse_unemulated_functions,
)

pytest.importorskip("fakesnow")

SPEC = {
    "name": "events_exp",
    "dialect": "snowflake",
    "tables": [
        {
            "name": "events",
            "target_rows": 20,
            "columns": [
                {"name": "id", "data_type": "INT"},
                {"name": "kind", "data_type": "VARCHAR"},
                {"name": "payload", "data_type": "VARIANT"},
                {"name": "tags", "data_type": "ARRAY"},
                {"name": "at", "data_type": "TIMESTAMP_NTZ"},
                {"name": "amount", "data_type": "DOUBLE"},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ExperimentSpec]]:
    home = tmp_path_factory.mktemp("sf")
    spec = ExperimentSpec.parse(SPEC)
    wh = get_warehouse("snowflake", home)
    wh.create_tables(spec)
    wh.load(spec, LoadPlan.read(write_run(spec, home / "run")))
    yield wh, spec


def q(loaded: tuple[Any, ExperimentSpec], sql: str) -> list[list[Any]]:
    wh, spec = loaded
    return list(wh.query(spec, sql).values.tolist())


def test_iff_qualify_group_by_all(loaded: Any) -> None:
    assert q(loaded, "select id from events qualify row_number() over (order by id desc) = 1") == [
        [20]
    ]
    rows = q(
        loaded,
        "select iff(id > 10, 'big', 'small') as size, count(*) from events group by all order by 1",
    )
    assert rows == [["big", 10], ["small", 10]]


def test_variant_colon_paths_and_flatten(loaded: Any) -> None:
    assert q(loaded, "select payload:i::int from events where id = 3") == [[2]]
    rows = q(
        loaded,
        "select e.id, f.value::int from events e, lateral flatten(input => e.tags) f "
        "where e.id <= 2 order by 1",
    )
    assert rows == [[1, 0], [2, 1]]


def test_dateadd_try_to_div0_zeroifnull_ilike_any(loaded: Any) -> None:
    rows = q(
        loaded,
        "select dateadd(day, 1, at)::date, try_to_number(kind), div0(amount, 0), "
        "zeroifnull(null) from events where id = 1",
    )
    assert str(rows[0][0]) == "2020-01-02" and rows[0][1] is None and rows[0][2:] == [0, 0]
    assert q(loaded, "select count(*) from events where kind ilike any ('KIND_1%', 'z%')") == [[11]]


def test_array_agg_and_object_construct(loaded: Any) -> None:
    ((agg,),) = q(
        loaded, "select array_agg(id) within group (order by id) from events where id < 4"
    )
    assert agg.replace(" ", "").replace("\n", "") == "[1,2,3]"
    ((obj,),) = q(loaded, "select object_construct('k', kind) from events where id = 1")
    assert '"k":"kind_0"' in obj.replace(" ", "")


def test_values_column_names(loaded: Any) -> None:
    wh, spec = loaded
    df = wh.query(spec, "select column1, column2 from values (1, 'a'), (2, 'b')")
    assert [c.upper() for c in df.columns] == ["COLUMN1", "COLUMN2"]


def test_unaliased_expressions_are_named_as_snowflake_names_them(loaded: Any) -> None:
    assert fix_result_column_names in ON_SNOWFLAKE
    wh, spec = loaded
    df = wh.query(spec, "select count(*), iff(id > 1, 'a', 'b'), kind from events group by all")
    assert list(df.columns) == ["COUNT(*)", "IFF(ID > 1, 'A', 'B')", "KIND"]


def test_fix_result_column_names_leaves_aliases_and_columns() -> None:
    import sqlglot

    parsed: Any = sqlglot.parse_one("select a, b as x, sum(c) from t", "snowflake")
    tree = fix_result_column_names(parsed, Context(read="snowflake", engine="snowflake"))
    assert tree.sql("snowflake") == 'SELECT a, b AS x, SUM(c) AS "SUM(C)" FROM t'


def test_unknown_table_is_a_query_error(loaded: Any) -> None:
    wh, spec = loaded
    with pytest.raises(QueryError, match="Snowflake emulator"):
        wh.query(spec, "select * from no_such_table")


def test_statements_for_a_real_account() -> None:
    stage = external_stage_sql(
        '"SHOP"."DWSIM_S3"', "s3://bucket/experiments/shop/", "DWSIM_S3_INTEGRATION"
    )
    assert stage == (
        'CREATE OR REPLACE STAGE "SHOP"."DWSIM_S3" URL = \'s3://bucket/experiments/shop/\' '
        "STORAGE_INTEGRATION = DWSIM_S3_INTEGRATION FILE_FORMAT = (TYPE = PARQUET)"
    )
    assert copy_into_sql('"SHOP"."orders"', '@"SHOP"."DWSIM_S3"/orders/run_3/') == (
        'COPY INTO "SHOP"."orders" FROM @"SHOP"."DWSIM_S3"/orders/run_3/ '
        "FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE"
    )
    assert put_sql(Path("/data/it's.parquet"), "@s/t/") == (
        "PUT 'file:///data/it\\'s.parquet' @s/t/ AUTO_COMPRESS=FALSE OVERWRITE=TRUE"
    )


def test_group_by_all_with_qualify(loaded: Any) -> None:
    assert fix_group_by_all_with_qualify in ON_SNOWFLAKE
    rows = q(
        loaded,
        "select kind, count(*) as n from events group by all "
        "qualify row_number() over (order by kind) <= 2 order by kind",
    )
    assert rows == [["kind_0", 1], ["kind_1", 1]]


def test_labels_that_print_alike_keep_both_columns(loaded: Any) -> None:
    wh, spec = loaded
    df = wh.query(
        spec, "select position('_', kind), charindex('_', kind), current_date from events limit 1"
    )
    assert list(df.columns) == [
        "CHARINDEX('_', KIND)",
        "CHARINDEX('_', KIND)_2",
        "CURRENT_DATE",
    ]
    assert df.iloc[0, 0] == df.iloc[0, 1] == 5


def test_ratio_to_report_on_the_emulator(loaded: Any) -> None:
    assert fix_ratio_to_report in ON_SNOWFLAKE
    rows = q(
        loaded,
        "select id, ratio_to_report(id) over (partition by id <= 2) as r from events "
        "where id <= 3 order by id",
    )
    assert [(i, round(float(r), 6)) for i, r in rows] == [(1, 0.333333), (2, 0.666667), (3, 1.0)]


def test_to_varchar_of_a_timestamp_follows_the_format(loaded: Any) -> None:
    assert fix_to_char_date_format in ON_SNOWFLAKE
    # id 15 is 2020-01-01 14:00:00 (a Wednesday); Snowflake prints each element as below.
    rows = q(
        loaded,
        "select to_varchar(at, 'YYYY-MM-DD'), to_char(at, 'DY DD MON YY \"at\" HH12 AM'), "
        "to_char(at::date, 'mmmm yyyy'), to_varchar(at, 'HH24:MI:SS.FF3'), "
        "to_char(dateadd(minute, 5, at), 'YYYYMMDDHH24MI') from events where id = 15",
    )
    assert rows == [
        [
            "2020-01-01",
            "Wed 01 Jan 20 at 02 PM",
            "January 2020",
            "14:00:00.000",
            "202001011405",
        ]
    ]


def test_to_varchar_keeps_snowflakes_column_label(loaded: Any) -> None:
    wh, spec = loaded
    frame = wh.query(spec, "select to_varchar(at, 'YYYY') from events where id = 1")
    assert frame.values.tolist() == [["2020"]]
    assert frame.columns[0].startswith("TO_")


def test_to_varchar_of_a_number_with_a_format_is_a_query_error(loaded: Any) -> None:
    with pytest.raises(QueryError, match="does not support number formats"):
        q(loaded, "select to_varchar(amount, '999.99') from events")
    # Without a format a number still converts.
    assert q(loaded, "select to_varchar(id) from events where id = 7") == [["7"]]


def test_unknown_format_element_names_it() -> None:
    from dwsim_nb.warehouses.snowflake_rewrites import snowflake_time_format

    assert snowflake_time_format('YYYY"%"MM') == "%Y%%%m"
    with pytest.raises(QueryError, match="does not support"):
        snowflake_time_format("YYYY-Q")


def test_array_size_works_and_unemulated_functions_are_named(loaded: Any) -> None:
    assert refuse_unemulated_functions in ON_SNOWFLAKE
    # tags holds a one-element JSON array per row.
    assert q(loaded, "select array_size(tags) from events where id = 4") == [[1]]
    for name in ("is_object", "as_varchar"):
        with pytest.raises(QueryError, match=f"{name.upper()} is not supported by the Snowflake"):
            q(loaded, f"select {name}(payload) from events")
