"""Placeholder replaced below."""
from dwsim_nb.spec.models import ExperimentSpec


def infer_rules(spec: ExperimentSpec) -> ExperimentSpec:
    return spec
