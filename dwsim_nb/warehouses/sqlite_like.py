"""LIKE on SQLite as the other warehouses read it: with the case of letters.

PostgreSQL, Redshift, DuckDB and Snowflake compare case in ``LIKE``; SQLite ignores the case of
ASCII letters, so ``p_type LIKE '%BRASS'`` found "Polished Brass" on SQLite only and the same
query gave more rows there. SQLite's ``GLOB`` compares case: a ``LIKE`` with a literal pattern
becomes a ``GLOB`` with the same meaning. SQL written for SQLite itself keeps its ``LIKE``.
"""

from __future__ import annotations

from sqlglot import exp

from dwsim_nb.dialects import resolve
from dwsim_nb.warehouses.rewrites import Context

# GLOB's own wildcards and class bracket, written as classes that hold only themselves.
_GLOB_LITERAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


def glob_pattern(pattern: str, escape: str | None = None) -> str:
    """The GLOB pattern matching what LIKE ``pattern`` matches, case and all (``%`` -> ``*``,
    ``_`` -> ``?``, a character after ``escape`` as itself)."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if escape is not None and ch == escape:
            ch = next(chars, "")
            out.append(_GLOB_LITERAL.get(ch, ch))
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(_GLOB_LITERAL.get(ch, ch))
    return "".join(out)


def _escape_char(node: exp.Escape) -> str | None:
    """The escape character of ``LIKE ... ESCAPE 'c'`` (None when it is no one-character text)."""
    esc = node.expression
    if isinstance(esc, exp.Literal) and esc.is_string and len(esc.this) == 1:
        return str(esc.this)
    return None


def fix_sqlite_like_case(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``x LIKE '%BRASS'`` -> ``x GLOB '*BRASS'`` on SQLite, for SQL of any other dialect (see
    the module's docstring). A pattern that is no literal text stays a LIKE."""
    if resolve(ctx.read).name == "sqlite":
        return tree
    for like in list(tree.find_all(exp.Like)):
        pattern = like.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            continue
        outer: exp.Expression = like
        escape = None
        if isinstance(like.parent, exp.Escape) and like.parent.this is like:
            escape = _escape_char(like.parent)
            if escape is None:
                continue
            outer = like.parent
        glob = exp.Glob(
            this=like.this.copy(), expression=exp.Literal.string(glob_pattern(pattern.this, escape))
        )
        # ``x NOT LIKE p ESCAPE e`` is a negated LIKE inside the ESCAPE.
        outer.replace(exp.Not(this=glob) if like.args.get("negate") else glob)
    return tree
