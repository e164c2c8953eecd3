"""Arithmetic the names imply (issue 15, item 4): a line's total is quantity times unit price,
a commission a share of what was paid, an order's total the sum of its lines and a count column
the number of them, for every row, across blocks, the same for the same seed.

Each test imports a public-style script, generates it (small blocks, so a parent's children
cross block boundaries) and checks the property with SQL over the Parquet files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine import generate_run
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.rules import AggregateRule, DerivedRule
from dwsim_nb.workspace import Workspace

TPCH = """
CREATE TABLE customer (c_custkey INT PRIMARY KEY, c_name VARCHAR(25), c_acctbal DECIMAL(15,2));
CREATE TABLE orders (o_orderkey INT PRIMARY KEY,
  o_custkey INT NOT NULL REFERENCES customer(c_custkey),
  o_orderstatus CHAR(1), o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE);
CREATE TABLE lineitem (l_orderkey INT NOT NULL REFERENCES orders(o_orderkey),
  l_linenumber INT NOT NULL, l_quantity DECIMAL(15,2) NOT NULL,
  l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL,
  l_tax DECIMAL(15,2) NOT NULL, l_shipdate DATE, PRIMARY KEY (l_orderkey, l_linenumber));
"""
ECOM = """
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id),
  total_amount DECIMAL(10,2) NOT NULL, item_count INT NOT NULL, created_at TIMESTAMP);
CREATE TABLE order_items (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders(id),
  quantity INT NOT NULL, unit_price DECIMAL(8,2) NOT NULL, line_total DECIMAL(10,2) NOT NULL);
"""
TICKIT = """
CREATE TABLE listing (listid INTEGER NOT NULL PRIMARY KEY, sellerid INTEGER NOT NULL,
  numtickets SMALLINT NOT NULL, priceperticket DECIMAL(8,2), totalprice DECIMAL(8,2),
  listtime TIMESTAMP);
CREATE TABLE sales (salesid INTEGER NOT NULL PRIMARY KEY,
  listid INTEGER NOT NULL REFERENCES listing(listid), sellerid INTEGER NOT NULL,
  qtysold SMALLINT NOT NULL, pricepaid DECIMAL(8,2), commission DECIMAL(8,2),
  saletime TIMESTAMP);
"""


def _run(ddl: str, out: Path, rows: dict[str, int], seed: int = 5, block: int = 700) -> Any:
    spec = import_sql(ddl, dialect="postgres", name="arith")
    generate_run(spec, out, rows=rows, seed=seed, block_size=block, executor="inprocess")
    con = duckdb.connect()
    for t in spec.tables:
        con.execute(f"CREATE VIEW {t.name} AS SELECT * FROM '{out / t.name}/*.parquet'")
    return con


def _one(con: Any, sql: str) -> Any:
    return con.execute(sql).fetchone()


def test_ecommerce_line_totals_order_totals_and_counts(tmp_path: Path) -> None:
    con = _run(ECOM, tmp_path, {"customers": 200, "orders": 2000, "order_items": 8100})
    bad_lines, lines = _one(
        con,
        "SELECT count(*) FILTER (WHERE abs(line_total - quantity * unit_price) > 0.005), "
        "count(*) FROM order_items",
    )
    assert lines == 8100 and bad_lines == 0
    # Prices vary, so the check above could fail if line_total were anything else.
    assert _one(con, "SELECT count(DISTINCT unit_price) FROM order_items")[0] > 1000
    bad_total, bad_count, parents, spread = _one(
        con,
        """WITH s AS (SELECT order_id, sum(line_total) AS total, count(*) AS n
                      FROM order_items GROUP BY order_id)
        SELECT count(*) FILTER (WHERE abs(o.total_amount - coalesce(s.total, 0))
                                      > 0.01 * coalesce(s.n, 1)),
               count(*) FILTER (WHERE o.item_count <> coalesce(s.n, 0)),
               count(*), count(DISTINCT o.item_count)
        FROM orders o LEFT JOIN s ON s.order_id = o.id""",
    )
    assert parents == 2000 and bad_total == 0 and bad_count == 0
    assert spread >= 3  # counts vary (1..7 around 4 per order), not one constant


def test_tpch_order_total_is_the_sum_of_discounted_taxed_lines(tmp_path: Path) -> None:
    spec = import_sql(TPCH, dialect="postgres", name="tpch")
    rule = spec.table("orders").column("o_totalprice").rule
    assert isinstance(rule, AggregateRule) and rule.reason and rule.reason.startswith("arithmetic")
    con = _run(TPCH, tmp_path, {"customer": 100, "orders": 1500, "lineitem": 6001})
    bad, parents = _one(
        con,
        """WITH s AS (SELECT l_orderkey, count(*) AS n,
                        sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS total
                      FROM lineitem GROUP BY l_orderkey)
        SELECT count(*) FILTER (WHERE abs(o.o_totalprice - s.total) > 0.01 * s.n), count(*)
        FROM orders o JOIN s ON s.l_orderkey = o.o_orderkey""",
    )
    assert parents == 1500 and bad == 0
    # Line numbers stay unique per order with the children grouped per order.
    assert _one(con, "SELECT count(DISTINCT (l_orderkey, l_linenumber)) FROM lineitem")[0] == 6001


def test_tickit_total_price_and_commission(tmp_path: Path) -> None:
    con = _run(TICKIT, tmp_path, {"listing": 900, "sales": 2500})
    assert _one(
        con,
        "SELECT count(*) FROM listing WHERE abs(totalprice - numtickets * priceperticket) > 0.005",
    ) == (0,)
    bad, n = _one(
        con,
        "SELECT count(*) FILTER (WHERE abs(commission - 0.15 * pricepaid) > 0.005), "
        "count(pricepaid) FROM sales",
    )
    assert n > 2000 and bad == 0


def test_same_seed_same_sums_other_seed_other_sums(tmp_path: Path) -> None:
    rows = {"customers": 50, "orders": 600, "order_items": 2500}

    def sums(folder: str, seed: int, block: int) -> list[Any]:
        con = _run(ECOM, tmp_path / folder, rows, seed=seed, block=block)
        return con.execute("SELECT id, total_amount, item_count FROM orders ORDER BY id").fetchall()

    first = sums("a", 11, 700)
    assert first == sums("b", 11, 700)
    assert first != sums("c", 12, 700)


def test_workspace_import_generate_query(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    exp = ws.import_sql(ECOM, dialect="postgres", name="shop")
    exp.generate(rows={"customers": 100, "orders": 500, "order_items": 2000}, seed=3)
    df = exp.query(
        """SELECT count(*) FILTER (WHERE abs(o.total_amount - s.t) > 0.01 * s.n
                                   OR o.item_count <> s.n) AS bad
        FROM orders o JOIN (SELECT order_id, sum(line_total) t, count(*) n
                            FROM order_items GROUP BY order_id) s ON s.order_id = o.id"""
    )
    assert int(df["bad"].iloc[0]) == 0


def test_products_that_would_overflow_are_narrowed(tmp_path: Path) -> None:
    ddl = """CREATE TABLE cart (id INT PRIMARY KEY, qty INT NOT NULL,
        unit_price DECIMAL(8,2) NOT NULL, line_total DECIMAL(6,2) NOT NULL);"""
    spec = import_sql(ddl, dialect="postgres", name="cart")
    price = spec.table("cart").column("unit_price").rule
    assert price is not None and getattr(price, "max", None) is not None
    assert price.max * 10 <= 9999.99  # type: ignore[union-attr]
    con = _run(ddl, tmp_path, {"cart": 3000})
    assert _one(con, "SELECT count(*) FROM cart WHERE line_total <> qty * unit_price") == (0,)


def test_user_rules_and_other_cardinalities_are_kept() -> None:
    ddl = ECOM.replace(
        "line_total DECIMAL(10,2) NOT NULL", "line_total DECIMAL(10,2) NOT NULL DEFAULT 0"
    )
    spec = import_sql(ddl, dialect="postgres", name="shop")
    line = spec.table("order_items").column("line_total").rule
    assert not isinstance(line, DerivedRule)
    # A key the user gave another cardinality keeps it; the parent gets no sum, with a note.
    data = import_sql(ECOM, dialect="postgres", name="shop", infer=False).to_dict()
    fk = data["tables"][2]["foreign_keys"][0]
    fk["cardinality"] = {"kind": "zipf", "s": 1.3}
    from dwsim_nb.ddl.infer import infer_rules
    from dwsim_nb.spec import ExperimentSpec

    inferred = infer_rules(ExperimentSpec.parse(data))
    assert not isinstance(inferred.table("orders").column("total_amount").rule, AggregateRule)
    assert inferred.table("order_items").foreign_keys[0].cardinality.kind == "zipf"  # type: ignore[union-attr]
    assert any("zipf" in n for n in inferred.notes)


def _agg_spec(card: dict[str, Any], line_rule: dict[str, Any]) -> dict[str, Any]:
    agg = {"kind": "aggregate", "function": "sum", "table": "items", "column": "amount"}
    return {
        "name": "agg",
        "tables": [
            {
                "name": "orders",
                "primary_key": ["id"],
                "columns": [
                    {"name": "id", "data_type": "INT"},
                    {"name": "total", "data_type": "DOUBLE", "rule": agg},
                ],
            },
            {
                "name": "items",
                "primary_key": ["iid"],
                "columns": [
                    {"name": "iid", "data_type": "INT"},
                    {"name": "oid", "data_type": "INT"},
                    {"name": "amount", "data_type": "DOUBLE", "rule": line_rule},
                ],
                "foreign_keys": [
                    {
                        "columns": ["oid"],
                        "references_table": "orders",
                        "references_columns": ["id"],
                        "cardinality": card,
                    }
                ],
            },
        ],
    }


@pytest.mark.parametrize("clustered", [False, True])
def test_scattered_and_clustered_layouts_both_sum(tmp_path: Path, clustered: bool) -> None:
    card = {"kind": "range", "min": 0, "max": 9, "clustered": clustered}
    spec = _agg_spec(card, {"kind": "range", "min": 1, "max": 100})
    generate_run(spec, tmp_path, rows={"orders": 333, "items": 1234}, block_size=100)
    con = duckdb.connect()
    bad = _one(
        con,
        f"""SELECT count(*) FROM '{tmp_path}/orders/*.parquet' o LEFT JOIN
            (SELECT oid, sum(amount) s FROM '{tmp_path}/items/*.parquet' GROUP BY oid) i
            ON i.oid = o.id WHERE abs(o.total - coalesce(i.s, 0)) > 1e-6""",
    )
    assert bad == (0,)


def test_aggregate_refused_without_range_or_in_a_cycle(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="range cardinality"):
        generate_run(_agg_spec({"kind": "uniform"}, {"kind": "range"}), tmp_path / "a")
    # The children's amount is computed from their key, which is the parent's total itself.
    card = {"kind": "range", "min": 1, "max": 5}
    cyclic = _agg_spec(card, {"kind": "derived", "expression": "oid * 2"})
    cyclic["tables"][0]["unique"] = [["total"]]
    cyclic["tables"][1]["columns"][1]["data_type"] = "DOUBLE"
    cyclic["tables"][1]["foreign_keys"][0]["references_columns"] = ["total"]
    with pytest.raises(GenerationError, match="depends on this column itself"):
        generate_run(cyclic, tmp_path / "b")


# Lines with a price and a quantity but no line total (Chinook's invoice lines), one with a
# discount rate (Northwind's order details).
UNIT_LINES = """
CREATE TABLE invoice (invoice_id INT PRIMARY KEY, total DECIMAL(10,2) NOT NULL);
CREATE TABLE invoice_line (invoice_line_id INT PRIMARY KEY,
  invoice_id INT NOT NULL REFERENCES invoice(invoice_id),
  unit_price DECIMAL(10,2) NOT NULL, quantity INT NOT NULL, discount REAL NOT NULL);
"""


def test_a_total_is_the_sum_of_price_times_quantity_without_a_line_total(tmp_path: Path) -> None:
    spec = import_sql(UNIT_LINES, dialect="postgres", name="lines")
    rule = spec.table("invoice").column("total").rule
    assert isinstance(rule, AggregateRule) and rule.table == "invoice_line"
    assert rule.expression == "quantity * unit_price * (1 - discount)"
    assert (rule.reason or "").startswith("arithmetic: sum of invoice_line.")
    con = _run(UNIT_LINES, tmp_path, {"invoice": 400, "invoice_line": 2000})
    bad, parents, spread = _one(
        con,
        """WITH s AS (SELECT invoice_id, count(*) AS n,
                        sum(quantity * unit_price * (1 - discount)) AS total
                      FROM invoice_line GROUP BY invoice_id)
        SELECT count(*) FILTER (WHERE abs(i.total - s.total) > 0.01 * s.n), count(*),
               count(DISTINCT i.total)
        FROM invoice i JOIN s USING (invoice_id)""",
    )
    assert parents == 400 and bad == 0 and spread > 300


def test_children_in_chunks_give_the_same_sums_and_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parent block's children are computed a chunk at a time (memory stays a chunk's
    worth); the sums and counts are those of the children computed at once."""
    from dwsim_nb.engine.generators import aggregate

    rows = {"customers": 300, "orders": 2_000, "order_items": 9_000}
    at_once = _run(ECOM, tmp_path / "a", rows)
    monkeypatch.setattr(aggregate, "CHILD_CHUNK", 97)  # a parent's children cross chunks
    chunked = _run(ECOM, tmp_path / "b", rows)
    sql = "SELECT id, total_amount, item_count FROM orders ORDER BY id"
    assert chunked.execute(sql).fetchall() == at_once.execute(sql).fetchall()
    assert _one(chunked, "SELECT sum(item_count) FROM orders") == (9_000,)
