"""Which Faker providers a spec may name: the one place that decides it.

A spec is data, often written by someone else (a shared file, a bundle, a notebook from the web),
and its ``faker_rule`` is looked up on a Faker object and called. Faker objects also carry methods
that are not data: ``seed`` / ``seed_instance`` change global state, ``add_provider`` /
``set_formatter`` rewire the generator, ``__class__`` and friends reach Python internals, and
``binary`` / ``zip`` / ``tar`` / ``image`` build megabytes per call (a pool calls them thousands
of times). So a rule is accepted only when

1. it is a plain lower-case name (``first_name``; no dots, no leading underscore), checked when the
   spec is read (:func:`rule_problem`, no Faker import), and
2. Faker defines it in one of the data provider families below (``faker.providers.person``,
   ``faker.providers.address.de_DE`` ...), or it is one of the few scalar helpers in
   :data:`EXTRA_RULES`, checked before generation (:func:`provider_problem`). Locale-specific
   providers (``prefecture`` in ja_JP) are accepted because their family is.
"""

from __future__ import annotations

import re
from typing import Any

#: Faker provider families (``faker.providers.<family>``) whose methods produce data values.
DATA_FAMILIES = frozenset(
    {
        "address",
        "automotive",
        "bank",
        "barcode",
        "color",
        "company",
        "credit_card",
        "currency",
        "date_time",
        "doi",
        "emoji",
        "file",
        "geo",
        "internet",
        "isbn",
        "job",
        "lorem",
        "passport",
        "person",
        "phone_number",
        "sbn",
        "ssn",
        "user_agent",
    }
)

#: Scalar values from the ``misc`` and ``python`` families (the rest of those build files,
#: documents, nested objects or take required arguments).
EXTRA_RULES = frozenset(
    {
        "boolean",
        "null_boolean",
        "md5",
        "sha1",
        "sha256",
        "uuid4",
        "password",
        "pybool",
        "pyint",
        "pyfloat",
        "pydecimal",
        "pystr",
    }
)

#: Never, whatever family defines them: state changers, generators, bulk or non-value builders.
DENIED_RULES = frozenset(
    {
        "seed",
        "seed_instance",
        "seed_locale",
        "add_provider",
        "get_providers",
        "provider",
        "set_formatter",
        "get_formatter",
        "set_arguments",
        "get_arguments",
        "del_arguments",
        "format",
        "parse",
        "binary",
        "zip",
        "tar",
        "image",
        "json",
        "json_bytes",
        "csv",
        "tsv",
        "psv",
        "dsv",
        "xml",
        "fixed_width",
        "time_series",
        "get_words_list",
        "profile",
        "simple_profile",
    }
)

#: Families whose values depend on today's date (``future_date``, ``date_this_year``, an age in
#: an ``ssn``, a card's expiry): a run resolves "today" once and builds their pools with it.
CLOCK_FAMILIES = frozenset({"date_time", "ssn", "passport", "credit_card"})

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def normalize_rule(rule: str) -> str:
    """'faker.first_name()' and 'First Name' both mean the provider ``first_name``."""
    text = rule.strip()
    if text.lower().startswith("faker."):
        text = text[6:]
    if text.endswith("()"):
        text = text[:-2]
    return text.strip().replace(" ", "_").lower()


def rule_problem(rule: str) -> str | None:
    """A sentence if ``rule`` can never be an allowed provider (checked without Faker)."""
    name = normalize_rule(rule)
    if not _NAME.match(name):
        return (
            f"faker_rule {rule!r} is not a provider name; write a plain Faker method name such as "
            "first_name, city or email (no dots, arguments or leading underscores)"
        )
    if name in DENIED_RULES:
        return (
            f"faker_rule {rule!r} is not a data provider; use one such as first_name, city, "
            "company, email or date_of_birth"
        )
    return None


def provider_problem(fake: Any, rule: str) -> str | None:
    """A sentence if ``fake`` (a Faker object) has no allowed data provider named ``rule``."""
    problem = rule_problem(rule)
    if problem is not None:
        return problem
    name = normalize_rule(rule)
    method = getattr(fake, name, None)
    if not callable(method):
        return f"Faker has no provider {rule!r}"
    if name in EXTRA_RULES:
        return None
    family = _family(method)
    if family not in DATA_FAMILIES:
        return (
            f"faker_rule {rule!r} is not one of Faker's data providers (it belongs to "
            f"{family or 'Faker itself'}); use one such as first_name, city, company or email"
        )
    return None


def reads_clock(rule: str) -> bool:
    """Whether the provider ``rule`` gives values relative to today, so its pool depends on
    the run's date (answered from Faker's provider classes, without a Faker object)."""
    import importlib

    name = normalize_rule(rule)
    for family in CLOCK_FAMILIES:
        provider = importlib.import_module(f"faker.providers.{family}").Provider
        if callable(getattr(provider, name, None)):
            return True
    return False


def _family(method: Any) -> str | None:
    """``person`` for a method defined in ``faker.providers.person[.<locale>]``."""
    func = getattr(method, "__func__", method)
    module = getattr(func, "__module__", None) or ""
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "faker" and parts[1] == "providers":
        return parts[2]
    return None
