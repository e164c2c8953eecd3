"""Dates follow the order their names imply, within a row and through foreign keys (issue 15,
item 2): returns after rentals, shipments after orders, sales after listings, adults at signup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.infer import infer_rules
from dwsim_nb.experiment import Experiment
from dwsim_nb.spec.rules import DatetimeRule
from dwsim_nb.workspace import Workspace

RENTAL = """
CREATE TABLE public.customer (
    customer_id integer NOT NULL PRIMARY KEY,
    first_name character varying(45) NOT NULL,
    birth_date date,
    create_date date DEFAULT ('now'::text)::date NOT NULL,
    last_update timestamp without time zone DEFAULT now()
);
CREATE TABLE public.rental (
    rental_id integer NOT NULL PRIMARY KEY,
    rental_date timestamp without time zone NOT NULL,
    customer_id smallint NOT NULL,
    return_date timestamp without time zone,
    last_update timestamp without time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.payment (
    payment_id integer NOT NULL PRIMARY KEY,
    customer_id smallint NOT NULL,
    rental_id integer NOT NULL,
    amount numeric(5,2) NOT NULL,
    payment_date timestamp without time zone NOT NULL
);
CREATE TABLE public.ticket (
    ticket_id integer PRIMARY KEY,
    opened_at timestamp,
    closed_at timestamp CHECK (closed_at >= '2030-01-01'),
    valid_from date,
    valid_to date
);
ALTER TABLE ONLY public.rental
    ADD CONSTRAINT rental_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
ALTER TABLE ONLY public.payment
    ADD CONSTRAINT payment_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
ALTER TABLE ONLY public.payment
    ADD CONSTRAINT payment_rental_id_fkey
    FOREIGN KEY (rental_id) REFERENCES public.rental(rental_id);
"""

TPCH = """
CREATE TABLE orders (
    o_orderkey BIGINT NOT NULL PRIMARY KEY,
    o_custkey BIGINT NOT NULL,
    o_orderstatus CHAR(1) NOT NULL,
    o_orderdate DATE NOT NULL
);
CREATE TABLE lineitem (
    l_orderkey BIGINT NOT NULL REFERENCES orders (o_orderkey),
    l_linenumber INTEGER NOT NULL,
    l_shipdate DATE NOT NULL,
    l_commitdate DATE NOT NULL,
    l_receiptdate DATE NOT NULL,
    PRIMARY KEY (l_orderkey, l_linenumber)
);
"""

TICKIT = """
create table listing(
    listid integer not null distkey,
    sellerid integer not null,
    eventid integer not null,
    numtickets smallint not null,
    listtime timestamp,
    primary key(listid));
create table sales(
    salesid integer not null,
    listid integer not null distkey,
    qtysold smallint not null,
    saletime timestamp,
    primary key(salesid),
    foreign key(listid) references listing(listid));
"""


def _one(exp: Experiment, sql: str) -> Any:
    return exp.query(sql).iloc[0, 0]


def _experiment(tmp: Any, ddl: str, dialect: str, rows: dict[str, int]) -> Experiment:
    exp = Workspace(tmp).import_sql(ddl, dialect=dialect, name="t")
    exp.generate(rows=rows, seed=11)
    return exp


@pytest.fixture(scope="module")
def rental(tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    rows = {"customer": 500, "rental": 4000, "payment": 4000, "ticket": 1000}
    return _experiment(tmp_path_factory.mktemp("rental"), RENTAL, "postgres", rows)


def test_return_after_rental_within_days(rental: Experiment) -> None:
    assert _one(rental, "select count(*) from rental where return_date is not null") > 3000
    assert _one(rental, "select count(*) from rental where return_date < rental_date") == 0
    days = "(epoch(return_date) - epoch(rental_date)) / 86400.0"
    assert _one(rental, f"select max({days}) from rental") <= 10
    assert _one(rental, f"select avg({days}) from rental") > 2
    assert _one(rental, "select count(*) from rental where last_update < rental_date") == 0


def test_payment_after_its_rental_and_rental_after_signup(rental: Experiment) -> None:
    late = (
        "select count(*) from payment p join rental r using (rental_id) "
        "where p.payment_date < r.rental_date"
    )
    assert _one(rental, late) == 0
    early = (
        "select count(*) from rental r join customer c using (customer_id) "
        "where r.rental_date < c.create_date"
    )
    assert _one(rental, early) == 0
    spread = "select count(distinct cast(payment_date as date)) from payment"
    assert _one(rental, spread) > 300


def test_update_after_creation_and_adults_at_signup(rental: Experiment) -> None:
    assert _one(rental, "select count(*) from customer where last_update < create_date") == 0
    young = "select count(*) from customer where birth_date + interval 18 year > create_date"
    assert _one(rental, young) == 0


def test_end_after_start_and_closed_after_opened(rental: Experiment) -> None:
    assert _one(rental, "select count(*) from ticket where valid_to < valid_from") == 0
    assert _one(rental, "select count(*) from ticket where closed_at < opened_at") == 0
    assert _one(rental, "select count(distinct valid_to - valid_from) from ticket") > 100


def test_a_users_rule_is_never_reordered() -> None:
    spec = import_sql(RENTAL, "postgres", infer=False)
    mine = DatetimeRule(start=dt.datetime(2001, 1, 1), end=dt.datetime(2001, 12, 31))
    table = spec.table("rental")
    table.columns = [
        c.model_copy(update={"rule": mine}) if c.name == "return_date" else c for c in table.columns
    ]
    out = infer_rules(spec)
    assert out.table("rental").column("return_date").rule == mine
    # the rest still follows the names
    update = out.table("rental").column("last_update").rule
    assert isinstance(update, DatetimeRule) and update.after == "rental_date"


def test_lines_ship_after_the_order_and_arrive_after_shipping(tmp_path: Any) -> None:
    exp = _experiment(tmp_path, TPCH, "postgres", {"orders": 2000, "lineitem": 8000})
    join = "from lineitem l join orders o on l.l_orderkey = o.o_orderkey"
    assert _one(exp, f"select count(*) {join}") == 8000
    assert _one(exp, f"select count(*) {join} where l.l_shipdate < o.o_orderdate") == 0
    assert _one(exp, f"select count(*) {join} where l.l_commitdate < o.o_orderdate") == 0
    assert _one(exp, "select count(*) from lineitem where l_receiptdate < l_shipdate") == 0
    gap = f"select max(l.l_shipdate - o.o_orderdate) {join}"
    assert 20 <= _one(exp, gap) <= 30
    assert _one(exp, f"select avg(l.l_shipdate - o.o_orderdate) {join}") > 5


def test_sales_follow_their_listing(tmp_path: Any) -> None:
    exp = _experiment(tmp_path, TICKIT, "redshift", {"listing": 2000, "sales": 5000})
    join = "from sales s join listing l using (listid)"
    assert _one(exp, f"select count(*) {join} where s.saletime is not null") > 4000
    assert _one(exp, f"select count(*) {join} where s.saletime < l.listtime") == 0
    assert _one(exp, f"select count(distinct s.saletime) {join}") > 4000


@pytest.mark.parametrize(
    "name", ["required_date", "needed_by", "expected_by", "promised_date", "due_on"]
)
def test_required_and_needed_by_dates_are_due_dates(name: str) -> None:
    from dwsim_nb.ddl.time_order import kind_of

    assert kind_of(name) == "due"
