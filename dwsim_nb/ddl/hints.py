"""Rules the DDL itself states: CHECK conditions and DEFAULT literals.

``CHECK (year >= 1901 AND year <= 2155)`` says the column's range, ``CHECK (rating IN ('G',
'PG'))`` (or pg_dump's ``rating = ANY (ARRAY[...])``) its values, ``DEFAULT 4.99`` its most common
value. Each rule carries a ``reason`` quoting the DDL so the user sees where it came from.
"""

from __future__ import annotations

import math
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from dwsim_nb.spec.types import STRING_TYPES

_WHOLE = {"SMALLINT", "INT", "BIGINT"}
_NUMERIC = _WHOLE | {"DECIMAL", "FLOAT", "DOUBLE"}
# Share of rows that take a column's DEFAULT when the column has other values to draw.
DEFAULT_SHARE = 0.7


def _bare(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node


def _column(node: exp.Expr) -> str | None:
    node = _bare(node)
    return node.name if isinstance(node, exp.Column) else None


def _literal(node: exp.Expr) -> Any:
    """The Python value of a (possibly cast or negated) literal; raises ValueError otherwise."""
    node = _bare(node)
    if isinstance(node, exp.Neg):
        value = _literal(node.this)
        if isinstance(value, str):
            raise ValueError("negated string")
        return -value
    if not isinstance(node, exp.Literal):
        raise ValueError("not a literal")
    if node.is_string:
        return node.this
    text = node.this
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return int(text) if text.lstrip("-").isdigit() else number


def _step(fields: dict[str, Any]) -> float:
    """The smallest step between two values of the column's type (for ``x > 0``)."""
    if fields.get("data_type") in _WHOLE:
        return 1
    if fields.get("data_type") == "DECIMAL" and fields.get("scale") is not None:
        return float(10 ** -int(fields["scale"]))
    return 0


class _Bounds:
    def __init__(self, step: float) -> None:
        self.low: float | None = None
        self.high: float | None = None
        self.step = step

    def add(self, op: type[exp.Expr], value: Any, column_left: bool) -> None:
        if isinstance(value, str):
            raise ValueError("string bound")
        if not column_left:  # `0 < x` is `x > 0`
            flip: dict[type[exp.Expr], type[exp.Expr]] = {
                exp.GT: exp.LT,
                exp.LT: exp.GT,
                exp.GTE: exp.LTE,
                exp.LTE: exp.GTE,
            }
            op = flip[op]
        if op in (exp.GT, exp.GTE):
            low = value + self.step if op is exp.GT else value
            self.low = low if self.low is None else max(self.low, low)
        else:
            high = value - self.step if op is exp.LT else value
            self.high = high if self.high is None else min(self.high, high)


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    node = _bare(node)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _values(node: exp.Expr) -> tuple[str, list[Any]] | None:
    if isinstance(node, exp.In) and (name := _column(node.this)) and node.expressions:
        return name, [_literal(e) for e in node.expressions]
    if isinstance(node, exp.EQ) and isinstance(any_ := _bare(node.expression), exp.Any):
        array = _bare(any_.this)
        name = _column(node.this)
        if name and isinstance(array, exp.Array) and array.expressions:
            return name, [_literal(e) for e in array.expressions]
    return None


def _range(parts: list[exp.Expr], step: float) -> tuple[str, float | None, float | None]:
    bounds = _Bounds(step)
    names: set[str] = set()
    for part in parts:
        if isinstance(part, exp.Between) and (name := _column(part.this)):
            names.add(name.lower())
            bounds.add(exp.GTE, _literal(part.args["low"]), True)
            bounds.add(exp.LTE, _literal(part.args["high"]), True)
        elif isinstance(part, exp.GT | exp.GTE | exp.LT | exp.LTE):
            left, right = _column(part.this), _column(part.expression)
            if left and not right:
                names.add(left.lower())
                bounds.add(type(part), _literal(part.expression), True)
            elif right and not left:
                names.add(right.lower())
                bounds.add(type(part), _literal(part.this), False)
            else:
                raise ValueError("not a column against a literal")
        else:
            raise ValueError("not a range")
    if len(names) != 1:
        raise ValueError("more than one column")
    return names.pop(), bounds.low, bounds.high


def check_rule(
    text: str, column: str | None, fields: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """``CHECK (text)`` -> (column, rule) when it is a range or a value list on one column.

    ``column`` is the column the CHECK is written on (None on a table); ``VALUE`` (a domain)
    stands for it. ``fields`` are the column's type fields, used to turn ``x > 0`` into a lower
    bound of one step above zero.
    """
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except (SqlglotError, ValueError, RecursionError):
        return None
    # The reason quotes the condition without pg_dump's casts and outer parentheses.
    reason = f"CHECK ({_bare(tree).sql('postgres')})"
    rule: dict[str, Any]
    try:
        like = like_rule(_bare(tree), fields or {})
        found = _values(_bare(tree))
        if like is not None:
            name, rule = like
        elif found is not None:
            name, values = found
            listed = ", ".join(exp.convert(v).sql("postgres") for v in values)
            reason = f"CHECK ({name} IN ({listed}))"
            rule = {"kind": "values", "values": values, "reason": reason}
        else:
            name, low, high = _range(_conjuncts(tree), _step(fields or {}))
            if low is None and high is None:
                return None
            if low is not None and high is not None and low > high:
                return None
            if fields is not None and fields.get("data_type") not in _NUMERIC:
                return None
            rule = {"kind": "range", "min": low, "max": high, "reason": reason}
    except (ValueError, KeyError, TypeError):
        return None
    if column is not None and name.upper() != "VALUE" and name.lower() != column.lower():
        return None
    return (column or name), rule


# Characters a ``%`` of a LIKE pattern stands for when the width leaves room: letters, digits.
_LIKE_FILL = "?###"


def like_rule(node: exp.Expr, fields: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """``code LIKE 'AB%'`` -> a pattern rule whose strings match: ``_`` a capital letter,
    ``%`` a few letters and digits (fewer when the column's width is short)."""
    if not isinstance(node, exp.Like | exp.ILike) or not (name := _column(node.this)):
        return None
    text = _literal(node.expression)
    if not isinstance(text, str) or "#" in text or "?" in text or "\\" in text or not text:
        return None
    fixed = len(text.replace("%", ""))
    width = fields.get("varchar_length")
    percents = text.count("%")
    room = (int(width) - fixed) if width else len(_LIKE_FILL) * percents
    if room < 0:
        return None
    share = room // percents if percents else 0
    fill = (_LIKE_FILL * 4)[: min(share, len(_LIKE_FILL))]
    pattern = text.replace("_", "?").replace("%", fill)
    shown = f"CHECK ({node.sql('postgres')})"
    return name, {"kind": "pattern", "pattern": pattern, "reason": shown}


def merge_ranges(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two range rules from CHECKs on one column: the tighter bounds, both reasons."""
    lows = [x for x in (a.get("min"), b.get("min")) if x is not None]
    highs = [x for x in (a.get("max"), b.get("max")) if x is not None]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is not None and high is not None and low > high:
        return a
    reason = f"{a.get('reason')}; {b.get('reason')}"
    return {"kind": "range", "min": low, "max": high, "reason": reason}


def _default_literal(text: str, data_type: str | None) -> Any:
    """The value of a DEFAULT that is a literal; raises ValueError for an expression."""
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except (SqlglotError, RecursionError):
        raise ValueError("unreadable") from None
    bare = _bare(tree)
    if isinstance(bare, exp.Boolean):
        return bool(bare.this)
    value = _literal(bare)
    if data_type in _NUMERIC and isinstance(value, str):
        value = float(value)
    return value


def default_rule(
    text: str, fields: dict[str, Any], rule: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The rule a literal ``DEFAULT text`` gives a column whose rule so far is ``rule``.

    A value list without weights (an enum or an IN list) keeps its values with the default
    weighted to the most common; a column with no rule gets the default in most rows and, for
    numbers, a spread around it in the rest. Keys, sequences, ranges and expression defaults
    (``now()``) are left alone.
    """
    data_type = fields.get("data_type")
    try:
        value = _default_literal(text, data_type)
    except ValueError:
        return None
    if value == "":
        return None  # an empty default marks "not given", not a common value
    if data_type == "BOOLEAN" and value in (0, 1) and not isinstance(value, str):
        value = bool(value)
    reason = f"DEFAULT {text.strip()} (the most common value)"
    kind = rule.get("kind") if rule else "auto"
    from_check = bool(rule and str(rule.get("reason") or "").startswith("CHECK"))
    if kind == "values" and rule is not None:
        values = list(rule.get("values") or [])
        if value not in values:
            if from_check or not isinstance(value, str) or data_type not in STRING_TYPES:
                return None
            values = [value, *values]
        if from_check:
            reason = f"{rule['reason']}; {reason}"
        if len(values) == 1:
            return {**rule, "values": values, "reason": reason}
        rest = (1 - DEFAULT_SHARE) / (len(values) - 1)
        weights = [DEFAULT_SHARE if v == value else rest for v in values]
        return {**rule, "values": values, "weights": weights, "reason": reason}
    if from_check and rule is not None and kind in ("range", "distribution"):
        return _default_within(value, data_type, rule, reason)
    if from_check or kind not in ("auto", "range", "distribution", "boolean"):
        return None  # a CHECK, a key, a sequence or a name-given kind (dates, Faker) says more
    if data_type == "BOOLEAN" and isinstance(value, bool):
        p = 0.8 if value else 0.2
        return {"kind": "boolean", "true_probability": p, "reason": f"DEFAULT {text.strip()}"}
    if data_type in _NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        return _number_default(value, fields, reason)
    return None


def _number_default(value: float, fields: dict[str, Any], reason: str) -> dict[str, Any]:
    """The default in most rows, the rest a few nearby values (halves and multiples of it)."""
    whole = fields.get("data_type") in _WHOLE or (
        fields.get("data_type") == "DECIMAL" and not fields.get("scale")
    )
    if value == 0:
        others: list[float] = [1, 2, 5, 10]
    else:
        others = [value * f for f in (0.5, 1.5, 2, 3)]
    scale = fields.get("scale")
    digits = 0 if whole else (int(scale) if scale is not None else 2)
    picked: list[float] = [round(v, digits) for v in others]
    if whole:
        picked = [int(v) for v in picked]
    precision = fields.get("precision")
    if precision is not None:
        limit = 10 ** (int(precision) - int(scale or 0))
        picked = [v for v in picked if abs(v) < limit]
    # keep the default's sign: a quantity that defaults to 1 is never 0
    picked = [v for v in picked if value == 0 or (v > 0) == (value > 0)]
    picked = [v for i, v in enumerate(picked) if v != value and v not in picked[:i]]
    if not picked:
        return {"kind": "constant", "value": value, "reason": reason}
    rest = (1 - DEFAULT_SHARE) / len(picked)
    spread = ", ".join(str(v) for v in picked)
    return {
        "kind": "values",
        "values": [value, *picked],
        "weights": [DEFAULT_SHARE, *([rest] * len(picked))],
        "reason": f"{reason}; the other {round((1 - DEFAULT_SHARE) * 100)}% of rows {spread}",
    }


def _default_within(
    value: Any, data_type: str | None, rule: dict[str, Any], reason: str
) -> dict[str, Any] | None:
    """A CHECK range and a DEFAULT inside it: the default in most rows, the rest drawn from the
    range (``DEFAULT 3 CHECK (d BETWEEN 1 AND 14)``: 3 in 70% of rows, 1..14 in the others)."""
    if data_type not in _NUMERIC or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = rule.get("min"), rule.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        return None  # a default the CHECK rejects is never stored: the range says more
    return {
        "kind": "mix",
        "values": [value],
        "shares": [DEFAULT_SHARE],
        "base": rule,
        "reason": f"{rule.get('reason')}; {reason}",
    }
