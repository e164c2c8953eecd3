"""Column definitions and key constraints inside CREATE TABLE and ALTER TABLE.

Warehouse-specific column options (Redshift ENCODE/DISTKEY/SORTKEY, Snowflake COLLATE/COMMENT/
AUTOINCREMENT, Postgres GENERATED AS IDENTITY) are read here and kept as metadata or turned into
sequence rules, since sqlglot's parser rejects several of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlglot.tokens import TokenType

from dwsim_nb.ddl.arrays import array_fields, enum_array_fields
from dwsim_nb.ddl.cursor import STRING_TYPES, Cursor, ParseFail
from dwsim_nb.ddl.hints import check_rule, merge_ranges
from dwsim_nb.ddl.orders import order_pairs
from dwsim_nb.ddl.script import RawColumn, RawForeignKey, RawTable, Script
from dwsim_nb.ddl.types import SERIAL_TYPES, TypeText, resolve_type

# Words that end a column's type and start its options.
COLUMN_OPTION_WORDS = {
    "NOT",
    "NULL",
    "DEFAULT",
    "PRIMARY",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "COLLATE",
    "COMMENT",
    "IDENTITY",
    "AUTOINCREMENT",
    "AUTO_INCREMENT",
    "GENERATED",
    "ENCODE",
    "DISTKEY",
    "SORTKEY",
    "AS",
    "MASKING",
    "WITH",
    "TAG",
    "ON",
    "PROJECTION",
    "STORAGE",
    "COMPRESSION",
    "KEY",
    "ENABLE",
    "DISABLE",
    "NOVALIDATE",
    "VALIDATE",
    "RELY",
    "NORELY",
    "DEFERRABLE",
    "INITIALLY",
    "ORDER",
    "NOORDER",
    "USING",
    "CHARACTER",
    "CHARSET",
}
TABLE_CONSTRAINT_WORDS = {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE", "CONSTRAINT"}
_NEXTVAL = re.compile(r"""^\s*nextval\s*\(\s*'([^']+)'""", re.IGNORECASE)
_SNOWFLAKE_NEXTVAL = re.compile(r"^\s*([\w.\"]+)\.nextval\s*$", re.IGNORECASE)

LineAt = Callable[[int], int]


def read_type(cur: Cursor) -> TypeText | None:
    """Read a type up to the first column option; None when the column has no type."""
    start = cur.i
    words: list[str] = []
    args: list[str] = []
    enum_labels: list[str] | None = None
    array = False
    while not cur.at_end():
        w = cur.word()
        tok = cur.peek()
        assert tok is not None
        if w in ("WITH", "WITHOUT") and cur.word(1) in ("TIME", "LOCAL"):
            while cur.word() in ("WITH", "WITHOUT", "LOCAL", "TIME", "ZONE"):
                words.append(cur.word() or "")
                cur.i += 1
            continue
        if w in ("VARYING", "PRECISION", "ZONE") and words:
            words.append(w)
            cur.i += 1
            continue
        if w is not None and words and w in COLUMN_OPTION_WORDS:
            break
        if w is not None and not words and w in COLUMN_OPTION_WORDS - {"CHARACTER", "KEY"}:
            break
        if tok.token_type == TokenType.L_PAREN:
            if not words:
                break
            items = cur.split_group()
            if not args and enum_labels is None:
                texts = [cur.span_text(a, b) for a, b in items]
                if words[-1] in ("ENUM", "SET") and all(
                    b - a == 1 and cur.tokens[a].token_type in STRING_TYPES for a, b in items
                ):
                    enum_labels = [cur.tokens[a].text for a, _ in items]
                else:
                    args = texts
            continue
        if tok.token_type == TokenType.L_BRACKET:
            array = True
            depth = 0
            while not cur.at_end():
                t = cur.next()
                if t.token_type == TokenType.L_BRACKET:
                    depth += 1
                elif t.token_type == TokenType.R_BRACKET:
                    depth -= 1
                    if depth == 0:
                        break
            continue
        if tok.token_type == TokenType.DOT and words:
            # schema-qualified type (a domain or enum): keep only its own name
            cur.i += 1
            words = []
            continue
        if tok.token_type == TokenType.IDENTIFIER or w is not None:
            words.append(tok.text if tok.token_type == TokenType.IDENTIFIER else tok.text.upper())
            cur.i += 1
            continue
        break
    if not words:
        return None
    raw = cur.span_text(start, cur.i)
    return TypeText(words, args, array, raw, enum_labels)


def _int_after(cur: Cursor, *words: str) -> int | None:
    for w in words:
        cur.accept(w)
    cur.accept_type(TokenType.EQ)
    sign = -1 if cur.is_type(TokenType.DASH) else 1
    if sign < 0:
        cur.i += 1
    tok = cur.peek()
    if tok is not None and tok.token_type == TokenType.NUMBER and tok.text.isdigit():
        cur.i += 1
        return sign * int(tok.text)
    return None


def read_sequence_options(cur: Cursor) -> tuple[int, int]:
    """``(1, 1)``, ``START [WITH] s INCREMENT [BY] i`` or ``(START WITH s INCREMENT BY i ...)``."""
    start, step = 1, 1
    if cur.is_type(TokenType.L_PAREN):
        items = cur.split_group()
        if items and cur.tokens[items[0][0]].token_type in (TokenType.NUMBER, TokenType.DASH):
            nums = [cur.span_text(a, b).replace(" ", "") for a, b in items]
            if nums and re.fullmatch(r"-?\d+", nums[0]):
                start = int(nums[0])
            if len(nums) > 1 and re.fullmatch(r"-?\d+", nums[1]):
                step = int(nums[1])
            return start, step or 1
        a, b = (items[0][0], items[-1][1]) if items else (cur.i, cur.i)
        return read_sequence_options(cur.sub(a, b))
    while not cur.at_end():
        w = cur.word()
        if w == "START":
            value = _int_after(cur, "START", "WITH")
            start = value if value is not None else start
        elif w == "INCREMENT":
            value = _int_after(cur, "INCREMENT", "BY")
            step = value if value is not None and value != 0 else step
        elif w in (
            "SEQUENCE",
            "MINVALUE",
            "MAXVALUE",
            "CACHE",
            "NO",
            "CYCLE",
            "ORDER",
            "NOORDER",
            "NAME",
            "OWNED",
            "AS",
            "BY",
            "WITH",
        ) or (
            not cur.is_type(TokenType.L_PAREN) and w is not None and w not in COLUMN_OPTION_WORDS
        ):
            cur.i += 1
            if (w == "NAME" or (w == "AS" and cur.word() != "IDENTITY")) and not cur.at_end():
                cur.qualified_name("a name")
        elif cur.is_type(TokenType.NUMBER):
            cur.i += 1  # the argument of CACHE, MINVALUE, ...
        else:
            break
    return start, step


def _values_from_check(
    cur: Cursor, a: int, b: int, column: str | None
) -> tuple[str, list[Any]] | None:
    """``col IN ('a', 'b')`` (or ``VALUE IN`` for domains) -> (col, labels) when that simple."""
    sub = cur.sub(a, b)
    try:
        name = sub.name_part()
        if column is not None and name.upper() != "VALUE" and name.lower() != column.lower():
            return None
        if sub.is_type(TokenType.DCOLON):
            sub.i += 1
            read_type(sub)
        if not sub.accept("IN"):
            return None
        labels: list[Any] = []
        for x, y in sub.split_group():
            lit = sub.sub(x, y)
            tok = lit.next()
            if tok.token_type in STRING_TYPES:
                labels.append(tok.text)
            elif tok.token_type == TokenType.NUMBER:
                labels.append(int(tok.text) if tok.text.isdigit() else float(tok.text))
            else:
                return None
        return (name, labels) if labels and sub.at_end() else None
    except (ParseFail, ValueError):
        return None


def check_hint(
    cur: Cursor, a: int, b: int, column: str | None, fields: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """The rule ``CHECK (...)`` over tokens ``a``..``b`` states: (column, rule) or None."""
    found = check_rule(cur.span_text(a, b), column, fields)
    if found is not None:
        return found
    old = _values_from_check(cur, a, b, column)
    return (old[0], {"kind": "values", "values": old[1]}) if old else None


def _put_check(col: RawColumn, rule: dict[str, Any]) -> None:
    """Give ``col`` a CHECK's rule; a second range CHECK narrows the first."""
    old = col.fields.get("rule")
    if old is None:
        col.fields["rule"] = rule
    elif old.get("kind") == rule["kind"] == "range" and old.get("reason"):
        col.fields["rule"] = merge_ranges(old, rule)


def read_references(cur: Cursor, columns: list[str], name: str | None, line: int) -> RawForeignKey:
    parts, _, _ = cur.qualified_name("the referenced table")
    ref_cols = cur.name_list() if cur.is_type(TokenType.L_PAREN) else []
    while not cur.at_end():
        if cur.accept("ON"):
            cur.accept("DELETE") or cur.accept("UPDATE")
            if not (
                cur.accept("SET", "NULL")
                or cur.accept("SET", "DEFAULT")
                or cur.accept("NO", "ACTION")
            ):
                cur.accept("CASCADE") or cur.accept("RESTRICT")
        elif cur.accept("MATCH") or cur.word() in (
            "DEFERRABLE",
            "INITIALLY",
            "DEFERRED",
            "IMMEDIATE",
            "ENABLE",
            "DISABLE",
            "VALIDATE",
            "NOVALIDATE",
            "RELY",
            "NORELY",
            "ENFORCED",
        ):
            cur.i += 1
        elif cur.word() == "NOT" and cur.word(1) in ("DEFERRABLE", "ENFORCED", "VALID"):
            cur.i += 2
        else:
            break
    return RawForeignKey(columns, parts, ref_cols, name, line)


def read_table_constraint(cur: Cursor, table: RawTable, line: int) -> bool:
    """Read PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK at the cursor; False if it is not one."""
    name: str | None = None
    if cur.accept("CONSTRAINT"):
        name = cur.name_part("a constraint name")
    if cur.accept("PRIMARY", "KEY"):
        _skip_index_words(cur)
        table.primary_key = cur.name_list()
    elif cur.accept("UNIQUE"):
        cur.accept("KEY") or cur.accept("INDEX")
        _skip_index_words(cur)
        if not cur.is_type(TokenType.L_PAREN) and not cur.at_end():
            cur.name_part()
        cols = cur.name_list()
        if cols and cols not in table.unique:
            table.unique.append(cols)
    elif cur.accept("FOREIGN", "KEY"):
        if not cur.is_type(TokenType.L_PAREN):
            # `FOREIGN KEY name (cols)` (Redshift/MySQL style): the name sqlglot loses keys on
            name = cur.name_part("a foreign key name")
        cols = cur.name_list()
        if not cur.accept("REFERENCES"):
            raise ParseFail("FOREIGN KEY without REFERENCES", cur.offset())
        table.foreign_keys.append(read_references(cur, cols, name, line))
    elif cur.accept("CHECK"):
        a, b = cur.i + 1, 0
        cur.skip_group()
        b = cur.i - 1
        found = check_hint(cur, a, b, None)
        col = table.column(found[0]) if found else None
        if found is None:
            table.orders.extend(order_pairs(cur.span_text(a, b)))
        if col is not None:
            # read again with the column's type, so `x > 0` on an integer starts at 1
            found = check_hint(cur, a, b, None, col.fields)
            if found:
                _put_check(col, found[1])
    elif cur.word() in ("EXCLUDE", "PERIOD"):
        cur.i = len(cur.tokens)
    else:
        return name is not None  # a bare `CONSTRAINT n` with an option we do not know
    return True


def _skip_index_words(cur: Cursor) -> None:
    while cur.word() in ("CLUSTERED", "NONCLUSTERED", "USING", "BTREE", "HASH"):
        cur.i += 1


def read_column(
    cur: Cursor, table: RawTable, script: Script, line: int
) -> tuple[RawColumn, TypeText | None]:
    """Read ``name type options...``; the column is appended to ``table``."""
    name = cur.name_part("a column name")
    quoted = cur.last_quoted()
    tt = read_type(cur)
    col = RawColumn(name=name, fields={}, line=line, quoted=quoted)
    col.fields["physical"] = {}
    if tt is not None:
        _apply_type(col, tt, table, script)
    table.columns.append(col)
    _read_column_options(cur, col, table, script)
    return col, tt


def _apply_type(col: RawColumn, tt: TypeText, table: RawTable, script: Script) -> None:
    key = tt.words[-1].lower() if len(tt.words) == 1 else " ".join(tt.words).lower()
    if key in script.enums and tt.array:
        col.fields.update(enum_array_fields(tt.raw, list(script.enums[key])))
        col.fields["source_type"] = tt.raw
        return
    if key in script.enums and not tt.array:
        col.fields["data_type"] = "VARCHAR"
        col.fields["rule"] = {"kind": "values", "values": list(script.enums[key])}
        col.fields["source_type"] = tt.raw
        return
    if key in script.domains and not tt.array:
        domain = script.domains[key]
        col.fields.update({k: v for k, v in domain.fields.items() if k != "physical"})
        col.fields["source_type"] = tt.raw
        col.required = col.required or domain.required
        if domain.default is not None:
            col.fields["default"] = domain.default
        return
    resolved = resolve_type(tt)
    if resolved is None:
        script.warnings.append(
            f"line {col.line}: table '{table.name}', column '{col.name}': unknown type "
            f"{tt.raw!r}; imported as TEXT (change data_type in the spec if that is wrong)"
        )
        resolved = {"data_type": "TEXT"}
    col.fields.update(resolved)
    if tt.raw.strip().upper() != resolved["data_type"]:
        col.fields["source_type"] = tt.raw
    if resolved["data_type"] == "ARRAY" and (listed := array_fields(tt)) is not None:
        col.fields.update(listed)
    if tt.words[0] in SERIAL_TYPES and not tt.array:
        col.fields["rule"] = {"kind": "sequence", "start": 1, "step": 1}
        col.required = True


def _read_column_options(cur: Cursor, col: RawColumn, table: RawTable, script: Script) -> None:
    physical: dict[str, Any] = col.fields["physical"]
    while not cur.at_end():
        w = cur.word()
        if cur.accept("NOT", "NULL"):
            col.required = True
        elif cur.accept("NULL"):
            col.required = False
        elif cur.accept("CONSTRAINT"):
            cur.name_part("a constraint name")
        elif cur.accept("DEFAULT"):
            a = cur.skip_until_words(COLUMN_OPTION_WORDS - {"NULL", "ON", "WITH", "CHARACTER"})
            _apply_default(col, cur.span_text(a, cur.i), script)
        elif cur.accept("PRIMARY", "KEY"):
            cur.accept("ASC") or cur.accept("DESC")
            if col.name not in table.primary_key:
                table.primary_key.append(col.name)
        elif cur.accept("UNIQUE"):
            cur.accept("KEY")
            col.unique = True
        elif cur.accept("REFERENCES"):
            table.foreign_keys.append(read_references(cur, [col.name], None, col.line))
        elif cur.accept("CHECK"):
            a = cur.i + 1
            cur.skip_group()
            found = check_hint(cur, a, cur.i - 1, col.name, col.fields)
            if found:
                _put_check(col, found[1])
            else:
                table.orders.extend(order_pairs(cur.span_text(a, cur.i - 1)))
        elif cur.accept("COLLATE"):
            physical["collate"] = cur.next().text
        elif cur.accept("COMMENT"):
            cur.accept_type(TokenType.EQ)
            tok = cur.next()
            col.fields["comment"] = tok.text
        elif w in ("IDENTITY", "AUTOINCREMENT", "AUTO_INCREMENT"):
            cur.i += 1
            start, step = read_sequence_options(cur)
            col.fields["rule"] = {"kind": "sequence", "start": start, "step": step}
            physical["identity"] = w.lower()
        elif cur.accept("GENERATED"):
            if cur.accept("ALWAYS"):
                physical["generated"] = "always"
            elif cur.accept("BY", "DEFAULT"):
                cur.accept("ON", "NULL")
                physical["generated"] = "by default"
            cur.accept("AS")
            if cur.accept("IDENTITY"):
                start, step = read_sequence_options(cur)
                col.fields["rule"] = {"kind": "sequence", "start": start, "step": step}
                col.required = True
            elif cur.is_type(TokenType.L_PAREN):
                a, b = cur.skip_group()
                physical["generated_expression"] = cur.text[a:b].strip()
                physical.pop("generated", None)
        elif cur.accept("AS"):
            if cur.is_type(TokenType.L_PAREN):
                a, b = cur.skip_group()
                physical["generated_expression"] = cur.text[a:b].strip()
        elif cur.accept("ENCODE"):
            physical["encode"] = cur.next().text.lower()
        elif cur.accept("DISTKEY"):
            table.physical["diststyle"] = "key"
            table.physical["distkey"] = col.name
        elif cur.accept("SORTKEY"):
            table.physical.setdefault("sortkey", [])
            if col.name not in table.physical["sortkey"]:
                table.physical["sortkey"].append(col.name)
        elif cur.is_type(TokenType.L_PAREN):
            cur.skip_group()
        else:
            cur.i += 1  # an option that changes nothing we generate (MASKING POLICY, TAG, ...)
    if not physical:
        col.fields.pop("physical")


def _apply_default(col: RawColumn, text: str, script: Script) -> None:
    text = text.strip()
    m = _NEXTVAL.match(text) or _SNOWFLAKE_NEXTVAL.match(text)
    if m:
        start, step = script.sequence_for(m.group(1).replace('"', "")) or (1, 1)
        col.fields["rule"] = {"kind": "sequence", "start": start, "step": step}
        col.fields.setdefault("physical", {})["sequence_name"] = m.group(1)
        return
    if text:
        col.fields["default"] = text
