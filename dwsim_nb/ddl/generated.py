"""Columns the DDL computes: generated columns and DEFAULT expressions.

``length_hours numeric GENERATED ALWAYS AS (round(length / 60.0, 2)) STORED`` (Postgres) or
``total NUMBER AS (qty * price)`` (Snowflake) says how the value follows from the row, so the
column becomes a derived rule with that expression. ``DEFAULT now()`` says the column holds recent
timestamps, ``DEFAULT gen_random_uuid()`` that it holds UUIDs. Warehouses get the column as a plain
one holding the computed values (a ``GENERATED ALWAYS`` column refuses loaded values).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from dwsim_nb.spec.expressions import computable
from dwsim_nb.spec.relative import RECENT_YEARS, recent_range
from dwsim_nb.spec.rules import AutoRule
from dwsim_nb.spec.tables import Column, Table
from dwsim_nb.spec.types import NUMERIC_TYPES, STRING_TYPES, TEMPORAL_TYPES

_NOW = {
    "NOW",
    "CURRENT_TIMESTAMP",
    "CURRENT_DATE",
    "LOCALTIMESTAMP",
    "GETDATE",
    "SYSDATE",
    "SYSTIMESTAMP",
    "STATEMENT_TIMESTAMP",
    "TRANSACTION_TIMESTAMP",
    "CLOCK_TIMESTAMP",
    "CURRENTTIMESTAMP",
    "CURRENTDATE",
}
_UUID = {"GEN_RANDOM_UUID", "UUID_GENERATE_V4", "UUID", "NEWID", "UUID_STRING", "UUIDSTRING"}


def _parse(text: str, dialect: str) -> exp.Expr | None:
    for read in (dialect, "postgres"):
        try:
            return sqlglot.parse_one(text, read=read)
        except (SqlglotError, ValueError, RecursionError):
            continue
    return None


def _uncast(tree: exp.Expr) -> exp.Expr:
    """pg_dump writes ``(length)::numeric``: the cast changes no value the engine computes."""

    def strip(node: exp.Expr) -> exp.Expr:
        while isinstance(node, exp.Cast | exp.TryCast):
            node = node.this
        return node

    return tree.transform(strip)


def generated_rule(
    text: str, data_type: str, columns: list[str], dialect: str = "postgres"
) -> tuple[dict[str, Any] | None, str | None]:
    """(derived rule, None) for an expression the engine computes, else (None, why not)."""
    shown = " ".join(text.split())
    tree = _parse(text, dialect)
    if tree is None:
        return None, f"expression ({shown}) could not be read"
    tree = _uncast(tree)
    if data_type not in NUMERIC_TYPES:
        return None, f"a computed {data_type} column ({shown}) is not computed by the generator"
    names = {c.lower(): c for c in columns}
    for node in tree.walk():
        if not computable(node):
            return None, f"expression ({shown}) uses {node.sql()!r}, which is not computed"
        if isinstance(node, exp.Column):
            if node.name.lower() not in names:
                return None, f"expression ({shown}) names '{node.name}', not a column"
            node.set("this", exp.to_identifier(names[node.name.lower()]))
            node.set("table", None)
    expression = tree.sql()
    reason = f"GENERATED ALWAYS AS ({shown})"
    return {"kind": "derived", "expression": expression, "reason": reason}, None


def _function_name(node: exp.Expr) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    if isinstance(node, exp.Func):
        return node.key.upper()
    if isinstance(node, exp.Column) and not node.table:
        return node.name.upper()  # CURRENT_TIMESTAMP written as a bare word
    return None


def _is_now(node: exp.Expr) -> bool:
    while isinstance(node, exp.Cast | exp.TryCast | exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this.strip().lower() in ("now", "today")  # pg_dump: ('now'::text)::date
    name = _function_name(node)
    return name is not None and (name in _NOW or name.replace("_", "") in _NOW)


def _is_uuid(node: exp.Expr) -> bool:
    while isinstance(node, exp.Cast | exp.TryCast | exp.Paren):
        node = node.this
    name = _function_name(node)
    return name is not None and (name in _UUID or name.replace("_", "") in _UUID)


def default_expression_rule(
    text: str, data_type: str, today: dt.date | None = None
) -> dict[str, Any] | None:
    """The rule ``DEFAULT text`` gives when it is an expression: now() or a new UUID."""
    tree = _parse(text, "postgres")
    if tree is None:
        return None
    reason = f"DEFAULT {' '.join(text.split())}"
    if data_type in TEMPORAL_TYPES and data_type != "TIME" and _is_now(tree):
        today = today or dt.date.today()
        first, last = recent_range(today, timestamp=data_type != "DATE")
        # The ends move with the run's today (as_of): values never after it.
        rule: dict[str, Any] = {
            "kind": "datetime",
            "start": first,
            "end": last,
            "as_of": today,
            "reason": f"{reason} (the {RECENT_YEARS} years before today)",
        }
        return rule
    if (data_type == "UUID" or data_type in STRING_TYPES) and _is_uuid(tree):
        return {"kind": "uuid", "reason": reason}
    return None


def computed_rule(
    col: Column, table: Table, dialect: str, notes: list[str]
) -> dict[str, Any] | None:
    """The derived rule of a generated column without a rule of its own; a note when the
    expression is beyond the engine (the column then gets values as any other column)."""
    text = col.physical.get("generated_expression")
    if not text or not (col.rule is None or isinstance(col.rule, AutoRule)):
        return None
    found, why = generated_rule(str(text), col.data_type, [c.name for c in table.columns], dialect)
    if found is None:
        notes.append(
            f"table '{table.name}', column '{col.name}': {why}; the column gets values from its "
            "name and type (give it a rule to compute it)"
        )
    return found
