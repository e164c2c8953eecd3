"""Text longer than its column is shortened at a word's end where it has words: a company
name in a VARCHAR(25) reads "Harris, Mitchell", not "Harris, Mitchell and Schn"."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dwsim_nb.engine.context import _truncate, fit_words
from dwsim_nb.engine.generators.faker_pools import pool
from dwsim_nb.workspace import Workspace


@pytest.mark.parametrize(
    ("value", "length", "want"),
    [
        ("Harris, Mitchell and Schneider", 25, "Harris, Mitchell"),
        ("Smith & Sons of Houston", 14, "Smith & Sons"),
        ("Will management table series strategy", 25, "Will management table"),
        ("Short", 25, "Short"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij"),  # no word: the plain cut
        ("ab cdefghijklmnopqrstuvwxyz", 10, "ab cdefghi"),  # too little left at a word's end
    ],
)
def test_fit_words(value: str, length: int, want: str) -> None:
    got = fit_words(value, length)
    assert got == want
    assert len(got) <= length


def test_pool_values_are_shortened_at_words() -> None:
    pool = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 0], pa.int32()), pa.array(["Harris, Mitchell and Schneider", None])
    )
    out = _truncate(pool, 25)
    assert out.to_pylist() == ["Harris, Mitchell", None, "Harris, Mitchell"]


def test_company_names_in_a_narrow_column_end_with_whole_words(tmp_path: object) -> None:
    ddl = (
        "CREATE TABLE supplier (s_suppkey INT PRIMARY KEY, s_name VARCHAR(25) NOT NULL,"
        " s_phone VARCHAR(15));"
    )
    exp = Workspace(tmp_path).import_sql(ddl, dialect="postgres", name="sup")  # type: ignore[arg-type]
    exp.generate(rows={"supplier": 2_000}, seed=3)
    names = exp.query("SELECT s_name FROM supplier")["s_name"].tolist()
    assert all(len(n) <= 25 for n in names)
    assert not [n for n in names if n.endswith((" and", ",", "&"))]
    # Each name is a company name of the pool or its first whole words, never a word cut.
    full = [str(v) for v in pool("company").to_pylist()]
    assert exp.spec.tables[0].columns[1].rule.provider == "company"
    cut = [
        n for n in set(names) if not any(f == n or f.startswith((n + " ", n + ",")) for f in full)
    ]
    assert not cut
