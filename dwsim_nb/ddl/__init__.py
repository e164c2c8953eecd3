"""DDL import: warehouse CREATE TABLE scripts in, an :class:`ExperimentSpec` out.

from dwsim_nb.ddl import import_sql
spec = import_sql(open("tickit.sql").read(), dialect="redshift", name="tickit")
spec.notes      # statements that were skipped (views, grants, SET ...), with their lines
spec.warnings   # statements or keys that could not be kept, with the reason
"""

from __future__ import annotations

from dwsim_nb.dialects import DIALECT_NAMES, UnknownDialectError, canonical, warehouse_name
from dwsim_nb.errors import DDLError, DwsimError
from dwsim_nb.spec.models import ExperimentSpec

DIALECTS = DIALECT_NAMES

__all__ = ["DIALECTS", "import_sql"]


def import_sql(
    sql: str,
    dialect: str = "ansi",
    name: str = "imported",
    *,
    strict: bool = False,
    source: str | None = None,
    infer: bool = True,
    target_warehouse: str = "duckdb",
) -> ExperimentSpec:
    """Read CREATE TABLE DDL into an ExperimentSpec (pure: nothing is stored).

    ``strict`` turns an unreadable statement into a :class:`DDLError` instead of a warning;
    ``infer`` fills generation rules from column names (see :func:`dwsim_nb.ddl.infer.infer_rules`),
    and keys where none is declared (see :mod:`dwsim_nb.spec.implied_keys`).
    """
    try:
        d = canonical(dialect or "ansi")
    except UnknownDialectError as e:
        raise DDLError(f"unknown dialect {dialect!r}", source=source, hint=e.hint) from None
    try:
        wh = warehouse_name(target_warehouse)
    except UnknownDialectError as e:
        raise DDLError(
            f"unknown target warehouse {target_warehouse!r}", source=source, hint=e.hint
        ) from None
    if isinstance(sql, bytes):
        sql = sql.decode("utf-8", "replace")
    if not isinstance(sql, str):
        raise DDLError(f"expected SQL text, got {type(sql).__name__}", source=source)
    # A NUL byte or a byte-order mark is never part of DDL; both come from files saved oddly.
    sql = sql.replace("\x00", " ").lstrip("\ufeff")
    if not sql.strip():
        raise DDLError(
            "the SQL text is empty",
            source=source,
            hint="give a script with at least one CREATE TABLE",
        )
    try:
        from dwsim_nb.ddl.build import build_spec
        from dwsim_nb.ddl.reader import read_script

        script = read_script(sql, d, strict=strict, source=source)
        spec = build_spec(script, name, wh, source)
        if infer:
            from dwsim_nb.ddl.infer import infer_rules
            from dwsim_nb.spec.implied_keys import infer_keys

            spec = infer_rules(infer_keys(spec))
        return spec
    except DwsimError:
        raise
    except RecursionError:
        raise DDLError("the SQL is nested too deeply to read", source=source) from None
    except Exception as e:  # a bug or a parser corner: still a DwsimError for the user
        raise DDLError(
            f"could not import the SQL ({type(e).__name__}: {e})",
            source=source,
            hint="report this script as a bug; import the tables one by one to find the statement",
        ) from e
