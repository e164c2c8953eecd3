"""Date keys that follow their row's time (a ``day`` cardinality: a sale's date key is the
calendar row of its sale time's day), and transactions before the scheduled row they are about
(``before``: tickets listed and sold before their event starts), inferred at import with their
reasons, overridable, and generated so that both hold on every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.fk_paths import infer_through
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Cardinality, ExperimentSpec
from dwsim_nb.spec.rules import DatetimeRule
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus"

# Flights, bookings and a day dimension: names no other test uses, the same shape as TICKIT.
FLIGHTS_DDL = """
create table day_dim (day_key int primary key, full_date date not null, month_name varchar(9),
    year_num smallint, quarter_num smallint);
create table flight (flight_id int primary key,
    day_key int not null references day_dim (day_key), departure_time timestamp);
create table booking (booking_id int primary key,
    flight_id int not null references flight (flight_id),
    day_key int not null references day_dim (day_key), booked_at timestamp);
"""


def _card(spec: ExperimentSpec, table: str, column: str) -> Cardinality | None:
    fk = next(f for f in spec.table(table).foreign_keys if f.columns == [column])
    return fk.cardinality


def _rule(spec: ExperimentSpec, table: str, column: str) -> DatetimeRule:
    rule = spec.table(table).column(column).rule
    assert isinstance(rule, DatetimeRule), (table, column, rule)
    return rule


def test_tickit_sale_and_listing_keys_follow_their_times() -> None:
    spec = import_sql((CORPUS / "ddl" / "tickit_redshift.sql").read_text(), dialect="redshift")
    for table, col in (("sales", "saletime"), ("listing", "listtime")):
        card = _card(spec, table, "dateid")
        assert card is not None and card.kind == "day", table
        assert card.column == col and card.parent_column == "caldate"
        assert (card.reason or "").startswith("date dimension"), card.reason
        # The time keeps its own order and is not tied to the key's day as well.
        assert _rule(spec, table, col).after != "tickit.date.caldate"
    assert _rule(spec, "sales", "saletime").after == "tickit.listing.listtime"
    for table, col in (("sales", "saletime"), ("listing", "listtime")):
        assert _rule(spec, table, col).before == "tickit.event.starttime", table
    # The event's start stays on its own key's day (the forward direction), not a day key.
    assert _card(spec, "event", "dateid") is None
    assert _rule(spec, "event", "starttime").after == "tickit.date.caldate"
    rows = {(r.table, r.column.name): r for r in inferred_rules(spec)}
    assert rows[("sales", "dateid")].source == "calendar"
    assert rows[("listing", "listtime")].source == "time order"
    assert "name: before tickit.event.starttime" in rows[("listing", "listtime")].reason
    assert any(
        "foreign key (dateid)" in n and "row of the day of saletime" in n for n in spec.notes
    )


def test_other_names_same_shape(tmp_path: Path) -> None:
    spec = import_sql(FLIGHTS_DDL, dialect="postgres")
    assert _rule(spec, "booking", "booked_at").before == "flight.departure_time"
    card = _card(spec, "booking", "day_key")
    assert card is not None and card.kind == "day" and card.column == "booked_at"
    assert card.parent_column == "full_date"
    exp = Workspace(tmp_path).import_sql(FLIGHTS_DDL, dialect="postgres", name="f")
    exp.generate(rows={"day_dim": 120, "flight": 300, "booking": 4000}, seed=7)
    out = exp.query(
        "select sum(case when cast(b.booked_at as date) <> d.full_date then 1 else 0 end), "
        "sum(case when b.booked_at > f.departure_time then 1 else 0 end), "
        "count(distinct b.day_key) "
        "from booking b join day_dim d on b.day_key = d.day_key "
        "join flight f on b.flight_id = f.flight_id"
    )
    assert out.iloc[0, 0] == 0 and out.iloc[0, 1] == 0
    assert out.iloc[0, 2] >= 60  # spread over the days, not clamped to an end


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        # A period (an end beside the start): orders fall inside it, not before it.
        ("promo (promo_id int primary key, start_date date, end_date date)", "order_date"),
        # A start that happened, not one scheduled ahead.
        ("visit (promo_id int primary key, started_at timestamp)", "order_date"),
        # Named as a period.
        ("campaign (promo_id int primary key, start_date date)", "order_date"),
        # Not a transaction about the parent.
        ("event (promo_id int primary key, starttime timestamp)", "updated_at"),
    ],
    ids=["period", "started", "campaign", "not-a-transaction"],
)
def test_no_before_where_the_parent_is_no_scheduled_moment(parent: str, child: str) -> None:
    name = parent.split(" ")[0]
    ddl = (
        f"create table {parent};\n"
        f"create table purchase (purchase_id int primary key, "
        f"promo_id int references {name} (promo_id), {child} timestamp);"
    )
    spec = import_sql(ddl, dialect="postgres")
    rule = spec.table("purchase").column(child).rule
    assert getattr(rule, "before", None) is None, rule


def test_a_users_rule_keeps_its_time_and_the_key_follows_it() -> None:
    spec = import_sql(FLIGHTS_DDL, dialect="postgres")
    data = spec.model_dump()
    booking = next(t for t in data["tables"] if t["name"] == "booking")
    col = next(c for c in booking["columns"] if c["name"] == "booked_at")
    col["rule"] = {"kind": "datetime", "start": "2024-03-01", "end": "2024-03-31"}
    booking["foreign_keys"][1]["cardinality"] = None
    spec2 = infer_through(ExperimentSpec.model_validate(data))
    assert _rule(spec2, "booking", "booked_at").before is None  # the user's rule is kept
    card = _card(spec2, "booking", "day_key")
    assert card is not None and card.kind == "day" and "its own range" in (card.reason or "")


def _calendar_spec(calendar_rule: dict[str, Any], card: dict[str, Any] | None) -> ExperimentSpec:
    return ExperimentSpec.model_validate(
        {
            "name": "cal",
            "tables": [
                {
                    "name": "cal",
                    "target_rows": 100,
                    "columns": [
                        {"name": "cal_id", "data_type": "INT", "is_unique": True},
                        {
                            "name": "cal_date",
                            "data_type": "DATE",
                            "rule": calendar_rule,
                            "is_unique": calendar_rule["kind"] == "datetime",
                        },
                    ],
                    "primary_key": ["cal_id"],
                },
                {
                    "name": "hit",
                    "columns": [
                        {"name": "hit_id", "data_type": "INT", "is_unique": True},
                        {"name": "cal_id", "data_type": "INT"},
                        {
                            "name": "hit_at",
                            "data_type": "TIMESTAMP",
                            "rule": {
                                "kind": "datetime",
                                "start": "2020-01-01",
                                "end": "2026-12-31",
                            },
                        },
                    ],
                    "primary_key": ["hit_id"],
                    "foreign_keys": [
                        {
                            "columns": ["cal_id"],
                            "references_table": "cal",
                            "references_columns": ["cal_id"],
                            "cardinality": card,
                        }
                    ],
                },
            ],
        }
    )


DAY = {"kind": "day", "column": "hit_at", "parent_column": "cal_date"}
MISMATCH = (
    "select sum(case when cast(h.hit_at as date) <> c.cal_date then 1 else 0 end), "
    "min(h.hit_at), max(h.hit_at) from hit h join cal c using (cal_id)"
)


@pytest.mark.parametrize(
    "calendar_rule",
    [
        {"kind": "calendar", "part": "date", "start": "2024-01-01"},
        # Not one day per row in order: the days are looked up (a shuffled 100-day range).
        {"kind": "datetime", "start": "2024-01-01", "end": "2024-04-09"},
    ],
    ids=["dense", "lookup"],
)
def test_day_keys_land_on_the_times_day_within_the_calendar(
    tmp_path: Path, calendar_rule: dict[str, Any]
) -> None:
    spec = _calendar_spec(calendar_rule, DAY)
    exp = Workspace(tmp_path).create(spec)
    exp.generate(rows={"cal": 100, "hit": 5000}, seed=11)
    out = exp.query(MISMATCH)
    assert out.iloc[0, 0] == 0
    # The time's 7-year range is cut to the calendar's 100 days.
    assert out.iloc[0, 1].date() >= dt.date(2024, 1, 1)
    assert out.iloc[0, 2].date() <= dt.date(2024, 4, 9)


def test_a_uniform_override_draws_the_key_apart(tmp_path: Path) -> None:
    spec = _calendar_spec({"kind": "calendar", "part": "date", "start": "2024-01-01"}, None)
    exp = Workspace(tmp_path).create(spec)
    exp.generate(rows={"cal": 100, "hit": 2000}, seed=11)
    assert exp.query(MISMATCH).iloc[0, 0] > 1500  # the day cardinality is the fix


def test_day_needs_its_columns_and_a_wrong_one_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="day cardinality needs"):
        Cardinality(kind="day", column="hit_at")
    spec = _calendar_spec({"kind": "calendar", "part": "date"}, {**DAY, "column": "nope"})
    exp = Workspace(tmp_path).create(spec)
    with pytest.raises(GenerationError, match="reads column 'nope'"):
        exp.generate(rows={"cal": 10, "hit": 20}, seed=1)


def test_a_key_that_reads_a_time_following_its_own_parent_is_refused(tmp_path: Path) -> None:
    spec = _calendar_spec({"kind": "calendar", "part": "date"}, DAY)
    hit_at = spec.tables[1].columns[2]
    hit_at.rule = DatetimeRule(after="cal.cal_date", within=0.5)
    exp = Workspace(tmp_path).create(spec)
    with pytest.raises(GenerationError, match="depends on itself \\(its cardinality reads"):
        exp.generate(rows={"cal": 10, "hit": 20}, seed=1)


BETWEEN_DDL = """
create table show (show_id int primary key, show_time timestamp);
create table seat_order (order_id int primary key,
    show_id int not null references show (show_id), opened timestamp, ordered timestamp);
"""


def _between_spec(rules: dict[str, dict[str, Any]]) -> ExperimentSpec:
    spec = import_sql(BETWEEN_DDL, dialect="postgres")
    data = spec.model_dump()
    order = next(t for t in data["tables"] if t["name"] == "seat_order")
    for c in order["columns"]:
        if c["name"] in rules:
            c["rule"] = rules[c["name"]]
    show = next(t for t in data["tables"] if t["name"] == "show")
    show["columns"][1]["rule"] = {"kind": "datetime", "start": "2024-01-01", "end": "2024-12-31"}
    return ExperimentSpec.model_validate(data)


def test_before_within_and_between_with_after_winning(tmp_path: Path) -> None:
    spec = _between_spec(
        {
            "opened": {"kind": "datetime", "before": "show.show_time", "within": 10},
            # After the row's own ``opened``, before the show: a window never empty.
            "ordered": {"kind": "datetime", "after": "opened", "before": "show.show_time"},
        }
    )
    exp = Workspace(tmp_path).create(spec)
    exp.generate(rows={"show": 50, "seat_order": 3000}, seed=5)
    out = exp.query(
        "select sum(case when o.opened > s.show_time then 1 else 0 end), "
        "sum(case when o.opened < s.show_time - interval 10 day then 1 else 0 end), "
        "sum(case when o.ordered < o.opened or o.ordered > s.show_time then 1 else 0 end), "
        "count(distinct o.ordered) "
        "from seat_order o join show s using (show_id)"
    )
    assert list(out.iloc[0, :3]) == [0, 0, 0]
    assert out.iloc[0, 3] > 2900  # drawn inside the window, not pinned to an end
    # Crossed ends: ``opened`` after the show, ``ordered`` between them takes ``after``.
    crossed = _between_spec(
        {
            "opened": {"kind": "datetime", "after": "show.show_time", "strict": True},
            "ordered": {"kind": "datetime", "after": "opened", "before": "show.show_time"},
        }
    )
    exp2 = Workspace(tmp_path / "x").create(crossed)
    exp2.generate(rows={"show": 50, "seat_order": 500}, seed=5)
    same = exp2.query("select count(*) from seat_order where ordered = opened")
    assert same.iloc[0, 0] == 500
