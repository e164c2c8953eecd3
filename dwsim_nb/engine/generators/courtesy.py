"""A person's courtesy title (``Mr.``, ``Ms.``, ``Mrs.``, ``Dr.``) and gender (``F``, ``M``) that
agree with the first name of the same record: ``Mr.`` and ``M`` never go with a name Faker lists
as a woman's only, ``Ms.``, ``Mrs.`` and ``F`` never with a man's.

Faker keeps each locale's male and female first names apart; a name in one list only has that
gender, a name in both (or in neither) has none known and takes any title, in the proportions
of the titles overall.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pyarrow as pa

from dwsim_nb.engine.generators.faker_pools import _faker, pool

COURTESIES = ("Mr.", "Ms.", "Mrs.", "Dr.")
_UNKNOWN, _FEMALE, _MALE = 0, 1, 2
# Shares of each title by the first name's gender (rows: unknown, female, male).
_SHARES = np.array(
    [
        [0.45, 0.35, 0.15, 0.05],
        [0.0, 0.5, 0.43, 0.07],
        [0.93, 0.0, 0.0, 0.07],
    ]
)
_CUMULATIVE = np.cumsum(_SHARES, axis=1)
STEPS = 1000  # a row's draw is one of this many steps in [0, 1)


def _person_provider(fake: Any) -> Any:
    for provider in fake.providers:
        if type(provider).__module__.startswith("faker.providers.person"):
            return provider
    return None


@functools.lru_cache(maxsize=16)
def first_name_genders(locale: str) -> np.ndarray:
    """The gender Faker's lists give each name of the first-name pool of ``locale`` (0 unknown,
    1 female, 2 male), in the pool's order."""
    provider = _person_provider(_faker(locale))
    male = set(getattr(provider, "first_names_male", ()) or ())
    female = set(getattr(provider, "first_names_female", ()) or ())
    names = pool("first_name", locale).to_pylist()
    out = np.zeros(len(names), dtype=np.int8)
    for i, name in enumerate(names):
        if name in male and name not in female:
            out[i] = _MALE
        elif name in female and name not in male:
            out[i] = _FEMALE
    return out


def courtesy_titles(genders: np.ndarray, steps: np.ndarray) -> pa.DictionaryArray:
    """A title per row for first names of ``genders``, picked by ``steps`` (each in
    ``0 .. STEPS - 1``)."""
    u = steps.astype(np.float64) / STEPS
    picked = (u[:, None] >= _CUMULATIVE[genders.astype(np.intp)]).sum(axis=1)
    picked = np.minimum(picked, len(COURTESIES) - 1).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(picked), pa.array(COURTESIES, pa.string()))


GENDERS = ("F", "M")


def gender_letters(genders: np.ndarray, steps: np.ndarray) -> pa.DictionaryArray:
    """``F`` or ``M`` per row for first names of ``genders``; a name of no known gender takes
    either, by ``steps`` (each in ``0 .. STEPS - 1``)."""
    picked = np.where(genders == _MALE, 1, np.where(genders == _FEMALE, 0, steps * 2 // STEPS))
    return pa.DictionaryArray.from_arrays(
        pa.array(picked.astype(np.int32)), pa.array(GENDERS, pa.string())
    )
