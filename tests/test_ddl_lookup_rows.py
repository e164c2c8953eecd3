"""Default row counts by a table's role: a lookup table (shippers, statuses, categories) holds a
few rows, an entity or dimension keeps the default, a fact table grows past its dimensions
(tests/test_ddl_fact_rows.py), and the rows asked for when generating win."""

from __future__ import annotations

from pathlib import Path

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.fact_rows import LINES_PER_PARENT, PER_DIMENSION, PER_ENTITY
from dwsim_nb.ddl.lookup_rows import KIND_ROWS, LIST_ROWS
from dwsim_nb.engine.plan import make_plan
from dwsim_nb.spec import ExperimentSpec

CORPUS = Path(__file__).parent / "corpus"


def _rows(spec: ExperimentSpec) -> dict[str, int]:
    return {t.name: t.target_rows for t in spec.tables}


def _northwind() -> ExperimentSpec:
    ddl = (CORPUS / "realism" / "northwind_pg.sql").read_text(encoding="utf-8")
    return import_sql(ddl, dialect="postgres", name="northwind")


def test_northwind_shippers_and_territories_are_small_and_entities_keep_their_rows() -> None:
    spec = _northwind()
    rows = _rows(spec)
    assert 3 <= rows["shippers"] <= 10
    assert rows["region"] <= rows["territories"] <= 50
    for entity in ("customers", "employees", "products"):
        assert rows[entity] == 1000, entity
    # The orders and their lines are no lookups either: they fan out of the customers.
    assert rows["orders"] == PER_ENTITY * rows["customers"]
    assert rows["order_details"] == LINES_PER_PARENT * rows["orders"]
    note = next(n for n in spec.notes if n.startswith("table 'shippers'"))
    assert "a lookup table" in note and "target_rows" in note


def test_lookups_by_name_and_by_shape_get_few_rows() -> None:
    spec = import_sql(
        """
        CREATE TABLE payment_statuses (id INT PRIMARY KEY, label VARCHAR(3));
        CREATE TABLE warehouses (id INT PRIMARY KEY, name VARCHAR(50), phone VARCHAR(20),
                                 is_active BOOLEAN, updated_at TIMESTAMP);
        CREATE TABLE payments (
            id INT PRIMARY KEY,
            status_id INT REFERENCES payment_statuses,
            warehouse_id INT REFERENCES warehouses,
            amount DECIMAL(10,2),
            paid_at TIMESTAMP
        );
        """,
        "postgres",
    )
    rows = _rows(spec)
    assert rows["payment_statuses"] == KIND_ROWS
    assert rows["warehouses"] == LIST_ROWS
    assert rows["payments"] == 1000
    assert any("'payments' references it" in n for n in spec.notes)


def test_a_lookup_is_sized_to_its_value_list() -> None:
    spec = import_sql(
        """
        CREATE TABLE order_status (
            id INT PRIMARY KEY,
            name VARCHAR(20) CHECK (name IN ('new', 'paid', 'shipped', 'done'))
        );
        CREATE TABLE orders (id INT PRIMARY KEY, status_id INT REFERENCES order_status,
                             total DECIMAL(10,2));
        """,
        "postgres",
    )
    assert _rows(spec) == {"order_status": 4, "orders": 1000}
    # The CHECK's list is what the table may hold: no domain of statuses replaces it.
    assert spec.table("order_status").column("name").values == ["new", "paid", "shipped", "done"]
    assert any("one row per value of name" in n for n in spec.notes)


def test_a_category_table_without_a_domain_and_its_sub_categories() -> None:
    """A categories table whose names fit no known list still holds few rows, and the
    sub-categories under it more than it."""
    spec = import_sql(
        """
        CREATE TABLE categories (id INT PRIMARY KEY, code CHAR(2));
        CREATE TABLE sub_category (id INT PRIMARY KEY, code CHAR(2),
                                   category_id INT NOT NULL REFERENCES categories);
        CREATE TABLE items_sold (id INT PRIMARY KEY, sub_category_id INT REFERENCES sub_category,
                                 quantity INT);
        """,
        "postgres",
    )
    rows = _rows(spec)
    assert rows["categories"] == KIND_ROWS
    assert rows["categories"] < rows["sub_category"] <= 50
    assert rows["items_sold"] == 1000


def test_people_works_products_and_facts_are_no_lookups() -> None:
    spec = import_sql(
        """
        CREATE TABLE artists (id INT PRIMARY KEY, name VARCHAR(100));
        CREATE TABLE customers (id INT PRIMARY KEY, company_name VARCHAR(80), phone VARCHAR(20));
        CREATE TABLE products (id INT PRIMARY KEY, product_name VARCHAR(80));
        CREATE TABLE events (id INT PRIMARY KEY, name VARCHAR(80), starts_at TIMESTAMP,
                             price DECIMAL(8,2));
        CREATE TABLE ticket_type (id INT PRIMARY KEY, event_id INT REFERENCES events,
                                  name VARCHAR(30));
        CREATE TABLE sales (
            id INT PRIMARY KEY,
            artist_id INT REFERENCES artists,
            customer_id INT REFERENCES customers,
            product_id INT REFERENCES products,
            ticket_type_id INT REFERENCES ticket_type,
            amount DECIMAL(10,2)
        );
        """,
        "postgres",
    )
    # A ticket type belongs to an event (a key to a fact, not to a lookup): as many as events;
    # the sales, a fact of four dimensions, hold more than any of them.
    rows = _rows(spec)
    assert rows.pop("sales") == PER_DIMENSION * 1000
    assert set(rows.values()) == {1000}


def test_a_table_extended_one_to_one_keeps_its_rows() -> None:
    spec = import_sql(
        """
        CREATE TABLE account_type (id INT PRIMARY KEY, name VARCHAR(30));
        CREATE TABLE account_type_detail (id INT PRIMARY KEY REFERENCES account_type,
                                          note TEXT);
        """,
        "postgres",
    )
    assert _rows(spec)["account_type"] == 1000


def test_the_rows_asked_for_win() -> None:
    spec = _northwind()
    plan = make_plan(spec, rows={"shippers": 50}, today="2024-06-30")
    assert plan.rows["shippers"] == 50
    assert (
        import_sql("CREATE TABLE statuses (id INT PRIMARY KEY, name VARCHAR(20));", infer=False)
        .tables[0]
        .target_rows
        == 1000
    )
