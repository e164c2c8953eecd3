"""Split a SQL script into statements, remembering where each one starts.

The splitter knows quotes, dollar-quoted bodies, comments, psql meta-commands (``\\connect``)
and the data blocks of ``COPY ... FROM stdin`` in Postgres dumps, so a ``;`` inside any of them
never ends a statement. Positions are kept as offsets into the original text so messages can name
line and column.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from dwsim_nb.dialects import resolve

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_COPY_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Statement:
    """One statement: its text (without the closing ``;``) and its offset in the script."""

    text: str
    offset: int
    meta: bool = False  # a psql meta-command such as ``\\connect db``


class Positions:
    """Turns offsets in a script into 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _skip_blank(text: str, i: int) -> int:
    """Skip whitespace and comments between statements."""
    n = len(text)
    while i < n:
        if text[i].isspace() or text[i] == ";":
            i += 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            break
    return i


def _line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _statement_end(text: str, i: int, backslash_escapes: bool) -> int:
    """Return the offset of the ``;`` that ends the statement starting at ``i`` (or len(text))."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == ";":
            return i
        if ch == "'":
            escapes = backslash_escapes or (i > 0 and text[i - 1] in "eE")
            i += 1
            while i < n:
                if escapes and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        elif ch in '"`':
            j = text.find(ch, i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == ch:
                j = text.find(ch, j + 2)
            i = n if j < 0 else j + 1
        elif text.startswith("--", i):
            i = _line_end(text, i)
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch == "$" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = _DOLLAR_TAG.match(text, i)
            if m:
                j = text.find(m.group(0), m.end())
                i = n if j < 0 else j + len(m.group(0))
            else:
                i += 1
        else:
            i += 1
    return n


def split_statements(text: str, dialect: str = "ansi") -> list[Statement]:
    """Split ``text`` into statements; empty statements are dropped."""
    out: list[Statement] = []
    backslash_escapes = resolve(dialect).backslash_escapes
    n = len(text)
    i = _skip_blank(text, 0)
    while i < n:
        if text[i] == "\\":
            # psql meta-commands end at the end of their line, not at a semicolon.
            end = _line_end(text, i)
            out.append(Statement(text[i:end].rstrip(), i, meta=True))
            i = _skip_blank(text, end)
            continue
        end = _statement_end(text, i, backslash_escapes)
        body = text[i:end].rstrip()
        if body:
            out.append(Statement(body, i))
        i = end + 1
        if _COPY_STDIN.match(body):
            # A dump's COPY data runs up to a line holding only "\." and is not SQL.
            m = re.compile(r"^\\\.\s*$", re.MULTILINE).search(text, i)
            i = n if m is None else m.end()
        i = _skip_blank(text, i)
    return out
