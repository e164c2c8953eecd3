"""Columns of a table that describe one person, address or company become one record group.

``first_name``, ``last_name`` and ``email`` drawn apart give "Mary Smith, kevin.jones@..."; as a
group (``RecordRule``s with the same ``record`` and ``group``) one record fills them all, and a
courtesy title (``title_of_courtesy``, ``salutation``) and a gender (``gender``, ``sex``: F or
M) take the first name's gender. Roles
come from name endings (``first_name``/``fname``/``c_first``, ``city``, ``zip``/``postal_code``
...); a qualifier before the role (``billing_city``, ``shipping_city``) makes a group of its own
when a role repeats, otherwise every role of a record in the table is one group (``customer_name``
beside ``email``). Only columns without a rule or with the name's guess take part; a rule the user
or a DDL hint gave stays.

A qualifier may be glued to the role (``venuecity`` in table ``venue``, ``shipcity``,
``VENUESTATE``) when it is the table's own name or a role word (ship, bill, home, work ...); the
table's own name as a qualifier is no qualifier at all (``venue_city`` in ``venue``). Two or
more qualifiers with two address parts each (``ship_*`` and ``bill_*``, ``store_*`` and
``customer_*``) make one address per qualifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from dwsim_nb.spec.models import Table
from dwsim_nb.spec.types import STRING_TYPES

# (record, field, name ending, shortest width that can hold a typical value); first match wins.
_ROLES: list[tuple[str, str, str, int]] = [
    ("person", "email", r"e_?mail(_?addr(ess)?)?", 12),
    ("person", "username", r"user_?name|login(_?name)?|handle|nick_?name|screen_?name", 4),
    (
        "person",
        "courtesy",
        r"title_?of_?courtesy|courtesy(_?title)?|salutation|honorific|name_?prefix|prefix",
        4,
    ),
    ("person", "gender", r"gender|sex", 1),
    ("person", "first_name", r"first_?name|fname|given_?name|fore_?name|first", 3),
    ("person", "last_name", r"last_?name|lname|surname|family_?name|last", 3),
    ("company", "company", r"company(_?name)?|employer|organi[sz]ation(_?name)?|business_?name", 6),
    ("company", "website", r"web_?site|home_?page|url|web", 12),
    ("company", "domain", r"domain(_?name)?", 8),
    ("person", "name", r"full_?name|display_?name|name", 8),
    ("address", "secondary", r"(address|addr|street)(_?line)?_?2|apartment|suite", 4),
    ("address", "street", r"street(_?address)?|(address|addr)(_?line)?(_?1)?", 12),
    ("address", "city", r"city(_?name)?|town", 4),
    ("address", "state_abbr", r"state_?(code|abbr)|st", 2),
    ("address", "state", r"state(_?name)?|province|district", 2),
    ("address", "postcode", r"zip(_?code)?|postal(_?code)?|post_?code|zip5", 5),
    ("address", "country_code", r"country_?(code|iso(_?code)?)", 2),
    ("address", "country", r"country(_?name)?", 2),
    ("address", "phone", r"phone(_?(number|no|num))?|mobile|cell(_?phone)?|tel(ephone)?|fax", 10),
]
_ENDINGS = [(rec, field, re.compile(rf"(^|_)({pat})$"), w) for rec, field, pat, w in _ROLES]
_WHOLE = [(rec, field, re.compile(rf"_?({pat})"), w) for rec, field, pat, w in _ROLES]
# Qualifiers that may be glued to a role with no separator (``shipcity``, ``billingzip``).
_GLUED_ROLES = re.compile(
    r"ship(ping)?(_?to)?|bill(ing)?(_?to)?|home|work|office|mail(ing)?|business|delivery|pickup|"
    r"dropoff|origin|dest(ination)?|residence|permanent|current|legal"
)
# Never a postal or person field, whatever the ending: an IP, a MAC, a wallet address ...
_NOT_A_ROLE = re.compile(r"(^|_)(ip|mac|wallet|web|url|file|host|server)_")
# A URL of a file (``logo_url``, ``photo_link``, ``invoice_url``) is no company's web site.
_A_FILE = re.compile(
    r"(photo|image|img|picture|pic|avatar|thumb(nail)?|logo|icon|banner|cover|poster|video|"
    r"audio|document|doc|attachment|resume|cv|invoice|receipt|contract|file|download)s?$"
)
# Whose name ``name`` is when the table says it is a business, not a person.
_BUSINESS = re.compile(
    r"compan|supplier|vendor|manufacturer|brand|publisher|organi[sz]ation|business|merchant|"
    r"partner|carrier|agency|employer|firm"
)
# Whose ``name`` is a person's: ``customer_name``, ``billing_name``, ``c_name`` ...
_PERSON = re.compile(
    r"^(cust(omer)?|contact|person|employee|emp|user|member|client|student|patient|author|guest|"
    r"buyer|seller|owner|passenger|driver|recipient|sender|billing|shipping|bill_to|ship_to|"
    r"holder|account_holder|manager|agent|staff|rep|full|display|legal|primary|secondary)$"
)
# A group forms around one of these (a phone and an e-mail alone are not a record).
_CORE = {
    "person": {"first_name", "last_name", "name"},
    "address": {"street", "city", "postcode", "state", "state_abbr", "country", "country_code"},
    "company": {"company"},
}


def split_name(name: str) -> str:
    """A column or table name in lower-case words joined by ``_``: ``shipToCity`` ->
    ``ship_to_city``, ``VENUE CITY`` -> ``venue_city`` (all-capital names stay one word)."""
    if any(ch.islower() for ch in name) and any(ch.isupper() for ch in name):
        name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
        name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def table_words(table: Table) -> set[str]:
    """What the table calls itself: its name, the name's last word, and both without a plural
    ending (``dim_venues`` -> ``dim_venues``, ``venues``, ``venue`` ...)."""
    name = split_name(table.name)
    out = set()
    for word in (name, name.rsplit("_", 1)[-1]):
        out.update({word, word.replace("_", "")})
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
        elif word.endswith(("ses", "xes", "ches", "shes")):
            out.add(word[:-2])
        elif word.endswith("s") and not word.endswith("ss"):
            out.add(word[:-1])
    return {w for w in out if len(w) >= 3}


def _match(name: str, own: set[str]) -> tuple[str, str, str, int] | None:
    """(record, field, qualifier, shortest width) of the role a name ends with."""
    for record, field, whole, shortest in _WHOLE:
        # A place's name is the place, not a person's name: state_name, country_name.
        if record == "address" and whole.fullmatch(name):
            return record, field, "", shortest
    for record, field, ending, shortest in _ENDINGS:
        m = ending.search(name)
        if m is not None:
            return record, field, name[: m.start()].strip("_"), shortest
    glued = sorted(own, key=len, reverse=True)
    if (role := _GLUED_ROLES.match(name)) is not None:
        glued.append(role.group(0))
    for prefix in glued:
        rest = name[len(prefix) :]
        if name.startswith(prefix) and len(rest.strip("_")) >= 3:
            for record, field, whole, shortest in _WHOLE:
                if whole.fullmatch(rest):
                    return record, field, prefix, shortest
    return None


def column_role(table: Table, name: str, width: int | None) -> tuple[str, str, str] | None:
    """(record, field, qualifier before the role) of a column name, or None."""
    if _NOT_A_ROLE.search(name):
        return None
    own = table_words(table)
    found = _match(name, own)
    if found is None:
        return None
    record, field, prefix, shortest = found
    if width is not None and width < shortest:
        return None
    if field == "name":
        own_name = not prefix or prefix == table_prefix(table)  # s_name in supplier: its own
        if _BUSINESS.search(prefix) or (own_name and _BUSINESS.search(table.name.lower())):
            record, field = "company", "company"
        elif prefix and not _PERSON.search(prefix) and prefix != table_prefix(table):
            return None  # product_name, city_name, venue_name: not a person
    if field == "website" and _A_FILE.search(prefix):
        return None
    if (
        field == "courtesy"
        and prefix
        and not _PERSON.search(prefix)
        and prefix not in own
        and prefix != table_prefix(table)
    ):
        return None  # a code's prefix (sku_prefix, phone_prefix), not a person's title
    if field == "state" and width is not None and width <= 3:
        field = "state_abbr"
    if field == "country" and width is not None and width <= 3:
        field = "country_code"
    return record, field, "" if prefix in own else prefix


def table_prefix(table: Table) -> str | None:
    """A short prefix most columns share (TPC-style ``c_``, ``ca_``): the table's, no qualifier."""
    heads = [c.name.lower().split("_", 1)[0] for c in table.columns if "_" in c.name]
    for head in set(heads):
        if len(head) <= 3 and heads.count(head) * 2 >= len(table.columns):
            return head
    return None


def record_groups(
    table: Table, norm: Callable[[str], str], usable: Callable[[str], bool]
) -> dict[str, dict[str, Any]]:
    """Rule dicts (``kind: record``) for the table's columns that form groups, by column name.

    ``usable(name)`` says whether a column may take an inferred rule (no rule of the user's or a
    DDL hint's, not a key).
    """
    own = table_prefix(table)
    found: list[tuple[str, str, str, str]] = []  # (column, record, field, qualifier)
    for col in table.columns:
        if col.data_type not in STRING_TYPES or not usable(col.name):
            continue
        width = col.varchar_length if col.varchar_length and col.varchar_length > 0 else None
        role = column_role(table, norm(col.name), width)
        if role is not None:
            prefix = "" if role[2] == own else role[2]
            found.append((col.name, role[0], role[1], prefix))
    out: dict[str, dict[str, Any]] = {}
    for record in ("person", "address", "company"):
        mine = _lone_phones_join(f for f in found if f[1] == record)
        fields = [f[2] for f in mine]
        # Qualifiers split groups where a role repeats (billing_city and shipping_city), and
        # addresses also where two qualifiers have two parts each (ship_city, ship_state and
        # bill_street, bill_zip; not primary_city beside iso_country_code).
        quals = [f[3] for f in mine if f[3]]
        places = {q for q in quals if quals.count(q) > 1}
        split = len(set(fields)) < len(fields) or (record == "address" and len(places) > 1)
        groups: dict[str, list[tuple[str, str, str, str]]] = {}
        for f in mine:
            groups.setdefault(f[3] if split else "", []).append(f)
        for group, members in groups.items():
            seen: dict[str, str] = {}
            for column, _, field, _ in members:
                if field == "phone" and "phone" in seen:
                    field = "phone_alt"  # a fax or mobile beside the phone: the same line's shape
                seen.setdefault(field, column)  # one column per field; a repeat keeps its rule
            # A company's mailbox counts: an e-mail beside it and no person's name is its own.
            mailbox = record == "company" and any(
                f[2] == "email" and f[0] not in out for f in found if f[1] == "person"
            )
            if len(seen) + mailbox < 2 or not (set(seen) & _CORE[record]):
                continue
            for field, column in seen.items():
                others = ", ".join(c for f, c in seen.items() if f != field)
                reason = f"name: one {record} with {others}"
                if field == "phone_alt":
                    reason += f"; a second number in the shape and area code of {seen['phone']}"
                if field == "courtesy" and ("first_name" in seen or "name" in seen):
                    first = seen.get("first_name") or seen["name"]
                    reason += f"; the title agrees with the gender of the first name in {first}"
                if field == "gender" and ("first_name" in seen or "name" in seen):
                    first = seen.get("first_name") or seen["name"]
                    reason += f"; F or M as the first name in {first} is a woman's or a man's"
                out[column] = {
                    "kind": "record",
                    "record": record,
                    "field": field,
                    "group": group,
                    "reason": reason,
                }
    _company_mail(table, found, out)
    return out


def _lone_phones_join(
    members: Iterable[tuple[str, str, str, str]],
) -> list[tuple[str, str, str, str]]:
    """An address's members, a phone whose qualifier names nothing else (``home_phone``,
    ``work_phone`` beside ``street``) counted as the address's own phone."""
    mine = list(members)
    others = {q for _, _, field, q in mine if field != "phone"}
    return [
        (c, r, field, "" if field == "phone" and q not in others else q) for c, r, field, q in mine
    ]


def _company_mail(
    table: Table, found: list[tuple[str, str, str, str]], out: dict[str, dict[str, Any]]
) -> None:
    """An e-mail beside a company and no person's name is the company's (info@its-domain)."""
    companies = [c for c, r in out.items() if r["record"] == "company"]
    if not companies:
        return
    for column, record, field, _ in found:
        if record == "person" and field == "email" and column not in out:
            group = out[companies[0]]["group"]
            out[column] = {
                "kind": "record",
                "record": "company",
                "field": "email",
                "group": group,
                "reason": f"name: the mailbox of {companies[0]}",
            }
