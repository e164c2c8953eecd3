"""The fix a query error's message ends with, chosen from the engine's own error text.

An engine says one of three things when it rejects a query: a name it does not know (a table,
a column), SQL it cannot parse, or a construct or function it does not have. Each needs a
different fix, so the hint follows the kind: a misspelt name gets "did you mean" from the
experiment's tables and columns, a syntax error points at the SQL, an unsupported function is
named. The patterns are the wording of DuckDB, PostgreSQL, SQLite and fakesnow (DuckDB).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dwsim_nb.errors import did_you_mean

if TYPE_CHECKING:
    from dwsim_nb.spec import ExperimentSpec

# A function the engine does not have: its name is group 1.
_FUNCTION = [
    re.compile(r"function with name \"?([\w.]+)\"? does not exist", re.I),
    re.compile(r"function \"?([\w.]+)\"?\s*\(.*\) does not exist", re.I),
    re.compile(r"no such function: ([\w.]+)", re.I),
    re.compile(r"unknown function:? \"?([\w.]+)", re.I),
    re.compile(r"no function matches the given name and argument types '([\w.]+)\(", re.I),
]
# An unknown table (group 1).
_TABLE = [
    re.compile(r"table with name \"?([\w.]+?)\"? does not exist", re.I),
    re.compile(r"relation \"([^\"]+)\" does not exist", re.I),
    re.compile(r"no such table: ([\w.\"]+)", re.I),
    re.compile(r"table \"?([\w.]+?)\"? (?:does not exist|not found)", re.I),
]
# An unknown column (group 1).
_COLUMN = [
    re.compile(r"referenced column \"([^\"]+)\" not found", re.I),
    re.compile(r"does not have a column named \"([^\"]+)\"", re.I),
    re.compile(r"column \"?([\w.]+?)\"? does not exist", re.I),
    re.compile(r"no such column: ([\w.\"]+)", re.I),
    re.compile(r"column \"?([\w.]+?)\"? not found", re.I),
]
_SYNTAX = re.compile(r"syntax error|parser error|parse error|unexpected token|incomplete", re.I)
_UNSUPPORTED = re.compile(r"not implemented|not supported|unsupported|is not available", re.I)


def _search(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            # A qualified name ("schema"."t" or t.col) is matched on its last part.
            return m.group(1).replace('"', "").rsplit(".", 1)[-1]
    return None


def query_hint(
    error: object, spec: ExperimentSpec | None, engine: str = "the warehouse", limits: str = ""
) -> str:
    """The hint for a query that ``engine`` rejected with ``error`` (its text or exception);
    ``limits`` (what the engine lacks, e.g. an emulator's gaps) ends the hints for a missing
    function or an unsupported construct only."""
    text = str(error)
    show = f"`dwsim show {spec.name}`" if spec is not None else "`dwsim show NAME`"
    function = _search(_FUNCTION, text)
    if function:
        function = function.lower()  # as typed, not as the translation spelled it (NVL -> nvl)
        return (
            f"{engine} has no function {function}(): write the expression with a function it "
            "has (the translation from your dialect covers the common ones)" + limits
        )
    tables = [t.name for t in spec.tables] if spec is not None else []
    columns = sorted({c.name for t in spec.tables for c in t.columns}) if spec else []
    table = _search(_TABLE, text)
    if table is not None:
        return did_you_mean(table, tables) + f"check the table names ({show} lists them)"
    column = _search(_COLUMN, text)
    if column is not None:
        return did_you_mean(column, columns) + f"check the column names ({show} lists them)"
    if _SYNTAX.search(text):
        dialect = f"{spec.dialect} " if spec is not None else ""
        return f"check the {dialect}SQL syntax near the place the message names"
    if _UNSUPPORTED.search(text):
        return (
            f"{engine} does not support this construct: rewrite the query without it "
            "(or run it on the real warehouse)" + limits
        )
    return f"check the SQL and the table and column names ({show})"
