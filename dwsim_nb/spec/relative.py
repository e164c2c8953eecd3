"""Date ranges that move with the run's "today".

An inferred range such as "the 3 years before today" is written with absolute ends and the day
they were set for (``DatetimeRule.as_of``). A run resolves it with its own today
(:func:`at_today`): both ends move by the days between, so a run dated 2024-06-30 gives dates up to
2024-06-30, and a spec imported a year ago still gives recent dates. An inferred range of years
(``RangeRule.as_of``: a ``fiscal_year`` of the recent past) moves by the years between, and an
inferred date dimension (``CalendarRule.as_of``) starts where its rows end on the run's today.
A range without ``as_of`` (the user's own, or one a workload fit placed on its queries'
windows) stays as written.
"""

from __future__ import annotations

import datetime as dt

from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import CalendarRule, DatetimeRule, Moment, RangeRule, Rule

#: How many years before today an inferred "recent" date lies at most.
RECENT_YEARS = 3
#: How many years before today an inferred year something was made, founded or released lies.
PAST_YEARS = 30


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


def moved_years(rule: RangeRule, today: dt.date) -> RangeRule:
    """A range of years set ``as_of`` one day moved by the years between it and ``today``."""
    if rule.as_of is None or rule.as_of == today:
        return rule
    years = today.year - rule.as_of.year
    ends = {k: v + years for k, v in (("min", rule.min), ("max", rule.max)) if v is not None}
    return rule.model_copy(update={**ends, "as_of": today})


def calendar_start(today: dt.date, rows: int) -> dt.date:
    """The first day of a calendar of ``rows`` days (one a row) whose last day is ``today``."""
    return today - dt.timedelta(days=max(rows, 1) - 1)


def placed_calendar(rule: CalendarRule, today: dt.date, rows: int) -> CalendarRule:
    """An inferred one-day-a-row calendar ending on ``today`` with ``rows`` rows."""
    if rule.as_of is None or rule.of is not None:
        return rule
    start = calendar_start(today, rows)
    if (rule.start, rule.as_of) == (start, today):
        return rule
    return rule.model_copy(update={"start": start, "as_of": today})


def _at(rule: Rule | None, day: dt.date, rows: int) -> Rule | None:
    """``rule`` resolved for a run on ``day`` of a table of ``rows`` rows (None: unchanged)."""
    if isinstance(rule, DatetimeRule):
        moved: Rule = moved_rule(rule, day)
    elif isinstance(rule, RangeRule):
        moved = moved_years(rule, day)
    elif isinstance(rule, CalendarRule):
        moved = placed_calendar(rule, day, rows)
    else:
        return None
    return None if moved is rule else moved


def at_today(
    spec: ExperimentSpec, today: str | dt.date, rows: dict[str, int] | None = None
) -> ExperimentSpec:
    """``spec`` with every range set ``as_of`` a day moved to ``today`` and every inferred
    calendar ending on it with its table's rows (``rows`` by table key, else its target_rows);
    ``spec`` itself when none moves: the caller's spec is never changed."""
    day = dt.date.fromisoformat(today) if isinstance(today, str) else today
    counts = [(rows or {}).get(t.key, t.target_rows) for t in spec.tables]
    moves = [
        (i, j)
        for i, t in enumerate(spec.tables)
        for j, c in enumerate(t.columns)
        if _at(c.rule, day, counts[i]) is not None
    ]
    if not moves:
        return spec
    out = spec.model_copy(deep=True)  # the moved rules share nothing with the caller's
    for i, j in moves:
        col = out.tables[i].columns[j]
        col.rule = _at(col.rule, day, counts[i]) or col.rule
    return out
