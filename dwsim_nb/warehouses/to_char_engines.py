"""PostgreSQL / Redshift ``to_char`` templates as DuckDB and SQLite expressions.

Each element of a template (:mod:`dwsim_nb.warehouses.pg_template`) becomes a piece of the
engine's expression: a strftime directive where the engine has one that prints exactly what
PostgreSQL prints (consecutive ones share one STRFTIME call), otherwise an expression that does
(names upper- or lower-cased and blank-padded to 9, Sunday-first day numbers, ``WW`` weeks that
start on January 1st, ordinal suffixes). Pieces are joined with ``||``, so a NULL value gives
NULL as in PostgreSQL. An element the engine cannot print exactly is refused by name: a refusal
is never a wrong answer.
"""

from __future__ import annotations

from typing import cast

from sqlglot import exp, parse_one

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pg_template import Element, template_elements

_X = "__dwsim_x__"  # placeholder column for the formatted value in the pieces below


def _int(part: str) -> str:
    return f"CAST(date_part('{part}', {_X}) AS BIGINT)"


def _pad(value: str, width: int, fill: bool) -> str:
    text = f"CAST({value} AS VARCHAR)"
    return text if fill or width <= 1 else f"lpad({text}, {width}, '0')"


# Numeric elements: (strftime directive, its no-padding form, integer value, padded width).
# A None directive means DuckDB has none that prints the same: the value is padded instead.
_HOUR12 = f"(({_int('hour')} + 11) % 12 + 1)"
_SECONDS = f"({_int('hour')} * 3600 + {_int('minute')} * 60 + {_int('second')})"
_NUMBERS: dict[str, tuple[str | None, str | None, str, int]] = {
    "YYYY": ("%Y", None, _int("year"), 4),
    "YYY": (None, None, f"({_int('year')} % 1000)", 3),
    "YY": ("%y", None, f"({_int('year')} % 100)", 2),
    "Y": (None, None, f"({_int('year')} % 10)", 1),
    "IYYY": ("%G", None, _int("isoyear"), 4),
    "IYY": (None, None, f"({_int('isoyear')} % 1000)", 3),
    "IY": (None, None, f"({_int('isoyear')} % 100)", 2),
    "I": (None, None, f"({_int('isoyear')} % 10)", 1),
    "CC": (None, None, f"(({_int('year')} + 99) // 100)", 2),
    "MM": ("%m", "%-m", _int("month"), 2),
    "DD": ("%d", "%-d", _int("day"), 2),
    "DDD": ("%j", "%-j", _int("doy"), 3),
    "IDDD": (None, None, f"(({_int('week')} - 1) * 7 + {_int('isodow')})", 3),
    "D": (None, None, f"({_int('dow')} + 1)", 1),
    "ID": ("%u", "%u", _int("isodow"), 1),
    "W": (None, None, f"(({_int('day')} - 1) // 7 + 1)", 1),
    "WW": (None, None, f"(({_int('doy')} - 1) // 7 + 1)", 2),
    "IW": ("%V", None, _int("week"), 2),
    "Q": (None, None, _int("quarter"), 1),
    "J": (None, None, f"CAST(julian(CAST({_X} AS DATE)) AS BIGINT)", 1),
    "HH": ("%I", "%-I", _HOUR12, 2),
    "HH12": ("%I", "%-I", _HOUR12, 2),
    "HH24": ("%H", "%-H", _int("hour"), 2),
    "MI": ("%M", "%-M", _int("minute"), 2),
    "SS": ("%S", "%-S", _int("second"), 2),
    "MS": ("%g", None, f"({_int('millisecond')} % 1000)", 3),
    "US": ("%f", None, f"({_int('microsecond')} % 1000000)", 6),
    "SSSS": (None, None, _SECONDS, 1),
    "SSSSS": (None, None, _SECONDS, 1),
}
# Names: (strftime directive, pad to 9 like PostgreSQL unless FM)
_NAMES = {"MONTH": ("%B", True), "MON": ("%b", False), "DAY": ("%A", True), "DY": ("%a", False)}
_ROMAN = "['I','II','III','IV','V','VI','VII','VIII','IX','X','XI','XII']"


def _ordinal(value: str, upper: bool) -> str:
    cases = (
        f"CASE WHEN {value} % 100 IN (11, 12, 13) THEN 'th' WHEN {value} % 10 = 1 THEN 'st' "
        f"WHEN {value} % 10 = 2 THEN 'nd' WHEN {value} % 10 = 3 THEN 'rd' ELSE 'th' END"
    )
    return f"upper({cases})" if upper else cases


def _cased(text: str, keyword: str) -> str:
    """``DAY`` upper, ``day`` lower, ``Day`` as DuckDB writes it (capitalised)."""
    if keyword.isupper():
        return f"upper({text})"
    if keyword.islower():
        return f"lower({text})"
    return text


def _refuse(keyword: str, engine: str, fmt: str) -> QueryError:
    return QueryError(
        f"the to_char template element {keyword!r} (in {fmt!r}) is not emulated on the "
        f"{engine} warehouse.",
        hint="leave that element out of the template, or run the query on the postgres or "
        "redshift warehouse",
    )


def _duckdb_piece(e: Element, fmt: str) -> tuple[str | None, str | None]:
    """(strftime fragment, expression): one of the two is None."""
    assert e.keyword is not None
    key = e.keyword.upper()
    if key in _NUMBERS:
        directive, unpadded, value, width = _NUMBERS[key]
        if e.ordinal is None:
            chosen = unpadded if e.fill else directive
            if chosen is not None:
                return chosen, None
        number = _pad(value, width, e.fill)
        if e.ordinal is not None:
            number += " || " + _ordinal(value, e.ordinal == "TH")
        return None, number
    if key in _NAMES:
        directive, padded = _NAMES[key]
        text = _cased(f"strftime({_X}, '{directive}')", e.keyword)
        if padded and not e.fill:
            text = f"rpad({text}, 9, ' ')"
        return None, text
    if key in ("AM", "PM"):
        return None, _cased(f"strftime({_X}, '%p')", e.keyword)
    if key in ("A.M.", "P.M."):
        text = f"CASE WHEN {_int('hour')} < 12 THEN 'A.M.' ELSE 'P.M.' END"
        return None, text if e.keyword.isupper() else f"lower({text})"
    if key in ("AD", "BC", "A.D.", "B.C."):
        era = "A.D." if "." in key else "AD"
        bc = "B.C." if "." in key else "BC"
        text = f"CASE WHEN {_int('year')} > 0 THEN '{era}' ELSE '{bc}' END"
        return None, text if e.keyword.isupper() else f"lower({text})"
    if key == "RM":
        text = f"{_ROMAN}[{_int('month')}]"
        text = text if e.keyword.isupper() else f"lower({text})"
        return None, text if e.fill else f"rpad({text}, 4, ' ')"
    if key == "Y,YYY":
        year = _int("year")
        thousands = f"CAST({year} // 1000 AS VARCHAR)"
        return None, f"{thousands} || ',' || lpad(CAST({year} % 1000 AS VARCHAR), 3, '0')"
    if key.startswith("FF"):
        digits = int(key[2:])
        return None, f"left(strftime({_X}, '%f'), {digits})"
    if key == "FX":
        return "", None
    raise _refuse(e.keyword, "duckdb", fmt)


def _join(pieces: list[tuple[str | None, str | None]]) -> str:
    """One SQL text: runs of strftime fragments in one STRFTIME call (text alone between two
    expressions as a string literal), joined with ``||``."""
    parts: list[str] = []
    run: list[str] = []
    computed = any(expression is not None for _, expression in pieces)

    def flush() -> None:
        if not run:
            return
        text = "".join(run)
        plain = text.replace("%%", "")
        if computed and "%" not in plain:
            parts.append("'" + text.replace("%%", "%").replace("'", "''") + "'")
        else:
            parts.append(f"strftime({_X}, '" + text.replace("'", "''") + "')")
        run.clear()

    for fragment, expression in pieces:
        if fragment is not None:
            run.append(fragment)
        else:
            flush()
            parts.append(f"({expression})")
    flush()
    if not parts:  # an empty template: PostgreSQL gives NULL for NULL, '' otherwise
        parts.append(f"strftime({_X}, '')")
    return " || ".join(parts)


def _substitute(sql: str, value: exp.Expression, dialect: str) -> exp.Expression:
    tree = cast(exp.Expression, parse_one(sql, read=dialect))
    for col in list(tree.find_all(exp.Column)):
        if col.name == _X:
            col.replace(value.copy())
    return tree


def duckdb_to_char(value: exp.Expression, fmt: str) -> exp.Expression:
    """``to_char(value, fmt)`` as PostgreSQL prints it, in DuckDB."""
    pieces: list[tuple[str | None, str | None]] = []
    for e in template_elements(fmt):
        if e.keyword is None:
            pieces.append((e.text.replace("%", "%%"), None))
        else:
            pieces.append(_duckdb_piece(e, fmt))
    return _substitute(_join(pieces), value, "duckdb")


# SQLite's strftime prints these exactly; no names, 12-hour clock or unpadded numbers.
_SQLITE = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "DDD": "%j", "HH24": "%H", "MI": "%M", "SS": "%S"}


def sqlite_strftime(fmt: str) -> str:
    """The SQLite strftime format for a template of numeric elements, or a QueryError."""
    out = []
    for e in template_elements(fmt):
        if e.keyword is None:
            out.append(e.text.replace("%", "%%"))
            continue
        directive = _SQLITE.get(e.keyword.upper())
        if directive is None or e.fill or e.ordinal:
            raise _refuse(e.keyword, "sqlite", fmt)
        out.append(directive)
    return "".join(out)
