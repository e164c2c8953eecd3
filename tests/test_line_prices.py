"""A line's amount from its product's price: quantity times the price its foreign keys lead to
(directly or through one other table), inferred at import with a reason, read by the engine as
``table.column`` in a derived expression, and left alone where the user or the DDL gave a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import AggregateRule, DerivedRule
from dwsim_nb.workspace import Workspace

DDL = """
create table product (product_id int primary key, title varchar(40),
    list_price decimal(10,2));
create table vendor (vendor_id int primary key, vendor_name varchar(40));
create table offer (offer_id int primary key,
    product_id int not null references product (product_id),
    vendor_id int not null references vendor (vendor_id), supply_cost decimal(10,2));
create table sale (sale_id int primary key, total_amount decimal(16,2));
create table sale_line (sale_id int not null references sale (sale_id),
    line_no int not null, offer_id int not null references offer (offer_id),
    qty int not null, discount decimal(4,2), line_total decimal(14,2),
    primary key (sale_id, line_no));
create table basket_item (item_id int primary key,
    product_id int not null references product (product_id),
    quantity int not null, amount decimal(14,2));
"""


def test_line_amounts_are_quantity_times_the_parents_price() -> None:
    spec = import_sql(DDL, dialect="postgres")
    through = spec.table("sale_line").column("line_total").rule
    assert isinstance(through, DerivedRule)
    assert through.expression == "qty * product.list_price"
    assert "through offer_id -> offer -> product" in (through.reason or "")
    direct = spec.table("basket_item").column("amount").rule
    assert isinstance(direct, DerivedRule)
    assert direct.expression == "quantity * product.list_price"
    # The sale's total still sums its lines.
    total = spec.table("sale").column("total_amount").rule
    assert isinstance(total, AggregateRule) and total.table == "sale_line"


def test_a_rule_from_the_ddl_is_kept() -> None:
    ddl = DDL.replace("line_total decimal(14,2)", "line_total decimal(14,2) default 0")
    rule = import_sql(ddl, dialect="postgres").table("sale_line").column("line_total").rule
    assert not isinstance(rule, DerivedRule)


def test_generated_lines_follow_their_products_price(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, dialect="postgres", name="lines")
    exp.generate(
        rows={"product": 40, "vendor": 5, "offer": 120, "sale": 300, "sale_line": 1500},
        seed=3,
    )
    got = exp.query(
        "select count(*) as n, sum(case when abs(l.line_total - l.qty * p.list_price) <= 0.01 "
        "then 1 else 0 end) as same from sale_line l join offer o using (offer_id) "
        "join product p on p.product_id = o.product_id"
    )
    assert int(got["n"].iloc[0]) == 1500 and int(got["same"].iloc[0]) == 1500
    items = exp.query(
        "select sum(case when abs(b.amount - b.quantity * p.list_price) <= 0.01 then 0 else 1 "
        "end) from basket_item b join product p using (product_id)"
    )
    assert int(items.iloc[0, 0]) == 0


def test_a_table_the_keys_do_not_reach_is_refused(tmp_path: Path) -> None:
    data = import_sql(DDL, dialect="postgres").model_dump()
    item = next(t for t in data["tables"] if t["name"] == "basket_item")
    amount = next(c for c in item["columns"] if c["name"] == "amount")
    amount["rule"] = {"kind": "derived", "expression": "quantity * sale.total_amount"}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    with pytest.raises(GenerationError, match="do not lead to"):
        exp.generate(rows={"product": 5, "basket_item": 10}, seed=1)
