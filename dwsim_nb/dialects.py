"""One record per SQL dialect: the only place that lists dialects and what differs between them.

Every other module asks this one: which names a user may type for a dialect (``postgresql``,
``pg``, ``generic`` ...), the sqlglot dialect that reads and prints it, how unquoted identifiers
fold, whether declared keys are enforced, where NULLs sort, and which dialects are warehouses.
It imports nothing of the project but the error family, so every layer may read it.

>>> resolve("PostgreSQL").name
'postgres'
>>> by_name("snowflake").fold("Orders")
'ORDERS'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from dwsim_nb.errors import DwsimError

Folding = Literal["lower", "upper", "none"]
# sqlglot's names for where NULLs sort in an ascending ORDER BY.
NullOrdering = Literal["nulls_are_small", "nulls_are_large", "nulls_are_last"]


@dataclass(frozen=True)
class Dialect:
    """What the project knows of one SQL dialect."""

    name: str
    sqlglot: str
    aliases: tuple[str, ...] = ()
    folding: Folding = "lower"
    enforces_keys: bool = True
    null_ordering: NullOrdering = "nulls_are_large"
    warehouse: bool = True
    # logical spec type -> this dialect's spelling (filled in by the writer's type map)
    types: Mapping[str, str] = field(default_factory=dict)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def fold(self, identifier: str) -> str:
        """An unquoted identifier as the dialect stores it."""
        if self.folding == "lower":
            return identifier.lower()
        if self.folding == "upper":
            return identifier.upper()
        return identifier


DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        "redshift",
        "redshift",
        aliases=("rs", "aws-redshift", "amazon-redshift"),
        folding="lower",
        enforces_keys=False,
    ),
    Dialect(
        "snowflake",
        "snowflake",
        aliases=("sf", "snow"),
        folding="upper",
        enforces_keys=False,
    ),
    Dialect("postgres", "postgres", aliases=("postgresql", "pg", "psql", "pgsql"), folding="lower"),
    # DuckDB and SQLite keep names as written and match them without regard to case.
    Dialect("duckdb", "duckdb", aliases=("duck",), folding="none", null_ordering="nulls_are_last"),
    Dialect(
        "sqlite", "sqlite", aliases=("sqlite3",), folding="none", null_ordering="nulls_are_small"
    ),
    Dialect(
        "ansi",
        "",
        aliases=("generic", "standard", "sql"),
        folding="upper",
        warehouse=False,
    ),
)

DIALECT_NAMES: tuple[str, ...] = tuple(d.name for d in DIALECTS)
WAREHOUSE_NAMES: tuple[str, ...] = ("duckdb", "sqlite", "postgres", "redshift", "snowflake")

_BY_SPELLING: dict[str, Dialect] = {s: d for d in DIALECTS for s in d.spellings}


class UnknownDialectError(DwsimError):
    """A dialect or warehouse name that is not known (with a 'did you mean')."""


def _normal(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _unknown(kind: str, name: object, choices: tuple[str, ...]) -> UnknownDialectError:
    text = name if isinstance(name, str) else repr(name)
    close = difflib.get_close_matches(_normal(text), choices, n=1) if isinstance(name, str) else []
    hint = f"use one of {', '.join(choices)}"
    if close:
        hint = f"did you mean {close[0]!r}? " + hint
    return UnknownDialectError(f"unknown {kind} {text!r}.", hint=hint)


def by_name(name: str) -> Dialect:
    """The record of a canonical dialect name (a programming error if unknown)."""
    return _BY_SPELLING[name]


def resolve(name: object) -> Dialect:
    """The dialect a user means by ``name`` (any accepted spelling, any case)."""
    if isinstance(name, str):
        found = _BY_SPELLING.get(_normal(name))
        if found is not None:
            return found
    raise _unknown("SQL dialect", name, DIALECT_NAMES)


def canonical(name: object) -> str:
    """The canonical dialect name for any accepted spelling (``'PostgreSQL'`` -> ``'postgres'``)."""
    return resolve(name).name


def warehouse_name(name: object) -> str:
    """The canonical warehouse name for a user's spelling (``'pg'`` -> ``'postgres'``)."""
    if isinstance(name, str):
        found = _BY_SPELLING.get(_normal(name))
        if found is not None and found.warehouse:
            return found.name
    raise _unknown("warehouse", name, WAREHOUSE_NAMES)
