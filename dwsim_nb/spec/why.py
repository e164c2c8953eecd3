"""Why each column's values look the way they do: the inferred rules of a spec with their reason.

Every inferred rule carries a short ``reason`` saying where it came from ("CHECK (...)",
"DEFAULT 4.99", "faker email (looks like an e-mail address)", "comment ...", "calendar ...").
:func:`inferred_rules` lists them, each with the kind of source its reason names, so the import
result can show "what was read from the DDL" apart from "what was guessed from a name". A rule
the user wrote has no reason and is not listed: there is nothing to explain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from dwsim_nb.spec.models import Column, ExperimentSpec, Table

# The first words of a reason and the kind of source they name, most specific first. A reason
# that starts with none of these came from the column's name or type ("name").
_SOURCE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("check", "CHECK"),
    ("domain", "CHECK"),
    ("default", "DEFAULT"),
    ("generated", "GENERATED"),
    ("computed", "GENERATED"),
    ("as (", "GENERATED"),
    ("identity", "sequence"),
    ("sequence", "sequence"),
    ("enum", "enum"),
    ("comment", "comment"),
    ("width", "width"),
    ("precision", "width"),
    ("array", "type"),
    ("timestamp in", "type"),
    ("date in", "type"),
    ("time in", "type"),
    ("vector", "type"),
    ("calendar", "calendar"),
    ("date dimension", "calendar"),
    ("hierarchy", "hierarchy"),
    ("through ", "through"),
    ("parent's value", "parent"),
    ("lookup", "lookup"),
    ("arithmetic", "arithmetic"),
    ("sum of", "arithmetic"),
    ("count of", "arithmetic"),
    ("time order", "time order"),
    ("status:", "status"),
    ("record", "record"),
    ("from the workload", "workload"),
)

# The kind of a key read from names where the DDL declared none (:mod:`.implied_keys`).
KEY_SOURCE = "key"

# The order kinds are listed in: what the DDL said first, then what was derived, then names.
SOURCE_ORDER: tuple[str, ...] = (
    "CHECK",
    "DEFAULT",
    "GENERATED",
    "sequence",
    "enum",
    "comment",
    "width",
    "type",
    "calendar",
    "hierarchy",
    "through",
    "parent",
    "lookup",
    "arithmetic",
    "time order",
    "status",
    "record",
    KEY_SOURCE,
    "workload",
    "name",
)


def source_kind(reason: str) -> str:
    """The kind of source a reason names (``CHECK``, ``DEFAULT`` ... else ``name``)."""
    low = reason.strip().lower()
    if "; status: " in low and not low.startswith(("check", "default", "comment")):
        return "status"  # "timestamp in 2023-2025; status: set only where status is canceled"
    timed = "name: after " in low or "name: before " in low
    if timed and not low.startswith(("check", "default", "comment", "date dimension")):
        return "time order"  # "timestamp in 2023-2025; name: after rental_date (return follows)"
    for prefix, kind in _SOURCE_PREFIXES:
        if low.startswith(prefix):
            return kind
    if "is a lookup of" in low:  # "country names (the table 'country' is a lookup of them)"
        return "lookup"
    return "name"


@dataclass(frozen=True)
class InferredRule:
    """One row of the "why" table."""

    table: str
    column: Column
    reason: str
    source: str


def inferred_rules(spec: ExperimentSpec) -> list[InferredRule]:
    """The spec's inferred rules, grouped by source kind (CHECK first, names last), in table
    and column order within a kind."""
    rows: list[tuple[int, int, int, InferredRule]] = []
    for ti, table in enumerate(spec.tables):
        for ci, col in enumerate(table.columns):
            implied = _implied_reason(table, col.name)
            reason = _reason(col) or _key_reason(table, col.name)
            if implied is not None:
                reason, kind = "; ".join(r for r in (implied, reason) if r), KEY_SOURCE
            elif reason is None:
                continue
            else:
                kind = source_kind(reason)
            rows.append(
                (
                    SOURCE_ORDER.index(kind),
                    ti,
                    ci,
                    InferredRule(table.name, col, reason, kind),
                )
            )
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]


def source_counts(rules: list[InferredRule]) -> list[tuple[str, int]]:
    """How many rules came from each kind of source, in :data:`SOURCE_ORDER`."""
    counts = Counter(r.source for r in rules)
    return [(k, counts[k]) for k in SOURCE_ORDER if counts[k]]


def _reason(col: Column) -> str | None:
    rule = col.rule
    reason = getattr(rule, "reason", None) if rule is not None else None
    return reason.strip() if isinstance(reason, str) and reason.strip() else None


def _key_reason(table: Table, column: str) -> str | None:
    """A foreign key column's inferred cardinality (a hierarchy ``match``, a ``through``
    path) and its reason."""
    for fk in table.foreign_keys:
        card = fk.cardinality
        if card is not None and card.reason and column in fk.columns:
            return card.reason.strip() or None
    return None


def _implied_reason(table: Table, column: str) -> str | None:
    """Why ``column`` is a key read from names: the table's inferred primary key or an
    inferred foreign key (None when its keys were declared)."""
    parts = []
    if table.inferred_key is not None and column in table.primary_key:
        parts.append(table.inferred_key.reason)
    parts += [fk.inferred for fk in table.foreign_keys if fk.inferred and column in fk.columns]
    return "; ".join(parts) or None
