"""Statements around the tables: ALTER TABLE, CREATE TYPE ... AS ENUM, CREATE DOMAIN,
CREATE SEQUENCE and COMMENT ON. Each records what later tables and keys need in the Script."""

from __future__ import annotations

from sqlglot.tokens import TokenType

from dwsim_nb.ddl.columns import (
    COLUMN_OPTION_WORDS,
    LineAt,
    _apply_default,
    check_hint,
    read_column,
    read_sequence_options,
    read_table_constraint,
    read_type,
)
from dwsim_nb.ddl.cursor import STRING_TYPES, Cursor, ParseFail
from dwsim_nb.ddl.script import Domain, RawColumn, Script, identity
from dwsim_nb.ddl.types import resolve_type


def read_alter_table(cur: Cursor, script: Script, line: int, line_at: LineAt) -> None:
    """ALTER TABLE [IF EXISTS] [ONLY] t action, ...; actions that change no data are noted."""
    cur.accept("IF", "EXISTS")
    cur.accept("ONLY")
    parts, _, _ = cur.qualified_name("the table name")
    table = script.find_table(parts)
    shown = ".".join(parts)
    if table is None:
        # pg_dump writes `ALTER TABLE seq OWNER TO ...` for sequences and views too: a statement
        # that changes no key or column of a missing table loses nothing, so it is only a note.
        if cur.word() in ("ADD", "ALTER", "DROP", "ATTACH", "DETACH", "RENAME"):
            script.warnings.append(
                f"line {line}: ALTER TABLE {shown}: the table is not created in this script; "
                "the statement was skipped"
            )
        else:
            words = " ".join(filter(None, (cur.word(k) for k in range(2))))
            script.notes.append(
                f"line {line}: skipped ALTER TABLE {shown} {words} (not a table of this script)"
            )
        return
    if cur.is_type(TokenType.STAR):
        cur.i += 1
    actions = _split_actions(cur)
    for a, b in actions:
        sub = cur.sub(a, b)
        act_line = line_at(cur.tokens[a].start)
        if sub.accept("ADD"):
            if sub.word() in ("CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
                read_table_constraint(sub, table, act_line)
                continue
            sub.accept("COLUMN")
            sub.accept("IF", "NOT", "EXISTS")
            col, tt = read_column(sub, table, script, act_line)
            if tt is None:
                table.columns.remove(col)
                raise ParseFail(f"ADD COLUMN {col.name} has no type", cur.tokens[a].start)
            twin = next(
                (c for c in table.columns if c is not col and c.name.lower() == col.name.lower()),
                None,
            )
            if twin is not None and _case_twins(twin, col, script.dialect):
                # Two columns to the dialect, one to an experiment (names match without case).
                table.columns.remove(col)
                raise ParseFail(
                    f"ADD COLUMN {col.name}: the table has column {twin.name}, a different "
                    "column whose name differs only by case, and an experiment matches names "
                    "without case; rename one",
                    cur.tokens[a].start,
                )
            continue
        if sub.accept("ALTER"):
            sub.accept("COLUMN")
            name = sub.name_part("a column name")
            target = table.column(name)
            if target is None:
                raise ParseFail(f"table '{table.name}' has no column '{name}'", cur.tokens[a].start)
            _alter_column(sub, target, script)
            continue
        if sub.accept("DROP"):
            sub.accept("COLUMN")
            sub.accept("IF", "EXISTS")
            if sub.word() not in ("CONSTRAINT", "NOT", "DEFAULT"):
                name = sub.name_part("a column name")
                dropped = table.column(name)
                if dropped is not None:
                    table.columns.remove(dropped)
                    continue
        if sub.accept("ATTACH", "PARTITION"):
            child, _, _ = sub.qualified_name("the partition")
            script.partitions.append((child, table.written or table.parts, act_line))
            continue
        words = " ".join(filter(None, (sub.word(k) for k in range(2))))
        script.notes.append(f"line {act_line}: skipped ALTER TABLE {shown} {words}".rstrip())


def _split_actions(cur: Cursor) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    depth, start = 0, cur.i
    for j in range(cur.i, len(cur.tokens)):
        t = cur.tokens[j].token_type
        if t == TokenType.L_PAREN:
            depth += 1
        elif t == TokenType.R_PAREN:
            depth -= 1
        elif t == TokenType.COMMA and depth == 0:
            out.append((start, j))
            start = j + 1
    if start < len(cur.tokens):
        out.append((start, len(cur.tokens)))
    return out


def _alter_column(sub: Cursor, col: RawColumn, script: Script) -> None:
    if sub.accept("SET", "DEFAULT"):
        _apply_default(col, sub.rest_text(), script)
    elif sub.accept("SET", "NOT", "NULL"):
        col.required = True
    elif sub.accept("DROP", "NOT", "NULL"):
        col.required = False
    elif sub.accept("ADD", "GENERATED"):
        sub.accept("ALWAYS") or sub.accept("BY", "DEFAULT")
        sub.accept("AS", "IDENTITY")
        start, step = read_sequence_options(sub)
        col.fields["rule"] = {"kind": "sequence", "start": start, "step": step}
        col.required = True
    elif sub.accept("TYPE") or sub.accept("SET", "DATA", "TYPE"):
        tt = read_type(sub)
        resolved = resolve_type(tt) if tt else None
        if resolved:
            for key in ("varchar_length", "precision", "scale"):
                col.fields.pop(key, None)
            col.fields.update(resolved)


def read_create_type(cur: Cursor, script: Script, line: int) -> None:
    """CREATE TYPE name AS ENUM ('a', 'b'); other CREATE TYPE forms are only noted."""
    parts, _, _ = cur.qualified_name("the type name")
    if cur.accept("AS", "ENUM"):
        labels = []
        for a, b in cur.split_group():
            tok = cur.tokens[a]
            if b - a != 1 or tok.token_type not in STRING_TYPES:
                raise ParseFail("enum labels must be quoted strings", tok.start)
            labels.append(tok.text)
        if not labels:
            raise ParseFail(f"enum '{parts[-1]}' has no labels", cur.offset())
        script.enums[parts[-1].lower()] = labels
        script.notes.append(
            f"line {line}: enum {parts[-1]} read; its columns use its {len(labels)} labels"
        )
        return
    script.notes.append(f"line {line}: skipped CREATE TYPE {'.'.join(parts)}")


def read_create_domain(cur: Cursor, script: Script, line: int) -> None:
    """CREATE DOMAIN name [AS] type [DEFAULT x] [NOT NULL] [CHECK (VALUE IN (...))]."""
    parts, a, _ = cur.qualified_name("the domain name")
    cur.accept("AS")
    tt = read_type(cur)
    resolved = resolve_type(tt) if tt else None
    if tt is None or resolved is None:
        raise ParseFail(f"domain '{parts[-1]}' has a type this reader does not know", a)
    domain = Domain(fields=dict(resolved))
    while not cur.at_end():
        if cur.accept("NOT", "NULL"):
            domain.required = True
        elif cur.accept("DEFAULT"):
            start = cur.skip_until_words(COLUMN_OPTION_WORDS - {"NULL"})
            domain.default = cur.span_text(start, cur.i)
        elif cur.accept("CHECK"):
            start = cur.i + 1
            cur.skip_group()
            found = check_hint(cur, start, cur.i - 1, None, domain.fields)
            if found:
                domain.fields["rule"] = found[1]
        else:
            cur.i += 1
    domain.fields["source_type"] = parts[-1]
    script.domains[parts[-1].lower()] = domain
    script.notes.append(f"line {line}: domain {parts[-1]} read as {resolved['data_type']}")


def read_create_sequence(cur: Cursor, script: Script, line: int) -> None:
    cur.accept("IF", "NOT", "EXISTS")
    parts, _, _ = cur.qualified_name("the sequence name")
    start, step = read_sequence_options(cur)
    script.sequences[".".join(parts).lower()] = (start, step)
    script.notes.append(
        f"line {line}: skipped CREATE SEQUENCE {'.'.join(parts)} "
        "(columns using it get a sequence rule)"
    )


def read_comment_on(cur: Cursor, script: Script, line: int) -> None:
    """COMMENT ON TABLE t IS '...' / COMMENT ON COLUMN t.c IS '...' (applied at the end)."""
    kind = cur.word()
    if kind not in ("TABLE", "COLUMN"):
        script.notes.append(f"line {line}: skipped COMMENT ON {kind or ''}".rstrip())
        return
    cur.i += 1
    parts, _, _ = cur.qualified_name("a name")
    if not cur.accept("IS"):
        raise ParseFail("COMMENT ON without IS", cur.offset())
    tok = cur.next()
    text = tok.text if tok.token_type in STRING_TYPES else None
    if text is not None:
        script.comments.append(([kind, *parts], text, line))


def _case_twins(a: RawColumn, b: RawColumn, dialect: str) -> bool:
    return identity(a.name, a.quoted, dialect) != identity(b.name, b.quoted, dialect)
