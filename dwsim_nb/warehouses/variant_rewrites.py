"""Snowflake VARIANT values read as Snowflake reads them, on DuckDB (see :mod:`.pipelines`).

On DuckDB a VARIANT / OBJECT column, a path into one (``v:field``, ``v['field']``) and the VALUE
of a FLATTEN are JSON. Snowflake converts a VARIANT where it is used: ``v:name::string`` is the
text without quotes, ``v:name = 'Ann'`` compares text, ``v:price * 2`` is arithmetic. DuckDB's
JSON does none of that: ``CAST(json AS TEXT)`` keeps the quotes (a wrong answer without an
error), a JSON compared with a string tries to read the string as JSON, and arithmetic on JSON is
refused. The fix gives DuckDB the scalar inside the JSON where the use needs one.
"""

from __future__ import annotations

from typing import cast

import sqlglot
from sqlglot import exp

from dwsim_nb.errors import QueryError
from dwsim_nb.warehouses.array_rewrites import FLATTEN_ALIASES
from dwsim_nb.warehouses.rewrites import Context

_VARIANT_TYPES = (exp.DType.VARIANT, exp.DType.OBJECT, exp.DType.JSON)

# Where a VARIANT is used as text / as a number.
_TEXT_USES = (
    exp.DPipe,
    exp.Concat,
    exp.Upper,
    exp.Lower,
    exp.Length,
    exp.Substring,
    exp.Trim,
    exp.Like,
    exp.ILike,
    exp.StartsWith,
    exp.Left,
    exp.Right,
    exp.SplitPart,
)
_NUMBER_USES = (
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.Sum,
    exp.Avg,
    exp.Round,
    exp.Abs,
)
_PATHS = (exp.JSONExtract, exp.GetExtract, exp.Bracket)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ)


def _is_variant(node: exp.Expression, ctx: Context, flattened: set[str]) -> bool:
    if isinstance(node, (exp.JSONExtract, exp.GetExtract, exp.ParseJSON)):
        return True
    if isinstance(node, exp.Bracket):
        return _is_variant(node.this, ctx, flattened)
    if isinstance(node, exp.Column):
        if node.table.lower() in flattened and node.name.lower() in ("value", "this"):
            return True
        typed = ctx.type_of(node)
        return typed is not None and typed.is_type(*_VARIANT_TYPES)
    return False


def _as_text(node: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="json_extract_string", expressions=[node, exp.Literal.string("$")])


def _as_number(node: exp.Expression) -> exp.Expression:
    return exp.cast(_as_text(node), exp.DataType.build("double"))


def _json_array_size(node: exp.Expression) -> exp.Expression:
    is_array = exp.EQ(
        this=exp.Anonymous(this="json_type", expressions=[node]),
        expression=exp.Literal.string("ARRAY"),
    )
    size = exp.Anonymous(this="json_array_length", expressions=[node.copy()])
    return exp.Case(ifs=[exp.If(this=is_array, true=size)])


def _scalar_kind(node: exp.Expression, ctx: Context) -> str | None:
    """ "text" or "number" for a value a VARIANT is compared with (None: leave the JSON)."""
    if isinstance(node, exp.Literal):
        return "text" if node.is_string else "number"
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return "number"
    typed = ctx.type_of(node)
    if typed is None or typed.is_type(*_VARIANT_TYPES):
        return None
    if typed.is_type(*exp.DataType.TEXT_TYPES):
        return "text"
    if typed.is_type(*exp.DataType.NUMERIC_TYPES):
        return "number"
    return None


def _outer_parent(node: exp.Expression) -> exp.Expression | None:
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return cast(exp.Expression | None, parent)


def _use(node: exp.Expression, ctx: Context) -> str | None:
    """How the VARIANT ``node`` is used: "text", "number", "cast" or None (as JSON)."""
    parent = _outer_parent(node)
    if isinstance(parent, (exp.Cast, exp.TryCast)):
        return None if parent.to.is_type(*_VARIANT_TYPES, exp.DType.ARRAY) else "text"
    if isinstance(parent, _TEXT_USES):
        return "text"
    if isinstance(parent, _NUMBER_USES):
        return "number"
    if isinstance(parent, _COMPARISONS):
        left = any(n is node for n in parent.this.walk())
        return _scalar_kind(parent.expression if left else parent.this, ctx)
    if isinstance(parent, exp.Between):
        return _scalar_kind(parent.args["low"], ctx)
    if isinstance(parent, exp.In):
        kinds = {_scalar_kind(e, ctx) for e in parent.expressions}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _variants(tree: exp.Expression, ctx: Context, flattened: set[str]) -> list[exp.Expression]:
    """The outermost VARIANT values of ``tree`` (a path followed further is one value)."""
    return [
        node
        for node in tree.walk()
        if isinstance(node, (*_PATHS, exp.ParseJSON, exp.Column))
        and not isinstance(node.parent, _PATHS)
        and _is_variant(node, ctx, flattened)
    ]


def fix_variant_values_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A VARIANT cast, compared, concatenated or computed with -> the scalar inside its JSON.

    ``v:name::string`` printed as ``CAST(v -> '$.name' AS TEXT)`` keeps the JSON quotes on
    DuckDB; ``v:name = 'Ann'`` fails ("Malformed JSON") and ``v:price * 2`` finds no operator.
    Where Snowflake would convert the VARIANT, DuckDB gets ``json_extract_string(x, '$')`` (the
    text of a string, the JSON text of anything else, NULL for a JSON null), cast to DOUBLE where
    a number is needed; a cast to another type casts that text, as Snowflake casts a VARIANT
    string (``'"2024-01-05"'::date``). A VARIANT used as a whole (selected, grouped, a path
    followed further) stays JSON. ``ARRAY_SIZE`` of a VARIANT counts a JSON array (NULL for
    anything else, as in Snowflake) where DuckDB's list function refuses JSON.
    """
    flattened = {a.lower() for a in tree.meta.get(FLATTEN_ALIASES, ())}
    for node in _variants(tree, ctx, flattened):
        parent = _outer_parent(node)
        if isinstance(parent, exp.ArraySize):
            parent.replace(_json_array_size(node.copy()))
            continue
        use = _use(node, ctx)
        if use == "text":
            node.replace(_as_text(node.copy()))
        elif use == "number":
            node.replace(_as_number(node.copy()))
    return tree


def _flatten_aliases(tree: exp.Expression) -> set[str]:
    return {
        node.alias.lower()
        for node in tree.find_all(exp.Lateral, exp.TableFromRows)
        if isinstance(node.this, exp.Explode) and node.alias
    }


def fix_variant_values_snowflake(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """On the Snowflake emulator: a path into a VARIANT compared with text or a number, or used
    in arithmetic or a text function, gets the cast Snowflake applies implicitly.

    fakesnow prints ``v:name = 'Ann'`` and ``v:n * 2`` as DuckDB JSON operations that DuckDB
    rejects ("Malformed JSON", no ``*`` for JSON); it translates ``v:name::varchar`` and
    ``v:n::double`` correctly, and in Snowflake those casts mean what the bare path meant. A
    plain cast is left to fakesnow.
    """
    flattened = _flatten_aliases(tree)
    for node in _variants(tree, ctx, flattened):
        if isinstance(_outer_parent(node), (exp.Cast, exp.TryCast)):
            continue
        use = _use(node, ctx)
        if use in ("text", "number"):
            to = "varchar" if use == "text" else "double"
            node.replace(exp.cast(node.copy(), exp.DataType.build(to)))
    return tree


def fix_flatten_outer_snowflake(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``, LATERAL FLATTEN(input => x, outer => true) f`` -> ``LEFT JOIN LATERAL FLATTEN(input =>
    x) f ON TRUE`` on the Snowflake emulator.

    fakesnow drops OUTER: a row whose array is empty or NULL disappears (a wrong answer without
    an error), where Snowflake keeps it with NULLs. A LEFT JOIN keeps it, under fakesnow as in
    Snowflake.
    """
    for lateral in list(tree.find_all(exp.Lateral)):
        explode, join = lateral.this, lateral.parent
        if not isinstance(explode, exp.Explode) or not isinstance(join, exp.Join):
            continue
        outer = [
            k
            for k in explode.expressions
            if isinstance(k, exp.Kwarg) and k.this.name.lower() == "outer"
        ]
        if not outer or not isinstance(outer[0].expression, exp.Boolean):
            continue
        if not outer[0].expression.this or join.args.get("on") is not None:
            continue
        explode.set("expressions", [k for k in explode.expressions if k is not outer[0]])
        join.set("side", "LEFT")
        join.set("kind", None)
        join.set("on", exp.true())
    return tree


# OBJECT_CONSTRUCT on DuckDB: the pairs whose value is not NULL, as a JSON object.
_OBJECT = (
    "TO_JSON(MAP_FROM_ENTRIES(LIST_FILTER(dwsim_pairs, dwsim_pair -> dwsim_pair.v IS NOT NULL)))"
)


def fix_object_construct_duckdb(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``OBJECT_CONSTRUCT('k', x, ...)`` -> a JSON object without the pairs whose value is NULL.

    sqlglot prints a DuckDB struct (``{'k': x}``), which keeps a key whose value is NULL where
    Snowflake leaves the key out (``ARRAY_SIZE(OBJECT_KEYS(...))`` and FLATTEN count it), and is
    not JSON, so ``:`` paths into it fail. The pairs become ``{'k': .., 'v': TO_JSON(x)}``
    entries, the NULL ones are filtered out, and the map is printed as JSON (an OBJECT, as a
    VARIANT is on DuckDB). ``OBJECT_CONSTRUCT(*)`` is left alone.
    """
    for struct in list(tree.find_all(exp.Struct)):
        pairs = struct.expressions
        if not pairs or not all(
            isinstance(p, exp.PropertyEQ) and isinstance(p.this, exp.Literal) for p in pairs
        ):
            continue
        entries = exp.Array(
            expressions=[
                exp.Struct(
                    expressions=[
                        exp.PropertyEQ(this=exp.Literal.string("k"), expression=p.this.copy()),
                        exp.PropertyEQ(
                            this=exp.Literal.string("v"),
                            expression=exp.Anonymous(
                                this="TO_JSON", expressions=[p.expression.copy()]
                            ),
                        ),
                    ]
                )
                for p in pairs
            ]
        )
        built = cast(exp.Expression, sqlglot.parse_one(_OBJECT, read="duckdb"))
        for column in list(built.find_all(exp.Column)):
            if column.name == "dwsim_pairs":
                column.replace(entries)
        struct.replace(built)
    return tree


def fix_get_as_path_snowflake(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``GET(v, 'field')`` / ``GET(v, 0)`` -> ``v:field`` / ``v[0]`` on the Snowflake emulator.

    fakesnow prints ``GET(v, 'name')::string`` as ``CAST(v -> '$.name' AS TEXT)``, which keeps
    the JSON quotes; it prints the ``:`` path it means the same as with ``->>``.
    """
    for get in list(tree.find_all(exp.GetExtract)):
        key = get.expression
        if not isinstance(key, exp.Literal):
            continue
        step: exp.Expression = (
            exp.JSONPathKey(this=key.this)
            if key.is_string
            else exp.JSONPathSubscript(this=int(key.this))
        )
        path = exp.JSONPath(expressions=[exp.JSONPathRoot(), step])
        get.replace(exp.JSONExtract(this=get.this.copy(), expression=path, variant_extract=True))
    return tree


# Array functions fakesnow translates for lists while it holds an ARRAY as JSON.
_ARRAY_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.ArrayContains: "ARRAY_CONTAINS",
    exp.ArrayToString: "ARRAY_TO_STRING",
}


def refuse_array_functions_snowflake(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """``ARRAY_CONTAINS`` and ``ARRAY_TO_STRING`` on the Snowflake emulator: a QueryError naming
    the function.

    fakesnow holds an ARRAY as JSON but prints these as DuckDB list functions, which DuckDB
    refuses with a binder error about ``array_length(JSON)`` or a lambda, a message that does
    not say what to change.
    """
    for kind, name in _ARRAY_FUNCTIONS.items():
        if tree.find(kind) is not None:
            raise QueryError(
                f"{name} is not supported by the Snowflake emulator (fakesnow), which holds "
                "arrays as JSON.",
                hint="run the query on the duckdb warehouse, or use LATERAL FLATTEN and "
                "LISTAGG / COUNT_IF over its VALUE",
            )
    return tree
