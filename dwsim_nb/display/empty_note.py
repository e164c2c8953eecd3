"""The note under a query that found no rows: why, and how to make the data fit the query.

Generated data follows the schema's rules, not the filters of queries nobody has shown it yet:
a query on dates or values outside what was generated finds nothing. The note names the
predicate that removed the rows (the workload's explainer) and the two steps that fit the data
to the query: give it as workload, generate again.
"""

from __future__ import annotations

from dwsim_nb.display.html import esc, wrap


def _steps(name: str, terminal: bool = False) -> list[str]:
    if terminal:
        return [f"dwsim workload {name} QUERY.sql --add", f"dwsim generate {name}"]
    return [
        f"%%dwsim_workload {name} --add   (the query in the cell body)",
        f"%dwsim_generate {name}",
    ]


def empty_note_text(name: str, why: str | None, terminal: bool = False) -> str:
    """The note as text; ``terminal``: the steps as ``dwsim`` commands, not magics."""
    lines = [f"No rows. {why}" if why else "No rows."]
    lines.append("To make the data fit this query, give it as workload and generate again:")
    lines += [f"  {step}" for step in _steps(name, terminal)]
    return "\n".join(lines)


def empty_note_html(name: str, why: str | None) -> str:
    head = f"<b>No rows.</b> {esc(why)}" if why else "<b>No rows.</b>"
    steps = "".join(f"<li><code>{esc(step)}</code></li>" for step in _steps(name))
    body = (
        f"{head}<br>To make the data fit this query, give it as workload and generate "
        f"again:<ol>{steps}</ol>"
    )
    return wrap(f'<div class="dwsim-notes">{body}</div>')
