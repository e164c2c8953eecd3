"""TICKIT documentation-style queries (issue 15 acceptance) on TICKIT data generated with no
workload: how many return at least one row holding a non-null value.

The literal filters are the ones documentation uses ('NOV', 'NY', 'San Diego', 'Shows',
caldate = '2008-01-05'), so a query returns rows only when the generated data means what the
schema says (real months in the date dimension, state codes, category groups, dates in 2008).
``THRESHOLD`` is today's measured count: it may only go up (issue target: 12 of 15).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus"
QUERIES = sorted((CORPUS / "tickit_queries").glob("*.sql"))
# Measured on main (issue 15 was filed at 9 of 15; 13 with real US cities and titles): raise it
# as features land, never lower it.
THRESHOLD = 13


@pytest.fixture(scope="module")
def tickit(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("tickit_queries"))
    exp = ws.import_sql(
        (CORPUS / "ddl" / "tickit_redshift.sql").read_text(encoding="utf-8"),
        dialect="redshift",
        name="tickit",
    )
    exp.generate(seed=15, today="2024-06-30")
    return exp


def _has_value(exp: Any, sql: str) -> bool:
    df = exp.query(sql)
    return bool(len(df)) and bool(df.notna().any(axis=None))


def test_fifteen_documentation_queries() -> None:
    assert len(QUERIES) == 15


def test_tickit_documentation_queries_return_values(tickit: Any) -> None:
    answered, empty = [], []
    for path in QUERIES:
        # a query the translation or the engine rejects counts as not answered, with its error
        try:
            ok = _has_value(tickit, path.read_text(encoding="utf-8"))
        except Exception as e:  # every failure is reported; none stops the count
            empty.append(f"{path.stem} (error: {str(e).splitlines()[0][:160]})")
            continue
        (answered if ok else empty).append(path.stem)
    print(f"\nTICKIT documentation queries with a value: {len(answered)} of {len(QUERIES)}")
    for name in empty:
        print(f"  no value: {name}")
    assert len(answered) >= THRESHOLD, f"only {len(answered)} answered; no value: {empty}"
