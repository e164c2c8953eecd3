"""CHECKs that order two columns of a row: ``CHECK (rental_date < return_date)``.

The later of two dates or timestamps follows the earlier (a datetime rule ``after`` it, strictly
for ``<``); of two numbers the smaller keeps below a split point and the larger above it, inside
the ranges their names or types give, so the CHECK holds in every row. The pair is read with the
CHECK, kept on the later column (``physical["check_after"]``) and turned into rules once the
name-based rules are known.
"""

from __future__ import annotations

import math
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from dwsim_nb.spec.tables import Table
from dwsim_nb.spec.types import INTEGER_TYPES, NUMERIC_TYPES, TEMPORAL_TYPES

# (smaller column, larger column, strict, reason)
Order = tuple[str, str, bool, str]
_FLIP: dict[type[exp.Expr], type[exp.Expr]] = {exp.GT: exp.LT, exp.GTE: exp.LTE}


def _name(node: exp.Expr) -> str | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def order_pairs(text: str) -> list[Order]:
    """Each ``a < b`` / ``a <= b`` / ``b > a`` between two columns in a CHECK's conjunction."""
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except (SqlglotError, ValueError, RecursionError):
        return []
    out: list[Order] = []
    for part in _conjuncts(tree):
        if not isinstance(part, exp.LT | exp.LTE | exp.GT | exp.GTE):
            continue
        left, right = _name(part.this), _name(part.expression)
        if not left or not right or left.lower() == right.lower():
            continue
        op = _FLIP.get(type(part), type(part))
        small, large = (left, right) if op is type(part) else (right, left)
        symbol = "<" if op is exp.LT else "<="
        out.append((small, large, op is exp.LT, f"CHECK ({small} {symbol} {large})"))
    return out


def _bounds(rule: dict[str, Any] | None, data_type: str) -> tuple[float, float]:
    """The range a numeric column's rule gives (the generator's defaults where it gives none)."""
    low = rule.get("min") if rule and rule.get("kind") in ("range", "distribution") else None
    high = rule.get("max") if rule and rule.get("kind") in ("range", "distribution") else None
    default_high = 100_000.0 if data_type in INTEGER_TYPES else 1000.0
    lo = float(low) if low is not None else (min(0.0, float(high)) if high is not None else 1.0)
    hi = float(high) if high is not None else max(lo, lo + default_high)
    return lo, hi


def _written(rule: dict[str, Any] | None) -> bool:
    return bool(rule) and rule.get("kind") != "auto" and not rule.get("reason")  # type: ignore[union-attr]


def _step(col: Any) -> float:
    if col.data_type in INTEGER_TYPES or (col.data_type == "DECIMAL" and not col.scale):
        return 1.0
    if col.data_type == "DECIMAL" and col.scale:
        return 10.0 ** -int(col.scale)
    return 0.01


def _narrowed(lo: float, hi: float, whole: bool) -> dict[str, Any]:
    # An even spread: a distribution clamped to half its range would pile up at the bound.
    lo_v: float | int = math.ceil(lo) if whole else lo
    hi_v: float | int = math.floor(hi) if whole else hi
    return {"kind": "range", "min": lo_v, "max": hi_v}


def apply_orders(t_data: dict[str, Any], table: Table, notes: list[str]) -> bool:
    """Rules for each CHECK-ordered pair of ``table`` (``t_data`` is its dumped form, rules as
    inferred so far); True when a rule changed."""
    by_name = {c["name"].lower(): c for c in t_data["columns"]}
    changed = False
    for col in table.columns:
        hint = col.physical.get("check_after")
        if not isinstance(hint, dict):
            continue
        small_data = by_name.get(str(hint.get("column", "")).lower())
        if small_data is None:
            continue
        small = table.column(small_data["name"])
        large_data = by_name[col.name.lower()]
        strict, reason = bool(hint.get("strict")), str(hint.get("reason"))
        if any(_written(d.get("rule")) for d in (small_data, large_data)):
            continue  # a rule the user wrote is never replaced
        if col.data_type in TEMPORAL_TYPES and small.data_type in TEMPORAL_TYPES:
            if col.data_type == "TIME" or small.data_type == "TIME":
                continue
            rule: dict[str, Any] = {"kind": "datetime", "after": small.name, "reason": reason}
            if strict:
                rule["strict"] = True
            large_data["rule"] = rule
            changed = True
        elif col.data_type in NUMERIC_TYPES and small.data_type in NUMERIC_TYPES:
            changed |= _split(small_data, large_data, small, col, reason, notes)
    return changed


def _split(
    small_data: dict[str, Any],
    large_data: dict[str, Any],
    small: Any,
    large: Any,
    reason: str,
    notes: list[str],
) -> bool:
    """Bound the smaller column below and the larger above one split point of their ranges."""
    kinds = ("range", "distribution", None, "auto")
    rules = [small_data.get("rule"), large_data.get("rule")]
    if any((r or {}).get("kind") not in kinds for r in rules):
        notes.append(f"{reason}: a column has a rule of its own, so the order is not enforced")
        return False
    ls, hs = _bounds(rules[0], small.data_type)
    ll, hl = _bounds(rules[1], large.data_type)
    step = max(_step(small), _step(large))
    if hs < ll:
        return False  # already apart
    low, high = max(ls, ll), min(hs, hl)
    if high - low < 2 * step:
        low, high = min(ls, ll), max(hs, hl)
    # the geometric middle of positive ranges, so 1..5,000 splits near 70, not 2,500
    split = math.sqrt(low * high) if low > 0 else (low + high) / 2
    s_hi = round(math.floor(split / step) * step, 10)
    l_lo = round(s_hi + step, 10)
    if s_hi < ls or l_lo > hl:
        notes.append(f"{reason}: the columns' ranges leave no room to order them")
        return False
    s_whole = _step(small) == 1.0
    l_whole = _step(large) == 1.0
    small_data["rule"] = {**_narrowed(ls, s_hi, s_whole), "reason": reason}
    large_data["rule"] = {**_narrowed(l_lo, hl, l_whole), "reason": reason}
    for data, old in ((small_data, rules[0]), (large_data, rules[1])):
        if old and old.get("reason"):
            data["rule"]["reason"] = f"{reason}; {old['reason']}"
    return True
