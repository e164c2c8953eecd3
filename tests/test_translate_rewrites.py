"""Translation: each named rewrite has a test that executes its output, and the dialect features
that need no fix on DuckDB are pinned by executing them too (so a sqlglot upgrade that breaks one
shows up here)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.redshift_aggregates import fix_listagg_distinct
from dwsim_nb.warehouses.redshift_dates import (
    fix_add_months_month_end_duckdb,
    fix_date_part_year,
    fix_like_on_datetime,
    fix_trunc_timestamp,
)
from dwsim_nb.warehouses.redshift_rewrites import (
    fix_string_functions_of_numbers,
    refuse_to_char_number_format,
)
from dwsim_nb.warehouses.rewrites import (
    Context,
    fix_ratio_to_report,
    match_column_case,
    name_result_columns,
    qualify_experiment_tables,
)
from dwsim_nb.warehouses.sqlite_rewrites import (
    fix_sqlite_cast_timestamp,
    fix_sqlite_date_interval,
    fix_sqlite_dateadd,
    fix_sqlite_extract,
)
from dwsim_nb.warehouses.translate import parse, translate
from dwsim_nb.workspace import Workspace

TABLES = {"t": {"a": "INT", "b": "VARCHAR", "g": "INT", "d": "DATE", "ts": "TIMESTAMP"}}
ROWS = [
    (1, "x", 1, "2020-01-01", "2020-12-31 23:59:00"),
    (2, "y", 1, "2020-03-01", "2021-01-01 00:01:00"),
    (3, None, 2, "2020-05-01", "2020-06-01 00:00:00"),
    (0, "z", 2, "2020-05-01", "2020-06-01 00:00:00"),
    (4, "x", 1, "2020-05-02", "2020-06-02 00:00:00"),
]


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create table t (a int, b varchar, g int, d date, ts timestamp)")
    con.executemany("insert into t values (?, ?, ?, ?, ?)", ROWS)
    return con


def run_duckdb(con: duckdb.DuckDBPyConnection, sql: str, read: str = "redshift") -> list[Any]:
    out = translate(sql, Context(read=read, engine="duckdb", tables=TABLES))
    return con.execute(out[-1]).fetchall()


# --- the project's fixes ------------------------------------------------------------------------


def test_fix_listagg_distinct_runs_on_duckdb(duck: duckdb.DuckDBPyConnection) -> None:
    assert fix_listagg_distinct in fixes_for("redshift", "duckdb")
    sql = ("select g, listagg(distinct b, ',') within group (order by b) from t "
           "group by g order by g")
    assert run_duckdb(duck, sql) == [(1, "x,y"), (2, "z")]


def test_fix_trunc_timestamp_gives_the_date(duck: duckdb.DuckDBPyConnection) -> None:
    assert fix_trunc_timestamp in fixes_for("redshift", "duckdb")
    assert run_duckdb(duck, "select trunc(ts) from t where a = 1") == [(dt.date(2020, 12, 31),)]
    # TRUNC of a number is left alone
    assert run_duckdb(duck, "select trunc(2.7)") == [(2,)]


def test_fix_trunc_timestamp_through_a_redshift_experiment_on_duckdb(home: Path) -> None:
    # End to end: the column types come from the experiment's spec, not a hand-made Context.
    exp = Workspace(home).create({
        "name": "tr", "dialect": "redshift", "target_warehouse": "duckdb",
        "tables": [{"name": "ev", "target_rows": 40, "columns": [
            {"name": "id", "data_type": "INT"},
            {"name": "ts", "data_type": "TIMESTAMP",
             "date_start": "2024-01-30T00:00:00", "date_end": "2024-02-02T00:00:00"},
        ]}],
    })
    assert exp.warehouse_name == "duckdb"
    exp.generate(seed=1, workers=1)
    rows = exp.query_arrow("select id, ts, trunc(ts) as day, TRUNC(e.TS) as day2 from ev e "
                           "order by id").to_pylist()
    assert len(rows) == 40
    for row in rows:
        assert row["day"] == row["day2"] == row["ts"].date()
    grouped = exp.query("select trunc(ts) as day, count(*) as n from ev group by trunc(ts)")
    assert int(grouped["n"].sum()) == 40
    assert exp.query("select trunc(2.7) as n")["n"][0] == 2


def test_qualify_experiment_tables_skips_cte_names() -> None:
    ctx = Context(read="redshift", engine="duckdb", schema="exp", tables=TABLES)
    tree = parse("with t2 as (select * from t) select * from t2 join T on true", "redshift")[0]
    sql = qualify_experiment_tables(tree, ctx).sql("duckdb")
    assert 'FROM "exp"."t")' in sql
    assert "FROM t2" in sql
    assert 'JOIN "exp"."t"' in sql


def test_match_column_case_uses_the_schema_spelling() -> None:
    ctx = Context(read="snowflake", engine="duckdb", tables={"t": {"userId": "INT"}})
    tree = parse("select USERID, other from t", "snowflake")[0]
    assert match_column_case(tree, ctx).sql("duckdb") == 'SELECT "userId", other FROM t'


# --- verified to need no fix on DuckDB (executed) ------------------------------------------------


@pytest.mark.parametrize(
    ("read", "sql", "expected"),
    [
        ("redshift", "select top 2 a from t order by a", [(0,), (1,)]),
        ("redshift", "select getdate() > '2020-01-01'::timestamp, sysdate is not null",
         [(True, True)]),
        ("redshift", "select nvl2(b, 'has', 'none') from t where a = 3", [("none",)]),
        ("redshift", "select decode(a, 1, 'one', 2, 'two', 'other') from t order by a",
         [("other",), ("one",), ("two",), ("other",), ("other",)]),
        ("redshift", "select g, listagg(b, ',') within group (order by a) from t group by g "
         "order by g", [(1, "x,y,x"), (2, "z")]),
        # Redshift counts boundaries crossed: one minute across New Year is one year, one day
        ("redshift", "select datediff(year, ts, '2021-01-01 00:00:00'::timestamp), "
         "datediff(day, '2020-12-31 23:59'::timestamp, '2021-01-01 00:01'::timestamp) "
         "from t where a = 1", [(1, 1)]),
        ("redshift", "select median(a) from t", [(2.0,)]),
        ("redshift", "select approximate count(distinct b) from t", [(3,)]),
        ("snowflake", "select iff(a > 1, 'big', 'small') from t where a = 2", [("big",)]),
        ("snowflake", "select div0(a, 0) from t where a = 2", [(0,)]),
        ("snowflake", "select zeroifnull(null::int)", [(0,)]),
        ("snowflake", "select a from t qualify row_number() over (partition by g order by a) = 1 "
         "order by a", [(0,), (1,)]),
        ("postgres", "select a from t order by a limit 1 offset 1", [(1,)]),
    ],
)
def test_dialect_features_run_on_duckdb(
    duck: duckdb.DuckDBPyConnection, read: str, sql: str, expected: list[Any]
) -> None:
    assert run_duckdb(duck, sql, read) == expected


def test_sqlite_output_rejects_unknown_columns() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("create table t (a int)")
    out = translate("select misspelt from t", Context(read="redshift", engine="sqlite",
                                                      tables={"t": {"a": "INT"}}))
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        con.execute(out[0])


# --- errors ------------------------------------------------------------------------------------


def test_syntax_error_points_at_the_users_sql() -> None:
    with pytest.raises(QueryError) as info:
        parse("select 1;\nselect a\nfrom t where a = = 2", "redshift")
    err = info.value
    assert err.line == 3 and err.col is not None
    assert "redshift SQL" in str(err)


def test_empty_and_unknown_dialect() -> None:
    with pytest.raises(QueryError, match="empty"):
        parse(" ; ", "duckdb")
    with pytest.raises(QueryError, match="unknown SQL dialect"):
        parse("select 1", "oracle")


# --- SQLite: dates and EXTRACT (executed on SQLite, values stored as the warehouse stores them) ---


@pytest.fixture(scope="module")
def lite() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("create table t (a integer, b text, g integer, d text, ts text)")
    con.executemany(
        "insert into t values (?, ?, ?, ?, ?)",
        [(a, b, g, d, ts + ".000000") for a, b, g, d, ts in ROWS],
    )
    return con


def run_sqlite(con: sqlite3.Connection, sql: str, read: str = "postgres") -> list[Any]:
    out = translate(sql, Context(read=read, engine="sqlite", tables=TABLES))
    return con.execute(out[-1]).fetchall()


def test_fix_sqlite_date_interval_runs_on_sqlite(lite: sqlite3.Connection) -> None:
    assert fix_sqlite_date_interval in fixes_for("ansi", "sqlite")
    assert run_sqlite(lite, "select date '1998-12-01' - interval '90' day") == [("1998-09-02",)]
    # month ends clamp as in PostgreSQL and DuckDB (SQLite alone would give 2020-03-02)
    assert run_sqlite(lite, "select date '2020-01-31' + interval '1' month, "
                            "date '2020-02-29' + interval '1' year, "
                            "date '2020-03-31' - interval '1 month'") == [
        ("2020-02-29", "2021-02-28", "2020-02-29")]
    # a date column stays a date; a timestamp column keeps the stored timestamp shape
    assert run_sqlite(lite, "select d + interval '3' month, ts + interval '2 hours' "
                            "from t where a = 1") == [("2020-04-01", "2021-01-01 01:59:00.000000")]
    assert run_sqlite(lite, "select count(*) from t "
                            "where d < date '2020-03-01' + interval '2' month") == [(2,)]


def test_fix_sqlite_date_interval_needs_a_constant() -> None:
    with pytest.raises(QueryError, match="constant"):
        translate("select d + interval (a) day from t",
                  Context(read="postgres", engine="sqlite", tables=TABLES))


def test_fix_sqlite_dateadd_runs_on_sqlite(lite: sqlite3.Connection) -> None:
    assert fix_sqlite_dateadd in fixes_for("redshift", "sqlite")
    # Redshift's DATEADD gives a timestamp, for a date too, in the stored timestamp shape.
    assert run_sqlite(lite, "select dateadd(day, 3, d), dateadd(month, 1, ts) from t "
                            "where a = 1", "redshift") == [
        ("2020-01-04 00:00:00.000000", "2021-01-31 23:59:00.000000")]
    # month ends clamp as in Redshift; negative amounts, quoted units and DATE_ADD translate
    assert run_sqlite(lite, "select dateadd(month, 1, '2020-01-31'), "
                            "date_add('day', -2, d), dateadd(hrs, 2, ts) from t where a = 2",
                      "redshift") == [("2020-02-29 00:00:00.000000",
                                       "2020-02-28 00:00:00.000000",
                                       "2021-01-01 02:01:00.000000")]
    # compares with a timestamp column as text, so the shape must be the stored one
    assert run_sqlite(lite, "select count(*) from t where dateadd(month, 1, d) >= ts",
                      "redshift") == [(3,)]
    with pytest.raises(QueryError, match="constant"):
        run_sqlite(lite, "select dateadd(day, a, d) from t", "redshift")


def test_fix_sqlite_extract_runs_on_sqlite(lite: sqlite3.Connection) -> None:
    assert fix_sqlite_extract in fixes_for("redshift", "sqlite")
    assert run_sqlite(lite, "select extract(year from d), extract(month from d), "
                            "extract(quarter from d), extract(dow from d), "
                            "extract(hour from ts), date_part('day', d) from t where a = 2") == [
        (2020, 3, 1, 0, 0, 1)]
    with pytest.raises(QueryError, match="week"):
        run_sqlite(lite, "select extract(week from d) from t")


def test_fix_sqlite_cast_timestamp_runs_on_sqlite(lite: sqlite3.Connection) -> None:
    assert fix_sqlite_cast_timestamp in fixes_for("redshift", "sqlite")
    assert run_sqlite(lite, "select count(*) from t "
                            "where ts >= '2020-12-31 23:59:00'::timestamp", "redshift") == [(2,)]
    assert run_sqlite(lite, "select extract(second from cast('2020-01-01 10:00:01.25' "
                            "as timestamp))") == [(1.25,)]


# --- result column names as Redshift / PostgreSQL give them --------------------------------------

# Expected names as a PostgreSQL 15 server returns them for the same SELECT list.
NAMED = [
    ("count(*)", "count"), ("sum(a)", "sum"), ("max(a)", "max"), ("count(distinct a)", "count"),
    ("a + 1", "?column?"), ("a", "a"), ("t.a", "a"), ("cast(a as bigint)", "a"), ("a::text", "a"),
    ("'1'::int", "int4"), ("1::numeric", "numeric"), ("'x'", "?column?"), ("-a", "?column?"),
    ("coalesce(b, 'y')", "coalesce"), ("case when a > 1 then 1 end", "case"),
    ("upper(b)", "upper"), ("lower(b)::varchar", "lower"), ("(select max(a) from t)", "max"),
    ("exists (select 1)", "exists"), ("row_number() over (order by a)", "row_number"),
    ("substring(b from 1 for 1)", "substring"), ("trim(b)", "btrim"), ("nullif(a, 2)", "nullif"),
    ("avg(a)::numeric(10, 2)", "avg"), ("b || 'z'", "?column?"), ("null", "?column?"),
]


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_name_result_columns_as_postgres(
    duck: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, engine: str
) -> None:
    assert name_result_columns in fixes_for("postgres", engine)
    sql = "select " + ", ".join(e for e, _ in NAMED) + " from t group by a, b"
    out = translate(sql, Context(read="postgres", engine=engine, tables=TABLES))[-1]
    if engine == "duckdb":
        names = duck.sql(out).to_arrow_table().column_names
    else:
        names = [d[0] for d in lite.execute(out).description]
    assert names == [n for _, n in NAMED]


def test_name_result_columns_redshift_and_unions(duck: duckdb.DuckDBPyConnection) -> None:
    sql = ("select count(*), extract(year from d), nvl(b, 'y'), a as kept from t group by d, b, a "
           "union all select 1, 2, 'z', 3")
    out = translate(sql, Context(read="redshift", engine="duckdb", tables=TABLES))[-1]
    # Redshift, PostgreSQL 8 underneath, names EXTRACT date_part and NVL coalesce
    assert duck.sql(out).to_arrow_table().column_names == ["count", "date_part", "coalesce", "kept"]


def test_name_result_columns_leaves_other_dialects() -> None:
    assert name_result_columns not in fixes_for("duckdb", "duckdb")
    assert name_result_columns not in fixes_for("snowflake", "duckdb")
    assert name_result_columns not in fixes_for("redshift", "postgres")


# --- Redshift constructs on DuckDB met in the documentation's examples --------------------------


def test_like_ratio_repeat_and_date_part_year_on_duckdb(duck: duckdb.DuckDBPyConnection) -> None:
    assert fix_like_on_datetime in fixes_for("redshift", "duckdb")
    assert fix_ratio_to_report in fixes_for("redshift", "duckdb")
    assert fix_string_functions_of_numbers in fixes_for("redshift", "duckdb")
    assert fix_date_part_year in fixes_for("redshift", "duckdb")
    # A timestamp matched against a text pattern, as Redshift allows.
    assert run_duckdb(duck, "select a from t where ts like '2020-06-%' order by a") == [(0,), (3,),
                                                                                        (4,)]
    rows = run_duckdb(duck, "select a, ratio_to_report(a) over (partition by g) from t "
                            "where g = 2 order by a")
    assert rows == [(0, 0.0), (3, 1.0)]
    assert run_duckdb(duck, "select repeat(g, 2), date_part_year(d) from t where a = 3") == [
        ("22", 2020)]


def test_redshift_experiment_on_duckdb_lambdas_and_repeated_labels(home: Path) -> None:
    exp = Workspace(home).create({
        "name": "lam", "dialect": "redshift", "target_warehouse": "duckdb",
        "tables": [{"name": "p", "target_rows": 3, "columns": [
            {"name": "id", "data_type": "INT"},
            {"name": "label", "data_type": "VARCHAR", "values": ["big red box"]},
        ]}],
    })
    exp.generate(seed=1, workers=1)
    # INITCAP's DuckDB translation is written with an arrow lambda.
    assert exp.query("select initcap(label) as c from p limit 1")["c"][0] == "Big Red Box"
    # Two unaliased expressions share the label ``coalesce``: both keep their own type.
    df = exp.query("select nvl(label, 'n/a'), coalesce(id, 0) from p order by id limit 1")
    assert list(df.columns) == ["coalesce", "coalesce"]
    assert df.iloc[0, 0] == "big red box" and int(df.iloc[0, 1]) >= 0


def test_to_char_of_a_number_is_refused_by_name_and_dates_still_format(
    duck: duckdb.DuckDBPyConnection,
) -> None:
    assert refuse_to_char_number_format in fixes_for("redshift", "duckdb")
    # A column the spec types as INT, and a number format on an untyped value.
    for sql in ("select to_char(a, '999') from t", "select to_char(1234.5, '9,999.99')"):
        with pytest.raises(QueryError, match="number formats in TO_CHAR are not supported"):
            run_duckdb(duck, sql)
    rows = run_duckdb(
        duck, "select to_char(d, 'YYYY-MM-DD'), to_char(ts, 'HH24:MI') from t where a = 2"
    )
    assert rows == [("2020-03-01", "00:01")]


def test_add_months_keeps_month_ends_on_duckdb(duck: duckdb.DuckDBPyConnection) -> None:
    assert fix_add_months_month_end_duckdb in fixes_for("redshift", "duckdb")
    sql = (
        "select add_months('2024-02-29'::date, 1), add_months(ts, 2), "
        "dateadd(month, 1, '2024-02-29'::date), last_day(d) from t where a = 4"
    )
    out = translate(sql, Context(read="redshift", engine="duckdb", tables=TABLES))
    cur = duck.execute(out[-1])
    assert cur.fetchall() == [
        (
            dt.datetime(2024, 3, 31),
            dt.datetime(2020, 8, 2),
            dt.datetime(2024, 3, 29),
            dt.date(2020, 5, 31),
        )
    ]
    assert [c[0] for c in cur.description] == ["add_months", "add_months", "dateadd", "last_day"]
