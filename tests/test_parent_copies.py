"""A child's copy of its parent's attribute: a line's price is its product's, an order's
shipping address its customer's in most rows (a ``parent`` rule with a ``share``), inferred at
import with a reason and overridable."""

from __future__ import annotations

from pathlib import Path

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import ParentRule, RecordRule
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

DDL = """
create table customer (customer_id int primary key, name varchar(40), address varchar(60),
    city varchar(40), country varchar(40));
create table employee (employee_id int primary key, address varchar(60), city varchar(40),
    country varchar(40));
create table product (product_id int primary key, unit_price decimal(10,2),
    list_price decimal(10,2) check (list_price > 0));
create table orders (order_id int primary key,
    customer_id int references customer (customer_id),
    employee_id int references employee (employee_id),
    ship_address varchar(60), ship_city varchar(40), ship_country varchar(40),
    shipping_method varchar(20));
create table order_line (line_id int primary key,
    order_id int not null references orders (order_id),
    product_id int not null references product (product_id),
    unit_price decimal(10,2) not null, list_price decimal(10,2), quantity int);
"""


def test_copies_are_inferred_from_the_parent_that_has_the_column() -> None:
    spec = import_sql(DDL, dialect="postgres")
    price = spec.table("order_line").column("unit_price").rule
    assert isinstance(price, ParentRule)
    assert price.via == ["product_id"] and price.column == "unit_price" and price.share == 1.0
    # The parent's CHECK names a list price too, but the line's inferred one is replaced and a
    # line column with a rule from the DDL would not be.
    city = spec.table("orders").column("ship_city").rule
    assert isinstance(city, ParentRule)
    # The customer, not the employee who took the order, gets it.
    assert city.via == ["customer_id"] and city.column == "city" and city.share == 0.9
    assert isinstance(city.base, RecordRule) and city.base.field == "city"
    method = spec.table("orders").column("shipping_method").rule
    assert not isinstance(method, ParentRule)
    why = {(r.table, r.column.name): r for r in inferred_rules(spec)}
    assert why[("orders", "ship_city")].source == "parent"
    assert "customer row's city" in why[("orders", "ship_city")].reason


def test_lines_copy_prices_and_orders_whole_addresses(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, dialect="postgres", name="c")
    exp.generate(
        rows={"customer": 200, "employee": 10, "product": 50, "orders": 3000, "order_line": 6000},
        seed=4,
    )
    same = exp.query(
        "select count(*) as n, sum(case when l.unit_price = p.unit_price then 1 else 0 end) as s "
        "from order_line l join product p using (product_id)"
    )
    assert int(same["n"].iloc[0]) == 6000 and int(same["s"].iloc[0]) == 6000
    got = exp.query(
        "select avg(case when o.ship_city = c.city then 1.0 else 0 end) as city, "
        "avg(case when o.ship_address = c.address then 1.0 else 0 end) as street, "
        "sum(case when o.ship_address = c.address and (o.ship_city <> c.city "
        "or o.ship_country <> c.country) then 1 else 0 end) as part "
        "from orders o join customer c using (customer_id)"
    )
    assert 0.85 <= float(got["city"].iloc[0]) <= 0.95
    # A row takes all of the customer's address or none of it (another one, drawn whole).
    assert 0.85 <= float(got["street"].iloc[0]) <= 0.95
    assert int(got["part"].iloc[0]) == 0


def test_the_share_is_the_users_to_change(tmp_path: Path) -> None:
    spec = import_sql(DDL, dialect="postgres")
    data = spec.model_dump()
    orders = next(t for t in data["tables"] if t["name"] == "orders")
    for c in orders["columns"]:
        if c["name"].startswith("ship_"):
            c["rule"] = {**c["rule"], "share": 1.0}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    exp.generate(rows={"customer": 50, "employee": 5, "product": 5, "orders": 500}, seed=4)
    differ = exp.query(
        "select count(*) from orders o join customer c using (customer_id) "
        "where o.ship_city <> c.city"
    )
    assert differ.iloc[0, 0] == 0


CAMEL = """
CREATE TABLE Customers (CustomerID char(5) PRIMARY KEY, CompanyName varchar(40),
    City varchar(15), Country varchar(15));
CREATE TABLE Orders (OrderID int PRIMARY KEY,
    CustomerID char(5) REFERENCES Customers(CustomerID),
    ShipName varchar(40), ShipCity varchar(15), shipcountry varchar(15));
"""


def test_camel_case_and_glued_qualifiers_copy_like_snake_case(tmp_path: Path) -> None:
    spec = import_sql(CAMEL, dialect="ansi")
    orders = spec.table("Orders")
    name, city, country = (orders.column(c).rule for c in ("ShipName", "ShipCity", "shipcountry"))
    assert isinstance(name, ParentRule) and name.column == "CompanyName"
    assert isinstance(city, ParentRule) and city.column == "City" and city.share == 0.9
    assert isinstance(country, ParentRule) and country.column == "Country"
    assert "Customers row's City" in (city.reason or "")
    exp = Workspace(tmp_path).create(spec)
    exp.generate(rows={"Customers": 100, "Orders": 1000}, seed=2)
    got = exp.query(
        'select avg(case when o."ShipCity" = c."City" and o."ShipName" = c."CompanyName" '
        'then 1.0 else 0 end) from "Orders" o join "Customers" c on o."CustomerID" = c."CustomerID"'
    )
    assert 0.85 <= float(got.iloc[0, 0]) <= 0.95
