"""Date ranges that move with the run's "today".

An inferred range such as "the 3 years before today" is written with absolute ends and the day
they were set for (``DatetimeRule.as_of``). A run resolves it with its own today
(:func:`at_today`): both ends move by the days between, so a run dated 2024-06-30 gives dates up to
2024-06-30, and a spec imported a year ago still gives recent dates. A range without ``as_of``
(the user's own, or one a workload fit placed on its queries' windows) stays as written.
"""

from __future__ import annotations

import datetime as dt

from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import DatetimeRule, Moment

#: How many years before today an inferred "recent" date lies at most.
RECENT_YEARS = 3


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` ``years`` years earlier (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def recent_range(today: dt.date, timestamp: bool) -> tuple[Moment, Moment]:
    """The ends of "the RECENT_YEARS years before ``today``" (a timestamp ends at its last
    second)."""
    start = years_before(today, RECENT_YEARS)
    if not timestamp:
        return start, today
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(today, dt.time(23, 59, 59))


def _moved(v: Moment | None, days: dt.timedelta) -> Moment | None:
    if isinstance(v, dt.date):  # a datetime too; a time of day stays
        return v + days
    return v


def moved_rule(rule: DatetimeRule, today: dt.date) -> DatetimeRule:
    """``rule`` with its ends moved from its ``as_of`` day to ``today`` (itself without one)."""
    if rule.as_of is None or rule.as_of == today:
        return rule
    days = today - rule.as_of
    return rule.model_copy(
        update={"start": _moved(rule.start, days), "end": _moved(rule.end, days), "as_of": today}
    )


def at_today(spec: ExperimentSpec, today: str | dt.date) -> ExperimentSpec:
    """``spec`` with every range set ``as_of`` a day moved to ``today`` (``spec`` itself when
    none moves; the caller's spec is never changed)."""
    day = dt.date.fromisoformat(today) if isinstance(today, str) else today
    moves = [
        (i, j)
        for i, t in enumerate(spec.tables)
        for j, c in enumerate(t.columns)
        if isinstance(c.rule, DatetimeRule) and c.rule.as_of not in (None, day)
    ]
    if not moves:
        return spec
    out = spec.model_copy(deep=True)
    for i, j in moves:
        col = out.tables[i].columns[j]
        assert isinstance(col.rule, DatetimeRule)
        col.rule = moved_rule(col.rule, day)
    return out
