"""COMMENTs as hints: ``COMMENT ON COLUMN t.c2 IS 'ISO 3166 country code'`` says as much as a name.

When a column's name gives no rule, the words of its comment are read as if they were its name
(``iso_3166_country_code``) by the same name rules, and, failing that, the table's comment with
the column's name (a table "Currencies" with a column ``code``). The rule's reason starts with
"comment:" and quotes the comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from dwsim_nb.spec.tables import Column, Table

R = TypeVar("R")
# Words of a comment read as a name: enough for "unit price in US dollars", not a paragraph.
MAX_WORDS = 6
# Words that say nothing about the values and would only get in the way of a name pattern.
_FILLER = {"the", "a", "an", "of", "in", "for", "this", "is", "to", "and", "or", "on", "at", "by"}


def _as_name(text: str) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and w not in _FILLER]
    return "_".join(words[:MAX_WORDS])


def comment_rule(col: Column, table: Table, rule: Callable[[Column], R | None]) -> R | None:
    """The rule ``rule`` gives the column named by its comment (or table comment), or None."""
    tries: list[tuple[str, str]] = []
    if col.comment and col.comment.strip():
        tries.append((_as_name(col.comment), col.comment.strip()))
    if table.comment and table.comment.strip():
        tries.append((f"{_as_name(table.comment)}_{col.name}", table.comment.strip()))
    for name, said in tries:
        if not name or name == col.name.lower():
            continue
        found = rule(col.model_copy(update={"name": name}))
        if found is not None:
            reason = getattr(found, "reason", None)
            shown = said if len(said) <= 60 else said[:57] + "..."
            update = {
                "reason": f"comment: {shown!r}; {reason}" if reason else f"comment: {shown!r}"
            }
            return found.model_copy(update=update)  # type: ignore[attr-defined, no-any-return]
    return None
