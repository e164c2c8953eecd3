"""Titles of works and events: films, shows, books, albums, plays, concerts, tours.

Faker's ``catch_phrase`` ("Multi-tiered radical firmware") reads as marketing, not as the name of
a show, and never starts with "The", which a quarter of real titles do ("The Lion King",
"The Dark Knight"), so a query filtering ``title LIKE 'The%'`` finds nothing. A title here is
made from the shapes real titles take, from fixed word lists and a fixed seed: data, like the
Faker pools.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

TITLES = 4096
_SEED = 20240717


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ADJECTIVES = _words(
    "Silent Broken Golden Last Lost Hidden Secret Wild Dark Bright Endless Little Great Final "
    "Burning Frozen Scarlet Midnight Crimson Silver Distant Forgotten Sweet Strange Quiet Savage "
    "Hollow Electric Blue Northern Restless Velvet Fading Rising Falling Perfect Lonely Eternal "
    "Bitter Gentle Wicked Invisible Magnificent Fearless Radiant Shattered Stolen Sacred"
)
_NOUNS = _words(
    "Garden River Kingdom Night Heart Storm Road Dream Shadow Fire Crown Island Mountain City "
    "Song Winter Summer Horizon Ocean Forest Mirror Bridge Empire Light Voyage Promise Secret "
    "Legend Journey Door Star Moon Sun Sky Wind Rain Tide Harbor Castle Tower Circus Carnival "
    "Symphony Ballad Waltz Rhapsody Serenade Echo Spirit Ghost Angel Stranger Hunter Keeper "
    "Dancer Queen King Prince Thief Captain Soldier Widow Sailor Traveler Wanderer"
)
_PLACES = _words(
    "Paris Venice Broadway Manhattan Memphis Vienna London Havana Tokyo Rome Chicago Harlem "
    "Berlin Seville Dublin Casablanca Avalon Eden Babylon Camelot"
)
_EVENTS = _words("Live Tour Revue Festival Gala Showcase Celebration Reunion Spectacular Concert")

# (share, shape); {a} adjective, {n} / {m} nouns, {p} place, {e} event word.
_SHAPES: tuple[tuple[float, str], ...] = (
    (0.12, "The {a} {n}"),
    (0.06, "The {n} of {p}"),
    (0.05, "The {n}"),
    (0.03, "The {n}s"),
    (0.08, "{n} of the {m}"),
    (0.10, "{a} {n}"),
    (0.07, "{a} {n}s"),
    (0.06, "{n} in {p}"),
    (0.05, "A {n} in {p}"),
    (0.06, "{n} and {m}"),
    (0.05, "{p} {e}"),
    (0.05, "{a} {n} {e}"),
    (0.05, "{n}"),
    (0.04, "Return of the {n}"),
    (0.03, "Under the {a} {n}"),
    (0.05, "{p} Nights"),
    (0.05, "{a} {n}: The {e}"),
)


@functools.lru_cache(maxsize=1)
def title_pool() -> pa.Array:
    """:data:`TITLES` titles from a fixed seed, in the shares of :data:`_SHAPES`."""
    rng = np.random.default_rng(_SEED)
    shares = np.array([s for s, _ in _SHAPES])
    shape = rng.choice(len(_SHAPES), size=TITLES, p=shares / shares.sum())
    words = {
        "a": rng.integers(0, len(_ADJECTIVES), TITLES),
        "n": rng.integers(0, len(_NOUNS), TITLES),
        "m": rng.integers(0, len(_NOUNS), TITLES),
        "p": rng.integers(0, len(_PLACES), TITLES),
        "e": rng.integers(0, len(_EVENTS), TITLES),
    }
    out = []
    for i in range(TITLES):
        out.append(
            _SHAPES[shape[i]][1].format(
                a=_ADJECTIVES[words["a"][i]],
                n=_NOUNS[words["n"][i]],
                m=_NOUNS[words["m"][i]],
                p=_PLACES[words["p"][i]],
                e=_EVENTS[words["e"][i]],
            )
        )
    return pa.array(out, pa.string())
