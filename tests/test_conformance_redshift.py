"""Redshift functions and clauses as DuckDB and SQLite answer them, against the Redshift emulator.

Every row of :data:`CASES` is a Redshift query over a small table: NVL / NVL2 / DECODE, LISTAGG
WITHIN GROUP, APPROXIMATE COUNT(DISTINCT), GETDATE / SYSDATE, DATEADD / DATEDIFF with date parts,
TOP, CONVERT, MEDIAN, RATIO_TO_REPORT, LEN, CHARINDEX, STRTOL and the date helpers. It runs
through the translation on DuckDB (the default warehouse) and SQLite, and the sorted rows
(numbers to 2 decimals) are compared with the Redshift emulator's (PostgreSQL with the Redshift
fixes and helper functions, whose answers tests/test_redshift_rewrites.py checks against
Redshift's documented ones). A cell is ✓, "refused" (a QueryError naming the construct) or ✗;
DuckDB must answer every row, and no engine may give other rows.

``DWSIM_WRITE_CONFORMANCE=1`` rewrites this module's section of docs/conformance.md.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import duckdb
import pytest
from conformance_doc import check_section, table_section

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.redshift_duckdb import (
    fix_datediff_week_duckdb,
    fix_integer_division_duckdb,
    fix_listagg_empty_strings_duckdb,
    fix_strtol_duckdb,
)
from dwsim_nb.warehouses.redshift_functions import install
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.sqlite_numbers import (
    fix_sqlite_cast_rounds,
    fix_sqlite_date_plus_days,
    fix_sqlite_decimal_constants,
)
from dwsim_nb.warehouses.translate import translate

pytestmark = pytest.mark.postgres

ENGINES = ("duckdb", "sqlite")

ROWS: list[tuple[Any, ...]] = [
    (1, 1, 1.5, "b", "2024-01-31 23:59:59", "2024-01-31", "ff"),
    (1, 2, 2.5, "abc", "2024-02-01 00:00:01", "2024-02-29", "10"),
    (1, 4, None, "b", "2024-03-15 12:30:00", "2024-03-15", None),
    (2, 3, 4.0, "", "2023-12-31 08:00:00", "2023-12-31", "7f"),
    (2, None, 5.0, "cab", "2024-06-30 18:45:10", "2024-06-30", "0"),
]
TABLES = {
    "t": {
        "g": "INT",
        "x": "INT",
        "f": "DOUBLE",
        "name": "VARCHAR",
        "ts": "TIMESTAMP",
        "d": "DATE",
        "s": "VARCHAR",
    }
}


class Case(NamedTuple):
    label: str
    sql: str  # Redshift, over t


CASES: list[Case] = [
    Case("NVL, NVL2", "select g, nvl(x, -1), nvl2(x, 'has', 'none') from t"),
    Case("DECODE (with NULL)", "select decode(x, 1, 'one', null, 'null', 'other') from t"),
    Case(
        "COALESCE, NULLIF, GREATEST", "select coalesce(x, g), nullif(x, 2), greatest(x, g) from t"
    ),
    Case(
        "LISTAGG … WITHIN GROUP",
        "select g, listagg(name, ',') within group (order by x desc) from t group by g",
    ),
    Case(
        "LISTAGG(DISTINCT …) WITHIN GROUP",
        "select g, listagg(distinct name, '|') within group (order by name) from t group by g",
    ),
    Case("APPROXIMATE COUNT(DISTINCT)", "select approximate count(distinct name) from t"),
    Case(
        "GETDATE(), SYSDATE",
        "select getdate() > '2020-01-01'::timestamp, sysdate::date = getdate()::date",
    ),
    Case(
        "DATEADD(day / month / hour, n, x)",
        "select dateadd(day, -3, ts), dateadd(month, 1, d), dateadd(hour, 5, ts) from t",
    ),
    Case(
        "DATEADD(month) at a month end",
        "select dateadd(month, 1, '2024-01-31'::date), dateadd(month, -1, '2024-03-31'::date)",
    ),
    Case(
        "DATEDIFF(day / week / month / qtr / year)",
        "select datediff(day, ts, '2024-07-01'), datediff(week, d, '2024-07-01'), "
        "datediff(month, d, '2024-07-01'), datediff(qtr, d, '2024-07-01'), "
        "datediff(year, d, '2025-01-01') from t",
    ),
    Case(
        "DATEDIFF(hour / minute)",
        "select datediff(hour, ts, '2024-07-01 00:00:00'), "
        "datediff(minute, ts, '2024-07-01 00:00:00') from t",
    ),
    Case("TOP n", "select top 2 x from t order by x"),
    Case(
        "CONVERT(type, x)",
        "select convert(varchar, x), convert(integer, f), convert(decimal(10,2), f) from t",
    ),
    Case("MEDIAN", "select g, median(f) from t group by g"),
    Case(
        "PERCENTILE_CONT … WITHIN GROUP",
        "select g, percentile_cont(0.25) within group (order by f) from t group by g",
    ),
    Case(
        "PERCENTILE_DISC … WITHIN GROUP",
        "select g, percentile_disc(0.5) within group (order by f) from t group by g",
    ),
    Case(
        "APPROXIMATE PERCENTILE_DISC … WITHIN GROUP",
        "select approximate percentile_disc(0.5) within group (order by f) from t",
    ),
    Case(
        "PERCENTILE_CONT / MEDIAN OVER (PARTITION BY …)",
        "select x, percentile_cont(0.5) within group (order by f) over (partition by g), "
        "median(f) over (partition by g) from t",
    ),
    Case("RATIO_TO_REPORT", "select x, ratio_to_report(f) over (partition by g) from t"),
    Case(
        "LEN, CHARINDEX, POSITION",
        "select len(name), charindex('b', name), position('a' in name) from t",
    ),
    Case("STRTOL", "select strtol(s, 16) from t"),
    Case("LEFT, RIGHT", "select left(name, 2), right(name, 1), right(name, 0) from t"),
    Case(
        "LEFT, RIGHT, SPLIT_PART",
        "select left(name, 2), right(name, 1), split_part(name, 'a', 2) from t",
    ),
    Case("TRUNC(timestamp), DATE_TRUNC", "select trunc(ts), date_trunc('month', ts) from t"),
    Case(
        "DATE_PART, EXTRACT",
        "select date_part(dow, ts), extract(year from d), date_part(hour, ts) from t",
    ),
    Case("ADD_MONTHS, LAST_DAY", "select add_months(d, 1), last_day(d) from t"),
    Case("MONTHS_BETWEEN", "select months_between(d, '2024-01-31'::date) from t"),
    Case("integer division", "select x / 2, x % 3, (x - 5) / 2 from t"),
    Case("decimal constants computed exactly", "select count(*) from t where 0.3 = 0.1 + 0.2"),
    Case("|| with a number", "select name || x from t"),
    Case("timestamp + interval", "select ts + interval '1 day', d + 1 from t"),
]


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (Decimal, float, int)):
        return round(float(value), 2)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        # SQLite holds timestamps as ISO text
        return dt.datetime.fromisoformat(value).isoformat(sep=" ")
    return value


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(_norm(v) for v in r) for r in conn.execute(sql).fetchall()), key=repr)


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, Any]]:
    from conftest import throwaway_database

    psycopg = pytest.importorskip("psycopg")
    with throwaway_database("dwsim_test_confrs") as url:
        pg = psycopg.connect(url, autocommit=True)
        pg.execute("SET TimeZone = 'UTC'")
        install(pg)
        ddl = "create table t (g int, x int, f float8, name text, ts timestamp, d date, s text)"
        pg.execute(ddl)
        duck = duckdb.connect()
        duck.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")  # as the DuckDB warehouse does
        duck.execute(ddl.replace("float8", "double"))
        lite = sqlite3.connect(":memory:")
        lite.execute(ddl.replace("timestamp", "text").replace(" date", " text"))
        for row in ROWS:
            pg.execute("insert into t values (%s, %s, %s, %s, %s, %s, %s)", row)
            duck.execute("insert into t values (?, ?, ?, ?, ?, ?, ?)", list(row))
            lite.execute("insert into t values (?, ?, ?, ?, ?, ?, ?)", row)
        try:
            yield {"postgres": pg, "duckdb": duck, "sqlite": lite}
        finally:
            pg.close()


def _translated(sql: str, engine: str) -> str:
    (statement,) = translate(sql, Context(read="redshift", engine=engine, tables=TABLES))
    return statement


def _cell(case: Case, engine: str, conns: dict[str, Any], expected: list[Any]) -> str:
    try:
        statement = _translated(case.sql, engine)
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
        expected = _rows(engines["postgres"], _translated(case.sql, "postgres"))
        assert expected, f"{case.label}: the emulator selects no rows, so it compares nothing"
        out.append((case, {e: _cell(case, e, engines, expected) for e in ENGINES}))
    return out


def test_duckdb_answers_every_row(table: list[tuple[Case, dict[str, str]]]) -> None:
    wrong = [f"{c.label}: {cells['duckdb']}" for c, cells in table if cells["duckdb"] != "✓"]
    assert not wrong, "\n".join(wrong)


def test_no_engine_gives_other_rows(table: list[tuple[Case, dict[str, str]]]) -> None:
    wrong = [
        f"{c.label} on {e}: {cell}"
        for c, cells in table
        for e, cell in cells.items()
        if cell.startswith("✗ [")
    ]
    assert not wrong, "\n".join(wrong)


def test_sqlite_answers_or_refuses_by_name(table: list[tuple[Case, dict[str, str]]]) -> None:
    # Never a raw engine error: what SQLite cannot run is refused naming the construct.
    wrong = [
        f"{c.label}: {cells['sqlite']}"
        for c, cells in table
        if cells["sqlite"] not in ("✓", "refused")
    ]
    assert not wrong, "\n".join(wrong)


def test_the_fixes_run_in_their_pipelines() -> None:
    on_duckdb = fixes_for("redshift", "duckdb")
    for fix in (
        fix_datediff_week_duckdb,
        fix_integer_division_duckdb,
        fix_listagg_empty_strings_duckdb,
        fix_strtol_duckdb,
    ):
        assert fix in on_duckdb, fix.__name__
    assert fix_integer_division_duckdb in fixes_for("postgres", "duckdb")
    for source in ("redshift", "postgres", "snowflake", "duckdb"):
        on_sqlite = fixes_for(source, "sqlite")
        for fix in (
            fix_sqlite_decimal_constants,
            fix_sqlite_date_plus_days,
            fix_sqlite_cast_rounds,
        ):
            assert fix in on_sqlite, (source, fix.__name__)


def test_sql_written_for_sqlite_keeps_sqlites_meaning() -> None:
    # SQLite's own SQL truncates a cast and computes constants in floating point: left alone.
    ctx = Context(read="sqlite", engine="sqlite", tables=TABLES)
    (sql,) = translate("select cast(f as integer), 0.1 + 0.2 from t", ctx)
    assert "ROUND" not in sql.upper() and "0.1 + 0.2" in sql


def _markdown(table: list[tuple[Case, dict[str, str]]]) -> str:
    intro = [
        "Written by tests/test_conformance_redshift.py. Each row is a Redshift query run through "
        "the translation; the reference is the",
        "Redshift emulator (PostgreSQL with the Redshift fixes, themselves checked against "
        "Redshift's documented answers).",
        "Sorted rows, numbers to 2 decimals. ✗ (Error): the engine rejected the translated query.",
    ]
    rows = [[case.label, *(cells[e] for e in ENGINES)] for case, cells in table]
    return table_section("Redshift functions and clauses", intro, ["construct", *ENGINES], rows)


def test_conformance_doc_is_current(table: list[tuple[Case, dict[str, str]]]) -> None:
    check_section("redshift", _markdown(table), "test_conformance_redshift.py")
