"""Faker strings without a Faker call per row.

Each (provider, locale) gets a pool of a few thousand values, built once from a fixed seed and
kept in memory (``lru_cache``) and on disk (``$DWSIM_CACHE_DIR`` or ``~/.cache/dwsim_nb``), then
rows pick from it with vectorized indexing. Values with many real-world forms are composed from
several pools (full names from first and last names, emails from user names and domains), so the
variety is the product of the pools; unique columns add a row-derived part. Phone numbers are
written in one format, as one column of a real table holds them (:mod:`.phones`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.spec.faker_rules as faker_rules
from dwsim_nb.engine.generators.faker_clock import frozen_clock
from dwsim_nb.engine.generators.phones import national_phones
from dwsim_nb.engine.generators.us_cities import US_CITIES, draw_cities
from dwsim_nb.errors import GenerationError
from dwsim_nb.spec.faker_rules import normalize_rule
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import FakerRule, rule_of

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext

POOL_SIZE = 4096
DEFAULT_LOCALE = "en_US"
_POOL_SEED = 20240601  # pools are part of the data: fixed, not the run's seed


def locale_of(col: Column) -> str:
    locale = col.rule.locale if isinstance(col.rule, FakerRule) else None
    return (locale or DEFAULT_LOCALE).replace("-", "_")


# Providers composed from other pools: name -> (parts, separator)
_COMPOSED: dict[str, tuple[tuple[str, ...], str]] = {
    "name": (("first_name", "last_name"), " "),
    "full_name": (("first_name", "last_name"), " "),
}
_EMAIL_RULES = {"email", "free_email", "company_email", "safe_email", "ascii_email"}
_USER_RULES = {"user_name", "username"}
# Providers whose numbers come in one format per locale (Faker mixes several).
_PHONE_RULES = {"phone_number", "basic_phone_number"}


def check_rule(col: Column) -> None:
    """Raise GenerationError if the column's Faker provider or locale does not exist."""
    provider = rule_of(col, FakerRule).provider
    rule = normalize_rule(provider)
    if rule in _COMPOSED or rule in _EMAIL_RULES or rule in _USER_RULES:
        return
    fake = _faker(locale_of(col))
    problem = faker_rules.provider_problem(fake, provider)
    if problem is not None:
        raise GenerationError(
            f"column '{col.name}': {problem} (locale '{locale_of(col)}')",
            hint="use a Faker method name such as first_name, email, city, company, phone_number",
        )


@functools.lru_cache(maxsize=16)
def _faker(locale: str) -> Any:
    from faker import Faker

    try:
        return Faker(locale)
    except AttributeError as exc:
        raise GenerationError(
            f"Faker has no locale '{locale}'", hint="use e.g. en_US, de_DE"
        ) from exc


def _cache_dir() -> Path:
    base = os.environ.get("DWSIM_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "dwsim_nb"
    return root / "faker_pools"


@functools.lru_cache(maxsize=256)
def _reads_clock(provider: str) -> bool:
    return faker_rules.reads_clock(provider)


def run_pool(ctx: ColumnContext, provider: str, locale: str = DEFAULT_LOCALE) -> pa.Array:
    """The pool of ``provider`` for this run: built with the run's "today" if its values are
    relative to the date (see :mod:`dwsim_nb.engine.generators.faker_clock`)."""
    if normalize_rule(provider) in _PHONE_RULES:
        return phone_pool(locale)
    today = ctx.plan.options.get("today") if _reads_clock(provider) else None
    return pool(provider, locale, today=today)


@functools.lru_cache(maxsize=16)
def phone_pool(locale: str = DEFAULT_LOCALE) -> pa.Array:
    """Faker's phone numbers of ``locale`` in one format, the locale's national one
    (:mod:`dwsim_nb.engine.generators.phones`): a column never mixes ``(503)555-0142`` and
    ``503.555.0142x431``."""
    return national_phones(pool("phone_number", locale), locale)


@functools.lru_cache(maxsize=256)
def pool(
    provider: str, locale: str = DEFAULT_LOCALE, size: int = POOL_SIZE, today: str | None = None
) -> pa.Array:
    """A seeded pool of ``size`` values of a Faker provider (distinct values first).

    ``today`` (an ISO date) is the date Faker's clock reads while the pool is built, for
    providers relative to it; None reads the real clock.
    """
    import faker

    # Checked before the name becomes part of a cache file name.
    problem = faker_rules.rule_problem(provider)
    if problem is not None:
        raise GenerationError(problem)
    if normalize_rule(provider) == "city" and locale == DEFAULT_LOCALE:
        # Faker's US cities are invented; real ones, by population, answer real filters.
        names = [US_CITIES[i][0] for i in draw_cities(size, _POOL_SEED)]
        return pa.array(names, pa.string())
    dated = f"-{today}" if today else ""
    path = _cache_dir() / f"{faker.VERSION}-{locale}-{provider}-{size}-{_POOL_SEED}{dated}.arrow"
    try:
        with pa.memory_map(str(path)) as src:
            return pa.ipc.open_file(src).read_all().column(0).combine_chunks()
    except (OSError, pa.ArrowInvalid):
        pass
    fake = _faker(locale)
    # The one place a provider is called: refuse non-data methods whoever the caller is.
    problem = faker_rules.provider_problem(fake, provider)
    if problem is not None:
        raise GenerationError(problem)
    fake.seed_instance(_POOL_SEED)
    method = getattr(fake, provider)
    if today:
        with frozen_clock(today, method):
            raw = [method() for _ in range(size)]
    else:
        raw = [method() for _ in range(size)]
    values = list(dict.fromkeys(raw))  # distinct first, then repeat to keep the size fixed
    values = (values * (size // max(len(values), 1) + 1))[:size]
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([str(v) for v in values])
    if pa.types.is_string(arr.type):
        arr = pc.replace_substring(arr, "\n", ", ")
    _store(path, arr)
    return arr


def _store(path: Path, arr: pa.Array) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with pa.OSFile(str(tmp), "wb") as sink:
            table = pa.table({"v": arr})
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs rebuilding the pool next time


def _pick(ctx: ColumnContext, rows: np.ndarray, provider: str, part: str) -> pa.Array:
    values = run_pool(ctx, provider, locale_of(ctx.col))
    return values.take(pa.array(ctx.below(rows, len(values), part)))


def _pick_encoded(ctx: ColumnContext, rows: np.ndarray, provider: str) -> pa.Array:
    values = run_pool(ctx, provider, locale_of(ctx.col))
    idx = ctx.below(rows, len(values), "value").astype(np.int32)
    if not pa.types.is_string(values.type):
        return values.take(pa.array(idx))
    return pa.DictionaryArray.from_arrays(pa.array(idx), values)


@functools.lru_cache(maxsize=64)
def email_pool(provider: str, locale: str) -> pa.Array:
    """Pool values made fit for an email's local part: lower case ASCII letters, digits, dots."""
    values = pc.utf8_lower(pool(provider, locale))
    return pc.replace_substring_regex(values, r"[^a-z0-9._]", "")


def _email_local(ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    # Half "first.last", half the provider's own user names: both shapes occur in real data.
    locale = locale_of(ctx.col)

    def pick(provider: str, part: str) -> pa.Array:
        values = email_pool(provider, locale)
        return values.take(pa.array(ctx.below(rows, len(values), part)))

    first, last = pick("first_name", "first"), pick("last_name", "last")
    dotted = pc.binary_join_element_wise(first, last, ".")
    shape = pa.array(ctx.uniform(rows, "shape") < 0.5)
    return pc.if_else(shape, dotted, pick("user_name", "user"))


# Emails pass through half a dozen intermediate string arrays (names, joins, suffixes); built a
# slice at a time, only the finished strings grow with the block (about 150 MB less at peak for a
# block of a million rows, at no measurable cost in speed).
_SLICE_ROWS = 1 << 17


def _in_slices(make: Callable[[np.ndarray], pa.Array], rows: np.ndarray) -> pa.Array:
    if len(rows) <= _SLICE_ROWS:
        return make(rows)
    parts = [make(rows[i : i + _SLICE_ROWS]) for i in range(0, len(rows), _SLICE_ROWS)]
    return pa.concat_arrays(parts)


def gen_faker(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    from dwsim_nb.engine.generators.strings import row_suffix, unique_text

    rule = normalize_rule(rule_of(col, FakerRule).provider)
    unique = col.is_unique
    if rule in _EMAIL_RULES:
        domain_source = "free_email_domain" if rule != "company_email" else "domain_name"

        def emails(part: np.ndarray) -> pa.Array:
            local = _email_local(ctx, part)
            domains = _pick(ctx, part, domain_source, "domain")
            if unique:
                local = pc.binary_join_element_wise(local, row_suffix(ctx, part), ".")
            return pc.binary_join_element_wise(local, domains, "@")

        return _in_slices(emails, rows)
    if rule in _USER_RULES:
        users = _pick(ctx, rows, "user_name", "user")
        if unique:
            return pc.binary_join_element_wise(users, row_suffix(ctx, rows), ".")
        return users
    if rule in _COMPOSED:
        parts, sep = _COMPOSED[rule]
        arrays = [_pick(ctx, rows, p, p) for p in parts]
        out = pc.binary_join_element_wise(*arrays, sep)
    elif unique:
        out = _pick(ctx, rows, rule, "value")
    else:
        return _pick_encoded(ctx, rows, rule)
    if unique:
        text = out if pa.types.is_string(out.type) else pc.cast(out, pa.string())
        return unique_text(ctx, rows, text, "-")
    return out


def gen_words(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    """Default text for a string column without a rule: words, or a sentence for TEXT."""
    from dwsim_nb.engine.generators.strings import unique_text

    provider = "sentence" if col.data_type == "TEXT" else "word"
    if col.is_unique:
        return unique_text(ctx, rows, _pick(ctx, rows, provider, "words"), "-")
    return _pick_encoded(ctx, rows, provider)
