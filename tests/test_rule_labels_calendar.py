"""How a date dimension's calendar is described (``show``, the empty-result note): an inferred
calendar is placed when a run is planned, so it is described by where it ends, not by the
start the import computed (a run with another today has other days)."""

from __future__ import annotations

from dwsim_nb.display.rule_labels import describe_rule
from dwsim_nb.spec.linked_rules import CalendarRule
from dwsim_nb.spec.models import Column
from dwsim_nb.workspace import import_sql

DDL = """CREATE TABLE date_dim (date_key INT PRIMARY KEY, cal_date DATE NOT NULL,
  day_name CHAR(3), week_of_year SMALLINT, month_name CHAR(5), quarter CHAR(5), year SMALLINT,
  holiday BOOLEAN);"""


def test_an_inferred_calendar_is_described_by_the_runs_today() -> None:
    spec = import_sql(DDL, dialect="postgres")
    col = spec.tables[0].column("cal_date")
    assert isinstance(col.rule, CalendarRule) and col.rule.as_of is not None
    label = describe_rule(col)
    assert label == "one day per row, ending on the run's today"
    assert str(col.rule.start) not in label


def test_a_calendar_given_a_start_is_described_by_it() -> None:
    col = Column(
        name="d",
        data_type="DATE",
        rule=CalendarRule(part="date", start="2008-01-01"),  # type: ignore[arg-type]
    )
    assert describe_rule(col) == "one day per row from 2008-01-01"
