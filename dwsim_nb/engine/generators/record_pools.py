"""Pools of coherent records: postal addresses of one locale and companies with their domains.

A record is a row of an Arrow table whose fields agree (a US zip code in its state, a phone in
its country's format, a web domain made from the company's name); rows of a generated table pick
one record per group (:mod:`dwsim_nb.engine.generators.records`), so all the group's columns agree
too. Pools are built once from a fixed seed, kept in memory and on disk like the Faker pools
(:mod:`dwsim_nb.engine.generators.faker_pools`): building one calls Faker a few thousand times.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.engine.generators.faker_pools import _cache_dir, _faker, pool
from dwsim_nb.engine.generators.phones import CALLING_CODES, format_phone
from dwsim_nb.engine.generators.us_cities import US_CITIES, draw_cities
from dwsim_nb.spec.rules import RECORD_FIELDS

RECORDS = 4096
_SEED = 20240611  # part of the data, like the Faker pools' seed
WORLD = "world"
# Locales of an address group that names its country: mostly US, the rest spread over countries
# whose Faker data is in Latin script (widths stay predictable). Calling codes are not in Faker.
WORLD_LOCALES: tuple[tuple[str, float, str], ...] = (
    ("en_US", 0.55, "1"),
    ("en_GB", 0.1, "44"),
    ("en_CA", 0.08, "1"),
    ("de_DE", 0.07, "49"),
    ("fr_FR", 0.06, "33"),
    ("en_AU", 0.05, "61"),
    ("es_ES", 0.05, "34"),
    ("it_IT", 0.04, "39"),
)
_CALLING = {**CALLING_CODES, **{loc: code for loc, _, code in WORLD_LOCALES}}
# A second number of the record (a fax or mobile beside its phone) is made from the phone when
# drawn, not stored in the pool.
ADDRESS_FIELDS = tuple(f for f in RECORD_FIELDS["address"] if f != "phone_alt")
_ALT_DIGITS = 4


def _load(path: Path) -> pa.Table | None:
    try:
        with pa.memory_map(str(path)) as src:
            return pa.ipc.open_file(src).read_all().combine_chunks()
    except (OSError, pa.ArrowInvalid):
        return None


def _store(path: Path, table: pa.Table) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs rebuilding the pool next time


def _address_provider(fake: Any) -> Any:
    for provider in fake.providers:
        if type(provider).__module__.startswith("faker.providers.address"):
            return provider
    return None


def _regions(fake: Any) -> list[tuple[str, str]]:
    """(name, abbreviation) of the locale's states or provinces, where Faker lists both."""
    provider = _address_provider(fake)
    for names_attr, abbr_attr in (("states", "states_abbr"), ("provinces", "provinces_abbr")):
        names = list(getattr(provider, names_attr, ()) or ())
        abbrs = list(getattr(provider, abbr_attr, ()) or ())
        if len(abbrs) == len(names) + 1 and "DC" in abbrs:
            abbrs.remove("DC")  # en_US lists Washington DC among abbreviations only
        if names and len(names) == len(abbrs) and all(isinstance(n, str) for n in names):
            return list(zip(names, abbrs, strict=True))
    return []


def _address_rows(locale: str, count: int, international: bool) -> list[dict[str, str]]:
    fake = _faker(locale)
    fake.seed_instance(_SEED)
    regions = _regions(fake)
    in_state = getattr(fake, "zipcode_in_state", None) or getattr(fake, "postcode_in_state", None)
    country = fake.current_country() if hasattr(fake, "current_country") else locale
    code = fake.current_country_code() if hasattr(fake, "current_country_code") else locale[-2:]
    calling = _CALLING.get(locale, "1")
    # US records take a real city and its own state (Faker's US cities are invented).
    names = {abbr: name for name, abbr in regions}
    names.setdefault("DC", "District of Columbia")
    real = draw_cities(count, _SEED) if locale == "en_US" and regions else None
    out = []
    for i in range(count):
        city = None
        if real is not None:
            city, abbr, _ = US_CITIES[real[i]]
            state = names.get(abbr, abbr)
        elif regions:
            state, abbr = regions[fake.random_int(0, len(regions) - 1)]
        else:
            state = str(fake.administrative_unit())
            abbr = state[:2].upper()
        postcode = None
        if in_state is not None and regions:
            try:
                postcode = str(in_state(abbr))
            except (KeyError, ValueError, AttributeError):
                postcode = None
        secondary = fake.secondary_address() if hasattr(fake, "secondary_address") else ""
        out.append(
            {
                "street": fake.street_address().replace("\n", ", "),
                "secondary": secondary,
                "city": city or fake.city(),
                "state": state,
                "state_abbr": abbr,
                "postcode": postcode or str(fake.postcode()),
                "country": country,
                "country_code": code,
                "phone": format_phone(fake.phone_number(), calling, international),
            }
        )
    return out


@functools.lru_cache(maxsize=16)
def address_pool(locale: str) -> pa.Table:
    """Address records of one locale, or of :data:`WORLD_LOCALES` mixed by weight for
    ``locale == "world"`` (phones then carry the country's calling code)."""
    import faker

    # "r2": US records with real cities; "r3": phones in one format (module phones).
    path = _cache_dir() / f"{faker.VERSION}-address-{locale}-{RECORDS}-{_SEED}-r3.arrow"
    cached = _load(path)
    if cached is not None:
        return cached
    rows: list[dict[str, str]] = []
    if locale == WORLD:
        for loc, weight, _ in WORLD_LOCALES:
            rows += _address_rows(loc, round(RECORDS * weight), international=True)
    else:
        rows = _address_rows(locale, RECORDS, international=False)
    table = pa.table({f: pa.array([r[f] for r in rows], pa.string()) for f in ADDRESS_FIELDS})
    _store(path, table)
    return table


@functools.lru_cache(maxsize=16)
def alt_phones(locale: str) -> pa.Array:
    """Each record's second number (a fax, a mobile): its phone with other last four digits,
    so it keeps the phone's country, area code and shape."""
    phones = address_pool(locale).column("phone").to_pylist()
    rng = np.random.default_rng(_SEED)
    out = []
    for phone in phones:
        text = str(phone or "")
        where = [i for i, ch in enumerate(text) if ch.isdigit()]
        tail = where[-min(_ALT_DIGITS, max(len(where) - 3, 0)) :] if len(where) > 3 else []
        chars = list(text)
        old = "".join(chars[i] for i in tail)
        new = old
        while tail and new == old:
            new = "".join(str(d) for d in rng.integers(0, 10, len(tail)))
        for i, ch in zip(tail, new, strict=True):
            chars[i] = ch
        out.append("".join(chars))
    return pa.array(out, pa.string())


@functools.lru_cache(maxsize=64)
def fitting(locale: str, widths: tuple[tuple[str, int], ...]) -> np.ndarray:
    """Indices of the pool's records whose fields all fit the columns' widths (all records when
    too few fit: the runtime then truncates)."""
    table = address_pool(locale)
    keep = np.ones(table.num_rows, dtype=bool)
    for field, width in widths:
        lengths = pc.utf8_length(table.column(field)).to_numpy(zero_copy_only=False)
        keep &= lengths <= width
    if keep.sum() < 64:
        return np.arange(table.num_rows, dtype=np.int32)
    return np.flatnonzero(keep).astype(np.int32)


_NOT_IN_DOMAIN = {"and", "inc", "llc", "ltd", "plc", "group", "sons", "co", "the", "gmbh", "sa"}
_TLDS = ("com", "com", "com", "net", "io", "biz", "org")


def _domain(name: str, i: int) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _NOT_IN_DOMAIN]
    stem = "-".join(words[:2]) if len(words) > 1 and i % 3 == 0 else "".join(words[:2])
    return f"{stem or 'company'}.{_TLDS[i % len(_TLDS)]}"


@functools.lru_cache(maxsize=16)
def company_pool(locale: str) -> pa.Table:
    """Company names with the web domain and site made from each name."""
    names = pool("company", locale).to_pylist()
    domains = [_domain(str(n), i) for i, n in enumerate(names)]
    return pa.table(
        {
            "company": pa.array([str(n) for n in names], pa.string()),
            "domain": pa.array(domains, pa.string()),
            "website": pa.array([f"https://www.{d}" for d in domains], pa.string()),
        }
    )


@functools.lru_cache(maxsize=16)
def name_pools(locale: str) -> dict[str, pa.Array]:
    """First and last names as written and as fit for an e-mail (lower case ASCII), and the
    first initial: the parts every person column is built from."""
    first, last = pool("first_name", locale), pool("last_name", locale)

    def ascii_lower(values: pa.Array) -> pa.Array:
        return pc.replace_substring_regex(pc.utf8_lower(values), r"[^a-z0-9]", "")

    first_low = ascii_lower(first)
    return {
        "first": first,
        "last": last,
        "first_low": first_low,
        # Full first names and initials in one array: a row's shape picks its half.
        "first_or_initial": pa.concat_arrays([first_low, pc.utf8_slice_codeunits(first_low, 0, 1)]),
        "last_low": ascii_lower(last),
        "mail_domain": pool("free_email_domain", locale),
    }


PEOPLE = 1 << 17
# Local parts of an address: (first name or its initial, separator), weighted as seen in real
# address books (first.last, flast, first_last, firstlast, f.last); user names favour flast.
_SHAPES = ((0, "."), (1, ""), (0, "_"), (0, ""), (1, "."))
_EMAIL_SHAPES = (0.4, 0.2, 0.15, 0.15, 0.1)
_USER_SHAPES = (0.2, 0.4, 0.15, 0.15, 0.1)


def _stems(
    rng: np.random.Generator,
    names: dict[str, pa.Array],
    first: np.ndarray,
    last: np.ndarray,
    weights: tuple[float, ...],
) -> pa.Array:
    shape = rng.choice(len(_SHAPES), size=len(first), p=np.array(weights) / sum(weights))
    initial = np.array([s[0] for s in _SHAPES])[shape]
    seps = ["", ".", "_"]
    sep = np.array([seps.index(s[1]) for s in _SHAPES])[shape]
    head = names["first_or_initial"].take(pa.array(first + initial * len(names["first"])))
    return pc.binary_join_element_wise(
        head,
        pa.array(seps, pa.string()).take(pa.array(sep)),
        names["last_low"].take(pa.array(last)),
        "",
    )


def _numbered(rng: np.random.Generator, stems: pa.Array, share: float) -> pa.Array:
    numbers = rng.integers(1, 100, size=len(stems)).astype(str)
    numbers[rng.random(len(stems)) >= share] = ""
    return pc.binary_join_element_wise(stems, pa.array(numbers, pa.string()), "")


@functools.lru_cache(maxsize=8)
def person_pool(locale: str) -> dict[str, Any]:
    """:data:`PEOPLE` people: each a first and last name (indices into :func:`name_pools`), the
    full name, and an e-mail and user name made from them (with and without a number). Rows
    pick a person by index, so no column joins strings per row unless it must be unique."""
    names = name_pools(locale)
    rng = np.random.default_rng(_SEED)
    first = rng.integers(0, len(names["first"]), PEOPLE)
    last = rng.integers(0, len(names["last"]), PEOPLE)
    full = pc.binary_join_element_wise(
        names["first"].take(pa.array(first)), names["last"].take(pa.array(last)), " "
    )
    mail_stem = _stems(rng, names, first, last, _EMAIL_SHAPES)
    user_stem = _stems(rng, names, first, last, _USER_SHAPES)
    local = _numbered(rng, mail_stem, 0.3)
    domains = names["mail_domain"].take(
        pa.array(rng.integers(0, len(names["mail_domain"]), PEOPLE))
    )
    return {
        "first": first.astype(np.int32),
        "last": last.astype(np.int32),
        "name": full,
        "mail_stem": mail_stem,
        "mail_local": local,
        "email": pc.binary_join_element_wise(local, domains, "@"),
        "user_stem": user_stem,
        "username": _numbered(rng, user_stem, 0.5),
    }
