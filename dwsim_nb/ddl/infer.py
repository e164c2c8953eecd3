"""Infer realistic generation rules from column names and types.

A column imported from DDL has a type but no rule; left alone the engine would fill ``email`` with
random letters. Here a name like ``email``, ``venuecity`` or ``created_at`` picks a Faker provider,
a value range or a weighted set, and the rule's ``reason`` says which and why, so the user can
see and override it. Rules the user or the DDL gave are never replaced; key columns are left to the
engine (their values come from sequences and parent rows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from pydantic import ValidationError

from dwsim_nb.ddl.arithmetic import infer_arithmetic
from dwsim_nb.ddl.arrays import named_elements
from dwsim_nb.ddl.coherent import coherent_rows, free_key_columns
from dwsim_nb.ddl.comments import comment_rule
from dwsim_nb.ddl.dimensions import apply_dimension_rules
from dwsim_nb.ddl.domains import COUNTRIES
from dwsim_nb.ddl.fact_rows import fact_rows
from dwsim_nb.ddl.fk_paths import infer_through
from dwsim_nb.ddl.generated import computed_rule, default_expression_rule
from dwsim_nb.ddl.hints import default_rule
from dwsim_nb.ddl.line_prices import line_prices
from dwsim_nb.ddl.nouns import key_uuid, noun_rule
from dwsim_nb.ddl.orders import apply_orders
from dwsim_nb.ddl.parent_copies import parent_copies
from dwsim_nb.ddl.status_times import status_times
from dwsim_nb.ddl.text_shapes import shape_rule
from dwsim_nb.ddl.widths import type_max, width_rule
from dwsim_nb.errors import SpecError
from dwsim_nb.spec.models import Column, ExperimentSpec, Table
from dwsim_nb.spec.relative import PAST_YEARS, RECENT_YEARS, recent_range
from dwsim_nb.spec.rules import (
    AutoRule,
    BooleanRule,
    DatetimeRule,
    DistributionRule,
    FakerRule,
    RangeRule,
    RecordRule,
    ValuesRule,
)
from dwsim_nb.spec.types import STRING_TYPES, TEMPORAL_TYPES

Rule = (
    FakerRule | ValuesRule | RangeRule | DistributionRule | DatetimeRule | BooleanRule | RecordRule
)

# (name pattern, Faker provider method, shortest length that can hold a typical value, why)
_FAKER: list[tuple[str, str, int, str]] = [
    (r"e_?mail", "email", 12, "looks like an e-mail address"),
    (r"^(c_)?first(_?name)?$|^fname$|given_?name", "first_name", 3, "looks like a first name"),
    (
        r"^(c_)?last(_?name)?$|^lname$|surname|family_?name",
        "last_name",
        3,
        "looks like a last name",
    ),
    (
        r"^(full_?|customer_?|contact_?|person_?|c_)?name$|full_?name",
        "name",
        8,
        "looks like a person's name",
    ),
    (
        r"^(ship(ping)?|bill(ing)?|delivery|recipient|consignee|addressee)_?(to_?)?name$",
        "name",
        8,
        "looks like a recipient's name",
    ),
    (r"user_?name|login|handle|nickname", "user_name", 4, "looks like a user name"),
    (r"phone|mobile|fax|telephone", "phone_number", 10, "looks like a phone number, in one format"),
    (r"(^|_)ip(_|$)|ip_?addr|ipv4", "ipv4", 7, "looks like an IP address"),
    (r"street|address|addr(_|$)", "street_address", 12, "looks like a street address"),
    (r"city|town", "city", 4, "looks like a city"),
    (r"zip|postal|postcode", "postcode", 5, "looks like a postal code"),
    (
        r"company|employer|organi[sz]ation|vendor_?name|supplier_?name|venue_?name",
        "company",
        6,
        "looks like a company or venue name",
    ),
    (r"url|website|homepage|link", "url", 12, "looks like a URL"),
    (r"uuid|guid", "uuid4", 32, "looks like a UUID"),
    (r"headline|slogan|tagline", "catch_phrase", 12, "looks like a slogan"),
    (r"job|occupation|profession", "job", 8, "looks like a job title"),
    (r"colou?r", "color_name", 4, "looks like a colour"),
    (
        r"desc|comment|notes?$|remarks?|summary|bio$|about|message|body",
        "sentence",
        40,
        "looks like free text",
    ),
]
# Small categorical sets: (name pattern, values, weights, why).
_CATEGORIES: list[tuple[str, list[str], list[float], str]] = [
    (r"gender|^sex$", ["F", "M", "X"], [0.49, 0.49, 0.02], "looks like a gender"),
    (
        r"status|state_?code$",
        ["active", "pending", "inactive", "closed"],
        [0.6, 0.2, 0.15, 0.05],
        "looks like a status",
    ),
    (
        r"priority",
        ["low", "medium", "high", "urgent"],
        [0.4, 0.35, 0.2, 0.05],
        "looks like a priority",
    ),
    (r"currency", ["USD", "EUR", "GBP", "JPY"], [0.5, 0.3, 0.15, 0.05], "looks like a currency"),
    (
        r"(categor(y|ies)|cat)_?group",
        ["Home", "Media", "Fashion", "Leisure", "Everyday"],
        [0.25, 0.25, 0.2, 0.15, 0.15],
        "looks like a group of categories",
    ),
    (
        r"categor|segment|department|^cat_?name$",
        ["Electronics", "Books", "Clothing", "Home", "Toys", "Sports"],
        [0.25, 0.2, 0.2, 0.15, 0.1, 0.1],
        "looks like a category",
    ),
    (
        r"(^|_)(type|kind|tier|level|plan|class)$",
        ["standard", "premium", "basic"],
        [0.6, 0.15, 0.25],
        "looks like a type",
    ),
]
# Names of works and events (a show, a film, an album, a tour), not of people or companies.
_TITLE = re.compile(
    r"(^|_)(event|show|film|movie|album|song|track|book|play|production|episode|tour|concert|"
    r"performance|series|exhibition|game)_?(name|title)$|(^|_)title$"
)
_NOT_TITLE = re.compile(r"job|position|role|courtesy|salutation")
_MONEY = re.compile(
    r"price|amount|amt$|total|cost|fee|balance|acctbal|revenue|salary|paid|"
    r"commission|profit|charge|spend|income|payment|freight|postage|wages?$|(^|_)(fares?|tips?)$"
)
_COUNT = re.compile(r"quantity|qty|(^|_)(count|cnt)$|^num|units|sold$|(^|_)(tickets|items|pieces)$")
_SEATS = re.compile(r"seats|capacity")
_RATING = re.compile(r"rating|stars|score")
_AGE = re.compile(r"(^|_)age$")
_RATE = re.compile(r"percent|pct|discount|(^|_)rate$|(^|_)tax$|ratio")
_BOOL = re.compile(r"^(is|has|can|should|was|like)_?|_(flag|yn)$|^(active|enabled|deleted)$")
_BIRTH = re.compile(r"birth|dob")
_FLAG = re.compile(r"_(flag|flg|ind)$|^flag_")
_YEAR = re.compile(r"(^|_)(yr|yob)$|year$|^year_(built|made|founded|established|of_birth)$")
# Years something began in, which lie further back than the recent past.
_PAST_YEAR = re.compile(
    r"built|made|founded|established|opened|incorporated|manufactured|model|releas|publish"
)
_CODE = re.compile(r"code|iso|alpha|abbr")
_ISO3 = re.compile(r"iso_?3|alpha_?3|code_?3")
_ALPHA3 = [c[2] for c in COUNTRIES]
_WHEN = re.compile(
    r"(_at|_on|date|time|_ts|timestamp|_day|^day)$|created|updated|modified|"
    r"joined|since|caldate|^when"
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _fits(col: Column, shortest: int) -> bool:
    return col.varchar_length is None or col.varchar_length >= shortest


def _string_rule(col: Column, name: str) -> Rule | None:
    if re.search(r"(^|_)?state$|province|venuestate|(^|_)st$", name) and not re.search(
        r"status", name
    ):
        if col.varchar_length is not None and col.varchar_length <= 3:
            why = "faker state_abbr (a short state column)"
            return FakerRule(provider="state_abbr", reason=why)
        return FakerRule(provider="state", reason="faker state (looks like a state)")
    if re.search(r"country", name):
        if _ISO3.search(name) or col.varchar_length == 3:
            return ValuesRule(values=list(_ALPHA3), reason="ISO 3166 alpha-3 country code (name)")
        if _CODE.search(name) or (col.varchar_length is not None and col.varchar_length <= 3):
            why = "faker country_code (a country code, by name or width)"
            return FakerRule(provider="country_code", reason=why)
        return FakerRule(provider="country", reason="faker country (looks like a country)")
    if _FLAG.search(name):
        return ValuesRule(values=["Y", "N"], reason="Y or N (a flag)")
    if re.search(r"district|county|neighbou?rhood|borough|suburb|municipality", name):
        # Sub-national places: a state-like name reads right (sakila's district is one).
        provider = "state" if "district" in name else "city"
        return FakerRule(provider=provider, reason=f"faker {provider} (a place name)")
    if re.search(r"(^|_)(sales_)?region(_?name)?$", name):
        regions = ["North", "South", "East", "West", "Central"]
        return ValuesRule(values=regions, reason="one of 5 values (looks like a region)")
    for pattern, values, weights, why in _CATEGORIES:
        if re.search(pattern, name) and not col.is_unique:
            limit = col.varchar_length or 10**6
            kept = [(v, w) for v, w in zip(values, weights, strict=True) if len(v) <= limit]
            if kept:
                return ValuesRule(
                    values=[v for v, _ in kept],
                    weights=[w for _, w in kept],
                    reason=f"one of {len(kept)} values ({why})",
                )
    if _TITLE.search(name) and not _NOT_TITLE.search(name) and _fits(col, 8):
        return RecordRule(record="title", field="title", reason="title of a work or event (name)")
    for pattern, provider, shortest, why in _FAKER:
        if re.search(pattern, name):
            if provider == "sentence" and not _fits(col, shortest):
                if _fits(col, 6):
                    return FakerRule(provider="word", reason=f"faker word ({why}, but short)")
                return None
            if _fits(col, shortest):
                return FakerRule(provider=provider, reason=f"faker {provider} ({why})")
            return None
    return None


def _upper_bound(col: Column, wanted: float) -> float:
    return min(wanted, type_max(col))


def _year_rule(col: Column, name: str) -> RangeRule | None:
    """Years relative to today (``as_of``: a run moves them to its own today's year): a
    birth year of an adult, a year something was built or founded, else a year of the
    recent past, as the inferred dates are."""
    today = dt.date.today()
    year = today.year
    if _BIRTH.search(name) or name.endswith("yob"):
        lo, hi, why = year - 85, year - 18, "birth year, ages 18-85"
    elif _PAST_YEAR.search(name):
        lo, hi, why = year - PAST_YEARS, year, f"a year in the {PAST_YEARS} years before today"
    else:
        lo, hi, why = year - RECENT_YEARS, year, f"a year in the {RECENT_YEARS} years before today"
    top = _upper_bound(col, hi)
    if top < lo:
        return None
    # A range the type cuts stays where it is: moved later it would not fit.
    return RangeRule(min=lo, max=top, as_of=today if top == hi else None, reason=why)


def _number_rule(col: Column, name: str) -> Rule | None:
    whole = col.data_type in ("SMALLINT", "INT", "BIGINT") or (
        col.data_type == "DECIMAL" and not col.scale
    )

    def rng(lo: float, hi: float, why: str) -> Rule | None:
        hi = _upper_bound(col, hi)
        if hi < lo:
            return None
        return RangeRule(min=lo, max=hi, reason=why)

    if whole and _FLAG.search(name):
        return rng(0, 1, "0 or 1 (a flag)")
    if whole and _YEAR.search(name):
        return _year_rule(col, name)
    if _MONEY.search(name):
        hi = _upper_bound(col, 5000)
        lo = 1 if whole else 0.01
        if hi < lo:
            return None
        # A float column keeps any fraction: money in one is still stored to the cent.
        cents = 2 if col.data_type in ("FLOAT", "DOUBLE") else None
        return DistributionRule(
            type="lognormal",
            parameters={"mean": 3.5, "sigma": 1.0},
            min=lo,
            max=hi,
            decimals=cents,
            reason="positive money amount (lognormal, mostly small"
            + (", to the cent)" if cents else ")"),
        )
    if _SEATS.search(name):
        return rng(100, 75000, "seat count between 100 and 75,000")
    if _COUNT.search(name):
        return rng(1, 10, "small count between 1 and 10")
    if _RATING.search(name):
        return rng(1, 5, "rating between 1 and 5")
    if _AGE.search(name):
        return rng(18, 90, "age between 18 and 90")
    if _RATE.search(name) and not whole:
        return rng(0, 0.3, "rate between 0 and 0.3")
    return None


def _time_rule(col: Column, name: str) -> Rule | None:
    if col.data_type == "TIME":
        return None
    today = dt.date.today()
    if _BIRTH.search(name):
        start, end = dt.date(today.year - 85, 1, 1), dt.date(today.year - 18, 12, 31)
        return DatetimeRule(start=start, end=end, as_of=today, reason="birth date, ages 18-85")
    if _WHEN.search(name):
        # The recent past of the run's today (as_of moves the ends to it): never after it.
        first, last = recent_range(today, timestamp=col.data_type != "DATE")
        what = "date" if col.data_type == "DATE" else "timestamp"
        return DatetimeRule(
            start=first,
            end=last,
            as_of=today,
            reason=f"{what} in the {RECENT_YEARS} years before today",
        )
    return None


def infer_rule(col: Column) -> Rule | None:
    """The rule to give ``col`` (with its ``reason``), or None."""
    name = _norm(col.name)
    if col.data_type == "BOOLEAN":
        if _BOOL.search(name):
            p = 0.3 if name.startswith("like") else 0.5
            return BooleanRule(true_probability=p, reason=f"boolean, true {int(p * 100)}% of rows")
        return None
    if col.data_type in STRING_TYPES:
        return width_rule(col, name) or _string_rule(col, name)
    if col.data_type in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return _number_rule(col, name)
    if col.data_type in TEMPORAL_TYPES:
        return _time_rule(col, name)
    return None


def _key_columns(table: Table) -> set[str]:
    keys = set(table.primary_key) - free_key_columns(table)
    for fk in table.foreign_keys:
        keys.update(fk.columns)
    return keys


def _without_rule(col: Column) -> bool:
    # A UUID column's type is its rule already.
    no_rule = col.rule is None or isinstance(col.rule, AutoRule)
    return no_rule and col.data_type != "UUID"


def _within_check(col: Column, rule: Callable[[Column], Rule | None]) -> Rule | None:
    """A CHECK range keeps the name's rule inside its bounds (``fee >= 0``), if they meet."""
    check = col.rule
    if not isinstance(check, RangeRule) or not (check.reason or "").startswith("CHECK"):
        return None
    found = rule(col)
    # Bounds on both sides say the range fully; a name's distribution still gives the shape.
    both = check.min is not None and check.max is not None
    if not isinstance(found, DistributionRule) and not (isinstance(found, RangeRule) and not both):
        return None
    low = max((x for x in (check.min, found.min) if x is not None), default=None)
    high = min((x for x in (check.max, found.max) if x is not None), default=None)
    if low is not None and high is not None and low > high:
        return None
    update = {"min": low, "max": high, "reason": f"{check.reason}; {found.reason}"}
    if isinstance(found, RangeRule):
        update["as_of"] = None  # moved with the run's today, years could cross the CHECK
    return found.model_copy(update=update)


def infer_rules(
    spec: ExperimentSpec, rule: Callable[[Column], Rule | None] = infer_rule
) -> ExperimentSpec:
    """A copy of ``spec`` with rules inferred for columns that have none."""
    data = spec.model_dump()
    changed = False
    named: dict[int, object] = {}  # the name pass's rule dicts, which coherent_rows may refine
    for t_data, table in zip(data["tables"], spec.tables, strict=True):
        keys = _key_columns(table)
        for c_data, col in zip(t_data["columns"], table.columns, strict=True):
            if col.name in keys:
                if (uuid := key_uuid(col, table)) is not None:
                    c_data["rule"] = uuid.model_dump()
                    changed = True
                continue
            computed = computed_rule(col, table, spec.dialect, data["notes"])
            if computed is not None:
                c_data["rule"] = computed
                changed = True
                continue
            if (elements := named_elements(col, rule)) is not None:
                c_data["rule"] = elements
                changed = True
                continue
            found = None
            if _without_rule(col):
                found = (
                    noun_rule(col, table)
                    or shape_rule(col, table)
                    or rule(col)
                    or comment_rule(col, table, rule)
                )
            if found is not None:
                c_data["rule"] = found.model_dump()
                named[id(c_data["rule"])] = c_data["rule"]
                changed = True
            elif (narrowed := _within_check(col, rule)) is not None:
                c_data["rule"] = narrowed.model_dump()
                changed = True
            if col.default is not None and not col.is_unique:
                fields = {"data_type": col.data_type, "precision": col.precision}
                fields["scale"] = col.scale
                hinted = default_rule(col.default, fields, c_data.get("rule"))
                if hinted is None and _without_rule(col) and c_data.get("rule") is None:
                    hinted = default_expression_rule(col.default, col.data_type)
                if hinted is not None:
                    c_data["rule"] = hinted
                    changed = True
        changed |= apply_orders(t_data, table, data["notes"])
    changed = changed or len(data["notes"]) != len(spec.notes)
    changed = apply_dimension_rules(spec, data) or changed
    changed = coherent_rows(spec, data, named) or changed
    changed = status_times(spec, data) or changed
    if not changed:
        return line_prices(parent_copies(infer_through(fact_rows(infer_arithmetic(spec)))))
    try:
        return line_prices(
            parent_copies(
                infer_through(fact_rows(infer_arithmetic(ExperimentSpec.model_validate(data))))
            )
        )
    except (ValidationError, SpecError) as e:
        # An inferred rule must never make an imported spec unusable: keep the plain one.
        out = spec.model_copy(deep=True)
        out.warnings.append(
            f"rules could not be inferred ({str(e).splitlines()[0]}); "
            "columns keep type-based defaults"
        )
        return out
