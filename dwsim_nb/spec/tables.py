"""Tables, their columns, keys and foreign keys: the parts of a spec below the experiment.

A column's generation rule is one record of :mod:`dwsim_nb.spec.rules` (``Column.rule``, told
apart by ``kind``); flat rule fields of older specs are read into it (:mod:`dwsim_nb.spec.flat`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dwsim_nb.spec.array_columns import array_fields, check_array_column
from dwsim_nb.spec.flat import FLAT_FIELDS, FlatView, flat_schema, rule_from_flat
from dwsim_nb.spec.names import table_key
from dwsim_nb.spec.rules import MAX_VECTOR_ITEMS, DatetimeRule, RecordRule, Rule, check_finite
from dwsim_nb.spec.types import LOGICAL_TYPES, STRING_TYPES, TEMPORAL_TYPES, parse_type


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=True)


class Cardinality(_Model):
    """How child rows spread over parent rows for a foreign key.

    ``uniform``: every parent equally likely; ``zipf``: skewed, a few hot parents (``s`` > 1);
    ``range``: between ``min`` and ``max`` children per parent; ``at_least_one``: every parent
    gets a child. ``clustered`` (range only): children follow their parents' order (as line
    items follow their orders) instead of being scattered over the parents, so the children of
    a block of parents are a few blocks of children; aggregate rules read them back that way.
    ``match``: the parent row whose ``parent_column`` holds ``mapping[<the child's column>]``
    (a nation's region row is the region that contains it); uniform where there is none.
    ``through``: the parent row that the row picked by the child's other foreign key ``via``
    (its columns) references through its own foreign key ``parent_columns`` (a sale's event
    is its listing's event); uniform where that row or its key is null.
    ``day``: the row of a date dimension whose day (``parent_column``) is the day of the
    child's date or timestamp ``column`` (a sale's date key is its sale time's day); the
    column's values stay within the dimension's days, uniform where the column is null.
    """

    kind: Literal["uniform", "zipf", "range", "at_least_one", "match", "through", "day"] = "uniform"
    s: float = 1.2
    min: int | None = None
    max: int | None = None
    clustered: bool = False
    column: str | None = None
    parent_column: str | None = None
    mapping: dict[str, str] | None = None
    via: list[str] | None = None
    parent_columns: list[str] | None = None
    reason: str | None = None

    @field_validator("via", "parent_columns", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> Cardinality:
        check_finite(self.s, "zipf cardinality s")
        if self.kind == "zipf" and self.s <= 1.0:
            raise ValueError("zipf cardinality needs s > 1 (for example 1.2)")
        if self.kind == "range":
            if self.min is None or self.max is None:
                raise ValueError("range cardinality needs both 'min' and 'max' children per parent")
            if self.min < 0 or self.max < self.min:
                raise ValueError("range cardinality needs 0 <= min <= max")
        if self.kind == "match" and not (self.column and self.parent_column and self.mapping):
            raise ValueError(
                "match cardinality needs 'column' (of the child), 'parent_column' and 'mapping' "
                "(child value -> parent value)"
            )
        if self.kind == "through" and not (self.via and self.parent_columns):
            raise ValueError(
                "through cardinality needs 'via' (the child's foreign key columns to the middle "
                "table) and 'parent_columns' (the middle table's foreign key columns to this "
                "key's table)"
            )
        if self.kind == "day" and not (self.column and self.parent_column):
            raise ValueError(
                "day cardinality needs 'column' (the child's date or timestamp) and "
                "'parent_column' (the date dimension's day column)"
            )
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
    # Why the key was read from names (None: declared): it shapes the data but is never
    # written into a warehouse's DDL (:mod:`dwsim_nb.spec.implied_keys`).
    inferred: str | None = None

    @field_validator("columns", "references_columns", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class InferredKey(_Model):
    """Why a table's primary key was read from names where the DDL declared none, and which of
    its columns the DDL left nullable: the key shapes the data (unique, never null), while the
    warehouse's table stays as written (:meth:`Table.as_declared`)."""

    reason: str
    nullable: list[str] = Field(default_factory=list)


class Column(FlatView, _Model):
    """A column: its type, constraints and at most one generation rule (``rule``)."""

    model_config = ConfigDict(json_schema_extra=flat_schema)
    # Read by the before-validator, so not model fields: known when telling a typo from an
    # unknown field (spec/io.py).
    other_fields: ClassVar[tuple[str, ...]] = (*FLAT_FIELDS, "foreign_key")
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
    rule: Rule | None = None
    # An ARRAY column's element type (``text[]``: TEXT) and, for a vector, its fixed dimension;
    # without ``array_of`` an ARRAY column holds JSON lists, as specs made before these did.
    array_of: str | None = None
    array_size: int | None = Field(default=None, ge=1, le=MAX_VECTOR_ITEMS)
    # A unique whole-number column without a range: 1..N in a keyed order instead of in order.
    shuffle: bool = False

    @model_validator(mode="before")
    @classmethod
    def _normalize(cls, data: Any) -> Any:
        """Resolve type spellings (NUMBER(38,0) ...) and turn flat rule fields into a rule."""
        if not isinstance(data, dict):
            return data
        raw = data.get("data_type")
        logical = None
        if isinstance(raw, str):
            parsed = parse_type(raw)
            if parsed is None:
                raise ValueError(
                    f"unknown data_type {raw!r}; use one of {', '.join(LOGICAL_TYPES)} "
                    "(or a warehouse spelling such as NUMBER(38,0), VARCHAR(MAX), TIMESTAMP_NTZ)"
                )
            logical = parsed.data_type
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
            data = array_fields(data, raw)
        return rule_from_flat(data, logical)

    @model_validator(mode="after")
    def _check_rule(self) -> Column:
        """Checks that need the column's type as well as its rule."""
        if isinstance(self.rule, DatetimeRule) and self.data_type not in TEMPORAL_TYPES:
            raise ValueError(
                f"column '{self.name}': a datetime rule needs a DATE, TIME or TIMESTAMP column, "
                f"not {self.data_type}"
            )
        if isinstance(self.rule, RecordRule) and self.data_type not in STRING_TYPES:
            raise ValueError(
                f"column '{self.name}': a record rule fills text columns, not {self.data_type}; "
                "give the column a VARCHAR or TEXT type or another rule"
            )
        check_array_column(self)
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

    @property
    def effective_null_rate(self) -> float:
        return 0.0 if self.required else float(self.null_rate or 0.0)


class Table(_Model):
    """A table with its columns, keys and the number of rows to generate by default.

    ``schema`` and ``database`` (optional) place it as the DDL did (``raw.orders``,
    ``tb_101.raw_pos.truck``); its identity is ``key`` (see :mod:`dwsim_nb.spec.names`).
    """

    # Written as "schema" (the attribute name would shadow pydantic's own ``schema``).
    model_config = ConfigDict(serialize_by_alias=True)
    other_fields: ClassVar[tuple[str, ...]] = ("composite_keys",)
    name: str
    schema_name: str | None = Field(default=None, alias="schema")
    database: str | None = None
    target_rows: int = Field(default=1000, ge=0)
    columns: list[Column]
    primary_key: list[str] = Field(default_factory=list)
    unique: list[list[str]] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    comment: str | None = None
    physical: dict[str, Any] = Field(default_factory=dict)
    source_name: str | None = None
    # Set when ``primary_key`` was read from names, not declared (see InferredKey).
    inferred_key: InferredKey | None = None

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
        if self.inferred_key is not None and not self.primary_key:
            self.inferred_key = None  # the key was taken out: nothing left to explain
        by_name = {c.name: c for c in self.columns}
        for name in self.primary_key:
            col = by_name.get(name)
            if col is not None:
                col.required = True
                col.null_rate = None
                if len(self.primary_key) == 1:
                    col.is_unique = True
        return self

    @property
    def key(self) -> str:
        """The table's identity in the spec: ``name``, ``schema.name`` or ``db.schema.name``."""
        return table_key(self.name, self.schema_name, self.database)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in (self.database, self.schema_name, self.name) if p)

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

    def as_declared(self) -> Table:
        """The table as its DDL declared it: without a primary key or foreign keys read from
        names, and their columns as nullable and non-unique as they were written. What a
        warehouse's CREATE TABLE is built from; ``self`` when nothing was inferred."""
        inferred_fks = any(fk.inferred for fk in self.foreign_keys)
        if self.inferred_key is None and not inferred_fks:
            return self
        out = self.model_copy(deep=True)
        out.foreign_keys = [fk for fk in out.foreign_keys if not fk.inferred]
        if out.inferred_key is not None:
            nullable = set(out.inferred_key.nullable)
            single = len(out.primary_key) == 1
            for col in out.columns:
                if col.name in out.primary_key:
                    col.required = col.name not in nullable
                    if single:
                        col.is_unique = False
            out.primary_key = []
            out.inferred_key = None
        return out
