"""What the reader collects from a script before it becomes a spec.

Statements refer to each other (an ALTER TABLE adds a key to a table created earlier, a column's
type is an enum created above, ``REFERENCES t`` means t's primary key), so they are gathered here
first and turned into an :class:`~dwsim_nb.spec.ExperimentSpec` once the whole script is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dwsim_nb.dialects import by_name
from dwsim_nb.spec.names import DEFAULT_SCHEMAS


def identity(name: str, quoted: bool, dialect: str) -> str:
    """What ``name`` is to ``dialect``: unquoted names fold (PostgreSQL and Redshift to lower
    case, Snowflake to upper), quoted ones keep their case; DuckDB and SQLite match every name
    without case. Two names with one identity are one object in that dialect."""
    record = by_name(dialect)
    if record.folding == "none":
        return name.casefold()
    return name if quoted else record.fold(name)


@dataclass
class RawForeignKey:
    columns: list[str]
    ref_parts: list[str]  # the referenced table as written, possibly schema-qualified
    ref_columns: list[str]
    name: str | None
    line: int


@dataclass
class RawColumn:
    name: str
    fields: dict[str, Any]  # Column fields: data_type, varchar_length, precision, scale, values...
    line: int
    required: bool = False
    unique: bool = False
    quoted: bool = False


@dataclass
class RawTable:
    name: str
    parts: list[str]
    source_name: str
    line: int
    columns: list[RawColumn] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[RawForeignKey] = field(default_factory=list)
    physical: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    quoted: bool = False
    written: list[str] = field(default_factory=list)  # the name as the script wrote it
    # CHECKs ordering two columns: (smaller, larger, strict, reason); see ddl/orders.py
    orders: list[tuple[str, str, bool, str]] = field(default_factory=list)

    def column(self, name: str) -> RawColumn | None:
        for col in self.columns:
            if col.name == name:
                return col
        low = name.lower()
        for col in self.columns:
            if col.name.lower() == low:
                return col
        return None


@dataclass
class Domain:
    """A Postgres domain: a base type with optional NOT NULL, DEFAULT and CHECK (VALUE IN ...)."""

    fields: dict[str, Any]
    required: bool = False
    default: str | None = None


@dataclass
class Script:
    """Everything read so far, plus the notes and warnings for the user."""

    dialect: str
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by lower-case name
    enums: dict[str, list[str]] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)
    sequences: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (start, step)
    comments: list[tuple[list[str], str, int]] = field(default_factory=list)
    partitions: list[tuple[list[str], list[str], int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    # The current database and schema (USE, SET search_path, Snowflake's CREATE SCHEMA):
    # unqualified tables created after them are placed there.
    database: str | None = None
    schema: str | None = None

    def qualify(self, parts: list[str]) -> list[str]:
        """A table name as written, placed: an unqualified name in the current schema, a
        two-part one in the current database; a dialect's default schema (``public``,
        ``main``) is dropped, so ``public.film`` is the table ``film`` of a script without
        schemas."""
        parts = list(parts)
        if len(parts) == 1 and self.schema:
            parts = [self.schema, *parts]
        if len(parts) == 2 and self.database:
            parts = [self.database, *parts]
        if len(parts) == 2 and parts[0].lower() in DEFAULT_SCHEMAS:
            parts = parts[1:]
        if len(parts) == 3 and parts[1].lower() in DEFAULT_SCHEMAS and not self.database:
            parts = parts[2:]
        return parts[-3:]

    def find_table(self, parts: list[str]) -> RawTable | None:
        """Find a table by a possibly qualified name, ignoring case: as placed in the current
        schema, then as written, then the one table whose name ends so, then by its last part."""
        if not parts:
            return None
        for candidate in (self.qualify(parts), parts):
            found = self.tables.get(".".join(candidate).lower())
            if found is not None:
                return found
        wanted = [p.lower() for p in parts]
        hits = [
            t
            for t in self.tables.values()
            if [p.lower() for p in t.parts[-len(wanted) :]] == wanted
        ]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
        return self.tables.get(parts[-1].lower())

    def sequence_for(self, name: str) -> tuple[int, int] | None:
        low = name.lower()
        if low in self.sequences:
            return self.sequences[low]
        short = low.split(".")[-1]
        for key, value in self.sequences.items():
            if key.split(".")[-1] == short:
                return value
        return None
