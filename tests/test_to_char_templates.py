"""to_char templates read as PostgreSQL reads them, and executed on DuckDB and SQLite.

The comparison with the real PostgreSQL server, element by element, is in
tests/test_conformance_dates.py; these run without a server and check the pieces that could
be wrong on their own: how a template splits, which fixes run where, and a few answers worked
out by hand from the calendar (5 January 2008 was a Saturday).
"""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.date_part_fixes import fix_dayofweek_as_extract, fix_sqlite_date_trunc
from dwsim_nb.warehouses.pg_template import template_elements
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.to_char_fixes import (
    fix_snowflake_to_char_duckdb,
    fix_snowflake_to_char_postgres,
    fix_snowflake_to_char_sqlite,
    fix_to_char_template_duckdb,
    fix_to_char_template_postgres,
    fix_to_char_template_sqlite,
)
from dwsim_nb.warehouses.translate import translate

TABLES = {"t": {"ts": "TIMESTAMP", "n": "INT"}}


def test_template_elements_follow_postgres_keywords() -> None:
    parts = template_elements('FMDay, DDth "of" Month YYYY-MM-DD HH12:MI am')
    keywords = [e.keyword for e in parts if e.keyword]
    assert keywords == ["Day", "DD", "Month", "YYYY", "MM", "DD", "HH12", "MI", "am"]
    assert parts[0].fill and parts[2].ordinal == "th"
    assert [e.text for e in parts if e.keyword is None][1] == " of "
    # case matters: 'Mon' is the capitalised name, 'MON' upper, 'mon' lower; 'Mm' is no keyword
    assert [e.keyword for e in template_elements("MON Mon mon")][::2] == ["MON", "Mon", "mon"]
    assert all(e.keyword is None for e in template_elements("Mm"))


def test_pipelines_hold_the_fixes() -> None:
    assert fix_to_char_template_duckdb in fixes_for("redshift", "duckdb")
    assert fix_to_char_template_duckdb in fixes_for("postgres", "duckdb")
    assert fix_to_char_template_postgres in fixes_for("redshift", "postgres")
    assert fix_to_char_template_sqlite in fixes_for("postgres", "sqlite")
    assert fix_snowflake_to_char_duckdb in fixes_for("snowflake", "duckdb")
    assert fix_snowflake_to_char_postgres in fixes_for("snowflake", "postgres")
    assert fix_snowflake_to_char_sqlite in fixes_for("snowflake", "sqlite")
    assert fix_dayofweek_as_extract in fixes_for("snowflake", "postgres")
    assert fix_sqlite_date_trunc in fixes_for("postgres", "sqlite")


def _duck(read: str, expr: str, ts: str = "2008-01-05 14:07:09") -> object:
    (sql,) = translate(f"SELECT {expr} FROM t", Context(read=read, engine="duckdb", tables=TABLES))
    con = duckdb.connect()
    con.execute("CREATE TABLE t (ts TIMESTAMP, n INT)")
    con.execute("INSERT INTO t VALUES (?, 1)", [ts])
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("read", ["postgres", "redshift"])
def test_names_days_and_padding_on_duckdb(read: str) -> None:
    assert _duck(read, "to_char(ts, 'DY Dy dy MON Mon mon')") == "SAT Sat sat JAN Jan jan"
    assert _duck(read, "to_char(ts, 'Month|FMMonth|DAY|')") == "January  |January|SATURDAY |"
    # D counts from Sunday = 1; DDth is an ordinal; HH12 with AM/PM
    assert _duck(read, "to_char(ts, 'D FMDDth HH12:MI PM')") == "7 5th 02:07 PM"
    assert _duck(read, """to_char(ts, '"Q"Q YYYY')""") == "Q1 2008"


def test_null_stays_null_on_duckdb() -> None:
    con = duckdb.connect()
    ctx = Context(read="postgres", engine="duckdb", tables=TABLES)
    (sql,) = translate("SELECT to_char(ts, 'Dy \"x\"') FROM t", ctx)
    con.execute("CREATE TABLE t (ts TIMESTAMP, n INT)")
    con.execute("INSERT INTO t VALUES (NULL, 1)")
    assert con.execute(sql).fetchone() == (None,)


def test_unsupported_elements_are_refused_by_name() -> None:
    ctx = Context(read="postgres", engine="duckdb", tables=TABLES)
    with pytest.raises(QueryError, match="'TZ'"):
        translate("SELECT to_char(ts, 'HH24 TZ') FROM t", ctx)


def test_sqlite_prints_numeric_templates() -> None:
    ctx = Context(read="redshift", engine="sqlite", tables=TABLES)
    (sql,) = translate("SELECT to_char(ts, 'YYYY-MM-DD HH24:MI') FROM t", ctx)
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (ts TEXT, n INT)")
    con.execute("INSERT INTO t VALUES ('2008-01-05 14:07:09', 1)")
    assert con.execute(sql).fetchone() == ("2008-01-05 14:07",)
    with pytest.raises(QueryError, match="'Mon'"):
        translate("SELECT to_char(ts, 'Mon') FROM t", ctx)


def test_snowflake_to_char_of_a_timestamp_on_duckdb() -> None:
    assert _duck("snowflake", "to_char(ts, 'DY YYYY-MM-DD HH24:MI')") == "Sat 2008-01-05 14:07"
    assert _duck("snowflake", "to_varchar(ts, 'MON')") == "Jan"


def test_postgres_engine_gets_the_template_as_written() -> None:
    ctx = Context(read="redshift", engine="postgres", tables=TABLES)
    (sql,) = translate("SELECT to_char(ts, 'MON Dy') FROM t", ctx)
    assert "'MON Dy'" in sql


def _lite(read: str, expr: str, ts: str = "2008-01-05 14:07:09") -> object:
    (sql,) = translate(f"SELECT {expr} FROM t", Context(read=read, engine="sqlite", tables=TABLES))
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (ts TEXT, n INT)")
    con.execute("INSERT INTO t VALUES (?, 1)", (ts,))
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_sqlite_date_trunc_and_day_of_week() -> None:
    # 5 January 2008 was a Saturday: its week starts on Monday 31 December 2007
    assert str(_lite("postgres", "date_trunc('week', ts)")).startswith("2007-12-31 00:00:00")
    assert str(_lite("postgres", "date_trunc('month', ts)")).startswith("2008-01-01 00:00:00")
    assert _lite("snowflake", "dayofweek(ts)") == 6
    assert _lite("snowflake", "to_char(ts, 'YYYY-MM-DD HH24:MI')") == "2008-01-05 14:07"
    with pytest.raises(QueryError, match="quarter"):
        _lite("postgres", "date_trunc('quarter', ts)")
