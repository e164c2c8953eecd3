"""Translate a query between dialects, and name the places where its meaning may change.

The translation is sqlglot's, plus this project's named fixes for the (from, to) pair, in the order
:mod:`dwsim_nb.warehouses.pipelines` lists them. Fixes that make the emulators
faithful by calling this project's helper functions (``dwsim_rs.*``) are skipped: the output is
meant for the real target warehouse, which does not have them; those constructs are listed in
``notes`` instead. Identifiers are printed as written (no blanket quoting, which would make names
case-sensitive on Snowflake).

Hazards are small named checks over the parsed statement, one per known semantic difference
(integer division, NULL ordering, DATEDIFF, identifier case, string comparison).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, UnsupportedError

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.pipelines import fixes_for
from dwsim_nb.warehouses.rewrites import Context
from dwsim_nb.warehouses.translate import parse, sqlglot_dialect

_HELPER_SCHEMA = "dwsim_rs"


@dataclass
class Translation:
    """A query in ``source`` dialect and its translation to ``target``, with notes."""

    sql: str
    source: str
    target: str
    statements: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return ";\n\n".join(self.statements) + ";"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        lines = [f"-- {self.source} -> {self.target}", self.text]
        lines += [f"-- note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        pre = "white-space:pre-wrap;margin:0;padding:6px;background:#f6f8fa;font-size:12px"
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        return (
            "<div><table style='width:100%;table-layout:fixed'><tr>"
            f"<th style='text-align:left'>{escape(self.source)}</th>"
            f"<th style='text-align:left'>{escape(self.target)}</th></tr><tr>"
            f"<td style='vertical-align:top'><pre style='{pre}'>{escape(self.sql.strip())}"
            "</pre></td>"
            f"<td style='vertical-align:top'><pre style='{pre}'>{escape(self.text)}</pre></td>"
            "</tr></table>" + (f"<b>Check by hand</b><ul>{notes}</ul>" if notes else "") + "</div>"
        )


def _dialect(name: str) -> type[Dialect]:
    return Dialect.get_or_raise(sqlglot_dialect(name) or None).__class__


def translate(sql: str, from_dialect: str, to_dialect: str) -> Translation:
    """``sql`` written for ``from_dialect`` as ``to_dialect`` SQL, with semantic notes.

    >>> translate("select top 3 * from users", "redshift", "snowflake").text
    'SELECT * FROM users LIMIT 3;'
    """
    target = sqlglot_dialect(to_dialect)
    ctx = Context(read=from_dialect, engine=to_dialect)
    statements: list[str] = []
    notes: list[str] = []
    trees = parse(sql, from_dialect)
    fixes = fixes_for(from_dialect, to_dialect)
    for tree in trees:
        ctx.annotate(tree)
        for check in HAZARDS:
            note = check(tree, from_dialect, to_dialect)
            if note and note not in notes:
                notes.append(note)
        for fix in fixes:
            candidate = fix(tree.copy(), ctx)
            if _HELPER_SCHEMA in candidate.sql():
                doc = (fix.__doc__ or fix.__name__).strip().splitlines()[0]
                notes.append(f"no plain {to_dialect} equivalent was written for: {doc}")
                continue
            tree = candidate
        try:
            statements.append(
                tree.sql(dialect=target or None, pretty=True, unsupported_level=ErrorLevel.RAISE)
            )
        except UnsupportedError as e:
            raise QueryError(
                f"this {from_dialect} SQL cannot be translated to {to_dialect}: {e}.",
                hint="rewrite that construct by hand",
            ) from None
    return Translation(sql, from_dialect, to_dialect, statements, notes)


# --- hazards: one check per known difference --------------------------------------------------

Hazard = Callable[[exp.Expression, str, str], str | None]


def integer_division(tree: exp.Expression, src: str, dst: str) -> str | None:
    a, b = _dialect(src), _dialect(dst)
    if a.TYPED_DIVISION == b.TYPED_DIVISION or not any(True for _ in tree.find_all(exp.Div)):
        return None
    whole, real = (src, dst) if a.TYPED_DIVISION else (dst, src)
    return (
        f"a / b of two integers is integer division on {whole} but gives a fraction on {real}; "
        "cast one side (x::decimal / y) to say which you mean"
    )


def _nulls_first(ordering: str, desc: bool) -> bool:
    if ordering == "nulls_are_last":
        return False
    return (ordering == "nulls_are_small") != desc


def null_ordering(tree: exp.Expression, src: str, dst: str) -> str | None:
    a, b = _dialect(src).NULL_ORDERING, _dialect(dst).NULL_ORDERING
    for o in tree.find_all(exp.Ordered):
        desc = bool(o.args.get("desc"))
        # The parser records the source's default placement; run as is, the target's applies.
        if _nulls_first(a, desc) != _nulls_first(b, desc) and bool(
            o.args.get("nulls_first")
        ) == _nulls_first(a, desc):
            where = "first" if _nulls_first(a, desc) else "last"
            return (
                f"ORDER BY ... {'DESC' if desc else 'ASC'} puts NULLs {where} on {src} but not "
                f"on {dst}; the translation spells it out, the same text run as is does not: "
                "write NULLS FIRST or NULLS LAST"
            )
    return None


def datediff_boundaries(tree: exp.Expression, src: str, dst: str) -> str | None:
    if src == dst or not any(
        True
        for _ in tree.find_all(exp.DateDiff, exp.TsOrDsDiff, exp.DatetimeDiff, exp.TimestampDiff)
    ):
        return None
    return (
        "DATEDIFF differs between warehouses: Redshift and Snowflake count the date-part "
        "boundaries crossed, DuckDB counts whole weeks for WEEK, and engines without DATEDIFF "
        "get a subtraction of timestamps; check values near midnight, week and month ends"
    )


def identifier_case(tree: exp.Expression, src: str, dst: str) -> str | None:
    a, b = _dialect(src), _dialect(dst)
    if a.NORMALIZATION_STRATEGY == b.NORMALIZATION_STRATEGY:
        return None
    if "UPPERCASE" not in (str(a.NORMALIZATION_STRATEGY), str(b.NORMALIZATION_STRATEGY)):
        return None
    mixed = any(not i.quoted and i.name != i.name.lower() for i in tree.find_all(exp.Identifier))
    aliased = any(not a.args["alias"].quoted for a in tree.find_all(exp.Alias))
    if not (mixed or aliased):
        return None
    return (
        "unquoted names fold to upper case on Snowflake and to lower case elsewhere: result "
        "column names (and quoted references to them) change case"
    )


def string_comparison(tree: exp.Expression, src: str, dst: str) -> str | None:
    if "sqlite" in (src, dst) and any(True for _ in tree.find_all(exp.Like)):
        return (
            "LIKE ignores ASCII case in SQLite's own SQL but not elsewhere (translated for SQLite, "
            "a LIKE with a literal pattern keeps the case as a GLOB); use LOWER() on both sides"
        )
    if src == dst:
        return None
    for cmp in tree.find_all(exp.LT, exp.GT, exp.LTE, exp.GTE):
        if any(isinstance(side, exp.Literal) and side.is_string for side in (cmp.left, cmp.right)):
            return (
                "string < and > follow each warehouse's collation (byte order, or case- and "
                "accent-aware); compare with an explicit COLLATE or on LOWER() values"
            )
    return None


HAZARDS: list[Hazard] = [
    integer_division,
    null_ordering,
    datediff_boundaries,
    identifier_case,
    string_comparison,
]
