"""Short text keys and self-references, generated and checked with SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.spec import ExperimentSpec


def _run(spec: ExperimentSpec, out: Path) -> duckdb.DuckDBPyConnection:
    generate_run(spec, out, seed=3)
    con = duckdb.connect()
    for t in sorted(p.name for p in out.iterdir() if p.is_dir()):
        con.execute(f"create view {t} as select * from read_parquet('{out}/{t}/*.parquet')")
    return con


def _spec(tables: list[dict[str, Any]]) -> ExperimentSpec:
    return ExperimentSpec.model_validate({"name": "short", "tables": tables})


@pytest.mark.parametrize("width", [3, 5, 8])
def test_short_text_key_is_unique_within_its_width(tmp_path: Path, width: int) -> None:
    # word-123 cut to the width would repeat; the key is a letter code of the width instead
    spec = _spec(
        [
            {
                "name": "t",
                "target_rows": 5000,
                "primary_key": ["code"],
                "columns": [
                    {"name": "code", "data_type": "VARCHAR", "varchar_length": width},
                ],
            }
        ]
    )
    con = _run(spec, tmp_path)
    n, distinct, longest = con.execute(
        "select count(*), count(distinct code), max(length(code)) from t"
    ).fetchone()
    assert (n, distinct) == (5000, 5000) and longest <= width


def test_unique_text_by_name_keeps_its_row_number_within_the_width(tmp_path: Path) -> None:
    spec = _spec(
        [
            {
                "name": "t",
                "target_rows": 3000,
                "columns": [
                    {
                        "name": "city",
                        "data_type": "VARCHAR",
                        "varchar_length": 9,
                        "is_unique": True,
                        "rule": {"kind": "faker", "provider": "city"},
                    },
                ],
            }
        ]
    )
    con = _run(spec, tmp_path)
    distinct, longest = con.execute(
        "select count(distinct city), max(length(city)) from t"
    ).fetchone()
    assert distinct == 3000 and longest <= 9


def test_too_short_text_key_lowers_the_row_count_at_import() -> None:
    spec = import_sql("create table t (code char(2) primary key, n int);", dialect="postgres")
    table = spec.table("t")
    assert table.target_rows <= 26**2
    assert any("only 676 values" in w for w in spec.warnings)


def test_self_reference_is_a_tree_with_one_root(tmp_path: Path) -> None:
    spec = _spec(
        [
            {
                "name": "staff",
                "target_rows": 2000,
                "primary_key": ["id"],
                "foreign_keys": [
                    {
                        "columns": ["boss"],
                        "references_table": "staff",
                        "references_columns": ["id"],
                        "nullable": True,
                    }
                ],
                "columns": [
                    {"name": "id", "data_type": "VARCHAR", "varchar_length": 4},
                    {"name": "boss", "data_type": "VARCHAR", "varchar_length": 4},
                ],
            }
        ]
    )
    con = _run(spec, tmp_path)
    roots = con.execute("select count(*) from staff where boss is null").fetchone()[0]
    reached = con.execute(
        """with recursive chain as (
             select id, 0 as depth from staff where boss is null
             union all
             select s.id, c.depth + 1 from staff s join chain c on s.boss = c.id
             where c.depth < 200)
           select count(distinct id), max(depth) from chain"""
    ).fetchone()
    assert roots == 1 and reached[0] == 2000 and 1 < reached[1] < 100
