"""PostgreSQL / Redshift ``to_char`` date-time templates, read element by element.

sqlglot converts a ``TO_CHAR(ts, 'fmt')`` template to strftime while parsing, with a lossy map:
``'DY'`` becomes ``%uY`` (printed ``7Y``), ``'MON'`` the mixed-case ``%b``, ``'D'`` ISO's
Monday-first day number, and ``'Mon'``/``'Month'`` are left as literal text. The readers here
keep the template as written (:data:`RAW_FORMAT` in the node's ``meta``) and
:func:`template_elements` splits it the way PostgreSQL's ``formatting.c`` does: case-sensitive
keywords (``DAY`` upper, ``Day`` capitalised, ``day`` lower), the longest keyword first, the
``FM`` / ``TM`` prefixes, the ``TH`` / ``th`` suffix and ``"quoted text"``; anything else is
copied. :mod:`dwsim_nb.warehouses.to_char_engines` turns the elements into engine expressions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

# Where a reader keeps the template the user wrote on the parsed TO_CHAR node.
RAW_FORMAT = "dwsim_to_char_format"

_UPPER = [
    "A.D.",
    "A.M.",
    "AD",
    "AM",
    "B.C.",
    "BC",
    "CC",
    "DAY",
    "DDD",
    "DD",
    "DY",
    "Day",
    "Dy",
    "D",
    "FF1",
    "FF2",
    "FF3",
    "FF4",
    "FF5",
    "FF6",
    "FX",
    "HH24",
    "HH12",
    "HH",
    "IDDD",
    "ID",
    "IW",
    "IYYY",
    "IYY",
    "IY",
    "I",
    "J",
    "MI",
    "MM",
    "MONTH",
    "MON",
    "MS",
    "Month",
    "Mon",
    "OF",
    "P.M.",
    "PM",
    "Q",
    "RM",
    "SSSSS",
    "SSSS",
    "SS",
    "TZH",
    "TZM",
    "TZ",
    "US",
    "WW",
    "W",
    "Y,YYY",
    "YYYY",
    "YYY",
    "YY",
    "Y",
]
# PostgreSQL lists the lower-case spelling of every keyword except the capitalised names.
KEYWORDS: tuple[str, ...] = tuple(
    sorted(
        {*_UPPER, *(k.lower() for k in _UPPER if k not in ("Day", "Dy", "Month", "Mon"))},
        key=len,
        reverse=True,
    )
)


@dataclass(frozen=True)
class Element:
    """One template element: a keyword with its modifiers, or literal text (``keyword`` None)."""

    keyword: str | None
    text: str = ""
    fill: bool = False  # FM: no padding (leading zeros, trailing blanks)
    ordinal: str | None = None  # "TH" or "th": an ordinal suffix after the number


def template_elements(fmt: str) -> list[Element]:
    """The elements of a PostgreSQL date/time template, as ``to_char`` reads them.

    >>> [e.keyword or e.text for e in template_elements('FMDay, DD "of" Mon')]
    ['Day', ', ', 'DD', ' of ', 'Mon']
    """
    out: list[Element] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            out.append(Element(None, "".join(literal)))
            literal.clear()

    i, n = 0, len(fmt)
    while i < n:
        fill = False
        j = i
        while fmt.startswith(("FM", "fm", "TM", "tm"), j):
            fill = fill or fmt[j : j + 2].lower() == "fm"
            j += 2
        keyword = next((k for k in KEYWORDS if fmt.startswith(k, j)), None)
        if keyword is not None:
            flush()
            j += len(keyword)
            ordinal = None
            if fmt.startswith(("TH", "th"), j):
                ordinal = fmt[j : j + 2]
                j += 2
            elif fmt.startswith(("SP", "sp"), j):
                j += 2  # PostgreSQL accepts SP and ignores it
            out.append(Element(keyword, fill=fill, ordinal=ordinal))
            i = j
            continue
        ch = fmt[i]
        if ch == '"':
            i += 1
            while i < n and fmt[i] != '"':
                if fmt[i] == "\\" and i + 1 < n:
                    i += 1
                literal.append(fmt[i])
                i += 1
            i += 1
            continue
        if ch == "\\" and i + 1 < n and fmt[i + 1] == '"':
            literal.append('"')
            i += 2
            continue
        literal.append(ch)
        i += 1
    flush()
    return out


def _keep_raw(builder: Callable[..., Any]) -> Callable[..., Any]:
    def build(args: list[exp.Expression], **kwargs: Any) -> exp.Expression:
        node = builder(args, **kwargs)
        fmt = args[1] if len(args) > 1 else None
        if isinstance(fmt, exp.Literal) and fmt.is_string:
            node.meta[RAW_FORMAT] = fmt.this
        return node

    return build


def keeping_raw_to_char(functions: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """A parser's FUNCTIONS with TO_CHAR also keeping its template as written."""
    return {**functions, "TO_CHAR": _keep_raw(functions["TO_CHAR"])}


PostgresParser: Any = Postgres.Parser  # a class attribute, which mypy cannot subclass directly


class PostgresReader(Postgres):
    """sqlglot's PostgreSQL dialect, keeping each TO_CHAR template as written."""

    class Parser(PostgresParser):
        FUNCTIONS: ClassVar[dict[str, Callable[..., Any]]] = keeping_raw_to_char(
            PostgresParser.FUNCTIONS
        )
