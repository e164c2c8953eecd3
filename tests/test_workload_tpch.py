"""TPC-H's 22 queries on TPC-H's DDL at small scale (10k lineitem rows): how many return a row
with a non-NULL value without a workload, and with the same queries given as the workload.

Measured when the workload extractors were written, at seed 5: 1 of 22 without, 19 with (seeds
1-4: 1-2 without, 17-18 with). With HAVING thresholds, anti-joins, parents reached through joins
and date spans moved to the workload's: 22 with at seeds 1 and 5, 21 at seeds 2-4 (q20's Canadian
supplier or q22's customer without orders missed by chance among a handful of rows; coverage
explains which). The floor sits one below, so other changes to the data may move one query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers_results import TPCH_SMALL_ROWS

from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus" / "tpch"
QUERIES = sorted(CORPUS.glob("q*.sql"))
ROWS = TPCH_SMALL_ROWS
WITH_WORKLOAD_FLOOR = 21


def _answered(exp: Any) -> list[str]:
    """The queries whose result has a row holding a non-NULL value."""
    found = []
    for path in QUERIES:
        frame = exp.query(path.read_text())
        if len(frame) and bool(frame.notna().to_numpy().any()):
            found.append(path.stem)
    return found


def test_tpch_queries_find_rows_with_their_workload(tmp_path: Path) -> None:
    assert len(QUERIES) == 22
    ws = Workspace(tmp_path)
    plain = ws.import_sql(CORPUS / "schema.sql", name="plain", dialect="postgres")
    plain.generate(rows=ROWS, seed=5)
    without = _answered(plain)
    fitted = ws.import_sql(
        CORPUS / "schema.sql", name="fitted", dialect="postgres", workload=QUERIES
    )
    fitted.generate(rows=ROWS, seed=5)
    answered = _answered(fitted)
    print(f"TPC-H queries with a non-NULL row: {len(without)}/22 without, {len(answered)}/22 with")
    assert len(answered) >= WITH_WORKLOAD_FLOOR, answered
    assert len(answered) > len(without)
    # Coverage agrees with the queries' own results on which ones are empty.
    cov = fitted.coverage()
    assert list(cov["query"]) == [p.stem for p in QUERIES]
    empty = set(cov.loc[cov["status"] == "empty", "query"])
    assert not empty & set(answered)
    assert set(cov["status"]) <= {"ok", "empty"}
    assert set(cov.loc[cov["status"] == "ok", "query"]) == set(answered)
    assert all(isinstance(w, str) for w in cov.loc[cov["status"] == "empty", "explanation"])
