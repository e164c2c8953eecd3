"""A gender column beside a first name takes the name's gender (F for a woman's, M for a man's),
as a courtesy title does; a rule the DDL gives it stays."""

from __future__ import annotations

from pathlib import Path

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine.generators.courtesy import first_name_genders
from dwsim_nb.engine.generators.faker_pools import pool
from dwsim_nb.spec.rules import RecordRule
from dwsim_nb.workspace import Workspace

DDL = """
create table member (member_id int primary key, first_name varchar(30),
    last_name varchar(30), sex char(1), joined date);
"""


def test_gender_is_inferred_as_part_of_the_person() -> None:
    rule = import_sql(DDL, dialect="postgres").table("member").column("sex").rule
    assert isinstance(rule, RecordRule) and rule.record == "person" and rule.field == "gender"
    assert "first name in first_name" in (rule.reason or "")


def test_a_check_keeps_its_values() -> None:
    ddl = DDL.replace("sex char(1)", "sex varchar(6) check (sex in ('male', 'female'))")
    rule = import_sql(ddl, dialect="postgres").table("member").column("sex").rule
    assert not isinstance(rule, RecordRule)


def test_generated_genders_follow_first_names(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, dialect="postgres", name="people")
    exp.generate(rows={"member": 2000}, seed=5)
    rows = exp.query("select first_name, sex from member")
    names = pool("first_name", "en_US").to_pylist()
    known = dict(zip(names, first_name_genders("en_US").tolist(), strict=True))
    expected = {1: "F", 2: "M"}
    checked = 0
    for name, sex in zip(rows["first_name"], rows["sex"], strict=True):
        assert sex in ("F", "M")
        if known.get(name) in expected:
            assert sex == expected[known[name]], name
            checked += 1
    assert checked > 1000
    assert set(rows["sex"]) == {"F", "M"}
