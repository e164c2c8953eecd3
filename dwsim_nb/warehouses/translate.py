"""SQL in an experiment's dialect -> statements in the engine's dialect, via sqlglot.

``translate`` parses the user's text (several statements allowed), types it with sqlglot's
optimizer against the experiment's schema, applies this project's named fixes for the (source
dialect, engine) pair in the order :mod:`dwsim_nb.warehouses.pipelines` lists them (which also
point the experiment's table names at its schema) and prints each statement for the engine with
every identifier quoted, so reserved words such as a table ``date`` or a column ``user`` work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ErrorLevel, ParseError, TokenError, UnsupportedError

from dwsim_nb.dialects import Dialect as DialectRecord
from dwsim_nb.dialects import UnknownDialectError, resolve
from dwsim_nb.errors import QueryError
from dwsim_nb.limits import require_text
from dwsim_nb.warehouses.namespaces import SKIP, done_statement, namespaces_for
from dwsim_nb.warehouses.pg_template import PostgresReader
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.redshift_rewrites import RedshiftReader, strip_column_dist_sort_keys
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.strictness import (
    check_statements,
    check_tokens,
    strict_enabled,
    syntax_error,
)

if TYPE_CHECKING:
    from dwsim_nb.spec import ExperimentSpec, Table


class SQLiteBacktick(SQLite):
    """SQLite output with identifiers in backticks.

    SQLite reads an unknown ``"name"`` as the string 'name' (a compatibility quirk), so a
    misspelt column would silently become a constant; a backticked unknown name is an error.
    """

    class Tokenizer(SQLite.Tokenizer):
        IDENTIFIERS: ClassVar[list[str | tuple[str, str]]] = ["`", '"', ("[", "]")]


# Source dialects read with a variant of sqlglot's dialect.
_READ_DIALECTS: dict[str, type[Dialect]] = {"redshift": RedshiftReader, "postgres": PostgresReader}

# Engines whose output needs a variant of sqlglot's dialect.
_ENGINE_DIALECTS: dict[str, type[Dialect]] = {"sqlite": SQLiteBacktick}


def dialect_record(dialect: str) -> DialectRecord:
    """The record of a dialect by any accepted spelling; a QueryError if unknown."""
    try:
        return resolve(dialect)
    except UnknownDialectError as e:
        raise QueryError(f"unknown SQL dialect {dialect!r}.", hint=e.hint) from None


def sqlglot_dialect(dialect: str) -> str:
    """sqlglot's name for a dialect (``""``: sqlglot's default, for ``ansi``)."""
    return dialect_record(dialect).sqlglot


def context_for(
    spec: ExperimentSpec,
    engine: str,
    schema: str | None,
    place: Callable[[Table], tuple[str | None, str]] | None = None,
    strict: bool | None = None,
) -> Context:
    tables = {t.name: {c.name: c.data_type for c in t.columns} for t in spec.tables}
    # Where the warehouse holds each table (Warehouse.place): names in queries point there.
    spaces = namespaces_for(spec, place) if place is not None else None
    return Context(
        read=spec.dialect,
        engine=engine,
        schema=schema,
        tables=tables,
        namespaces=spaces,
        strict=strict,
    )


def parse(sql: str, dialect: str, strict: bool | None = None) -> list[exp.Expression]:
    """Parse one or more statements; a syntax error becomes a QueryError with line and column.

    ``strict`` (default: on, see :mod:`.strictness`) also refuses what the dialect's warehouse
    would reject though sqlglot reads it (a trailing comma, ``FROM`` first, ``==`` in
    PostgreSQL ...). Redshift DDL as AWS documents it (column-level ``DISTKEY`` / ``SORTKEY``) is
    read too.
    """
    require_text(sql, what="the query", error=QueryError)
    record = dialect_record(dialect)
    if record.name == "redshift":
        sql = strip_column_dist_sort_keys(sql)
    read: str | type[Dialect] | None = _READ_DIALECTS.get(record.name) or (record.sqlglot or None)
    checked = strict_enabled(strict)
    try:
        tokens = Dialect.get_or_raise(read).tokenize(sql) if checked else []
        if checked:
            check_tokens(sql, tokens, record)
        trees = sqlglot.parse(sql, read=read)
    except ParseError as e:
        raise syntax_error(e, record, sql) from None
    except TokenError as e:
        raise QueryError(
            f"cannot read the {dialect} SQL: {e}.",
            hint="look for an unclosed quote or comment",
        ) from None
    statements: list[exp.Expression] = [t for t in trees if isinstance(t, exp.Expression)]
    if not statements:
        raise QueryError("the query is empty.", hint="write at least one SQL statement")
    if checked:
        check_statements(sql, tokens, statements, record)
    return statements


def translate(sql: str, ctx: Context) -> list[str]:
    """Translate ``sql`` read as ``ctx.read`` into statements for ``ctx.engine``."""
    engine: str | type[Dialect] = _ENGINE_DIALECTS.get(ctx.engine) or sqlglot_dialect(ctx.engine)
    out = []
    trees = parse(sql, ctx.read, ctx.strict)
    fixes = fixes_for(ctx.read, ctx.engine)
    for tree in trees:
        ctx.annotate(tree)
        for fix in fixes:
            tree = fix(tree, ctx)
        if tree.meta.get(SKIP):  # USE / SET search_path: taken into the context
            continue
        try:
            out.append(tree.sql(dialect=engine, identify=True, unsupported_level=ErrorLevel.RAISE))
        except UnsupportedError as e:
            raise QueryError(
                f"this {ctx.read} SQL cannot be translated for {ctx.engine}: {e}.",
                hint="rewrite that construct, or use a warehouse that supports it",
            ) from None
    return out or [done_statement()]
