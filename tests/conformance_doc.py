"""docs/conformance.md: one file, one section per test module that measures conformance.

Each module renders its own section (a table produced from its tests) and checks only that
section, between ``<!-- begin NAME -->`` and ``<!-- end NAME -->``; with
``DWSIM_WRITE_CONFORMANCE=1`` it writes the section in place (or appends it), leaving the others.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DOC = Path(__file__).parent.parent / "docs" / "conformance.md"

# The sections in the order the file holds them; a section not named here goes last.
ORDER = ("dates", "snowflake", "redshift", "tpch-agreement")

HEADER = (
    "# Function conformance\n\n"
    "Generated from the tests (do not edit by hand): each section says which test module writes "
    "it,\nwith `DWSIM_WRITE_CONFORMANCE=1 pytest tests/<module>.py`.\n"
    "✓ same rows as the reference; refused: a clear error naming the construct; "
    "✗ a different answer.\n"
)


def _block(name: str, text: str) -> str:
    return f"<!-- begin {name} -->\n{text.rstrip()}\n<!-- end {name} -->\n"


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"<!-- begin {re.escape(name)} -->\n.*?<!-- end {re.escape(name)} -->\n", re.S
    )


def section(name: str) -> str | None:
    """The section's text as the file holds it (None: not there)."""
    if not DOC.exists():
        return None
    found = _pattern(name).search(DOC.read_text(encoding="utf-8"))
    return found.group(0) if found else None


def check_section(name: str, text: str, module: str) -> None:
    """Write the section when asked, then assert the file holds it as rendered now."""
    block = _block(name, text)
    if os.environ.get("DWSIM_WRITE_CONFORMANCE"):
        old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        blocks = {
            m.group(1): m.group(0)
            for m in re.finditer(r"<!-- begin (\S+) -->\n.*?<!-- end \1 -->\n", old, re.S)
        }
        blocks[name] = block
        names = sorted(blocks, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
        DOC.write_text(HEADER + "".join("\n" + blocks[n] for n in names), encoding="utf-8")
    assert section(name) == block, (
        f"docs/conformance.md is stale: DWSIM_WRITE_CONFORMANCE=1 pytest tests/{module}"
    )


def table_section(title: str, intro: list[str], header: list[str], rows: list[list[str]]) -> str:
    """A section's Markdown: its title, the lines saying what was measured, then the table
    (a ``|`` inside a cell is escaped, so a construct like ``a || b`` keeps its column)."""
    lines = [f"## {title}", "", *intro, ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
