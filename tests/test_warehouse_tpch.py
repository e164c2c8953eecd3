"""TPC-H: the schema imported from DDL, generated at a small scale, all 22 queries run on
every warehouse (duckdb and sqlite; postgres, the redshift emulator and the snowflake emulator
with the queries read in their own dialect), and the deterministic ones give the same rows on
duckdb and sqlite from one run.

The data is synthetic (not dbgen's), so some queries return few or no rows; every query must
translate and run. The queries are in ``tests/corpus/tpch/`` in their standard
form (Q15's view written as a CTE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import dwsim_nb as dw
from dwsim_nb.warehouses import LoadPlan
from dwsim_nb.workspace import Experiment

CORPUS = Path(__file__).parent / "corpus" / "tpch"
QUERIES = sorted(CORPUS.glob("q*.sql"))
ROWS = {"region": 5, "nation": 25, "supplier": 50, "part": 400, "partsupp": 1600,
        "customer": 300, "orders": 3000, "lineitem": 12000}

# Dates inside TPC-H's 1992-1998 window and TPC-H's own names for the columns the queries filter
# on, so that the compared queries select rows.
DATE_COLUMNS = {"o_orderdate", "l_shipdate", "l_commitdate", "l_receiptdate"}
VALUES = {
    "r_name": ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"],
    "n_name": ["FRANCE", "GERMANY", "BRAZIL", "CHINA", "JAPAN", "INDIA", "CANADA"],
    "c_mktsegment": ["AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"],
    "l_returnflag": ["R", "A", "N"],
    "l_shipmode": ["MAIL", "SHIP", "AIR", "RAIL", "TRUCK"],
    "p_type": ["ECONOMY ANODIZED STEEL", "PROMO BRUSHED COPPER", "STANDARD POLISHED TIN"],
    "p_name": ["forest green lace", "almond blush navy", "green smoke khaki", "linen plum ivory"],
}

# Every query translates for SQLite now (intervals, EXTRACT and date casts are rewritten); a
# query that SQLite cannot run would be listed here with its reason.
SQLITE_SKIPS: dict[str, str] = {}

# Deterministic queries (total ORDER BY, or one row) whose rows must be the same on both engines:
# they cover ``date + interval``, ``date - interval`` and EXTRACT(YEAR ...), and Q06's
# ``l_discount between 0.06 - 0.01 and 0.06 + 0.01`` (the constants are computed exactly before
# SQLite, which holds the decimals as REAL, compares them: fix_sqlite_decimal_constants).
COMPARED = ["q01", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q12", "q14"]


@pytest.fixture(scope="module")
def tpch_pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Experiment]:
    """One generated run, loaded into duckdb (by generate) and into sqlite (the same files)."""
    ws = dw.Workspace(tmp_path_factory.mktemp("tpch"))
    exp = ws.import_sql((CORPUS / "schema.sql").read_text(), name="tpch", dialect="ansi",
                        warehouse="duckdb")
    spec = exp.spec.to_dict()
    for table in spec["tables"]:
        for col in table["columns"]:
            if col["name"] in DATE_COLUMNS:
                col["date_start"], col["date_end"] = "1992-01-01", "1998-12-31"
            if col["name"] in VALUES:
                col.pop("rule", None)  # a name's rule (a product's name) gives way to the list
                col["values"] = VALUES[col["name"]]
    exp.update(spec)
    run = exp.generate(rows=ROWS, seed=1, workers=1)
    assert run.rows == ROWS
    spec["name"], spec["target_warehouse"] = "tpch_sqlite", "sqlite"
    lite = ws.create(spec)
    counts = lite.warehouse.load(lite.spec, LoadPlan.read(Path(run.path or "")))
    assert counts == ROWS
    return {"duckdb": exp, "sqlite": lite}


# The other warehouses get the same run, with the queries read in the warehouse's own dialect.
DIALECTS = {"postgres": "postgres", "redshift": "redshift", "snowflake": "snowflake"}
ON_POSTGRES = {"postgres", "redshift"}


@pytest.fixture(scope="module")
def tpch_pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for the postgres and redshift warehouses."""
    from conftest import throwaway_database

    with throwaway_database("dwsim_test_tpch") as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("DWSIM_POSTGRES_URL", url)
        mp.setenv("DWSIM_REDSHIFT_URL", url)
        yield url


@pytest.fixture(scope="module")
def tpch_loaded(tpch_pair: dict[str, Experiment]) -> dict[str, Experiment]:
    """Experiments loaded so far, by warehouse; the service ones are added on first use."""
    return dict(tpch_pair)


@pytest.fixture(
    scope="module",
    params=[
        "duckdb",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("redshift", marks=pytest.mark.postgres),
        "snowflake",
    ],
)
def tpch(request: pytest.FixtureRequest, tpch_loaded: dict[str, Experiment]) -> Experiment:
    name = request.param
    if name not in tpch_loaded:
        if name in ON_POSTGRES:
            request.getfixturevalue("tpch_pg_url")
        source = tpch_loaded["duckdb"]
        spec = source.spec.to_dict()
        spec.update(name=f"tpch_{name}", target_warehouse=name, dialect=DIALECTS[name])
        other = source.workspace.create(spec)
        (run,) = source.runs()
        counts = other.warehouse.load(other.spec, LoadPlan.read(Path(run.path or "")))
        assert counts == ROWS
        tpch_loaded[name] = other
    return tpch_loaded[name]


def test_schema_imported_with_keys(tpch: Experiment) -> None:
    spec = tpch.spec
    assert len(spec.tables) == 8
    assert spec.table("lineitem").primary_key == ["l_orderkey", "l_linenumber"]
    assert {fk.references_table for fk in spec.table("lineitem").foreign_keys} == {
        "orders", "part", "supplier"}


def test_partsupp_key_unique(tpch: Experiment) -> None:
    assert tpch.spec.table("partsupp").primary_key == ["ps_partkey", "ps_suppkey"]
    df = tpch.query("select count(*) as n from (select ps_partkey, ps_suppkey from partsupp "
                    "group by ps_partkey, ps_suppkey having count(*) > 1) d")
    assert int(df.iloc[0, 0]) == 0


def test_foreign_keys_resolve(tpch: Experiment) -> None:
    df = tpch.query("select count(*) as n from lineitem l left join orders o "
                    "on o.o_orderkey = l.l_orderkey where o.o_orderkey is null")
    assert int(df.iloc[0, 0]) == 0


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_tpch_query_runs(tpch: Experiment, query: Path) -> None:
    if tpch.warehouse_name == "sqlite" and query.stem in SQLITE_SKIPS:
        pytest.skip(f"sqlite: {SQLITE_SKIPS[query.stem]}")
    df = tpch.query(query.read_text())
    assert len(df.columns) > 0


def _comparable(value: Any) -> Any:
    """SQLite holds decimals as REAL and dates as ISO text; compare on those terms."""
    if isinstance(value, (Decimal, float)):
        return pytest.approx(float(value), rel=1e-9, abs=1e-9)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("name", COMPARED)
def test_sqlite_agrees_with_duckdb(tpch_pair: dict[str, Experiment], name: str) -> None:
    sql = (CORPUS / f"{name}.sql").read_text()
    duck = tpch_pair["duckdb"].query_arrow(sql).to_pylist()
    lite = tpch_pair["sqlite"].query_arrow(sql).to_pylist()
    assert duck, f"{name} selects no rows from the generated data, so it compares nothing"
    assert len(lite) == len(duck)
    for d, s in zip(duck, lite, strict=True):
        assert list(s.values()) == [_comparable(v) for v in d.values()]
