"""Extractor and fit: two date or timestamp columns of one table compared with each other
(``l_commitdate < l_receiptdate``, ``datediff(day, listed_at, sold_at) > 3``).

The comparison holds for a realistic share of rows when the two columns' values overlap: one
made after the other (time order's ``after`` / ``within``) or both spread over one span. It
holds for none or all when their spans lie apart, as when the workload moved one column's span
to the years it queries and left the other where its name put it; fitting then gives the other
the same span (reason "from the workload"). Columns ordered by ``after``, and rules the user
wrote, are kept.
"""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.rules import DatetimeRule, comparable
from dwsim_nb.spec.types import TEMPORAL_TYPES
from dwsim_nb.workload.analyze import Query, strip
from dwsim_nb.workload.findings import DatePair

_COMPARE = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ)
_DIFF = (exp.DateDiff, exp.TimestampDiff, exp.DatetimeDiff)


def date_pairs(q: Query) -> list[DatePair]:
    out: list[DatePair] = []
    for node in q.tree.walk():
        if not isinstance(node, (*_COMPARE, *_DIFF, exp.Sub)):
            continue
        pair = (strip(node.this), strip(node.expression))
        a, b = q.ref(pair[0]), q.ref(pair[1])
        if a is None or b is None or a.table != b.table or a.column == b.column:
            continue
        if {q.column(a).data_type, q.column(b).data_type} <= set(TEMPORAL_TYPES):
            out.append(DatePair(q.name, a, b))
    return out


def fit_date_pairs(spec: ExperimentSpec, pairs: list[DatePair], reason: str) -> ExperimentSpec:
    """The spec with each compared pair's spans made to overlap (see the module's docstring)."""
    for p in pairs:
        table = spec.table(p.first.table)
        a, b = table.column(p.first.column), table.column(p.second.column)
        ra, rb = a.rule, b.rule
        if not isinstance(ra, DatetimeRule) or not isinstance(rb, DatetimeRule):
            continue
        if ra.after is not None or rb.after is not None or ra.reason is None or rb.reason is None:
            continue
        if not _apart(ra, rb):
            continue
        # The column the workload placed keeps its span; the other follows it.
        fitted_a = str(ra.reason).startswith(reason)
        keep, move = (a, b) if fitted_a or not str(rb.reason).startswith(reason) else (b, a)
        kept = keep.rule
        assert isinstance(kept, DatetimeRule) and isinstance(move.rule, DatetimeRule)
        move.rule = move.rule.model_copy(
            update={"start": kept.start, "end": kept.end, "reason": f"{reason}: {p.query}"}
        )
    return spec


def _apart(ra: DatetimeRule, rb: DatetimeRule) -> bool:
    if ra.start is None or ra.end is None or rb.start is None or rb.end is None:
        return False
    return comparable(ra.end) < comparable(rb.start) or comparable(rb.end) < comparable(ra.start)
