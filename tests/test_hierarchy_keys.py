"""Hierarchies along a foreign key: a child lookup row points at the parent lookup row that
contains it (a nation's region, a country's continent), by a ``match`` cardinality."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim_nb.ddl import import_sql
from dwsim_nb.ddl.countries import COUNTRIES
from dwsim_nb.ddl.infer import infer_rules
from dwsim_nb.spec.models import Cardinality, ExperimentSpec
from dwsim_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "corpus"
# TPC-H's own nation -> region assignment (specification, clause 4.2.3).
TPCH_ASIA = {"INDIA", "INDONESIA", "JAPAN", "CHINA", "VIETNAM"}

CONTINENTS_DDL = """
create table continent (continent_id int primary key, name varchar(40) not null);
create table country (
    country_id int primary key,
    name varchar(60) not null,
    iso_code char(2),
    continent_id int not null references continent (continent_id)
);
"""


def _tpch(tmp_path: Path, **rows: int) -> object:
    ws = Workspace(tmp_path)
    exp = ws.import_sql((CORPUS / "ddl" / "tpch.sql").read_text(), dialect="ansi", name="tpch")
    exp.generate(rows={"region": 5, "nation": 25, **rows}, seed=7)
    return exp


def test_nation_key_matches_its_region_by_name() -> None:
    spec = import_sql((CORPUS / "ddl" / "tpch.sql").read_text(), dialect="ansi")
    fk = spec.table("nation").foreign_keys[0]
    assert fk.cardinality is not None and fk.cardinality.kind == "match"
    assert fk.cardinality.mapping is not None
    assert fk.cardinality.mapping["FRANCE"] == "EUROPE"
    assert fk.cardinality.mapping["EGYPT"] == "MIDDLE EAST"
    assert (fk.cardinality.reason or "").startswith("hierarchy")


def test_tpch_nations_join_their_regions_and_q05_finds_asia(tmp_path: Path) -> None:
    exp = _tpch(tmp_path)
    pairs = exp.query(
        "select trim(n_name) as n, trim(r_name) as r from nation join region "
        "on n_regionkey = r_regionkey"
    )
    got = dict(zip(pairs["n"], pairs["r"], strict=True))
    assert len(got) == 25
    assert got["FRANCE"] == "EUROPE" and got["JAPAN"] == "ASIA"
    assert got["BRAZIL"] == "AMERICA" and got["EGYPT"] == "MIDDLE EAST"
    assert {n for n, r in got.items() if r == "ASIA"} == TPCH_ASIA
    # q05 as written, its one-year window moved to the first year the orders cover.
    first = str(exp.query("select min(o_orderdate) as d from orders").iloc[0, 0])[:4]
    q05 = (CORPUS / "tpch" / "q05.sql").read_text().replace("1994-01-01", f"{first}-01-01")
    result = exp.query(q05.strip().rstrip(";"))
    assert len(result) >= 1
    assert {n.strip() for n in result["n_name"]} <= TPCH_ASIA


def test_country_points_at_its_continent(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    exp = ws.import_sql(CONTINENTS_DDL, dialect="postgres", name="geo")
    fk = exp.spec.table("country").foreign_keys[0]
    assert fk.cardinality is not None and fk.cardinality.kind == "match"
    exp.generate(rows={"continent": 7, "country": 200}, seed=3)
    df = exp.query(
        "select c.name as country, k.name as continent from country c "
        "join continent k on c.continent_id = k.continent_id"
    )
    truth = {c[0]: c[3] for c in COUNTRIES}
    assert len(df) == 200
    assert all(truth[c] == k for c, k in zip(df["country"], df["continent"], strict=True))


def test_user_cardinality_is_kept() -> None:
    spec = import_sql(CONTINENTS_DDL, dialect="postgres")
    data = spec.model_dump()
    for t in data["tables"]:
        if t["name"] == "country":
            t["foreign_keys"][0]["cardinality"] = {"kind": "zipf", "s": 1.5}
    again = infer_rules(ExperimentSpec.model_validate(data))
    card = again.table("country").foreign_keys[0].cardinality
    assert card is not None and card.kind == "zipf"


def test_unmapped_values_fall_back_to_any_parent(tmp_path: Path) -> None:
    """Names outside the mapping (a user's own list) still join some region: no orphans."""
    ws = Workspace(tmp_path)
    exp = ws.import_sql((CORPUS / "ddl" / "tpch.sql").read_text(), dialect="ansi", name="tpch")
    exp.generate(
        rows={"region": 5, "nation": 4},
        seed=7,
        columns={"nation": {"n_name": {"values": ["ATLANTIS", "FRANCE", "MU", "LEMURIA"]}}},
    )
    df = exp.query(
        "select trim(n_name) as n, trim(r_name) as r from nation left join region "
        "on n_regionkey = r_regionkey"
    )
    assert df["r"].notna().all()
    assert dict(zip(df["n"], df["r"], strict=True))["FRANCE"] == "EUROPE"


def test_match_needs_its_columns() -> None:
    with pytest.raises(ValueError, match="match cardinality needs"):
        Cardinality(kind="match", column="n_name")
