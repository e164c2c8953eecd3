"""The spec's tables as sqlglot sees them, and the one way a statement is typed against them.

The translation's fixes (``warehouses.rewrites.Context``) and the workload's analysis
(``workload.analyze``) both qualify a statement's names and annotate its types over this
schema. Imported by those only, so reading a spec does not load sqlglot's optimizer.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from dwsim_nb.dialects import resolve


@functools.cache
def sqlglot_type(logical: str) -> exp.DataType | None:
    """sqlglot's type for a spec type (shared, so never changed in place); None for a type
    sqlglot cannot read without a dialect (SUPER)."""
    try:
        return exp.DataType.build(logical)
    except (ParseError, ValueError):
        return None


def mapping_schema(tables: Mapping[str, Mapping[str, str]], dialect: str) -> MappingSchema:
    """``{table: {column: spec type}}`` as sqlglot's schema, read in ``dialect``."""
    mapping: dict[str, object] = {}
    for table, columns in tables.items():
        typed = {c: sqlglot_type(t) for c, t in columns.items()}
        mapping[table] = {c: t for c, t in typed.items() if t is not None}
    return MappingSchema(mapping, dialect=resolve(dialect).sqlglot or None)


def qualify_and_type(
    tree: exp.Expr, schema: MappingSchema, dialect: str, *, expand_alias_refs: bool = True
) -> None:
    """Qualify ``tree``'s names and annotate its types in place (raises what sqlglot raises)."""
    sqlglot_dialect = resolve(dialect).sqlglot or None
    qualify(
        tree,
        dialect=sqlglot_dialect,
        schema=schema,
        expand_alias_refs=expand_alias_refs,
        expand_stars=False,
        validate_qualify_columns=False,
        quote_identifiers=False,
        identify=False,
    )
    annotate_types(tree, schema=schema, dialect=sqlglot_dialect)
