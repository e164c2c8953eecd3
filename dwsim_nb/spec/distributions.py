"""Statistical distributions of numeric rules: their names, parameters and checks.

Kept apart from :mod:`dwsim_nb.spec.rules` (which re-exports these names) so each file stays
small: a distribution's parameters are checked the same way in a ``distribution`` rule and in
the flat format's ``distribution`` field.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from dwsim_nb.spec.rule_base import _Model

DistributionType = Literal[
    "normal", "lognormal", "exponential", "beta", "gamma", "poisson", "uniform", "zipf"
]
# Parameter spellings accepted per distribution (the original format's names first).
DISTRIBUTION_PARAMS: dict[str, dict[str, tuple[str, ...]]] = {
    "normal": {"mean": ("mean", "mu", "loc"), "stddev": ("stddev", "std", "sigma", "scale")},
    "lognormal": {"mean": ("mean", "mu"), "sigma": ("sigma", "stddev", "std")},
    "exponential": {"lambda": ("lambda", "rate", "lam"), "scale": ("scale",)},
    "beta": {"alpha": ("alpha", "a"), "beta": ("beta", "b")},
    "gamma": {"shape": ("shape", "k", "alpha"), "scale": ("scale", "theta")},
    "poisson": {"lambda": ("lambda", "lam", "mean")},
    "uniform": {},
    "zipf": {"a": ("a", "s", "alpha", "exponent")},
}
_POSITIVE_PARAMS = ("stddev", "std", "sigma", "scale", "theta", "lambda", "rate", "lam")


def check_finite(value: Any, name: str) -> None:
    """Raise ValueError for inf or NaN: a bound or weight the generators would turn into
    infinite values or silently skewed picks."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} is {value}; give a finite number")


def check_distribution(kind: str, parameters: dict[str, float]) -> None:
    """Raise ValueError for unknown or out-of-range parameters of a distribution."""
    names = DISTRIBUTION_PARAMS[kind]
    known = {alias for aliases in names.values() for alias in aliases}
    unknown = sorted(set(parameters) - known)
    if unknown:
        expected = ", ".join(names) or "no parameters"
        raise ValueError(
            f"distribution '{kind}' has unknown parameter(s) {unknown}; expected {expected}"
        )
    for key, value in parameters.items():
        check_finite(value, f"distribution '{kind}' parameter '{key}'")
        if (key in _POSITIVE_PARAMS or kind in ("beta", "gamma")) and value <= 0:
            raise ValueError(f"distribution '{kind}' parameter '{key}' must be > 0")
    if kind == "zipf" and distribution_param(kind, parameters, "a", 2.0) <= 1.0:
        raise ValueError("zipf parameter 'a' must be greater than 1 (for example 1.5)")


def distribution_param(
    kind: str, parameters: dict[str, float], name: str, default: float | None = None
) -> float:
    for alias in DISTRIBUTION_PARAMS[kind].get(name, (name,)):
        if alias in parameters:
            return float(parameters[alias])
    if default is None:
        raise KeyError(name)
    return default


class _Parameters(_Model):
    """A distribution's ``type`` and ``parameters``, read by canonical parameter name."""

    type: DistributionType
    parameters: dict[str, float] = Field(default_factory=dict)

    @field_validator("type", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check_params(self) -> Any:
        check_distribution(self.type, self.parameters)
        return self

    def param(self, name: str, default: float | None = None) -> float:
        """The value of a canonical parameter name, whichever accepted spelling was used."""
        return distribution_param(self.type, self.parameters, name, default)

    def has(self, name: str) -> bool:
        return any(a in self.parameters for a in DISTRIBUTION_PARAMS[self.type].get(name, (name,)))


class Distribution(_Parameters):
    """A statistical distribution (the flat format's ``distribution`` field)."""
