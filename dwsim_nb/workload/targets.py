"""Per-query targets: a ``-- dwsim: rows >= 100`` (or ``-- dwsim: share >= 0.2``) comment in a
workload query asks for that many rows, or that share of its table's rows, to pass its filters.

The approximation, stated: generation only sets the shares of the query's literal and pattern
predicates (what :mod:`dwsim_nb.workload.fit` can set), assuming they select rows independently
and that joins keep every row. A query with ``k`` such predicates on a table of ``n`` target rows
(``target_rows``, the table's count when no ``rows=`` is given at generate time) gives each
``(N / n) ** (1 / k)`` of the rows for ``rows >= N``, ``s ** (1 / k)`` for ``share >= s``,
never less than the selectivity's low end and never more than :data:`MAX_SHARE`. Ranges,
HAVING thresholds and the chance meeting of filters through joins are not aimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwsim_nb.spec.models import ExperimentSpec

MAX_SHARE = 0.8
_TARGET = re.compile(r"--\s*dwsim:\s*(rows|share)\s*>=?\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """What one query asks for: ``rows`` (a count) or ``share`` (of its table's rows)."""

    kind: str
    value: float


def query_targets(spec: ExperimentSpec) -> dict[str, Target]:
    """The target each workload query's comment sets, by query name."""
    out: dict[str, Target] = {}
    for q in spec.workload:
        m = _TARGET.search(q.sql)
        if m is not None:
            out[q.name] = Target(m.group(1).lower(), float(m.group(2)))
    return out


def target_share(target: Target, table_rows: int, predicates: int, low: float) -> float:
    """The share each of a query's ``predicates`` filters takes to meet ``target``."""
    k = max(1, predicates)
    if target.kind == "share":
        wanted = min(1.0, target.value)
    else:
        wanted = min(1.0, target.value / max(1, table_rows))
    return max(low, min(MAX_SHARE, wanted ** (1.0 / k)))
