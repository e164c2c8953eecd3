"""The experiment spec: pydantic models, validation, reading and writing."""

from dwsim_nb.spec.io import parse_spec, spec_json_schema
from dwsim_nb.spec.models import (
    Cardinality,
    Column,
    Distribution,
    ExperimentSpec,
    ForeignKey,
    Sequence,
    Table,
)

__all__ = [
    "Cardinality",
    "Column",
    "Distribution",
    "ExperimentSpec",
    "ForeignKey",
    "Sequence",
    "Table",
    "parse_spec",
    "spec_json_schema",
]
