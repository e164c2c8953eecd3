"""Bridge tables: unique keys made only of foreign-key columns (partsupp, link tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

import dwsim_nb as dw
from dwsim_nb.engine import generate_run
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec import ExperimentSpec

CORPUS = Path(__file__).parent / "corpus"


def _con(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in sorted(p.name for p in out.iterdir() if p.is_dir()):
        con.execute(f"create view {t} as select * from read_parquet('{out}/{t}/*.parquet')")
    return con


def _parent(name: str, rows: int) -> dict[str, Any]:
    return {"name": name, "target_rows": rows, "primary_key": ["id"],
            "columns": [{"name": "id", "data_type": "BIGINT", "shuffle": True}]}


def _fk(col: str, parent: str, **extra: Any) -> dict[str, Any]:
    return {"columns": [col], "references_table": parent, "references_columns": ["id"], **extra}


def _link(rows: int, *, key: str = "primary_key", **card: Any) -> dict[str, Any]:
    return {
        "name": "tags", "target_rows": rows,
        key: ["post_id", "tag_id"] if key == "primary_key" else [["post_id", "tag_id"]],
        "foreign_keys": [_fk("post_id", "posts", **card), _fk("tag_id", "labels")],
        "columns": [{"name": "post_id", "data_type": "BIGINT"},
                    {"name": "tag_id", "data_type": "BIGINT"},
                    {"name": "weight", "data_type": "INT"}],
    }


def _spec(rows: int, **kwargs: Any) -> ExperimentSpec:
    return ExperimentSpec.parse({"name": "bridge", "tables": [
        _parent("posts", 700), _parent("labels", 13), _link(rows, **kwargs)]})


def _check(out: Path, rows: int) -> duckdb.DuckDBPyConnection:
    con = _con(out)
    n, distinct = con.execute(
        "select count(*), count(distinct (post_id, tag_id)) from tags").fetchone() or (0, 0)
    assert (n, distinct) == (rows, rows)
    orphans = con.execute(
        "select count(*) from tags t left join posts p on p.id = t.post_id "
        "left join labels l on l.id = t.tag_id where p.id is null or l.id is null").fetchone()
    assert orphans == (0,)
    return con


@pytest.mark.parametrize("rows", [5, 700, 4000, 700 * 13])
def test_link_table_key_unique_and_whole(tmp_path: Path, rows: int) -> None:
    generate_run(_spec(rows), tmp_path, seed=3, block_size=1000, executor="inprocess")
    con = _check(tmp_path, rows)
    # Spread evenly over the leading parent: n // P or one more children each.
    lo, hi = con.execute("select min(c), max(c) from (select count(*) c from tags "
                         "group by post_id)").fetchone() or (0, 0)
    assert hi - lo <= 1 if rows >= 700 else hi == 1


def test_unique_constraint_key_too(tmp_path: Path) -> None:
    generate_run(_spec(3000, key="unique"), tmp_path, seed=3, executor="inprocess")
    _check(tmp_path, 3000)


def test_range_cardinality_honoured(tmp_path: Path) -> None:
    spec = _spec(4200, cardinality={"kind": "range", "min": 3, "max": 9})
    generate_run(spec, tmp_path, seed=3, block_size=1000, executor="inprocess")
    con = _check(tmp_path, 4200)
    lo, hi, parents = con.execute("select min(c), max(c), count(*) from (select count(*) c "
                                  "from tags group by post_id)").fetchone() or (0, 0, 0)
    assert parents == 700 and 3 <= lo < hi <= 9


def test_same_data_across_workers(tmp_path: Path) -> None:
    spec = _spec(6000)
    generate_run(spec, tmp_path / "one", seed=4, block_size=512, executor="inprocess")
    generate_run(spec, tmp_path / "two", seed=4, block_size=512, executor="processes", workers=2)
    assert pq.read_table(tmp_path / "one" / "tags").equals(pq.read_table(tmp_path / "two" / "tags"))


def test_more_rows_than_tuples_fails_before_work(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with pytest.raises(GenerationError, match=r"'tags'.*at most 9100 distinct tuples.*9101"):
        generate_run(_spec(700 * 13 + 1), out, seed=1)
    assert not out.exists() or not any(out.rglob("*.parquet"))


def test_tpch_partsupp_keeps_its_key(tmp_path: Path) -> None:
    spec = dw.import_sql((CORPUS / "ddl" / "tpch.sql").read_text(), dialect="ansi")
    assert spec.table("partsupp").primary_key == ["ps_partkey", "ps_suppkey"]
    rows = {"region": 5, "nation": 25, "supplier": 50, "part": 400, "partsupp": 1600,
            "customer": 300, "orders": 3000, "lineitem": 12000}
    generate_run(spec, tmp_path, rows=rows, seed=1, block_size=700, executor="inprocess")
    con = _con(tmp_path)
    assert con.execute("select count(*), count(distinct (ps_partkey, ps_suppkey)) "
                       "from partsupp").fetchone() == (1600, 1600)
    # Four suppliers per part, as in TPC-H; lineitem's composite key into partsupp resolves.
    assert con.execute("select min(c), max(c) from (select count(*) c from partsupp "
                       "group by ps_partkey)").fetchone() == (4, 4)
    assert con.execute("select count(*) from lineitem l left join partsupp p on "
                       "p.ps_partkey = l.l_partkey and p.ps_suppkey = l.l_suppkey "
                       "where p.ps_partkey is null").fetchone() == (0,)
