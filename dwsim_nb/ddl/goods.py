"""Rules for goods and the people and numbers around them, from a column's name and its table's.

A catalogue's columns read as words of their trade: a part's or product's ``name`` is a
product's name, ``manufacturer`` / ``mfgr`` a manufacturer, ``brand`` a brand, ``container`` /
``package_type`` a packaging ("SM BOX", "JUMBO JAR"), its ``type`` a finish and material, its
``size`` a small number. Around an order, a ``clerk`` / ``cashier`` / ``salesperson`` is a
person (or, in a narrow column, an employee's code "Clerk-000000123"), an integer priority is
small, a quantity is a whole number of units even when typed DECIMAL, a tax rate a few percent,
and a customer's (market) segment a segment of customers, not a product category.

The name is read without its table's short prefix (``p_`` in a table ``part`` whose columns all
start with it), so prefixed and plain schemas get the same rules. Each rule carries its reason.
"""

from __future__ import annotations

import re

from dwsim_nb.ddl.groups import table_prefix
from dwsim_nb.ddl.widths import type_max
from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.rules import FakerRule, PatternRule, RecordRule, ValuesRule
from dwsim_nb.spec.types import INTEGER_TYPES, STRING_TYPES

GoodsRule = FakerRule | PatternRule | RecordRule | ValuesRule

# A table of things made, stocked or sold, by the last word of its name.
GOODS = re.compile(
    r"(^|_)(parts?|components?|spare_?parts?|products?|items?|skus?|goods|merchandise|wares)$"
)
# Of those, things made to be assembled (a type is then a finish and a material).
_PARTS = re.compile(r"(^|_)(parts?|components?|spare_?parts?|materials?)$")
# Tables of customers (whose segment is a segment of customers).
_CUSTOMERS = re.compile(
    r"(^|_)(customers?|clients?|accounts?|buyers?|consumers?|shoppers?|companies|company|"
    r"organi[sz]ations?|prospects?|leads?)$"
)
# Prefixes that are words of a name, never a table's abbreviation (``is_active``).
_NOT_PREFIX = {"is", "has", "was", "can", "no", "id", "dw", "etl", "src", "tmp", "min", "max"}

_PART_NAME = re.compile(r"(spare_?)?(part|component)_?name")
_MANUFACTURER = re.compile(r"(^|_)(manufacturer|manufactured_by|mfgr|mfr|mfg|maker)(_?name)?$")
_BRAND = re.compile(r"(^|_)brand(_?name)?$")
_CONTAINER = re.compile(
    r"(^|_)(container(_?type)?|packag(e|ing)(_?type)?|pack_?type|packing(_?type)?)$"
)
# A person who serves or sells; an agent only by name (a bare ``agent`` may be a browser's).
_CLERK = re.compile(
    r"(^|_)(?P<role>clerk|cashier|teller|sales_?person|sales_?rep|salesman|saleswoman|"
    r"sales_?agent|attendant|agent(?=_?name$))(_?name)?$"
)
_PRIORITY = re.compile(r"priority$|(^|_)prio$")
_QUANTITY = re.compile(
    r"(^|_)(quantity|qty)(_?(ordered|sold|shipped|received|returned|purchased|requested))?$"
)
_TAX_RATE = re.compile(r"^((sales|line|item)_)?(tax|vat|gst)(_?rate)?$")
_SEGMENT = re.compile(r"(^|_)(market_?|mkt_?|customer_?|cust_?|client_?|business_?)?segment$")

# Invented names, as a catalogue has a few dozen of each: no real company's.
_MANUFACTURERS = [
    "Acme Manufacturing",
    "Northfield Industries",
    "Apex Components",
    "Summit Tool Works",
    "Keystone Fabrication",
    "Ridgeway Products",
    "Harbor Machine Co.",
    "Pioneer Metalworks",
    "Bluewater Industries",
    "Granite Manufacturing",
    "Crestline Engineering",
    "Ironwood Fabricators",
    "Kestrel Mfg",
    "Orbit Works",
    "Delta Tool",
]
_BRANDS = [
    "Everline",
    "Nova",
    "Apex",
    "Zenith",
    "Vertex",
    "Summit",
    "Orion",
    "Crest",
    "Nimbus",
    "Pinnacle",
    "Horizon",
    "Polaris",
    "Keystone",
    "Redwood",
    "Bluebird",
    "Ironclad",
    "Brightway",
    "Northstar",
    "Lumen",
    "Terra",
    "Aurora",
    "Cobalt",
    "Maple & Co",
    "Evergreen Home",
    "Harbor Essentials",
]
_CONTAINER_SIZES = ["SM", "MED", "LG", "JUMBO", "WRAP"]
_CONTAINER_KINDS = ["BOX", "CASE", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM", "TUBE", "BOTTLE"]
_GRADES = ["Standard", "Economy", "Premium", "Industrial", "Heavy-Duty", "Light"]
_FINISHES = ["Polished", "Brushed", "Anodized", "Plated", "Galvanized", "Painted", "Burnished"]
_MATERIALS = ["Steel", "Brass", "Copper", "Aluminum", "Nickel", "Tin", "Zinc", "Titanium"]
_SEGMENTS = ["Consumer", "Small Business", "Corporate", "Enterprise", "Government", "Home Office"]
_SEGMENT_WEIGHTS = [0.4, 0.2, 0.18, 0.1, 0.07, 0.05]
_INDUSTRIES = [
    "Automobile",
    "Building",
    "Furniture",
    "Household",
    "Machinery",
    "Retail",
    "Healthcare",
    "Finance",
    "Energy",
    "Technology",
]
_TAX_RATES = [0.0, 0.02, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1]
_TAX_WEIGHTS = [0.15, 0.1, 0.1, 0.15, 0.15, 0.15, 0.15, 0.05]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def bare_name(col: Column, table: Table) -> str:
    """The column's name in lower-case words without its table's short prefix: ``p_name`` in a
    table ``part`` whose columns start with ``p_`` is ``name``; ``is_active`` stays itself."""
    name = _norm(col.name)
    prefix = table_prefix(table)
    if prefix is None or prefix in _NOT_PREFIX or not name.startswith(prefix + "_"):
        return name
    initials = {w[0] for w in _norm(table.name).split("_") if w}
    rest = name[len(prefix) + 1 :]
    return rest if prefix[0] in initials and rest else name


def _values(
    col: Column, values: list[str], weights: list[float] | None, why: str
) -> ValuesRule | None:
    """The values that fit the column's width (None when fewer than two do)."""
    limit = col.varchar_length or 10**6
    kept = [(v, w) for v, w in zip(values, weights or [1.0] * len(values), strict=True)]
    kept = [(v, w) for v, w in kept if len(v) <= limit]
    if len(kept) < 2:
        return None
    return ValuesRule(
        values=[v for v, _ in kept],
        weights=[w for _, w in kept] if weights else None,
        reason=f"one of {len(kept)} values ({why})",
    )


def _falling(n: int) -> list[float]:
    """Weights falling by rank: a few of a catalogue's makers and brands are most of it."""
    return [round(1.0 / (i + 1) ** 0.7, 4) for i in range(n)]


def _clerk(col: Column, role: str) -> FakerRule | PatternRule | None:
    """A person's name where one fits, else an employee's code of the column's width."""
    width = col.varchar_length
    who = role.replace("_", " ")
    article = "an" if who[0] in "aeiou" else "a"
    if width is None or width >= 20:
        return FakerRule(provider="name", reason=f"faker name ({article} {who} is a person)")
    word = role.replace("_", " ").title().replace(" ", "")
    head = f"{word}-"  # a pattern's "#" is a digit
    digits = width - len(head)
    if digits < 3:
        return None
    pattern = head + "0" * (digits - 3) + "###"
    return PatternRule(
        pattern=pattern,
        reason=f"{article} {who}'s employee code like {head}{'0' * (digits - 3)}123",
    )


def _segment(col: Column, name: str, noun: str) -> ValuesRule | None:
    """A market segment is the industry a customer is in; a customer's segment its size or kind
    (only where the name or the table says the segment is a customer's)."""
    m = _SEGMENT.search(name)
    if m is None or not (m.group(2) or _CUSTOMERS.search(noun)):
        return None
    if re.search(r"market|mkt", name):
        return _values(col, _INDUSTRIES, None, "an industry, a market segment of customers")
    return _values(col, _SEGMENTS, _SEGMENT_WEIGHTS, "a segment of customers")


def _part_type(col: Column) -> ValuesRule | None:
    kinds = [f"{g} {f} {m}" for g in _GRADES for f in _FINISHES for m in _MATERIALS]
    why = "a part's grade, finish and material"
    found = _values(col, kinds, None, why)
    if found is None:
        kinds = [f"{f} {m}" for f in _FINISHES for m in _MATERIALS]
        found = _values(col, kinds, None, "a part's finish and material")
    return found


def _string_rule(col: Column, name: str, noun: str, table: Table) -> GoodsRule | None:
    named = _PART_NAME.fullmatch(name) or (name == "name" and GOODS.search(noun))
    if named and (col.varchar_length or 99) >= 16:
        why = f"a product's name (the {col.name} of a row of '{table.name}')"
        return RecordRule(record="product", field="product", reason=why)
    if col.is_unique:
        return None
    if _MANUFACTURER.search(name):
        return _values(col, _MANUFACTURERS, _falling(len(_MANUFACTURERS)), "a manufacturer")
    if _BRAND.search(name) and not re.search(r"(^|_)brands?$", noun):
        return _values(col, _BRANDS, _falling(len(_BRANDS)), "a brand")
    if _CONTAINER.search(name):
        packs = [f"{s} {k}" for s in _CONTAINER_SIZES for k in _CONTAINER_KINDS]
        return _values(col, packs, None, "a size and kind of packaging")
    if _PARTS.search(noun) and re.fullmatch(r"((part|component)_?)?type", name):
        return _part_type(col)
    if (m := _CLERK.search(name)) is not None and not name.startswith("user_"):
        return _clerk(col, m.group("role"))
    return _segment(col, name, noun)


def _whole(col: Column, low: int, high: int, why: str) -> ValuesRule | None:
    """The whole numbers ``low`` to ``high`` the column's type holds (None for fewer than 2)."""
    top = int(min(type_max(col), high))
    if top <= low:
        return None
    return ValuesRule(values=list(range(low, top + 1)), reason=why.format(top=top))


def _number_rule(col: Column, name: str, noun: str) -> ValuesRule | None:
    integer = col.data_type in INTEGER_TYPES or (col.data_type == "DECIMAL" and not col.scale)
    if integer and _PRIORITY.search(name):
        why = "a priority: a small whole number, 0 the most common"
        weights = [0.4, 0.2, 0.15, 0.1, 0.1, 0.05]
        return ValuesRule(values=[0, 1, 2, 3, 4, 5], weights=weights, reason=why)
    if integer and name == "size" and GOODS.search(noun):
        return _whole(col, 1, 50, "a size of a part or product, 1 to {top}")
    if col.data_type == "DECIMAL" and col.scale and _QUANTITY.search(name):
        why = "a quantity: whole units 1 to {top} (in a DECIMAL, with zero decimals)"
        return _whole(col, 1, 50, why)
    if not integer and _TAX_RATE.search(name):
        why = "a tax rate: a few percent, 0 to 10%"
        return ValuesRule(values=list(_TAX_RATES), weights=list(_TAX_WEIGHTS), reason=why)
    return None


def goods_rule(col: Column, table: Table) -> GoodsRule | None:
    """The rule ``col``'s name (without its table's prefix) gives with ``table``'s, or None."""
    name = bare_name(col, table)
    noun = _norm(table.name)
    if col.data_type in STRING_TYPES:
        return _string_rule(col, name, noun, table)
    if col.data_type in ("SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"):
        return _number_rule(col, name, noun)
    return None
