"""What the extractors find in a query: plain records the fitting step turns into rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dwsim_nb.workload.analyze import ColumnRef


@dataclass(frozen=True)
class Literals:
    """One predicate comparing a column to literals (``=``, ``IN``, ``<>``, ``NOT IN``)."""

    query: str
    ref: ColumnRef
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Pattern:
    """A column compared to a LIKE pattern (``%`` any text), from LIKE or a string function."""

    query: str
    ref: ColumnRef
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """Bounds a query compares a number, date or timestamp column with (a range's ends)."""

    query: str
    ref: ColumnRef
    points: tuple[Any, ...]


@dataclass(frozen=True)
class Join:
    """An equality between columns of two tables, directly or through a chain of equalities
    (``a.x = b.x and b.x = c.x``): ``child`` looks up ``parent``. ``key_like``: the join is on
    a key-like column (a key-like name, or the parent's primary key), so the relationship is
    accepted unless the user rejects it; otherwise it is only suggested."""

    query: str
    child: ColumnRef
    parent: ColumnRef
    key_like: bool = True


@dataclass(frozen=True)
class Threshold:
    """``HAVING f(column) > value`` (f: sum, avg or count; ``ref`` None for ``count(*)``)
    over groups of ``group`` (the first GROUP BY column traced to the spec, if any)."""

    query: str
    function: str
    ref: ColumnRef | None
    value: float
    group: ColumnRef | None


@dataclass(frozen=True)
class Semijoin:
    """A subquery or join that matches ``child`` rows to ``parent`` rows through a foreign key:
    EXISTS / IN (``matching``), or NOT EXISTS / NOT IN / LEFT JOIN ... IS NULL (not matching)."""

    query: str
    child: ColumnRef
    parent: ColumnRef
    matching: bool


@dataclass(frozen=True)
class Reach:
    """A table a query reads as the parent of another table it reads (through a foreign key)."""

    query: str
    table: str


@dataclass(frozen=True)
class DatePair:
    """Two date or timestamp columns of one table compared with each other, or subtracted."""

    query: str
    first: ColumnRef
    second: ColumnRef
