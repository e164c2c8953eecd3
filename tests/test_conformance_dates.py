"""Date/time functions as each engine answers them, against the warehouse's own answer.

Every row of :data:`CASES` is a function call in a dialect, run through the translation on
DuckDB, SQLite and PostgreSQL (the Redshift emulator's engine) over timestamps chosen to hit
every weekday, month, 12-hour clock half, ordinal suffix and a NULL. The reference is the
real PostgreSQL server running the call as written (PostgreSQL and Redshift agree on these), or
the PostgreSQL spelling of the same meaning for Snowflake. A cell is ✓ (same rows), "refused"
(a QueryError naming the construct) or ✗ (another answer or an engine error): no ✗ is allowed.

``DWSIM_WRITE_CONFORMANCE=1`` rewrites docs/conformance.md from the run; otherwise the test
checks the file is current.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import duckdb
import pytest
from conformance_doc import check_section, table_section

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.translate import translate

pytestmark = pytest.mark.postgres

ENGINES = ("duckdb", "postgres", "sqlite")

# A Sunday, a Monday 00:30, month ends, 1st/2nd/3rd/11th/12th/13th/21st/22nd/23rd days, noon,
# a leap day, microseconds, each month once or more, and a NULL.
TIMES = [
    "2008-01-05 14:07:09.123456",
    "2008-01-06 00:30:00",
    "2008-02-29 12:00:00",
    "2008-03-01 11:59:59.999",
    "2008-04-02 23:01:02",
    "2008-05-03 09:15:00",
    "2008-06-11 18:45:30",
    "2008-07-12 06:06:06",
    "2008-08-13 12:30:00",
    "2008-09-21 01:02:03",
    "2008-10-22 22:22:22",
    "2008-11-23 07:00:00",
    "2008-12-31 23:59:59",
    "2009-01-01 00:00:00",
    "2010-01-03 10:10:10",
    None,
]


class Case(NamedTuple):
    label: str
    dialect: str
    sql: str  # an expression over the timestamp column ts, in the dialect
    reference: str | None = None  # the same meaning spelt for PostgreSQL, where it differs


def _pg(fmt: str) -> list[Case]:
    return [Case(f"to_char(ts, '{fmt}')", d, f"to_char(ts, '{fmt}')") for d in ("postgres",)]


_FORMATS = [
    "YYYY-MM-DD",
    "YYYY-MM-DD HH24:MI:SS",
    "YYYY-MM",
    "DY",
    "Dy",
    "dy",
    "DAY",
    "Day",
    "FMDay",
    "MON",
    "Mon",
    "mon",
    "MONTH",
    "Month",
    "FMMonth",
    "D",
    "ID",
    "DDD",
    "FMDD",
    "DDth",
    "FMDDth",
    "HH:MI AM",
    "HH12:MI pm",
    "FMHH12 a.m.",
    "Q",
    "WW",
    "IW",
    "IYYY",
    "W",
    "J",
    "YY",
    "Y,YYY",
    "CC",
    "MS",
    "US",
    "SSSS",
    "RM",
    'Dy, DD "of" FMMonth YYYY',
    "FMDay, FMMonth FMDDth",
]

CASES: list[Case] = [
    *(case for fmt in _FORMATS for case in _pg(fmt)),
    *(
        Case(f"to_char(ts, '{fmt}') [redshift]", "redshift", f"to_char(ts, '{fmt}')")
        for fmt in ("DY", "MON", "Month", "D", "YYYY-MM-DD HH24:MI", "HH12:MI AM", "FMDDth")
    ),
    Case("extract(dow from ts)", "postgres", "extract(dow from ts)"),
    Case("extract(isodow from ts)", "postgres", "extract(isodow from ts)"),
    Case("extract(doy from ts)", "postgres", "extract(doy from ts)"),
    Case("extract(week from ts)", "postgres", "extract(week from ts)"),
    Case("extract(quarter from ts)", "postgres", "extract(quarter from ts)"),
    Case("date_part('dow', ts)", "postgres", "date_part('dow', ts)"),
    Case("date_part(dow, ts) [redshift]", "redshift", "date_part(dow, ts)", "extract(dow from ts)"),
    Case("date_trunc('month', ts)", "postgres", "date_trunc('month', ts)"),
    Case("date_trunc('week', ts)", "postgres", "date_trunc('week', ts)"),
    Case("to_char(ts, 'DY') [snowflake]", "snowflake", "to_char(ts, 'DY')", "to_char(ts, 'Dy')"),
    Case(
        "to_varchar(ts, 'MON') [snowflake]",
        "snowflake",
        "to_varchar(ts, 'MON')",
        "to_char(ts, 'Mon')",
    ),
    Case(
        "to_char(ts, 'YYYY-MM-DD HH24:MI') [snowflake]",
        "snowflake",
        "to_char(ts, 'YYYY-MM-DD HH24:MI')",
        "to_char(ts, 'YYYY-MM-DD HH24:MI')",
    ),
    Case("dayofweek(ts) [snowflake]", "snowflake", "dayofweek(ts)", "extract(dow from ts)"),
]

_TABLES = {"t": {"id": "INT", "ts": "TIMESTAMP"}}


_TIMESTAMP_TEXT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")


def _norm(value: Any) -> Any:
    # SQLite keeps timestamps as text with microseconds: compared as the instant they name.
    if isinstance(value, str) and _TIMESTAMP_TEXT.match(value):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, (Decimal, float)) and value == int(value):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, Any]]:
    from conftest import throwaway_database

    psycopg = pytest.importorskip("psycopg")
    with throwaway_database("dwsim_test_conf") as url:
        pg = psycopg.connect(url, autocommit=True)
        pg.execute("SET TimeZone = 'UTC'")
        rows = list(enumerate(TIMES))
        pg.execute("CREATE TABLE t (id int, ts timestamp)")
        duck = duckdb.connect()
        duck.execute("CREATE TABLE t (id INT, ts TIMESTAMP)")
        lite = sqlite3.connect(":memory:")
        lite.execute("CREATE TABLE t (id INT, ts TEXT)")
        for i, ts in rows:
            pg.execute("INSERT INTO t VALUES (%s, %s)", (i, ts))
            duck.execute("INSERT INTO t VALUES (?, ?)", [i, ts])
            lite.execute("INSERT INTO t VALUES (?, ?)", (i, ts))
        try:
            yield {"postgres": pg, "duckdb": duck, "sqlite": lite}
        finally:
            pg.close()


def _rows(conn: Any, sql: str) -> list[Any]:
    return [_norm(r[0]) for r in conn.execute(sql).fetchall()]


def _cell(case: Case, engine: str, conns: dict[str, Any], expected: list[Any]) -> str:
    sql = f"SELECT {case.sql} AS v FROM t ORDER BY id"
    try:
        (statement,) = translate(sql, Context(read=case.dialect, engine=engine, tables=_TABLES))
    except QueryError:
        return "refused"
    try:
        got = _rows(conns[engine], statement)
    except Exception as e:  # an engine error is a failure of the translation
        return f"✗ ({type(e).__name__})"
    return "✓" if got == expected else f"✗ {got[:3]!r} vs {expected[:3]!r}"


@pytest.fixture(scope="module")
def table(engines: dict[str, Any]) -> list[tuple[Case, dict[str, str]]]:
    out = []
    for case in CASES:
        reference = case.reference or case.sql
        expected = _rows(engines["postgres"], f"SELECT {reference} AS v FROM t ORDER BY id")
        out.append((case, {e: _cell(case, e, engines, expected) for e in ENGINES}))
    return out


def test_no_wrong_answers(table: list[tuple[Case, dict[str, str]]]) -> None:
    wrong = [f"{c.label} on {e}: {cell}" for c, cells in table for e, cell in cells.items()]
    wrong = [w for w in wrong if ": ✗" in w]
    assert not wrong, "\n".join(wrong)


def test_duckdb_and_postgres_answer_every_row(table: list[tuple[Case, dict[str, str]]]) -> None:
    missing = [c.label for c, cells in table if {cells["duckdb"], cells["postgres"]} != {"✓"}]
    assert not missing, missing


def test_sqlite_refuses_names_it_cannot_print(engines: dict[str, Any]) -> None:
    ctx = Context(read="postgres", engine="sqlite", tables=_TABLES)
    with pytest.raises(QueryError, match="'Mon'"):
        translate("SELECT to_char(ts, 'DD Mon YYYY') FROM t", ctx)


def _markdown(table: list[tuple[Case, dict[str, str]]]) -> str:
    intro = [
        "Written by tests/test_conformance_dates.py. Each row runs on every engine through the "
        "translation and is compared with the real PostgreSQL server's",
        "answer (the reference for PostgreSQL and Redshift; for Snowflake, the PostgreSQL "
        "spelling of the same meaning).",
    ]
    rows = [[case.label, case.dialect, *(cells[e] for e in ENGINES)] for case, cells in table]
    return table_section("Dates and times", intro, ["function", "dialect", *ENGINES], rows)


def test_conformance_doc_is_current(table: list[tuple[Case, dict[str, str]]]) -> None:
    check_section("dates", _markdown(table), "test_conformance_dates.py")
