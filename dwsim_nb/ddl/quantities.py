"""Which column of a line counts the units it sells: a quantity, read from names.

``qty``, ``quantity`` and ``units`` say it outright; so does a count of what was traded
(``qty_sold``, ``units_ordered``, ``items_bought``) and a number of a unit things are sold by
(``num_tickets``, ``number_of_seats``, ``no_of_items``). A number of the very unit a price is
quoted per (``num_nights`` beside ``price_per_night``) is one too, whatever the unit.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"qty|quantity|(^|_)(num_?)?units?$")
# Units things are sold or booked by (plural, as a count of them is written).
_UNITS = (
    r"items|units|pieces|pcs|tickets|seats|copies|packs|packages|boxes|cases|cartons|bottles|"
    r"cans|bags|licen[cs]es|passes|nights|rooms|shares|lots|pallets|kits|sets|pairs|tokens|"
    r"credits|vouchers|coupons"
)
_NUMBER_OF = r"num(ber)?_?(of_?)?|no_?(of_?)?|n_|count_?of_?|cnt_?"
_TRADED = r"sold|bought|ordered|purchased|booked"
_COUNTED = re.compile(rf"^({_NUMBER_OF})({_UNITS})$|^(({_UNITS})_?)?({_TRADED})$")
_PER = re.compile(r"per_?(?P<unit>[a-z]{3,})$")


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def is_quantity(name: str, siblings: list[str]) -> bool:
    """Whether the (normalized) column ``name`` counts the units of its row, given the
    normalized names of the other columns of its table."""
    if _PLAIN.search(name) or _COUNTED.search(name):
        return True
    for other in siblings:
        per = _PER.search(other)
        if per is None:
            continue
        unit = per.group("unit")
        number = rf"^({_NUMBER_OF})({unit}|{_plural(unit)})$"
        if re.search(number, name):
            return True
    return False
