"""Workloads: the user's own queries, read into the spec and learned from.

    queries = read_workload("queries/", dialect="postgres")   # named queries
    spec = fit_workload(spec.model_copy(update={"workload": queries}))

Each extractor (:data:`dwsim_nb.workload.fit.EXTRACTORS`) reads one kind of predicate from a
query qualified and typed against the spec (:mod:`dwsim_nb.workload.analyze`);
:func:`fit_workload` writes what they found into the spec as rules whose reason starts with
"from the workload".
"""

from dwsim_nb.workload.fit import EXTRACTORS, REASON, SELECTIVITY, findings, fit_workload, unfit
from dwsim_nb.workload.read import read_workload, split_statements

__all__ = [
    "EXTRACTORS",
    "REASON",
    "SELECTIVITY",
    "findings",
    "fit_workload",
    "read_workload",
    "split_statements",
    "unfit",
]
