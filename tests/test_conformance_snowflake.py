"""Snowflake functions and clauses as DuckDB and the Snowflake emulator answer them, against
PostgreSQL running the same meaning.

Every row of :data:`CASES` is a Snowflake query over a small table with a VARIANT column (JSON
objects holding an array of objects) and an ARRAY column: GROUP BY ALL with QUALIFY, FLATTEN in
its forms, RATIO_TO_REPORT, IFF / NVL2 / DIV0 / ZEROIFNULL, ARRAY_AGG and LISTAGG WITHIN GROUP,
DATEADD / DATEDIFF, TRY_TO_NUMBER, SPLIT_PART, OBJECT_CONSTRUCT, PARSE_JSON and ``:`` paths. It
runs through the translation on DuckDB (the default warehouse) and on fakesnow (the Snowflake
emulator), and the sorted rows (numbers to 2 decimals) are compared with the real PostgreSQL
server running a PostgreSQL spelling of the same meaning (jsonb for VARIANT, text[] for ARRAY).
A cell is ✓, "refused" (a QueryError naming the construct) or ✗; no ✗ is allowed.

``DWSIM_WRITE_CONFORMANCE=1`` rewrites this module's section of docs/conformance.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import duckdb
import pytest
from conformance_doc import check_section, table_section

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.array_rewrites import fix_lateral_flatten_duckdb
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.rewrites import Context, fix_ratio_to_report
from dwsim_nb.warehouses.snowflake_rewrites import fix_group_by_all_with_qualify
from dwsim_nb.warehouses.translate import translate
from dwsim_nb.warehouses.variant_rewrites import (
    fix_get_as_path_snowflake,
    fix_object_construct_duckdb,
    fix_variant_values_duckdb,
    refuse_array_functions_snowflake,
)

pytestmark = pytest.mark.postgres

ENGINES = ("duckdb", "snowflake emulator")

# id, grp, amt, ts, v (VARIANT), tags (ARRAY), s: a NULL in each column somewhere, an empty
# array, an object without some fields, a month end and a leap day.
ROWS: list[tuple[Any, ...]] = [
    (
        1,
        "a",
        Decimal("10.00"),
        "2024-01-31 10:00:00",
        {"name": "Ann", "n": 2, "items": [{"sku": "x1", "qty": 1}, {"sku": "x2", "qty": 3}]},
        ["p", "q"],
        "12",
    ),
    (
        2,
        "a",
        Decimal("30.00"),
        "2024-02-29 23:59:00",
        {"name": "Bob", "n": 5, "items": []},
        ["r"],
        "abc",
    ),
    (
        3,
        "b",
        None,
        "2023-12-31 00:00:00",
        {"name": "Cy", "items": [{"sku": "y", "qty": 2}]},
        [],
        "7,5",
    ),
    (4, "b", Decimal("5.50"), "2024-03-01 12:00:00", {"name": "Di", "n": 1}, ["s", "t", "u"], None),
    (5, "c", Decimal("0.00"), "2024-01-01 00:00:00", None, None, "-4"),
]

TABLES = {
    "t": {
        "id": "INT",
        "grp": "VARCHAR",
        "amt": "DECIMAL(10,2)",
        "ts": "TIMESTAMP",
        "v": "VARIANT",
        "tags": "ARRAY",
        "s": "VARCHAR",
    }
}


class Case(NamedTuple):
    label: str
    sql: str  # Snowflake, over t
    reference: str  # PostgreSQL, the same meaning


CASES: list[Case] = [
    Case(
        "GROUP BY ALL … QUALIFY",
        "select grp, count(*) as n from t group by all "
        "qualify row_number() over (order by n desc, grp) = 1",
        "select grp, n from (select grp, count(*) as n, row_number() over "
        "(order by count(*) desc, grp) as r from t group by grp) x where r = 1",
    ),
    Case(
        "LATERAL FLATTEN(input => array)",
        "select t.id, f.index, f.value::string from t, lateral flatten(input => t.tags) f",
        "select t.id, u.i - 1, u.x from t, unnest(t.tags) with ordinality u(x, i)",
    ),
    Case(
        "LATERAL FLATTEN(input => variant object): key, path",
        "select t.id, f.key, f.path, f.value::string from t, lateral flatten(input => t.v) f "
        "where f.key <> 'items'",
        "select t.id, e.key, e.key, e.value #>> '{}' from t, jsonb_each(t.v) e "
        "where e.key <> 'items'",
    ),
    Case(
        "LATERAL FLATTEN(input => v:path), f.value:field",
        "select t.id, f.index, f.value:sku::string, f.value:qty::int "
        "from t, lateral flatten(input => t.v:items) f",
        "select t.id, e.i - 1, e.x ->> 'sku', (e.x ->> 'qty')::int "
        "from t, jsonb_array_elements(t.v -> 'items') with ordinality e(x, i)",
    ),
    Case(
        "TABLE(FLATTEN(input => array))",
        "select t.id, f.value::string from t, table(flatten(input => t.tags)) f",
        "select t.id, x from t, unnest(t.tags) x",
    ),
    Case(
        "TABLE(FLATTEN(input => PARSE_JSON(...)))",
        "select f.index, f.value::int from table(flatten(input => parse_json('[4, 5, 6]'))) f",
        "select i - 1, x::int from jsonb_array_elements_text('[4, 5, 6]') with ordinality e(x, i)",
    ),
    Case(
        "FLATTEN(…, outer => true)",
        "select t.id, f.value::string from t, lateral flatten(input => t.tags, outer => true) f",
        "select t.id, x from t left join lateral unnest(t.tags) x on true",
    ),
    Case(
        "RATIO_TO_REPORT(x) OVER (PARTITION BY …)",
        "select id, ratio_to_report(amt) over (partition by grp) from t",
        "select id, amt / nullif(sum(amt) over (partition by grp), 0) from t",
    ),
    Case(
        "IFF",
        "select id, iff(amt > 10, 'big', 'small') from t",
        "select id, case when amt > 10 then 'big' else 'small' end from t",
    ),
    Case(
        "NVL2",
        "select id, nvl2(amt, 'has', 'none') from t",
        "select id, case when amt is not null then 'has' else 'none' end from t",
    ),
    Case(
        "DIV0",
        "select id, div0(amt, amt - 10) from t",
        "select id, case when amt - 10 = 0 then 0 else amt / (amt - 10) end from t",
    ),
    Case("ZEROIFNULL", "select id, zeroifnull(amt) from t", "select id, coalesce(amt, 0) from t"),
    Case(
        "ARRAY_AGG … WITHIN GROUP (ORDER BY …)",
        "select grp, array_to_string(array_agg(id) within group (order by id desc), ',') "
        "from t group by grp",
        "select grp, string_agg(id::text, ',' order by id desc) from t group by grp",
    ),
    Case(
        "LISTAGG(x, ',') WITHIN GROUP (ORDER BY …)",
        "select grp, listagg(s, ',') within group (order by id) from t group by grp",
        "select grp, coalesce(string_agg(s, ',' order by id), '') from t group by grp",
    ),
    Case(
        "DATEADD(day / month / hour, n, ts)",
        "select id, dateadd(day, 3, ts), dateadd(month, 1, ts), dateadd(hour, -2, ts) from t",
        "select id, ts + interval '3 day', ts + interval '1 month', ts - interval '2 hour' from t",
    ),
    Case(
        "DATEDIFF('day' / month / year, a, b)",
        "select id, datediff('day', ts, '2024-03-01'::timestamp), "
        "datediff(month, ts, '2024-03-01'::timestamp), datediff(year, ts, '2024-03-01'::date) "
        "from t",
        "select id, '2024-03-01'::date - ts::date, "
        "(2024 - extract(year from ts)) * 12 + 3 - extract(month from ts), "
        "2024 - extract(year from ts) from t",
    ),
    Case(
        "DATEDIFF(hour, a, b)",
        "select id, datediff(hour, ts, '2024-03-01 00:30:00'::timestamp) from t",
        "select id, extract(epoch from '2024-03-01 00:00'::timestamp - date_trunc('hour', ts))"
        " / 3600 from t",
    ),
    Case(
        "TRY_TO_NUMBER",
        "select id, try_to_number(s) from t",
        "select id, case when s ~ '^-?[0-9]+$' then s::numeric end from t",
    ),
    Case(
        "SPLIT_PART",
        "select id, split_part(s, ',', 1), split_part(s, ',', 2) from t",
        "select id, split_part(s, ',', 1), split_part(s, ',', 2) from t",
    ),
    Case(
        "OBJECT_CONSTRUCT(…):field",
        "select id, object_construct('g', grp, 'i', id):g::string from t",
        "select id, grp from t",
    ),
    Case(
        "PARSE_JSON(…):path",
        'select parse_json(\'{"k": [10, 20], "o": {"x": "y"}}\'):k[1]::int, '
        'parse_json(\'{"k": [10, 20], "o": {"x": "y"}}\'):o.x::string',
        "select 20, 'y'",
    ),
    Case(
        "v:field::string, v:a.b, v['field']",
        "select id, v:name::string, v:items[0].sku::string, v['name']::string from t",
        "select id, v ->> 'name', v -> 'items' -> 0 ->> 'sku', v ->> 'name' from t",
    ),
    Case(
        "v:field compared with text and numbers",
        "select id from t where v:name = 'Bob' or v:n > 4 or v:name in ('Cy')",
        "select id from t where v ->> 'name' = 'Bob' or (v ->> 'n')::int > 4 "
        "or v ->> 'name' in ('Cy')",
    ),
    Case(
        "v:field in arithmetic and text functions",
        "select id, v:n * 2, v:n::int + 1, upper(v:name), v:name || '!' from t",
        "select id, (v ->> 'n')::int * 2, (v ->> 'n')::int + 1, upper(v ->> 'name'), "
        "(v ->> 'name') || '!' from t",
    ),
    Case(
        "SUM(f.value) over a FLATTEN",
        "select t.id, sum(f.value:qty) from t, lateral flatten(input => t.v:items) f group by 1",
        "select t.id, sum((e ->> 'qty')::int) from t, jsonb_array_elements(t.v -> 'items') e "
        "group by 1",
    ),
    Case(
        "ARRAY_SIZE(v:path), ARRAY_SIZE(array)",
        "select id, array_size(v:items), array_size(tags) from t",
        "select id, jsonb_array_length(v -> 'items'), cardinality(tags) from t",
    ),
    Case(
        "GET(v, 'field'), v:a[0]:b",
        "select id, get(v, 'name')::string, v:items[0]:qty::int from t",
        "select id, v ->> 'name', (v -> 'items' -> 0 ->> 'qty')::int from t",
    ),
    Case(
        "OBJECT_CONSTRUCT drops NULL values",
        "select id, array_size(object_keys(object_construct('a', amt, 'g', grp))) from t",
        "select id, case when amt is null then 1 else 2 end from t",
    ),
    Case(
        "ARRAY_CONTAINS",
        "select id, array_contains('p'::variant, tags) from t",
        "select id, 'p' = any(tags) from t",
    ),
    Case(
        "COUNT_IF, APPROX_COUNT_DISTINCT, MEDIAN",
        "select count_if(amt > 5), approx_count_distinct(grp), median(amt) from t",
        "select count(*) filter (where amt > 5), count(distinct grp), "
        "percentile_cont(0.5) within group (order by amt) from t",
    ),
    Case(
        "DECODE, NVL, IFNULL, EQUAL_NULL",
        "select id, decode(grp, 'a', 1, 'b', 2, 0), nvl(amt, -1), ifnull(s, '-'), "
        "equal_null(amt, null) from t",
        "select id, case grp when 'a' then 1 when 'b' then 2 else 0 end, coalesce(amt, -1), "
        "coalesce(s, '-'), amt is null from t",
    ),
    Case(
        "DATE_TRUNC('week' / 'month'), LAST_DAY",
        "select id, date_trunc('week', ts), date_trunc('month', ts), last_day(ts) from t",
        "select id, date_trunc('week', ts), date_trunc('month', ts), "
        "(date_trunc('month', ts) + interval '1 month - 1 day')::date from t",
    ),
    Case(
        "ADD_MONTHS keeps month ends",
        "select id, add_months(ts::date, 1) from t",
        "select id, case when ts::date = (date_trunc('month', ts) + interval '1 month - 1 day')"
        "::date then (date_trunc('month', ts) + interval '2 month - 1 day')::date "
        "else (ts + interval '1 month')::date end from t",
    ),
    Case(
        "DATEDIFF(week, a, b)",
        "select id, datediff(week, ts, '2024-03-04'::timestamp) from t",
        "select id, ('2024-03-04'::date - date_trunc('week', ts)::date) / 7 from t",
    ),
    Case(
        "SPLIT_PART(s, ',', -1), TRY_CAST, TO_DATE",
        "select id, split_part(s, ',', -1), try_cast(s as int), to_date('2024-03-05') from t",
        "select id, split_part(s, ',', -1), case when s ~ '^-?[0-9]+$' then s::int end, "
        "date '2024-03-05' from t",
    ),
    Case(
        "PERCENTILE_CONT / PERCENTILE_DISC … WITHIN GROUP",
        "select grp, percentile_cont(0.25) within group (order by amt), "
        "percentile_disc(0.5) within group (order by amt) from t group by grp",
        "select grp, percentile_cont(0.25) within group (order by amt), "
        "percentile_disc(0.5) within group (order by amt) from t group by grp",
    ),
    Case(
        "PERCENTILE_CONT … WITHIN GROUP OVER (PARTITION BY …)",
        "select id, percentile_cont(0.5) within group (order by amt) over (partition by grp) "
        "from t",
        "select t.id, p.m from t join (select grp, percentile_cont(0.5) within group "
        "(order by amt) m from t group by grp) p on p.grp = t.grp",
    ),
    Case(
        "APPROX_PERCENTILE (exact value as reference)",
        "select approx_percentile(amt, 0.5) from t",
        "select percentile_cont(0.5) within group (order by amt) from t",
    ),
    Case(
        "ILIKE ANY",
        "select id from t where s ilike any ('%B%', '1%')",
        "select id from t where s ilike any (array['%B%', '1%'])",
    ),
    Case(
        "TRY_TO_DATE, TRY_TO_NUMBER",
        "select id, try_to_date(s), try_to_number(s) from t",
        "select id, null::date, case when s ~ '^-?[0-9]+$' then s::numeric end from t",
    ),
]


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (Decimal, float, int)):
        return round(float(value), 2)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(cursor: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor.execute(sql)
    return sorted((tuple(_norm(v) for v in row) for row in cursor.fetchall()), key=repr)


def _duckdb() -> Any:
    con = duckdb.connect()
    con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")  # as the DuckDB warehouse does
    con.execute(
        "create table t (id int, grp varchar, amt decimal(10,2), ts timestamp, v json, "
        "tags varchar[], s varchar)"
    )
    for id_, grp, amt, ts, v, tags, s in ROWS:
        con.execute(
            "insert into t values (?, ?, ?, ?, ?, ?, ?)",
            [id_, grp, amt, ts, None if v is None else json.dumps(v), tags, s],
        )
    return con


def _fakesnow() -> Iterator[Any]:
    fakesnow = pytest.importorskip("fakesnow")
    import snowflake.connector

    with fakesnow.patch():
        conn = snowflake.connector.connect(database="conf", schema="s")
        cur = conn.cursor()
        cur.execute(
            "create table t (id int, grp varchar, amt number(10,2), ts timestamp_ntz, "
            "v variant, tags array, s varchar)"
        )
        for id_, grp, amt, ts, v, tags, s in ROWS:
            cur.execute(
                "insert into t select %s, %s, %s, %s, parse_json(%s), parse_json(%s), %s",
                (id_, grp, amt, ts, json.dumps(v), json.dumps(tags), s),
            )
        yield cur
        conn.close()


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, Any]]:
    from conftest import throwaway_database

    psycopg = pytest.importorskip("psycopg")
    with throwaway_database("dwsim_test_confsf") as url:
        pg = psycopg.connect(url, autocommit=True)
        pg.execute(
            "create table t (id int, grp text, amt numeric(10,2), ts timestamp, v jsonb, "
            "tags text[], s text)"
        )
        for id_, grp, amt, ts, v, tags, s in ROWS:
            pg.execute(
                "insert into t values (%s, %s, %s, %s, %s, %s, %s)",
                (id_, grp, amt, ts, None if v is None else json.dumps(v), tags, s),
            )
        snow = _fakesnow()
        try:
            yield {"postgres": pg.cursor(), "duckdb": _duckdb(), "snowflake emulator": next(snow)}
        finally:
            snow.close()
            pg.close()


_ENGINE_NAME = {"duckdb": "duckdb", "snowflake emulator": "snowflake"}


def _cell(case: Case, engine: str, conns: dict[str, Any], expected: list[Any]) -> str:
    ctx = Context(read="snowflake", engine=_ENGINE_NAME[engine], tables=TABLES)
    try:
        (statement,) = translate(case.sql, ctx)
    except QueryError:
        return "refused"
    try:
        got = _rows(conns[engine], statement)
    except Exception as e:  # an engine error is a failure of the translation
        return f"✗ ({type(e).__name__})"
    return "✓" if got == expected else f"✗ {got[:2]!r} vs {expected[:2]!r}"


@pytest.fixture(scope="module")
def table(engines: dict[str, Any]) -> list[tuple[Case, dict[str, str]]]:
    out = []
    for case in CASES:
        expected = _rows(engines["postgres"], case.reference)
        assert expected, f"{case.label}: the reference selects no rows, so it compares nothing"
        out.append((case, {e: _cell(case, e, engines, expected) for e in ENGINES}))
    return out


def test_duckdb_answers_every_row(table: list[tuple[Case, dict[str, str]]]) -> None:
    wrong = [f"{c.label}: {cells['duckdb']}" for c, cells in table if cells["duckdb"] != "✓"]
    assert not wrong, "\n".join(wrong)


def test_emulator_answers_or_refuses_by_name(table: list[tuple[Case, dict[str, str]]]) -> None:
    # Neither a wrong answer nor an engine error: what fakesnow cannot run is refused by name.
    cells = [(c.label, cells["snowflake emulator"]) for c, cells in table]
    wrong = [f"{label}: {cell}" for label, cell in cells if cell.startswith("✗")]
    assert not wrong, "\n".join(wrong)


def test_emulator_refuses_array_functions_by_name() -> None:
    ctx = Context(read="snowflake", engine="snowflake", tables=TABLES)
    with pytest.raises(QueryError, match="ARRAY_CONTAINS is not supported by the Snowflake"):
        translate("select array_contains('p'::variant, tags) from t", ctx)


def test_the_fixes_run_in_the_snowflake_on_duckdb_pipeline() -> None:
    fixes = fixes_for("snowflake", "duckdb")
    for fix in (
        fix_group_by_all_with_qualify,
        fix_ratio_to_report,
        fix_lateral_flatten_duckdb,
        fix_variant_values_duckdb,
    ):
        assert fix in fixes, fix.__name__
    assert fix_object_construct_duckdb in fixes
    emulator = fixes_for("snowflake", "snowflake")
    assert fix_get_as_path_snowflake in emulator and refuse_array_functions_snowflake in emulator
    # The VARIANT fix reads the FLATTEN aliases, so it runs after the FLATTEN fix.
    assert fixes.index(fix_lateral_flatten_duckdb) < fixes.index(fix_variant_values_duckdb)


def _markdown(table: list[tuple[Case, dict[str, str]]]) -> str:
    intro = [
        "Written by tests/test_conformance_snowflake.py. Each row is a Snowflake query over a "
        "table with a VARIANT and an ARRAY column, run",
        "through the translation; the reference is the real PostgreSQL server running the same "
        "meaning (jsonb, text[]).",
        "Sorted rows, numbers to 2 decimals. ✗ (Error): the engine rejected the translated query.",
    ]
    rows = [[case.label, *(cells[e] for e in ENGINES)] for case, cells in table]
    return table_section("Snowflake functions and clauses", intro, ["construct", *ENGINES], rows)


def test_conformance_doc_is_current(table: list[tuple[Case, dict[str, str]]]) -> None:
    check_section("snowflake", _markdown(table), "test_conformance_snowflake.py")
