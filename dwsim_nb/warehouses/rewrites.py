"""What every translation fix works with: one signature, a :class:`Context`, and the shared fixes.

A fix exists only where sqlglot's output was checked by executing it and found wrong or rejected by
the engine. Every fix is ``fix(tree, ctx) -> tree``: it takes a parsed statement and the
:class:`Context` and returns the (possibly new) statement. Which fixes run, in which order, for a
(source dialect, engine) pair is written out in :mod:`dwsim_nb.warehouses.pipelines`.

The types of values come from sqlglot's optimizer (``qualify``, which normalizes identifiers and
qualifies tables and columns, then ``annotate_types``) against a ``MappingSchema`` of the
experiment's tables, once per statement and only if a fix asks (:meth:`Context.type_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlglot import exp
from sqlglot.schema import MappingSchema

from dwsim_nb.spec.sql_schema import mapping_schema, qualify_and_type, sqlglot_type
from dwsim_nb.warehouses.result_names import postgres_label, top_select

Kind = Literal["temporal", "number"]

# Marks each node of a statement so that the optimizer's types, found on a qualified copy, can be
# read back for the node (and for the copies fixes make of it: sqlglot copies ``meta``).
_NODE = "dwsim_node"


@dataclass
class Context:
    """What a fix may know besides the statement: dialects, the experiment's tables, the types."""

    read: str
    engine: str
    schema: str | None = None
    # table name -> {column name -> logical type}, names as the spec spells them
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    # The tables by database and schema, and the current ones (warehouses.namespaces)
    namespaces: Any = None
    # Refuse what the source warehouse rejects (None: the default, see warehouses.strictness)
    strict: bool | None = None
    _schema: MappingSchema | None = field(default=None, repr=False)
    _untyped: exp.Expression | None = field(default=None, repr=False)
    _types: dict[int, exp.DataType] = field(default_factory=dict, repr=False)

    def table_name(self, name: str) -> str | None:
        """The spec's spelling of a table name, matched without regard to case."""
        if name in self.tables:
            return name
        lowered = name.lower()
        return next((t for t in self.tables if t.lower() == lowered), None)

    def mapping_schema(self) -> MappingSchema:
        """The experiment's tables as sqlglot's schema (table -> column -> type)."""
        if self._schema is None:
            self._schema = mapping_schema(self.tables, self.read)
        return self._schema

    def annotate(self, tree: exp.Expression) -> None:
        """Make the types of ``tree``'s nodes known to :meth:`type_of`, before any fix runs.

        sqlglot's optimizer types the statement when a fix first asks (most pairs never do), on
        a copy: qualifying names and typing nodes changes how sqlglot prints some of them, and
        the translation must print the statement as the user wrote it.
        """
        for i, node in enumerate(tree.walk()):
            node.meta[_NODE] = i
        self._untyped = tree.copy()
        self._types = {}

    def _type_statement(self) -> None:
        typed, self._untyped = self._untyped, None
        if typed is None:
            return
        try:
            qualify_and_type(typed, self.mapping_schema(), self.read, expand_alias_refs=False)
        except Exception:
            # Typing only helps the fixes; a statement the optimizer cannot follow is still
            # translated, with the types of its values unknown.
            return
        for node in typed.walk():
            tag = node.meta.get(_NODE)
            if tag is not None and node.type is not None and not node.is_type(exp.DType.UNKNOWN):
                self._types[tag] = node.type

    def type_of(self, node: exp.Expression) -> exp.DataType | None:
        """The type the optimizer found for ``node`` (None: unknown)."""
        self._type_statement()
        i = node.meta.get(_NODE)
        found = self._types.get(i) if i is not None else None
        if found is None and isinstance(node, exp.Column):
            return self._column_type_by_name(node.name)
        return found

    def _column_type_by_name(self, name: str) -> exp.DataType | None:
        # Fallback: the optimizer types columns only inside a SELECT's scope, so a column in an
        # UPDATE or DELETE, or of a table named with another schema, is typed here by its name
        # when every table of the experiment that has it agrees.
        found = {
            cols[c] for cols in self.tables.values() for c in cols if c.lower() == name.lower()
        }
        return sqlglot_type(found.pop()) if len(found) == 1 else None

    def kind(self, node: exp.Expression) -> Kind | None:
        """``"temporal"``, ``"number"`` or None (unknown or other) for the value of ``node``."""
        typed = self.type_of(node)
        if typed is None:
            return None
        if typed.is_type(*exp.DataType.TEMPORAL_TYPES):
            return "temporal"
        if typed.is_type(*exp.DataType.NUMERIC_TYPES):
            return "number"
        return None


Fix = Callable[[exp.Expression, Context], exp.Expression]


# --- name resolution (every pair) ---------------------------------------------------------------


def cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def qualify_experiment_tables(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Point unqualified names of the experiment's tables at its schema (not CTE names).

    Run as written, ``FROM orders`` finds no table: the warehouse keeps each experiment in its
    own schema. sqlglot's ``qualify_tables`` would also qualify tables outside the experiment
    and alias every table, changing the statement's text beyond what is needed.
    """
    ctes = cte_names(tree)
    for table in tree.find_all(exp.Table):
        if table.args.get("db") or not table.name or table.name.lower() in ctes:
            continue
        spelled = ctx.table_name(table.name)
        if spelled is None:
            continue
        table.set("this", exp.to_identifier(spelled, quoted=True))
        if ctx.schema:
            table.set("db", exp.to_identifier(ctx.schema, quoted=True))
    return tree


def match_column_case(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Spell unquoted column names as the schema does, so results carry the schema's names.

    Redshift and Postgres fold unquoted names to lower case and Snowflake to upper case; every
    engine here compares names without case, so only the result's column labels would differ
    (``USERID`` instead of the spec's ``userId``), and quoting every identifier on output would
    make the folded spelling a different column.
    """
    columns = {c.lower(): c for cols in ctx.tables.values() for c in cols}
    for col in tree.find_all(exp.Column):
        ident = col.this
        if isinstance(ident, exp.Identifier) and not ident.quoted:
            spelled = columns.get(ident.name.lower())
            if spelled is not None:
                col.set("this", exp.to_identifier(spelled, quoted=True))
    return tree


# --- result column names -----------------------------------------------------------------------


def name_result_columns(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Alias unaliased expressions of the result as Redshift/PostgreSQL name them.

    ``count(*)`` comes back as ``count``, ``a + 1`` as ``?column?`` and ``cast(a as bigint)`` as
    ``a`` (see :mod:`dwsim_nb.warehouses.result_names`), not as DuckDB's ``count_star()`` or
    SQLite's ``count(*)``. Runs before the engine fixes, which change the expressions. Keyword
    values (``current_date``) keep the engine's name: DuckDB cannot alias them as themselves.
    """
    select = top_select(tree)
    if select is None:
        return tree
    changed = False
    projections = []
    for projection in select.expressions:
        if not isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            label = postgres_label(projection, ctx.read)
            # A keyword value (CURRENT_DATE) aliased as its own name makes DuckDB read it as a
            # reference to the alias; unaliased, the engines already call it by that name.
            if label.lower() == projection.sql().lower():
                projections.append(projection)
                continue
            projection = exp.alias_(projection.copy(), label, quoted=True)
            changed = True
        projections.append(projection)
    if changed:
        select.set("expressions", projections)
    return tree


# --- window functions several engines lack ------------------------------------------------------


def fix_ratio_to_report(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``RATIO_TO_REPORT(x) OVER (w)`` -> ``x / NULLIF(SUM(x) OVER (w), 0)``.

    Redshift and Snowflake have it; sqlglot keeps the call, which PostgreSQL and DuckDB (also
    under fakesnow) reject as an unknown function.
    """
    for window in list(tree.find_all(exp.Window)):
        func = window.this
        if isinstance(func, exp.Anonymous) and func.name.upper() == "RATIO_TO_REPORT":
            value = func.expressions[0]
            total = window.copy()
            total.set("this", exp.Sum(this=value.copy()))
            numerator = exp.cast(value.copy(), exp.DataType.build("double"))
            window.replace(
                exp.Div(
                    this=numerator,
                    expression=exp.Nullif(this=total, expression=exp.Literal.number(0)),
                )
            )
    return tree
