"""Realistic value lists for lookup tables: languages, categories, countries, currencies ...

Each domain says which tables hold it (a pattern on the table's singular name), which other
tables select it when a word has several meanings (``context``: a category table next to a
``film`` table holds film genres, next to ``event`` and ``venue`` event categories), its values,
and attributes that go with each value (a country's ISO codes and continent, a category's
group), each with the column names that hold it. Only data: :mod:`dwsim_nb.ddl.lookups` applies
it, and any schema that uses these words triggers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dwsim_nb.ddl.countries import COUNTRIES


@dataclass(frozen=True)
class Attribute:
    """Values that go with each of a domain's values, and the column names that hold them."""

    columns: str  # full-match pattern on a normalized column name
    values: tuple[str, ...]  # one per domain value, in the same order
    keep_case: bool = False  # codes keep their case in any column (ISO 639 'en')


@dataclass(frozen=True)
class Domain:
    name: str
    tables: str  # full-match pattern on the table's singular name (lookup affixes removed)
    values: tuple[str, ...]
    context: str | None = None  # another table's name must match (search) for this variant
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)


def _col(rows: Sequence[tuple[str, ...]], i: int) -> tuple[str, ...]:
    return tuple(r[i] for r in rows)


_GROUP = r"((cat|category)_?)?group|.*_group|group_?name|(cat|category)_?type|type|class"
_DESC = r"((cat|category)_?)?desc(ription)?|.*_desc(ription)?"
_EVENT_CATEGORIES = [
    ("MLB", "Sports", "Major League Baseball"),
    ("NHL", "Sports", "National Hockey League"),
    ("NFL", "Sports", "National Football League"),
    ("NBA", "Sports", "National Basketball Association"),
    ("MLS", "Sports", "Major League Soccer"),
    ("Musicals", "Shows", "Musical theatre"),
    ("Plays", "Shows", "All non-musical theatre"),
    ("Opera", "Shows", "All opera and light opera"),
    ("Pop", "Concerts", "All rock and pop music concerts"),
    ("Jazz", "Concerts", "All jazz singers and bands"),
    ("Classical", "Concerts", "All symphony, concerto, and choir concerts"),
]
_FILM_CATEGORIES = (
    "Action",
    "Animation",
    "Children",
    "Classics",
    "Comedy",
    "Documentary",
    "Drama",
    "Family",
    "Foreign",
    "Games",
    "Horror",
    "Music",
    "New",
    "Sci-Fi",
    "Sports",
    "Travel",
)
_MUSIC_GENRES = (
    "Rock",
    "Jazz",
    "Metal",
    "Alternative & Punk",
    "Blues",
    "Latin",
    "Reggae",
    "Pop",
    "Soundtrack",
    "Bossa Nova",
    "Easy Listening",
    "Heavy Metal",
    "R&B/Soul",
    "Electronica/Dance",
    "World",
    "Hip Hop/Rap",
    "Alternative",
    "Classical",
    "Opera",
    "Country",
)
# (category, its group): a shop's departments under a few groups.
_PRODUCT_CATEGORIES = [
    ("Electronics", "Media"),
    ("Books", "Media"),
    ("Clothing", "Fashion"),
    ("Home & Kitchen", "Home"),
    ("Toys & Games", "Leisure"),
    ("Sports & Outdoors", "Leisure"),
    ("Beauty", "Fashion"),
    ("Health", "Everyday"),
    ("Grocery", "Everyday"),
    ("Automotive", "Home"),
    ("Garden", "Home"),
    ("Jewelry", "Fashion"),
    ("Shoes", "Fashion"),
    ("Office Products", "Home"),
    ("Pet Supplies", "Everyday"),
    ("Music", "Media"),
    ("Movies", "Media"),
    ("Baby", "Everyday"),
]
LANGUAGES = [
    ("English", "en"),
    ("Italian", "it"),
    ("Japanese", "ja"),
    ("Mandarin", "zh"),
    ("French", "fr"),
    ("German", "de"),
    ("Spanish", "es"),
    ("Portuguese", "pt"),
    ("Russian", "ru"),
    ("Arabic", "ar"),
    ("Hindi", "hi"),
    ("Korean", "ko"),
    ("Dutch", "nl"),
    ("Swedish", "sv"),
    ("Polish", "pl"),
    ("Turkish", "tr"),
    ("Greek", "el"),
    ("Hebrew", "he"),
    ("Thai", "th"),
    ("Vietnamese", "vi"),
    ("Czech", "cs"),
    ("Danish", "da"),
    ("Finnish", "fi"),
    ("Norwegian", "no"),
    ("Hungarian", "hu"),
    ("Romanian", "ro"),
    ("Ukrainian", "uk"),
    ("Indonesian", "id"),
    ("Malay", "ms"),
    ("Bengali", "bn"),
    ("Persian", "fa"),
    ("Swahili", "sw"),
    ("Tagalog", "tl"),
    ("Urdu", "ur"),
    ("Tamil", "ta"),
]
# TPC-style nations and the five regions they fall in.
_NATIONS = [
    ("Algeria", "Africa"),
    ("Argentina", "America"),
    ("Brazil", "America"),
    ("Canada", "America"),
    ("Egypt", "Middle East"),
    ("Ethiopia", "Africa"),
    ("France", "Europe"),
    ("Germany", "Europe"),
    ("India", "Asia"),
    ("Indonesia", "Asia"),
    ("Iran", "Middle East"),
    ("Iraq", "Middle East"),
    ("Japan", "Asia"),
    ("Jordan", "Middle East"),
    ("Kenya", "Africa"),
    ("Morocco", "Africa"),
    ("Mozambique", "Africa"),
    ("Peru", "America"),
    ("China", "Asia"),
    ("Romania", "Europe"),
    ("Saudi Arabia", "Middle East"),
    ("Vietnam", "Asia"),
    ("Russia", "Europe"),
    ("United Kingdom", "Europe"),
    ("United States", "America"),
]
REGIONS = ("Africa", "America", "Asia", "Europe", "Middle East")
# The continents of the country list (its fourth column), for a continent lookup table.
CONTINENTS = ("Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America")
_CURRENCIES = [
    ("US Dollar", "USD", "$"),
    ("Euro", "EUR", "€"),
    ("Japanese Yen", "JPY", "¥"),
    ("British Pound", "GBP", "£"),
    ("Swiss Franc", "CHF", "Fr"),
    ("Canadian Dollar", "CAD", "$"),
    ("Australian Dollar", "AUD", "$"),
    ("Chinese Yuan", "CNY", "¥"),
    ("Indian Rupee", "INR", "₹"),
    ("Brazilian Real", "BRL", "R$"),
    ("Mexican Peso", "MXN", "$"),
    ("South Korean Won", "KRW", "₩"),
    ("Swedish Krona", "SEK", "kr"),
    ("Norwegian Krone", "NOK", "kr"),
    ("Singapore Dollar", "SGD", "$"),
    ("Hong Kong Dollar", "HKD", "$"),
    ("New Zealand Dollar", "NZD", "$"),
    ("South African Rand", "ZAR", "R"),
    ("Danish Krone", "DKK", "kr"),
    ("Polish Zloty", "PLN", "zł"),
    ("Czech Koruna", "CZK", "Kč"),
    ("Hungarian Forint", "HUF", "Ft"),
    ("Turkish Lira", "TRY", "₺"),
    ("Russian Ruble", "RUB", "₽"),
    ("Israeli New Shekel", "ILS", "₪"),
    ("UAE Dirham", "AED", "Dh"),
    ("Saudi Riyal", "SAR", "SR"),
    ("Thai Baht", "THB", "฿"),
    ("Indonesian Rupiah", "IDR", "Rp"),
    ("Malaysian Ringgit", "MYR", "RM"),
    ("Philippine Peso", "PHP", "₱"),
    ("Vietnamese Dong", "VND", "₫"),
    ("Taiwan Dollar", "TWD", "NT$"),
    ("Chilean Peso", "CLP", "$"),
    ("Colombian Peso", "COP", "$"),
    ("Argentine Peso", "ARS", "$"),
    ("Peruvian Sol", "PEN", "S/"),
    ("Egyptian Pound", "EGP", "£"),
    ("Nigerian Naira", "NGN", "₦"),
    ("Kenyan Shilling", "KES", "KSh"),
    ("Pakistani Rupee", "PKR", "₨"),
    ("Moroccan Dirham", "MAD", "DH"),
]
_CODE = r"(.*_)?(code|abbr|abbrev|iso)"
_ALPHA2 = r"(.*_)?(iso_?2|alpha_?2|code_?2|iso_?code_?2)|(.*_)?(code|iso|iso_code|abbr)"
_ALPHA3 = r"(.*_)?(iso_?3|alpha_?3|code_?3|iso_?code_?3)"

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "event category",
        r"(event_)?(category|cat)",
        _col(_EVENT_CATEGORIES, 0),
        context=r"event|venue|ticket|concert|show",
        attributes=(
            Attribute(_GROUP, _col(_EVENT_CATEGORIES, 1)),
            Attribute(_DESC, _col(_EVENT_CATEGORIES, 2)),
        ),
    ),
    Domain(
        "film category", r"(film_|movie_)?(category|cat|genre)", _FILM_CATEGORIES, r"film|movie"
    ),
    Domain("music genre", r"(music_)?genre", _MUSIC_GENRES),
    Domain(
        "product category",
        r"(product_|item_)?(category|cat)",
        _col(_PRODUCT_CATEGORIES, 0),
        attributes=(Attribute(_GROUP, _col(_PRODUCT_CATEGORIES, 1)),),
    ),
    Domain(
        "language",
        r"lang(uage)?",
        _col(LANGUAGES, 0),
        attributes=(Attribute(_CODE, _col(LANGUAGES, 1), keep_case=True),),
    ),
    Domain(
        "country",
        r"country",
        _col(COUNTRIES, 0),
        attributes=(
            Attribute(_ALPHA3, _col(COUNTRIES, 2), keep_case=True),
            Attribute(_ALPHA2, _col(COUNTRIES, 1), keep_case=True),
            Attribute(r"continent|region(_name)?|area", _col(COUNTRIES, 3)),
        ),
    ),
    Domain(
        "nation",
        r"nation",
        _col(_NATIONS, 0),
        attributes=(Attribute(r"region(_name)?|continent", _col(_NATIONS, 1)),),
    ),
    Domain("region", r"region", REGIONS),
    Domain("continent", r"continent", CONTINENTS),
    Domain(
        "currency",
        r"currenc(y|ie)",
        _col(_CURRENCIES, 0),
        attributes=(
            Attribute(_CODE, _col(_CURRENCIES, 1), keep_case=True),
            Attribute(r"(.*_)?(symbol|sign)", _col(_CURRENCIES, 2), keep_case=True),
        ),
    ),
    Domain(
        "payment method",
        r"payment_?(method|type|mode)|pay_?(method|type)",
        (
            "Credit Card",
            "Debit Card",
            "PayPal",
            "Bank Transfer",
            "Cash",
            "Gift Card",
            "Apple Pay",
            "Google Pay",
        ),
    ),
    Domain(
        "ship mode",
        r"ship_?(mode|method|type)|shipping_?(mode|method|type)|delivery_?(mode|method|type)",
        ("Reg Air", "Air", "Rail", "Ship", "Truck", "Mail", "FOB"),
    ),
    Domain(
        "status",
        r"(.*_)?status",
        ("Pending", "Processing", "Shipped", "Delivered", "Cancelled", "Returned"),
    ),
    Domain(
        "department",
        r"department|dept",
        (
            "Sales",
            "Marketing",
            "Engineering",
            "Finance",
            "Human Resources",
            "Operations",
            "Customer Support",
            "Legal",
            "Information Technology",
            "Research and Development",
            "Purchasing",
            "Administration",
        ),
    ),
    Domain(
        "brand",
        r"brand",
        (
            "Apple",
            "Samsung",
            "Sony",
            "Nike",
            "Adidas",
            "LG",
            "Dell",
            "HP",
            "Lenovo",
            "Canon",
            "Philips",
            "Bosch",
            "Panasonic",
            "Microsoft",
            "Logitech",
            "Asus",
            "Puma",
            "Lego",
        ),
    ),
    Domain(
        "colour",
        r"colou?r",
        (
            "Red",
            "Blue",
            "Green",
            "Black",
            "White",
            "Yellow",
            "Orange",
            "Purple",
            "Pink",
            "Brown",
            "Gray",
            "Silver",
            "Gold",
            "Navy",
            "Beige",
        ),
    ),
)
