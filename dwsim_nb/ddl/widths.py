"""What a column's width says: ``CHAR(1) active_flag`` holds Y or N, ``CHAR(2) lang`` an ISO 639
code, ``CHAR(3) currency`` an ISO 4217 code, and ``DECIMAL(3,2)`` nothing above 9.99.

A name alone says "a flag" or "a language"; the width says which spelling of it the column holds
(a word does not fit in one character). Rules here run before the name-only rules of
:mod:`dwsim_nb.ddl.infer` and carry a reason starting "width".
"""

from __future__ import annotations

import math
import re

from dwsim_nb.spec.rules import ValuesRule
from dwsim_nb.spec.tables import Column

_FLAG = re.compile(
    r"flag|(^|_)(yn|ind|indicator)$|^(is|has|can|was)_|(^|_)(active|enabled|deleted|valid|"
    r"current|primary|default|verified|paid|shipped)$"
)
_GENDER = re.compile(r"gender|(^|_)sex$")
_STATUS = re.compile(r"status|state_?code$|(^|_)stat$")
_CODE_LETTER = re.compile(r"(^|_)(type|code|class|kind|level|grade|tier|category|cat|priority)$")
_LANGUAGE = re.compile(r"(^|_)(lang|language|locale)(_?(code|id|iso|cd))?$")
_CURRENCY = re.compile(r"(^|_)(currency|curr|ccy|cur)(_?(code|iso|cd))?$|currency")
_COUNTRY = re.compile(r"country|nation")

# ISO 639-1 and 639-2 codes of widely spoken languages, most common first.
LANGUAGES_2 = ["en", "es", "fr", "de", "pt", "it", "zh", "ja", "ru", "ar", "hi", "ko", "nl", "sv"]
LANGUAGES_3 = ["eng", "spa", "fra", "deu", "por", "ita", "zho", "jpn", "rus", "ara", "hin", "kor"]
# ISO 4217 codes of the most traded currencies.
CURRENCIES = ["USD", "EUR", "JPY", "GBP", "CNY", "AUD", "CAD", "CHF", "HKD", "SGD", "SEK", "MXN"]
# ISO 3166-1 alpha-3 codes of populous or trading countries.
COUNTRIES_3 = ["USA", "CHN", "IND", "DEU", "GBR", "FRA", "JPN", "BRA", "CAN", "MEX", "ESP", "ITA"]


def _skewed(values: list[str], reason: str) -> ValuesRule:
    """Values with weights falling by rank (the first is the most common), as in real data."""
    weights = [round(1.0 / (i + 1), 4) for i in range(len(values))]
    return ValuesRule(values=values, weights=weights, reason=reason)


def width_rule(col: Column, name: str) -> ValuesRule | None:
    """The rule a string column's width and (normalised) name give together, or None."""
    width = col.varchar_length
    if width is None or col.is_unique:
        return None
    shown = f"{col.data_type}({width})"
    if width == 1:
        if _FLAG.search(name):
            why = f"width: a {shown} flag holds Y or N"
            return ValuesRule(values=["Y", "N"], weights=[0.7, 0.3], reason=why)
        if _GENDER.search(name):
            why = f"width: a {shown} gender holds one letter"
            return ValuesRule(values=["F", "M"], weights=[0.5, 0.5], reason=why)
        if _STATUS.search(name):
            why = f"width: a {shown} status holds one letter (Active, Pending, Inactive, Closed)"
            return ValuesRule(
                values=["A", "P", "I", "C"], weights=[0.6, 0.2, 0.15, 0.05], reason=why
            )
        if _CODE_LETTER.search(name):
            return _skewed(["A", "B", "C", "D", "E"], f"width: a {shown} code holds one letter")
        return None
    if _LANGUAGE.search(name):
        if width == 3:
            return _skewed(LANGUAGES_3, f"width: a {shown} language is an ISO 639-2 code")
        if width < 8:
            return _skewed(LANGUAGES_2, f"width: a {shown} language is an ISO 639-1 code")
        return None
    if 3 <= width <= 4 and _CURRENCY.search(name):
        return _skewed(CURRENCIES, f"width: a {shown} currency is an ISO 4217 code")
    if width == 3 and col.data_type == "CHAR" and _COUNTRY.search(name):
        return _skewed(COUNTRIES_3, f"width: a {shown} country is an ISO 3166 alpha-3 code")
    return None


def type_max(col: Column) -> float:
    """The largest value a numeric column's type holds (``DECIMAL(3,2)``: 9.99)."""
    if col.data_type == "DECIMAL" and col.precision is not None:
        scale = col.scale or 0
        if scale == 0:
            return 10**col.precision - 1
        return round(10.0 ** (col.precision - scale) - 10.0**-scale, scale)
    if col.data_type == "SMALLINT":
        return 32767
    if col.data_type == "INT":
        return 2**31 - 1
    return math.inf
