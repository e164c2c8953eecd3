"""The translation pipelines: one ordered tuple of fixes per (source dialect, engine), every fix
with one signature, a docstring saying why sqlglot's output was wrong, and a test that runs it."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import duckdb
import pytest

from dwsim_nb.dialects import DIALECT_NAMES
from dwsim_nb.warehouses.pipelines import PIPELINES, fixes_for
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.translate import translate

TESTS = Path(__file__).parent
ALL_FIXES = {f for fixes in PIPELINES.values() for f in fixes}


def test_every_dialect_pair_has_a_pipeline() -> None:
    assert set(PIPELINES) == {(r, e) for r in DIALECT_NAMES for e in DIALECT_NAMES}


def test_fixes_for_reads_any_spelling() -> None:
    assert fixes_for("PostgreSQL", "DuckDB") == PIPELINES[("postgres", "duckdb")]


@pytest.mark.parametrize(
    "fix", sorted(ALL_FIXES, key=lambda f: f.__name__), ids=lambda f: f.__name__
)
def test_every_fix_has_one_signature_a_docstring_and_a_test(fix: object) -> None:
    assert callable(fix)
    name = fix.__name__  # type: ignore[attr-defined]
    assert list(inspect.signature(fix).parameters) == ["tree", "ctx"], name
    assert (fix.__doc__ or "").strip(), f"{name} has no docstring"
    # Named in a test module other than this one (the tests that execute its output assert the
    # fix is in the pipeline they run).
    named = [
        p.name
        for p in TESTS.glob("test_*.py")
        if p.name != Path(__file__).name and name in p.read_text()
    ]
    assert named, f"{name} is not named in any test"


def test_no_fix_appears_twice_in_a_pipeline() -> None:
    for pair, fixes in PIPELINES.items():
        assert len(fixes) == len(set(fixes)), pair


def test_types_come_from_the_schema_through_ctes_and_aliases() -> None:
    # The optimizer follows a CTE and a table alias to the column's type; a TRUNC of it is
    # the date on DuckDB, a TRUNC of an unknown value stays TRUNC.
    ctx = Context(read="redshift", engine="duckdb", tables={"ev": {"TS": "TIMESTAMP"}})
    (sql,) = translate("with c as (select ts as x from ev) select trunc(c.x) from c", ctx)
    assert 'CAST("c"."x" AS DATE)' in sql
    con = duckdb.connect()
    con.execute("create table ev (TS timestamp); insert into ev values ('2024-01-31 23:59')")
    assert con.execute(sql).fetchall() == [(dt.date(2024, 1, 31),)]
    (sql,) = translate("select trunc(unknown_col) from ev", ctx)
    assert "TRUNC(" in sql


def test_names_point_at_the_experiment_schema_and_its_spelling() -> None:
    # qualify_experiment_tables and match_column_case, executed: the table is found in the
    # experiment's schema, the column comes back spelt as the spec spells it.
    ctx = Context(
        read="snowflake", engine="duckdb", schema="exp", tables={"Orders": {"userId": "INT"}}
    )
    (sql,) = translate("select USERID from ORDERS", ctx)
    con = duckdb.connect()
    con.execute('create schema exp; create table exp."Orders" ("userId" int)')
    con.execute('insert into exp."Orders" values (7)')
    result = con.execute(sql)
    assert [d[0] for d in result.description] == ["userId"]
    assert result.fetchall() == [(7,)]
