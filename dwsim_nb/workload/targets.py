"""Per-query targets: a ``-- dwsim: rows >= 100`` (or ``-- dwsim: share >= 0.2``) comment in a
workload query asks for that many rows, or that share of its table's rows, to pass its filters.
A mapping of query name to target (a YAML file or a dict, :func:`read_targets`), kept in the
spec's ``workload_fit.targets``, does the same without touching the queries, and wins over a
query's comment.

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
from pathlib import Path
from typing import Any

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.models import ExperimentSpec

MAX_SHARE = 0.8
_TARGET = re.compile(r"--\s*dwsim:\s*(rows|share)\s*>=?\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)
_TEXT = re.compile(r"^\s*(rows|share)\s*>=?\s*([0-9]+(?:\.[0-9]+)?)\s*$", re.IGNORECASE)


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
    mapping = spec.workload_fit.targets if spec.workload_fit is not None else {}
    known = {q.name for q in spec.workload}
    for name, text in mapping.items():
        m = _TEXT.match(text)
        if m is not None and name in known:
            out[name] = Target(m.group(1).lower(), float(m.group(2)))
    return out


def read_targets(source: Any, queries: list[str]) -> dict[str, str]:
    """Targets by query name from a YAML file (path) or a dict: each ``"rows >= 100"``,
    ``"share >= 0.2"``, or ``{rows: 100}``; an error names an unknown query or a bad target."""
    data = source
    if isinstance(source, str | Path):
        import yaml

        from dwsim_nb.limits import MAX_SQL_BYTES, read_text

        text = read_text(Path(source), what="targets file", limit=MAX_SQL_BYTES, error=SpecError)
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            raise SpecError(
                f"cannot read the targets file {str(source)!r}: {e}",
                hint="write one line per query, such as  q18: rows >= 10",
            ) from None
    if not isinstance(data, dict):
        raise SpecError(
            f"targets are a mapping of query name to target, not {type(data).__name__}.",
            hint="write one line per query, such as  q18: rows >= 10",
        )
    out: dict[str, str] = {}
    for name, value in data.items():
        if str(name) not in queries:
            known = ", ".join(queries[:10]) + (" ..." if len(queries) > 10 else "")
            raise SpecError(
                f"targets: no workload query is named {name!r} (the queries: {known or 'none'}).",
                hint="name a query of the workload, as exp.workload lists them",
            )
        if isinstance(value, dict) and len(value) == 1:
            ((kind, number),) = value.items()
            value = f"{kind} >= {number}"
        m = _TEXT.match(str(value)) if isinstance(value, str | dict) else None
        if m is None or (m.group(1).lower() == "share" and float(m.group(2)) > 1):
            raise SpecError(
                f"targets: {value!r} for {name!r} is not a target.",
                hint="write 'rows >= 100' or 'share >= 0.2' (a share of the table's rows, <= 1)",
            )
        out[str(name)] = f"{m.group(1).lower()} >= {m.group(2)}"
    return out


def target_share(target: Target, table_rows: int, predicates: int, low: float) -> float:
    """The share each of a query's ``predicates`` filters takes to meet ``target``."""
    k = max(1, predicates)
    if target.kind == "share":
        wanted = min(1.0, target.value)
    else:
        wanted = min(1.0, target.value / max(1, table_rows))
    return max(low, min(MAX_SHARE, wanted ** (1.0 / k)))
