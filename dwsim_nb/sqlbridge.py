"""Everything this project knows about jupysql's internals lives here (pinned: jupysql 0.11.1).

``%dwsim_use`` hands jupysql a DB-API connection wrapped in :class:`TranslatingConnection`, so
``%sql`` / ``%%sql`` statements written in the experiment's dialect are translated exactly as
``Experiment.query`` translates them before they reach the engine. Handing over a connection
object (rather than a URL) matters: jupysql switches off ``{var}`` expansion, so a URL built from a
variable would be taken literally.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable
from typing import Any

from dwsim_nb.errors import DwsimError

JUPYSQL_VERSION = "0.11.1"

Translate = Callable[[str], list[str]]


def _require_jupysql() -> Any:
    try:
        import sql  # the jupysql package installs as "sql"
        from sql.connection import connection as jconn
    except ImportError:
        raise DwsimError(
            "jupysql is not installed, so %sql cannot query experiments",
            where="%dwsim_use",
            hint=f'pip install "jupysql=={JUPYSQL_VERSION}" (the version dwsim-nb installs)',
        ) from None
    version = getattr(sql, "__version__", JUPYSQL_VERSION)
    if not str(version).startswith("0.11."):
        # Internals (ConnectionManager, DBAPIConnection) move between minor versions.
        raise DwsimError(
            f"jupysql {version} is installed, but dwsim_nb works with jupysql {JUPYSQL_VERSION}",
            where="%dwsim_use",
            hint=f'pip install "jupysql=={JUPYSQL_VERSION}"',
        )
    return jconn


def ensure_loaded(ip: Any) -> None:
    """Load jupysql's ``%sql`` magics into the shell once."""
    _require_jupysql()
    if "sql" not in ip.extension_manager.loaded:
        from IPython.utils.capture import capture_output

        # jupysql prints a note about optional config files on load; it is noise here.
        with capture_output():
            ip.extension_manager.load_extension("sql")


def _rollback(connection: Any) -> None:
    # After a failed statement some engines keep an aborted transaction open and refuse every
    # later statement ("Current transaction is aborted") until someone rolls back.
    # No transaction open, or a driver that cannot roll back: nothing to undo either way.
    with contextlib.suppress(Exception):
        connection.rollback()


class TranslatingCursor:
    """A DB-API cursor whose ``execute`` translates too.

    jupysql re-runs a SELECT straight on the cursor it got back to build a DataFrame with
    DuckDB's ``.df()``; without this wrapper that second run would skip the translation.
    """

    def __init__(self, cursor: Any, translate: Translate, parameters: Any = None) -> None:
        self._cursor = cursor
        self._translate = translate
        self._parameters = parameters

    def execute(self, query: str, *args: Any, **kwargs: Any) -> TranslatingCursor:
        for statement in self._translate(query):
            bound = _bound_parameters(statement, self._parameters)
            if bound and not args and not kwargs:
                self._cursor.execute(statement, bound)
            else:
                self._cursor.execute(statement, *args, **kwargs)
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __iter__(self) -> Any:
        return iter(self._cursor)


def _make_connection_class() -> type:
    jconn = _require_jupysql()

    class TranslatingConnection(jconn.DBAPIConnection):  # type: ignore[misc,name-defined]
        """jupysql's DB-API connection, translating each statement before it runs."""

        def __init__(self, connection: Any, alias: str, translate: Translate) -> None:
            self._translate = translate
            super().__init__(connection, alias=alias)
            # jupysql shows the class name as the connection's name; the alias reads better.
            self.name = alias

        def raw_execute(self, query: str, parameters: Any = None, with_: Any = None) -> Any:
            if with_:
                query = self._resolve_cte(query, with_)
            statements = self._translate(query)
            cursor = None
            try:
                for statement in statements:
                    bound = _bound_parameters(statement, parameters)
                    if bound:
                        cursor = self._execute_with(statement, bound)
                    else:
                        cursor = super().raw_execute(statement, parameters)
            except Exception:
                _rollback(self._connection)
                raise
            if cursor is None:
                return None
            return TranslatingCursor(cursor, self._translate, parameters)

        def _execute_with(self, statement: str, bound: dict[str, Any]) -> Any:
            # jupysql's DB-API connection drops named parameters; the engines take them as a dict.
            cursor = self._connection.cursor()
            cursor.execute(statement, bound)
            if self._requires_manual_commit:
                self._connection.commit()
            return cursor

    return TranslatingConnection


_PARAM = re.compile(r"(?<![:$\w])[:$]([A-Za-z_]\w*)")


def _bound_parameters(statement: str, parameters: Any) -> dict[str, Any]:
    """The named parameters (``:name`` / ``$name``) a statement uses, with their values.

    jupysql hands over the whole user namespace when named parameters are enabled; only the
    names that appear in the statement (outside string literals) are passed on.
    """
    if not isinstance(parameters, dict) or not parameters:
        return {}
    code = re.sub(r"'(?:[^']|'')*'", "''", statement)
    names = {m.group(1) for m in _PARAM.finditer(code)}
    return {n: parameters[n] for n in names if n in parameters}


_CLASS: type | None = None


def use_connection(ip: Any, connection: Any, alias: str, translate: Translate) -> Any:
    """Make ``connection`` jupysql's current connection under ``alias``; returns jupysql's object.

    An earlier connection under the same alias is replaced (after ``%dwsim_reset`` or a reload the
    engine connection may be new).
    """
    global _CLASS
    ensure_loaded(ip)
    jconn = _require_jupysql()
    if _CLASS is None:
        _CLASS = _make_connection_class()
    manager = jconn.ConnectionManager
    old = manager.connections.pop(alias, None)
    if old is not None and manager.current is old:
        manager.current = None
    # jupysql's connection classes register themselves and become current when built.
    wrapped = _CLASS(connection, alias, translate)
    manager.current = wrapped
    return wrapped


def forget(alias: str) -> None:
    """Drop jupysql's connection ``alias`` (the experiment was dropped); the engine stays open."""
    try:
        from sql.connection import connection as jconn
    except ImportError:
        return
    manager = jconn.ConnectionManager
    old = manager.connections.pop(alias, None)
    if old is not None and manager.current is old:
        manager.current = None


def current_alias() -> str | None:
    """The alias of jupysql's current connection, if any."""
    try:
        from sql.connection import connection as jconn
    except ImportError:
        return None
    current = jconn.ConnectionManager.current
    return getattr(current, "alias", None) if current is not None else None


def open_warehouse_connection(warehouse: Any, spec: Any) -> tuple[Any, Callable[[], None]]:
    """A DB-API connection to the experiment's engine that stays open, and how to close it.

    Uses the warehouse's own ``connect`` (a context manager, with or without the spec) so the
    connection is set up exactly as the warehouse sets it up for queries.
    """
    connect = getattr(warehouse, "connect", None)
    if not callable(connect):
        raise DwsimError(
            f"the {getattr(warehouse, 'name', '?')} warehouse cannot hand %sql a connection",
            where="%dwsim_use",
            hint="query it with %%dwsim_sql NAME instead",
        )
    try:
        params = inspect.signature(connect).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    stack = contextlib.ExitStack()
    cm = connect(spec) if params else connect()
    connection = stack.enter_context(cm)
    return connection, stack.close
