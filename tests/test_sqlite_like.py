"""LIKE compares case on SQLite as on the other warehouses (dwsim_nb/warehouses/sqlite_like.py):
each query is translated for SQLite, run there, and its rows compared with DuckDB's for the SQL
as written."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.sqlite_like import fix_sqlite_like_case, glob_pattern
from dwsim_nb.warehouses.translate import translate

NAMES = [
    "Polished Brass",
    "POLISHED BRASS",
    "Green Tea",
    "green tea",
    "a_b",
    "axb",
    "50%",
    "a*b",
    "a?c",
    "[x]",
    "it's",
]
TABLES = {"t": {"name": "VARCHAR"}}


def _sqlite(sql: str) -> list[str]:
    con = sqlite3.connect(":memory:")
    con.execute("create table t (name text)")
    con.executemany("insert into t values (?)", [(n,) for n in NAMES])
    return sorted(r[0] for r in con.execute(sql).fetchall())


def _duckdb(sql: str) -> list[str]:
    con = duckdb.connect()
    con.execute("create table t (name varchar)")
    con.executemany("insert into t values (?)", [[n] for n in NAMES])
    return sorted(r[0] for r in con.execute(sql).fetchall())


@pytest.mark.parametrize("read", ["postgres", "redshift", "snowflake", "duckdb"])
@pytest.mark.parametrize(
    "where",
    [
        "name like '%BRASS'",
        "name like '%green%'",
        "name not like 'G%'",
        "not name like 'G%'",
        "name like 'a_b'",
        "name like 'a*b'",
        "name like 'a?c'",
        "name like '[x]'",
        "name like '50%'",
        "name like 'a!_b' escape '!'",
        "name not like '%!%' escape '!'",
        "name like '%''%'",
        "name ilike '%brass'",
    ],
)
def test_like_on_sqlite_gives_the_rows_duckdb_gives(read: str, where: str) -> None:
    sql = f"select name from t where {where}"
    (lite,) = translate(sql, Context(read=read, engine="sqlite", tables=TABLES))
    assert _sqlite(lite) == _duckdb(sql), lite


def test_sql_written_for_sqlite_keeps_its_like() -> None:
    (lite,) = translate(
        "select name from t where name like '%brass'",
        Context(read="sqlite", engine="sqlite", tables=TABLES),
    )
    assert "LIKE" in lite and _sqlite(lite) == ["POLISHED BRASS", "Polished Brass"]


def test_glob_pattern() -> None:
    assert glob_pattern("%a_b%") == "*a?b*"
    assert glob_pattern("a*?[") == "a[*][?][[]"
    assert glob_pattern("a!%b!_", "!") == "a%b_"


def test_the_fix_runs_for_every_other_dialect_on_sqlite() -> None:
    for read in ("postgres", "redshift", "snowflake", "duckdb", "ansi"):
        assert fix_sqlite_like_case in fixes_for(read, "sqlite"), read
