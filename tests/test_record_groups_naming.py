"""Address groups whatever the naming style: a table-name prefix glued or not (``venuecity``,
``store_city``), role prefixes (``ship_*`` and ``bill_*``, ``shipcity``), camelCase and
all-capital Snowflake names. Each prefix that holds two or more address parts is one address."""

from __future__ import annotations

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.groups import split_name
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import RecordRule


def _groups(spec: ExperimentSpec, table: str) -> dict[str, tuple[str, str, str]]:
    """column -> (record, field, group) of the table's record groups (not places' names)."""
    out = {}
    for c in spec.table(table).columns:
        if isinstance(c.rule, RecordRule) and c.rule.record != "place":
            out[c.name] = (c.rule.record, c.rule.field, c.rule.group)
    return out


def test_table_name_prefix_glued_or_separated_is_the_tables_own_address() -> None:
    spec = import_sql(
        """
        create table venue (venueid int primary key, venuename varchar(100),
            venuecity varchar(30), venuestate char(2), venueseats int);
        create table stores (store_id int primary key, store_city varchar(40),
            store_state char(2), store_zip varchar(10));
        create table dim_warehouse (w_id int primary key, w_city varchar(60), w_state char(2));
        """,
        dialect="postgres",
    )
    assert _groups(spec, "venue") == {
        "venuecity": ("address", "city", ""),
        "venuestate": ("address", "state_abbr", ""),
    }
    assert _groups(spec, "stores") == {
        "store_city": ("address", "city", ""),
        "store_state": ("address", "state_abbr", ""),
        "store_zip": ("address", "postcode", ""),
    }
    assert set(_groups(spec, "dim_warehouse").values()) == {
        ("address", "city", ""),
        ("address", "state_abbr", ""),
    }


def test_two_role_prefixes_make_two_addresses() -> None:
    spec = import_sql(
        """
        create table orders (order_id int primary key, ship_street varchar(80),
            ship_city varchar(40), ship_state char(2), bill_street varchar(80),
            bill_city varchar(40), bill_zip varchar(10));
        create table parcels (id int primary key, shipcity varchar(40), shipstate char(2),
            billcity varchar(40), billzip varchar(10));
        """,
        dialect="postgres",
    )
    orders = _groups(spec, "orders")
    assert {c: g for c, (_, _, g) in orders.items()} == {
        "ship_street": "ship",
        "ship_city": "ship",
        "ship_state": "ship",
        "bill_street": "bill",
        "bill_city": "bill",
        "bill_zip": "bill",
    }
    # No repeated part is needed to split: two prefixes with two parts each are two places.
    parcels = _groups(spec, "parcels")
    assert parcels == {
        "shipcity": ("address", "city", "ship"),
        "shipstate": ("address", "state_abbr", "ship"),
        "billcity": ("address", "city", "bill"),
        "billzip": ("address", "postcode", "bill"),
    }


def test_camel_case_and_upper_case_names() -> None:
    spec = import_sql(
        'create table "Customer" ("CustomerId" int primary key, "FirstName" varchar(30), '
        '"LastName" varchar(30), "ShipToCity" varchar(40), "ShipToState" char(2), '
        '"BillingCity" varchar(40), "BillingPostalCode" varchar(10));',
        dialect="postgres",
    )
    groups = _groups(spec, "Customer")
    assert groups["ShipToCity"] == ("address", "city", "ship_to")
    assert groups["ShipToState"] == ("address", "state_abbr", "ship_to")
    assert groups["BillingCity"] == ("address", "city", "billing")
    assert groups["BillingPostalCode"] == ("address", "postcode", "billing")
    assert groups["FirstName"][:2] == ("person", "first_name")

    snow = import_sql(
        "CREATE TABLE VENUE (VENUEID INT PRIMARY KEY, VENUENAME VARCHAR(100), "
        "VENUECITY VARCHAR(30), VENUESTATE CHAR(2));",
        dialect="snowflake",
    )
    assert _groups(snow, "VENUE") == {
        "VENUECITY": ("address", "city", ""),
        "VENUESTATE": ("address", "state_abbr", ""),
    }


def test_one_part_qualifiers_do_not_split_an_address() -> None:
    # primary_city and iso_country_code each have one part: one address with the country.
    spec = import_sql(
        "create table truck (truck_id int primary key, primary_city varchar(40), "
        "country varchar(40), iso_country_code varchar(2));",
        dialect="postgres",
    )
    assert {g for _, _, g in _groups(spec, "truck").values()} == {""}
    assert len(_groups(spec, "truck")) == 3


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("shipToCity", "ship_to_city"),
        ("VENUECITY", "venuecity"),
        ("BillingPostalCode", "billing_postal_code"),
        ("ZIPCode", "zip_code"),
        ("c_city", "c_city"),
    ],
)
def test_split_name(name: str, words: str) -> None:
    assert split_name(name) == words


def test_glued_words_that_only_end_like_a_role_are_not_addresses() -> None:
    # ``capacity`` and ``ethnicity`` end in "city" but no qualifier of the table is glued there.
    spec = import_sql(
        "create table hall (id int primary key, capacity varchar(40), ethnicity varchar(40), "
        "hallcity varchar(40), hallstate char(2));",
        dialect="postgres",
    )
    assert set(_groups(spec, "hall")) == {"hallcity", "hallstate"}


def test_a_places_name_and_its_code_are_one_record() -> None:
    """state_name beside state_abbr names one state: the name ending is the place's, not a
    person's."""
    spec = import_sql(
        "create table us_states (state_id int primary key, state_name varchar(100), "
        "state_abbr varchar(2), state_region varchar(50));"
    )
    t = spec.table("us_states")
    rules = [t.column("state_name").rule, t.column("state_abbr").rule]
    assert all(isinstance(r, RecordRule) and r.record == "address" for r in rules)
    assert [r.field for r in rules if isinstance(r, RecordRule)] == ["state", "state_abbr"]
    assert len({r.group for r in rules if isinstance(r, RecordRule)}) == 1
    # A person's name stays a person's: contact_name is no place.
    people = import_sql(
        "create table c (id int primary key, contact_name varchar(40), email varchar(60));"
    )
    rule = people.table("c").column("contact_name").rule
    assert isinstance(rule, RecordRule) and rule.record == "person"


def test_a_fax_or_second_phone_is_the_addresss_second_number() -> None:
    spec = import_sql(
        """
        create table suppliers (id int primary key, address varchar(60), city varchar(30),
            phone varchar(24), fax varchar(24));
        create table contacts (id int primary key, street varchar(60), city varchar(30),
            home_phone varchar(24), mobile varchar(24), cell varchar(24));
        """,
        dialect="postgres",
    )
    assert _groups(spec, "suppliers")["fax"] == ("address", "phone_alt", "")
    assert _groups(spec, "suppliers")["phone"] == ("address", "phone", "")
    contacts = _groups(spec, "contacts")
    assert contacts["home_phone"] == ("address", "phone", "")
    assert contacts["mobile"] == ("address", "phone_alt", "")
    assert "cell" not in contacts  # one second number per address; a third keeps its rule
    why = spec.table("suppliers").column("fax").rule.reason
    assert "area code of phone" in str(why)
