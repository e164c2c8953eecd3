"""Suggested relationships: joins on columns no foreign key declares become suggestions, also
through several tables; key-like ones are accepted by default, the user accepts or rejects any,
and a rejection survives refits. Checked on generated data (orphans, join counts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.errors import SpecError
from dwsim_nb.workspace import Workspace

# No key declared anywhere but dept.name (unique), as Snowflake schemas often are.
DDL = """
create table cust (cust_id integer, cust_name varchar(40));
create table ord (ord_id integer, cust_id integer, total integer);
create table line (line_id integer, ord_id integer, qty integer);
create table refund (refund_id integer, ord_id integer, amount integer);
create table dept (name varchar(20) unique, budget integer);
create table emp (emp_id integer, dept_name varchar(20));
"""
CHAIN = (
    "select count(*) from line l, ord o, cust c where l.ord_id = o.ord_id and o.cust_id = c.cust_id"
)
# refund.ord_id is equal to line.ord_id only, which is equal to the key ord.ord_id.
THROUGH = (
    "select count(*) from line l join ord o on l.ord_id = o.ord_id "
    "join refund r on r.ord_id = l.ord_id"
)
NOT_KEYLIKE = "select e.emp_id from emp e join dept d on e.dept_name = d.name"
WORKLOAD = ";\n".join([CHAIN, THROUGH, NOT_KEYLIKE])
ROWS = {"cust": 50, "ord": 300, "line": 900, "refund": 120, "dept": 8, "emp": 200}


def _exp(tmp_path: Path) -> Any:
    exp = Workspace(tmp_path).import_sql(DDL, name="s", dialect="snowflake")
    exp.set_workload(WORKLOAD)
    return exp


def _fks(exp: Any) -> set[tuple[str, str, str]]:
    return {
        (t.name, fk.columns[0], fk.references_table)
        for t in exp.spec.tables
        for fk in t.foreign_keys
    }


def _n(exp: Any, sql: str) -> int:
    return int(exp.query(sql).iloc[0, 0])


def test_a_chain_of_joins_without_keys_is_suggested_and_accepted(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    frame = exp.suggestions()
    found = {(r.child, r.parent): r for r in frame.itertuples()}
    assert set(found) == {
        ("line.ord_id", "ord.ord_id"),
        ("ord.cust_id", "cust.cust_id"),
        ("refund.ord_id", "ord.ord_id"),
        ("emp.dept_name", "dept.name"),
    }
    assert found[("refund.ord_id", "ord.ord_id")].queries == "q2"
    assert found[("line.ord_id", "ord.ord_id")].queries == "q1, q2"
    keylike = {k for k, r in found.items() if r.key_like}
    assert ("emp.dept_name", "dept.name") not in keylike and len(keylike) == 3
    assert {k for k, r in found.items() if r.accepted} == keylike
    assert ("refund", "ord_id", "ord") in _fks(exp)
    assert ("emp", "dept_name", "dept") not in _fks(exp)
    exp.generate(rows=ROWS, seed=3)
    for child, parent in [("line", "ord"), ("refund", "ord")]:
        orphans = f"select count(*) from {child} where ord_id not in (select ord_id from {parent})"
        assert _n(exp, orphans) == 0
    assert _n(exp, "select count(*) - count(distinct ord_id) from ord") == 0
    assert _n(exp, CHAIN) == _n(exp, "select count(*) from line where ord_id is not null")
    assert "suggested relationships" in frame._repr_html_()


def test_accept_and_reject_change_the_spec_and_a_rejection_survives_refits(
    tmp_path: Path,
) -> None:
    exp = _exp(tmp_path)
    exp.accept_suggestion("emp.dept_name")
    exp.reject_suggestion("refund.ord_id -> ord.ord_id")
    fks = _fks(exp)
    assert ("emp", "dept_name", "dept") in fks and ("refund", "ord_id", "ord") not in fks
    assert not any("refund(ord_id)" in n for n in exp.spec.notes)
    exp.set_workload(WORKLOAD)  # a refit with the same queries
    exp.add_workload("select r.amount from refund r join ord o on o.ord_id = r.ord_id")
    assert ("refund", "ord_id", "ord") not in _fks(exp)
    decisions = dict(zip(exp.suggestions().child, exp.suggestions().decision, strict=True))
    assert decisions["refund.ord_id"] == "rejected" and decisions["emp.dept_name"] == "accepted"
    exp.generate(rows=ROWS, seed=4)
    unknown = "select count(*) from emp where dept_name not in (select name from dept)"
    assert _n(exp, unknown) == 0
    # Rejected: refund's ord_id is drawn on its own, so some match no order.
    refund_orphans = "select count(*) from refund where ord_id not in (select ord_id from ord)"
    assert _n(exp, refund_orphans) > 0
    with pytest.raises(SpecError, match=r"line\.ord_id"):
        exp.reject_suggestion("line.qty")


def test_the_cli_lists_and_rejects_suggestions_and_show_gives_the_reason(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    home = ["--home", str(tmp_path)]
    runner = CliRunner()
    out = runner.invoke(main, [*home, "workload", "s", "--suggestions", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    accepted = {r["child"] for r in rows if r["accepted"]}
    assert accepted == {"line.ord_id", "ord.cust_id", "refund.ord_id"}
    out = runner.invoke(main, [*home, "workload", "s", "--reject", "ord.cust_id"])
    assert out.exit_code == 0, out.output
    assert ("ord", "cust_id", "cust") not in _fks(exp.workspace.experiment("s"))
    out = runner.invoke(main, [*home, "workload", "s", "--accept", "emp.dept_name"])
    assert out.exit_code == 0, out.output
    shown = runner.invoke(main, [*home, "show", "s", "--why"], env={"COLUMNS": "400"})
    why = " ".join(shown.output.split())
    # line.ord_id is named like ord's key, so the import made it a foreign key already; a join
    # on a column no name ties (emp.dept_name = dept.name) is a foreign key from the workload.
    assert "ord_id names ord's key ord_id" in why
    assert "suggested foreign key emp(dept_name) -> dept(name), from the workload" in why
