"""Result columns are named as the experiment's warehouse names them, on every engine.

Snowflake folds unquoted names to upper case (``count(*) as n`` -> ``N``, ``count(*)`` ->
``COUNT(*)``), PostgreSQL to lower case (``count``), Redshift returns every name in lower case;
quoted names keep their case (except on Redshift). Checked on the default DuckDB warehouse and
on the emulators.
"""

from __future__ import annotations

import pytest

from dwsim_nb.workspace import Workspace

DDL = "create table film (id int primary key, Title varchar(40), length int);"

QUERIES = [
    "select count(*) as n from film",
    "select count(*) from film",
    "select title, length + 1 from film",
    'select count(*) as "Nn" from film',
    "select * from film",
    "select max(length) from film",
    'select title as T, title as "MyTitle" from film',
]

EXPECTED = {
    "snowflake": [
        ["N"],
        ["COUNT(*)"],
        ["TITLE", "LENGTH + 1"],
        ["Nn"],
        ["ID", "TITLE", "LENGTH"],
        ["MAX(LENGTH)"],
        ["T", "MyTitle"],
    ],
    "postgres": [
        ["n"],
        ["count"],
        ["title", "?column?"],
        ["Nn"],
        ["id", "title", "length"],
        ["max"],
        ["t", "MyTitle"],
    ],
    "redshift": [
        ["n"],
        ["count"],
        ["title", "?column?"],
        ["nn"],
        ["id", "title", "length"],
        ["max"],
        ["t", "mytitle"],
    ],
}

PG = pytest.mark.postgres

CASES = [
    ("snowflake", "duckdb"),
    ("snowflake", "snowflake"),
    ("snowflake", "sqlite"),
    ("postgres", "duckdb"),
    ("postgres", "sqlite"),
    ("postgres", "snowflake"),
    pytest.param("postgres", "postgres", marks=PG),
    ("redshift", "duckdb"),
    ("redshift", "sqlite"),
    pytest.param("redshift", "redshift", marks=PG),
]


@pytest.mark.parametrize(("dialect", "warehouse"), CASES)
def test_result_columns_named_as_the_warehouse_names_them(
    tmp_path, dialect: str, warehouse: str
) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace(tmp_path)
    exp = ws.import_sql(DDL, dialect=dialect, name=f"ids_{dialect}", warehouse=warehouse)
    exp.generate(rows={"film": 6}, seed=2)
    got = [list(exp.query(q).columns) for q in QUERIES]
    assert got == EXPECTED[dialect]
    # The names read the data: N counts the rows.
    assert int(exp.query(QUERIES[0])[EXPECTED[dialect][0][0]].iloc[0]) == 6


def test_duckdb_keeps_names_as_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace(tmp_path)
    exp = ws.import_sql(DDL, dialect="duckdb", name="ids_duck")
    exp.generate(rows={"film": 3}, seed=2)
    assert list(exp.query("select count(*) as N, title as t from film group by 2").columns) == [
        "N",
        "t",
    ]
