"""The names an experiment's schema (or file) gets in a warehouse: one per experiment, always.

Engines compare names in their own way: DuckDB and the Snowflake emulator ignore case, SQLite
compares attached databases without case and its files may sit on a case-insensitive disk, and
PostgreSQL cuts every name to 63 bytes. Used as they are, ``Shop`` and ``shop`` (or two long names
that share their first 63 bytes) would land in one schema. :func:`physical_name` keeps a name as
it is when the engine cannot confuse it with another (lower case, short enough: every existing
workspace's usual names), and otherwise spells it as its folded, cut form plus a hash of the exact
name. A kept name never ends the way a hashed one does, so the two kinds never meet.

>>> physical_name("shop", ignore_case=True)
'shop'
>>> physical_name("Shop", ignore_case=True)
'shop_d00aae6b7fbf77a4'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from dwsim_nb.warehouses.redshift_functions import HELPER_SCHEMA

# What a hashed name ends with; a name that already ends so is hashed itself.
_HASH_HEX = 16
_HASHED = re.compile(rf"_[0-9a-fA-F]{{{_HASH_HEX}}}$")


def _same(name: str) -> str:
    return name


def cut_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character (as PostgreSQL
    cuts a long identifier)."""
    return text.encode()[:limit].decode("utf-8", "ignore")


def physical_name(
    name: str,
    *,
    ignore_case: bool,
    max_bytes: int | None = None,
    clean: Callable[[str], str] = _same,
    spell: Callable[[str], str] = _same,
    reserved: Callable[[str], bool] = lambda key: False,
) -> str:
    """The name the engine stores for ``name``: distinct names stay distinct after the engine's
    case folding (``ignore_case``) and length limit (``max_bytes``, UTF-8). ``clean`` maps the
    characters the place cannot hold (a file name's), ``spell`` writes the result as the engine
    wants it spelled (Snowflake: upper case); a name whose key is ``reserved`` (a schema the
    engine or this package keeps for itself, such as PostgreSQL's ``public``) is hashed too."""
    key = name.casefold() if ignore_case else name
    fits = max_bytes is None or len(name.encode()) <= max_bytes
    plain = key == name and clean(name) == name and not reserved(key)
    if plain and fits and not _HASHED.search(name):
        return spell(name)
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_HEX]
    prefix = clean(key)
    if reserved(prefix):
        prefix = "_" + prefix  # a reserved prefix (PostgreSQL's pg_) stays one with a hash after it
    if max_bytes is not None:
        prefix = cut_bytes(prefix, max_bytes - _HASH_HEX - 1)
    return spell(f"{prefix}_{digest}")


def file_safe(name: str) -> str:
    """``name`` with every character a file name may not hold as ``_``."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


# Schemas an engine keeps for itself: an experiment of that name would drop (PostgreSQL's
# ``public``, with whatever else the database holds there) or fail to create them. The Redshift
# emulator's helper functions live in a schema of their own on the same kind of server.
# "warehouse": the catalog name of the warehouse files (``.../warehouse.duckdb``).
DUCKDB_SCHEMAS = frozenset(
    {"main", "information_schema", "pg_catalog", "temp", "system", "warehouse"}
)
POSTGRES_SCHEMAS = frozenset({"public", "information_schema", HELPER_SCHEMA})
