"""Property: for random single-table predicates (equality, IN, LIKE prefix, ranges on integer,
date and text columns), the data generated after fitting meets each predicate's share.

Equality, IN and LIKE take the fitted share exactly (a mix deals its rows by a permutation),
plus what the base rule yields by chance; a range's column is moved or widened to cover the
window, and the window then holds the part of the rows its width takes of the fitted span."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dwsim_nb.workspace import Workspace

DDL = """
create table things (
    thing_id integer primary key,
    val integer,
    happened date,
    label varchar(24),
    code varchar(12)
);
"""
ROWS = 3000
SHARE = 0.15
TOLERANCE = 0.01  # a mix's share is dealt exactly; rounding to whole rows only

words = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ", min_size=3, max_size=8)
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def predicates(draw: st.DrawFn) -> list[tuple[str, Any, str]]:
    """1-3 predicates, each on its own column: (kind or range column, window, SQL)."""
    out: list[tuple[str, Any, str]] = []
    if draw(st.booleans()):
        if draw(st.booleans()):
            out.append(("exact", None, f"val = {draw(st.integers(-500, 100_000))}"))
        else:
            low = draw(st.integers(-1000, 100_000))
            high = low + draw(st.integers(1, 5000))
            out.append(("val", (low, high), f"val between {low} and {high}"))
    if draw(st.booleans()):
        start = draw(day)
        end = start + dt.timedelta(days=draw(st.integers(1, 400)))
        out.append(
            ("happened", (start, end), f"happened >= date '{start}' and happened < date '{end}'")
        )
    choice = draw(st.sampled_from(["eq", "in", "like", "none"]))
    if choice == "eq":
        out.append(("exact", None, f"label = '{draw(words)}'"))
    elif choice == "in":
        values = draw(st.lists(words, min_size=2, max_size=4, unique=True))
        out.append(("exact", None, "label in (" + ", ".join(f"'{v}'" for v in values) + ")"))
    elif choice == "like":
        out.append(("exact", None, f"code like '{draw(words)[:4]}%'"))
    if not out:
        out.append(("exact", None, f"label = '{draw(words)}'"))
    return out


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(preds=predicates(), seed=st.integers(0, 50))
def test_fitted_data_meets_each_predicates_share(
    preds: list[tuple[str, Any, str]], seed: int
) -> None:
    with tempfile.TemporaryDirectory() as home:
        exp = Workspace(Path(home)).import_sql(DDL, name="p", dialect="postgres")
        exp.set_workload(";\n".join(f"select * from things where {p}" for *_, p in preds), SHARE)
        exp.generate(rows={"things": ROWS}, seed=seed)
        for kind, window, p in preds:
            n = int(exp.query(f"select count(*) from things where {p}").iloc[0, 0])
            share = n / ROWS
            if kind == "exact":
                # the literals' share, plus what the base rule makes by chance (rarely much)
                assert SHARE - TOLERANCE <= share <= SHARE + 0.05, (p, share)
            else:
                expected = _expected(exp.spec.table("things").column(kind).rule, window)
                assert abs(share - expected) <= 0.04, (p, share, expected)


def _expected(rule: Any, window: tuple[Any, Any]) -> float:
    """The share of a uniform rule's span the window takes; the span covers the window."""
    if rule.kind == "range":  # integers, both ends included
        lo, hi = window
        assert rule.min <= lo and hi <= rule.max, (rule, window)
        return (hi - lo + 1) / (rule.max - rule.min + 1)
    start, end = window  # days, the end excluded
    assert rule.kind == "datetime" and rule.start <= start and end <= rule.end, (rule, window)
    return (end - start).days / ((rule.end - rule.start).days + 1)
