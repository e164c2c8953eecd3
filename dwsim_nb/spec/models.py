"""The experiment spec: the single source of truth for tables, columns, keys and generation rules.

A column's generation rule is one record of :mod:`dwsim_nb.spec.rules` (``Column.rule``, told
apart by ``kind``). Specs in the original dw-simulator format and older specs with flat rule
fields (``faker_rule``, ``min_value`` ...) load unchanged (:mod:`dwsim_nb.spec.flat`).
Tables and columns are in :mod:`dwsim_nb.spec.tables`; validation that spans tables
(references, cycles, domains) in :mod:`dwsim_nb.spec.validate`.
"""

from __future__ import annotations

import weakref
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dwsim_nb.spec.io import prune, read_model, spec_to_dict
from dwsim_nb.spec.names import find_table
from dwsim_nb.spec.rules import (
    DISTRIBUTION_PARAMS,
    RULE_KINDS,
    Distribution,
    DistributionType,
    Sequence,
)
from dwsim_nb.spec.tables import Cardinality, Column, ForeignKey, Table
from dwsim_nb.spec.types import DialectName as Dialect
from dwsim_nb.spec.types import WarehouseName
from dwsim_nb.spec.validate import check_spec
from dwsim_nb.spec.workload import WorkloadFit, WorkloadQuery

__all__ = [
    "DISTRIBUTION_PARAMS",
    "RULE_KINDS",
    "Cardinality",
    "Column",
    "Dialect",
    "Distribution",
    "DistributionType",
    "ExperimentSpec",
    "ForeignKey",
    "Sequence",
    "Table",
    "WarehouseName",
    "WorkloadQuery",
    "parse_spec",
    "spec_json_schema",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=True)


# id(spec) -> (its table list, length, name -> position): a scan per ``table()`` made planning
# and inference of a 1,000-table schema quadratic. Kept outside the model so that equality and
# copies are unchanged, dropped when the spec is; checked on use (a hit must carry the name
# asked for, a changed list is indexed again), and misses and names in another case still scan.
_POSITIONS: dict[int, tuple[list[Table], int, dict[str, int]]] = {}


class ExperimentSpec(_Model):
    """An experiment: named tables in a source dialect, aimed at a target warehouse."""

    name: str
    description: str = ""
    dialect: Dialect = "duckdb"
    target_warehouse: WarehouseName = "duckdb"
    tables: list[Table]
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    # The user's queries; what they changed is in the rules, so they are not in the fingerprint.
    workload: list[WorkloadQuery] = Field(default_factory=list)
    # How it was fitted and what fitting changed (dwsim_nb.workload.undo): not in it either.
    workload_fit: WorkloadFit | None = None

    @field_validator("dialect", "target_warehouse", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _validate(self) -> ExperimentSpec:
        check_spec(self)
        return self

    def table(self, name: str) -> Table:
        """The table ``name`` means: a key (``raw.orders``) or a shorter name that fits one
        table (``orders``); KeyError if none fits, AmbiguousTableError (a KeyError and a
        SpecError, listing them) if several do."""
        # An exact key is found through an index kept beside the model (a scan per lookup made
        # big schemas quadratic); the index is rebuilt when the table list changes.
        pos = _POSITIONS.get(id(self))
        if pos is None or pos[0] is not self.tables or pos[1] != len(self.tables):
            if pos is None:
                weakref.finalize(self, _POSITIONS.pop, id(self), None)
            index: dict[str, int] = {}
            for i, t in enumerate(self.tables):
                index.setdefault(t.key, i)
            pos = _POSITIONS[id(self)] = (self.tables, len(self.tables), index)
        hit = pos[2].get(name)
        if hit is not None and self.tables[hit].key == name:
            return self.tables[hit]
        found = find_table(self.tables, name)
        assert isinstance(found, Table)
        return found

    # --- reading and writing -------------------------------------------------------------

    @classmethod
    def parse(cls, source: Any, strict: bool = False) -> ExperimentSpec:
        """Build a spec from a dict, JSON/YAML text, a path, or a spec; errors are SpecError.

        Unknown fields are ignored with a warning naming them (``strict=True`` refuses them);
        a likely typo of a known field is refused either way."""
        return parse_spec(source, strict=strict)

    def to_dict(self) -> dict[str, Any]:
        return spec_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, default=str)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def to_ddl(self, dialect: str = "duckdb") -> str:
        """CREATE TABLE statements for ``dialect`` (redshift, snowflake, postgres, duckdb, ...)."""
        from dwsim_nb.spec.writer import spec_to_ddl

        return spec_to_ddl(self, dialect)

    def fingerprint(self) -> str:
        """A stable hash of the spec's content (used to tie runs to spec versions).

        Rules are hashed in their flat spelling, so a spec's fingerprint is the one it had before
        rules were records (runs made then still load).
        """
        import hashlib
        import json

        from dwsim_nb.spec.flat import flat_column

        data = self.to_dict()
        data.pop("workload", None)
        data.pop("workload_fit", None)
        for t in data["tables"]:
            t["columns"] = [prune(flat_column(c)) for c in t["columns"]]
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_spec(source: Any, strict: bool = False) -> ExperimentSpec:
    """Build an ExperimentSpec from a dict, JSON/YAML text, a path, or a spec (unknown fields
    load with a warning naming them unless ``strict``)."""
    return read_model(ExperimentSpec, source, strict=strict)


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, for editors (``$schema`` in a spec file)."""
    return ExperimentSpec.model_json_schema()
