"""Numbers: ranges, distributions, booleans, sequences and constants."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import (
    BooleanRule,
    ConstantRule,
    DistributionRule,
    SequenceRule,
    rule_of,
    value_range,
)
from dwsim_nb.spec.types import DEFAULT_DECIMAL_PRECISION, INTEGER_TYPES, integer_bounds

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

# Upper ends used when a column's rule gives no max: modest, readable numbers.
_DEFAULT_HIGH = {"SMALLINT": 1000, "INT": 100_000, "BIGINT": 1_000_000}
_DEFAULT_HIGH_REAL = 1000.0
_INT64_MAX = 2**63 - 1


def is_integral(col: Column) -> bool:
    return col.data_type in INTEGER_TYPES or (col.data_type == "DECIMAL" and not col.scale)


def type_limits(col: Column) -> tuple[float, float]:
    if is_integral(col):
        lo, hi = integer_bounds(col.data_type, col.precision)
        return float(max(lo, -_INT64_MAX)), float(min(hi, _INT64_MAX))
    if col.data_type == "DECIMAL":
        digits = (col.precision or DEFAULT_DECIMAL_PRECISION) - (col.scale or 0)
        limit = 10.0**digits - 10.0 ** -(col.scale or 0)
        return -limit, limit
    return -math.inf, math.inf


def int_bounds(col: Column) -> tuple[int, int]:
    """Inclusive integer range of a whole-number column's rule (defaults when not given)."""
    t_lo, t_hi = integer_bounds(col.data_type, col.precision)
    t_lo, t_hi = max(t_lo, -_INT64_MAX), min(t_hi, _INT64_MAX)
    low, high = value_range(col.rule)
    lo = math.ceil(low) if low is not None else None
    hi = math.floor(high) if high is not None else None
    if lo is None and hi is None:
        lo, hi = 1, _DEFAULT_HIGH.get(col.data_type, 1_000_000)
    elif lo is None:
        assert hi is not None
        lo = min(0, hi)
    elif hi is None:
        hi = max(lo, _DEFAULT_HIGH.get(col.data_type, 1_000_000))
    return max(int(lo), t_lo), min(int(hi), t_hi)


def real_bounds(col: Column) -> tuple[float, float]:
    low, high = value_range(col.rule)
    lo = float(low) if low is not None else None
    hi = float(high) if high is not None else None
    if lo is None and hi is None:
        return 0.0, _DEFAULT_HIGH_REAL
    if lo is None:
        assert hi is not None
        return min(0.0, hi), hi
    if hi is None:
        return lo, max(lo, lo + _DEFAULT_HIGH_REAL)
    return lo, hi


def gen_range(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    if is_integral(col):
        lo, hi = int_bounds(col)
        span = hi - lo + 1
        offsets = ctx.below(rows, span)
        if lo < 0 and lo + span > _INT64_MAX:
            return (offsets.astype(np.uint64) + np.uint64(lo % 2**64)).astype(np.int64)
        return offsets + np.int64(lo)
    lo_r, hi_r = real_bounds(col)
    values = lo_r + ctx.uniform(rows) * (hi_r - lo_r)
    return _rounded(values, getattr(col.rule, "decimals", None), lo_r, hi_r)


def _rounded(values: np.ndarray, decimals: int | None, lo: float, hi: float) -> np.ndarray:
    """``values`` rounded to ``decimals`` places (None: as they are), kept inside ``lo``..``hi``
    at that precision; whole numbers (0 places) as integers, so a text column reads ``1234``."""
    if decimals is None:
        return values
    scale = 10.0**decimals
    low = math.ceil(round(lo * scale, 6)) / scale if math.isfinite(lo) else lo
    high = math.floor(round(hi * scale, 6)) / scale if math.isfinite(hi) else hi
    out = np.round(values, decimals)
    if low <= high:
        out = np.clip(out, low, high)
    if decimals == 0 and bool(np.all(np.abs(out) < 2.0**62)):
        return out.astype(np.int64)
    return out


def _sample(col: Column, d: DistributionRule, rng: np.random.Generator, n: int) -> np.ndarray:
    lo = float(d.min) if d.min is not None else None
    hi = float(d.max) if d.max is not None else None
    if d.type == "normal":
        mid = (lo + hi) / 2 if lo is not None and hi is not None else 0.0
        spread = (hi - lo) / 6 if lo is not None and hi is not None and hi > lo else 1.0
        return rng.normal(d.param("mean", mid), d.param("stddev", spread), n)
    if d.type == "lognormal":
        return rng.lognormal(d.param("mean", 0.0), d.param("sigma", 1.0), n)
    if d.type == "exponential":
        scale = 1.0 / d.param("lambda") if d.has("lambda") else d.param("scale", 1.0)
        return rng.exponential(scale, n)
    if d.type == "beta":
        a, b = d.param("alpha", 2.0), d.param("beta", 2.0)
        lo_b, hi_b = (lo if lo is not None else 0.0), (hi if hi is not None else 1.0)
        return lo_b + (hi_b - lo_b) * rng.beta(a, b, n)
    if d.type == "gamma":
        return rng.gamma(d.param("shape", 2.0), d.param("scale", 1.0), n)
    if d.type == "poisson":
        return rng.poisson(d.param("lambda", 1.0), n).astype(np.float64)
    if d.type == "zipf":
        ranks = rng.zipf(d.param("a", 2.0), n).astype(np.float64)
        return (lo if lo is not None else 1.0) + ranks - 1.0
    # uniform
    lo_u, hi_u = real_bounds(col)
    return rng.uniform(lo_u, hi_u, n)


def gen_distribution(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    rule = rule_of(col, DistributionRule)
    values = ctx.per_block(rows, lambda rng, n: _sample(col, rule, rng, n))
    lo = rule.min if rule.min is not None else -math.inf
    hi = rule.max if rule.max is not None else math.inf
    t_lo, t_hi = type_limits(col)
    values = np.clip(values, max(lo, t_lo), min(hi, t_hi))
    if is_integral(col):
        # Round then re-clamp so a bound like max=9.5 stays a whole number inside it.
        values = np.rint(values)
        values = np.clip(values, math.ceil(max(lo, t_lo)), math.floor(min(hi, t_hi)))
        return values.astype(np.int64)
    return _rounded(values, rule.decimals, max(lo, t_lo), min(hi, t_hi))


def gen_boolean(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    # Also the default for BOOLEAN columns without a rule: true in half the rows.
    p = col.rule.true_probability if isinstance(col.rule, BooleanRule) else 0.5
    return ctx.uniform(rows) < p


def gen_sequence(col: Column, ctx: ColumnContext, rows: np.ndarray) -> np.ndarray:
    seq = col.rule
    start, step = (seq.start, seq.step) if isinstance(seq, SequenceRule) else (1, 1)
    return np.int64(start) + np.int64(step) * rows


def gen_constant(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    one = pa.array([rule_of(col, ConstantRule).value])
    return one.take(pa.array(np.zeros(len(rows), dtype=np.int32)))
