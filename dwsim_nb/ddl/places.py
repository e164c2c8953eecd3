"""The name of a place takes names of its kind: ``venuename`` in table ``venue`` is "Riverside
Arena", ``s_store_name`` is "Maplewood Market", ``hotel_name`` is "Harbor Inn".

The kind comes from a word: the column's prefix (``hotel_name`` in ``bookings``, ``venuename``)
or, for a plain ``name`` or a name prefixed by the table itself (``w_warehouse_name``,
``storename`` in ``stores``), the table's name (its last word, without a plural: ``dim_venues``).
A name whose prefix says something else (``manager_name``) is left to the other rules. When the
table has a lone city column beside a place's name, the city becomes the row's address, so the
"Houston Civic Center" stands in Houston (engine/generators/places.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dwsim_nb.ddl.groups import column_role, split_name, table_prefix, table_words
from dwsim_nb.spec.models import Table
from dwsim_nb.spec.types import STRING_TYPES

# (kind, the words that name it); a word is a whole word of the name (``parking`` is no park).
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (
        "venue",
        r"venue|stadium|arena|theat(er|re)|auditorium|amphitheat(er|re)|ballpark|playhouse|"
        r"concert_?hall|coliseum|cinema",
    ),
    ("store", r"store|shop|outlet|boutique|supermarket"),
    ("warehouse", r"warehouse|depot|distribution_?cent(er|re)|fulfil+ment_?cent(er|re)"),
    ("hotel", r"hotel|motel|inn|lodge|resort|hostel"),
    ("restaurant", r"restaurant|cafe|diner|bistro|eatery|pizzeria|steakhouse"),
    ("park", r"park|playground"),
    ("school", r"school|academy"),
    ("college", r"college|university|campus"),
    ("hospital", r"hospital|clinic|medical_?cent(er|re)|infirmary"),
    ("airport", r"airport|airfield|aerodrome"),
    ("library", r"library"),
    ("museum", r"museum"),
    ("mall", r"mall|shopping_?cent(er|re)"),
    ("gym", r"gym|fitness_?cent(er|re)|health_?club"),
)
_KINDS = [(kind, re.compile(rf"({words})")) for kind, words in _KIND_WORDS]
_NAME = re.compile(r"^(?P<prefix>.*?)_?name$")
# A typical place's name needs this many characters ("Oak Market" is 10, most are longer).
_SHORTEST = 12


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def place_kind(words: str) -> str | None:
    """The kind of place a name's words end with (``dim_venues`` -> venue), or None."""
    parts = words.split("_")
    for tail in ("_".join(parts[-2:]), parts[-1], words.replace("_", "")):
        for kind, pattern in _KINDS:
            if pattern.fullmatch(_singular(tail)) or pattern.fullmatch(tail):
                return kind
    return None


def _kind(table: Table, name: str) -> tuple[str, str] | None:
    """(kind, what said so) for a column name, or None when it is no place's name."""
    m = _NAME.match(name)
    if m is None:
        return None
    prefix = m.group("prefix").strip("_")
    own = not prefix or prefix in table_words(table) or prefix == table_prefix(table)
    if prefix and (kind := place_kind(prefix)) is not None:
        return kind, f"the prefix '{prefix}'"
    if own and (kind := place_kind(split_name(table.name))) is not None:
        return kind, f"the table '{table.name}'"
    return None


def place_rules(
    table: Table, norm: Callable[[str], str], usable: Callable[[str], bool]
) -> dict[str, dict[str, Any]]:
    """Rule dicts (``record: place``) for the table's names of places, by column name."""
    out: dict[str, dict[str, Any]] = {}
    for col in table.columns:
        if col.data_type not in STRING_TYPES or not usable(col.name):
            continue
        if col.varchar_length is not None and 0 < col.varchar_length < _SHORTEST:
            continue
        found = _kind(table, norm(col.name))
        if found is not None:
            kind, why = found
            out[col.name] = {
                "kind": "record",
                "record": "place",
                "field": kind,
                "group": "",
                "reason": f"name of {_article(kind)} {kind} ({why} says what the place is)",
            }
    return out


def place_city(
    table: Table,
    norm: Callable[[str], str],
    usable: Callable[[str], bool],
    rule_of: Callable[[str], dict[str, Any] | None],
) -> dict[str, dict[str, Any]]:
    """A lone city column beside a place's name becomes the row's address (one field), so the
    name's city slot agrees with it; nothing when the table has an address city already."""
    rules = {c.name: rule_of(c.name) or {} for c in table.columns}
    places = [n for n, r in rules.items() if r.get("record") == "place"]
    if not places or any(
        r.get("record") == "address" and r.get("field") == "city" for r in rules.values()
    ):
        return {}
    for col in table.columns:
        if col.data_type not in STRING_TYPES or not usable(col.name):
            continue
        width = col.varchar_length if col.varchar_length and col.varchar_length > 0 else None
        role = column_role(table, norm(col.name), width)
        if role is not None and role[:2] == ("address", "city"):
            return {
                col.name: {
                    "kind": "record",
                    "record": "address",
                    "field": "city",
                    "group": "",
                    "reason": f"name: the city of {places[0]}",
                }
            }
    return {}
