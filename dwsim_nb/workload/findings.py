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
    """An equality between columns of two tables: ``child`` looks up ``parent``."""

    query: str
    child: ColumnRef
    parent: ColumnRef
