"""The flat rule fields of the original dw-simulator format, read into a rule and read back.

Specs written before rules were records keep each rule in flat column fields (``faker_rule``,
``min_value`` ...), and users still type them (in files, in ``%%dwsim_generate`` cells). They
load unchanged: :func:`rule_from_flat` turns them into one ``rule``, in the same order of
precedence the engine used, and :class:`FlatView` reads a rule back under the old attribute
names for code written against them (``column.faker_rule``, ``column.rule_kind()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from dwsim_nb.spec.rules import (
    AggregateRule,
    AutoRule,
    BooleanRule,
    ConstantRule,
    DatetimeRule,
    DerivedRule,
    Distribution,
    DistributionRule,
    FakerRule,
    JsonRule,
    Moment,
    PatternRule,
    RangeRule,
    Sequence,
    SequenceRule,
    UuidRule,
    ValuesRule,
    comparable,
    date_range,
    value_range,
)
from dwsim_nb.spec.types import TEMPORAL_TYPES

# Flat field -> the rule kind it belongs to ("reason" goes on whichever rule results).
FLAT_FIELDS: dict[str, str] = {
    "expression": "derived",
    "constant": "constant",
    "sequence": "sequence",
    "values": "values",
    "weights": "values",
    "pattern": "pattern",
    "faker_rule": "faker",
    "locale": "faker",
    "json_shape": "json",
    "json_items": "json",
    "distribution": "distribution",
    "date_start": "datetime",
    "date_end": "datetime",
    "after": "datetime",
    "after_strict": "datetime",
    "before": "datetime",
    "within": "datetime",
    "min_value": "range",
    "max_value": "range",
    "true_probability": "boolean",
    "inferred_rule": "reason",
}
_MOMENT: TypeAdapter[Moment] = TypeAdapter(Moment)
# Fields that each make a rule on their own; a column may give only one of them.
_EXCLUSIVE = ("expression", "constant", "sequence", "values", "pattern", "faker_rule", "json_shape")


def flat_schema(schema: dict[str, Any]) -> None:
    """Add the flat fields to a column's JSON Schema as deprecated, so editors accept old files."""
    props = schema.setdefault("properties", {})
    for name, kind in FLAT_FIELDS.items():
        props.setdefault(
            name,
            {
                "deprecated": True,
                "description": f"older spelling, read into a '{kind}' rule"
                if kind != "reason"
                else "older spelling of the rule's reason",
            },
        )


def _flat_problem(name: str, flat: dict[str, Any]) -> str | None:
    """Problems worded in the flat fields' own names, found before they become a rule."""
    given = [k for k in _EXCLUSIVE if flat.get(k) is not None]
    if len(given) > 1:
        return f"column '{name}' has more than one generation rule ({', '.join(given)}); keep one"
    if flat.get("weights") is not None and flat.get("values") is None:
        return f"column '{name}': 'weights' given without 'values'"
    lo, hi = flat.get("min_value"), flat.get("max_value")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
        return f"column '{name}': min_value {lo} > max_value {hi}; swap them"
    if "date_start" in flat and "date_end" in flat:
        try:
            a = comparable(_MOMENT.validate_python(flat["date_start"]))
            b = comparable(_MOMENT.validate_python(flat["date_end"]))
        except ValidationError:
            return None  # the rule reports the unreadable date
        if a is not None and b is not None and a > b:
            return (
                f"column '{name}': date_start {flat['date_start']} is after date_end "
                f"{flat['date_end']}; swap them"
            )
    return None


# A flat field given over a rule's own spelling, and the field that described the old value and
# goes with it.
_REPLACED_WITH = {"values": "weights"}


def rule_from_flat(data: dict[str, Any], data_type: str | None) -> dict[str, Any]:
    """A column dict with its flat rule fields replaced by one ``rule`` dict.

    Flat fields beside a ``rule`` (a written-out spec edited in the old spelling) are laid over
    the rule's flat spelling, as they were laid over the old fields.

    ``data_type`` is the column's logical type (DATE ...): date fields make a rule only on
    date and time columns, as they always did. Fields that do not belong to the chosen rule (a
    range beside ``values``) are dropped: the engine never read them, but for a ``locale``
    without ``faker_rule``, which set the language of a text column's default words.
    """
    flat = {k: data[k] for k in FLAT_FIELDS if data.get(k) is not None}
    out = {k: v for k, v in data.items() if k not in FLAT_FIELDS}
    if not flat:
        return out
    name = str(data.get("name", "?"))
    rule = out.pop("rule", None)
    if rule is not None:
        # A written-out spec edited in the old spelling (col["values"] = [...]): the flat fields
        # go over the rule's own flat spelling, as they went over the old fields.
        if isinstance(rule, dict):
            spelled = flat_column({"rule": rule})
        else:
            no_flat = isinstance(rule, UuidRule | AggregateRule)
            spelled = {"rule": rule} if no_flat else flat_fields(rule)
        if "rule" in spelled:  # a kind without a flat spelling (uuid), or not a rule at all
            raise ValueError(
                f"column '{name}' has both 'rule' and flat rule fields ({', '.join(flat)}); "
                "keep one of them"
            )
        kept = {k: v for k, v in spelled.items() if v is not None}
        # New values replace the old ones with their weights: the old weights belong to them.
        for given, belonging in _REPLACED_WITH.items():
            if given in flat and belonging not in flat:
                kept.pop(belonging, None)
        flat = {**kept, **flat}
    problem = _flat_problem(name, flat)
    if problem is not None:
        raise ValueError(problem)
    made = _flat_rule(flat, data_type)
    if made is None and flat.get("inferred_rule") is not None:
        made = {"kind": "auto"}
    if made is not None:
        if flat.get("inferred_rule") is not None:
            made["reason"] = flat["inferred_rule"]
        out["rule"] = made
    return out


def _flat_rule(flat: dict[str, Any], data_type: str | None) -> dict[str, Any] | None:
    def pick(*pairs: tuple[str, str]) -> dict[str, Any]:
        return {new: flat[old] for old, new in pairs if old in flat}

    if "expression" in flat:
        return {"kind": "derived", "expression": flat["expression"]}
    if "constant" in flat:
        return {"kind": "constant", "value": flat["constant"]}
    if "sequence" in flat:
        seq = flat["sequence"]
        seq = seq.model_dump() if isinstance(seq, Sequence) else seq
        return {"kind": "sequence", **(seq if isinstance(seq, dict) else {"start": seq})}
    if "values" in flat:
        return {"kind": "values", **pick(("values", "values"), ("weights", "weights"))}
    if "pattern" in flat:
        return {"kind": "pattern", "pattern": flat["pattern"]}
    if "faker_rule" in flat:
        return {"kind": "faker", **pick(("faker_rule", "provider"), ("locale", "locale"))}
    if "json_shape" in flat:
        return {"kind": "json", **pick(("json_shape", "shape"), ("json_items", "items"))}
    bounds = pick(("min_value", "min"), ("max_value", "max"))
    if "distribution" in flat:
        dist = flat["distribution"]
        dist = dist.model_dump() if isinstance(dist, Distribution) else dist
        return {"kind": "distribution", **(dist if isinstance(dist, dict) else {}), **bounds}
    dates = pick(
        ("date_start", "start"),
        ("date_end", "end"),
        ("after", "after"),
        ("after_strict", "strict"),
        ("before", "before"),
        ("within", "within"),
    )
    if dates and _temporal(data_type):
        return {"kind": "datetime", **dates}
    if bounds:
        return {"kind": "range", **bounds}
    if "true_probability" in flat:
        return {"kind": "boolean", "true_probability": flat["true_probability"]}
    return None


def _temporal(data_type: str | None) -> bool:
    return data_type is None or data_type in TEMPORAL_TYPES


def flat_fields(rule: object) -> dict[str, Any]:
    """A rule as the flat fields that would load back into it (for old readers and overrides)."""
    if rule is None:
        return {}
    out: dict[str, Any] = {}
    if isinstance(rule, DerivedRule):
        out["expression"] = rule.expression
    elif isinstance(rule, ConstantRule):
        out["constant"] = rule.value
    elif isinstance(rule, SequenceRule):
        out["sequence"] = {"start": rule.start, "step": rule.step}
    elif isinstance(rule, ValuesRule):
        out.update(values=rule.values, weights=rule.weights)
    elif isinstance(rule, PatternRule):
        out["pattern"] = rule.pattern
    elif isinstance(rule, FakerRule):
        out.update(faker_rule=rule.provider, locale=rule.locale)
    elif isinstance(rule, JsonRule):
        out.update(json_shape=rule.shape, json_items=rule.items)
    elif isinstance(rule, DistributionRule):
        out.update(
            distribution={"type": rule.type, "parameters": dict(rule.parameters)},
            min_value=rule.min,
            max_value=rule.max,
        )
    elif isinstance(rule, DatetimeRule):
        out.update(date_start=rule.start, date_end=rule.end, after=rule.after, within=rule.within)
        out["before"] = rule.before
        out["after_strict"] = rule.strict or None
    elif isinstance(rule, RangeRule):
        out.update(min_value=rule.min, max_value=rule.max)
    elif isinstance(rule, BooleanRule):
        out["true_probability"] = rule.true_probability
    reason = getattr(rule, "reason", None)
    if reason is not None:
        out["inferred_rule"] = reason
    return {k: v for k, v in out.items() if v is not None}


# Rule key -> flat field, per kind (distribution and sequence also nest; see flat_column).
_FLAT_KEYS: dict[str, dict[str, str]] = {
    "derived": {"expression": "expression"},
    "constant": {"value": "constant"},
    "sequence": {},
    "values": {"values": "values", "weights": "weights"},
    "pattern": {"pattern": "pattern"},
    "faker": {"provider": "faker_rule", "locale": "locale"},
    "json": {"shape": "json_shape", "items": "json_items"},
    "distribution": {"min": "min_value", "max": "max_value"},
    "datetime": {
        "start": "date_start",
        "end": "date_end",
        "after": "after",
        "strict": "after_strict",
        "before": "before",
        "within": "within",
    },
    "range": {"min": "min_value", "max": "max_value"},
    "boolean": {"true_probability": "true_probability"},
    "auto": {},
}


# Rule fields newer than the flat spelling: a rule that sets one is written as a rule.
_UNFLAT: dict[str, tuple[str, ...]] = {
    "datetime": ("when",),
    "range": ("decimals",),
    "distribution": ("decimals",),
}


def flat_column(col: dict[str, Any]) -> dict[str, Any]:
    """A column as written out (JSON-ready) with its rule turned back into flat fields.

    The spec's fingerprint hashes this form, so a spec keeps the fingerprint it had when rules
    were flat fields, and runs made before stay loadable. Kinds without a flat spelling (uuid)
    stay a rule.
    """
    rule = col.get("rule")
    if not isinstance(rule, dict) or rule.get("kind") not in _FLAT_KEYS:
        return col
    if any(rule.get(k) is not None for k in _UNFLAT.get(rule["kind"], ())):
        return col  # a field the flat spelling has no name for: the rule stays whole
    out = {k: v for k, v in col.items() if k != "rule"}
    kind = rule["kind"]
    for key, flat in _FLAT_KEYS[kind].items():
        if key in rule:
            out[flat] = rule[key]
    if kind == "distribution":
        out["distribution"] = {"type": rule.get("type"), "parameters": rule.get("parameters", {})}
    if kind == "sequence":
        out["sequence"] = {"start": rule.get("start", 1), "step": rule.get("step", 1)}
    if rule.get("reason") is not None:
        out["inferred_rule"] = rule["reason"]
    return out


class FlatView:
    """The old flat attributes of a column, read from its ``rule`` (read-only but for
    ``distribution``, which older code assigns)."""

    if TYPE_CHECKING:
        rule: Any
        data_type: str

    def rule_kind(self) -> str | None:
        """Which generation rule applies, or None to let the engine pick one from the type."""
        rule = self.rule
        if rule is None or isinstance(rule, AutoRule):
            return "uuid" if self.data_type == "UUID" else None
        return str(rule.kind)

    def _get(self, cls: type, attr: str) -> Any:
        return getattr(self.rule, attr) if isinstance(self.rule, cls) else None

    @property
    def faker_rule(self) -> str | None:
        return self._get(FakerRule, "provider")  # type: ignore[no-any-return]

    @property
    def locale(self) -> str | None:
        return self._get(FakerRule, "locale")  # type: ignore[no-any-return]

    @property
    def min_value(self) -> float | int | None:
        return value_range(self.rule)[0]

    @property
    def max_value(self) -> float | int | None:
        return value_range(self.rule)[1]

    @property
    def date_start(self) -> Any:
        return date_range(self.rule)[0]

    @property
    def date_end(self) -> Any:
        return date_range(self.rule)[1]

    @property
    def after(self) -> str | None:
        return self._get(DatetimeRule, "after")  # type: ignore[no-any-return]

    @property
    def distribution(self) -> Distribution | None:
        rule = self.rule
        return rule.distribution if isinstance(rule, DistributionRule) else None

    @distribution.setter
    def distribution(self, value: Distribution | None) -> None:
        lo, hi = value_range(self.rule)
        reason = getattr(self.rule, "reason", None)
        if value is None:
            ranged = lo is not None or hi is not None
            self.rule = RangeRule(min=lo, max=hi, reason=reason) if ranged else None
            return
        # Built without validation, as the caller built ``value``: the engine checks again.
        self.rule = DistributionRule.model_construct(
            type=value.type, parameters=dict(value.parameters), min=lo, max=hi, reason=reason
        )

    @property
    def values(self) -> list[Any] | None:
        return self._get(ValuesRule, "values")  # type: ignore[no-any-return]

    @property
    def weights(self) -> list[float] | None:
        return self._get(ValuesRule, "weights")  # type: ignore[no-any-return]

    @property
    def pattern(self) -> str | None:
        return self._get(PatternRule, "pattern")  # type: ignore[no-any-return]

    @property
    def sequence(self) -> Sequence | None:
        rule = self.rule
        if not isinstance(rule, SequenceRule):
            return None
        return Sequence.model_construct(start=rule.start, step=rule.step)

    @property
    def true_probability(self) -> float | None:
        return self._get(BooleanRule, "true_probability")  # type: ignore[no-any-return]

    @property
    def json_shape(self) -> Any:
        return self._get(JsonRule, "shape")

    @property
    def constant(self) -> Any:
        return self._get(ConstantRule, "value")

    @property
    def expression(self) -> str | None:
        return self._get(DerivedRule, "expression")  # type: ignore[no-any-return]

    @property
    def inferred_rule(self) -> str | None:
        return getattr(self.rule, "reason", None)


__all__ = ["FLAT_FIELDS", "FlatView", "UuidRule", "comparable", "flat_fields", "rule_from_flat"]
