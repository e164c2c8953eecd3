"""CREATE TABLE in all its warehouse forms, read into a :class:`RawTable`.

Handles OR REPLACE, TEMP/TRANSIENT/UNLOGGED, IF NOT EXISTS, qualified names, Snowflake CLUSTER BY
before or after the column list, Redshift DISTSTYLE/DISTKEY/SORTKEY/BACKUP/ENCODE table options,
Postgres PARTITION BY/PARTITION OF/INHERITS, LIKE/CLONE, and CTAS with or without a column list.
"""

from __future__ import annotations

import copy

from sqlglot.tokens import TokenType

from dwsim_nb.ddl.columns import (
    LineAt,
    read_column,
    read_table_constraint,
)
from dwsim_nb.ddl.ctas import read_ctas
from dwsim_nb.ddl.cursor import STRING_TYPES, Cursor, ParseFail
from dwsim_nb.ddl.script import RawColumn, RawTable, Script
from dwsim_nb.ddl.types import TypeText, resolve_type
from dwsim_nb.dialects import DIALECTS

TABLE_MODIFIERS = {
    "GLOBAL",
    "LOCAL",
    "TEMP",
    "TEMPORARY",
    "TRANSIENT",
    "VOLATILE",
    "UNLOGGED",
    "EXTERNAL",
    "HYBRID",
    "ICEBERG",
    "DYNAMIC",
    "MULTISET",
    "SET",
    "SHARDED",
    "FOREIGN",
}
# Every accepted spelling -> the sqlglot dialect that reads it.
SQLGLOT_DIALECT = {s: d.sqlglot for d in DIALECTS for s in d.spellings}


class PartitionOf(Exception):
    """``CREATE TABLE child PARTITION OF parent``: the child is the parent's data, not a table."""

    def __init__(self, child: list[str], parent: list[str]) -> None:
        super().__init__(".".join(parent))
        self.child = child
        self.parent = parent


def read_create_table(cur: Cursor, script: Script, line_at: LineAt) -> RawTable:
    """Read from after CREATE to the end of the statement."""
    modifiers: list[str] = []
    cur.accept("OR", "REPLACE")
    while cur.word() in TABLE_MODIFIERS:
        modifiers.append(cur.next().text.upper())
    if not cur.accept("TABLE"):
        raise ParseFail("expected TABLE", cur.offset())
    cur.accept("IF", "NOT", "EXISTS")
    written, a, b = cur.qualified_name("the table name")
    parts = script.qualify(written)
    table = RawTable(parts[-1], parts, cur.text[a:b], line_at(a), quoted=cur.last_quoted())
    table.written = written
    if {"TEMP", "TEMPORARY"} & set(modifiers):
        table.physical["temporary"] = True
    for m in ("TRANSIENT", "UNLOGGED", "EXTERNAL", "VOLATILE"):
        if m in modifiers:
            table.physical[m.lower()] = True
    _read_head(cur, table, script)
    if cur.is_type(TokenType.L_PAREN):
        _read_elements(cur, table, script, line_at)
    _read_options(cur, table, script)
    if not table.columns:
        raise ParseFail(f"table '{table.name}' has no column list", a)
    return table


def _read_head(cur: Cursor, table: RawTable, script: Script) -> None:
    """Clauses between the name and the column list (Snowflake CLUSTER BY, PARTITION OF, LIKE)."""
    while not cur.at_end() and not cur.is_type(TokenType.L_PAREN):
        if cur.accept("CLUSTER", "BY"):
            cur.accept("LINEAR")
            table.physical["cluster_by"] = cur.name_list()
        elif cur.accept("PARTITION", "OF"):
            parent, _, _ = cur.qualified_name("the parent table")
            raise PartitionOf(table.written or table.parts, parent)
        elif cur.word() in ("LIKE", "CLONE"):
            cur.i += 1
            _copy_from(cur, table, script)
        elif cur.word() == "AS" or (cur.word() == "WITH" and table.columns):
            return
        elif cur.word() in ("COPY", "GRANTS", "OF"):
            cur.i += 1
        else:
            return


def _copy_from(cur: Cursor, table: RawTable, script: Script) -> None:
    parts, a, _ = cur.qualified_name("the table to copy")
    source = script.find_table(parts)
    if source is None:
        raise ParseFail(f"LIKE/CLONE names table '{'.'.join(parts)}', not created above", a)
    table.columns.extend(copy.deepcopy(source.columns))
    table.primary_key = table.primary_key or list(source.primary_key)


def line_comment(cur: Cursor, a: int, b: int) -> str | None:
    """The ``-- ...`` comment that ends the line of the element ``a``..``b`` (``amount integer
    -- stored in cents``), read as a COMMENT would be; a comment on a line of its own belongs
    to no column."""
    for j in (b, b - 1):
        tok = cur.tokens[j] if a <= j < len(cur.tokens) else None
        if tok is None or not tok.comments or (j == b and tok.token_type != TokenType.COMMA):
            continue
        rest = cur.text[tok.end + 1 :].split("\n", 1)[0]
        if rest.lstrip().startswith(("--", "/*")):
            text = " ".join(c.strip() for c in tok.comments if c.strip())
            return text or None
    return None


def _read_elements(cur: Cursor, table: RawTable, script: Script, line_at: LineAt) -> None:
    untyped: list[RawColumn] = []
    for a, b in cur.split_group():
        sub = cur.sub(a, b)
        line = line_at(cur.tokens[a].start)
        first = sub.word()
        if first == "LIKE":
            sub.i += 1
            _copy_from(sub, table, script)
            continue
        if first in ("PRIMARY", "FOREIGN", "CONSTRAINT", "CHECK", "EXCLUDE") or (
            first == "UNIQUE"
            and (sub.is_type(TokenType.L_PAREN, 1) or sub.word(1) in ("KEY", "INDEX"))
        ):
            if not read_table_constraint(sub, table, line):
                raise ParseFail("a constraint this reader does not know", cur.tokens[a].start)
            continue
        if first in ("KEY", "INDEX", "FULLTEXT", "SPATIAL") and _is_index(sub):
            continue  # MySQL-style secondary index: not a key the data must respect
        col, tt = read_column(sub, table, script, line)
        said = line_comment(cur, a, b)
        if said and not col.fields.get("comment"):
            col.fields["comment"] = said
        if tt is None:
            untyped.append(col)
        if not sub.at_end():
            tok = sub.peek()
            assert tok is not None
            raise ParseFail(f"unexpected {tok.text!r} in column '{col.name}'", tok.start)
    if untyped:
        table.physical["_untyped"] = [c.name for c in untyped]


def _is_index(sub: Cursor) -> bool:
    if sub.is_type(TokenType.L_PAREN, 1):
        return True
    return sub.is_type(TokenType.L_PAREN, 2) and resolve_type(TypeText([sub.word(1) or ""])) is None


def _read_options(cur: Cursor, table: RawTable, script: Script) -> None:
    """Table options after the column list; AS starts a CTAS query."""
    phys = table.physical
    while not cur.at_end():
        if cur.accept("DISTSTYLE"):
            phys["diststyle"] = cur.next().text.lower()
        elif cur.accept("DISTKEY"):
            names = cur.name_list()
            phys["distkey"] = names[0] if names else None
            phys.setdefault("diststyle", "key")
        elif cur.word() in ("COMPOUND", "INTERLEAVED", "SORTKEY"):
            style = cur.next().text.lower()
            if style != "sortkey":
                cur.accept("SORTKEY")
                phys["sortkey_style"] = style
            if cur.accept("AUTO"):
                phys["sortkey"] = "auto"
            else:
                phys["sortkey"] = cur.name_list()
        elif cur.accept("BACKUP"):
            phys["backup"] = cur.next().text.upper() not in ("NO", "FALSE", "OFF")
        elif cur.accept("ENCODE"):
            phys["encode"] = cur.next().text.lower()
        elif cur.accept("CLUSTER", "BY"):
            cur.accept("LINEAR")
            phys["cluster_by"] = cur.name_list()
        elif cur.accept("PARTITION", "BY"):
            start = cur.i
            if cur.word() in ("RANGE", "LIST", "HASH"):
                cur.i += 1
            if cur.is_type(TokenType.L_PAREN):
                cur.skip_group()
            phys["partition_by"] = cur.span_text(start, cur.i)
        elif cur.accept("INHERITS"):
            names = cur.name_list()
            if not table.columns and len(names) == 1:
                # A child with no columns of its own (only CHECK constraints on the parent's
                # columns) is an inheritance partition, as older pg_dumps write them: it holds
                # the parent's rows, so it is folded into the parent like PARTITION OF.
                parent = script.find_table(names[0].split("."))
                if parent is not None:
                    child = table.written or table.parts
                    script.partitions.append((child, names[0].split("."), table.line))
            for name in names:
                parent = script.find_table(name.split("."))
                if parent is not None:
                    own = {c.name.lower() for c in table.columns}
                    inherited = [
                        copy.deepcopy(c) for c in parent.columns if c.name.lower() not in own
                    ]
                    table.columns[:0] = inherited
            phys["inherits"] = True
        elif cur.accept("COMMENT"):
            cur.accept_type(TokenType.EQ)
            tok = cur.next()
            if tok.token_type in STRING_TYPES:
                table.comment = tok.text
        elif cur.accept("AS"):
            read_ctas(cur.rest_text(), table, script, SQLGLOT_DIALECT.get(script.dialect, ""))
            cur.i = len(cur.tokens)
        elif cur.is_type(TokenType.L_PAREN):
            cur.skip_group()
        else:
            cur.i += 1  # WITH (...), TABLESPACE x, ON COMMIT ..., DATA_RETENTION_TIME_IN_DAYS = n
    untyped = phys.pop("_untyped", None)
    if untyped:
        for col in table.columns:
            if "data_type" not in col.fields:
                col.fields["data_type"] = "TEXT"
                script.warnings.append(
                    f"line {col.line}: table '{table.name}', column '{col.name}' has no type; "
                    "imported as TEXT (give it a type in the spec)"
                )
