"""The experiment spec: the single source of truth for tables, columns, keys and generation rules.

Columns keep their generation rule in flat fields (``faker_rule``, ``min_value``, ``values``
...), as the original dw-simulator format did, so its files load unchanged.
:meth:`Column.rule_kind` says which one rule applies. Validation that spans tables
(references, cycles, domains) lives in :mod:`dwsim_nb.spec.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dwsim_nb.spec import faker_rules
from dwsim_nb.spec.types import LOGICAL_TYPES, TEMPORAL_TYPES, WarehouseName, parse_type
from dwsim_nb.spec.types import DialectName as Dialect

# Faker locales look like en, en_US, zh_Hans_CN; the name also becomes part of a cache file name.
_LOCALE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4}){0,2}$")
DistributionType = Literal[
    "normal", "lognormal", "exponential", "beta", "gamma", "poisson", "uniform", "zipf"
]

RULE_KINDS = (
    "derived",
    "constant",
    "sequence",
    "values",
    "pattern",
    "faker",
    "json",
    "distribution",
    "datetime",
    "range",
    "boolean",
    "uuid",
)

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=True)


class Distribution(_Model):
    """A statistical distribution, clamped to the column's ``min_value``/``max_value``."""

    type: DistributionType
    parameters: dict[str, float] = Field(default_factory=dict)

    @field_validator("type", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check_params(self) -> Distribution:
        names = DISTRIBUTION_PARAMS[self.type]
        known = {alias for aliases in names.values() for alias in aliases}
        unknown = sorted(set(self.parameters) - known)
        if unknown:
            expected = ", ".join(names) or "no parameters"
            raise ValueError(
                f"distribution '{self.type}' has unknown parameter(s) {unknown}; "
                f"expected {expected}"
            )
        for key, value in self.parameters.items():
            if key in ("stddev", "std", "sigma", "scale", "theta", "lambda", "rate", "lam") and (
                value <= 0
            ):
                raise ValueError(f"distribution '{self.type}' parameter '{key}' must be > 0")
            if self.type in ("beta", "gamma") and value <= 0:
                raise ValueError(f"distribution '{self.type}' parameter '{key}' must be > 0")
        if self.type == "zipf" and self.param("a", 2.0) <= 1.0:
            raise ValueError("zipf parameter 'a' must be greater than 1 (for example 1.5)")
        return self

    def param(self, name: str, default: float | None = None) -> float:
        """The value of a canonical parameter name, whichever accepted spelling was used."""
        for alias in DISTRIBUTION_PARAMS[self.type].get(name, (name,)):
            if alias in self.parameters:
                return float(self.parameters[alias])
        if default is None:
            raise KeyError(name)
        return default

    def has(self, name: str) -> bool:
        return any(a in self.parameters for a in DISTRIBUTION_PARAMS[self.type].get(name, (name,)))


class Sequence(_Model):
    """Consecutive values (IDENTITY, SERIAL, AUTOINCREMENT): ``start + step * row``."""

    start: int = 1
    step: int = 1

    @field_validator("step")
    @classmethod
    def _nonzero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("sequence step must not be 0")
        return v


class Cardinality(_Model):
    """How child rows spread over parent rows for a foreign key.

    ``uniform``: every parent equally likely; ``zipf``: skewed, a few hot parents (``s`` > 1);
    ``range``: between ``min`` and ``max`` children per parent; ``at_least_one``: every parent
    gets a child.
    """

    kind: Literal["uniform", "zipf", "range", "at_least_one"] = "uniform"
    s: float = 1.2
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _check(self) -> Cardinality:
        if self.kind == "zipf" and self.s <= 1.0:
            raise ValueError("zipf cardinality needs s > 1 (for example 1.2)")
        if self.kind == "range":
            if self.min is None or self.max is None:
                raise ValueError("range cardinality needs both 'min' and 'max' children per parent")
            if self.min < 0 or self.max < self.min:
                raise ValueError("range cardinality needs 0 <= min <= max")
        return self


class ForeignKey(_Model):
    """A (possibly multi-column) reference to another table's primary or unique key."""

    columns: list[str]
    references_table: str
    references_columns: list[str] = Field(default_factory=list)
    nullable: bool = False
    null_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    name: str | None = None
    cardinality: Cardinality | None = None

    @field_validator("columns", "references_columns", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Column(_Model):
    """A column: its type, constraints and one generation rule (flat fields, see ``rule_kind``)."""

    name: str
    data_type: str
    varchar_length: int | None = Field(default=None, ge=1)
    precision: int | None = Field(default=None, ge=1, le=76)
    scale: int | None = Field(default=None, ge=0, le=76)
    required: bool = False
    null_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    is_unique: bool = False
    comment: str | None = None
    default: str | None = None
    source_type: str | None = None
    physical: dict[str, Any] = Field(default_factory=dict)
    # generation rule (at most one kind; distribution combines with a range)
    faker_rule: str | None = None
    locale: str | None = None
    min_value: float | int | None = None
    max_value: float | int | None = None
    date_start: dt.date | dt.datetime | dt.time | None = None
    date_end: dt.date | dt.datetime | dt.time | None = None
    distribution: Distribution | None = None
    values: list[Any] | None = None
    weights: list[float] | None = None
    pattern: str | None = None
    sequence: Sequence | None = None
    true_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    json_shape: dict[str, Any] | list[Any] | None = None
    constant: Any = None
    expression: str | None = None
    after: str | None = None
    shuffle: bool = False
    inferred_rule: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalize_type(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "data_type" not in data:
            return data
        raw = data["data_type"]
        if not isinstance(raw, str):
            return data
        parsed = parse_type(raw)
        if parsed is None:
            raise ValueError(
                f"unknown data_type {raw!r}; use one of {', '.join(LOGICAL_TYPES)} "
                "(or a warehouse spelling such as NUMBER(38,0), VARCHAR(MAX), TIMESTAMP_NTZ)"
            )
        data = dict(data)
        data["data_type"] = parsed.data_type
        if parsed.length is not None and data.get("varchar_length") is None:
            data["varchar_length"] = parsed.length
        if parsed.precision is not None and data.get("precision") is None:
            data["precision"] = parsed.precision
        if parsed.scale is not None and data.get("scale") is None:
            data["scale"] = parsed.scale
        if parsed.data_type != raw.strip().upper() and data.get("source_type") is None:
            data["source_type"] = raw
        return data

    @model_validator(mode="after")
    def _check_rule(self) -> Column:
        exclusive = [
            k
            for k, v in (
                ("expression", self.expression),
                ("constant", self.constant),
                ("sequence", self.sequence),
                ("values", self.values),
                ("pattern", self.pattern),
                ("faker_rule", self.faker_rule),
                ("json_shape", self.json_shape),
            )
            if v is not None
        ]
        if len(exclusive) > 1:
            raise ValueError(
                f"column '{self.name}' has more than one generation rule ({', '.join(exclusive)}); "
                "keep one"
            )
        if self.values is not None and len(self.values) == 0:
            raise ValueError(f"column '{self.name}': 'values' is empty; list at least one value")
        if self.faker_rule is not None:
            problem = faker_rules.rule_problem(self.faker_rule)
            if problem is not None:
                raise ValueError(problem)
        if self.locale is not None and not _LOCALE.match(self.locale):
            raise ValueError(
                f"locale {self.locale!r} is not a locale name; "
                "write it like en_US or de_DE"
            )
        if self.weights is not None:
            if self.values is None:
                raise ValueError(f"column '{self.name}': 'weights' given without 'values'")
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"column '{self.name}': {len(self.weights)} weights for {len(self.values)} "
                    "values; give one weight per value"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError(
                    f"column '{self.name}': weights must be >= 0 and add up to more than 0"
                )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(
                f"column '{self.name}': min_value {self.min_value} > max_value {self.max_value}; "
                "swap them"
            )
        if self.date_start is not None and self.date_end is not None:
            a, b = _comparable(self.date_start), _comparable(self.date_end)
            if a is not None and b is not None and a > b:
                raise ValueError(
                    f"column '{self.name}': date_start {self.date_start} is after date_end "
                    f"{self.date_end}; swap them"
                )
        if self.required and self.null_rate:
            raise ValueError(
                f"column '{self.name}' is required (NOT NULL) but has null_rate {self.null_rate}; "
                "drop null_rate or make the column nullable"
            )
        if (
            self.data_type == "DECIMAL"
            and self.precision is not None
            and self.scale is not None
            and self.scale > self.precision
        ):
            raise ValueError(
                f"column '{self.name}': DECIMAL scale {self.scale} > precision {self.precision}"
            )
        return self

    def rule_kind(self) -> str | None:
        """Which generation rule applies, or None to let the engine pick one from the type."""
        if self.expression is not None:
            return "derived"
        if self.constant is not None:
            return "constant"
        if self.sequence is not None:
            return "sequence"
        if self.values is not None:
            return "values"
        if self.pattern is not None:
            return "pattern"
        if self.faker_rule is not None:
            return "faker"
        if self.json_shape is not None:
            return "json"
        if self.distribution is not None:
            return "distribution"
        if self.data_type in TEMPORAL_TYPES and (
            self.date_start is not None or self.date_end is not None or self.after is not None
        ):
            return "datetime"
        if self.min_value is not None or self.max_value is not None:
            return "range"
        if self.true_probability is not None:
            return "boolean"
        if self.data_type == "UUID":
            return "uuid"
        return None

    @property
    def effective_null_rate(self) -> float:
        return 0.0 if self.required else float(self.null_rate or 0.0)


def _comparable(v: dt.date | dt.datetime | dt.time) -> Any:
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return None


class Table(_Model):
    """A table with its columns, keys and the number of rows to generate by default."""

    name: str
    target_rows: int = Field(default=1000, ge=0)
    columns: list[Column]
    primary_key: list[str] = Field(default_factory=list)
    unique: list[list[str]] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    comment: str | None = None
    physical: dict[str, Any] = Field(default_factory=dict)
    source_name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        """Accept the original format: column-level ``foreign_key`` and ``composite_keys``."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        fks = list(data.get("foreign_keys") or [])
        cols = []
        for col in data.get("columns") or []:
            if isinstance(col, dict) and isinstance(col.get("foreign_key"), dict):
                col = dict(col)
                old = col.pop("foreign_key")
                ref_col = old.get("references_column") or old.get("references_columns")
                fk: dict[str, Any] = {
                    "columns": [col.get("name")],
                    "references_table": old.get("references_table"),
                    "references_columns": [ref_col] if isinstance(ref_col, str) else ref_col or [],
                    "nullable": bool(old.get("nullable", not col.get("required", False))),
                }
                for field in ("null_rate", "cardinality", "name"):
                    if field in old:
                        fk[field] = old[field]
                fks.append(fk)
            elif isinstance(col, dict) and "foreign_key" in col and col["foreign_key"] is None:
                col = {k: v for k, v in col.items() if k != "foreign_key"}
            cols.append(col)
        if "columns" in data:
            data["columns"] = cols
        data["foreign_keys"] = fks
        composite = data.pop("composite_keys", None) or []
        if isinstance(data.get("primary_key"), str):
            data["primary_key"] = [data["primary_key"]]
        for i, raw_key in enumerate(composite):
            cols_of_key = [raw_key] if isinstance(raw_key, str) else list(raw_key)
            if i == 0 and not data.get("primary_key"):
                data["primary_key"] = cols_of_key
            else:
                data["unique"] = [*(data.get("unique") or []), cols_of_key]
        if isinstance(data.get("unique"), list):
            data["unique"] = [[u] if isinstance(u, str) else u for u in data["unique"]]
        return data

    @model_validator(mode="after")
    def _keys_imply_constraints(self) -> Table:
        by_name = {c.name: c for c in self.columns}
        for name in self.primary_key:
            col = by_name.get(name)
            if col is not None:
                col.required = True
                col.null_rate = None
                if len(self.primary_key) == 1:
                    col.is_unique = True
        return self

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def unique_keys(self) -> list[list[str]]:
        """Every unique key: the primary key, unique constraints and unique columns."""
        keys: list[list[str]] = []
        if self.primary_key:
            keys.append(list(self.primary_key))
        keys.extend(list(u) for u in self.unique)
        keys.extend([c.name] for c in self.columns if c.is_unique)
        out: list[list[str]] = []
        for k in keys:
            if k not in out:
                out.append(k)
        return out


class ExperimentSpec(_Model):
    """An experiment: named tables in a source dialect, aimed at a target warehouse."""

    name: str
    description: str = ""
    dialect: Dialect = "duckdb"
    target_warehouse: WarehouseName = "duckdb"
    tables: list[Table]
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @field_validator("dialect", "target_warehouse", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _validate(self) -> ExperimentSpec:
        from dwsim_nb.spec.validate import check_spec

        check_spec(self)
        return self

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        for t in self.tables:
            if t.name.lower() == name.lower():
                return t
        raise KeyError(name)

    # --- reading and writing -------------------------------------------------------------

    @classmethod
    def parse(cls, source: Any) -> ExperimentSpec:
        """Build a spec from a dict, JSON/YAML text, a path, or a spec; errors are SpecError."""
        from dwsim_nb.spec.io import parse_spec

        return parse_spec(source)

    def to_dict(self) -> dict[str, Any]:
        from dwsim_nb.spec.io import spec_to_dict

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
        """A stable hash of the spec's content (used to tie runs to spec versions)."""
        import hashlib
        import json

        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
