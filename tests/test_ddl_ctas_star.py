"""CTAS star modifiers and column lists give the columns the warehouse would create (issue 17, 6).

Each case is checked twice: the imported spec's columns, and the same query run by DuckDB over
generated rows of the source table, whose result columns must be the spec's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.workspace import Workspace

SOURCE = (
    "CREATE TABLE src (a INT, b VARCHAR(10), c DATE, amount DECIMAL(10,2), amt_tax DECIMAL(10,2));"
)
CASES = [
    ("SELECT * EXCLUDE (a, b) FROM src", ["c", "amount", "amt_tax"]),
    ("SELECT * EXCLUDE a FROM src", ["b", "c", "amount", "amt_tax"]),
    ("SELECT * RENAME (a AS id) FROM src", ["id", "b", "c", "amount", "amt_tax"]),
    ("SELECT * REPLACE (a * 2 AS a) FROM src", ["a", "b", "c", "amount", "amt_tax"]),
    ("SELECT * EXCLUDE (c) RENAME (b AS label) FROM src", ["a", "label", "amount", "amt_tax"]),
    ("SELECT s.* EXCLUDE (c, amt_tax), 1 AS one FROM src s", ["a", "b", "amount", "one"]),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_star_modifiers_give_the_warehouse_columns(
    tmp_path: Path, query: str, expected: list[str]
) -> None:
    spec = import_sql(f"{SOURCE}\nCREATE TABLE t AS {query};", "snowflake", infer=False)
    assert [c.name for c in spec.table("t").columns] == expected
    # The reference: DuckDB runs the same star over real rows of the source.
    ws = Workspace(tmp_path)
    exp = ws.import_sql(SOURCE, dialect="duckdb", name="src")
    exp.generate(rows={"src": 5})
    got = exp.query(query)
    assert len(got) == 5
    assert [c.lower() for c in got.columns] == expected


def test_star_ilike_keeps_matching_names_case_blind() -> None:
    spec = import_sql(f"{SOURCE}\nCREATE TABLE t AS SELECT * ILIKE 'AM%' FROM src;", "snowflake")
    assert [c.name for c in spec.table("t").columns] == ["amount", "amt_tax"]
    assert {c.data_type for c in spec.table("t").columns} == {"DECIMAL"}


def test_types_follow_the_source_and_replace_expression() -> None:
    spec = import_sql(
        f"{SOURCE}\nCREATE TABLE t AS SELECT * REPLACE (CAST(a AS VARCHAR(5)) AS a) FROM src;",
        "snowflake",
        infer=False,
    )
    types = {c.name: c.data_type for c in spec.table("t").columns}
    assert types == {
        "a": "VARCHAR",
        "b": "VARCHAR",
        "c": "DATE",
        "amount": "DECIMAL",
        "amt_tax": "DECIMAL",
    }
    assert spec.table("t").column("amount").scale == 2


def test_column_list_names_the_star_result_by_position() -> None:
    spec = import_sql(
        f"{SOURCE}\nCREATE TABLE t (p, q, r) AS SELECT * EXCLUDE (a, b) FROM src;",
        "snowflake",
        infer=False,
    )
    cols = spec.table("t").columns
    assert [(c.name, c.data_type) for c in cols] == [
        ("p", "DATE"),
        ("q", "DECIMAL"),
        ("r", "DECIMAL"),
    ]
