"""Warehouse functions SQLite lacks: refused naming the construct, never a raw engine error.

The conformance sections (tests/test_conformance_redshift.py) check the emulated cells against
the Redshift emulator; here the refusals are checked for their words, from Redshift and
Snowflake SQL, and once end to end through an experiment on the SQLite warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.translate import translate
from dwsim_nb.workspace import Workspace

TABLES = {"t": {"g": "INT", "f": "DOUBLE", "name": "VARCHAR", "d": "DATE", "s": "VARCHAR"}}


@pytest.mark.parametrize(
    ("read", "sql", "named"),
    [
        ("redshift", "select median(f) from t", "MEDIAN"),
        (
            "redshift",
            "select percentile_cont(0.5) within group (order by f) from t",
            "PERCENTILE_CONT",
        ),
        (
            "redshift",
            "select percentile_disc(0.5) within group (order by f) from t",
            "PERCENTILE_DISC",
        ),
        (
            "redshift",
            "select approximate percentile_disc(0.5) within group (order by f) from t",
            "APPROXIMATE PERCENTILE_DISC",
        ),
        ("redshift", "select listagg(name, ',') within group (order by f) from t", "LISTAGG"),
        ("redshift", "select datediff(day, d, '2024-01-01') from t", "DATEDIFF"),
        ("redshift", "select strtol(s, 16) from t", "STRTOL"),
        ("redshift", "select split_part(name, ',', 1) from t", "SPLIT_PART"),
        ("redshift", "select months_between(d, d) from t", "MONTHS_BETWEEN"),
        ("snowflake", "select approx_percentile(f, 0.5) from t", "APPROX_PERCENTILE"),
        ("snowflake", "select name from t where name ilike any ('a%', 'b%')", "ILIKE ANY"),
        ("snowflake", "select listagg(name, ',') within group (order by f) from t", "LISTAGG"),
    ],
)
def test_sqlite_refuses_naming_the_construct(read: str, sql: str, named: str) -> None:
    with pytest.raises(QueryError) as err:
        translate(sql, Context(read=read, engine="sqlite", tables=TABLES))
    text = str(err.value)
    assert f"SQLite cannot run {named}" in text and "duckdb" in text
    assert "sqlglot" not in text and "OperationalError" not in text


def test_a_refused_query_on_the_sqlite_warehouse_names_it(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    exp = ws.import_sql(
        "CREATE TABLE t (g INT, f DOUBLE PRECISION, name VARCHAR(10));",
        dialect="redshift",
        name="lite",
        warehouse="sqlite",
    )
    exp.generate(rows={"t": 20})
    with pytest.raises(QueryError, match="SQLite cannot run MEDIAN"):
        exp.query("select g, median(f) from t group by g")
    # The exact aggregates SQLite can compute still answer, and agree with COUNT(DISTINCT).
    got = exp.query("select approximate count(distinct g) as a, count(distinct g) as b from t")
    assert got["a"][0] == got["b"][0] > 0


def test_the_sqlite_fixes_run_on_sqlite_from_every_dialect() -> None:
    from dwsim_nb.warehouses.pipelines import fixes_for
    from dwsim_nb.warehouses.rewrites import fix_ratio_to_report
    from dwsim_nb.warehouses.sqlite_functions import (
        fix_sqlite_add_months_month_end,
        fix_sqlite_exact_functions,
        refuse_unsupported_sqlite,
    )

    for source in ("redshift", "snowflake", "postgres", "duckdb", "ansi", "sqlite"):
        fixes = fixes_for(source, "sqlite")
        order = [
            fixes.index(f)
            for f in (
                fix_ratio_to_report,
                fix_sqlite_exact_functions,
                refuse_unsupported_sqlite,
                fix_sqlite_add_months_month_end,
            )
        ]
        assert order == sorted(order), source
