"""Hints and meanings that used to be lost: a DEFAULT inside a CHECK range, times of day in
order, a key date following its parent's event, a plain price beside a unit price, and country
lookups as long as ISO 3166."""

from __future__ import annotations

import re
from pathlib import Path

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.countries import COUNTRIES
from dwsim_nb.ddl.domains import DOMAINS
from dwsim_nb.workspace import Workspace

DDL = """
create table film (
    film_id serial primary key,
    rental_duration smallint default 3 not null check (rental_duration between 1 and 14),
    late_fee numeric(5,2) default 2.50 check (late_fee >= 0 and late_fee <= 20),
    stock smallint default 99 check (stock between 1 and 10)
);
create table rental (
    rental_id serial primary key,
    rental_date timestamp not null,
    film_id int not null references film (film_id)
);
create table payment (
    payment_id integer default nextval('payment_seq') not null,
    rental_id int not null references rental (rental_id),
    amount numeric(6,2),
    payment_date timestamp not null,
    primary key (payment_date, payment_id)
);
create table shift (
    shift_id int primary key,
    shift_start_time time,
    shift_end_time time
);
create table order_header (
    order_id int primary key,
    order_total numeric(12,2)
);
create table order_detail (
    order_detail_id int primary key,
    order_id int not null references order_header (order_id),
    quantity smallint,
    unit_price numeric(8,2),
    price numeric(10,2)
);
"""


def _exp(tmp_path: Path) -> object:
    ws = Workspace(tmp_path)
    exp = ws.import_sql(DDL, dialect="postgres", name="gaps")
    exp.generate(rows={"film": 2000, "rental": 3000, "payment": 3000, "shift": 3000}, seed=11)
    return exp


def test_default_stays_most_common_inside_check(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    df = exp.query(
        "select rental_duration as d, count(*) as n from film group by 1 order by n desc, d"
    )
    assert int(df["d"].iloc[0]) == 3
    assert 0.6 <= df["n"].iloc[0] / df["n"].sum() <= 0.8
    assert df["d"].between(1, 14).all() and len(df) > 5  # the rest spread over the range
    fees = exp.query("select late_fee as f, count(*) as n from film group by 1 order by n desc")
    assert float(fees["f"].iloc[0]) == 2.5 and fees["f"].between(0, 20).all()
    # A default the CHECK rejects is never stored: the range alone decides.
    stock = exp.query("select min(stock) as lo, max(stock) as hi from film")
    assert int(stock["lo"].iloc[0]) >= 1 and int(stock["hi"].iloc[0]) <= 10


def test_end_time_after_start_time_same_day(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    df = exp.query(
        "select count(*) as n, sum(case when shift_end_time > shift_start_time then 1 else 0 end)"
        " as ok from shift where shift_start_time is not null and shift_end_time is not null"
    )
    assert int(df["n"].iloc[0]) > 2000 and int(df["ok"].iloc[0]) == int(df["n"].iloc[0])


def test_key_date_follows_parent_event(tmp_path: Path) -> None:
    spec = import_sql(DDL, dialect="postgres")
    rule = spec.table("payment").column("payment_date").rule
    assert rule is not None and getattr(rule, "after", None) == "rental.rental_date"
    exp = _exp(tmp_path)
    df = exp.query(
        "select count(*) as n, sum(case when p.payment_date >= r.rental_date then 1 else 0 end)"
        " as ok, count(distinct p.payment_id) as ids from payment p "
        "join rental r on p.rental_id = r.rental_id"
    )
    n = int(df["n"].iloc[0])
    assert n == 3000 and int(df["ok"].iloc[0]) == n and int(df["ids"].iloc[0]) == n


def test_plain_price_beside_unit_price_is_line_total(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    bad = exp.query(
        "select count(*) as n from order_detail where abs(price - quantity * unit_price) > 0.01"
    )
    assert int(bad["n"].iloc[0]) == 0
    # And the order's total is the sum of its lines' prices, through the foreign key.
    off = exp.query(
        "select count(*) as n from order_header h join (select order_id, sum(price) as s "
        "from order_detail group by order_id) d on d.order_id = h.order_id "
        "where abs(h.order_total - d.s) > 0.01"
    )
    assert int(off["n"].iloc[0]) == 0


def test_country_list_is_iso_3166() -> None:
    names = [c[0] for c in COUNTRIES]
    alpha2 = [c[1] for c in COUNTRIES]
    alpha3 = [c[2] for c in COUNTRIES]
    assert len(COUNTRIES) == 249  # ISO 3166-1 assigns 249 codes
    assert len(set(names)) == len(set(alpha2)) == len(set(alpha3)) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", a) for a in alpha2)
    assert all(re.fullmatch(r"[A-Z]{3}", a) for a in alpha3)
    by_name = {c[0]: c for c in COUNTRIES}
    assert by_name["Germany"][1:3] == ("DE", "DEU")
    assert by_name["Switzerland"][1:3] == ("CH", "CHE")
    assert by_name["South Sudan"][1:3] == ("SS", "SSD")
    assert by_name["Japan"][3] == "Asia" and by_name["Peru"][3] == "South America"
    continents = {c[3] for c in COUNTRIES}
    assert continents == {
        "Africa",
        "Antarctica",
        "Asia",
        "Europe",
        "North America",
        "Oceania",
        "South America",
    }


def test_common_lookup_lists_are_long_enough() -> None:
    sizes = {d.name: len(d.values) for d in DOMAINS}
    assert sizes["country"] >= 200
    assert sizes["language"] >= 30
    assert sizes["currency"] >= 30
    for d in DOMAINS:
        assert len(set(d.values)) == len(d.values), d.name
        for attr in d.attributes:
            assert len(attr.values) == len(d.values), d.name


def test_hundred_countries_each_once(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    exp = ws.import_sql(
        "create table country (country_id int primary key, country varchar(60) not null, "
        "iso3 char(3));",
        dialect="postgres",
        name="countries",
    )
    exp.generate(rows={"country": 150}, seed=5)
    df = exp.query("select count(distinct country) as n, count(distinct iso3) as k from country")
    assert int(df["n"].iloc[0]) == 150 and int(df["k"].iloc[0]) == 150
    truth = {c[0]: c[2] for c in COUNTRIES}
    pairs = exp.query("select country, iso3 from country")
    assert all(truth[c] == k for c, k in zip(pairs["country"], pairs["iso3"], strict=True))
