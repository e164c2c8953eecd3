"""Snowflake SQL that fakesnow mis-runs, fixed before it reaches fakesnow.

fakesnow translates Snowflake SQL to DuckDB with sqlglot. Where its output was checked by running it
and found wrong or rejected, one small function here repairs the Snowflake statement so fakesnow's
translation works; each is named after the Snowflake feature it fixes.
"""

from __future__ import annotations

import re

from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.rewrites import Context


def fix_result_column_names(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Unaliased expressions in the outer SELECT named as Snowflake names them.

    Snowflake labels ``count(*)`` as ``COUNT(*)`` and ``iff(a > 1, 'x', 'y')`` as
    ``IFF(A > 1, 'X', 'Y')`` (the text, upper-cased); fakesnow returns DuckDB's internal
    spelling (``count_star()``, ``CASE WHEN ...``), which breaks code that reads columns by name.
    Plain columns keep their names.

    A keyword value (``CURRENT_DATE``) keeps its own name: DuckDB would read an alias spelt like
    it as a reference to that alias. Two expressions that print alike (``POSITION`` and
    ``CHARINDEX`` both print as CHARINDEX) get ``_2``, ``_3`` added: fakesnow fetches rows as
    dicts, so a repeated label would lose a column.
    """
    select = tree if isinstance(tree, exp.Select) else None
    if select is None:
        return tree
    used = {
        p.alias_or_name.upper()
        for p in select.expressions
        if isinstance(p, (exp.Alias, exp.Column))
    }
    for i, projection in enumerate(list(select.expressions)):
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            continue
        plain = projection.copy()
        for ident in plain.find_all(exp.Identifier):
            ident.set("quoted", False)
        label = plain.sql(dialect="snowflake").upper()
        if "(" not in label and label.replace("_", "").isalpha():
            continue
        if label in used:
            n = 2
            while f"{label}_{n}" in used:
                n += 1
            label = f"{label}_{n}"
        used.add(label)
        select.expressions[i] = exp.alias_(projection.copy(), label, quoted=True)
    select.set("expressions", list(select.expressions))
    return tree


def fix_group_by_all_with_qualify(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``GROUP BY ALL`` next to ``QUALIFY`` -> the grouped expressions spelled out.

    DuckDB, under fakesnow, refuses the combination ("Combining QUALIFY with GROUP BY ALL is not
    supported yet"); Snowflake groups by every projection that holds no aggregate.
    """
    for select in list(tree.find_all(exp.Select)):
        group = select.args.get("group")
        if group is None or not group.args.get("all") or select.args.get("qualify") is None:
            continue
        keys = [
            p.unalias().copy()
            for p in select.expressions
            if not p.find(exp.AggFunc) and not p.find(exp.Window)
        ]
        select.set("group", exp.Group(expressions=keys) if keys else None)
    return tree


# Snowflake date/time format elements -> DuckDB strftime. Longest first, so MMMM wins over MM and
# MON, and FF9 over FF. Snowflake reads the elements without regard to case.
_TIME_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("YYYY", "%Y"),
    ("MMMM", "%B"),
    ("HH24", "%H"),
    ("HH12", "%I"),
    # DuckDB prints a zone offset as "+00" (hours only); the emulator's session zone is UTC, so
    # the minutes are always 00.
    ("TZH", "%z"),
    ("TZM", "00"),
    ("FF9", "%n"),
    ("FF6", "%f"),
    ("FF3", "%g"),
    ("FF", "%n"),  # no digit: Snowflake's default precision, nanoseconds
    ("MON", "%b"),
    ("YY", "%y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("DY", "%a"),
    ("AM", "%p"),
    ("PM", "%p"),
    ("MI", "%M"),
    ("SS", "%S"),
)
_ELEMENT = re.compile("|".join(e for e, _ in _TIME_ELEMENTS), re.IGNORECASE)
_STRFTIME = {e: f for e, f in _TIME_ELEMENTS}


def snowflake_time_format(fmt: str) -> str:
    """A Snowflake date/time format as a DuckDB ``strftime`` format.

    >>> snowflake_time_format('YYYY-MM-DD"T"HH24:MI:SS.FF3')
    '%Y-%m-%dT%H:%M:%S.%g'
    """
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            end = fmt.find('"', i + 1)
            if end < 0:
                raise QueryError(
                    f"the format {fmt!r} has an unclosed double quote.",
                    hint='quote literal text in a Snowflake format as "text"',
                )
            out.append(fmt[i + 1 : end].replace("%", "%%"))
            i = end + 1
            continue
        m = _ELEMENT.match(fmt, i)
        if m:
            out.append(_STRFTIME[m.group(0).upper()])
            i = m.end()
        elif ch.isalpha():
            # Guessing would print a wrong date silently; say which element is not emulated.
            raise QueryError(
                f"the date/time format {fmt!r} has an element the Snowflake emulator does not "
                f"support (at {fmt[i:]!r}).",
                hint="use YYYY, YY, MM, MON, MMMM, DD, DY, HH24, HH12, AM/PM, MI, SS, FF3/FF6/FF9, "
                'TZH:TZM and "quoted text"',
            )
        else:
            out.append("%%" if ch == "%" else ch)
            i += 1
    return "".join(out)


def _number_format_error(sql: str) -> QueryError:
    return QueryError(
        f"the Snowflake emulator does not support number formats in TO_VARCHAR/TO_CHAR ({sql}).",
        hint="drop the format and use ROUND or a CAST to NUMBER(p, s), or run on Snowflake",
    )


def fix_to_char_date_format(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``TO_VARCHAR/TO_CHAR(date_or_timestamp, 'fmt')`` -> DuckDB ``STRFTIME`` with the format
    converted.

    fakesnow drops the format and prints the whole timestamp, a wrong answer without an error.
    Calls whose argument is a number and carry a format raise a QueryError instead: the
    emulator has no number formats. Arguments of unknown type are left alone.
    """
    for call in list(tree.find_all(exp.ToChar, exp.TimeToStr)):
        fmt = call.args.get("format")
        if not isinstance(fmt, exp.Literal) or not fmt.is_string:
            continue
        kind = ctx.kind(call.this)
        if kind == "number":
            raise _number_format_error(call.sql(dialect="snowflake"))
        if isinstance(call, exp.TimeToStr):
            # sqlglot already converted this one's format to strftime (a parsed TO_CHAR of a
            # value it knew was a date); only fakesnow's handling of it is wrong.
            strftime = fmt.this
        elif kind == "temporal":
            strftime = snowflake_time_format(fmt.this)
        else:
            continue
        call.replace(
            exp.Anonymous(
                this="STRFTIME", expressions=[call.this.copy(), exp.Literal.string(strftime)]
            )
        )
    return tree


# Snowflake functions fakesnow has no translation for; DuckDB's own error ("Scalar Function with
# name is_object does not exist") reads as if the user misspelt them.
_NOT_EMULATED = frozenset({"IS_OBJECT", "AS_VARCHAR"})


def refuse_unemulated_functions(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``IS_OBJECT(v)``, ``AS_VARCHAR(v)``: a QueryError naming the function and the emulator.

    fakesnow passes them through and DuckDB's error reads as if the user misspelt them.
    """
    for call in tree.find_all(exp.Anonymous):
        name = call.name.upper()
        if name in _NOT_EMULATED:
            raise QueryError(
                f"{name} is not supported by the Snowflake emulator (fakesnow).",
                hint="use TYPEOF(v) or v::VARCHAR instead, or run the query on Snowflake",
            )
    return tree
