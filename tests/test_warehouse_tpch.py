"""TPC-H: the schema imported from DDL, generated at a small scale, all 22 queries run on
duckdb, and on sqlite where SQLite has the syntax.

The data is synthetic (not dbgen's), so many queries return few or no rows; what is checked is
that each query translates and runs. The queries are in ``tests/corpus/tpch/`` in their standard
form (Q15's view written as a CTE).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dwsim_nb as dw
from dwsim_nb.workspace import Experiment

CORPUS = Path(__file__).parent / "corpus" / "tpch"
QUERIES = sorted(CORPUS.glob("q*.sql"))
ROWS = {"region": 5, "nation": 25, "supplier": 50, "part": 400, "partsupp": 1600,
        "customer": 300, "orders": 3000, "lineitem": 12000}

# SQLite has neither ``date + INTERVAL '3' MONTH`` (it uses date(x, '+3 months')) nor EXTRACT.
_INTERVAL = "SQLite has no INTERVAL arithmetic on dates"
_EXTRACT = "SQLite has no EXTRACT(... FROM ...)"
SQLITE_SKIPS = {
    "q01": _INTERVAL, "q04": _INTERVAL, "q05": _INTERVAL, "q06": _INTERVAL, "q07": _EXTRACT,
    "q08": _EXTRACT, "q09": _EXTRACT, "q10": _INTERVAL, "q12": _INTERVAL, "q14": _INTERVAL,
    "q15": _INTERVAL, "q20": _INTERVAL,
}


@pytest.fixture(scope="module", params=["duckdb", "sqlite"])
def tpch(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    ws = dw.Workspace(tmp_path_factory.mktemp("tpch"))
    exp = ws.import_sql((CORPUS / "schema.sql").read_text(), name="tpch", dialect="ansi",
                        warehouse=request.param)
    # The engine cannot make (ps_partkey, ps_suppkey) unique when both columns are foreign keys,
    # so partsupp's primary key is dropped for generation (its foreign keys stay).
    spec = exp.spec.to_dict()
    for table in spec["tables"]:
        if table["name"] == "partsupp":
            table["primary_key"] = []
    exp.update(spec)
    run = exp.generate(rows=ROWS, seed=1, workers=1)
    assert run.rows == ROWS
    return exp


def test_schema_imported_with_keys(tpch: Experiment) -> None:
    spec = tpch.spec
    assert len(spec.tables) == 8
    assert spec.table("lineitem").primary_key == ["l_orderkey", "l_linenumber"]
    assert {fk.references_table for fk in spec.table("lineitem").foreign_keys} == {
        "orders", "part", "supplier"}


def test_foreign_keys_resolve(tpch: Experiment) -> None:
    df = tpch.query("select count(*) as n from lineitem l left join orders o "
                    "on o.o_orderkey = l.l_orderkey where o.o_orderkey is null")
    assert int(df["n"][0]) == 0


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_tpch_query_runs(tpch: Experiment, query: Path) -> None:
    if tpch.warehouse_name == "sqlite" and query.stem in SQLITE_SKIPS:
        pytest.skip(f"sqlite: {SQLITE_SKIPS[query.stem]}")
    df = tpch.query(query.read_text())
    assert len(df.columns) > 0
