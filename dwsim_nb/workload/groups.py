"""Fitting what HAVING thresholds and (anti-)semijoins need: groups that pass, parents with and
without children.

- ``HAVING sum(c) > T`` / ``avg(c) > T``: a small share of rows (:data:`THRESHOLD_SHARE`) takes
  a value just above T, so every group holding one such row passes a sum (an avg passes for the
  groups made mostly of them: an approximation, documented). A CHECK range that stops below T
  is kept, and the query stays empty (coverage says why).
- ``HAVING count(*) > T`` grouped by a foreign key, and NOT EXISTS / NOT IN / anti-joins through
  one: the key's children are spread with a skew (``zipf``, s = 1.2) instead of evenly, so a few
  parents hold many children and many hold none, as customers and their orders do; a ``range``
  key gets ``min: 0`` (its layout stays, some parents get no child). An ``at_least_one`` or
  ``zipf`` key is kept, as is a key whose parent sums its children (aggregate rules need the
  range layout). The change is written to the spec's notes.
"""

from __future__ import annotations

import math
from typing import Any

from dwsim_nb.spec.linked_rules import AggregateRule
from dwsim_nb.spec.models import ExperimentSpec
from dwsim_nb.spec.tables import Cardinality, ForeignKey, Table
from dwsim_nb.spec.types import INTEGER_TYPES, NUMERIC_TYPES
from dwsim_nb.workload.analyze import ColumnRef
from dwsim_nb.workload.findings import Semijoin, Threshold

# The share of rows given a value above a HAVING sum / avg threshold.
THRESHOLD_SHARE = 0.01
ZIPF_S = 1.2


def threshold_values(
    spec: ExperimentSpec, thresholds: list[Threshold]
) -> dict[ColumnRef, list[tuple[str, Any, float, str]]]:
    """Mix entries (``value``, v, share, query) per column for sum / avg thresholds."""
    out: dict[ColumnRef, list[tuple[str, Any, float, str]]] = {}
    for t in thresholds:
        if t.function == "count" or t.ref is None:
            continue
        col = spec.table(t.ref.table).column(t.ref.column)
        if col.data_type not in NUMERIC_TYPES:
            continue
        value: Any = math.floor(t.value) + 1 if col.data_type in INTEGER_TYPES else t.value + 1
        cap = _check_max(col.rule)
        if cap is not None and value > cap:
            continue
        entries = out.setdefault(t.ref, [])
        if all(e[1] != value for e in entries):
            entries.append(("value", value, THRESHOLD_SHARE, t.query))
    return out


def _check_max(rule: Any) -> float | None:
    if rule is None or not str(getattr(rule, "reason", "") or "").startswith("CHECK"):
        return None
    top = getattr(rule, "max", None)
    return float(top) if isinstance(top, int | float) else None


def skew_keys(
    spec: ExperimentSpec, thresholds: list[Threshold], semijoins: list[Semijoin], reason: str
) -> ExperimentSpec:
    """The spec with the foreign keys that counts and anti-joins group by spread unevenly."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for t in thresholds:
        if t.function == "count" and t.group is not None:
            wanted.setdefault((t.group.table, t.group.column), []).append(t.query)
    for s in semijoins:
        if not s.matching:
            wanted.setdefault((s.child.table, s.child.column), []).append(s.query)
    for (table_name, column), queries in wanted.items():
        table = spec.table(table_name)
        fk = next((f for f in table.foreign_keys if f.columns == [column]), None)
        if fk is None or _summed(spec, table, fk):
            continue
        card = fk.cardinality
        if card is None or card.kind == "uniform":
            fk.cardinality = Cardinality(kind="zipf", s=ZIPF_S)
            how = f"skewed (zipf, s = {ZIPF_S})"
        elif card.kind == "range" and (card.min or 0) > 0:
            fk.cardinality = card.model_copy(update={"min": 0})
            how = "given parents without children (range min 0)"
        else:
            continue
        names = ", ".join(dict.fromkeys(queries))
        spec.notes.append(
            f"foreign key {table.name}({column}) -> {fk.references_table} {how}, {reason}: {names}"
        )
    return spec


def _summed(spec: ExperimentSpec, child: Table, fk: ForeignKey) -> bool:
    """Whether a parent column sums or counts this key's children (it needs their layout)."""
    parent = spec.table(fk.references_table)
    return any(
        isinstance(c.rule, AggregateRule) and c.rule.table.lower() == child.name.lower()
        for c in parent.columns
    )
