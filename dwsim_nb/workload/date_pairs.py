"""Extractor and fit: two date or timestamp columns of one table compared with each other
(``l_commitdate < l_receiptdate``, ``datediff(day, listed_at, sold_at) > 3``).

The comparison should hold for a realistic share of rows (5% to 95%). The share is estimated
from the rules (each column a root span or another column, plus its ``after`` gaps of up to
``within`` days, a fixed sample). It holds for none or all when the spans lie apart (the
workload moved one column's span to the years it queries and left the other where its name put
it), or when two columns follow a common one with gaps that never overlap; fitting then gives
the other column the same span or, through the time-order machinery, makes it follow the
kept column's root within as many days as the kept column's gaps reach (reason "from the
workload"). A column that follows the other (``receipt`` after ``ship``) keeps the schema's
order (the comparison then holds for every row, as it should), and rules the user wrote stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
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


# The share of rows a comparison of two date columns should hold for, at least and at most.
REALISTIC = (0.05, 0.95)
_DEFAULT_GAP = 365.0  # days a value ``after`` another may follow it without ``within``
_SAMPLES = 4096


@dataclass(frozen=True)
class _Chain:
    """A column's values as a root (a column with its own span, or another table's column)
    plus gaps of up to ``gaps`` days each (its ``after`` links), and the columns passed."""

    root: tuple[str, str]
    span: tuple[float, float] | None
    gaps: tuple[float, ...]
    passed: tuple[tuple[str, str], ...]


def _days(v: Any) -> float | None:
    c = comparable(v)
    return None if c is None else c.timestamp() / 86400


def _chain(spec: ExperimentSpec, table: str, column: str) -> _Chain | None:
    gaps: list[float] = []
    passed: list[tuple[str, str]] = []
    for _ in range(12):
        t = spec.table(table)
        rule = t.column(column).rule if t.has_column(column) else None
        passed.append((t.name, column))
        if not isinstance(rule, DatetimeRule):
            return _Chain((t.name, column), None, tuple(gaps), tuple(passed))
        if rule.after is None:
            lo, hi = _days(rule.start), _days(rule.end)
            span = (lo, hi) if lo is not None and hi is not None else None
            return _Chain((t.name, column), span, tuple(gaps), tuple(passed))
        gaps.append(rule.within or _DEFAULT_GAP)
        ref = rule.after.strip()
        if "." in ref:
            table, column = ref.rsplit(".", 1)
        else:
            column = ref
    return None


def _share(a: _Chain, b: _Chain) -> float | None:
    """The share of rows where ``a`` < ``b`` (gaps uniform, a common root cancelling out)."""
    rng = np.random.default_rng(0)  # a fixed sample: the same spec always gives the same share

    def values(c: _Chain, shared: np.ndarray | None) -> np.ndarray | None:
        if shared is not None:
            base = shared
        elif c.span is None:
            return None
        else:
            base = c.span[0] + rng.random(_SAMPLES) * (c.span[1] - c.span[0])
        return base + sum((rng.random(_SAMPLES) * g for g in c.gaps), np.zeros(_SAMPLES))

    shared = np.zeros(_SAMPLES) if a.root == b.root else None
    va, vb = values(a, shared), values(b, shared)
    if va is None or vb is None:
        return None
    return float(np.mean(va < vb))


def _after(spec: ExperimentSpec, table: str, root: tuple[str, str]) -> str:
    return root[1] if spec.table(root[0]).name == spec.table(table).name else ".".join(root)


def _reachable(spec: ExperimentSpec, table: str, root_table: str) -> bool:
    """Whether ``after`` may name ``root_table``'s column: the same table or a parent."""
    t = spec.table(table)
    root = spec.table(root_table).name
    return root == t.name or any(
        spec.table(fk.references_table).name == root for fk in t.foreign_keys
    )


def fit_date_pairs(spec: ExperimentSpec, pairs: list[DatePair], reason: str) -> ExperimentSpec:
    """The spec with each compared pair made to hold for a realistic share of rows (see the
    module's docstring)."""
    for p in pairs:
        table = spec.table(p.first.table)
        a, b = table.column(p.first.column), table.column(p.second.column)
        ra, rb = a.rule, b.rule
        if not isinstance(ra, DatetimeRule) or not isinstance(rb, DatetimeRule):
            continue
        if ra.reason is None or rb.reason is None:
            continue  # the user's own rule decides
        ca = _chain(spec, table.name, a.name)
        cb = _chain(spec, table.name, b.name)
        if ca is None or cb is None or (table.name, a.name) in cb.passed[1:]:
            continue  # one follows the other: the schema's own time order holds for every row
        if (table.name, b.name) in ca.passed[1:]:
            continue
        share = _share(ca, cb)
        if share is None or REALISTIC[0] <= share <= REALISTIC[1]:
            continue
        # A column that follows another keeps its values, the one with a span of its own
        # moves; else the column the workload placed keeps its values and the other moves.
        fitted_a = str(ra.reason).startswith(reason)
        a_keeps = fitted_a or not str(rb.reason).startswith(reason)
        if bool(ca.gaps) != bool(cb.gaps):
            a_keeps = bool(ca.gaps)
        keep, move, kc = (a, b, ca) if a_keeps else (b, a, cb)
        why = f"{reason}: {p.query}"
        assert isinstance(move.rule, DatetimeRule) and isinstance(keep.rule, DatetimeRule)
        if not kc.gaps:
            # Two spans of their own: the same span, so either comes first as often.
            update: dict[str, Any] = {"start": keep.rule.start, "end": keep.rule.end}
            update["as_of"] = keep.rule.as_of
        elif _reachable(spec, table.name, kc.root[0]):
            # Time order: after the kept column's root, within as long as the kept column's
            # own gaps reach, so it falls before the kept value about as often as after.
            update = {"after": _after(spec, table.name, kc.root), "within": sum(kc.gaps)}
            update["strict"] = False
        else:
            continue
        move.rule = move.rule.model_copy(update={**update, "reason": why})
    return spec
