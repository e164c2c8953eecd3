"""Default row counts by fan-out (dwsim_nb/ddl/fact_rows.py): with no rows given, a table of
events, a fact table, the lines of a transaction and a bridge hold more rows than their
parents, while entities, dimensions, lookups and one-to-one extensions keep theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import fact_rows, import_sql
from dwsim_nb.ddl.fact_rows import (
    LINES_PER_PARENT,
    PER_BRIDGE,
    PER_DIMENSION,
    PER_ENTITY,
)
from dwsim_nb.engine.plan import make_plan
from dwsim_nb.spec import ExperimentSpec
from dwsim_nb.spec.scale import scaled_rows

CORPUS = Path(__file__).parent / "corpus"

SHOP = """
CREATE TABLE customers (id INT PRIMARY KEY, full_name VARCHAR(80), email VARCHAR(80));
CREATE TABLE products (id INT PRIMARY KEY, product_name VARCHAR(80), price DECIMAL(8,2));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers,
                     ordered_at TIMESTAMP);
CREATE TABLE order_items (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders,
                          product_id INT NOT NULL REFERENCES products, quantity INT);
CREATE TABLE payments (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders,
                       paid_at TIMESTAMP);
"""


def _rows(spec: ExperimentSpec) -> dict[str, int]:
    return {t.name: t.target_rows for t in spec.tables}


def _note(spec: ExperimentSpec, table: str) -> str:
    return next(n for n in reversed(spec.notes) if n.startswith(f"table '{table}'"))


def test_orders_lines_and_payments_fan_out_of_the_customers() -> None:
    spec = import_sql(SHOP, "postgres")
    rows = _rows(spec)
    assert rows["customers"] == rows["products"] == 1000
    assert rows["orders"] == PER_ENTITY * 1000
    assert rows["order_items"] == LINES_PER_PARENT * rows["orders"]
    # A payment of an order: at least one per order, not five per order.
    assert rows["payments"] == rows["orders"]
    assert "5 per row of 'customers'" in _note(spec, "orders")
    assert "4 per 'orders' row" in _note(spec, "order_items")


def test_a_fact_table_outgrows_its_dimensions_which_keep_the_default() -> None:
    spec = import_sql(
        """
        CREATE TABLE store (id INT PRIMARY KEY, store_name VARCHAR(50), city VARCHAR(40));
        CREATE TABLE item (id INT PRIMARY KEY, item_desc VARCHAR(200), price DECIMAL(7,2));
        CREATE TABLE shopper (id INT PRIMARY KEY, first_name VARCHAR(30), last_name VARCHAR(30));
        CREATE TABLE checkout (id INT PRIMARY KEY, store_id INT REFERENCES store,
                               item_id INT REFERENCES item, shopper_id INT REFERENCES shopper,
                               amount DECIMAL(8,2));
        CREATE TABLE fct_visits (id INT PRIMARY KEY, store_id INT REFERENCES store);
        """,
        "postgres",
    )
    rows = _rows(spec)
    assert rows["checkout"] == PER_DIMENSION * 1000  # three dimensions: a fact by its shape
    assert rows["fct_visits"] == PER_DIMENSION * 1000  # a fact by its name
    assert rows["store"] == rows["item"] == rows["shopper"] == 1000
    assert "a fact table (3 non-lookup parents)" in _note(spec, "checkout")


def test_a_bridge_holds_a_few_rows_per_row_of_its_smaller_parent() -> None:
    spec = import_sql(
        """
        CREATE TABLE students (id INT PRIMARY KEY, full_name VARCHAR(80));
        CREATE TABLE courses (id INT PRIMARY KEY, title VARCHAR(80), credits INT);
        CREATE TABLE enrolment (student_id INT REFERENCES students,
                                course_id INT REFERENCES courses,
                                PRIMARY KEY (student_id, course_id));
        """,
        "postgres",
    )
    assert _rows(spec)["enrolment"] == PER_BRIDGE * 1000
    assert "a bridge" in _note(spec, "enrolment")


def test_a_dimension_of_a_fact_and_a_one_to_one_child_keep_their_rows() -> None:
    tpcds = (CORPUS / "ddl" / "tpcds_subset.sql").read_text(encoding="utf-8")
    rows = _rows(import_sql(tpcds, "ansi"))
    assert rows["store_sales"] == PER_DIMENSION * 1000
    # A return is keyed by its sale: at most one per sale, so no fan-out.
    assert rows["store_returns"] == 1000
    tickit = (CORPUS / "ddl" / "tickit_redshift.sql").read_text(encoding="utf-8")
    rows = _rows(import_sql(tickit, "redshift"))
    # event reads as events but the listings and sales (facts) reference it: a dimension.
    assert rows["event"] == rows["users"] == 1000
    assert rows["listing"] >= 5 * rows["users"] and rows["sales"] >= 5 * rows["users"]


def test_lookups_and_tables_without_parents_are_untouched() -> None:
    spec = import_sql(
        """
        CREATE TABLE order_status (id INT PRIMARY KEY,
                                   name VARCHAR(20) CHECK (name IN ('new', 'paid', 'done')));
        CREATE TABLE orders (id INT PRIMARY KEY, status_id INT REFERENCES order_status);
        CREATE TABLE sales (id INT PRIMARY KEY, amount DECIMAL(10,2));
        """,
        "postgres",
    )
    # Orders of a lookup only: nothing to fan out of.
    assert _rows(spec) == {"order_status": 3, "orders": 1000, "sales": 1000}


def test_the_cap_keeps_a_default_run_quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fact_rows, "MAX_ROWS", 3000)
    spec = import_sql(SHOP, "postgres")
    rows = _rows(spec)
    assert rows["orders"] == rows["order_items"] == 3000
    assert "capped at 3000" in _note(spec, "orders")


def test_rows_asked_for_and_scale_still_win() -> None:
    spec = import_sql(SHOP, "postgres")
    plan = make_plan(spec, rows={"orders": 50, "order_items": 120}, today="2024-06-30")
    assert plan.rows["orders"] == 50 and plan.rows["order_items"] == 120
    scaled = scaled_rows(spec, None, 0.1)
    assert scaled is not None
    assert scaled["orders"] == PER_ENTITY * 100 and scaled["customers"] == 100
