"""Which table a name means: a table's identity is (database, schema, name).

A spec may hold one table name in several schemas (``raw.orders`` and ``staging.orders``), so a
table is known by its *key*: its parts joined by dots (``orders``, ``raw.orders``,
``tb_101.raw_pos.truck``). A table without a schema keeps its bare name as its key, so specs
without schemas (and their fingerprints, seeds and run folders) are what they were.

A lookup resolves a key, or a name with fewer parts when it fits exactly one table
(``orders`` when only one schema has it); with several it refuses and lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from dwsim_nb.errors import SpecError

# The schema a dialect puts unqualified tables in: a table there is a table without a schema.
DEFAULT_SCHEMAS = frozenset({"public", "main", "dbo"})


class NamedTable(Protocol):
    name: str

    @property
    def key(self) -> str: ...

    @property
    def parts(self) -> tuple[str, ...]: ...


class AmbiguousTableError(SpecError, KeyError):
    """A short name that fits several tables (a KeyError too, as every failed lookup is)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return SpecError.__str__(self)


def table_key(name: str, schema: str | None = None, database: str | None = None) -> str:
    """The key of a table: its non-empty parts, outermost first, joined by dots."""
    return ".".join(p for p in (database, schema, name) if p)


def split_name(name: str) -> list[str]:
    """``a.b.c`` -> [a, b, c]; quotes around a part are dropped (``"raw"."orders"``)."""
    parts: list[str] = []
    current = ""
    quoted = False
    for ch in name:
        if ch == '"':
            quoted = not quoted
            continue
        if ch == "." and not quoted:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return parts


def _ends_with(parts: Sequence[str], tail: Sequence[str], fold: bool) -> bool:
    if len(tail) > len(parts):
        return False
    got = parts[len(parts) - len(tail) :]
    if fold:
        return [p.lower() for p in got] == [p.lower() for p in tail]
    return list(got) == list(tail)


def find_table(tables: Iterable[NamedTable], name: str) -> NamedTable:
    """The table ``name`` means: its key (exact, then without case), or the one table whose
    trailing parts are ``name``'s. KeyError if none, AmbiguousTableError if several."""
    tables = list(tables)
    for t in tables:
        if t.key == name:
            return t
    folded = [t for t in tables if t.key.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    wanted = split_name(name)
    for fold in (False, True):
        hits = [t for t in tables if _ends_with(t.parts, wanted, fold)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            # An unqualified table wins over schema-qualified ones of the same name.
            plain = [t for t in hits if len(t.parts) == len(wanted)]
            if len(plain) == 1:
                return plain[0]
            keys = ", ".join(sorted(t.key for t in hits))
            raise AmbiguousTableError(
                f"table name '{name}' fits {len(hits)} tables: {keys}",
                hint="qualify the name with its schema (and database), e.g. "
                f"'{sorted(t.key for t in hits)[0]}'",
            )
    raise KeyError(name)
