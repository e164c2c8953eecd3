"""Fit a distribution to a numeric column from its moments, and pick the one that fits best.

Candidates are the engine's ``uniform``, ``normal``, ``lognormal`` and ``exponential``, each fitted
by the method of moments (no optimiser, no SciPy). The goodness criterion is the Kolmogorov-Smirnov
distance between the sample's empirical CDF and the candidate's CDF on the observed range: the
largest gap between the two curves, in [0, 1]. The smallest distance wins; a candidate must beat
a simpler one by a margin (``_MARGIN``) so that noise does not pick a fancier shape.

The engine clamps samples to the rule's ``min``/``max``, so each candidate's CDF is
compared as clamped to the observed range too: the mass it would put outside lands on the bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Fewer values than this and a fitted shape is mostly noise: the range alone is kept.
MIN_VALUES = 30
# A candidate must be this much closer (KS distance) than an earlier, simpler one to replace it.
_MARGIN = 0.01
# KS distances are computed on at most this many values (sorted sample; enough for 2 decimals).
_KS_SAMPLE = 20_000


@dataclass
class Fit:
    """A fitted distribution: engine name, parameters, and its KS distance to the data."""

    type: str
    parameters: dict[str, float] = field(default_factory=dict)
    ks: float = 1.0

    def as_spec(self) -> dict[str, object]:
        return {"type": self.type, "parameters": dict(self.parameters)}


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7): numpy has no erf and SciPy is not
    # a dependency.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)))


def _normal_cdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + _erf((x - mean) / (std * math.sqrt(2.0)))))


def _cdf(fit: Fit, x: np.ndarray) -> np.ndarray:
    p = fit.parameters
    if fit.type == "normal":
        return _normal_cdf(x, p["mean"], p["stddev"])
    if fit.type == "lognormal":
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(np.where(x > 0, x, np.nan))
        out = _normal_cdf(np.nan_to_num(logs, nan=-np.inf), p["mean"], p["sigma"])
        return np.where(x > 0, out, 0.0)
    if fit.type == "exponential":
        return np.where(x > 0, 1.0 - np.exp(-p["lambda"] * np.clip(x, 0, None)), 0.0)
    lo, hi = p["_lo"], p["_hi"]
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0) if hi > lo else (x >= lo).astype(float)


def ks_distance(sorted_values: np.ndarray, fit: Fit) -> float:
    """Largest gap between the empirical CDF and ``fit``'s CDF clamped to the observed range."""
    n = len(sorted_values)
    cdf = _cdf(fit, sorted_values)
    # Clamping puts the mass below the minimum on it: the model's CDF at the last value is 1.
    cdf = np.where(sorted_values >= sorted_values[-1], 1.0, cdf)
    upper = np.arange(1, n + 1) / n
    lower = np.arange(0, n) / n
    return float(max(np.max(upper - cdf), np.max(cdf - lower)))


def candidates(values: np.ndarray) -> list[Fit]:
    """Method-of-moments fits, simplest first; shapes that cannot hold the data are skipped."""
    lo, hi = float(values.min()), float(values.max())
    mean, std = float(values.mean()), float(values.std())
    out = [Fit("uniform", {"_lo": lo, "_hi": hi})]
    if std > 0:
        out.append(Fit("normal", {"mean": mean, "stddev": std}))
    if lo > 0 and std > 0:
        sigma2 = math.log(1.0 + (std * std) / (mean * mean))
        out.append(
            Fit("lognormal", {"mean": math.log(mean) - sigma2 / 2.0, "sigma": math.sqrt(sigma2)})
        )
    if lo >= 0 and mean > 0:
        out.append(Fit("exponential", {"lambda": 1.0 / mean}))
    return out


def fit_distribution(values: np.ndarray) -> Fit | None:
    """The best-fitting distribution for finite ``values``, or None when too few to tell."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) < MIN_VALUES or float(values.min()) == float(values.max()):
        return None
    if len(values) > _KS_SAMPLE:
        # Evenly spaced order statistics keep the empirical CDF's shape exactly enough.
        values = np.sort(values)[np.linspace(0, len(values) - 1, _KS_SAMPLE).astype(int)]
    ordered = np.sort(values)
    best: Fit | None = None
    for fit in candidates(ordered):
        fit.ks = ks_distance(ordered, fit)
        if best is None or fit.ks < best.ks - _MARGIN:
            best = fit
    if best is not None:
        # Bounds live in the rule's min/max; the fit gives only the parameters.
        best.parameters = {
            k: round(v, 6) for k, v in best.parameters.items() if not k.startswith("_")
        }
    return best
