"""Public query suites give the same rows on the warehouses that run them (issue 17, item 5).

- TICKIT documentation queries (Redshift SQL) on DuckDB and the Redshift emulator;
- TPC-DS-style queries (PostgreSQL SQL) on DuckDB and PostgreSQL.

Each schema is imported with its suite as the workload (so results are not empty), one run is
generated into DuckDB and loaded into the other warehouse, and each query runs on each in the
suite's dialect, a LIMIT's ties broken by the output columns (see :func:`tie_broken`). Rows
are compared sorted, numbers to 2 decimals, dates as ISO text, CHAR
padding dropped; DuckDB's rows are the reference. A query that differs must be listed in
:data:`KNOWN_DIFFERENCES` with the dialect difference that explains it.

``DWSIM_WRITE_CONFORMANCE=1`` writes the table into docs/conformance.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import sqlglot
from conformance_doc import check_section, table_section
from helpers_results import sorted_rows
from sqlglot import exp

from dwsim_nb.warehouses import LoadPlan
from dwsim_nb.workspace import Workspace

pytestmark = pytest.mark.postgres

CORPUS = Path(__file__).parent / "corpus"


class Suite(NamedTuple):
    name: str
    ddl: Path
    queries: list[Path]
    dialect: str
    other: str  # the warehouse compared with DuckDB
    max_rows: int  # each table's rows, at most


SUITES = [
    Suite(
        "tickit",
        CORPUS / "ddl" / "tickit_redshift.sql",
        sorted((CORPUS / "tickit_queries").glob("*.sql")),
        "redshift",
        "redshift",
        3_000,
    ),
    Suite(
        "tpcds",
        CORPUS / "ddl" / "tpcds_subset.sql",
        sorted((CORPUS / "tpcds_queries").glob("*.sql")),
        "postgres",
        "postgres",
        3_000,
    ),
]
# "suite/query" -> the dialect difference that explains why its rows differ.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _rows(experiment: Any, sql: str) -> list[tuple[Any, ...]] | str:
    try:
        table = experiment.query_arrow(sql)
    except Exception as e:  # recorded: an error is a disagreement
        return f"error: {str(e).splitlines()[0][:200]}"
    return sorted_rows(table)


def tie_broken(sql: str, dialect: str) -> str:
    """``ORDER BY k LIMIT n`` with every output column appended to the ORDER BY, in the query
    and in its subqueries.

    Which of the rows tied on ``k`` a LIMIT keeps is unspecified in every dialect, so two
    engines may rightly keep different ones; breaking the ties by the output columns keeps a
    result the original query may give, the same one on every engine.
    """
    tree = sqlglot.parse_one(sql, read=dialect)
    changed = False
    # A subquery's LIMIT too (the top sellers by count whose sales are listed): a tie there
    # changes which rows the outer query reads.
    for select in tree.find_all(exp.Select):
        order = select.args.get("order")
        if select.args.get("limit") is None or order is None:
            continue
        numbers = [exp.Literal.number(i + 1) for i in range(len(select.selects))]
        order.set("expressions", [*order.expressions, *numbers])
        changed = True
    return tree.sql(dialect=dialect) if changed else sql


def _run_suite(ws: Workspace, suite: Suite) -> dict[str, dict[str, Any]]:
    base = ws.import_sql(suite.ddl, name=suite.name, dialect=suite.dialect, workload=suite.queries)
    rows = {t.key: min(t.target_rows or suite.max_rows, suite.max_rows) for t in base.spec.tables}
    run = base.generate(rows=rows, seed=17, today="2024-06-30")
    spec = base.spec.to_dict()
    spec.update(name=f"{suite.name}_{suite.other}", target_warehouse=suite.other)
    other = ws.create(spec)
    other.warehouse.load(other.spec, LoadPlan.read(Path(run.path or "")))
    exps = {"duckdb": base, suite.other: other}
    out = {}
    for q in suite.queries:
        sql = tie_broken(q.read_text(encoding="utf-8"), suite.dialect)
        out[q.stem] = {wh: _rows(e, sql) for wh, e in exps.items()}
    for e in exps.values():
        e.warehouse.close()
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    from conftest import throwaway_database

    with throwaway_database("dwsim_test_suites") as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("DWSIM_POSTGRES_URL", url)
        mp.setenv("DWSIM_REDSHIFT_URL", url)
        ws = Workspace(tmp_path_factory.mktemp("suites"))
        out: dict[str, dict[str, Any]] = {}
        for suite in SUITES:
            for query, cells in _run_suite(ws, suite).items():
                out[f"{suite.name}/{query}"] = cells
        yield out


ALL = [f"{s.name}/{q.stem}" for s in SUITES for q in s.queries]


@pytest.mark.parametrize("name", ALL)
def test_the_suite_gives_the_same_rows(results: dict[str, dict[str, Any]], name: str) -> None:
    cells = results[name]
    ref = cells["duckdb"]
    assert isinstance(ref, list) and ref, (
        f"{name} selects no rows on duckdb ({ref}): compares nothing"
    )
    differs = [wh for wh, rows in cells.items() if rows != ref]
    if name in KNOWN_DIFFERENCES:
        assert differs, f"{name} agrees now: drop it from KNOWN_DIFFERENCES"
        return
    detail = {wh: cells[wh] if isinstance(cells[wh], str) else cells[wh][:3] for wh in differs}
    assert not differs, f"{name}: {detail} vs duckdb {ref[:3]}"


def _markdown(results: dict[str, dict[str, Any]]) -> str:
    intro = [
        "Written by tests/test_suite_agreement.py. One run per suite (its DDL with its queries as "
        "the workload, seed 17, at most 3,000 rows",
        "a table), loaded into the other warehouse; TICKIT read as Redshift SQL, TPC-DS as "
        "PostgreSQL. ✓: the same rows as DuckDB",
        "(sorted, numbers to 2 decimals); otherwise the dialect difference that explains it.",
    ]
    rows = []
    for suite in SUITES:
        for q in suite.queries:
            name = f"{suite.name}/{q.stem}"
            cells = results[name]
            ref = cells["duckdb"]
            count = str(len(ref)) if isinstance(ref, list) else "error"
            mark = "✓" if cells[suite.other] == ref else KNOWN_DIFFERENCES.get(name, "✗")
            rows.append([name, count, "✓", f"{suite.other}: {mark}"])
    header = ["query", "rows", "duckdb", "other"]
    return table_section("TICKIT and TPC-DS-style suites", intro, header, rows)


def test_conformance_doc_is_current(results: dict[str, dict[str, Any]]) -> None:
    check_section("suite-agreement", _markdown(results), "test_suite_agreement.py")
