"""Names of places take names of their kind: a venue's name is "Riverside Arena", not a company's
"Chavez-Olson"; a store's, a warehouse's, a hotel's name reads as one. The kind comes from the
column's prefix or the table's name, with a reason; a city slot agrees with the row's city."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.places import place_kind
from dwsim_nb.engine.generators.us_cities import US_CITIES
from dwsim_nb.spec.rules import RecordRule
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

DDL = """
create table venue (venueid int primary key, venuename varchar(100), venuecity varchar(30),
                    venuestate char(2));
create table stores (store_id int primary key, store_name varchar(60), manager_name varchar(60),
                     city varchar(40));
create table dim_warehouse (w_id int primary key, w_warehouse_name varchar(50),
                            w_city varchar(60), w_state char(2));
create table hotels (id int primary key, name varchar(80), email varchar(120),
                     phone varchar(24));
create table bookings (id int primary key, hotel_name varchar(80), guest_name varchar(80));
create table publishers (pub_id int primary key, pub_name varchar(40), city varchar(30),
                         state char(2));
create table warehouse (w_id int primary key, w_name varchar(10));
create table parking_lot (id int primary key, name varchar(60));
"""

_ENDINGS = {
    "venue": r"Arena|Stadium|Field|Theater|Center|Amphitheater|Hall|Coliseum|Pavilion|Ballroom|"
    r"Park|House|Auditorium|Bowl",
    "store": r"Market|Store|Outfitters|Sons|Goods|Co\.|Mercantile|Hardware|Books|Boutique",
    "warehouse": r"Center|Warehouse|Depot|Storage",
    "hotel": r"Hotel|Inn|Suites|Lodge|Resort|Motel|Hotel \w+",
}


def _place(spec: Any, table: str, column: str) -> str | None:
    rule = spec.table(table).column(column).rule
    return rule.field if isinstance(rule, RecordRule) and rule.record == "place" else None


def test_kind_from_prefix_or_table_name() -> None:
    spec = import_sql(DDL, dialect="postgres")
    assert _place(spec, "venue", "venuename") == "venue"  # the prefix, glued
    assert _place(spec, "stores", "store_name") == "store"  # the prefix is the table's
    assert _place(spec, "dim_warehouse", "w_warehouse_name") == "warehouse"
    assert _place(spec, "hotels", "name") == "hotel"  # a plain name in table hotels
    assert _place(spec, "bookings", "hotel_name") == "hotel"  # the prefix in another table
    # A prefix that says something else, a word that only starts like a kind, a too-narrow
    # column: not a place's name.
    assert _place(spec, "stores", "manager_name") is None
    assert _place(spec, "bookings", "guest_name") is None
    assert _place(spec, "publishers", "pub_name") is None
    assert _place(spec, "warehouse", "w_name") is None
    assert _place(spec, "parking_lot", "name") is None
    # The hotel's name beside an e-mail is no person's name.
    hotel = spec.table("hotels").column("name").rule
    assert isinstance(hotel, RecordRule) and hotel.record == "place"


def test_reason_is_shown_with_the_names_rules() -> None:
    spec = import_sql(DDL, dialect="postgres")
    rows = {(r.table, r.column.name): r for r in inferred_rules(spec)}
    venue = rows[("venue", "venuename")]
    assert venue.source == "name" and "venue" in venue.reason
    assert "'hotels'" in rows[("hotels", "name")].reason


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("dim_venues", "venue"),
        ("stadiums", "venue"),
        ("theatre", "venue"),
        ("store", "store"),
        ("retail_shops", "store"),
        ("distribution_center", "warehouse"),
        ("hotel", "hotel"),
        ("cafes", "restaurant"),
        ("libraries", "library"),
        ("campus", "college"),
        ("medical_center", "hospital"),
        ("airports", "airport"),
        ("parking", None),
        ("customer", None),
        ("publisher", None),
    ],
)
def test_place_kind(words: str, kind: str | None) -> None:
    assert place_kind(words) == kind


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("places"))
    e = ws.import_sql(DDL, dialect="postgres", name="places")
    rows = {"venue": 300, "stores": 300, "dim_warehouse": 300, "hotels": 300, "bookings": 300}
    e.generate(rows=rows, seed=7)
    return e


@pytest.mark.parametrize(
    ("table", "column", "kind"),
    [
        ("venue", "venuename", "venue"),
        ("stores", "store_name", "store"),
        ("dim_warehouse", "w_warehouse_name", "warehouse"),
        ("hotels", "name", "hotel"),
        ("bookings", "hotel_name", "hotel"),
    ],
)
def test_generated_names_fit_their_kind(exp: Any, table: str, column: str, kind: str) -> None:
    names = list(exp.query(f"select {column} as n from {table}").n)
    ending = re.compile(rf"(^Hotel \w+$)|(\b({_ENDINGS[kind]}))$")
    wrong = [n for n in names if not ending.search(n)]
    assert not wrong, wrong[:5]
    assert len(set(names)) >= 0.9 * len(names)  # mostly distinct


def test_city_slot_is_the_rows_city(exp: Any) -> None:
    # venue has an address (venuecity, venuestate); stores has a lone city, made the row's.
    cities = {c for c, _, _ in US_CITIES}
    for table, name, city in (
        ("venue", "venuename", "venuecity"),
        ("stores", "store_name", "city"),
    ):
        rows = exp.query(f"select {name} as n, {city} as c from {table}")
        named = [(n, c) for n, c in zip(rows.n, rows.c, strict=True) if n.split(" ")[0] in cities]
        own = [(n, c) for n, c in named if n.startswith(c + " ")]
        assert len(own) >= 0.05 * len(rows), table  # some names carry a city ...
        # ... and a name that starts with a one-word city mostly names the row's own.
        one_word = [(n, c) for n, c in named if n.split(" ")[0] in cities and " " not in c]
        assert sum(n.startswith(c + " ") for n, c in one_word) >= 0.8 * len(one_word), table


def test_venue_city_and_state_are_a_real_pair(exp: Any) -> None:
    pairs = {(c, s) for c, s, _ in US_CITIES}
    rows = exp.query("select venuecity as c, venuestate as s from venue")
    wrong = [(c, s) for c, s in zip(rows.c, rows.s, strict=True) if (c, s) not in pairs]
    assert not wrong, wrong[:5]


def test_a_unique_place_name_is_numbered_like_a_branch(tmp_path: Any) -> None:
    ws = Workspace(tmp_path)
    e = ws.import_sql(
        "create table store (store_id int primary key, store_name varchar(60) unique not null)",
        dialect="postgres",
        name="u",
    )
    e.generate(rows={"store": 2000}, seed=2)
    names = list(e.query("select store_name from store").store_name)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"\D+ #\d+", n) for n in names), names[:3]
