"""Rules a column's name gives only with its table's: what a ``name``, ``title`` or ``status``
means depends on what the table holds, and a few business words (cents, milliseconds, payment
methods, device types, flags kept as integers) have values every warehouse user knows.

``track.name`` is the title of a work, ``artist.name`` a person's; ``orders.status`` is an
order's state (placed, shipped, completed ...), ``subscriptions.status`` a subscription's;
``employees.title`` is a job title, ``album.title`` a work's. Each rule carries its reason.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from dwsim_nb.ddl.goods import GoodsRule, bare_name, goods_rule
from dwsim_nb.ddl.widths import type_max
from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.relative import PAST_YEARS
from dwsim_nb.spec.rules import (
    BooleanRule,
    DistributionRule,
    FakerRule,
    PatternRule,
    RangeRule,
    RecordRule,
    UuidRule,
    ValuesRule,
)
from dwsim_nb.spec.types import INTEGER_TYPES, STRING_TYPES

NounRule = (
    FakerRule
    | ValuesRule
    | DistributionRule
    | RecordRule
    | BooleanRule
    | UuidRule
    | RangeRule
    | PatternRule
)

# What a table holds, from the last word of its name (singular or plural).
_WORKS = re.compile(
    r"(^|_)(tracks?|songs?|albums?|films?|movies?|books?|episodes?|playlists?|podcasts?|"
    r"videos?|shows?|series|games?|courses?|records?|titles?)$"
)
_PEOPLE = re.compile(
    r"(^|_)(artists?|authors?|composers?|customers?|users?|members?|employees?|persons?|people|"
    r"players?|students?|teachers?|contacts?|actors?|directors?|drivers?|patients?|staff|"
    r"agents?|reps?|managers?|passengers?|guests?|subscribers?|clients?|owners?|writers?)$"
)
_COMPANIES = re.compile(
    r"(^|_)(compan(y|ies)|suppliers?|vendors?|shippers?|carriers?|manufacturers?|brands?|"
    r"publishers?|labels?|partners?|merchants?|banks?|insurers?|distributors?)$"
)
_BARE_NAME = re.compile(r"^(name|title)$")
# What a shop or a catalogue sells: the table (its last word) and a name of one.
_PRODUCTS = re.compile(r"(^|_)(products?|items?|skus?|goods|merchandise|wares)$")
_PRODUCT_NAME = re.compile(r"^([a-z]{1,3}_)?(product|item|sku)_?name$")
# A person's job, not a work's title: a title column next to a person's name columns.
_PERSON_COLUMNS = re.compile(r"(^|_)(first_?name|last_?name|given_?name|surname|fname|lname)$")
_JOB_TITLE = re.compile(r"^((contact|job|position|employee|person)_)?title$")
_COURTESY = re.compile(r"courtesy|salutation|honorific")
# A bare prefix is a name's (Mr., Dr.) only beside a person's names; ``sku_prefix`` is a code's.
_NAME_PREFIX = re.compile(r"^(name_?)?prefix$")

# Status values by what the table holds: (table pattern, values, weights, what they are).
_STATUSES: list[tuple[re.Pattern[str], list[str], list[float], str]] = [
    (
        re.compile(r"(^|_)(orders?|sales?|purchases?|shipments?|deliver(y|ies)|carts?)$"),
        ["completed", "shipped", "placed", "cancelled", "returned"],
        [0.6, 0.15, 0.12, 0.08, 0.05],
        "an order's state",
    ),
    (
        re.compile(r"(^|_)(payments?|transactions?|charges?|refunds?|transfers?)$"),
        ["completed", "pending", "failed", "refunded"],
        [0.85, 0.07, 0.05, 0.03],
        "a payment's state",
    ),
    (
        re.compile(r"(^|_)(invoices?|bills?)$"),
        ["paid", "open", "overdue", "void"],
        [0.75, 0.15, 0.07, 0.03],
        "an invoice's state",
    ),
    (
        re.compile(r"(^|_)(subscriptions?|memberships?|contracts?|licen[cs]es?|plans?)$"),
        ["active", "canceled", "trialing", "past_due"],
        [0.65, 0.2, 0.1, 0.05],
        "a subscription's state",
    ),
    (
        re.compile(r"(^|_)(tickets?|issues?|cases?|tasks?|incidents?|requests?|bugs?)$"),
        ["closed", "resolved", "open", "in_progress"],
        [0.4, 0.25, 0.2, 0.15],
        "a ticket's state",
    ),
]

_APP_EVENTS = ["page_view", "click", "add_to_cart", "checkout", "purchase", "signup", "login"]
_APP_EVENT_WEIGHTS = [0.5, 0.2, 0.1, 0.05, 0.04, 0.03, 0.08]
# An event's *name* is an action only in a table that tracks visits (a session, page, device or
# user column beside it); elsewhere (a concert, a game) it is the event's own title.
_EVENT_NAME = re.compile(r"(^|_)event_?name$")
_TRACKING = re.compile(
    r"session|url|page|device|browser|user_?id|anonymous|visitor|client_?id|ip_?addr|referr|utm"
)

# Business words whose values are common knowledge: (name pattern, values, weights, what).
_VOCAB: list[tuple[re.Pattern[str], list[str], list[float], str]] = [
    (
        re.compile(r"pay(ment)?_?(method|type|mode|channel)"),
        ["credit_card", "debit_card", "bank_transfer", "paypal", "gift_card"],
        [0.45, 0.2, 0.15, 0.15, 0.05],
        "a payment method",
    ),
    (
        re.compile(r"device(_?(type|category|class))?$"),
        ["desktop", "mobile", "tablet"],
        [0.45, 0.48, 0.07],
        "a device type",
    ),
    (
        re.compile(r"browser(_?name)?$"),
        ["Chrome", "Safari", "Edge", "Firefox", "Samsung Internet", "Opera"],
        [0.63, 0.2, 0.05, 0.05, 0.04, 0.03],
        "a web browser",
    ),
    (
        re.compile(r"(^|_)(os|os_name|operating_system|platform)$"),
        ["Android", "iOS", "Windows", "macOS", "Linux"],
        [0.4, 0.27, 0.2, 0.1, 0.03],
        "an operating system",
    ),
    (
        re.compile(r"(acquisition|marketing|traffic|signup|utm)_?(channel|source|medium)"),
        ["organic_search", "paid_search", "direct", "social", "email", "referral"],
        [0.3, 0.2, 0.2, 0.12, 0.1, 0.08],
        "a marketing channel",
    ),
    (
        re.compile(r"(^|_)event_?type$"),
        _APP_EVENTS,
        _APP_EVENT_WEIGHTS,
        "a web or app event",
    ),
    (
        re.compile(r"(billing|payment|subscription)_?(interval|period|frequency|cycle)"),
        ["month", "year"],
        [0.75, 0.25],
        "a billing interval",
    ),
    (
        re.compile(r"(ship(ping|ment)?|transport|freight)_?mode$"),
        ["TRUCK", "RAIL", "AIR", "SHIP", "MAIL", "COURIER", "EXPRESS"],
        [0.25, 0.15, 0.15, 0.15, 0.15, 0.1, 0.05],
        "a mode of transport",
    ),
    (
        re.compile(r"(ship(ping|ment)?|deliver(y|ies)?)_?(method|service|speed|option)$"),
        ["Standard", "Express", "Next Day", "Economy", "Store Pickup"],
        [0.5, 0.2, 0.1, 0.12, 0.08],
        "a shipping service",
    ),
    (
        re.compile(r"(ship(ping|ment)?|deliver(y|ies)?)_?instruct(ion)?s?$"),
        [
            "None",
            "Deliver in person",
            "Leave at door",
            "Signature required",
            "Call on arrival",
            "Collect on delivery",
        ],
        [0.35, 0.2, 0.2, 0.12, 0.08, 0.05],
        "a delivery instruction",
    ),
    (
        re.compile(r"(^|_)plan(_?(name|tier|type))?$"),
        ["free", "starter", "pro", "enterprise"],
        [0.5, 0.25, 0.2, 0.05],
        "a pricing plan",
    ),
]

# How a product is packed ("24 - 12 oz bottles", "10 boxes x 20 bags"), the usual packs first.
_PACKS = [
    "24 - 12 oz bottles",
    "12 - 500 g pkgs",
    "10 boxes x 20 bags",
    "48 - 6 oz jars",
    "1 kg pkg",
    "24 - 250 g pkgs",
    "12 - 1 lb cans",
    "6 - 500 ml bottles",
    "20 - 1 kg tins",
    "36 boxes",
    "16 - 2 kg boxes",
    "100 - 100 g pieces",
    "12 - 8 oz jars",
    "5 kg pkg",
    "1 case x 12 units",
]
_PACK = re.compile(
    r"(quantity|qty|units?)_?per_?(unit|pack(age)?|case|box|carton)|pack(age)?_?(size|desc)|"
    r"case_?pack|pack_?(qty|quantity)"
)
# A table of kinds, types or categories: its bare ``name`` is a short label, not a person's.
_KIND_TABLE = re.compile(
    r"(^|_)(types?|kinds?|class(es)?|formats?|modes?|levels?|tiers?|grades?|styles?|"
    r"categor(y|ies)|genres?|groups?|classifications?)$"
)
_LABELS = [
    "Standard",
    "Premium",
    "Basic",
    "Digital",
    "Classic",
    "Special",
    "Express",
    "Economy",
    "Deluxe",
    "Custom",
]
_PERSONAL = re.compile(r"(^|_)(first_?name|last_?name|surname|e_?mail|birth|dob|gender|phone)")

# Flags kept as integers or booleans: a rare state (few rows) or a usual one (most rows).
_RARE_STATE = re.compile(
    r"^(is_|has_been_|was_)?(discontinued|deleted|archived|cancell?ed|disabled|blocked|banned|"
    r"suspended|expired|churned|fraud(ulent)?|test|spam|flagged)$"
)
_USUAL_STATE = re.compile(
    r"^(is_)?(active|enabled|verified|visible|published|available|valid|confirmed|subscribed)$"
)
_INT_BOOL = re.compile(r"^(is|has|can|should|was)_")
_STOCK = re.compile(
    r"in_?stock|on_?hand|(^|_)stock(_?(qty|quantity|level|count|units))?$|inventory"
)
_REORDER = re.compile(r"reorder|safety_?stock|min(imum)?_?stock|par_?level|on_?order|backorder")
_CREATOR = re.compile(
    r"(^|_)(composer|author|artist|director|writer|singer|performer|actor|narrator|"
    r"photographer|designer|illustrator|editor|presenter|host)(_?name)?$"
)
# Things that have a model year: a bare ``year`` of one is the year it was made.
_MADE_THINGS = re.compile(
    r"(^|_)(trucks?|cars?|vehicles?|bus(es)?|vans?|bikes?|bicycles?|motorcycles?|tractors?|"
    r"aircrafts?|planes?|boats?|ships?|vessels?|machines?|machinery|equipment|fleets?)$"
)
_MODEL_YEAR = re.compile(r"^(model_?)?(year|yr)$")
_STATE_NAME = re.compile(r"^state_?name$")
_STATE_ABBR = re.compile(r"^state_?(abbr|abbrev|abbreviation|code)$")
# Common job titles, the usual ones first (a person's title in a table of people).
_JOBS = [
    ("Sales Representative", 0.3),
    ("Sales Manager", 0.08),
    ("Account Manager", 0.08),
    ("Customer Service Representative", 0.08),
    ("Marketing Manager", 0.05),
    ("Software Engineer", 0.06),
    ("Accountant", 0.05),
    ("Owner", 0.06),
    ("Purchasing Manager", 0.04),
    ("Operations Manager", 0.04),
    ("Office Manager", 0.03),
    ("Data Analyst", 0.03),
    ("Product Manager", 0.03),
    ("Marketing Assistant", 0.03),
    ("Sales Associate", 0.02),
    ("Vice President, Sales", 0.01),
    ("Chief Executive Officer", 0.01),
]

_CENTS = re.compile(r"(^|_)cents?($|_)")
_MILLIS = re.compile(r"(^|_)(milliseconds|millis|msecs?|ms)$|_ms_|^ms_")
_LATENCY = re.compile(r"latency|response|load|elapsed|wait|ttfb|render|query|request")
_BYTES = re.compile(r"(^|_)bytes$|^bytes_|file_?size|size_?(in_)?bytes|(^|_)size_b$")
_UUID_ID = re.compile(r"(^|_)(id|key)$")  # uuid and guid: the name rules' faker uuid4
_UUID_KEY = re.compile(r"(^|_)(id|key|uuid|guid)$")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _values(col: Column, values: list[str], weights: list[float], why: str) -> ValuesRule | None:
    limit = col.varchar_length or 10**6
    kept = [(v, w) for v, w in zip(values, weights, strict=True) if len(v) <= limit]
    if not kept:
        return None
    return ValuesRule(
        values=[v for v, _ in kept],
        weights=[w for _, w in kept],
        reason=f"one of {len(kept)} values ({why})",
    )


def _lognormal(col: Column, median: float, sigma: float, lo: float, why: str) -> DistributionRule:
    hi = min(median * math.exp(4 * sigma), type_max(col))
    return DistributionRule(
        type="lognormal",
        parameters={"mean": round(math.log(median), 3), "sigma": sigma},
        min=lo,
        max=hi,
        reason=why,
    )


def _range(col: Column, lo: int, hi: int, why: str) -> RangeRule | None:
    top = min(hi, type_max(col))
    return RangeRule(min=lo, max=top, reason=why) if top >= lo else None


def _string_noun_rule(col: Column, table: Table, name: str, noun: str) -> NounRule | None:
    if _BARE_NAME.search(name) and _WORKS.search(noun) and (col.varchar_length or 99) >= 8:
        why = f"title of a work (the {name} of a row of '{table.name}')"
        return RecordRule(record="title", field="title", reason=why)
    if (_PRODUCT_NAME.search(name) or (name == "name" and _PRODUCTS.search(noun))) and (
        col.varchar_length or 99
    ) >= 16:
        why = f"a product's name (the {name} of a row of '{table.name}')"
        return RecordRule(record="product", field="product", reason=why)
    if name == "name" and _COMPANIES.search(noun) and (col.varchar_length or 99) >= 6:
        return FakerRule(provider="company", reason=f"faker company (a name in '{table.name}')")
    if _PACK.search(name) and not col.is_unique:
        return _values(col, _PACKS, [1.0] * len(_PACKS), "how a product is packed")
    if name == "name" and not col.is_unique and (kind := _kind_label(table, noun)) is not None:
        labels = [f"{label} {kind}".strip() for label in _LABELS]
        return _values(col, labels, [1.0] * len(labels), f"a label of a kind in '{table.name}'")
    if _CREATOR.search(name) and (col.varchar_length or 99) >= 8:
        return FakerRule(provider="name", reason="faker name (a person who made a work)")
    if _STATE_NAME.search(name):
        return FakerRule(provider="state", reason="faker state (a state's name)")
    if _STATE_ABBR.search(name):
        return FakerRule(provider="state_abbr", reason="faker state_abbr (a state's code)")
    person = any(_PERSON_COLUMNS.search(_norm(c.name)) for c in table.columns)
    if _COURTESY.search(name) or (_NAME_PREFIX.search(name) and person):
        return _values(col, ["Mr.", "Ms.", "Mrs.", "Dr."], [0.45, 0.35, 0.15, 0.05], "a courtesy")
    if _JOB_TITLE.search(name) and (person or name != "title" or _PEOPLE.search(noun)):
        jobs, weights = [j for j, _ in _JOBS], [w for _, w in _JOBS]
        return _values(col, jobs, weights, "a person's job title")
    if re.search(r"(^|_)status$", name) and not col.is_unique:
        for pattern, values, weights, why in _STATUSES:
            if pattern.search(noun):
                return _values(col, values, weights, why)
    if _UUID_ID.search(name) and (col.varchar_length or 0) in (36, 38, 40):
        return UuidRule(reason=f"a UUID (an id of {col.varchar_length} characters)")
    if (
        _EVENT_NAME.search(name)
        and not col.is_unique
        and any(_TRACKING.search(_norm(c.name)) for c in table.columns)
    ):
        why = "a web or app event (the table tracks sessions, pages or users)"
        return _values(col, _APP_EVENTS, _APP_EVENT_WEIGHTS, why)
    for pattern, values, weights, why in _VOCAB:
        if pattern.search(name) and not col.is_unique:
            return _values(col, values, weights, why)
    return None


def _kind_label(table: Table, noun: str) -> str | None:
    """The word a label of the table's kinds ends with (``media_type`` -> "Media", ``types``
    -> ""), or None when the table is no table of kinds or describes people."""
    m = _KIND_TABLE.search(noun)
    if m is None or any(_PERSONAL.search(_norm(c.name)) for c in table.columns):
        return None
    head = noun[: m.start()].strip("_").split("_")[-1]
    return head.title() if head and len(head) <= 12 else ""


def _number_noun_rule(col: Column, table: Table, name: str) -> NounRule | None:
    whole = col.data_type in INTEGER_TYPES or (col.data_type == "DECIMAL" and not col.scale)
    said = (col.comment or "").lower()
    if whole and (_RARE_STATE.search(name) or _USUAL_STATE.search(name) or _INT_BOOL.search(name)):
        if _RARE_STATE.search(name):
            return ValuesRule(values=[0, 1], weights=[0.9, 0.1], reason="0 or 1, 1 in 10% (a flag)")
        if _USUAL_STATE.search(name):
            return ValuesRule(
                values=[1, 0], weights=[0.85, 0.15], reason="1 or 0, 1 in 85% (a flag)"
            )
        return ValuesRule(values=[0, 1], reason="0 or 1 (a flag)")
    if not whole and re.fullmatch(r"discount(_?rate)?", name):
        steps = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25]
        why = "a discount fraction: none on most rows, else 5% to 25% in steps of 5"
        return ValuesRule(values=steps, weights=[0.55, 0.12, 0.12, 0.08, 0.08, 0.05], reason=why)
    if whole and _MODEL_YEAR.search(name) and _MADE_THINGS.search(_norm(table.name)):
        today = dt.date.today()
        top = min(today.year, type_max(col))
        if top >= today.year - PAST_YEARS:
            why = f"a model year in the {PAST_YEARS} years before today (a year of a made thing)"
            as_of = today if top == today.year else None
            return RangeRule(min=today.year - PAST_YEARS, max=top, as_of=as_of, reason=why)
    if whole and _STOCK.search(name):
        return _range(col, 0, 150, "units in stock, 0 to 150")
    if whole and _REORDER.search(name):
        return _range(col, 0, 30, "a reorder or on-order level, 0 to 30")
    if whole and (_CENTS.search(name) or re.search(r"\bcents?\b", said)):
        why = "money in cents (lognormal, mostly small)"
        return _lognormal(col, 3300, 1.0, 1, why)
    if _MILLIS.search(name) or re.search(r"\bmilli ?seconds?\b", said):
        if _LATENCY.search(name):
            return _lognormal(col, 150, 0.8, 1, "a latency in milliseconds (median 150 ms)")
        return _lognormal(col, 240_000, 0.5, 1000, "a duration in milliseconds (median 4 min)")
    if _BYTES.search(name):
        return _lognormal(col, 4_000_000, 1.0, 1, "a size in bytes (median 4 MB)")
    return None


def key_uuid(col: Column, table: Table) -> UuidRule | None:
    """A UUID for a primary key of text 36 characters wide named as an id (no foreign key)."""
    if (
        any(col.name in fk.columns for fk in table.foreign_keys)
        or col.data_type not in STRING_TYPES
    ):
        return None
    if not col.is_unique or not _UUID_KEY.search(_norm(col.name)):
        return None
    if col.varchar_length in (36, 38, 40) and (col.rule is None or col.rule.kind == "auto"):
        return UuidRule(reason=f"a UUID (an id of {col.varchar_length} characters)")
    return None


def entity_table(name: str) -> bool:
    """Whether a table's name says it holds people, works or products (many rows each)."""
    noun = _norm(name)
    return bool(_PEOPLE.search(noun) or _WORKS.search(noun) or _PRODUCTS.search(noun))


def noun_rule(col: Column, table: Table) -> NounRule | None:
    """The rule ``col``'s name gives with ``table``'s (and its comment's unit), or None. A text
    column's name is read without the table's short prefix (``s_name`` in ``supplier`` is a
    ``name``); a number's keeps it (``l_discount`` is no bare ``discount``)."""
    name = _norm(col.name)
    noun = _norm(table.name)
    if col.data_type == "BOOLEAN":
        if _RARE_STATE.search(name):
            return BooleanRule(true_probability=0.1, reason="boolean, true in 10% (a rare state)")
        if _USUAL_STATE.search(name):
            return BooleanRule(true_probability=0.85, reason="boolean, true in 85% (a usual state)")
        return None
    goods: GoodsRule | None = goods_rule(col, table)
    if goods is not None:
        return goods
    if col.data_type in STRING_TYPES:
        return _string_noun_rule(col, table, bare_name(col, table), noun)
    if col.data_type in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return _number_noun_rule(col, table, name)
    return None
