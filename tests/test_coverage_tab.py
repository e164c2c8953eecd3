"""The Coverage tab of the notebook's app (``%dwsim_ui``), the same widget the web app shows:
pick an experiment, press Measure, read each query's row count and badge."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ipywidgets")

from dwsim_nb.widgets import App, CoverageView, app, coverage_view
from dwsim_nb.widgets.web_app import WebApp
from dwsim_nb.workspace import Workspace

DDL = """
create table customers (customer_id int primary key, city varchar(50));
create table orders (
    order_id int primary key,
    customer_id int not null references customers(customer_id),
    amount decimal(10,2) check (amount > 0)
);
"""
QUERIES = [
    "select * from orders where amount > 0",
    "select * from orders where amount < 0",
    "select * from no_such_table",
]


@pytest.fixture
def ws(home: Path) -> Workspace:
    return Workspace(home)


@pytest.fixture
def shop(ws: Workspace) -> Any:
    exp = ws.import_sql(DDL, name="shop", dialect="postgres")
    exp.set_workload(QUERIES)
    exp.generate(rows={"customers": 20, "orders": 70}, seed=9, workers=1)
    return exp


def _rows(html: str) -> list[list[str]]:
    """The table's cells as text, one list per row (tags stripped)."""
    body = html.split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_app_has_a_coverage_tab_shared_with_the_web_app(ws: Workspace) -> None:
    notebook = app(ws)
    assert notebook.titles[-1] == "Coverage"
    assert isinstance(notebook.coverage, CoverageView)
    web = WebApp(ws)
    # One widget class in both: the web app only puts its ER diagram before it.
    assert type(web.coverage) is type(notebook.coverage)
    assert web.titles[-2:] == ("ER diagram", "Coverage")
    assert web.children[-1] is web.coverage


def test_measure_shows_counts_duckdb_finds_with_badges(ws: Workspace, shop: Any) -> None:
    view = App(ws).coverage
    assert view.experiment.value == "shop" and view.output.value == ""  # measured on request
    view.action.click()
    html = view.output.value
    rows = {r[0]: r for r in _rows(html)}
    positive = int(shop.query("select count(*) from orders where amount > 0").iloc[0, 0])
    names = sorted(rows)
    assert len(names) == 3
    ok, empty, error = (rows[n] for n in names)  # q1, q2, q3 in the order set
    assert ok[1:3] == [f"{positive:,}", "ok"] and positive > 0
    assert empty[1:3] == ["0", "empty"] and "amount" in empty[3]
    assert error[2] == "error" and "no_such_table" in html
    for kind in ("ok", "empty", "error"):
        assert html.count(f"dwsim-coverage-{kind}") == 1
    assert "1 of 3 queries find rows" in html


def test_coverage_tab_follows_imports_and_says_how_to_add_a_workload(ws: Workspace) -> None:
    notebook = app(ws)
    assert "No experiments yet" in notebook.coverage.draw()
    notebook.importer.name.value = "plain"
    notebook.importer.dialect.value = "postgres"
    notebook.importer.ddl.value = DDL
    notebook.importer.save_button.click()
    assert notebook.coverage.experiment.value == "plain"
    notebook.coverage.action.click()
    assert "no workload queries" in notebook.coverage.output.value
    assert "dwsim workload plain" in notebook.coverage.output.value


def test_coverage_view_alone(ws: Workspace, shop: Any) -> None:
    view = coverage_view(ws, "shop")
    html = view.draw()
    assert html == view.output.value and "dwsim-badge" in html
