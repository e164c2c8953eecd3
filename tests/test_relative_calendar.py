"""An inferred date dimension and inferred year columns follow the run's today, as inferred dates
do: the calendar's days end on the run's today with the run's rows, years lie in the run's
recent years; a start or a range the user gave stays where it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dwsim_nb.experiment import Experiment
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.relative import at_today, calendar_start
from dwsim_nb.spec.rules import CalendarRule, RangeRule
from dwsim_nb.workload.analyze import ColumnRef
from dwsim_nb.workload.calendar import fit_calendars
from dwsim_nb.workload.findings import Literals
from dwsim_nb.workload.values import cover
from dwsim_nb.workspace import Workspace

DDL = """
CREATE TABLE calendar (
    date_key integer PRIMARY KEY,
    full_date date NOT NULL,
    year smallint,
    month smallint,
    quarter smallint,
    day_name varchar(9)
);
CREATE TABLE sales (
    sale_id integer PRIMARY KEY,
    date_key integer REFERENCES calendar,
    sold_at timestamp,
    fiscal_year integer,
    report_year smallint,
    amount decimal(10, 2)
);
"""
ROWS = {"calendar": 365, "sales": 800}
TODAY = "2024-06-30"


def _experiment(tmp: Any, ddl: str = DDL) -> Experiment:
    return Workspace(tmp).import_sql(ddl, dialect="postgres", name="cal")


def _one(exp: Experiment, sql: str) -> Any:
    value = exp.query(sql).iloc[0, 0]
    return value.item() if hasattr(value, "item") else value


def test_the_calendar_ends_on_the_runs_today_and_years_are_the_runs(tmp_path: Any) -> None:
    exp = _experiment(tmp_path)
    exp.generate(rows=ROWS, seed=4, today=TODAY)
    assert _one(exp, "select max(full_date) from calendar") == dt.date(2024, 6, 30)
    assert _one(exp, "select min(full_date) from calendar") == dt.date(2023, 7, 2)
    assert _one(exp, "select count(*) from calendar where year not in (2023, 2024)") == 0
    years = "fiscal_year not between 2021 and 2024 or report_year not between 2021 and 2024"
    assert _one(exp, f"select count(*) from sales where {years}") == 0
    assert _one(exp, "select count(distinct fiscal_year) from sales") >= 3
    assert _one(exp, "select max(cast(sold_at as date)) from sales") <= dt.date(2024, 6, 30)
    # Another today, other rows: the calendar still ends on the run's today.
    exp.generate(rows={"calendar": 100, "sales": 50}, seed=4, today="2025-03-01")
    assert _one(exp, "select max(full_date) from calendar") == dt.date(2025, 3, 1)
    assert _one(exp, "select count(distinct full_date) from calendar") == 100
    assert _one(exp, "select min(fiscal_year) from sales") >= 2022


def test_the_users_start_and_years_stay_where_they_are(tmp_path: Any) -> None:
    exp = _experiment(tmp_path)
    exp.spec.table("calendar").column("full_date").rule = CalendarRule(
        part="date", start=dt.date(2010, 1, 1)
    )
    exp.spec.table("sales").column("fiscal_year").rule = RangeRule(min=2000, max=2005)
    exp.generate(rows=ROWS, seed=4, today=TODAY)
    assert _one(exp, "select min(full_date) from calendar") == dt.date(2010, 1, 1)
    assert _one(exp, "select min(year) from calendar") == 2010
    assert _one(exp, "select count(*) from sales where fiscal_year not between 2000 and 2005") == 0


def test_at_today_places_the_calendar_by_the_runs_rows(tmp_path: Any) -> None:
    spec = _experiment(tmp_path).spec
    own = spec.table("calendar").column("full_date").rule
    assert isinstance(own, CalendarRule) and own.as_of is not None
    assert own.start == calendar_start(own.as_of, spec.table("calendar").target_rows)
    moved = at_today(spec, "2020-12-31", {"calendar": 31})
    rule = moved.table("calendar").column("full_date").rule
    assert isinstance(rule, CalendarRule) and rule.start == dt.date(2020, 12, 1)
    years = moved.table("sales").column("fiscal_year").rule
    assert isinstance(years, RangeRule) and (years.min, years.max) == (2017, 2020)
    # The caller's spec is left as it was.
    assert spec.table("calendar").column("full_date").rule == own


def test_a_workload_fit_fixes_calendars_and_years_on_its_queries(tmp_path: Any) -> None:
    spec = _experiment(tmp_path).spec
    col = spec.table("sales").column("fiscal_year")
    assert isinstance(col.rule, RangeRule) and col.rule.as_of is not None
    fitted = cover(col, [1999], "workload")
    assert isinstance(fitted, RangeRule) and fitted.as_of is None and fitted.min is not None
    assert fitted.min <= 1999
    same = cover(Column(name="y", data_type="INT", rule=col.rule), [col.rule.max], "workload")
    assert isinstance(same, RangeRule) and same.as_of is None
    found = Literals("q1", ColumnRef("calendar", "full_date"), (dt.date(2001, 3, 1),))
    fitted_spec = fit_calendars(spec, [found], "workload")
    rule = fitted_spec.table("calendar").column("full_date").rule
    assert isinstance(rule, CalendarRule) and rule.as_of is None
    assert rule.start == dt.date(2001, 1, 1)
