"""SQL the real warehouse would reject is refused before a more lenient engine runs it.

sqlglot reads every dialect generously (a trailing comma, ``FROM``-first, ``==`` and ``SELECT *
EXCLUDE`` all parse as PostgreSQL) and DuckDB, which runs most experiments, accepts them too: a
query would work here and fail on the warehouse it was written for. So the translation checks
each query against the dialect's record (:attr:`dwsim_nb.dialects.Dialect.syntax`: the
constructs beyond the common core it accepts, and ``lacks_functions``) in two passes:

- on the tokens, for what the parser forgets (a trailing comma, ``FROM`` first, ``==``, ``[1, 2]``,
  ``TOP``, a function the dialect lacks);
- on the parsed statements, for clauses sqlglot keeps (``QUALIFY``, ``GROUP BY ALL``, ``* EXCLUDE``,
  ``FILTER (WHERE ...)``, ``DISTINCT ON``, ``CREATE OR REPLACE TABLE``).

Each refusal is a QueryError naming the construct, the dialect, the line and the column. A syntax
error sqlglot finds is reworded here too (:func:`syntax_error`): never its class names.

The check is on by default; ``DWSIM_STRICT=0`` in the environment, or the warehouse option
``strict=False`` (``ws.warehouse("duckdb").options["strict"] = False``), turns it off.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Sequence

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from dwsim_nb.dialects import SYNTAX
from dwsim_nb.dialects import Dialect as DialectRecord
from dwsim_nb.errors import QueryError

_T = TokenType

# After a comma, these end the list: the comma was a trailing one.
_ENDS_PROJECTION = {_T.FROM}
_ENDS_LIST = {
    _T.R_PAREN,
    _T.SEMICOLON,
    _T.WHERE,
    _T.GROUP_BY,
    _T.ORDER_BY,
    _T.HAVING,
    _T.LIMIT,
    _T.QUALIFY,
    _T.UNION,
    _T.EXCEPT,
    _T.INTERSECT,
}
# Where an expression may start: a ``[`` here opens an array literal, not a subscript.
_EXPRESSION_START = {
    _T.SELECT,
    _T.COMMA,
    _T.L_PAREN,
    _T.EQ,
    _T.NEQ,
    _T.GT,
    _T.GTE,
    _T.LT,
    _T.LTE,
    _T.PLUS,
    _T.DASH,
    _T.WHERE,
    _T.AND,
    _T.OR,
    _T.THEN,
    _T.ELSE,
    _T.WHEN,
    _T.IN,
    _T.DISTINCT,
    _T.VALUES,
}
# Statements that start a query level; FROM as their first word is FROM-first.
_LEVEL_START = {_T.L_PAREN, _T.SEMICOLON, _T.UNION, _T.EXCEPT, _T.INTERSECT}

# How to write what the dialect lacks instead.
_FUNCTION_HINTS = {
    "IFF": "use CASE WHEN ... THEN ... ELSE ... END",
    "IF": "use CASE WHEN ... THEN ... ELSE ... END",
    "NVL": "use COALESCE",
    "IFNULL": "use COALESCE",
    "NVL2": "use CASE WHEN x IS NOT NULL THEN ... ELSE ... END",
    "ZEROIFNULL": "use COALESCE(x, 0)",
    "DATEADD": "add an interval (d + INTERVAL '1 day')",
    "DATEDIFF": "subtract the dates, or use date_part / age",
    "LISTAGG": "use string_agg",
    "MEDIAN": "use percentile_cont(0.5) WITHIN GROUP (ORDER BY x)",
    "GETDATE": "use now() or current_timestamp",
    "LEN": "use length",
    "CHARINDEX": "use position(sub IN s) or strpos",
    "TRY_CAST": "use CAST",
    "COUNT_IF": "use count(*) FILTER (WHERE ...) or sum(CASE WHEN ... THEN 1 ELSE 0 END)",
    "TO_VARCHAR": "use to_char or CAST(x AS VARCHAR)",
    "STRING_AGG": "use LISTAGG",
    "STRFTIME": "use to_char",
}

_HINTS = {
    "trailing_comma": "remove the comma after the last select item",
    "trailing_comma_list": "remove the comma before the end of the list",
    "from_first": "write SELECT ... FROM ...",
    "double_equals": "compare with =",
    "star_exclude": "list the columns you want",
    "star_replace": "list the columns, with the replaced expression aliased",
    "star_rename": "list the columns, with the renamed one aliased",
    "star_ilike": "list the columns you want",
    "qualify": "filter the window function in an outer query (SELECT ... FROM (...) WHERE ...)",
    "group_by_all": "list the grouped expressions (GROUP BY 1, 2 or the names)",
    "filter_clause": "use CASE inside the aggregate (sum(CASE WHEN ... THEN x END))",
    "distinct_on": "use ROW_NUMBER() OVER (PARTITION BY ...) in a subquery",
    "bracket_array": "use ARRAY[...] (PostgreSQL) or ARRAY(...) / JSON_PARSE (Redshift)",
    "brace_object": "build the object with the dialect's JSON functions",
    "using_sample": "use TABLESAMPLE or ORDER BY random() LIMIT n",
    "limit_comma": "write LIMIT count OFFSET offset",
    "asof_join": "join on a range with a correlated subquery or a window",
    "create_or_replace_table": "DROP TABLE IF EXISTS first, then CREATE TABLE",
    "double_colon_cast": "use CAST(x AS type)",
    "ilike": "use lower(x) LIKE lower(pattern)",
    "top": "use LIMIT n at the end of the query",
    "integer_division": "use / on integers, or floor(a / b)",
}


def strict_enabled(option: object = None) -> bool:
    """Whether queries are checked: the warehouse option wins, then ``DWSIM_STRICT``."""
    if option is not None:
        return bool(option)
    return os.environ.get("DWSIM_STRICT", "1").strip().lower() not in ("0", "false", "no", "off")


def _position(sql: str, offset: int) -> tuple[int, int]:
    line = sql.count("\n", 0, offset) + 1
    return line, offset - (sql.rfind("\n", 0, offset) + 1) + 1


def _refuse(
    sql: str, record: DialectRecord, feature: str, token: Token | None, what: str | None = None
) -> QueryError:
    name = record.title or record.name
    construct = what or SYNTAX[feature]
    if token is None:
        return QueryError(
            f"{name} does not accept {construct}.",
            hint=f"{_HINTS.get(feature, 'rewrite it')}",
        )
    line, col = _position(sql, token.start)
    near = sql[token.start : token.end + 1]
    return QueryError(
        f"{name} does not accept {construct} (near {near!r}).",
        line=line,
        col=col,
        hint=_HINTS.get(feature, "rewrite it"),
    )


def _significant(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.token_type != _T.BREAK]


def check_tokens(sql: str, tokens: Sequence[Token], record: DialectRecord) -> None:
    """Refuse what the parser would forget: raises a QueryError at the first offence."""
    allowed = record.syntax
    toks = _significant(tokens)
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        kind = tok.token_type
        text = tok.text.upper()
        if kind == _T.UNKNOWN:
            line, col = _position(sql, tok.start)
            raise QueryError(
                f"syntax error at line {line}, column {col}: unexpected character {tok.text!r}.",
                line=line,
                col=col,
                where=f"{record.title or record.name} query",
                hint='quote names with double quotes ("name")'
                if tok.text == "`"
                else "remove the character or put it inside a string",
            )
        if kind == _T.COMMA:
            end = nxt.token_type if nxt is not None else _T.SEMICOLON
            if end in _ENDS_PROJECTION and "trailing_comma" not in allowed:
                raise _refuse(sql, record, "trailing_comma", tok)
            if end in _ENDS_LIST and "trailing_comma_list" not in allowed:
                raise _refuse(sql, record, "trailing_comma_list", tok)
        elif kind == _T.EQ and tok.text == "==" and "double_equals" not in allowed:
            raise _refuse(sql, record, "double_equals", tok)
        elif (
            kind == _T.SLASH
            and nxt is not None
            and nxt.token_type == _T.SLASH
            and nxt.start == tok.end + 1
            and "integer_division" not in allowed
        ):
            raise _refuse(sql, record, "integer_division", tok)
        elif kind == _T.L_BRACKET and "bracket_array" not in allowed:
            if prev is None or prev.token_type in _EXPRESSION_START:
                raise _refuse(sql, record, "bracket_array", tok)
        elif kind == _T.L_BRACE and "brace_object" not in allowed:
            raise _refuse(sql, record, "brace_object", tok)
        elif kind == _T.DCOLON and "double_colon_cast" not in allowed:
            raise _refuse(sql, record, "double_colon_cast", tok)
        elif kind == _T.ILIKE and "ilike" not in allowed:
            raise _refuse(sql, record, "ilike", tok)
        elif (
            text == "TOP"
            and "top" not in allowed
            and prev is not None
            and prev.token_type in (_T.SELECT, _T.DISTINCT)
            and nxt is not None
            and nxt.token_type in (_T.NUMBER, _T.L_PAREN)
        ):
            raise _refuse(sql, record, "top", tok)
        elif kind == _T.USING and nxt is not None and nxt.text.upper() == "SAMPLE":
            if "using_sample" not in allowed:
                raise _refuse(sql, record, "using_sample", tok)
        elif kind == _T.LIMIT and "limit_comma" not in allowed:
            after = toks[i + 2] if i + 2 < len(toks) else None
            if (
                nxt is not None
                and nxt.token_type == _T.NUMBER
                and after is not None
                and after.token_type == _T.COMMA
            ):
                raise _refuse(sql, record, "limit_comma", tok)
        elif (
            text in record.lacks_functions
            and nxt is not None
            and nxt.token_type == _T.L_PAREN
            and (prev is None or prev.token_type != _T.DOT)
        ):
            raise _function(sql, record, tok)
    if "from_first" not in allowed:
        offender = _from_first(toks)
        if offender is not None:
            raise _refuse(sql, record, "from_first", offender)


def _function(sql: str, record: DialectRecord, tok: Token) -> QueryError:
    name = tok.text.upper()
    line, col = _position(sql, tok.start)
    return QueryError(
        f"{record.title or record.name} has no function {name}.",
        line=line,
        col=col,
        hint=_FUNCTION_HINTS.get(name, "use the dialect's own function"),
    )


def _from_first(toks: Sequence[Token]) -> Token | None:
    """The FROM that starts a query level (``FROM t SELECT ...``, ``(FROM t)``), if any.

    A FROM right after ``(`` counts only when the parenthesis is not a function call's
    (``trim(FROM s)``); after a WITH clause, the first word at the top level must not be FROM.
    """
    depth = 0
    with_open: dict[int, bool] = {0: False}
    for i, tok in enumerate(toks):
        kind = tok.token_type
        prev = toks[i - 1] if i else None
        if kind == _T.FROM:
            if prev is None or prev.token_type in (_T.SEMICOLON, *_LEVEL_START - {_T.L_PAREN}):
                return tok
            if prev.token_type == _T.L_PAREN:
                before = toks[i - 2] if i >= 2 else None
                if before is None or before.token_type in (_T.FROM, _T.JOIN, _T.IN, _T.ALIAS):
                    return tok
            if with_open.get(depth) and prev.token_type == _T.R_PAREN:
                return tok
        if kind == _T.WITH:
            with_open[depth] = True
        elif kind in (_T.SELECT, _T.INSERT, _T.UPDATE, _T.DELETE, _T.VALUES, _T.SEMICOLON):
            with_open[depth] = False
        if kind == _T.L_PAREN:
            depth += 1
            with_open[depth] = False
        elif kind == _T.R_PAREN:
            depth = max(0, depth - 1)
    return None


def _first(tokens: Iterable[Token], *texts: str) -> Token | None:
    wanted = {t.upper() for t in texts}
    return next((t for t in tokens if t.text.upper() in wanted), None)


def _after(tokens: Sequence[Token], first: str, second: str) -> Token | None:
    for a, b in itertools.pairwise(tokens):
        if a.text.upper() == first and b.text.upper() == second:
            return b
    return None


def check_statements(
    sql: str, tokens: Sequence[Token], trees: Sequence[exp.Expression], record: DialectRecord
) -> None:
    """Refuse clauses the parser keeps but the dialect does not accept."""
    allowed = record.syntax
    toks = _significant(tokens)
    for tree in trees:
        for star in tree.find_all(exp.Star):
            for arg, feature, words in (
                ("except_", "star_exclude", ("EXCLUDE", "EXCEPT")),
                ("replace", "star_replace", ("REPLACE",)),
                ("rename", "star_rename", ("RENAME",)),
                ("ilike", "star_ilike", ("ILIKE",)),
            ):
                if star.args.get(arg) and feature not in allowed:
                    raise _refuse(sql, record, feature, _first(toks, *words))
        for select in tree.find_all(exp.Select):
            if select.args.get("qualify") is not None and "qualify" not in allowed:
                raise _refuse(sql, record, "qualify", _first(toks, "QUALIFY"))
            group = select.args.get("group")
            if (
                group is not None
                and group.args.get("all")
                and not group.expressions
                and "group_by_all" not in allowed
            ):
                raise _refuse(sql, record, "group_by_all", _after(toks, "GROUP BY", "ALL"))
            distinct = select.args.get("distinct")
            if (
                distinct is not None
                and distinct.args.get("on") is not None
                and "distinct_on" not in allowed
            ):
                raise _refuse(sql, record, "distinct_on", _after(toks, "DISTINCT", "ON"))
        if "filter_clause" not in allowed and tree.find(exp.Filter) is not None:
            raise _refuse(sql, record, "filter_clause", _first(toks, "FILTER"))
        if "asof_join" not in allowed:
            for join in tree.find_all(exp.Join):
                if str(join.args.get("method") or "").upper() == "ASOF":
                    raise _refuse(sql, record, "asof_join", _first(toks, "ASOF"))
        if (
            isinstance(tree, exp.Create)
            and tree.args.get("replace")
            and str(tree.args.get("kind") or "").upper() == "TABLE"
            and "create_or_replace_table" not in allowed
        ):
            raise _refuse(sql, record, "create_or_replace_table", _first(toks, "REPLACE"))


# --- syntax errors in words ---------------------------------------------------------------------

_MISSING = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")
_BINARY = {
    "Add", "Sub", "Mul", "Div", "IntDiv", "Mod", "Pow", "EQ", "NEQ", "GT", "GTE", "LT", "LTE",
    "And", "Or", "Like", "ILike", "DPipe", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Is",
    "NullSafeEQ", "NullSafeNEQ", "Between", "In", "Glob", "SimilarTo", "RegexpLike",
}  # fmt: skip
_CLAUSES = {
    "Where": "WHERE has no condition",
    "Having": "HAVING has no condition",
    "Order": "ORDER BY has nothing to order by",
    "Group": "GROUP BY has nothing to group by",
    "Limit": "LIMIT has no count",
    "Join": "a JOIN has no table",
    "From": "FROM has no table",
    "Cast": "a CAST has no type",
    "Alias": "an alias is missing after AS",
}
_CLASS = re.compile(r"<class '[^']*'>")


def _describe(description: str) -> str:
    m = _MISSING.search(description)
    if m:
        arg, cls = m.groups()
        if cls in _BINARY and arg == "expression":
            return "an operator is missing its right side"
        if cls in _CLAUSES:
            return _CLAUSES[cls]
        return f"a {cls.upper()} expression is incomplete"
    if description.startswith("Invalid expression / Unexpected token"):
        return "unexpected text here"
    if description.startswith("Expecting )"):
        return "a parenthesis is not closed"
    m = re.match(r"Expected (\w+) after (\w+)", description)
    if m:
        return f"{m.group(2)} needs {m.group(1)} here"
    text = _CLASS.sub("an expression", description)
    return text.rstrip(".") or "the statement cannot be read"


def syntax_error(error: ParseError, record: DialectRecord, sql: str) -> QueryError:
    """A ParseError as a QueryError a user reads: the line, the column, the text near it and
    what is missing, in words (never sqlglot's class names)."""
    info = error.errors[0] if error.errors else {}
    line, col = info.get("line"), info.get("col")
    description = str(info.get("description") or error)
    highlight = str(info.get("highlight") or "")
    what = _describe(description)
    near = highlight
    if isinstance(line, int) and isinstance(col, int):
        # sqlglot points at the end of the highlighted word; count from its start instead.
        lines = sql.split("\n")
        offset = sum(len(text) + 1 for text in lines[: line - 1]) + col - len(highlight)
        if what == "an operator is missing its right side":
            # Point at the operator, not at the word after it.
            end = offset
            while end > 0 and sql[end - 1].isspace():
                end -= 1
            words = sql[:end].split()
            if words:
                near = (
                    words[-1][-2:]
                    if words[-1][-2:] in ("||", "<=", ">=", "<>", "!=")
                    else (words[-1][-1])
                )
                offset = end - len(near)
        line, col = _position(sql, max(0, offset))
    where = f"at line {line}, column {col}" if line is not None else ""
    near_text = f" near {near!r}" if near else ""
    name = record.title or record.name
    return QueryError(
        f"syntax error {where}{near_text}: {what}.".replace("  ", " "),
        line=line,
        col=col,
        where=f"{name} query",
        hint=f"check the statement at that position; the query is read as {record.name} SQL",
    )
