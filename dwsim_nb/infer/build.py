"""Column profiles and keys -> the spec's tables, columns and rules.

Privacy rule: a real value enters the spec only as a category of a low-cardinality column (at
most ``category_limit`` distinct values, each seen in at least ``min_category_rows`` rows), and
not at all with ``copy_categories=False``. Everything else becomes a rule that imitates the data
without holding it: a numeric range with a fitted distribution, a date range, a Faker provider,
or a letter/digit pattern. Ranges keep the observed minimum and maximum (an aggregate, but an
extreme can belong to one row; see ``docs/infer-compare-bundles.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dwsim_nb.ddl.infer import infer_rule
from dwsim_nb.infer.fit import fit_distribution
from dwsim_nb.infer.keys import singular
from dwsim_nb.infer.profile import ColumnProfile, as_date_bound
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import (
    AutoRule,
    BooleanRule,
    DatetimeRule,
    DistributionRule,
    FakerRule,
    PatternRule,
    RangeRule,
    SequenceRule,
    ValuesRule,
)
from dwsim_nb.spec.types import INTEGER_TYPES, STRING_TYPES, TEMPORAL_TYPES, type_family

# Longer average text than this reads as prose: Faker sentences instead of single words.
_PROSE_LENGTH = 30
# Faker providers for personal data: a column named like one never has its values copied.
_PERSONAL = {
    "email",
    "first_name",
    "last_name",
    "name",
    "user_name",
    "phone_number",
    "street_address",
    "ipv4",
    "postcode",
}
# A pattern must offer this many times more values than the rows it may have to fill.
_PATTERN_HEADROOM = 10


@dataclass
class InferOptions:
    """How inference treats the data. See :func:`dwsim_nb.infer.infer_spec`."""

    category_limit: int = 20
    min_category_rows: int = 5
    copy_categories: bool = True
    fit_distributions: bool = True
    sample_rows: int = 200_000
    unique_min_rows: int = 20


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rounded(x: float, whole: bool) -> float | int:
    if whole:
        return round(x)
    # Six significant digits: enough for a range, and no long float tails in the JSON.
    return float(f"{x:.6g}") if x != 0 else 0.0


def column_from_profile(
    p: ColumnProfile,
    opts: InferOptions,
    *,
    declared_length: int | None,
    declared_not_null: bool,
    declared_unique: bool,
    is_key: bool,
    is_reference: bool,
    table: str = "",
) -> dict[str, Any]:
    """The spec's column dict for one profile (keys and references get no value rule)."""
    col: dict[str, Any] = {"name": p.name, "data_type": p.data_type}
    if p.precision is not None and p.data_type == "DECIMAL":
        col["precision"], col["scale"] = p.precision, p.scale or 0
    if declared_length is not None and p.data_type in STRING_TYPES:
        col["varchar_length"] = declared_length
    if declared_not_null or (p.count > 0 and p.nulls == 0):
        col["required"] = True
    elif p.null_rate > 0:
        col["null_rate"] = round(p.null_rate, 4)
    family = type_family(p.data_type, p.scale)
    col["is_unique"] = declared_unique or (
        p.is_unique
        and p.non_null >= opts.unique_min_rows
        and family in ("integer", "string", "uuid")
        and _unique_string_ok(p)
    )
    if is_reference:
        col["rule"] = AutoRule(reason="foreign key found by value inclusion")
        col.pop("is_unique", None)
        return col
    rule = _rule(p, opts, col, is_key=is_key, table=table)
    if rule:
        col.update(rule)
    return col


def _unique_string_ok(p: ColumnProfile) -> bool:
    if p.data_type not in STRING_TYPES:
        return True
    # Short samples of names are unique by chance; identifiers and e-mails are unique by design.
    return p.content is not None or p.shape is not None or p.non_null >= 200


def _rule(
    p: ColumnProfile, opts: InferOptions, col: dict[str, Any], *, is_key: bool, table: str
) -> Any:
    if p.non_null == 0:
        return None
    whole = p.data_type in INTEGER_TYPES or (p.data_type == "DECIMAL" and not p.scale)
    if is_key or col.get("is_unique"):
        if whole and p.arithmetic_step and p.arithmetic_step > 0 and p.minimum is not None:
            start, step = int(p.minimum), p.arithmetic_step
            why = f"sequence from {start} by {step}"
            return {"rule": SequenceRule(start=start, step=step, reason=why)}
        if whole or p.data_type == "UUID":
            return {"rule": AutoRule(reason="unique key")}
    if p.data_type == "BOOLEAN" and p.true_share is not None:
        why = f"true in {p.true_share:.1%} of rows"
        return {"rule": BooleanRule(true_probability=round(p.true_share, 4), reason=why)}
    # Names, e-mails, phones: personal data even when few distinct values were seen.
    personal = p.data_type in STRING_TYPES and _personal(_name_rule(p, col, table))
    category = None if col.get("is_unique") or personal else _category(p, opts, whole)
    if category:
        return category
    if p.data_type in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return _numeric_rule(p, opts, whole)
    if p.data_type in TEMPORAL_TYPES:
        lo, hi = as_date_bound(p.minimum), as_date_bound(p.maximum)
        if lo is None or hi is None:
            return None
        return {"rule": DatetimeRule(start=lo, end=hi, reason=f"between {lo} and {hi}")}
    if p.data_type in STRING_TYPES:
        return _string_rule(p, col, table)
    return None


def _category(p: ColumnProfile, opts: InferOptions, whole: bool) -> dict[str, Any] | None:
    if not opts.copy_categories or not p.top or p.distinct > opts.category_limit:
        return None
    if p.data_type not in STRING_TYPES and not whole:
        return None
    kept = [(v, c) for v, c in p.top if c >= opts.min_category_rows]
    if len(kept) < 1 or sum(c for _, c in kept) < 0.5 * p.non_null:
        # Mostly rare values: copying them would leak, dropping them would distort; no category.
        return None
    total = sum(c for _, c in kept)
    dropped = len(p.top) - len(kept)
    why = f"{len(kept)} values with observed frequencies"
    if dropped:
        why += f" ({dropped} rare value(s) left out)"
    values = [_plain(v) for v, _ in kept]
    weights = [round(c / total, 6) for _, c in kept]
    return {"rule": ValuesRule(values=values, weights=weights, reason=why)}


def _numeric_rule(p: ColumnProfile, opts: InferOptions, whole: bool) -> dict[str, Any] | None:
    if p.minimum is None or p.maximum is None:
        return None
    lo, hi = _rounded(p.minimum, whole), _rounded(p.maximum, whole)
    if whole:
        lo, hi = math.floor(p.minimum), math.ceil(p.maximum)
    fit = fit_distribution(p.numbers) if opts.fit_distributions and p.numbers is not None else None
    if fit is not None and fit.type != "uniform":
        why = f"{fit.type} fitted from moments (KS {fit.ks:.3f}), {lo}..{hi}"
        rule = {**fit.as_spec(), "min": lo, "max": hi, "reason": why}
        return {"rule": DistributionRule.model_validate(rule)}
    return {"rule": RangeRule(min=lo, max=hi, reason=f"uniform in {lo}..{hi}")}


def _name_rule(p: ColumnProfile, col: dict[str, Any], table: str) -> dict[str, Any] | None:
    """A Faker rule from the column's name (``ddl.infer``), if the values do not contradict it."""
    name = p.name
    if name.lower() in ("name", "title", "description"):
        # A bare "name" means the table's thing: a customer's is a person's, a genre's is not.
        name = f"{singular(table)}_{name}"
    probe = Column(name=name, data_type=p.data_type, varchar_length=col.get("varchar_length"))
    by_name = infer_rule(probe)
    if isinstance(by_name, FakerRule) and _name_fits(by_name.provider, p):
        return {"rule": FakerRule(provider=by_name.provider, reason=by_name.reason)}
    return None


def _personal(rule: dict[str, Any] | None) -> bool:
    return rule is not None and rule["rule"].provider in _PERSONAL


def _string_rule(p: ColumnProfile, col: dict[str, Any], table: str) -> dict[str, Any] | None:
    by_name = _name_rule(p, col, table)
    if by_name:
        return by_name
    if p.content is not None:
        provider, why = p.content
        return {"rule": FakerRule(provider=provider, reason=f"faker {provider} ({why})")}
    if p.shape is not None:
        why = f"pattern {p.shape} (the values' shape)"
        return {"rule": PatternRule(pattern=p.shape, reason=why)}
    short, long = p.min_length, p.max_length
    if short is not None and long is not None and (short + long) / 2 > _PROSE_LENGTH:
        return {"rule": FakerRule(provider="sentence", reason="faker sentence (long text)")}
    return {"rule": AutoRule(reason="words")}


def _name_fits(provider: str, p: ColumnProfile) -> bool:
    # The name is only a hint: a column called "name" holding 3-letter codes is not a person's.
    if p.content is not None and p.content[0] != provider:
        return False
    return not (p.max_length is not None and p.max_length < 3)


def pattern_fits(pattern: str, rows: int) -> bool:
    size = 1
    for ch in pattern:
        if ch == "#":
            size *= 10
        elif ch == "?":
            size *= 26
    return size >= _PATTERN_HEADROOM * max(rows, 1)
