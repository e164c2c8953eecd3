"""Migration checks find the known semantic differences between the warehouses' engines.

DuckDB vs SQLite examples always run; those against the Redshift emulator or PostgreSQL need the
PostgreSQL server (marker ``postgres``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.compare import compare, drop_side_copies, translate
from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.sqlite import SQLiteWarehouse
from dwsim_nb.workspace import Experiment, Workspace


def events_spec(dialect: str) -> dict[str, Any]:
    return {
        "name": "ev",
        "dialect": dialect,
        "tables": [
            {
                "name": "events",
                "target_rows": 60,
                "primary_key": ["id"],
                "columns": [
                    {"name": "id", "data_type": "INT"},
                    {"name": "qty", "data_type": "INT", "min_value": 1, "max_value": 9},
                    {
                        "name": "score",
                        "data_type": "INT",
                        "min_value": 1,
                        "max_value": 9,
                        "null_rate": 0.3,
                    },
                    {"name": "amount", "data_type": "DOUBLE", "min_value": 0, "max_value": 100},
                    {
                        "name": "name",
                        "data_type": "VARCHAR(20)",
                        "values": ["alpha", "Beta", "gamma", "Delta", "beta"],
                    },
                    {
                        "name": "t0",
                        "data_type": "TIMESTAMP",
                        "date_start": "2024-01-30T00:00:00",
                        "date_end": "2024-02-02T00:00:00",
                    },
                    {
                        "name": "t1",
                        "data_type": "TIMESTAMP",
                        "date_start": "2024-02-01T00:00:00",
                        "date_end": "2024-03-03T00:00:00",
                    },
                ],
            }
        ],
    }


def make(home: Path, dialect: str) -> Experiment:
    exp = Workspace(home).create(events_spec(dialect))
    exp.generate(seed=3, workers=1)
    return exp


@pytest.fixture
def rs_exp(home: Path) -> Experiment:
    return make(home, "redshift")


def test_identical_results_are_the_same(rs_exp: Experiment) -> None:
    cmp = compare(
        rs_exp,
        "select name, count(*) as n, avg(amount) as mean from events group by name order by name",
        ["duckdb", "sqlite"],
    )
    assert cmp.same, cmp.summary()
    assert "same result" in cmp.summary()
    assert "duckdb" in cmp._repr_html_() and "sqlite" in cmp._repr_html_()


def test_integer_division(rs_exp: Experiment) -> None:
    # Redshift SQL: 7 / 2 is 3, and the translation keeps it so on DuckDB and SQLite.
    sql = "select id, qty / 2 as half from events order by id"
    translated = compare(rs_exp, sql, ["duckdb", "sqlite"])
    assert translated.same, translated.summary()
    # The same text run as is: DuckDB's '/' gives a fraction, SQLite's an integer.
    cmp = compare(rs_exp, sql, ["duckdb", "sqlite"], mode="as_is")
    assert {"types", "values"} <= cmp.kinds
    assert any(c.column == "half" for c in cmp.cells)
    assert any("integer division" in n for n in cmp.notes)


def test_null_ordering(home: Path) -> None:
    exp = make(home, "duckdb")
    sql = "select id, score from events order by score, id"
    # The same text as each warehouse reads it: DuckDB puts NULLs last, SQLite first.
    cmp = compare(exp, sql, ["duckdb", "sqlite"], mode="as_is")
    assert cmp.kinds == {"null_order"}, cmp.summary()
    # Translated from DuckDB SQL, the NULL order is spelled out and the results agree.
    assert compare(exp, sql, ["duckdb", "sqlite"]).same


def test_column_names(home: Path) -> None:
    # DuckDB SQL keeps each engine's own names for unaliased expressions.
    cmp = compare(make(home, "duckdb"), "select count(*) from events", ["duckdb", "sqlite"])
    assert cmp.kinds == {"columns"}
    assert "count_star()" in cmp.differences[0].message


def test_column_names_follow_redshift(rs_exp: Experiment) -> None:
    # Redshift SQL gets Redshift's names ("count") on every engine, so nothing differs.
    cmp = compare(rs_exp, "select count(*) from events", ["duckdb", "sqlite"])
    assert cmp.same, cmp.summary()


def test_string_comparison_like_case(rs_exp: Experiment) -> None:
    sql = "select id from events where name like 'b%' order by id"
    # SQLite's own LIKE ignores ASCII case: the same text finds more rows there.
    cmp = compare(rs_exp, sql, ["duckdb", "sqlite"], mode="as_is")
    assert "row_count" in cmp.kinds
    assert any("LIKE" in n for n in cmp.notes)
    # Translated from Redshift SQL, the LIKE keeps its case on SQLite (fix_sqlite_like_case).
    assert compare(rs_exp, sql, ["duckdb", "sqlite"]).same


def test_errors_are_differences_and_bad_calls_raise(rs_exp: Experiment) -> None:
    cmp = compare(rs_exp, "select datediff(day, t0, t1) as d from events", ["duckdb", "sqlite"])
    assert "error" in cmp.kinds and "sqlite" in cmp.errors
    with pytest.raises(QueryError, match="two or more"):
        compare(rs_exp, "select 1", ["duckdb"])
    with pytest.raises(QueryError, match="syntax error"):
        compare(rs_exp, "select from from", ["duckdb", "sqlite"])


def test_side_copies_leave_the_experiment_alone(rs_exp: Experiment) -> None:
    rs_exp.reset()
    cmp = rs_exp.compare("select count(*) as n from events", warehouses=["duckdb", "sqlite"])
    assert cmp.same and cmp.frames["duckdb"]["n"][0] == 60
    assert rs_exp.table_counts() == {"events": 0}
    marker = rs_exp.runs_dir / "compare_copies.json"
    stamp = marker.read_text()
    rs_exp.compare("select 1 as one", warehouses=["duckdb", "sqlite"])
    assert marker.read_text() == stamp  # already loaded: no reload
    drop_side_copies(rs_exp)
    assert not marker.exists()


def test_translate_between_dialects() -> None:
    t = translate("select top 3 id from users order by id", "redshift", "snowflake")
    assert "LIMIT 3" in t.text and "TOP" not in t.text
    t = translate("select a / b as r from t order by r desc", "redshift", "duckdb")
    assert any("integer division" in n for n in t.notes)
    assert any("NULLs" in n for n in t.notes)
    t = translate("select median(x) over () as m from t", "redshift", "postgres")
    assert "dwsim_rs" not in t.text and t.notes
    assert "redshift" in t._repr_html_()
    with pytest.raises(QueryError):
        translate("select from from", "redshift", "snowflake")


# --- against the PostgreSQL-backed warehouses ------------------------------------------------


@pytest.fixture
def pg_env(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", postgres_url)
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    return postgres_url


@pytest.mark.postgres
def test_datediff_boundaries_duckdb_vs_redshift(pg_env: str, rs_exp: Experiment) -> None:
    sql = (
        "select id, datediff(day, t0, t1) as d, datediff(week, t0, t1) as w from events order by id"
    )
    cmp = rs_exp.compare(sql, warehouses=["duckdb", "redshift"])
    # Redshift counts week starts crossed; DuckDB's WEEK counts whole weeks unless the
    # translation truncates both ends to their week first (fix_datediff_week_duckdb).
    assert cmp.same, cmp.summary()
    assert any(row["w"] for row in cmp.tables["duckdb"].to_pylist()), "no week is crossed"


@pytest.mark.postgres
def test_integer_division_and_null_order_duckdb_vs_redshift(
    pg_env: str, rs_exp: Experiment
) -> None:
    sql = "select id, qty / 2 as half from events order by id"
    assert rs_exp.compare(sql, warehouses=["duckdb", "redshift"]).same
    div = rs_exp.compare(sql, warehouses=["duckdb", "redshift"], mode="as_is")
    assert {"types", "values"} <= div.kinds
    nulls = rs_exp.compare(
        "select id, score from events order by score desc, id",
        warehouses=["duckdb", "redshift"],
        mode="as_is",
    )
    assert nulls.kinds == {"null_order"}, nulls.summary()


@pytest.mark.postgres
def test_identifier_case_duckdb_vs_postgres(pg_env: str, home: Path) -> None:
    exp = make(home, "duckdb")
    cmp = exp.compare(
        "select count(*) as NumRows from events", warehouses=["duckdb", "postgres"], mode="as_is"
    )
    assert cmp.kinds == {"column_case"}, cmp.summary()
    assert "NumRows vs numrows" in cmp.differences[0].message


def test_delete_drops_the_side_copies(home: Path, rs_exp: Experiment) -> None:
    rs_exp.compare("select count(*) as n from events", warehouses=["duckdb", "sqlite"])
    ws = rs_exp.workspace
    side = rs_exp.spec.model_copy(update={"name": "ev__cmp"})
    duck, lite = ws.warehouse("duckdb"), ws.warehouse("sqlite")
    assert isinstance(lite, SQLiteWarehouse)
    assert duck.exists(side) and lite.exists(side)
    ws.delete("ev")
    assert not duck.exists(side)
    assert not lite.exists(side)
    assert not lite.file_for(side).exists()
