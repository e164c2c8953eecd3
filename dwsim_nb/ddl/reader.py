"""Read a DDL script statement by statement into a :class:`Script`.

Each statement is tokenized with sqlglot's tokenizer for the dialect and dispatched on its leading
words. A statement that cannot be read becomes a warning with its line, column and a snippet (or a
DDLError when strict), and the rest of the script still imports.
"""

from __future__ import annotations

from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from dwsim_nb.ddl.create import (
    SQLGLOT_DIALECT,
    TABLE_MODIFIERS,
    PartitionOf,
    read_create_table,
)
from dwsim_nb.ddl.cursor import Cursor, ParseFail
from dwsim_nb.ddl.namespace import set_namespace
from dwsim_nb.ddl.script import RawColumn, RawTable, Script, identity
from dwsim_nb.ddl.split import Positions, Statement, split_statements
from dwsim_nb.ddl.statements import (
    read_alter_table,
    read_comment_on,
    read_create_domain,
    read_create_sequence,
    read_create_type,
)
from dwsim_nb.errors import DDLError

# First words of statements that are valid SQL but describe no table: skipped with a note.
KNOWN_STATEMENTS = {
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "WITH",
    "SET",
    "RESET",
    "SHOW",
    "USE",
    "GRANT",
    "REVOKE",
    "COMMENT",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "END",
    "DROP",
    "TRUNCATE",
    "ANALYZE",
    "ANALYSE",
    "VACUUM",
    "COPY",
    "UNLOAD",
    "CALL",
    "EXECUTE",
    "EXEC",
    "DO",
    "DECLARE",
    "LOCK",
    "REFRESH",
    "EXPLAIN",
    "DESCRIBE",
    "DESC",
    "PRAGMA",
    "ATTACH",
    "DETACH",
    "INSTALL",
    "LOAD",
    "PUT",
    "GET",
    "LIST",
    "REMOVE",
    "SAVEPOINT",
    "RELEASE",
    "CHECKPOINT",
    "CLUSTER",
    "REINDEX",
    "SECURITY",
    "ALTER",
    "CREATE",
    "UNDROP",
    "EXPORT",
    "IMPORT",
    "VALUES",
    "PREPARE",
    "DEALLOCATE",
    "LISTEN",
    "NOTIFY",
    "UNLISTEN",
    "DISCARD",
    "ABORT",
    "FETCH",
    "CLOSE",
    "MOVE",
    "REASSIGN",
    "OPTIMIZE",
    "SUMMARIZE",
    "FORCE",
    "RENAME",
    "SUMMARY",
    "GO",
}
_CREATE_SKIP_WORDS = {
    "OR",
    "REPLACE",
    "IF",
    "NOT",
    "EXISTS",
    "SECURE",
    "RECURSIVE",
    "CONCURRENTLY",
    "TEMP",
    "TEMPORARY",
    "UNIQUE",
    "MATERIALIZED",
    "GLOBAL",
    "LOCAL",
    "TRUSTED",
    "PROCEDURAL",
    "DEFAULT",
    "CONSTRAINT",
    "EVENT",
    "FILE",
    "EXTERNAL",
    "FOREIGN",
    "TRANSIENT",
    "VOLATILE",
    "UNLOGGED",
}
# CREATE [OR REPLACE] <modifiers> TABLE: the same modifiers the CREATE TABLE reader skips.
_TABLE_MODIFIERS = {"OR", "REPLACE", *TABLE_MODIFIERS}


def _snippet(text: str, offset: int, width: int = 60) -> str:
    start = max(0, offset - 10)
    piece = " ".join(text[start : start + width].split())
    return piece


class _Reader:
    def __init__(self, sql: str, dialect: str, strict: bool, source: str | None) -> None:
        self.sql = sql
        self.pos = Positions(sql)
        self.strict = strict
        self.source = source
        self.script = Script(dialect=dialect)
        self.sqlglot_dialect = Dialect.get_or_raise(SQLGLOT_DIALECT[dialect])

    def fail(self, stmt: Statement, message: str, offset: int) -> None:
        line, col = self.pos.line_col(stmt.offset + min(offset, len(stmt.text)))
        snippet = _snippet(stmt.text, offset)
        label = " ".join(stmt.text.split()[:3])[:60]
        if self.strict:
            raise DDLError(
                f"cannot read {label!r}: {message}",
                line=line,
                col=col,
                snippet=snippet,
                source=self.source,
                hint="correct the statement, or import without strict to skip it",
            )
        self.script.warnings.append(
            f"line {line}, column {col}: could not read {label!r} ({message}) near "
            f"{snippet!r}; the statement was skipped"
        )

    def read(self) -> Script:
        for stmt in split_statements(self.sql, self.script.dialect):
            self.read_statement(stmt)
        return self.script

    def read_statement(self, stmt: Statement) -> None:
        line = self.pos.line_col(stmt.offset)[0]
        if stmt.meta:
            command = stmt.text.split()[0]
            self.note(line, f"skipped psql command {command}")
            return
        try:
            tokens = self.sqlglot_dialect.tokenize(stmt.text)
        except Exception as e:  # sqlglot's TokenError and friends: report, keep going
            self.fail(stmt, f"cannot split it into words: {str(e).splitlines()[0][:120]}", 0)
            return
        if not tokens:
            return
        cur = Cursor(tokens, stmt.text, split_words=True)

        def line_at(offset: int) -> int:
            return self.pos.line_col(stmt.offset + offset)[0]

        try:
            self.dispatch(cur, line, line_at)
        except PartitionOf as p:
            self.script.partitions.append((p.child, p.parent, line))
        except ParseFail as e:
            self.fail(stmt, e.message, e.offset)
        except RecursionError:
            self.fail(stmt, "it is nested too deeply", 0)

    def note(self, line: int, text: str) -> None:
        self.script.notes.append(f"line {line}: {text}")
        self.script.skipped.append(text.removeprefix("skipped "))

    def dispatch(self, cur: Cursor, line: int, line_at: object) -> None:
        assert callable(line_at)
        first = cur.word()
        if first == "CREATE":
            set_namespace(cur, self.script)
            cur.i += 1
            k = 0
            while cur.word(k) in _TABLE_MODIFIERS:
                k += 1
            if cur.word(k) == "TABLE":
                table = read_create_table(cur, self.script, line_at)
                self.add_table(table, line)
                return
            self.create_other(cur, line)
            return
        if first == "ALTER" and cur.word(1) == "TABLE":
            cur.i += 2
            read_alter_table(cur, self.script, line, line_at)
            return
        if first == "COMMENT" and cur.word(1) == "ON":
            cur.i += 2
            read_comment_on(cur, self.script, line)
            return
        if first in ("USE", "SET"):
            set_namespace(cur, self.script)
        if first in KNOWN_STATEMENTS:
            self.note(line, f"skipped {self.describe(cur)}")
            return
        tok = cur.peek()
        found = tok.text if tok is not None else ""
        raise ParseFail(f"{found[:30]!r} does not start a SQL statement", 0)

    def describe(self, cur: Cursor) -> str:
        """A short name for a skipped statement: ``GRANT``, ``DROP TABLE x``, ``INSERT INTO t``."""
        words = [cur.tokens[0].text.upper()]
        k = 1
        while k < len(cur.tokens) and len(words) < 4:
            w = cur.word(k)
            if w is None or w in ("SELECT", "FROM", "VALUES", "TO", "ON", "=", "WITH"):
                break
            words.append(
                w if w in ("TABLE", "INTO", "SCHEMA", "VIEW", "ALL") else cur.tokens[k].text
            )
            k += 1
            # keep a qualified name whole (`ALTER FUNCTION public.f`, not `... public`)
            while cur.is_type(TokenType.DOT, k) and k + 1 < len(cur.tokens):
                words[-1] += "." + cur.tokens[k + 1].text
                k += 2
        return " ".join(words)

    def create_other(self, cur: Cursor, line: int) -> None:
        start = cur.i
        while cur.word() in _CREATE_SKIP_WORDS:
            cur.i += 1
        kind = cur.word() or ""
        cur.i += 1
        if kind == "TYPE":
            read_create_type(cur, self.script, line)
            return
        if kind == "DOMAIN":
            read_create_domain(cur, self.script, line)
            return
        if kind == "SEQUENCE":
            read_create_sequence(cur, self.script, line)
            return
        words = [t.text.upper() for t in cur.tokens[start : cur.i]]
        while cur.word() in ("IF", "NOT", "EXISTS", "CONCURRENTLY", "FORMAT", "VIEW", "TABLE"):
            words.append(cur.next().text.upper())
        name = ""
        if not cur.at_end() and cur.word() != "ON":
            try:
                parts, _, _ = cur.qualified_name()
                name = ".".join(parts)
            except ParseFail:
                name = ""
        kind_words = [w for w in words if w not in ("IF", "NOT", "EXISTS", "OR", "REPLACE")]
        self.note(line, f"skipped CREATE {' '.join(kind_words)} {name}".rstrip())

    def add_table(self, table: object, line: int) -> None:
        assert isinstance(table, RawTable)
        self.drop_case_twins(table, line)
        key = ".".join(table.parts).lower()
        if key in self.script.tables:
            old = self.script.tables[key]
            if self.identity(old) != self.identity(table):
                self.case_twins(
                    f"tables {_written(old)} (line {old.line}) and {_written(table)}", line, "table"
                )
                return
            self.script.warnings.append(
                f"line {line}: table '{'.'.join(table.parts)}' is created again (first at line "
                f"{old.line}); the later definition is used"
            )
        self.script.tables[key] = table

    def identity(self, item: RawTable | RawColumn) -> str:
        return identity(item.name, item.quoted, self.script.dialect)

    def case_twins(self, both: str, line: int, kind: str) -> None:
        """Two objects the dialect keeps apart whose names differ only by case: a spec cannot
        hold both (DuckDB and the Snowflake emulator match names without case), so refuse when
        strict, else keep the first and say so."""
        message = (
            f"{both} are different {kind}s in {self.script.dialect} (a quoted name keeps its "
            "case), but their names differ only by case, and an experiment matches names "
            "without case"
        )
        if self.strict:
            raise DDLError(
                message + ".",
                line=line,
                source=self.source,
                hint=f"rename one {kind}, or import without strict to keep only the first",
            )
        self.script.warnings.append(f"line {line}: {message}; the later {kind} was skipped")

    def drop_case_twins(self, table: RawTable, line: int) -> None:
        """Columns of ``table`` that are distinct in the dialect but equal without case."""
        seen: dict[str, RawColumn] = {}
        kept: list[RawColumn] = []
        for col in table.columns:
            first = seen.setdefault(col.name.lower(), col)
            if first is not col and self.identity(first) != self.identity(col):
                self.case_twins(
                    f"table '{table.name}': columns {_written(first)} and {_written(col)}",
                    col.line or line,
                    "column",
                )
                continue
            kept.append(col)
        table.columns[:] = kept


def _written(item: RawTable | RawColumn) -> str:
    """A name as the script wrote it: quoted or bare."""
    return f'"{item.name}"' if item.quoted else item.name


def read_script(
    sql: str, dialect: str, *, strict: bool = False, source: str | None = None
) -> Script:
    """Read every statement of ``sql``; see :func:`dwsim_nb.ddl.import_sql`."""
    return _Reader(sql, dialect, strict, source).read()
