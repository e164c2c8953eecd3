"""Phone numbers in one format per locale, as a system stores them.

Faker writes a locale's numbers in many shapes (``(503)555-0142``, ``503.555.0142x431``,
``+1-503-555-0142``, ``001-503-555-0142``); one column of a real table holds one shape, the one
its application writes. Every phone here is the number's digits, without an extension, in one
format: national (``503-555-0142`` in North America, groups of digits elsewhere) or
international (``+44 117 496 0852``: the calling code, then groups of digits). Address records
(:mod:`.record_pools`) and ``phone_number`` Faker columns (:mod:`.faker_pools`) both use it.
"""

from __future__ import annotations

import re

import pyarrow as pa

# Calling codes of the locales whose numbers are reformatted; numbers of other locales keep
# Faker's shape, less any extension.
CALLING_CODES: dict[str, str] = {
    "en_US": "1",
    "en_CA": "1",
    "fr_CA": "1",
    "en_GB": "44",
    "en_IE": "353",
    "en_AU": "61",
    "en_NZ": "64",
    "de_DE": "49",
    "de_AT": "43",
    "de_CH": "41",
    "fr_FR": "33",
    "fr_CH": "41",
    "es_ES": "34",
    "it_IT": "39",
    "nl_NL": "31",
    "nl_BE": "32",
    "pt_PT": "351",
    "pt_BR": "55",
    "es_MX": "52",
    "sv_SE": "46",
    "da_DK": "45",
    "no_NO": "47",
    "fi_FI": "358",
    "pl_PL": "48",
}
_EXTENSION = re.compile(r"\s*(x|ext\.?|extension)\s*\d*\s*$", re.IGNORECASE)


def _groups(digits: str) -> str:
    """Digits in groups of three, the last of two to four (``117 496 0852``, never a lone
    last digit)."""
    parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    if len(parts) > 1 and len(parts[-1]) == 1:
        parts[-2:] = [parts[-2] + parts[-1]]
    return " ".join(parts)


def format_phone(raw: str, calling: str, international: bool) -> str:
    """A number of the country with ``calling`` code in one format: national (US style for +1,
    groups of digits elsewhere) or with its calling code."""
    text = _EXTENSION.sub("", raw)
    digits = re.sub(r"\D", "", text)
    for prefix in ("00" + calling, calling if text.lstrip().startswith("+") else None):
        if prefix and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    digits = digits.lstrip("0") if calling != "1" else digits[-10:]
    if calling == "1" and len(digits) == 10:
        if international:
            return f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"+{calling} {_groups(digits)}" if international else _groups(digits)


def national_phones(raw: pa.Array, locale: str) -> pa.Array:
    """Faker's numbers of ``locale`` in the locale's national format (extensions dropped)."""
    calling = CALLING_CODES.get(locale.replace("-", "_"))
    values = [str(v or "") for v in raw.to_pylist()]
    if calling is None:
        return pa.array([_EXTENSION.sub("", v) for v in values], pa.string())
    return pa.array([format_phone(v, calling, international=False) for v in values], pa.string())
