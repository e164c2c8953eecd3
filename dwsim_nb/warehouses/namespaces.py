"""Table names in queries, resolved by the dialect's rules and pointed at the engine's tables.

A spec's tables keep the database and schema the DDL gave them (``raw.orders``,
``tb_101.raw_pos.truck``); each warehouse holds them somewhere of its own
(:meth:`Warehouse.place`: a schema ``<experiment>__raw_pos`` on DuckDB, PostgreSQL and the
Snowflake emulator, a table ``raw_pos__truck`` in the experiment's SQLite file). A query names
them as the real warehouse would, with one, two or three parts, and this module finds the table
each name means and writes its physical name in:

- a three-part name is the table with that database, schema and name;
- a two-part name is a schema's table (in the current database, if ``USE DATABASE`` set one);
- a one-part name is looked up in the current schema (``USE SCHEMA``, ``SET search_path``) first,
  then among tables without a schema, then as the one table of that name in any schema;
- a dialect's default schema (``public``, ``main``) names the tables without a schema.

Names are compared without case: every engine here does, and a spec cannot hold two tables
whose names differ only by case. A name that fits several tables is refused with the list; a
name that fits none is left as written (a CTE, or a table the query itself creates).
``USE`` and ``SET search_path`` statements change the current schema for the statements after
them and run nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.spec.names import DEFAULT_SCHEMAS

if TYPE_CHECKING:
    from dwsim_nb.spec import ExperimentSpec, Table
    from dwsim_nb.warehouses.rewrites import Context

# Marks a statement the translation drops (USE, SET search_path): it only changes the context.
SKIP = "dwsim_skip"


@dataclass
class Namespaces:
    """The experiment's tables by their parts, where the engine holds each, and the current
    database and schema of the statements being translated."""

    # (database, schema, name) parts as the spec has them -> (engine schema, engine table)
    places: dict[tuple[str, ...], tuple[str | None, str]] = field(default_factory=dict)
    database: str | None = None
    schema: str | None = None

    def _lower(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        return {tuple(p.lower() for p in parts): parts for parts in self.places}

    def resolve(self, written: list[str]) -> tuple[str, ...] | None:
        """The parts of the table ``written`` means; None if none; QueryError if several."""
        by_lower = self._lower()
        low = [p.lower() for p in written]
        tries: list[list[str]] = []
        if len(low) == 1 and self.schema:
            schema = [self.schema.lower(), *low]
            if self.database:
                tries.append([self.database.lower(), *schema])
            tries.append(schema)
        if len(low) == 2 and self.database:
            tries.append([self.database.lower(), *low])
        tries.append(low)
        if len(low) >= 2 and low[-2] in DEFAULT_SCHEMAS:
            tries.append(low[-1:])
        for attempt in tries:
            found = by_lower.get(tuple(attempt))
            if found is not None:
                return found
        # Then by trailing parts: the current schema's first (``USE SCHEMA raw_pos`` without a
        # database), then as written.
        for attempt in tries[:-1]:
            near = [p for k, p in by_lower.items() if list(k[-len(attempt) :]) == attempt]
            if len(near) == 1:
                return near[0]
        hits = [parts for key, parts in by_lower.items() if list(key[-len(low) :]) == low]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(sorted(".".join(h) for h in hits))
            raise QueryError(
                f"table name {'.'.join(written)!r} is ambiguous: it fits {names}.",
                hint="qualify it with its schema (e.g. "
                f"{'.'.join(sorted(hits)[0])}), or set one with USE SCHEMA / SET search_path",
            )
        return None

    def use(self, tree: exp.Expression) -> bool:
        """Take a USE / SET search_path statement into the context; whether it was one."""
        if isinstance(tree, exp.Use):
            kind_node = tree.args.get("kind")
            kind = kind_node.name.upper() if kind_node is not None else ""
            target = tree.this
            parts = [p.name for p in target.parts] if isinstance(target, exp.Table) else []
            if not parts or kind in ("ROLE", "WAREHOUSE", "SECONDARY ROLES"):
                return True
            if kind == "SCHEMA" or (not kind and len(parts) == 2):
                if len(parts) == 2:
                    self.database = parts[0]
                self.schema = _schema(parts[-1])
            else:
                self.database, self.schema = parts[-1], None
            return True
        text = _search_path(tree)
        if text is None:
            return False
        for item in text.replace("=", " ").replace(" TO ", " ").replace(" to ", " ").split(","):
            name = item.strip().strip("'\"")
            if name and name != "$user":
                self.schema = _schema(name.split()[-1].strip("'\""))
                break
        return True


def _schema(name: str) -> str | None:
    return None if name.lower() in DEFAULT_SCHEMAS else name


def _search_path(tree: exp.Expression) -> str | None:
    """The value of ``SET search_path ...`` (a Command or a Set), or None."""
    if isinstance(tree, exp.Command) and tree.name.upper() == "SET":
        text = str(tree.expression.this if tree.expression else "")
        if text.lower().lstrip().startswith("search_path"):
            return text.lstrip()[len("search_path") :]
    if isinstance(tree, exp.Set):
        for item in tree.expressions:
            eq = item.this
            if isinstance(eq, exp.EQ) and eq.this.name.lower() == "search_path":
                return eq.expression.sql()
    return None


def _ctes(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def point_tables_at_places(
    tree: exp.Expression, namespaces: Namespaces, ctes: set[str] | None = None
) -> exp.Expression:
    """Write each table name of ``tree`` that means an experiment table as the engine's
    ``"schema"."table"``; a table renamed on the way keeps its written name as alias, so
    ``order_header.order_id`` still finds its column."""
    if namespaces.use(tree):
        tree.meta[SKIP] = True
        return tree
    ctes = _ctes(tree) if ctes is None else ctes
    for table in list(tree.find_all(exp.Table)):
        if not table.name or isinstance(table.parent, (exp.Use, exp.Command)):
            continue
        written = [p.name for p in table.parts]
        if len(written) == 1 and written[0].lower() in ctes:
            continue
        parts = namespaces.resolve(written)
        if parts is None:
            continue
        schema, name = namespaces.places[parts]
        if not table.alias and name.lower() != written[-1].lower():
            table.set("alias", exp.TableAlias(this=exp.to_identifier(written[-1])))
        table.set("this", exp.to_identifier(name, quoted=True))
        table.set("db", exp.to_identifier(schema, quoted=True) if schema else None)
        table.set("catalog", None)
    # Columns qualified with a schema (``raw_pos.order_header.order_id``): the table part is
    # the table's name or alias in the query, which is all the engine needs.
    for col in tree.find_all(exp.Column):
        if col.args.get("db") is not None:
            col.set("db", None)
            col.set("catalog", None)
    return tree


def resolve_table_names(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """The pipeline's fix: tables named with their schema (and database), or found through the
    current schema, pointed at where the warehouse holds them (see the module's docstring)."""
    if ctx.namespaces is None:
        return tree
    return point_tables_at_places(tree, ctx.namespaces)


def namespaces_for(
    spec: ExperimentSpec, place: Callable[[Table], tuple[str | None, str]]
) -> Namespaces:
    """Every table of ``spec`` by its parts, with the place the warehouse holds it in
    (``Warehouse.place``)."""
    return Namespaces({t.parts: place(t) for t in spec.tables})


def done_statement() -> str:
    """What a query of only USE / SET statements runs: one row saying so, as Snowflake does."""
    return "SELECT 'Statement executed successfully.' AS status"
