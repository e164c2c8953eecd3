"""Columns that describe one person, address or company agree within a row (issue 15, item 2).

Public-style DDL (a pg_dump of a DVD rental, an e-commerce schema with billing and shipping
addresses, a CRM with companies) is imported and generated, and the agreement is asserted with
SQL on the data: a rule that is inferred but not honoured still fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.engine.generators.record_pools import address_pool
from dwsim_nb.experiment import Experiment
from dwsim_nb.spec.rules import RecordRule
from dwsim_nb.workspace import Workspace

RENTAL = """
CREATE TABLE public.address (
    address_id integer NOT NULL,
    address character varying(50) NOT NULL,
    address2 character varying(50),
    district character varying(20) NOT NULL,
    city_id smallint NOT NULL,
    postal_code character varying(10),
    phone character varying(20) NOT NULL,
    last_update timestamp without time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.customer (
    customer_id integer NOT NULL,
    store_id smallint NOT NULL,
    first_name character varying(45) NOT NULL,
    last_name character varying(45) NOT NULL,
    email character varying(50),
    address_id smallint NOT NULL,
    activebool boolean DEFAULT true NOT NULL,
    create_date date DEFAULT ('now'::text)::date NOT NULL
);
CREATE TABLE public.staff (
    staff_id integer NOT NULL,
    first_name character varying(45) NOT NULL,
    last_name character varying(45) NOT NULL,
    email character varying(50) UNIQUE,
    username character varying(16) NOT NULL
);
ALTER TABLE ONLY public.address ADD CONSTRAINT address_pkey PRIMARY KEY (address_id);
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (customer_id);
ALTER TABLE ONLY public.staff ADD CONSTRAINT staff_pkey PRIMARY KEY (staff_id);
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_address_id_fkey
    FOREIGN KEY (address_id) REFERENCES public.address(address_id);
"""

SHOP = """
CREATE TABLE members (
    member_id INT PRIMARY KEY,
    fname VARCHAR(30),
    lname VARCHAR(30),
    full_name VARCHAR(70),
    email VARCHAR(80) NOT NULL UNIQUE,
    login VARCHAR(40),
    billing_street VARCHAR(80),
    billing_city VARCHAR(40),
    billing_state CHAR(2),
    billing_zip VARCHAR(10),
    shipping_street VARCHAR(80),
    shipping_city VARCHAR(40),
    shipping_state VARCHAR(30),
    shipping_zip VARCHAR(12),
    shipping_country VARCHAR(40),
    shipping_phone VARCHAR(24),
    status VARCHAR(10) CHECK (status IN ('new', 'gold'))
);
CREATE TABLE contacts (
    contact_id INT PRIMARY KEY,
    company_name VARCHAR(80),
    website VARCHAR(120),
    first_name VARCHAR(30),
    last_name VARCHAR(30),
    email VARCHAR(120)
);
CREATE TABLE suppliers (
    supplier_id INT PRIMARY KEY,
    name VARCHAR(80),
    email VARCHAR(120),
    country CHAR(2),
    phone VARCHAR(24)
);
"""

ROWS = 3000


def _one(exp: Experiment, sql: str) -> Any:
    return exp.query(sql).iloc[0, 0]


@pytest.fixture(scope="module")
def rental(tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    ws = Workspace(tmp_path_factory.mktemp("rental"))
    exp = ws.import_sql(RENTAL, dialect="postgres", name="rental")
    exp.generate(rows={"address": ROWS, "customer": ROWS, "staff": 200}, seed=3)
    return exp


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    ws = Workspace(tmp_path_factory.mktemp("shop"))
    exp = ws.import_sql(SHOP, dialect="postgres", name="shop")
    exp.generate(rows={"members": ROWS, "contacts": ROWS, "suppliers": 500}, seed=5)
    return exp


def test_email_is_built_from_the_persons_names(rental: Experiment) -> None:
    share = _one(
        rental,
        "select avg(case when email like '%' || regexp_replace(lower(last_name), '[^a-z0-9]', "
        "'', 'g') || '%' then 1 else 0 end) from customer where email is not null",
    )
    assert share >= 0.9
    # Not the same few people: the names vary.
    assert _one(rental, "select count(distinct first_name || last_name) from customer") > 1000


def test_unique_email_and_username_from_names_stay_unique(rental: Experiment) -> None:
    assert _one(rental, "select count(*) - count(distinct email) from staff") == 0
    assert _one(rental, "select count(*) from staff where email is null") == 0
    share = _one(
        rental,
        "select avg((email like '%' || regexp_replace(lower(last_name), '[^a-z0-9]', '', 'g') "
        "|| '%')::int) from staff",
    )
    assert share >= 0.9
    # A 16-wide user name made from the names: starts with the first name or its initial.
    starts = _one(
        rental,
        "select avg((lower(username) like lower(left(first_name, 1)) || '%')::int) from staff",
    )
    assert starts >= 0.9
    assert _one(rental, "select max(length(username)) from staff") <= 16


def test_full_name_is_first_space_last(shop: Experiment) -> None:
    assert _one(shop, "select count(*) from members where full_name <> fname || ' ' || lname") == 0
    share = _one(
        shop,
        "select avg((lower(login) like '%' || regexp_replace(lower(lname), '[^a-z0-9]', '', "
        "'g') || '%')::int) from members where login is not null",
    )
    assert share >= 0.9
    # the unique e-mail stays unique and still names the person
    assert _one(shop, "select count(*) - count(distinct email) from members") == 0
    share = _one(
        shop,
        "select avg((email like '%' || regexp_replace(lower(lname), '[^a-z0-9]', '', 'g') || "
        "'%')::int) from members",
    )
    assert share >= 0.9


def test_city_state_zip_of_a_row_come_from_one_record(shop: Experiment) -> None:
    from faker import Faker

    ranges = Faker("en_US").zipcode_in_state.__self__.states_postcode  # type: ignore[attr-defined]
    rows = shop.query("select billing_state, billing_zip, billing_city from members").dropna()
    assert len(rows) > 0.9 * ROWS * 0.9
    agree = sum(
        ranges[st][0] <= int(z) <= ranges[st][1]
        for st, z in zip(rows.billing_state, rows.billing_zip, strict=True)
    )
    assert agree == len(rows)  # every US zip code lies in its row's state
    # The record, not the column, picks the values: a (state, zip, city) triple is a pool record.
    pool = address_pool("en_US").to_pydict()
    records = set(zip(pool["state_abbr"], pool["postcode"], pool["city"], strict=True))
    triples = set(zip(rows.billing_state, rows.billing_zip, rows.billing_city, strict=True))
    assert triples <= records
    assert len(triples) > 1000


def test_billing_and_shipping_are_separate_addresses(shop: Experiment) -> None:
    differ = _one(shop, "select avg((billing_city <> shipping_city)::int) from members")
    assert differ > 0.9
    # The shipping group names its country: countries vary, and each row's phone carries the
    # calling code of its own country.
    assert _one(shop, "select count(distinct shipping_country) from members") >= 5
    pool = address_pool("world").to_pydict()
    by_country = {c: p.split(" ")[0] for c, p in zip(pool["country"], pool["phone"], strict=True)}
    rows = shop.query("select shipping_country, shipping_phone, shipping_state from members")
    rows = rows.dropna()
    prefixes = [p.split(" ")[0] for p in rows.shipping_phone]
    assert all(by_country[c] == p for c, p in zip(rows.shipping_country, prefixes, strict=True))
    states = set(zip(pool["country"], pool["state"], strict=True))
    assert set(zip(rows.shipping_country, rows.shipping_state, strict=True)) <= states
    # a 2-wide state column holds abbreviations, never a cut-off name
    assert _one(shop, "select count(*) from members where length(billing_state) <> 2") == 0


def test_a_check_rule_is_never_replaced(shop: Experiment) -> None:
    spec = shop.spec
    status = spec.table("members").column("status")
    assert not isinstance(status.rule, RecordRule)
    assert _one(shop, "select count(*) from members where status not in ('new', 'gold')") == 0


def test_email_domain_is_the_companys(shop: Experiment) -> None:
    share = _one(
        shop,
        "select avg((website like '%' || split_part(email, '@', 2))::int) from contacts",
    )
    assert share == 1
    named = _one(
        shop,
        "select avg((email like '%' || regexp_replace(lower(last_name), '[^a-z0-9]', '', 'g') "
        "|| '%')::int) from contacts",
    )
    assert named >= 0.9
    # a domain made from the company's name
    first_word = _one(
        shop,
        "select avg((split_part(email, '@', 2) like "
        "regexp_extract(lower(company_name), '[a-z0-9]+') || '%')::int) from contacts",
    )
    assert first_word >= 0.9


def test_a_business_table_name_is_a_company(shop: Experiment) -> None:
    # suppliers(name, email, country, phone): the name is a company's, the mailbox its domain's
    rule = shop.spec.table("suppliers").column("name").rule
    assert isinstance(rule, RecordRule) and rule.record == "company"
    assert _one(shop, "select count(*) from suppliers where email not like '%@%.%'") == 0
    assert _one(shop, "select count(distinct split_part(email, '@', 2)) from suppliers") > 300


def test_rental_address_district_and_phone(rental: Experiment, tmp_path: Path) -> None:
    rules = {c.name: c.rule for c in rental.spec.table("address").columns}
    fields = {n: r.field for n, r in rules.items() if isinstance(r, RecordRule)}
    assert fields["address"] == "street" and fields["district"] in ("state", "state_abbr")
    assert fields["postal_code"] == "postcode" and fields["phone"] == "phone"
    # a district is a region's name, never a sentence; the phone is a national US number
    assert _one(rental, "select max(length(district)) from address") <= 20
    assert _one(rental, "select count(*) from address where district like '% % % %'") == 0
    us = "'^[0-9]{3}-[0-9]{3}-[0-9]{4}$'"
    bad = f"select count(*) from address where not regexp_matches(phone, {us})"
    assert _one(rental, bad) == 0
