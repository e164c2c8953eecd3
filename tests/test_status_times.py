"""Times that depend on a row's status: a nullable ``<word>_at`` / ``<word>_date`` column whose
word is a status value is NULL unless the row's status says it happened (statuses on an
order's way imply the earlier steps), inferred at import with a reason and overridable."""

from __future__ import annotations

from pathlib import Path

from dwsim_nb.ddl import import_sql
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import DatetimeRule
from dwsim_nb.spec.why import inferred_rules
from dwsim_nb.workspace import Workspace

ORDERS_DDL = """
create table orders (
    order_id int primary key,
    status varchar(20) not null
        check (status in ('placed', 'shipped', 'delivered', 'returned', 'cancelled')),
    created_at timestamp,
    shipped_date date,
    delivered_at timestamp,
    cancelled_at timestamp,
    returned_on date,
    paid_at timestamp not null,
    updated_at timestamp);
"""


def _when(spec: ExperimentSpec, column: str) -> list[str] | None:
    rule = spec.table("orders").column(column).rule
    assert isinstance(rule, DatetimeRule), column
    return None if rule.when is None else sorted(rule.when.values)


def test_status_times_are_inferred_with_the_steps_each_status_implies() -> None:
    spec = import_sql(ORDERS_DDL, dialect="postgres")
    assert _when(spec, "shipped_date") == ["delivered", "returned", "shipped"]
    assert _when(spec, "delivered_at") == ["delivered", "returned"]
    assert _when(spec, "returned_on") == ["returned"]
    assert _when(spec, "cancelled_at") == ["cancelled"]
    # Every order was created; NOT NULL columns and words no status names keep every row.
    for name in ("created_at", "paid_at", "updated_at"):
        assert _when(spec, name) is None, name
    why = {r.column.name: r for r in inferred_rules(spec)}
    assert why["cancelled_at"].source == "status"
    assert "set only where status is cancelled" in why["cancelled_at"].reason


def test_status_times_are_null_unless_the_status_says_so(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(ORDERS_DDL, dialect="postgres", name="o")
    exp.generate(rows={"orders": 2000}, seed=3)
    got = exp.query(
        "select status, count(*) as n, count(shipped_date) as shipped, "
        "count(delivered_at) as delivered, count(cancelled_at) as cancelled, "
        "count(returned_on) as returned, count(created_at) as created "
        "from orders group by status"
    ).set_index("status")
    for status, row in got.iterrows():
        n = row["n"]
        assert row["created"] == n
        assert row["shipped"] == (n if status in ("shipped", "delivered", "returned") else 0)
        assert row["delivered"] == (n if status in ("delivered", "returned") else 0)
        assert row["returned"] == (n if status == "returned" else 0)
        assert row["cancelled"] == (n if status == "cancelled" else 0)


def test_the_condition_is_the_users_to_change(tmp_path: Path) -> None:
    spec = import_sql(ORDERS_DDL, dialect="postgres")
    data = spec.model_dump()
    orders = data["tables"][0]
    col = next(c for c in orders["columns"] if c["name"] == "cancelled_at")
    col["rule"] = {"kind": "datetime", "when": {"column": "status", "values": ["returned"]}}
    col = next(c for c in orders["columns"] if c["name"] == "shipped_date")
    col["rule"] = {"kind": "datetime"}
    exp = Workspace(tmp_path).create(ExperimentSpec.model_validate(data))
    exp.generate(rows={"orders": 500}, seed=3)
    wrong = exp.query(
        "select count(*) from orders where (cancelled_at is not null) <> (status = 'returned') "
        "or shipped_date is null"
    )
    assert wrong.iloc[0, 0] == 0
    # Written out and read back, the condition stays, and it is part of the fingerprint.
    again = ExperimentSpec.parse(exp.spec.to_yaml())
    rule = again.table("orders").column("cancelled_at").rule
    assert isinstance(rule, DatetimeRule) and rule.when is not None
    assert rule.when.values == ["returned"]
    assert again.fingerprint() != spec.fingerprint()
    without = again.model_copy(deep=True)
    without.table("orders").column("cancelled_at").rule = rule.model_copy(update={"when": None})
    assert without.fingerprint() != again.fingerprint()
