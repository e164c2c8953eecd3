"""Derived columns: arithmetic over other columns of the same row (``quantity * unit_price``)
and of the parent rows its foreign keys lead to (``quantity * part.retail_price``,
:mod:`dwsim_nb.engine.generators.parent_values`).

Expressions are parsed with sqlglot and only a small, safe subset is allowed: column references,
numeric literals, + - * /, unary minus, parentheses and the functions in ``_FUNCTIONS``.
Evaluation is vectorized with pyarrow.compute over the block's columns.

Overflow and division by zero are errors, never NULL and never wrapped: PostgreSQL, Redshift and
Snowflake raise on both, so a value one of them could not compute is refused whatever the target
(the same spec gives the same data, or the same error, on every warehouse), and a NULL would
silently break a NOT NULL column. Integers are computed in 64 bits with Arrow's checked kernels;
floats must stay finite; the result must fit the column's type before it is cast to it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from dwsim_nb.engine.generators.parent_values import parent_value
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.expressions import DERIVED_FUNCTIONS, computable
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import DerivedRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    exp.Add: pc.add_checked,
    exp.Sub: pc.subtract_checked,
    exp.Mul: pc.multiply_checked,
    exp.Div: pc.divide_checked,
}


@functools.lru_cache(maxsize=512)
def parse_expression(text: str) -> exp.Expr:
    """Parse and vet an expression; raise GenerationError naming what is not allowed."""
    try:
        tree = sqlglot.parse_one(text)
    except (sqlglot.errors.SqlglotError, RecursionError) as e:
        # SqlglotError, not only ParseError: the tokenizer raises its own (an unclosed /*).
        raise GenerationError(f"cannot read expression {text!r}: {e}") from None
    for node in tree.walk():
        if not computable(node):
            raise GenerationError(
                f"expression {text!r} uses {node.sql()!r}, which derived columns do not support",
                hint="use column names, numbers, + - * / and "
                + ", ".join(f"{f}()" for f in DERIVED_FUNCTIONS),
            )
    return tree


def referenced_columns(text: str) -> list[str]:
    """The row's own columns an expression reads (not those qualified by a parent table)."""
    return [c.name for c in parse_expression(text).find_all(exp.Column) if not c.table]


def parent_references(text: str) -> list[tuple[str, str]]:
    """(table, column) of the parents' columns an expression reads (``part.p_retailprice``)."""
    return [(c.table, c.name) for c in parse_expression(text).find_all(exp.Column) if c.table]


def _numeric(arr: pa.Array) -> pa.Array:
    # Decimal arithmetic in Arrow widens precision until it overflows; floats are what a
    # simulator needs here, and the result is cast back to the column's type. Narrow integers
    # are widened so that SMALLINT * SMALLINT is checked against 64 bits, not 16.
    if pa.types.is_decimal(arr.type):
        return pc.cast(arr, pa.float64())
    if pa.types.is_integer(arr.type):
        return pc.cast(arr, pa.int64())
    return arr


class _Overflow(Exception):
    """A value the expression cannot compute; turned into a GenerationError naming the column."""


def _finite(value: Any) -> Any:
    if pa.types.is_floating(value.type):
        ok = pc.is_finite(value)
        if (ok.as_py() if isinstance(ok, pa.Scalar) else pc.all(ok).as_py()) is False:
            raise _Overflow("overflows DOUBLE (infinite or not a number) for some rows")
    return value


def _same_type(args: list[Any]) -> list[Any]:
    """Integers mixed with floats become floats here: Arrow's implicit cast refuses integers
    above 2**53 where SQL engines round them."""
    if any(pa.types.is_floating(a.type) for a in args):
        return [pc.cast(a, pa.float64(), safe=False) for a in args]
    return args


def _apply(op: Callable[..., Any], *args: Any) -> Any:
    try:
        return _finite(op(*_same_type(list(args))))
    except pa.ArrowInvalid as e:
        text = str(e)
        if "divide by zero" in text:
            raise _Overflow("divides by zero for some rows") from None
        if "overflow" in text:
            raise _Overflow("overflows BIGINT (64-bit integers) for some rows") from None
        raise


def _evaluate(node: Any, ctx: ColumnContext) -> Any:
    if isinstance(node, exp.Paren):
        return _evaluate(node.this, ctx)
    if isinstance(node, exp.Column):
        if node.table:
            return _numeric(parent_value(ctx, node.table, node.name))
        return _numeric(ctx.other(_resolve(ctx, node.name)))
    if isinstance(node, exp.Literal):
        number = float(node.this)
        if not np.isfinite(number):
            raise _Overflow(f"has the literal {node.this}, which overflows DOUBLE")
        if number.is_integer() and "." not in node.this and abs(number) < 2**63:
            exact = int(node.this) if node.this.isdigit() else int(number)
            return pa.scalar(exact, pa.int64()) if exact < 2**63 else pa.scalar(number)
        return pa.scalar(number, pa.float64())
    if isinstance(node, exp.Neg):
        return _apply(pc.negate_checked, _evaluate(node.this, ctx))
    op = _BINARY.get(type(node))
    if op is not None:
        left, right = _evaluate(node.left, ctx), _evaluate(node.right, ctx)
        if op is pc.divide_checked:
            left = pc.cast(left, pa.float64(), safe=False)
        return _apply(op, left, right)
    if isinstance(node, exp.Round):
        digits = node.args.get("decimals")
        nd = int(float(digits.this)) if isinstance(digits, exp.Literal) else 0
        return _apply(pc.round, _evaluate(node.this, ctx), nd)
    if isinstance(node, exp.Abs):
        return _apply(pc.abs_checked, _evaluate(node.this, ctx))
    if isinstance(node, exp.Floor):
        return pc.floor(_evaluate(node.this, ctx))
    if isinstance(node, exp.Ceil):
        return pc.ceil(_evaluate(node.this, ctx))
    args = _same_type([_evaluate(a, ctx) for a in [node.this, *node.expressions]])
    if isinstance(node, exp.Coalesce):
        return pc.coalesce(*args)
    if isinstance(node, exp.Least):
        return pc.min_element_wise(*args)
    if isinstance(node, exp.Greatest):
        return pc.max_element_wise(*args)
    raise GenerationError(f"expression part {node.sql()!r} is not supported")


def _type_range(typ: pa.DataType) -> tuple[float | int, float | int] | None:
    """The values a numeric column type holds, as [low, high), or None: no bound to check."""
    if pa.types.is_integer(typ):
        # Python ints: compared exactly with integer and float results alike.
        info = np.iinfo(typ.to_pandas_dtype())
        return int(info.min), int(info.max) + 1
    if pa.types.is_decimal(typ):
        # Rounded to the scale on the way in: what rounds to 10**(precision - scale) overflows.
        top = 10.0 ** (typ.precision - typ.scale) - 10.0 ** (-typ.scale) / 2
        return float(np.nextafter(-top, 0.0)), top
    if typ == pa.float32():
        top = float(np.finfo(np.float32).max)
        return -top, top
    return None


def _check_fits(result: pa.Array, typ: pa.DataType, data_type: str) -> None:
    bounds = _type_range(typ)
    numeric = pa.types.is_integer(result.type) or pa.types.is_floating(result.type)
    if bounds is None or not numeric:
        return
    lo, hi = pc.min_max(result).values()
    if lo.as_py() is None:
        return
    if pa.types.is_integer(typ) and pa.types.is_floating(result.type):
        lo, hi = pc.round(lo), pc.round(hi)
    low, high = lo.as_py(), hi.as_py()
    if low < bounds[0] or high >= bounds[1]:
        bad = low if low < bounds[0] else high
        raise _Overflow(
            f"gives {bad:g} for some rows, which does not fit the column's type {data_type}"
        )


def _resolve(ctx: ColumnContext, name: str) -> str:
    table = ctx.trt.table
    if table.has_column(name):
        return name
    for c in table.columns:
        if c.name.lower() == name.lower():
            return c.name
    raise GenerationError(
        f"table '{table.key}', column '{ctx.col.name}': expression names '{name}', which the "
        f"table does not have; use one of {[c.name for c in table.columns]}"
    )


def gen_derived(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    expression = rule_of(col, DerivedRule).expression
    try:
        result = _evaluate(parse_expression(expression), ctx)
        if isinstance(result, pa.Scalar):
            result = pa.array([result.as_py()] * len(rows), type=result.type)
        _check_fits(result, ctx.trt.types[col.name], col.data_type)
    except _Overflow as e:
        raise GenerationError(
            f"expression {expression!r} {e}",
            where=f"table '{ctx.trt.name}', column '{col.name}'",
            hint="keep the operands smaller (narrower ranges), divide only by columns that are "
            "never 0 (e.g. a range with min_value 1), or widen the column's type",
        ) from None
    return result


def evaluate(expression: str, ctx: ColumnContext, where: str) -> pa.Array:
    """An expression over the columns of ``ctx``'s rows (aggregates sum one over children)."""
    try:
        result = _evaluate(parse_expression(expression), ctx)
        if isinstance(result, pa.Scalar):
            result = pa.array([result.as_py()] * len(ctx.batch.rows), type=result.type)
    except _Overflow as e:
        raise GenerationError(f"expression {expression!r} {e}", where=where) from None
    return result


def fits_problem(result: pa.Array, typ: pa.DataType, data_type: str) -> str | None:
    """Why computed values do not fit a column's type, or None when they do."""
    try:
        _check_fits(result, typ, data_type)
    except _Overflow as e:
        return str(e)
    return None
