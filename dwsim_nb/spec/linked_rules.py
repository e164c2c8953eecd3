"""Rules whose values follow other columns, rows or tables: a parent's sum of its children
(``aggregate``), a date dimension's parts (``calendar``), a value that follows another column
(``lookup``) and a record's fields shared by a row's columns (``record``). The ``parent``
rule (a value copied from the parent row a foreign key picks) lives in
:mod:`dwsim_nb.spec.rules`, as its ``base`` may be any rule.

Part of the rule union of :mod:`dwsim_nb.spec.rules`, which re-exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import model_validator

from dwsim_nb.spec.rule_base import LOCALE, _Rule


class AggregateRule(_Rule):
    """A parent's sum or count of its children in ``table`` (through the child's foreign key
    to this table, ``via`` its columns when there are several): ``sum`` of the children's
    ``column`` (or of an ``expression`` over their columns), or ``count`` of them. The foreign
    key needs a ``range`` cardinality, whose layout the engine can invert."""

    kind: Literal["aggregate"] = "aggregate"
    function: Literal["sum", "count"]
    table: str
    column: str | None = None
    expression: str | None = None
    via: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> AggregateRule:
        if self.function == "sum" and (self.column is None) == (self.expression is None):
            raise ValueError("an aggregate 'sum' needs one of 'column' or 'expression'")
        if self.function == "count" and (self.column or self.expression):
            raise ValueError("an aggregate 'count' counts children; drop 'column'/'expression'")
        return self


CalendarPart = Literal[
    "date",
    "key",
    "year",
    "quarter",
    "month",
    "year_month",
    "week",
    "day_of_month",
    "day_of_year",
    "day_of_week",
    "holiday",
    "holiday_name",
    "weekend",
    "workday",
]
# How a calendar part is spelled in a text column (numbers are written as digits by default).
CALENDAR_FORMATS: dict[str, str] = {
    "MON": "month or weekday abbreviation in capitals (NOV, SUN)",
    "Mon": "month or weekday abbreviation (Nov, Sun)",
    "MONTH": "month or weekday name in capitals (NOVEMBER)",
    "Month": "month or weekday name (November)",
    "DY2": "two-letter weekday in capitals (SU, MO), as iCalendar writes them",
    "Q9": "quarter as Q1..Q4",
    "Y/N": "Y or N for holiday, weekend, workday",
    "9": "the number as digits",
}


class CalendarRule(_Rule):
    """A column of a date dimension: the day itself or one part of it.

    Each row's day is the value of the date column ``of`` or, without ``of``, ``start`` plus
    the row number (one day per row, consecutive and never repeated). ``part`` picks what is
    shown: the day (``date``), a YYYYMMDD ``key``, ``year``, ``quarter``, ``month``, ISO
    ``week``, ``day_of_week`` (0 = Sunday; names in text columns), ``holiday`` (US federal
    holidays), ``weekend`` ... in the column's type; ``format`` spells it in a text column.

    ``as_of`` (an inferred calendar) is the day its days end on: ``start`` is that day less
    the table's rows. A run re-places ``start`` so that the calendar ends on the run's today
    with the run's row count; without ``as_of`` the calendar starts on ``start`` whatever the
    day.
    """

    kind: Literal["calendar"] = "calendar"
    part: CalendarPart = "date"
    of: str | None = None
    start: dt.date | None = None
    format: str | None = None
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> CalendarRule:
        if self.format is not None and self.format not in CALENDAR_FORMATS:
            raise ValueError(
                f"calendar format {self.format!r} is not known; use one of "
                + ", ".join(CALENDAR_FORMATS)
            )
        return self


# What a place's name may name (engine/generators/places.py): "Riverside Arena" for a venue,
# "Lincoln Elementary School" for a school.
PLACE_KINDS: tuple[str, ...] = (
    "venue",
    "store",
    "warehouse",
    "hotel",
    "restaurant",
    "park",
    "school",
    "college",
    "hospital",
    "airport",
    "library",
    "museum",
    "mall",
    "gym",
)
# The columns one record fills: a person's names, the addresses built from them, a courtesy
# title (Mr., Ms., Mrs., Dr.) and a gender (F or M) of the first name's gender, a postal
# address of one locale, a company and its web domain, the title of a work or event, the name
# of a place of one kind, a product's name (engine/generators/records.py).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "name", "email", "username", "courtesy", "gender"),
    "address": (
        "street",
        "secondary",
        "city",
        "state",
        "state_abbr",
        "postcode",
        "country",
        "country_code",
        "phone",
        "phone_alt",
    ),
    "company": ("company", "domain", "website", "email"),
    "title": ("title",),
    "place": PLACE_KINDS,
    "product": ("product",),
}
# Records whose one column needs no other column of the row to agree with (a place's name reads
# the row's city when there is one, and stays a name when there is not).
STANDALONE_RECORDS = frozenset({"title", "place", "product"})


class RecordRule(_Rule):
    """One ``field`` of a record shared by the row's columns of the same ``record`` and
    ``group``: a person's first name, last name and the e-mail built from both."""

    kind: Literal["record"] = "record"
    record: Literal["person", "address", "company", "title", "place", "product"]
    field: str
    group: str = ""
    locale: str | None = None

    @model_validator(mode="after")
    def _check(self) -> RecordRule:
        fields = RECORD_FIELDS[self.record]
        if self.field not in fields:
            raise ValueError(
                f"a {self.record} record has no field {self.field!r}; "
                f"use one of {', '.join(fields)}"
            )
        if self.locale is not None and not LOCALE.match(self.locale):
            raise ValueError(
                f"locale {self.locale!r} is not a locale name; write it like en_US or de_DE"
            )
        return self


class LookupRule(_Rule):
    """The value ``mapping`` gives for another column's value in the same row (``of``):
    a category's group from its name, a country's code from the country. A value the
    mapping lacks gives ``default`` (NULL when left out)."""

    kind: Literal["lookup"] = "lookup"
    of: str
    mapping: dict[str, Any]
    default: Any = None

    @model_validator(mode="after")
    def _check(self) -> LookupRule:
        if not self.mapping:
            raise ValueError("'mapping' is empty; map at least one value of the 'of' column")
        return self
