"""The current database and schema while a script is read: where unqualified tables go.

``USE SCHEMA raw_pos`` (Snowflake), ``USE DATABASE tb_101``, ``SET search_path TO raw, public``
(PostgreSQL, Redshift) and, in Snowflake, ``CREATE DATABASE`` / ``CREATE SCHEMA`` (which make the
new one current) change where a later ``CREATE TABLE orders`` puts ``orders``. The statements are
still noted as skipped: they create no table.
"""

from __future__ import annotations

from dwsim_nb.ddl.cursor import Cursor, ParseFail
from dwsim_nb.ddl.script import Script
from dwsim_nb.spec.names import DEFAULT_SCHEMAS

_CREATE_MODIFIERS = {"OR", "REPLACE", "TRANSIENT", "IF", "NOT", "EXISTS"}


def _name(cur: Cursor) -> list[str] | None:
    try:
        parts, _, _ = cur.qualified_name("a name")
    except ParseFail:
        return None
    return parts


def _schema(script: Script, parts: list[str]) -> None:
    if len(parts) >= 2:
        script.database = parts[-2]
    script.schema = None if parts[-1].lower() in DEFAULT_SCHEMAS else parts[-1]


def set_namespace(cur: Cursor, script: Script) -> None:
    """Update ``script``'s current database and schema from a USE / SET / CREATE statement at
    the cursor; the cursor is left where it was."""
    start = cur.i
    try:
        _read(cur, script)
    finally:
        cur.i = start


def _read(cur: Cursor, script: Script) -> None:
    first = cur.word()
    cur.i += 1
    if first == "USE":
        kind = cur.word()
        if kind in ("ROLE", "WAREHOUSE", "SECONDARY"):
            return
        if kind in ("DATABASE", "SCHEMA"):
            cur.i += 1
        parts = _name(cur)
        if not parts:
            return
        if kind == "SCHEMA" or (kind is None and len(parts) == 2):
            _schema(script, parts)
        else:  # USE DATABASE x, or Snowflake's bare USE x
            script.database, script.schema = parts[-1], None
        return
    if first == "SET":
        if (cur.word() or "").replace("_", "") != "SEARCHPATH":
            return
        cur.i += 1
        if cur.word() == "TO" or (cur.peek() is not None and cur.peek().text == "="):  # type: ignore[union-attr]
            cur.i += 1
        while not cur.at_end():
            tok = cur.peek()
            assert tok is not None
            text = tok.text.strip("'\"")
            if text and text not in (",", "$user") and text.isidentifier():
                script.schema = None if text.lower() in DEFAULT_SCHEMAS else text
                return
            cur.i += 1
        return
    if first == "CREATE":  # Snowflake: a new database or schema becomes the current one
        while cur.word() in _CREATE_MODIFIERS:
            cur.i += 1
        kind = cur.word()
        if kind not in ("DATABASE", "SCHEMA") or script.dialect != "snowflake":
            return
        cur.i += 1
        while cur.word() in _CREATE_MODIFIERS:
            cur.i += 1
        parts = _name(cur)
        if not parts:
            return
        if kind == "DATABASE":
            script.database, script.schema = parts[-1], None
        else:
            _schema(script, parts)
