"""SQL the real warehouse rejects is refused before a lenient engine runs it; what it accepts runs.

Each case is (dialect, SQL, refused?); the accepted ones are the controls that keep the check from
refusing valid SQL. A refusal must name the construct and the dialect, with a line and column.
"""

from __future__ import annotations

import re

import pytest

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.translate import parse
from dwsim_nb.workspace import Workspace

REFUSED = [
    ("postgres", "select title, from film", "trailing comma", (1, 13)),
    ("redshift", "select title, from film", "trailing comma", (1, 13)),
    ("sqlite", "select title,\n  length,\nfrom film", "trailing comma", (2, 9)),
    ("postgres", "from film select title", "FROM before SELECT", (1, 1)),
    ("snowflake", "from film select title", "FROM before SELECT", (1, 1)),
    ("redshift", "select * from (from film) f", "FROM before SELECT", (1, 16)),
    ("postgres", "with x as (select 1 as a)\nfrom x select a", "FROM before SELECT", (2, 1)),
    ("postgres", "select * exclude (length) from film", "EXCLUDE", (1, 10)),
    ("sqlite", "select * exclude (length) from film", "EXCLUDE", (1, 10)),
    ("redshift", "select * replace (1 as length) from film", "REPLACE", (1, 10)),
    ("postgres", "select title from film qualify row_number() over () = 1", "QUALIFY", (1, 24)),
    ("postgres", "select title from film where length == 3", "==", (1, 37)),
    ("redshift", "select title from film where length == 3", "==", (1, 37)),
    ("snowflake", "select title from film where length == 3", "==", (1, 37)),
    ("postgres", "select title, count(*) from film group by all", "GROUP BY ALL", (1, 43)),
    ("sqlite", "select title, count(*) from film group by all", "GROUP BY ALL", (1, 43)),
    ("redshift", "select count(*) filter (where length > 3) from film", "FILTER", (1, 17)),
    ("snowflake", "select count(*) filter (where length > 3) from film", "FILTER", (1, 17)),
    ("snowflake", "select distinct on (title) title from film", "DISTINCT ON", (1, 17)),
    ("postgres", "select [1, 2]", "brackets", (1, 8)),
    ("postgres", "select title from film limit 3, 4", "LIMIT offset, count", (1, 24)),
    ("postgres", "select top 3 title from film", "TOP", (1, 8)),
    ("duckdb", "select top 3 title from film", "TOP", (1, 8)),
    ("postgres", "select * from film using sample 10", "USING SAMPLE", (1, 20)),
    ("postgres", "select 7 // 2", "//", (1, 10)),
    ("postgres", "create or replace table t as select 1 as a", "CREATE OR REPLACE", (1, 11)),
    ("postgres", "select iff(length > 3, 'a', 'b') from film", "IFF", (1, 8)),
    ("postgres", "select nvl(title, '-') from film", "NVL", (1, 8)),
    ("redshift", "select iff(length > 3, 'a', 'b') from film", "IFF", (1, 8)),
    ("sqlite", "select title::text from film", "::", (1, 13)),
]

ACCEPTED = [
    ("snowflake", "select title, from film"),
    ("duckdb", "select title, from film"),
    ("duckdb", "from film select title"),
    ("snowflake", "select * exclude (length) from film"),
    ("redshift", "select * exclude (length) from film"),
    ("redshift", "select * exclude length from film"),
    ("duckdb", "select * exclude (length) from film"),
    ("snowflake", "select title from film qualify row_number() over (order by title) = 1"),
    ("redshift", "select title from film qualify row_number() over (order by title) = 1"),
    ("duckdb", "select title from film where length == 3"),
    ("sqlite", "select title from film where length == 3"),
    ("snowflake", "select title, count(*) from film group by all"),
    ("redshift", "select title, count(*) from film group by all"),
    ("postgres", "select title, count(*) from film group by all title"),
    ("postgres", "select count(*) filter (where length > 3) from film"),
    ("postgres", "select distinct on (title) title from film"),
    ("postgres", "select a[1], '{1,2}'::int[] as b, array[1, 2] from film"),
    ("postgres", "select trim(from title), extract(year from d) from film"),
    ("postgres", "select * from film where id in (select id from film)"),
    ("snowflake", "select [1, 2], {'a': 1}"),
    ("snowflake", "select top 3 title from film"),
    ("redshift", "select top 3 title from film"),
    ("redshift", "select nvl(title, '-'), dateadd(day, 1, d) from film"),
    ("snowflake", "select iff(length > 3, 'a', 'b') from film"),
    ("postgres", "select coalesce(title, '-') from film limit 3 offset 1"),
    ("sqlite", "select title from film limit 1, 2"),
    ("postgres", "select s.fn(1)"),  # a schema's function named like another dialect's
]


@pytest.mark.parametrize(("dialect", "sql", "construct", "where"), REFUSED)
def test_refused_with_construct_dialect_and_position(
    dialect: str, sql: str, construct: str, where: tuple[int, int]
) -> None:
    with pytest.raises(QueryError) as info:
        parse(sql, dialect)
    err = info.value
    title = {"postgres": "PostgreSQL", "redshift": "Redshift", "snowflake": "Snowflake"}
    assert construct.lower() in str(err).lower()
    assert title.get(dialect, dialect).lower() in str(err).lower()
    assert (err.line, err.col) == where
    assert "sqlglot" not in str(err) and "<class" not in str(err)


@pytest.mark.parametrize(("dialect", "sql"), ACCEPTED)
def test_accepted_where_the_dialect_allows(dialect: str, sql: str) -> None:
    assert parse(sql, dialect)


@pytest.mark.parametrize(
    ("sql", "where", "near", "words"),
    [
        ("select 2 * from film", (1, 10), "*", "operator is missing its right side"),
        ("select a,\n  2 *\nfrom film", (2, 5), "*", "operator is missing its right side"),
        ("select a from film where", (1, 20), "where", "WHERE has no condition"),
        ("select a from film where (a = 1", (1, 31), "1", "parenthesis is not closed"),
        ("select `a` from film", (1, 8), "`", "unexpected character"),
    ],
)
def test_syntax_errors_in_words(sql: str, where: tuple[int, int], near: str, words: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(sql, "postgres")
    text = str(info.value)
    assert (info.value.line, info.value.col) == where
    assert f"line {where[0]}, column {where[1]}" in text
    assert repr(near) in text and words in text
    assert not re.search(r"<class|sqlglot|Required keyword", text)


DDL = "create table film (id int primary key, title varchar(40), length int);"


def _experiment(tmp_path, dialect: str, warehouse: str = "duckdb"):  # type: ignore[no-untyped-def]
    ws = Workspace(tmp_path)
    exp = ws.import_sql(DDL, dialect=dialect, name=f"f_{dialect}", warehouse=warehouse)
    exp.generate(rows={"film": 20}, seed=3)
    return ws, exp


def test_postgres_experiment_on_duckdb_refuses_what_postgres_rejects(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, exp = _experiment(tmp_path, "postgres")
    for sql in (
        "select title, from film",
        "from film select title",
        "select * exclude (length) from film",
        "select title from film where length == 3",
    ):
        with pytest.raises(QueryError, match="PostgreSQL does not accept"):
            exp.query(sql)
    assert len(exp.query("select title from film where length = length")) == 20
    # The escape hatch: the warehouse option turns the check off, and DuckDB runs it.
    ws.warehouse("duckdb").options["strict"] = False
    assert list(exp.query("select * exclude (length) from film").columns) == ["id", "title"]


def test_snowflake_experiment_runs_exclude_and_trailing_comma(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, exp = _experiment(tmp_path, "snowflake")
    df = exp.query("select * exclude (length) from film")
    assert [c.lower() for c in df.columns] == ["id", "title"]
    assert len(exp.query("select title, from film")) == 20
    with pytest.raises(QueryError, match="Snowflake does not accept the == operator"):
        exp.query("select title from film where length == 3")


def test_environment_turns_the_check_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DWSIM_STRICT", "0")
    assert parse("select title, from film", "postgres")
    monkeypatch.setenv("DWSIM_STRICT", "1")
    with pytest.raises(QueryError):
        parse("select title, from film", "postgres")
