"""Fuzz: random and mutated DDL, and random spec dicts, only ever raise DwsimError subclasses.

Profiles: "ci" (default, a few seconds) and "long" (set DWSIM_FUZZ_PROFILE=long).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dwsim_nb.ddl import import_sql
from dwsim_nb.errors import DwsimError
from dwsim_nb.spec import parse_spec

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("DWSIM_FUZZ_PROFILE", "ci"))

CORPUS = [
    p.read_text(encoding="utf-8")
    for p in sorted((Path(__file__).parent / "corpus" / "ddl").glob("*.sql"))
]
DIALECTS = ["redshift", "snowflake", "postgres", "duckdb", "ansi", "sqlite", "generic"]
SQL_BITS = [
    "CREATE",
    "TABLE",
    "(",
    ")",
    ",",
    ";",
    "'",
    '"',
    "$$",
    "--",
    "/*",
    "*/",
    "PRIMARY",
    "KEY",
    "REFERENCES",
    "FOREIGN",
    "ALTER",
    "ADD",
    "INT",
    "VARCHAR(",
    "NOT NULL",
    "DEFAULT",
    "IDENTITY(1,1)",
    "SORTKEY",
    "DISTKEY",
    "CLUSTER BY",
    "AS",
    "SELECT",
    "\\.",
    "\n",
    " ",
    "x",
    '"t"',
    "ENUM",
    "DOMAIN",
    "PARTITION OF",
    "[]",
    "::",
    "\x00",
]


def check(sql: str, dialect: str, strict: bool) -> None:
    try:
        spec = import_sql(sql, dialect, strict=strict)
    except DwsimError:
        return
    assert spec.tables  # a spec without tables must have been an error
    spec.to_ddl("duckdb")


@given(st.text(max_size=300), st.sampled_from(DIALECTS), st.booleans())
def test_random_text(sql: str, dialect: str, strict: bool) -> None:
    check(sql, dialect, strict)


@given(st.lists(st.sampled_from(SQL_BITS), max_size=60), st.sampled_from(DIALECTS))
def test_random_sql_tokens(bits: list[str], dialect: str) -> None:
    check(" ".join(bits), dialect, False)


@st.composite
def mutated_corpus(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "truncate", "lines", "insert"]))
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + draw(st.integers(1, 40)))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "truncate":
            text = text[:i]
        elif kind == "insert":
            text = text[:i] + draw(st.sampled_from(SQL_BITS)) + text[i:]
        else:
            lines = text.splitlines()
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            lines = lines[:k] + lines[k + 1 :] if draw(st.booleans()) else lines + lines[k : k + 1]
            text = "\n".join(lines)
    return text


@given(mutated_corpus(), st.sampled_from(DIALECTS), st.booleans())
def test_mutated_corpus(sql: str, dialect: str, strict: bool) -> None:
    check(sql, dialect, strict)


_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["INT", "VARCHAR(10)", "DATE", "x"]),
)
_json = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_column = st.fixed_dictionaries(
    {"name": st.text(max_size=8), "data_type": st.sampled_from(["INT", "VARCHAR", "DATE", "?"])},
    optional={
        "values": _json,
        "weights": _json,
        "min_value": _leaf,
        "max_value": _leaf,
        "foreign_key": _json,
        "required": _leaf,
        "is_unique": _leaf,
        "faker_rule": _leaf,
    },
)
_table = st.fixed_dictionaries(
    {"name": st.text(max_size=8), "columns": st.lists(_column, max_size=4)},
    optional={
        "primary_key": _json,
        "foreign_keys": _json,
        "target_rows": _leaf,
        "composite_keys": _json,
        "unique": _json,
    },
)
_spec = st.one_of(
    _json,
    st.fixed_dictionaries(
        {"name": st.text(max_size=8), "tables": st.lists(_table, max_size=3)},
        optional={"dialect": _leaf, "target_warehouse": _leaf},
    ),
)


@given(_spec)
def test_random_spec_dicts(data: Any) -> None:
    try:
        spec = parse_spec(data)
    except DwsimError:
        return
    assert spec.tables is not None and spec.to_dict()["name"] == spec.name
