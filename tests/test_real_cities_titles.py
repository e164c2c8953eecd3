"""Real US cities in addresses and city columns, and titles for works and events.

A query written against real data filters on real places (``city = 'San Diego'``) and on title
shapes (``eventname LIKE 'The%'``); generated data must hold them, with no workload.
"""

from __future__ import annotations

from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine.generators.us_cities import US_CITIES
from dwsim_nb.spec.rules import RecordRule
from dwsim_nb.workspace import Workspace

DDL = """
create table customer (id int primary key, first_name varchar(30), last_name varchar(30),
                       city varchar(40), state char(2), zip varchar(10));
create table venue (id int primary key, venuename varchar(100), venuecity varchar(30));
create table show (id int primary key, venue_id int references venue(id), show_title varchar(120),
                   eventname varchar(200));
create table employee (id int primary key, first_name varchar(30), job_title varchar(60));
"""


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace(tmp_path_factory.mktemp("real_places"))
    e = ws.import_sql(DDL, dialect="postgres", name="places")
    e.generate(rows={"customer": 3000, "venue": 200, "show": 3000, "employee": 50}, seed=3)
    return e


def test_address_cities_are_real_and_in_their_state(exp: Any) -> None:
    pairs = {(c, s) for c, s, _ in US_CITIES}
    rows = exp.query("select city, state, count(*) as n from customer group by 1, 2")
    assert len(rows) > 30
    wrong = [(c, s) for c, s in zip(rows.city, rows.state, strict=True) if (c, s) not in pairs]
    assert not wrong, wrong[:5]


def test_big_cities_are_found_by_name(exp: Any) -> None:
    counts = exp.query(
        "select city, count(*) as n from customer where city in ('San Diego', 'New York') "
        "group by city order by city"
    )
    assert list(counts.city) == ["New York", "San Diego"]
    assert counts.n.iloc[0] > counts.n.iloc[1] > 0  # weighted by population


def test_plain_city_columns_are_real(exp: Any) -> None:
    names = {c for c, _, _ in US_CITIES}
    got = set(exp.query("select distinct venuecity from venue").venuecity)
    assert got and got <= names


def test_titles_of_shows_and_events(exp: Any) -> None:
    share = exp.query(
        "select avg(case when eventname like 'The %' then 1.0 else 0 end) as the_share, "
        "avg(case when show_title like 'The %' then 1.0 else 0 end) as title_share, "
        "count(distinct eventname) as distinct_names from show"
    )
    assert 0.1 < share.the_share.iloc[0] < 0.45
    assert 0.1 < share.title_share.iloc[0] < 0.45
    assert share.distinct_names.iloc[0] > 1000  # varied, not a short list


def test_titles_are_inferred_by_name_with_a_reason() -> None:
    spec = import_sql(DDL, dialect="postgres")
    cols = {(t.name, c.name): c for t in spec.tables for c in t.columns}
    for key in (("show", "show_title"), ("show", "eventname")):
        rule = cols[key].rule
        assert isinstance(rule, RecordRule) and rule.record == "title", key
        assert "title" in (rule.reason or "")
    # a job title is not the title of a work
    job = cols[("employee", "job_title")].rule
    assert not (isinstance(job, RecordRule) and job.record == "title")


def test_tickit_cities_exist_in_the_list() -> None:
    # The list is data about the world: spot-check a few real pairs and no invented names.
    pairs = {(c, s) for c, s, _ in US_CITIES}
    assert {("San Diego", "CA"), ("New York", "NY"), ("Chicago", "IL")} <= pairs
    assert len({c for c, _, _ in US_CITIES}) > 150


def test_an_event_name_is_an_action_only_where_the_table_tracks_visits() -> None:
    spec = import_sql(
        "create table web_events (id int primary key, session_id varchar(36), "
        "event_name varchar(40), event_type varchar(40));\n"
        "create table concert (id int primary key, event_name varchar(120));",
        dialect="postgres",
    )
    web = spec.table("web_events")
    for name in ("event_name", "event_type"):
        rule = web.column(name).rule
        assert "page_view" in getattr(rule, "values", []), (name, rule)
    concert = spec.table("concert").column("event_name").rule
    assert isinstance(concert, RecordRule) and concert.record == "title", concert
