"""Unique columns and composite keys as exact functions of the row index.

A unique column maps the row index through a keyed permutation of its value domain (or through
``start + row`` by default), so values never repeat and need no memory or retries. A composite
key splits the row index into mixed-radix digits, one per column, and renders each digit with
that column's unique generator: distinct rows give distinct tuples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dwsim_nb.engine.permute import permute
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.models import Column, ForeignKey, Table
from dwsim_nb.spec.rules import (
    AutoRule,
    BooleanRule,
    CalendarRule,
    ConstantRule,
    DatetimeRule,
    DerivedRule,
    FakerRule,
    JsonRule,
    LookupRule,
    PatternRule,
    RecordRule,
    SequenceRule,
    UuidRule,
    ValuesRule,
    value_range,
)
from dwsim_nb.spec.validate import unique_domain_size

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext, Gen

_INT64_MAX = 2**63 - 1


def gen_unique_int(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    """1..N by default; a keyed permutation of the range with a range or ``shuffle``."""
    from dwsim_nb.engine.generators.numeric import int_bounds

    explicit_range = value_range(col.rule) != (None, None)
    if not explicit_range and not col.shuffle:
        return rows + np.int64(1)
    if explicit_range:
        lo, hi = int_bounds(col)
    else:
        lo, hi = 1, max(ctx.trt.n, 1)
    span = min(hi - lo + 1, _INT64_MAX)
    return permute(rows, span, ctx.subkey("unique")) + np.int64(lo)


def gen_unique_real(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    """Distinct numbers with fractions: distinct integers at the column's scale, scaled down."""
    from dwsim_nb.engine.generators.numeric import real_bounds

    scale = col.scale if col.data_type == "DECIMAL" and col.scale else 2
    lo, hi = real_bounds(col)
    unit = 10.0**-scale
    span = max(1, min(int((hi - lo) / unit) + 1, 2**52))
    return lo + permute(rows, span, ctx.subkey("unique")) * unit


def unique_generator(col: Column) -> Gen | None:
    """The generator that makes this column unique, or None if its rule is unique already."""
    from dwsim_nb.engine.generators.categorical import gen_unique_values
    from dwsim_nb.engine.generators.faker_pools import gen_faker, gen_words
    from dwsim_nb.engine.generators.numeric import is_integral
    from dwsim_nb.engine.generators.records import gen_record
    from dwsim_nb.engine.generators.strings import gen_binary, gen_unique_pattern, gen_uuid
    from dwsim_nb.engine.generators.temporal import gen_unique_datetime

    rule = col.rule
    if isinstance(rule, _UNIQUE_ALREADY) or (_no_rule(col) and col.data_type == "UUID"):
        return None
    if isinstance(rule, ValuesRule):
        return gen_unique_values
    if isinstance(rule, PatternRule):
        return gen_unique_pattern
    if isinstance(rule, FakerRule):
        return gen_faker  # adds a row-derived part when is_unique
    if isinstance(rule, RecordRule):
        return gen_record  # adds a row-derived part when is_unique
    if isinstance(rule, DatetimeRule) and not rule.after:
        return gen_unique_datetime
    if col.data_type == "UUID":
        return gen_uuid
    if col.data_type in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"):
        return gen_unique_datetime
    if is_integral(col):
        return gen_unique_int
    if col.data_type in ("DECIMAL", "FLOAT", "DOUBLE"):
        return gen_unique_real
    if col.data_type in ("CHAR", "VARCHAR", "TEXT"):
        return gen_words
    if col.data_type == "BINARY":
        return gen_binary
    return None


# Rules whose values are unique (or never can be) as they are: no unique generator applies.
_UNIQUE_ALREADY = (
    SequenceRule,
    UuidRule,
    DerivedRule,
    ConstantRule,
    JsonRule,
    BooleanRule,
    # A date dimension's day and key are one day per row already; its parts repeat by nature.
    CalendarRule,
    # A lookup is as unique as the column it maps (a country's code from its unique name).
    LookupRule,
)


def _no_rule(col: Column) -> bool:
    return col.rule is None or isinstance(col.rule, AutoRule)


def unique_by_rule(col: Column) -> bool:
    """Sequences and UUIDs (also a UUID column's default) never repeat: no domain to check."""
    return isinstance(col.rule, SequenceRule | UuidRule) or (
        _no_rule(col) and col.data_type == "UUID"
    )


def domain_of(col: Column) -> int | None:
    """Distinct values a column's unique generator can produce (None: more than any table)."""
    size = unique_domain_size(col)
    if size is not None:
        return size
    if col.data_type in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"):
        from dwsim_nb.engine.generators.temporal import bounds, unit

        lo, hi = bounds(col)
        return max(0, (hi - lo) // unit(col)) + 1
    return None


def unique_member(table: Table, key: list[str]) -> bool:
    """A column of ``key`` is unique on its own (UNIQUE, a sequence or identity, a UUID), so
    every tuple is distinct already and the key needs no mixed-radix layout: an identity column
    inside ``PRIMARY KEY (payment_id, payment_date)`` keeps ``start + step * row``."""
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    return any(
        table.column(c).is_unique or (c not in fk_columns and unique_by_rule(table.column(c)))
        for c in key
    )


@dataclass(frozen=True)
class CompositeKey:
    """Mixed-radix layout of a composite key: the columns it sets and each one's radix."""

    columns: tuple[str, ...]
    radices: tuple[int, ...]

    def digit(self, name: str, rows: np.ndarray) -> np.ndarray:
        i = self.columns.index(name)
        below = 1
        for r in self.radices[:i]:
            below *= r
        return (rows // np.int64(below)) % np.int64(self.radices[i])


def composite_layout(
    table: Table,
    key: list[str],
    n: int,
    fk_columns: set[str],
    grouped: tuple[int, ForeignKey] | None = None,
) -> CompositeKey:
    """Radices whose product covers ``n`` rows, within each column's domain.

    Key columns set by a foreign key are left to it; the other columns alone make the tuple
    unique, over all rows, or, with ``grouped`` (a range-cardinality key), over the at most
    ``max`` children of one parent. Raises GenerationError when the domains are too small.
    """
    if grouped is not None and grouped[1].cardinality is not None:
        n = min(n, grouped[1].cardinality.max or n)
    free = [c for c in key if c not in fk_columns]
    where = f"table '{table.key}', key ({', '.join(key)})"
    if not free:
        raise GenerationError(
            f"{where}: every column of the composite key comes from a foreign key, so the "
            "engine cannot make the tuples unique",
            hint="add a column of its own to the key (e.g. a line number) or drop the key",
        )
    domains = [domain_of(table.column(c)) for c in free]
    order = sorted(range(len(free)), key=lambda i: domains[i] or math.inf)
    radices = [1] * len(free)
    covered = 1
    for pos, i in enumerate(order):
        left = len(order) - pos
        need = -(-max(n, 1) // covered)  # ceil
        share = need if left == 1 else math.ceil(need ** (1.0 / left))
        dom = domains[i]
        radices[i] = max(1, min(share, dom) if dom is not None else share)
        covered *= radices[i]
    if covered < n:
        sizes = ", ".join(
            f"{c}: {'unbounded' if d is None else d}" for c, d in zip(free, domains, strict=True)
        )
        raise GenerationError(
            f"{where}: the key's columns can form at most {covered} distinct tuples "
            f"({sizes}), fewer than the {n} rows requested",
            hint="widen the columns' ranges or values, or request fewer rows",
        )
    return CompositeKey(tuple(free), tuple(radices))
