"""Inferred date ranges move with the run's today (DatetimeRule.as_of): a run dated in the past
gives no inferred date after it, another today moves the dates by the days between, and the
user's own ranges and a workload fit's ranges stay where they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dwsim_nb.ddl.infer import infer_rule
from dwsim_nb.experiment import Experiment
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.relative import at_today, recent_range, years_before
from dwsim_nb.spec.rules import DatetimeRule
from dwsim_nb.workload.values import cover
from dwsim_nb.workspace import Workspace

DDL = """
CREATE TABLE customer (
    customer_id integer PRIMARY KEY,
    signup_date date,
    birth_date date,
    created_at timestamp DEFAULT now()
);
CREATE TABLE invoice (
    invoice_id integer PRIMARY KEY,
    customer_id integer REFERENCES customer,
    invoice_date date,
    paid_at timestamp,
    fixed_day date
);
"""
ROWS = {"customer": 300, "invoice": 2000}
PAST = "2024-06-30"


def _experiment(tmp: Any) -> Experiment:
    exp = Workspace(tmp).import_sql(DDL, dialect="postgres", name="rel")
    # The user's own range: fixed whatever the run's today.
    exp.spec.table("invoice").column("fixed_day").rule = DatetimeRule(
        start=dt.date(2030, 1, 1), end=dt.date(2030, 12, 31)
    )
    return exp


def _column(exp: Experiment, table: str, column: str) -> list[Any]:
    df = exp.query(f"select {column} from {table} order by {table}_id")
    return list(df.iloc[:, 0])


def test_no_inferred_date_after_a_past_today(tmp_path: Any) -> None:
    exp = _experiment(tmp_path)
    exp.generate(rows=ROWS, seed=3, today=PAST)
    late = exp.query(
        f"""select
              (select count(*) from customer where signup_date > date '{PAST}'
                 or birth_date > date '{PAST}' or cast(created_at as date) > date '{PAST}'),
              (select count(*) from invoice where invoice_date > date '{PAST}'
                 or cast(paid_at as date) > date '{PAST}'),
              (select count(*) from invoice where invoice_date >= date '{PAST}' - 365),
              (select min(fixed_day) from invoice)"""
    ).iloc[0]
    assert int(late.iloc[0]) == 0 and int(late.iloc[1]) == 0
    # Recent before the run's today, not years before it.
    assert int(late.iloc[2]) > 400
    assert late.iloc[3] >= dt.date(2030, 1, 1)


def test_another_today_moves_the_dates_by_the_days_between(tmp_path: Any) -> None:
    exp = _experiment(tmp_path)
    exp.generate(rows=ROWS, seed=3, today=PAST)
    first = {c: _column(exp, "invoice", c) for c in ("invoice_date", "paid_at", "fixed_day")}
    signup = _column(exp, "customer", "signup_date")
    exp.generate(rows=ROWS, seed=3, today=PAST)
    assert _column(exp, "invoice", "invoice_date") == first["invoice_date"]  # deterministic
    exp.generate(rows=ROWS, seed=3, today="2025-06-30")
    year = dt.timedelta(days=365)
    assert _column(exp, "customer", "signup_date") == [d + year for d in signup]
    assert _column(exp, "invoice", "invoice_date") == [d + year for d in first["invoice_date"]]
    paid = _column(exp, "invoice", "paid_at")
    assert [p - q for p, q in zip(paid, first["paid_at"], strict=True)] == [year] * len(paid)
    assert _column(exp, "invoice", "fixed_day") == first["fixed_day"]
    # The experiment's spec keeps the import's ranges; only the run moves them.
    rule = exp.spec.table("invoice").column("invoice_date").rule
    assert isinstance(rule, DatetimeRule) and rule.as_of is not None


def test_inferred_range_is_the_recent_past_and_reads_so() -> None:
    rule = infer_rule(Column(name="order_date", data_type="DATE"))
    assert isinstance(rule, DatetimeRule) and rule.as_of is not None
    assert (rule.start, rule.end) == (years_before(rule.as_of, 3), rule.as_of)
    assert rule.reason == "date in the 3 years before today"
    ts = infer_rule(Column(name="updated_at", data_type="TIMESTAMP"))
    assert isinstance(ts, DatetimeRule) and ts.reason == "timestamp in the 3 years before today"
    assert years_before(dt.date(2024, 2, 29), 3) == dt.date(2021, 2, 28)
    assert recent_range(dt.date(2024, 6, 30), timestamp=True)[1] == dt.datetime(
        2024, 6, 30, 23, 59, 59
    )


def test_at_today_leaves_the_callers_spec_and_fixed_ranges(tmp_path: Any) -> None:
    exp = _experiment(tmp_path)
    moved = at_today(exp.spec, "2000-01-01")
    rule = moved.table("invoice").column("invoice_date").rule
    assert isinstance(rule, DatetimeRule) and rule.end == dt.date(2000, 1, 1)
    assert rule.as_of == dt.date(2000, 1, 1)
    own = exp.spec.table("invoice").column("invoice_date").rule
    assert isinstance(own, DatetimeRule) and own.end != dt.date(2000, 1, 1)
    fixed = moved.table("invoice").column("fixed_day").rule
    assert isinstance(fixed, DatetimeRule) and fixed.start == dt.date(2030, 1, 1)


def test_a_workload_fit_fixes_the_range_on_its_query_windows() -> None:
    col = Column(
        name="order_date",
        data_type="DATE",
        rule=infer_rule(Column(name="order_date", data_type="DATE")),
    )
    assert isinstance(col.rule, DatetimeRule) and col.rule.as_of is not None
    inside = (col.rule.end - dt.timedelta(days=30)).isoformat()  # type: ignore[operator]
    fitted = cover(col, [inside], "workload")
    assert isinstance(fitted, DatetimeRule) and fitted.as_of is None
    far = cover(col, ["1995-01-01", "1995-12-31"], "workload")
    assert isinstance(far, DatetimeRule) and far.as_of is None
    assert far.start is not None and far.start.year < 1996
