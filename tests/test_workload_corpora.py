"""Workloads beyond TPC-H: twelve TPC-DS-style queries on the TPC-DS subset (ansi) and the
fifteen TICKIT documentation queries (redshift), each given as its own schema's workload.

Measured when written, at seed 3: TPC-DS-style 4-5 of 12 without the workload, 12 with; TICKIT
11 of 15 without, 15 with (seed 1: 14, q04's single day of sales missed). The floors hold the
issue's 95% over both sets; every query still empty is explained by coverage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus"
SETS = {
    "tpcds": (CORPUS / "ddl" / "tpcds_subset.sql", "ansi", CORPUS / "tpcds_queries", {}),
    "tickit": (
        CORPUS / "ddl" / "tickit_redshift.sql",
        "redshift",
        CORPUS / "tickit_queries",
        {"today": "2024-06-30"},
    ),
}
FLOORS = {"tpcds": 11, "tickit": 14}
TOTAL_FLOOR = 26  # of 27: 95%


def _answered(exp: Any, queries: list[Path]) -> list[str]:
    found = []
    for path in queries:
        frame = exp.query(path.read_text(encoding="utf-8"))
        if len(frame) and bool(frame.notna().to_numpy().any()):
            found.append(path.stem)
    return found


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ws = Workspace(tmp_path_factory.mktemp("corpora"))
    out = {}
    for name, (ddl, dialect, folder, options) in SETS.items():
        queries = sorted(folder.glob("*.sql"))
        exp = ws.import_sql(ddl, name=name, dialect=dialect, workload=[folder])
        exp.generate(seed=3, **options)
        out[name] = (exp, queries, _answered(exp, queries))
    return out


def test_tpcds_style_queries_are_twelve_and_parse_against_the_subset() -> None:
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.workload import read_workload
    from dwsim_nb.workload.analyze import analyze

    spec = import_sql(SETS["tpcds"][0].read_text(), dialect="ansi", name="t")
    queries = read_workload(SETS["tpcds"][2], "ansi")
    assert len(queries) == 12
    assert all(analyze(spec, q) is not None for q in queries)


def test_workloads_answer_ninety_five_percent(results: dict[str, Any]) -> None:
    total = 0
    for name, (_, queries, answered) in results.items():
        print(f"{name}: {len(answered)}/{len(queries)} with the workload")
        assert len(answered) >= FLOORS[name], (name, answered)
        total += len(answered)
    assert total >= TOTAL_FLOOR


def test_coverage_agrees_and_explains_every_empty_query(results: dict[str, Any]) -> None:
    for exp, queries, answered in results.values():
        cov = exp.coverage()
        assert list(cov["query"]) == [q.stem for q in queries]
        ok = set(cov.loc[cov["status"] == "ok", "query"])
        assert ok == set(answered)
        for row in cov.itertuples():
            if row.status == "empty":
                assert isinstance(row.explanation, str) and row.explanation
