"""Each Redshift fix, executed on PostgreSQL: the translated SQL must give Redshift's answer.

One throw-away database for the module (the helper functions are installed once), a small table
``t`` with the shapes the queries need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.redshift_aggregates import (
    fix_any_value,
    fix_approximate_aggregates,
    fix_ignore_nulls_window,
    fix_listagg_within_group,
    fix_median_window,
    fix_percentile_window,
)
from dwsim_nb.warehouses.redshift_dates import (
    fix_add_months_month_end,
    fix_date_part_year,
    fix_datediff_boundaries,
    fix_getdate_sysdate,
    fix_like_on_datetime,
    fix_trunc_of_unknown_type,
)
from dwsim_nb.warehouses.redshift_functions import install
from dwsim_nb.warehouses.redshift_rewrites import (
    fix_helper_functions,
    fix_physical_options,
    fix_redshift_types,
    fix_string_functions_of_numbers,
    fix_unaliased_derived_tables,
)
from dwsim_nb.warehouses.rewrites import Context, fix_ratio_to_report
from dwsim_nb.warehouses.translate import translate

pytestmark = pytest.mark.postgres

# The fixes Redshift SQL gets on PostgreSQL, the Redshift emulator's engine.
PG = fixes_for("redshift", "postgres")


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    from conftest import throwaway_database

    psycopg = pytest.importorskip("psycopg")
    with throwaway_database("dwsim_test_rs") as url:
        db = psycopg.connect(url, autocommit=True)
        db.execute("SET TimeZone = 'UTC'")
        install(db)
        db.execute(
            """CREATE TABLE t (g int, x int, f float8, name text, ts timestamp, d date, j text);
            INSERT INTO t VALUES
              (1, 1, 1.5, 'b', '2024-01-31 23:59:59', '2024-01-31', '{"a": 1}'),
              (1, 2, 2.5, 'a', '2024-02-01 00:00:01', '2024-02-01', 'not json'),
              (1, 4, NULL, 'b', '2024-03-15 12:30:00', '2024-03-15', NULL),
              (2, 3, 4.0, '', '2023-12-31 08:00:00', '2023-12-31', '[]'),
              (2, NULL, 5.0, 'c', '2024-06-30 18:45:10', '2024-06-30', '{}')"""
        )
        try:
            yield db
        finally:
            db.close()


def translate_redshift(sql: str) -> list[str]:
    """Redshift SQL as the Redshift emulator runs it on PostgreSQL."""
    return translate(sql, Context(read="redshift", engine="postgres"))


def run(pg: Any, redshift_sql: str) -> list[tuple[Any, ...]]:
    (statement,) = translate_redshift(redshift_sql)
    return list(pg.execute(statement).fetchall())


def test_listagg_distinct_within_group(pg: Any) -> None:
    assert fix_listagg_within_group in PG
    sql = "select g, listagg(distinct name, ',') within group (order by name) from t group by g"
    assert run(pg, sql + " order by g") == [(1, "a,b"), (2, "c")]


def test_listagg_within_group_keeps_duplicates_and_order(pg: Any) -> None:
    sql = "select listagg(name, '|') within group (order by name desc) from t where g = 1"
    assert run(pg, sql) == [("b|b|a",)]


def test_listagg_default_delimiter_is_empty_and_numbers_aggregate(pg: Any) -> None:
    assert run(pg, "select listagg(x) within group (order by x) from t") == [("1234",)]


def test_listagg_as_window_function(pg: Any) -> None:
    sql = (
        "select distinct g, listagg(name, ',') within group (order by name) over (partition by g)"
        " from t order by g"
    )
    assert run(pg, sql) == [(1, "a,b,b"), (2, "c")]


def test_listagg_distinct_by_other_order_names_the_construct() -> None:
    with pytest.raises(QueryError, match=r"LISTAGG\(DISTINCT x\) WITHIN GROUP \(ORDER BY y\)"):
        translate_redshift("select listagg(distinct name) within group (order by x) from t")


def test_trunc_timestamp_gives_date_and_trunc_number_stays(pg: Any) -> None:
    assert fix_trunc_of_unknown_type in PG
    sql = "select trunc(ts), trunc(f), trunc(2.75, 1) from t where x = 1"
    assert run(pg, sql) == [(dt.date(2024, 1, 31), 1.0, Decimal("2.7"))]


def test_median_as_window_function(pg: Any) -> None:
    assert fix_median_window in PG
    sql = "select g, x, median(x) over (partition by g) from t where x is not null order by x"
    assert run(pg, sql) == [(1, 1, 2.0), (1, 2, 2.0), (2, 3, 3.0), (1, 4, 2.0)]


def test_percentile_cont_as_window_function(pg: Any) -> None:
    assert fix_percentile_window in PG
    sql = (
        "select distinct g, percentile_cont(0.25) within group (order by f) over (partition by g),"
        " percentile_cont(0.25) within group (order by f desc) over (partition by g)"
        " from t order by g"
    )
    assert run(pg, sql) == [(1, 1.75, 2.25), (2, 4.25, 4.75)]


def test_percentile_disc_as_window_function(pg: Any) -> None:
    sql = (
        "select distinct g, percentile_disc(0.5) within group (order by x) over (partition by g)"
        " from t order by g"
    )
    assert run(pg, sql) == [(1, 2), (2, 3)]


def test_approximate_count_distinct(pg: Any) -> None:
    assert fix_approximate_aggregates in PG
    assert run(pg, "select approximate count(distinct name) from t") == [(4,)]


def test_approximate_percentile_disc(pg: Any) -> None:
    sql = "select approximate percentile_disc(0.5) within group (order by x) from t"
    assert run(pg, sql) == [(2,)]


@pytest.mark.parametrize(
    ("part", "a", "b", "expected"),
    [
        ("month", "2024-01-31", "2024-02-01", 1),
        ("month", "2024-02-01", "2024-01-31", -1),
        ("year", "2023-12-31", "2024-01-01", 1),
        ("qtr", "2024-03-31", "2024-04-01", 1),
        ("quarter", "2024-01-01", "2024-03-31", 0),
        ("week", "2024-01-07", "2024-01-08", 1),  # Sunday -> Monday crosses a week start
        ("week", "2024-01-01", "2024-01-07", 0),
        ("day", "2024-01-01 23:59:59", "2024-01-02 00:00:00", 1),
        ("hour", "2024-01-01 10:59:59", "2024-01-01 11:00:00", 1),
        ("minute", "2024-01-01 10:00:59", "2024-01-01 10:01:00", 1),
        ("second", "2024-01-01 10:00:00.900", "2024-01-01 10:00:01.100", 1),
        ("mon", "2009-01-01", "2009-12-31", 11),
        ("w", "2009-01-01", "2009-12-31", 52),
    ],
)
def test_datediff_counts_boundaries(pg: Any, part: str, a: str, b: str, expected: int) -> None:
    assert fix_datediff_boundaries in PG
    assert run(pg, f"select datediff({part}, '{a}', '{b}')") == [(expected,)]


def test_datediff_on_columns(pg: Any) -> None:
    sql = "select datediff(day, d, ts) from t where x = 2"
    assert run(pg, sql) == [(0,)]


def test_datediff_unknown_part_names_the_construct() -> None:
    with pytest.raises(QueryError, match="DATEDIFF with date part"):
        translate_redshift("select datediff(dow, a, b)")


def test_getdate_and_sysdate_are_timestamps_without_zone(pg: Any) -> None:
    assert fix_getdate_sysdate in PG
    ((getdate, sysdate),) = run(pg, "select getdate(), sysdate")
    assert getdate.tzinfo is None and sysdate.tzinfo is None
    assert getdate.microsecond == 0


def test_unaliased_derived_tables(pg: Any) -> None:
    assert fix_unaliased_derived_tables in PG
    sql = "select count(*) from (select g from t group by g) join (select 1 as one) on true"
    assert run(pg, sql) == [(2,)]


def test_nvl_nvl2_decode(pg: Any) -> None:
    sql = (
        "select nvl(x, -1), nvl2(x, 'has', 'none'), decode(x, 1, 'one', null, 'null', 'other')"
        " from t where g = 2 order by x nulls last"
    )
    assert run(pg, sql) == [(3, "has", "other"), (-1, "none", "null")]


def test_convert_timezone(pg: Any) -> None:
    sql = (
        "select convert_timezone('UTC', 'America/New_York', ts),"
        " convert_timezone('America/New_York', ts) from t where x = 1"
    )
    expected = dt.datetime(2024, 1, 31, 18, 59, 59)
    assert run(pg, sql) == [(expected, expected)]


def test_double_colon_casts_and_redshift_types(pg: Any) -> None:
    assert fix_redshift_types in PG
    sql = (
        "select x::varchar(max), '2024-01-02'::date, f::int, '{\"a\":1}'::super from t where x = 1"
    )
    assert run(pg, sql) == [("1", dt.date(2024, 1, 2), 2, {"a": 1})]


def test_top_n(pg: Any) -> None:
    assert run(pg, "select top 2 x from t order by x") == [(1,), (2,)]


def test_any_value(pg: Any) -> None:
    assert fix_any_value in PG
    assert run(pg, "select g, any_value(g) from t group by g order by g") == [(1, 1), (2, 2)]


def test_ratio_to_report(pg: Any) -> None:
    assert fix_ratio_to_report in PG
    sql = "select x, ratio_to_report(x) over (partition by g) from t where g = 1 order by x"
    assert run(pg, sql) == [(1, 1 / 7), (2, 2 / 7), (4, 4 / 7)]


def test_helper_functions(pg: Any) -> None:
    assert fix_helper_functions in PG
    sql = (
        "select strtol('ff', 16), months_between('2024-03-31'::date, '2024-02-29'::date),"
        " is_valid_json(j), regexp_substr(name, '[a-z]') from t where x = 2"
    )
    assert run(pg, sql) == [(255, 1.0, False, "a")]


def test_rewrite_functions_are_named_after_features() -> None:
    names = {f.__name__ for f in fixes_for("redshift", "postgres")}
    for feature in ("listagg", "trunc", "median", "percentile", "approximate", "datediff"):
        assert any(feature in n for n in names), feature


def test_syntax_error_carries_position() -> None:
    with pytest.raises(QueryError) as err:
        translate_redshift("select from where (")
    assert err.value.line is not None


def test_ignore_nulls_first_last_and_nth_value(pg: Any) -> None:
    assert fix_ignore_nulls_window in PG
    window = (
        "over (partition by g order by x rows between unbounded preceding and unbounded following)"
    )
    sql = (
        f"select g, x, first_value(f ignore nulls) {window}, last_value(f ignore nulls) {window},"
        f" nth_value(f, 2) ignore nulls {window} from t order by g, x"
    )
    rows = run(pg, sql)
    # g = 1 holds 1.5, 2.5, NULL in x order; g = 2 holds 4.0 then 5.0 (its NULL x sorts last)
    assert [r[2:] for r in rows] == [(1.5, 2.5, 2.5)] * 3 + [(4.0, 5.0, 5.0)] * 2


def test_ignore_nulls_keeps_redshifts_column_name(pg: Any) -> None:
    (statement,) = translate_redshift(
        "select last_value(name ignore nulls) over (order by x rows between unbounded preceding"
        " and unbounded following) from t"
    )
    cursor = pg.execute(statement + " limit 1")
    assert [d.name for d in cursor.description] == ["last_value"]
    assert cursor.fetchall() == [("c",)]  # the row with x NULL sorts last


def test_repeat_of_a_number_and_date_part_year(pg: Any) -> None:
    assert fix_string_functions_of_numbers in PG and fix_date_part_year in PG
    assert run(pg, "select repeat(g, 3), date_part_year(d) from t where x = 3") == [("222", 2023)]


def test_next_day_helper(pg: Any) -> None:
    sql = (
        "select next_day(d, 'Tue'), next_day(d, 'monday'), next_day(ts, 'Su') from t "
        "where x in (1, 3) order by x"
    )
    # 2024-01-31 is a Wednesday, 2023-12-31 a Sunday: the same weekday moves a whole week.
    assert run(pg, sql) == [
        (dt.date(2024, 2, 6), dt.date(2024, 2, 5), dt.date(2024, 2, 4)),
        (dt.date(2024, 1, 2), dt.date(2024, 1, 1), dt.date(2024, 1, 7)),
    ]


def test_like_on_a_timestamp_column_compares_its_text(pg: Any) -> None:
    assert fix_like_on_datetime in PG
    ctx = Context(read="redshift", engine="postgres", tables={"t": {"ts": "TIMESTAMP", "x": "INT"}})
    (statement,) = translate("select x from t where ts like '2024-0_-%' order by x", ctx)
    assert [r[0] for r in pg.execute(statement).fetchall()] == [1, 2, 4, None]


def test_add_months_keeps_month_ends_and_names_its_column(pg: Any) -> None:
    assert fix_add_months_month_end in PG
    # Redshift: from a month's last day to the target month's last day; other days clamp.
    statement = translate_redshift(
        "select add_months('2024-02-29'::date, 1), add_months('2024-01-31'::date, 1), "
        "add_months('2024-01-15 10:30:00'::timestamp, -2), dateadd(month, 1, '2024-02-29'::date), "
        "last_day(d) from t where x = 1"
    )[0]
    cur = pg.execute(statement)
    assert cur.fetchall() == [
        (
            dt.datetime(2024, 3, 31),
            dt.datetime(2024, 2, 29),
            dt.datetime(2023, 11, 15, 10, 30),
            dt.datetime(2024, 3, 29),  # DATEADD has no month-end rule
            dt.date(2024, 1, 31),
        )
    ]
    names = [c.name for c in cur.description]
    assert names[:2] == ["add_months", "add_months"] and names[4] == "last_day"


def test_physical_options_are_dropped_from_typed_ddl(pg: Any) -> None:
    assert fix_physical_options in PG
    statements = translate_redshift(
        "create table phys (id int encode az64 distkey, day date sortkey, note varchar(max) "
        "encode lzo) diststyle key backup no"
    )
    pg.execute(statements[0])
    try:
        pg.execute("insert into phys values (1, '2024-01-01', 'x')")
        assert pg.execute("select id, note from phys").fetchall() == [(1, "x")]
    finally:
        pg.execute("drop table phys")
