"""Names of places of one kind: venues, stores, warehouses, hotels, schools, hospitals ...

A venue named "Chavez-Olson" (a company) or "Lake Jamesfort" reads wrong; real places are named
after their city, a person or a landscape word, with a word that says what they are: "Houston
Arena", "Lincoln Elementary School", "Riverside Medical Center". Each kind has a few shapes
(``{city} Arena``, ``{surname} Field``, ``University of {city}``); a row draws a shape and a word
for its slot. The city is the row's own when the table has an address with a city, so a venue
in Houston may be the "Houston Civic Center"; otherwise a real US city. Word lists are fixed
data, like the title shapes (:mod:`.titles`).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.faker_pools import DEFAULT_LOCALE
from dwsim_nb.engine.generators.record_pools import name_pools
from dwsim_nb.engine.generators.us_cities import US_CITIES
from dwsim_nb.spec.rules import PLACE_KINDS


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SURNAMES = _words(
    "Lincoln Washington Jefferson Franklin Madison Roosevelt Kennedy Jackson Adams Monroe Grant "
    "Hamilton Wilson Carter Taylor Harrison Garfield Hoover Truman Johnson Smith Williams Brown "
    "Jones Miller Davis Anderson Thomas Moore Martin Thompson White Harris Clark Lewis Walker "
    "Hall Allen Young King Wright Scott Green Baker Nelson Hill Campbell Mitchell Roberts Phillips "
    "Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson "
    "Bailey Reed Kelly Howard Cox Ward Richardson Wood Watson Brooks Bennett Gray Hughes Price "
    "Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler "
    "Henderson Barnes Fisher Marshall Owens Ellis Hudson Warren Porter Hunter Fuller Crawford "
    "Dixon Mason Hayes Graham Reynolds Sherman Pershing Edison Carnegie Whitman Douglass Tubman "
    "Emerson Thoreau Audubon Muir Ford Vanderbilt Rockefeller Morrison Wallace Fleming Keller"
)
# Civic and landscape words places are named after, and made-up place names built from two
# halves ("Oakdale", "Fairview", "Stonegate"): many, so names of one kind seldom repeat.
_CIVIC = _words(
    "Liberty Union Central Grand Royal Heritage Pioneer Summit Harbor Meadow Eagle Crystal "
    "Prairie Lighthouse Canyon Granite Seaside Magnolia Cypress Redwood Aspen Sycamore Chestnut "
    "Juniper Heron Falcon Orchard Harmony Victory Frontier Gateway Landmark Capitol Meridian "
    "Keystone Beacon Crossroads Sunset Sunrise Evergreen Bluebird Highland Valley Golden Silver"
)
_HEADS = _words(
    "Oak Maple Cedar Pine Elm Willow Birch Ash Spring Brook Fair Green Glen Stone River Lake Sun "
    "Wood Rose Red Clear Mill Fox Hill Bay Sea Rock Deer Bridge Cherry Walnut Hazel Iron Copper"
)
_TAILS = _words("wood dale brook field view crest ridge side mont haven gate ford port land vale")
_LANDMARKS = tuple(
    dict.fromkeys(
        [*_CIVIC, *(h + t for h in _HEADS for t in _TAILS if h[-1] != t[0] and h.lower() != t)]
    )
)
_SAINTS = _words(
    "Mary's Joseph's Luke's Francis John's Paul's Peter's Anne's Vincent's Catherine's "
    "Elizabeth's Michael's Patrick's Thomas Jude Mark's Andrew's Teresa's Clare's Agnes"
)

# Shapes by kind: {city}, {surname}, {word} (a landmark word) or {saint} fills the one slot.
_SHAPES: dict[str, tuple[str, ...]] = {
    "venue": (
        "{city} Arena",
        "{word} Arena",
        "{surname} Arena",
        "{city} Stadium",
        "{surname} Stadium",
        "{word} Stadium",
        "{surname} Field",
        "{word} Field",
        "{word} Theater",
        "{surname} Theater",
        "{city} Civic Center",
        "{word} Amphitheater",
        "{surname} Hall",
        "{word} Hall",
        "{city} Coliseum",
        "{word} Pavilion",
        "{city} Convention Center",
        "{surname} Center",
        "{word} Ballroom",
        "{word} Park",
        "{city} Music Hall",
        "{city} Opera House",
        "{surname} Auditorium",
        "{word} Bowl",
    ),
    "store": (
        "{surname}'s Market",
        "{city} Market",
        "{word} Market",
        "{surname} General Store",
        "{word} Outfitters",
        "{surname} & Sons",
        "{word} Goods",
        "{city} Supply Co.",
        "{word} Mercantile",
        "{surname} Hardware",
        "{word} Books",
        "{word} Boutique",
        "{word} Store",
        "{city} Store",
    ),
    "warehouse": (
        "{city} Distribution Center",
        "{city} Warehouse",
        "{word} Logistics Center",
        "{city} Fulfillment Center",
        "{word} Depot",
        "{city} Regional Warehouse",
        "{surname} Warehouse",
        "{city} Cold Storage",
        "{word} Distribution Center",
    ),
    "hotel": (
        "{word} Hotel",
        "{city} Grand Hotel",
        "The {surname} Hotel",
        "{word} Inn",
        "{surname} Inn",
        "{city} Suites",
        "{word} Lodge",
        "{word} Resort",
        "Hotel {surname}",
        "{city} Plaza Hotel",
        "{word} Motel",
    ),
    "restaurant": (
        "{surname}'s Kitchen",
        "The {word} Table",
        "{word} Grill",
        "{surname}'s Bistro",
        "{word} Diner",
        "{word} Cafe",
        "{surname}'s Tavern",
        "{city} Steakhouse",
        "{word} Bar & Grill",
        "{surname}'s Trattoria",
        "{word} Noodle House",
        "{word} Taqueria",
        "{surname}'s Pizzeria",
        "{word} Bakery",
    ),
    "park": (
        "{word} Park",
        "{surname} Park",
        "{city} Memorial Park",
        "{word} Gardens",
        "{surname} State Park",
        "{word} Nature Preserve",
        "{word} Recreation Area",
        "{surname} Playground",
        "{word} Commons",
        "{surname} Square",
    ),
    "school": (
        "{surname} Elementary School",
        "{word} Elementary School",
        "{surname} Middle School",
        "{word} Middle School",
        "{city} High School",
        "{surname} High School",
        "{word} Academy",
        "St. {saint} School",
        "{word} Charter School",
        "{surname} Preparatory School",
    ),
    "college": (
        "{city} College",
        "{surname} College",
        "University of {city}",
        "{city} State University",
        "{word} Community College",
        "{surname} University",
        "{word} Institute of Technology",
    ),
    "hospital": (
        "{city} General Hospital",
        "{surname} Memorial Hospital",
        "St. {saint} Hospital",
        "St. {saint} Medical Center",
        "{word} Medical Center",
        "{city} Regional Medical Center",
        "{word} Community Hospital",
        "{surname} Clinic",
        "{city} Children's Hospital",
        "{word} Health Center",
    ),
    "airport": (
        "{city} International Airport",
        "{city} Regional Airport",
        "{surname} Field",
        "{surname} International Airport",
        "{city} Municipal Airport",
        "{word} Airport",
        "{city} Executive Airport",
    ),
    "library": (
        "{city} Public Library",
        "{surname} Memorial Library",
        "{word} Branch Library",
        "{word} Library",
        "{surname} Library",
    ),
    "museum": (
        "{city} Museum of Art",
        "{surname} Museum",
        "{city} History Museum",
        "{word} Museum of Science",
        "Museum of {city} History",
        "{word} Art Gallery",
        "{city} Children's Museum",
    ),
    "mall": (
        "{word} Mall",
        "{city} Town Center",
        "{word} Plaza",
        "{word} Galleria",
        "{surname} Square Mall",
        "{word} Shopping Center",
        "{word} Crossing",
        "{word} Outlets",
    ),
    "gym": (
        "{word} Fitness",
        "{city} Athletic Club",
        "{surname}'s Gym",
        "{word} Fitness Center",
        "{word} CrossFit",
        "{city} YMCA",
        "{word} Health Club",
        "{word} Yoga Studio",
    ),
}
assert set(_SHAPES) == set(PLACE_KINDS), "every place kind has shapes"
_SLOT = re.compile(r"\{(city|surname|word|saint)\}")
_SOURCES = ("city", "surname", "word", "saint")


@functools.cache
def _sources() -> tuple[pa.Array, dict[str, tuple[int, int]]]:
    """All slot words in one array, and each source's (offset, count) in it."""
    cities = tuple(dict.fromkeys(c for c, _, _ in US_CITIES))
    # The famous names, then the locale's surnames (each once: "Smith Park" is no likelier
    # than "Orozco Park", or a short list would repeat).
    last = pc.unique(name_pools(DEFAULT_LOCALE)["last"]).to_pylist()
    surnames = tuple(dict.fromkeys([*_SURNAMES, *last]))
    lists = {"city": cities, "surname": surnames, "word": _LANDMARKS, "saint": _SAINTS}
    words: list[str] = []
    spans = {}
    for name in _SOURCES:
        spans[name] = (len(words), len(lists[name]))
        words.extend(lists[name])
    return pa.array(words, pa.string()), spans


# Shapes with a short list in their slot (a city, a saint) take a smaller share of rows, so
# names seldom repeat.
_SHARE = {"city": 0.5, "surname": 1.0, "word": 1.0, "saint": 0.3}


@functools.cache
def _shapes(kind: str) -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray]:
    """The text before and after each shape's slot, its source's number in _SOURCES and the
    shapes' cumulative shares."""
    before, after, source, share = [], [], [], []
    for shape in _SHAPES[kind]:
        m = _SLOT.search(shape)
        assert m is not None, shape
        before.append(shape[: m.start()])
        after.append(shape[m.end() :])
        source.append(_SOURCES.index(m.group(1)))
        share.append(_SHARE[m.group(1)])
    cumulative = np.cumsum(share) / np.sum(share)
    return (
        pa.array(before, pa.string()),
        pa.array(after, pa.string()),
        np.array(source),
        cumulative,
    )


def place_names(kind: str, key: int, rows: np.ndarray, row_cities: pa.Array | None) -> pa.Array:
    """Names of places of ``kind`` for ``rows``; ``row_cities`` (one per row) fills the city
    slot when the table has an address, else a real US city does."""
    before, after, source, cumulative = _shapes(kind)
    words, spans = _sources()
    u = seeds.uniform(seeds.derive_key(key, "shape"), rows)
    shape = np.minimum(np.searchsorted(cumulative, u, side="right"), len(source) - 1)
    src = source[shape]
    slot = np.zeros(len(rows), dtype=np.int64)
    for number, name in enumerate(_SOURCES):
        offset, count = spans[name]
        mine = src == number
        if mine.any():
            drawn = seeds.below(seeds.derive_key(key, name), rows[mine], count)
            slot[mine] = offset + drawn
    filled = words.take(pa.array(slot))
    if row_cities is not None:
        city = pa.array(src == _SOURCES.index("city"))
        filled = pc.if_else(pc.and_(city, pc.is_valid(row_cities)), row_cities, filled)
    shape_idx = pa.array(shape)
    return pc.binary_join_element_wise(before.take(shape_idx), filled, after.take(shape_idx), "")
