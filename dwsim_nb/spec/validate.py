"""Checks that span columns and tables: names, references, key types, cycles and value domains.

Each problem names the table and column and says how to fix it. All problems are gathered and
raised together so a user fixes a spec in one pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Protocol

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.names import find_table
from dwsim_nb.spec.rules import (
    AutoRule,
    ConstantRule,
    DatetimeRule,
    DistributionRule,
    PatternRule,
    RangeRule,
    ValuesRule,
)
from dwsim_nb.spec.types import integer_bounds, type_family

if TYPE_CHECKING:
    from dwsim_nb.spec.tables import Column, Table


class ExperimentSpec(Protocol):
    """What the checks read of a spec (the model imports this module, not the reverse)."""

    @property
    def name(self) -> str: ...

    @property
    def tables(self) -> list[Table]: ...

    @property
    def target_warehouse(self) -> str: ...


MAX_NAME_LENGTH = 127
# Experiment and table names become file and folder names (runs/<experiment>/run_N/<table>/,
# locks/<experiment>.holder.json): at most this many UTF-8 bytes leaves room for the suffixes
# within the usual 255-byte limit of a file name.
FILE_NAME_BYTES = 200
# PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and drops the rest; the Redshift
# emulator runs on PostgreSQL.
POSTGRES_NAME_BYTES = 63
# Per target warehouse, the bytes of a table or column name its engine keeps.
NAME_BYTES = {"postgres": POSTGRES_NAME_BYTES, "redshift": POSTGRES_NAME_BYTES}
_BAD_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_PATH_CHARS = re.compile(r"[/\\]")
# Kinds of names that the workspace also uses as file or folder names.
_PATH_KINDS = frozenset({"experiment", "table"})


def check_name(kind: str, name: str) -> str | None:
    """Return a problem if no target warehouse could hold ``name``; reserved words are fine."""
    if not name or not name.strip():
        return f"{kind} name is empty; give it a name"
    if _BAD_NAME_CHARS.search(name):
        return f"{kind} name {name!r} contains control characters; remove them"
    if len(name) > MAX_NAME_LENGTH:
        return (
            f"{kind} name {name[:40]!r}... is {len(name)} characters; use at most {MAX_NAME_LENGTH}"
        )
    if name != name.strip():
        return f"{kind} name {name!r} starts or ends with spaces; trim it"
    if kind in _PATH_KINDS and len(name.encode()) > FILE_NAME_BYTES:
        return (
            f"{kind} name {name[:20]!r}... is {len(name.encode())} bytes in UTF-8, too long for "
            f"a file name (255 bytes, less the suffixes the workspace adds); use at most "
            f"{FILE_NAME_BYTES} bytes"
        )
    if kind in _PATH_KINDS and (_PATH_CHARS.search(name) or name in (".", "..")):
        # Experiment and table names become folder names (runs/<experiment>/run_N/<table>/);
        # a separator or a dot folder would write, or delete, outside the workspace.
        return (
            f"{kind} name {name!r} cannot be a folder name (it contains / or \\, or is . or ..); "
            "rename it"
        )
    return None


def unique_domain_size(col: Column) -> int | None:
    """How many distinct values the column's rule can produce, or None if effectively unbounded."""
    rule = col.rule
    if isinstance(rule, ConstantRule):
        return 1
    if isinstance(rule, ValuesRule):
        return len(set(map(repr, rule.values)))
    if col.data_type == "BOOLEAN":
        return 2
    if isinstance(rule, PatternRule):
        size = 1
        for ch in rule.pattern:
            if ch == "#":
                size *= 10
            elif ch == "?":
                size *= 26
        return size
    if (
        isinstance(rule, DatetimeRule)
        and col.data_type == "DATE"
        and isinstance(rule.start, dt.date)
        and isinstance(rule.end, dt.date)
    ):
        return (_as_date(rule.end) - _as_date(rule.start)).days + 1
    whole_number = col.data_type in ("SMALLINT", "INT", "BIGINT") or (
        col.data_type == "DECIMAL" and not col.scale
    )
    if isinstance(rule, RangeRule | DistributionRule) and whole_number:
        lo_b, hi_b = integer_bounds(col.data_type, col.precision)
        lo = math.ceil(rule.min) if rule.min is not None else lo_b
        hi = math.floor(rule.max) if rule.max is not None else hi_b
        return max(0, int(hi) - int(lo) + 1)
    if col.data_type == "SMALLINT" and (rule is None or isinstance(rule, AutoRule)):
        return 2**16
    width = col.varchar_length
    if col.data_type in ("CHAR", "VARCHAR") and width is not None and width <= _CODE_WIDTH:
        # A short text key is a code of upper-case letters (engine.generators.strings).
        return 26**width
    return None


# Widths up to this hold few enough letter codes to count (26**8 is about 2e11).
_CODE_WIDTH = 8


def _as_date(v: dt.date | dt.datetime | dt.time | None) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    assert isinstance(v, dt.date)
    return v


def _table_problems(table: Table) -> list[str]:
    problems: list[str] = []
    where = f"table '{table.key}'"
    if (p := check_name("table", table.name)) is not None:
        problems.append(p)
    if not table.columns:
        problems.append(f"{where} has no columns; add at least one")
    seen: dict[str, str] = {}
    for col in table.columns:
        if (p := check_name("column", col.name)) is not None:
            problems.append(f"{where}: {p}")
        low = col.name.lower()
        if low in seen:
            problems.append(
                f"{where}: column '{col.name}' duplicates '{seen[low]}' (names are compared "
                "without case, as DuckDB and Snowflake do); rename one"
            )
        seen[low] = col.name
    names = {c.name for c in table.columns}
    for key_kind, keys in (("primary key", [table.primary_key]), ("unique key", table.unique)):
        for key in keys:
            for name in key:
                if name not in names:
                    problems.append(
                        f"{where}: {key_kind} names column '{name}', which the table does not "
                        f"have; use one of {sorted(names)}"
                    )
    for fk in table.foreign_keys:
        for name in fk.columns:
            if name not in names:
                problems.append(
                    f"{where}: foreign key to '{fk.references_table}' names column '{name}', "
                    "which the table does not have"
                )
    for col in table.columns:
        # A list of values is a lookup: a run sets its rows (often to the list's length), and
        # the engine checks the rows it will produce, so target_rows needs no edit to match.
        if not col.is_unique or isinstance(col.rule, ValuesRule):
            continue
        domain = unique_domain_size(col)
        if domain is not None and domain < table.target_rows:
            problems.append(
                f"{where}, column '{col.name}': unique, but its rule yields only {domain} distinct "
                f"values for {table.target_rows} rows; widen the range/values or lower target_rows"
            )
    return problems


def _fk_problems(spec: ExperimentSpec) -> list[str]:
    problems: list[str] = []
    by_name = {t.key: t for t in spec.tables}
    by_lower = {t.key.lower(): t for t in spec.tables}
    for table in spec.tables:
        for fk in table.foreign_keys:
            where = f"table '{table.key}', foreign key ({', '.join(fk.columns)})"
            parent = by_name.get(fk.references_table) or by_lower.get(fk.references_table.lower())
            if parent is None:
                # A shorter name that fits one table (``orders`` for ``raw.orders``).
                with contextlib.suppress(KeyError):
                    parent = find_table(spec.tables, fk.references_table)  # type: ignore[assignment]
            if parent is None:
                problems.append(
                    f"{where}: references table '{fk.references_table}', which is not in the "
                    f"experiment; add it or drop the key (tables: {sorted(by_name)})"
                )
                continue
            if parent.key != fk.references_table:
                fk.references_table = parent.key
            if not fk.references_columns:
                if not parent.primary_key:
                    problems.append(
                        f"{where}: references '{parent.key}' without columns, but "
                        f"'{parent.key}' has no primary key; name the referenced columns"
                    )
                    continue
                fk.references_columns = list(parent.primary_key)
            if len(fk.references_columns) != len(fk.columns):
                problems.append(
                    f"{where}: {len(fk.columns)} column(s) reference {len(fk.references_columns)} "
                    f"column(s) of '{parent.key}'; the counts must match"
                )
                continue
            missing = [c for c in fk.references_columns if not parent.has_column(c)]
            if missing:
                problems.append(
                    f"{where}: '{parent.key}' has no column(s) {missing}; "
                    f"use one of {[c.name for c in parent.columns]}"
                )
                continue
            if sorted(fk.references_columns) not in [sorted(k) for k in parent.unique_keys()]:
                problems.append(
                    f"{where}: references {parent.key}({', '.join(fk.references_columns)}), "
                    "which is neither its primary key nor unique; reference a unique key or "
                    "mark the column is_unique"
                )
            for child_name, parent_name in zip(fk.columns, fk.references_columns, strict=True):
                if not table.has_column(child_name):
                    continue
                child_col, parent_col = table.column(child_name), parent.column(parent_name)
                a = type_family(child_col.data_type, child_col.scale)
                b = type_family(parent_col.data_type, parent_col.scale)
                if a != b:
                    problems.append(
                        f"{where}: column '{child_name}' is {child_col.data_type} but "
                        f"{parent.key}.{parent_name} is {parent_col.data_type}; give them "
                        "the same type"
                    )
            if parent.key == table.key and not fk.nullable:
                problems.append(
                    f"{where}: a required self-reference cannot be generated (the first row has "
                    "no parent); make it nullable"
                )
    problems.extend(_cycle_problems(spec))
    return problems


def _cycle_problems(spec: ExperimentSpec) -> list[str]:
    edges: dict[str, list[str]] = {t.key: [] for t in spec.tables}
    for table in spec.tables:
        for fk in table.foreign_keys:
            if (
                not fk.nullable
                and fk.references_table != table.key
                and fk.references_table in edges
            ):
                edges[table.key].append(fk.references_table)
    cycle = find_cycle(edges)
    if cycle is None:
        return []
    path = " -> ".join([*cycle, cycle[0]])
    return [
        f"required foreign keys form a cycle: {path}; make one of these keys nullable so the "
        "cycle can be broken"
    ]


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """Return one cycle in a directed graph as a list of nodes, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :]
            if state.get(nxt, 0) == 0:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in edges:
        if state.get(node, 0) == 0:
            found = visit(node)
            if found:
                return found
    return None


def spec_problems(spec: ExperimentSpec) -> list[str]:
    """Every problem in the spec, each a sentence naming the place and the fix."""
    problems: list[str] = []
    if (p := check_name("experiment", spec.name)) is not None:
        problems.append(p)
    seen: dict[str, str] = {}
    for table in spec.tables:
        low = table.key.lower()
        if low in seen:
            problems.append(
                f"table '{table.key}' duplicates '{seen[low]}' (names are compared without case); "
                "rename one"
            )
        seen[low] = table.key
        problems.extend(_table_problems(table))
    problems.extend(_cut_name_problems(spec))
    problems.extend(_fk_problems(spec))
    return problems


def _cut_name_problems(spec: ExperimentSpec) -> list[str]:
    """Tables (or a table's columns) that the target would cut to one name."""
    limit = NAME_BYTES.get(str(spec.target_warehouse))
    if limit is None:
        return []
    problems: list[str] = []
    groups = [("table", "", [t.name for t in spec.tables])]
    groups += [("column", f"table '{t.name}': ", [c.name for c in t.columns]) for t in spec.tables]
    for kind, where, names in groups:
        seen: dict[str, str] = {}
        for name in names:
            cut = name.encode()[:limit].decode("utf-8", "ignore")
            if cut in seen and seen[cut] != name:
                problems.append(
                    f"{where}{kind} '{name}' and '{seen[cut]}' become one name on the "
                    f"{spec.target_warehouse} warehouse, which keeps only the first {limit} bytes "
                    "of a name; shorten one so they differ within that limit"
                )
            seen.setdefault(cut, name)
    return problems


def check_spec(spec: ExperimentSpec) -> None:
    problems = spec_problems(spec)
    if problems:
        # Raised as-is (pydantic passes non-ValueError exceptions through), keeping the list.
        head = (
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems: " + "; ".join(problems)
        )
        raise SpecError(head, where=f"experiment '{spec.name}'", problems=problems)
