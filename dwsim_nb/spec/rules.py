"""Generation rules: one record per kind, told apart by ``kind``.

A column holds at most one rule (``Column.rule``); each rule checks its own fields, and the few
checks that need the column's type live in :meth:`dwsim_nb.spec.models.Column._check_rule`.
``reason`` says why a rule was inferred (from a name, a DDL hint or the data); a rule the user
wrote has none. Adding a kind: a class here, a member of :data:`Rule`, a generator in
``engine/generators`` registered in ``engine.generators.BY_RULE``.

    {"kind": "range", "min": 1, "max": 10}
    {"kind": "values", "values": ["placed", "shipped"], "weights": [0.8, 0.2]}
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, field_validator, model_validator

import dwsim_nb.spec.faker_rules as faker_rules
from dwsim_nb.limits import MAX_NESTING, nesting_ok

# The distribution names live in spec.distributions; importers keep using them from here.
from dwsim_nb.spec.array_rule import ARRAY_ELEMENT_TYPES as ARRAY_ELEMENT_TYPES
from dwsim_nb.spec.array_rule import MAX_VECTOR_ITEMS as MAX_VECTOR_ITEMS
from dwsim_nb.spec.array_rule import ArrayRule as ArrayRule
from dwsim_nb.spec.distributions import DISTRIBUTION_PARAMS as DISTRIBUTION_PARAMS
from dwsim_nb.spec.distributions import Distribution as Distribution
from dwsim_nb.spec.distributions import DistributionType as DistributionType
from dwsim_nb.spec.distributions import _Parameters
from dwsim_nb.spec.distributions import check_distribution as check_distribution
from dwsim_nb.spec.distributions import check_finite as check_finite
from dwsim_nb.spec.distributions import distribution_param as distribution_param
from dwsim_nb.spec.linked_rules import CALENDAR_FORMATS as CALENDAR_FORMATS
from dwsim_nb.spec.linked_rules import PLACE_KINDS as PLACE_KINDS
from dwsim_nb.spec.linked_rules import RECORD_FIELDS as RECORD_FIELDS
from dwsim_nb.spec.linked_rules import STANDALONE_RECORDS as STANDALONE_RECORDS
from dwsim_nb.spec.linked_rules import AggregateRule as AggregateRule
from dwsim_nb.spec.linked_rules import CalendarPart as CalendarPart
from dwsim_nb.spec.linked_rules import CalendarRule as CalendarRule
from dwsim_nb.spec.linked_rules import LookupRule as LookupRule
from dwsim_nb.spec.linked_rules import RecordRule as RecordRule
from dwsim_nb.spec.rule_base import LOCALE, _Model, _Rule

Number = float | int
SHAPE_NESTING = MAX_NESTING - 8
Moment = dt.date | dt.datetime | dt.time
# Places a range or distribution may round to: as many as a double holds.
MAX_DECIMALS = 15


def _nonzero_step(v: int) -> int:
    if v == 0:
        raise ValueError("sequence step must not be 0")
    return v


class Sequence(_Model):
    """Consecutive values (the flat format's ``sequence`` field): ``start + step * row``."""

    start: int = 1
    step: int = 1

    _step = field_validator("step")(_nonzero_step)


class FakerRule(_Rule):
    """Values from a Faker provider (``email``, ``city`` ...), optionally in a locale."""

    kind: Literal["faker"] = "faker"
    provider: str
    locale: str | None = None

    @model_validator(mode="after")
    def _check(self) -> FakerRule:
        problem = faker_rules.rule_problem(self.provider)
        if problem is not None:
            raise ValueError(problem)
        if self.locale is not None and not LOCALE.match(self.locale):
            raise ValueError(
                f"locale {self.locale!r} is not a locale name; write it like en_US or de_DE"
            )
        return self


def _check_order(low: Any, high: Any, low_name: str, high_name: str) -> None:
    check_finite(low, low_name)
    check_finite(high, high_name)
    if low is not None and high is not None and low > high:
        raise ValueError(f"{low_name} {low} > {high_name} {high}; swap them")


class RangeRule(_Rule):
    """Numbers spread evenly between ``min`` and ``max`` (defaults from the type when left out),
    rounded to ``decimals`` places when given (2: cents in a FLOAT column; 0: whole numbers,
    also as text)."""

    kind: Literal["range"] = "range"
    min: Number | None = None
    max: Number | None = None
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)
    # The day an inferred range of years was set for ("the 3 years before today"): a run in
    # another year moves both ends by the years between; without it the range is fixed.
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> RangeRule:
        _check_order(self.min, self.max, "min", "max")
        return self


class DistributionRule(_Parameters, _Rule):
    """Numbers drawn from a distribution, clamped to ``min``/``max`` and rounded to ``decimals``
    places when given."""

    kind: Literal["distribution"] = "distribution"
    min: Number | None = None
    max: Number | None = None
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)

    @model_validator(mode="after")
    def _check(self) -> DistributionRule:
        _check_order(self.min, self.max, "min", "max")
        return self

    @property
    def distribution(self) -> Distribution:
        return Distribution.model_construct(type=self.type, parameters=dict(self.parameters))


class ValuesRule(_Rule):
    """One of the listed ``values``, with optional ``weights`` (one per value)."""

    kind: Literal["values"] = "values"
    values: list[Any]
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _check(self) -> ValuesRule:
        if len(self.values) == 0:
            raise ValueError("'values' is empty; list at least one value")
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.values)} values; "
                    "give one weight per value"
                )
            for w in self.weights:
                check_finite(w, "a weight")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 and add up to more than 0")
        return self


class PatternRule(_Rule):
    """Strings of a shape: ``#`` a digit, ``?`` a capital letter, anything else as written."""

    kind: Literal["pattern"] = "pattern"
    pattern: str


class SequenceRule(_Rule):
    """Consecutive values (IDENTITY, SERIAL, AUTOINCREMENT): ``start + step * row``."""

    kind: Literal["sequence"] = "sequence"
    start: int = 1
    step: int = 1

    _step = field_validator("step")(_nonzero_step)


def comparable(v: Moment) -> Any:
    """A date or datetime as a naive datetime (None for a time of day)."""
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return None


class When(_Model):
    """Rows whose ``column`` (of the same row) holds one of ``values``."""

    column: str
    values: list[Any]

    @model_validator(mode="after")
    def _check(self) -> When:
        if not self.column.strip():
            raise ValueError("'when' needs a 'column' of the same row")
        if not self.values:
            raise ValueError("'when' needs at least one value of its column")
        return self


class DatetimeRule(_Rule):
    """Dates, times or timestamps between ``start`` and ``end``, or ``after`` another column's
    value (``column`` of the same row, or ``parent_table.column`` through a foreign key), or
    ``before`` one (a ticket sold before its event starts), or between both.

    With ``when`` a value is set only in the rows whose ``when.column`` holds one of
    ``when.values`` and is NULL in the others: a subscription's ``canceled_at`` where its
    status is ``canceled``."""

    kind: Literal["datetime"] = "datetime"
    start: Moment | None = None
    end: Moment | None = None
    after: str | None = None
    # At or before another column's value (same forms as ``after``); with ``after`` too, the
    # value lies between both (``after`` wins where they cross).
    before: str | None = None
    # Strictly after (or before) (``CHECK (rented < returned)``): never the same day or second.
    strict: bool = False
    # Largest gap in days after the ``after`` value (a shipment within weeks of its order, a
    # rental returned within days), or before the ``before`` value when there is no ``after``;
    # without it the gap runs to ``end`` (``start``) or a year.
    within: float | None = Field(default=None, gt=0)
    when: When | None = None
    # The day ``start`` and ``end`` were set for (an inferred "recent past": the 3 years before
    # the import's today). A run whose today is another day moves both by the days between, so
    # the values keep their distance to the run's today; without it the range is fixed.
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> DatetimeRule:
        if self.within is not None and self.after is None and self.before is None:
            raise ValueError("'within' bounds the gap after 'after'; give 'after' too")
        check_finite(self.within, "within")
        if self.start is not None and self.end is not None:
            a, b = comparable(self.start), comparable(self.end)
            if a is not None and b is not None and a > b:
                raise ValueError(f"start {self.start} is after end {self.end}; swap them")
        return self


class BooleanRule(_Rule):
    """True in ``true_probability`` of the rows."""

    kind: Literal["boolean"] = "boolean"
    true_probability: float = Field(default=0.5, ge=0.0, le=1.0)


class UuidRule(_Rule):
    """Version-4 UUIDs, never repeated."""

    kind: Literal["uuid"] = "uuid"


# Elements a list in a JSON shape gets per row at most (0 to this many), and values one
# document may hold: each value is an array per block, and nested lists multiply them.
JSON_LIST_ITEMS = 3
MAX_JSON_VALUES = 1_000


def json_values(shape: Any) -> int:
    """How many values (leaves, objects, lists) one document of ``shape`` holds at most."""
    if isinstance(shape, dict):
        return 1 + sum(json_values(v) for v in shape.values())
    if isinstance(shape, list):
        return 1 + JSON_LIST_ITEMS * json_values(shape[0] if shape else "string")
    return 1


class JsonRule(_Rule):
    """JSON documents of a ``shape``: a mapping or list whose leaves name a value kind."""

    kind: Literal["json"] = "json"
    shape: dict[str, Any] | list[Any]
    # A list shape with exactly this many elements in every row (``vector(20)``: 20 floats)
    # instead of 0 to JSON_LIST_ITEMS.
    items: int | None = Field(default=None, ge=1, le=MAX_VECTOR_ITEMS)

    @model_validator(mode="after")
    def _check(self) -> JsonRule:
        if self.items is not None:
            if not isinstance(self.shape, list) or isinstance(
                self.shape[0] if self.shape else "", dict | list
            ):
                raise ValueError("'items' needs a list shape of one plain kind, like [\"float\"]")
            return self
        # A spec handed in as a Python dict skipped the document reader's bound; the shape's
        # generator, serializer and fingerprint all recurse over it, and the stored spec, with
        # the levels of table, column and rule around the shape, must read back within it.
        if not nesting_ok(self.shape, SHAPE_NESTING):
            raise ValueError(
                f"shape nests more than {SHAPE_NESTING} levels deep; flatten it "
                "(a JSON document of a few levels is what warehouses store)"
            )
        if json_values(self.shape) > MAX_JSON_VALUES:
            raise ValueError(
                f"a document of this shape holds more than {MAX_JSON_VALUES:,} values (each "
                f"list gets up to {JSON_LIST_ITEMS} elements, so nested lists multiply); "
                "nest fewer lists or give fewer fields"
            )
        return self


class ConstantRule(_Rule):
    """The same ``value`` in every row."""

    kind: Literal["constant"] = "constant"
    value: Any

    @field_validator("value")
    @classmethod
    def _not_null(cls, v: Any) -> Any:
        if v is None:
            raise ValueError("a constant needs a value; use null_rate 1 for a column of NULLs")
        return v


class DerivedRule(_Rule):
    """A value computed from the row's other columns, e.g. ``quantity * unit_price``; a name
    qualified by a table reads that table's column in the row the row's foreign keys lead to
    (directly or through one other table): ``quantity * product.list_price``."""

    kind: Literal["derived"] = "derived"
    expression: str


class MixRule(_Rule):
    """Listed ``values`` and rows built to match ``like`` patterns, each in its share of the
    rows; every other row keeps the ``base`` rule (the column's type default when None).

    Written by a workload (``dwsim_nb.workload``) so each literal a query filters on selects a
    realistic share: ``{"kind": "mix", "values": ["EUROPE"], "shares": [0.2], "base": ...}``.
    A ``like`` pattern is SQL's (``%`` any text, ``_`` one character); the base value fills
    the ``%``.
    """

    kind: Literal["mix"] = "mix"
    values: list[Any] = Field(default_factory=list)
    shares: list[float] = Field(default_factory=list)
    like: list[str] = Field(default_factory=list)
    like_shares: list[float] = Field(default_factory=list)
    base: Rule | None = None

    @model_validator(mode="after")
    def _check(self) -> MixRule:
        if len(self.shares) != len(self.values) or len(self.like_shares) != len(self.like):
            raise ValueError("give one share per value and one per like pattern")
        shares = [*self.shares, *self.like_shares]
        if any(not 0 <= s <= 1 for s in shares) or sum(shares) > 1:
            raise ValueError("shares must be between 0 and 1 and add up to at most 1")
        if isinstance(self.base, MixRule):
            raise ValueError("a mix's base cannot be another mix")
        return self


class ParentRule(_Rule):
    """The value of ``column`` in the parent row the row's foreign key ``via`` (its columns)
    picks: a sale's event id is its listing's, when the DDL declares no key for it, an order
    line's price its product's. NULL where the key is null.

    With ``share`` below 1 only that share of the rows copies the parent's value; the others
    (and rows whose key is null) take the ``base`` rule's (the column's type default when
    None): an invoice billed to its customer's address nine times in ten. Which rows copy
    depends on the key alone, so a row's columns copied through one key agree (the whole
    billing address is the customer's, or none of it)."""

    kind: Literal["parent"] = "parent"
    via: list[str]
    column: str
    share: float = Field(default=1.0, ge=0.0, le=1.0)
    base: Rule | None = None

    @field_validator("via", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> ParentRule:
        if not self.via:
            raise ValueError("'via' is empty; name the columns of a foreign key of the table")
        if isinstance(self.base, ParentRule):
            raise ValueError("a parent rule's base cannot be another parent rule")
        return self


class AutoRule(_Rule):
    """No rule of its own: the engine picks values from the column's type (kept for ``reason``)."""

    kind: Literal["auto"] = "auto"


Rule = Annotated[
    FakerRule
    | RangeRule
    | DistributionRule
    | ValuesRule
    | PatternRule
    | SequenceRule
    | DatetimeRule
    | BooleanRule
    | UuidRule
    | JsonRule
    | ConstantRule
    | DerivedRule
    | AggregateRule
    | CalendarRule
    | LookupRule
    | ParentRule
    | RecordRule
    | ArrayRule
    | MixRule
    | AutoRule,
    Field(discriminator="kind"),
]
MixRule.model_rebuild()
ParentRule.model_rebuild()
RULE_CLASSES: tuple[type[_Rule], ...] = (
    DerivedRule,
    AggregateRule,
    MixRule,
    ConstantRule,
    SequenceRule,
    ValuesRule,
    PatternRule,
    FakerRule,
    RecordRule,
    JsonRule,
    ArrayRule,
    DistributionRule,
    DatetimeRule,
    RangeRule,
    BooleanRule,
    UuidRule,
    CalendarRule,
    LookupRule,
    ParentRule,
    AutoRule,
)
RULE_KINDS: tuple[str, ...] = tuple(
    str(c.model_fields["kind"].default) for c in RULE_CLASSES if c is not AutoRule
)


def value_range(rule: object) -> tuple[Number | None, Number | None]:
    """The ``(min, max)`` a numeric rule sets (``(None, None)`` for other rules)."""
    if isinstance(rule, RangeRule | DistributionRule):
        return rule.min, rule.max
    return None, None


def date_range(rule: object) -> tuple[Moment | None, Moment | None]:
    """The ``(start, end)`` a datetime rule sets (``(None, None)`` for other rules)."""
    if isinstance(rule, DatetimeRule):
        return rule.start, rule.end
    return None, None


R = TypeVar("R", bound=_Rule)


def rule_of(column: Any, cls: type[R]) -> R:
    """The column's rule, which must be a ``cls`` (a generator chosen for that kind asks)."""
    rule = column.rule
    if not isinstance(rule, cls):
        raise TypeError(f"column '{column.name}' has no {cls.__name__}")
    return rule
