"""TPC-H's 22 queries give the same rows on all five warehouses from one run.

The schema is imported with the 22 queries as its workload (so their results are not empty),
one run is generated into DuckDB and loaded into SQLite, PostgreSQL, the Redshift emulator and
the Snowflake emulator, and each query is run on each in the warehouse's own dialect (the
queries are standard SQL). Rows are compared sorted, numbers to 2 decimals, dates as ISO text,
DuckDB's being the reference. A query that differs must be listed in :data:`KNOWN_DIFFERENCES`
with the dialect difference that explains it; none is today.

``DWSIM_WRITE_CONFORMANCE=1`` writes the table into docs/conformance.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conformance_doc import check_section, table_section
from helpers_results import TPCH_SMALL_ROWS, sorted_rows

from dwsim_nb.warehouses import LoadPlan
from dwsim_nb.workspace import Workspace

pytestmark = pytest.mark.postgres

CORPUS = Path(__file__).parent / "corpus" / "tpch"
QUERIES = sorted(CORPUS.glob("q*.sql"))
ROWS = TPCH_SMALL_ROWS
# Each warehouse reads the queries in its own dialect.
WAREHOUSES = {
    "duckdb": "postgres",
    "postgres": "postgres",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "sqlite": "postgres",
}
# query -> the dialect difference that explains why its rows differ (none today).
KNOWN_DIFFERENCES: dict[str, str] = {}


def _rows(exp: Any, sql: str) -> list[tuple[Any, ...]]:
    table = exp.query_arrow(sql)
    return sorted_rows(table)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    from conftest import throwaway_database

    pytest.importorskip("fakesnow")
    with throwaway_database("dwsim_test_agree") as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("DWSIM_POSTGRES_URL", url)
        mp.setenv("DWSIM_REDSHIFT_URL", url)
        ws = Workspace(tmp_path_factory.mktemp("agree"))
        base = ws.import_sql(
            CORPUS / "schema.sql", name="tpch", dialect="postgres", workload=QUERIES
        )
        run = base.generate(rows=ROWS, seed=5)
        exps = {"duckdb": base}
        for wh, dialect in WAREHOUSES.items():
            if wh == "duckdb":
                continue
            spec = base.spec.to_dict()
            spec.update(name=f"tpch_{wh}", target_warehouse=wh, dialect=dialect)
            other = ws.create(spec)
            assert other.warehouse.load(other.spec, LoadPlan.read(Path(run.path or ""))) == ROWS
            exps[wh] = other
        out: dict[str, dict[str, Any]] = {}
        for query in QUERIES:
            sql = query.read_text()
            out[query.stem] = {}
            for wh, exp in exps.items():
                try:
                    out[query.stem][wh] = _rows(exp, sql)
                except Exception as e:  # recorded: an error is a disagreement
                    out[query.stem][wh] = f"error: {e}"
        for exp in exps.values():
            exp.warehouse.close()
        yield out


def _differs(cells: dict[str, Any]) -> list[str]:
    ref = cells["duckdb"]
    return [wh for wh, rows in cells.items() if rows != ref]


@pytest.mark.parametrize("name", [q.stem for q in QUERIES])
def test_five_warehouses_give_the_same_rows(results: dict[str, dict[str, Any]], name: str) -> None:
    cells = results[name]
    ref = cells["duckdb"]
    assert isinstance(ref, list) and ref, f"{name} selects no rows on duckdb, so compares nothing"
    differs = _differs(cells)
    if name in KNOWN_DIFFERENCES:
        assert differs, f"{name} agrees now: drop it from KNOWN_DIFFERENCES"
        return
    detail = {wh: cells[wh] if isinstance(cells[wh], str) else cells[wh][:3] for wh in differs}
    assert not differs, f"{name}: {detail} vs duckdb {ref[:3]}"


def _markdown(results: dict[str, dict[str, Any]]) -> str:
    intro = [
        "Written by tests/test_tpch_agreement.py. One run (TPC-H's DDL with the 22 queries as its "
        "workload, seed 5, 10,000 lineitems),",
        "loaded into every warehouse; each query read in the warehouse's dialect. ✓: the same "
        "rows as DuckDB (sorted, numbers to 2",
        "decimals); otherwise the dialect difference that explains it.",
    ]
    rows = []
    for name, cells in results.items():
        ref = cells["duckdb"]
        count = str(len(ref)) if isinstance(ref, list) else "error"
        marks = ["✓" if cells[wh] == ref else KNOWN_DIFFERENCES.get(name, "✗") for wh in WAREHOUSES]
        rows.append([name, count, *marks])
    return table_section("TPC-H on five warehouses", intro, ["query", "rows", *WAREHOUSES], rows)


def test_conformance_doc_is_current(results: dict[str, dict[str, Any]]) -> None:
    check_section("tpch-agreement", _markdown(results), "test_tpch_agreement.py")
