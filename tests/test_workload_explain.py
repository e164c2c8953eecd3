"""Coverage explains an empty query: the first join, WHERE or HAVING step that leaves no row,
described with what the generated data holds (checked against the data with duckdb)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.display.coverage_view import Coverage, coverage_html, coverage_text
from dwsim_nb.workload.explain import explain_empty
from dwsim_nb.workspace import Workspace

DDL = """
create table client (client_id integer primary key, full_name varchar(60),
                     segment varchar(20) check (segment in ('retail', 'business')));
create table purchase (
    purchase_id integer primary key,
    client_id integer not null references client (client_id),
    quantity integer check (quantity between 1 and 9),
    amount decimal(10,2)
);
create table note (note_id integer primary key,
                   ref_code integer check (ref_code between 5000 and 6000));
"""
ROWS = {"client": 200, "purchase": 2000, "note": 100}


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("explain"))
    e = ws.import_sql(DDL, name="shop", dialect="postgres")
    e.generate(rows=ROWS, seed=4)
    return e


def _why(exp: Any, sql: str) -> str:
    assert int(exp.query(f"select count(*) from ({sql}) q").iloc[0, 0]) == 0
    text = explain_empty(
        exp.spec, sql, lambda s: list(exp.query(s).itertuples(index=False, name=None))
    )
    assert text is not None
    return text


def _one(exp: Any, sql: str) -> Any:
    return exp.query(sql).iloc[0, 0]


def test_the_predicate_that_removes_the_last_rows_is_named_with_the_values(exp: Any) -> None:
    text = _why(exp, "select * from client where client_id > 10 and segment = 'wholesale'")
    left = _one(exp, "select count(*) from client where client_id > 10")
    assert text.startswith(f"client.segment = 'wholesale' removes the last {left:,} rows")
    assert "'business'–'retail' (2 values" in text
    assert "generated from 'retail', 'business'" in text


def test_a_range_is_described_by_the_rows_left(exp: Any) -> None:
    text = _why(exp, "select * from purchase p where p.amount > 0 and p.quantity >= 10")
    lo, hi = exp.query("select min(quantity), max(quantity) from purchase where amount > 0").iloc[0]
    assert "p.quantity >= 10 removes the last" in text
    assert f"p.quantity in those rows is {lo}–{hi}" in text
    assert "purchase.quantity is generated 1–9" in text


def test_a_join_that_matches_nothing_is_named_with_both_sides(exp: Any) -> None:
    text = _why(exp, "select * from note n, client c where n.ref_code = c.client_id")
    lo, hi = exp.query("select min(ref_code), max(ref_code) from note").iloc[0]
    assert text.startswith("n.ref_code = c.client_id matches no rows")
    assert f"n.ref_code is {lo}–{hi}" in text and "c.client_id is 1–200" in text


def test_having_names_the_spread_of_the_aggregate(exp: Any) -> None:
    text = _why(
        exp, "select client_id from purchase group by client_id having sum(quantity) > 5000"
    )
    spread = exp.query(
        "select min(s), max(s), min(n), max(n) from (select sum(quantity) s, count(*) n "
        "from purchase group by client_id) g"
    ).iloc[0]
    assert text.startswith("HAVING SUM(purchase.quantity) > 5000 keeps no group")
    assert f"per purchase.client_id is {spread.iloc[0]}–{spread.iloc[1]}" in text
    assert f"(groups of {spread.iloc[2]}–{spread.iloc[3]} rows)" in text


def test_an_empty_derived_table_and_subquery_are_explained_inside(exp: Any) -> None:
    derived = _why(exp, "select * from (select * from client where segment = 'none') t")
    assert derived.startswith("t is empty: client.segment = 'none'")
    sub = _why(
        exp,
        "select * from client where client_id in "
        "(select client_id from purchase where quantity > 50)",
    )
    assert sub.startswith("its subquery finds nothing: purchase.quantity > 50 removes the last")


def test_an_empty_cte_joined_explicitly_is_explained_inside(exp: Any) -> None:
    text = _why(
        exp,
        "with big as (select * from purchase where quantity > 50) "
        "select c.full_name from big join client c on c.client_id = big.client_id "
        "join purchase p2 on p2.client_id = c.client_id",
    )
    assert text.startswith("big is empty: purchase.quantity > 50 removes the last 2,000 rows")


def test_not_exists_and_or_are_explained(exp: Any) -> None:
    text = _why(
        exp,
        "select * from client c where not exists "
        "(select 1 from purchase p where p.client_id = c.client_id)",
    )
    assert "every remaining row has a match in the subquery" in text
    text = _why(
        exp,
        "select * from purchase where (quantity = 3 and amount < 0) "
        "or (quantity = 4 and purchase_id < 0)",
    )
    assert text.startswith("none of the 2 alternatives of an OR finds a row; the closest:")


def test_coverage_explains_empty_queries_and_aggregates_over_no_row(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    e = ws.import_sql(DDL, name="shop", dialect="postgres")
    e.add_workload(
        "select * from client;"
        "select sum(amount) as total from purchase where quantity > 20;"
        "select * from client where segment = 'nobody';"
        "select * from no_such_table"
    )
    e.generate(rows=ROWS, seed=4)
    cov = e.coverage()
    assert isinstance(cov, Coverage)
    assert list(cov["status"][:3]) == ["ok", "empty", "empty"]
    assert cov["status"][3].startswith("error")
    assert cov["explanation"][0] is None
    assert cov["rows"][1] == 1 and cov["explanation"][1].startswith(
        "its row holds only NULLs: purchase.quantity > 20"
    )
    assert "'nobody'" in cov["explanation"][2]
    html = cov._repr_html_()
    assert html == coverage_html(cov)
    assert html.count("dwsim-coverage-ok") == 1 and html.count("dwsim-coverage-empty") == 2
    assert "dwsim-coverage-error" in html and "1 of 4 queries find rows" in html
    assert "'nobody'" in coverage_text(cov)
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "coverage", "shop", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[2]["status"] == "empty" and "'nobody'" in rows[2]["explanation"]
    assert rows[0]["explanation"] is None
