"""Reading a workload: SQL text, ``.sql`` files and folders of them, into named queries.

Statements are split on the dialect's tokens (sqlglot's tokenizer), so a ``;`` inside a string,
a quoted name or a comment never ends one, and comments stay with the statement they precede.
Names: a file's stem (``q01``), with ``_2``, ``_3`` ... when the file holds several statements;
text given directly gets ``q1``, ``q2`` ... counting on from the queries already there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from dwsim_nb.dialects import resolve
from dwsim_nb.errors import QueryError
from dwsim_nb.limits import MAX_SQL_BYTES, read_text
from dwsim_nb.spec.workload import WorkloadQuery


def split_statements(sql: str, dialect: str, where: str = "the workload") -> list[str]:
    """The statements of ``sql`` as written (comments kept, the closing ``;`` left out)."""
    engine = SqlglotDialect.get_or_raise(resolve(dialect).sqlglot or None)
    try:
        tokens = engine.tokenize(sql)
    except TokenError as e:
        raise QueryError(
            f"cannot split {where} into statements: {e}",
            hint="check for an unclosed quote or comment",
        ) from None
    out: list[str] = []
    start, seen = 0, False
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            if seen:
                out.append(sql[start : tok.start].strip())
            start, seen = tok.end + 1, False
        else:
            seen = True
    if seen:
        out.append(sql[start:].strip())
    return out


def _looks_like_path(item: str) -> bool:
    if "\n" in item:
        return False
    try:
        return item.endswith(".sql") or Path(item).is_dir()
    except OSError:  # a name too long for a path: one line of SQL
        return False


def read_workload(
    source: Any, dialect: str, taken: Iterable[str] = (), encoding: str = "utf-8"
) -> list[WorkloadQuery]:
    """Named queries from SQL text, a ``.sql`` file, a folder of them, or a list of these."""
    items = list(source) if isinstance(source, list | tuple) else [source]
    names = set(taken)
    out: list[WorkloadQuery] = []
    for item in items:
        if isinstance(item, WorkloadQuery):
            found = [(item.name, item.sql)]
        elif isinstance(item, Path) or (isinstance(item, str) and _looks_like_path(item)):
            found = _from_path(Path(item), dialect, encoding)
        elif isinstance(item, str):
            found = [("", s) for s in split_statements(item, dialect)]
        else:
            raise QueryError(
                f"a workload is SQL text, a .sql file or a folder, not {type(item).__name__}.",
                hint="pass a string, a path or a list of them",
            )
        for name, sql in found:
            name = _free_name(name, names, len(names) + 1)
            names.add(name)
            out.append(WorkloadQuery(name=name, sql=sql))
    return out


def _from_path(path: Path, dialect: str, encoding: str) -> list[tuple[str, str]]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.sql") if p.is_file())
        if not files:
            raise QueryError(
                f"the folder {str(path)!r} holds no .sql files.", hint="name a folder of queries"
            )
        return [q for f in files for q in _from_path(f, dialect, encoding)]
    text = read_text(
        path, what="workload file", limit=MAX_SQL_BYTES, encoding=encoding, error=QueryError
    )
    statements = split_statements(text, dialect, where=str(path))
    if len(statements) == 1:
        return [(path.stem, statements[0])]
    return [(f"{path.stem}_{i}", s) for i, s in enumerate(statements, 1)]


def _free_name(name: str, taken: set[str], number: int) -> str:
    """``name`` (or ``q<number>`` when empty), made distinct from the names already taken."""
    base = name or f"q{number}"
    candidate, i = base, 1
    while candidate in taken:
        i += 1
        candidate = f"{base}_{i}" if name else f"q{number + i - 1}"
    return candidate
