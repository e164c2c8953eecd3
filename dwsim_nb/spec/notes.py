"""Import notes and warnings grouped by their template, so 55 alike lines read as one.

A DDL import says one thing per statement it skipped or read ("line 812: skipped partition
public.payment_p2022_01 of public.payment (...)"). A pg_dump repeats the same statement for
every partition, sequence or owner, so the list drowns what matters. Two messages belong to
one group when they differ only in their line number and in name-like words (words holding a
dot, an underscore, a digit or a quote); the words that are the same in every message of a
group stay, the others become ``…`` and a few of their values are shown as examples.

Every shell (notebook HTML, CLI, import form) renders the groups from :func:`group_messages`,
so the three say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_LINE = re.compile(r"^line (\d+):\s*")
_WORD = re.compile(r"\S+")
# A name-like word: qualified (a.b), snake_case, numbered or quoted; plain words stay words.
_NAMEISH = re.compile(r"[._0-9'\"`\[]")
# Punctuation around a word that is not part of the name (kept in the template).
_EDGE = re.compile(r"^([(\[{,;:]*)(.*?)([)\]},;:]*)$")
PLACEHOLDER = "…"


@dataclass
class MessageGroup:
    """Messages of one template: how many, on which lines, and the names that varied."""

    template: str
    messages: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.messages)

    def line_span(self) -> str:
        """``line 812``, ``lines 812–1200`` or an empty string when no message had a line."""
        if not self.lines:
            return ""
        lo, hi = min(self.lines), max(self.lines)
        return f"line {lo}" if lo == hi else f"lines {lo}–{hi}"

    def summary(self, max_examples: int = 3) -> str:
        """One line: the message itself when alone, else count, template, lines and examples."""
        if self.count == 1:
            return self.messages[0]
        text = f"{self.count}× {self.template}"
        span = self.line_span()
        if span:
            text += f" ({span})"
        if self.examples:
            shown = self.examples[:max_examples]
            more = len(self.examples) - len(shown)
            text += "; e.g. " + ", ".join(shown) + (f", … {more} more" if more > 0 else "")
        return text


def _split(message: str) -> tuple[int | None, list[str]]:
    m = _LINE.match(message)
    line = int(m.group(1)) if m else None
    body = message[m.end() :] if m else message
    return line, _WORD.findall(body)


def _core(word: str) -> tuple[str, str, str]:
    m = _EDGE.match(word)
    assert m is not None  # the pattern matches every string
    return m.group(1), m.group(2), m.group(3)


def _is_name(word: str) -> bool:
    return bool(_NAMEISH.search(_core(word)[1]))


def _key(words: list[str]) -> tuple[str, ...]:
    out = []
    for w in words:
        pre, core, post = _core(w)
        out.append(f"{pre}\0{post}" if _NAMEISH.search(core) else w)
    return tuple(out)


def group_messages(messages: Iterable[str]) -> list[MessageGroup]:
    """Group messages by template, in the order each template first appears."""
    buckets: dict[tuple[str, ...], list[tuple[str, int | None, list[str]]]] = {}
    for message in messages:
        line, words = _split(message)
        buckets.setdefault(_key(words), []).append((message, line, words))
    groups: list[MessageGroup] = []
    for items in buckets.values():
        first_words = items[0][2]
        varying = {
            i
            for i, w in enumerate(first_words)
            if _is_name(w) and any(other[2][i] != w for other in items[1:])
        }
        template_words = []
        for i, w in enumerate(first_words):
            if i in varying:
                pre, _, post = _core(w)
                template_words.append(f"{pre}{PLACEHOLDER}{post}")
            else:
                template_words.append(w)
        examples: list[str] = []
        if varying:
            first = min(varying)
            for _, _, words in items:
                name = _core(words[first])[1]
                if name not in examples:
                    examples.append(name)
        groups.append(
            MessageGroup(
                template=" ".join(template_words),
                messages=[m for m, _, _ in items],
                lines=[ln for _, ln, _ in items if ln is not None],
                examples=examples,
            )
        )
    return groups


def grouped_lines(messages: Iterable[str], max_examples: int = 3) -> list[str]:
    """The one-line summaries of :func:`group_messages` (what every shell prints)."""
    return [g.summary(max_examples) for g in group_messages(messages)]


def add_note(
    data: dict, table: str, why: str, *, column: str = "", key: list[str] | None = None
) -> None:
    """Record an inferred rule in a spec's raw ``notes`` (the import's list of what it read):
    ``table 't', column 'c': why`` or ``table 't', foreign key (a, b): why``."""
    where = f", column '{column}'" if column else f", foreign key ({', '.join(key)})" if key else ""
    data.setdefault("notes", []).append(f"table '{table}'{where}: {why}")
