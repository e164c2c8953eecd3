"""Refitting starts from the spec before the workload: what a fit changed (skewed keys, moved
date spans, widened ranges, mixes) is recorded with the previous values and taken back when the
queries change; the same spec + workload + seed give the same data. Also: two date columns
compared hold for a realistic share of rows, and per-query targets from YAML or a dict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.errors import SpecError
from dwsim_nb.spec import parse_spec
from dwsim_nb.spec.rules import DatetimeRule
from dwsim_nb.workspace import Workspace

DDL = """
create table client (client_id integer primary key, city varchar(30));
create table purchase (
    purchase_id integer primary key,
    client_id integer references client(client_id),
    placed date,
    qty integer
);
"""
W1 = (
    "select c.client_id from client c where not exists "
    "(select 1 from purchase p where p.client_id = c.client_id);"
    "select count(*) from purchase where placed between date '1994-01-01' and date '1994-12-31';"
    "select count(*) from purchase where qty > 50;"
    "select count(*) from client where city = 'Springfield'"
)
W2 = "select count(*) from client where city = 'Shelbyville'"
ROWS = {"client": 200, "purchase": 2000}


def _exp(tmp_path: Path, ddl: str = DDL) -> Any:
    return Workspace(tmp_path).import_sql(ddl, name="r", dialect="postgres")


def _data(exp: Any) -> list[tuple[Any, ...]]:
    exp.generate(rows=ROWS, seed=9)
    frame = exp.query(
        "select p.purchase_id, p.client_id, p.placed, p.qty, c.city from purchase p "
        "left join client c on c.client_id = p.client_id order by p.purchase_id"
    )
    return list(frame.itertuples(index=False, name=None))


def _rules(spec: Any) -> dict[str, Any]:
    data = spec.to_dict()
    data.pop("workload", None)
    data.pop("workload_fit", None)
    return data


def test_replacing_the_workload_takes_back_what_the_old_one_changed(tmp_path: Path) -> None:
    exp = _exp(tmp_path)
    before = _rules(exp.spec)
    fk = exp.spec.table("purchase").foreign_keys[0]
    assert fk.cardinality is None or fk.cardinality.kind != "zipf"
    exp.set_workload(W1)
    fitted = exp.spec
    assert fitted.table("purchase").foreign_keys[0].cardinality.kind == "zipf"
    placed = fitted.table("purchase").column("placed").rule
    assert isinstance(placed, DatetimeRule) and placed.start.year <= 1994
    kinds = {c.name: c.rule.kind for c in fitted.table("client").columns if c.rule is not None}
    assert kinds.get("city") == "mix"
    first = _data(exp)
    assert sum(1 for r in first if r[2].year == 1994) > 0 and max(r[3] for r in first) > 50

    exp.set_workload(W2)
    after = exp.spec
    assert after.table("purchase").foreign_keys[0].cardinality == fk.cardinality
    assert (
        after.table("purchase").column("placed").rule
        == exp.spec.table("purchase").column("placed").rule
    )
    assert _rules(after)["tables"][1] == before["tables"][1]  # purchase: as imported
    assert all(r[2].year >= 2000 for r in _data(exp))

    exp.set_workload([])
    assert _rules(exp.spec) == before
    assert exp.spec.workload_fit is None

    exp.set_workload(W1)
    assert _rules(exp.spec) == _rules(fitted)
    assert _data(exp) == first


def test_a_bundle_spec_regenerates_without_the_queries_and_keeps_the_record(
    tmp_path: Path,
) -> None:
    exp = _exp(tmp_path)
    exp.set_workload(W1)
    stored = parse_spec(exp.spec.to_json())
    assert stored.workload_fit is not None and stored.workload_fit.changes
    other = Workspace(tmp_path / "b").create(stored.model_copy(update={"workload": []}))
    assert _data(other) == _data(exp)
    # The record travels: a refit of the copy starts from the pre-workload spec too.
    other.set_workload(W2)
    assert other.spec.table("purchase").foreign_keys[0].cardinality is None


def test_a_column_the_user_edited_after_the_fit_is_left_as_the_user_made_it(
    tmp_path: Path,
) -> None:
    exp = _exp(tmp_path)
    exp.set_workload(W1)
    spec = exp.spec.model_copy(deep=True)
    mine = DatetimeRule(start=dt.date(1980, 1, 1), end=dt.date(1980, 12, 31))
    spec.table("purchase").column("placed").rule = mine
    exp.update(spec)
    exp.set_workload(W2)
    assert exp.spec.table("purchase").column("placed").rule == mine


DATES = """
create table orders (order_id integer primary key, order_date date);
create table items (
    item_id integer primary key,
    order_id integer references orders(order_id),
    ship_date date,
    audit_date date
);
"""


def test_two_date_columns_compared_hold_for_a_realistic_share(tmp_path: Path) -> None:
    exp = _exp(tmp_path, DATES)
    exp.set_workload(
        "select count(*) from orders where order_date < date '1995-06-01';"
        "select count(*) from items where audit_date < ship_date;"
        "select count(*) from items where ship_date < audit_date"
    )
    audit = exp.spec.table("items").column("audit_date").rule
    assert isinstance(audit, DatetimeRule) and str(audit.reason).startswith("from the workload")
    exp.generate(rows={"orders": 300, "items": 1500}, seed=2)
    total = int(exp.query("select count(*) from items").iloc[0, 0])
    for cmp in ("audit_date < ship_date", "ship_date < audit_date"):
        share = int(exp.query(f"select count(*) from items where {cmp}").iloc[0, 0]) / total
        assert 0.05 <= share <= 0.95, (cmp, share)
    # The schema's own order stays: a shipment never precedes its order.
    early = (
        "select count(*) from items i join orders o using (order_id) where ship_date < order_date"
    )
    assert int(exp.query(early).iloc[0, 0]) == 0


TARGETS = """
create table things (thing_id integer primary key, colour varchar(20), size varchar(10));
"""
TARGETED = (
    "select count(*) from things where colour = 'teal';"
    "select count(*) from things where size = 'huge'"
)


def _share(exp: Any, where: str) -> float:
    sql = f"select avg(case when {where} then 1.0 else 0 end) from things"
    return float(exp.query(sql).iloc[0, 0])


def test_targets_from_a_yaml_file_or_a_dict_aim_the_shares(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("q1: share >= 0.6\nq2:\n  rows: 700\n")
    exp = _exp(tmp_path, TARGETS)
    exp.set_workload(TARGETED, selectivity=0.05, targets=path)
    exp.generate(rows={"things": 1000}, seed=1)
    assert _share(exp, "colour = 'teal'") >= 0.55
    assert _share(exp, "size = 'huge'") >= 0.65
    exp.set_workload(TARGETED, targets={"q2": "rows >= 400"})  # replaces the earlier targets
    exp.generate(rows={"things": 1000}, seed=1)
    assert _share(exp, "colour = 'teal'") < 0.2  # back to the stored selectivity
    assert 0.35 <= _share(exp, "size = 'huge'") < 0.6
    with pytest.raises(SpecError, match="q9"):
        exp.set_workload(TARGETED, targets={"q9": "rows >= 1"})
    with pytest.raises(SpecError, match="not a target"):
        exp.set_workload(TARGETED, targets={"q1": "lots"})


def test_the_cli_takes_a_targets_file(tmp_path: Path) -> None:
    exp = _exp(tmp_path, TARGETS)
    queries = tmp_path / "q.sql"
    queries.write_text(TARGETED)
    path = tmp_path / "t.yaml"
    path.write_text("q_2: share >= 0.7\n")
    out = CliRunner().invoke(
        main, ["--home", str(tmp_path), "workload", "r", str(queries), "--targets", str(path)]
    )
    assert out.exit_code == 0, out.output
    fitted = exp.workspace.experiment("r").spec
    assert fitted.workload_fit.targets == {"q_2": "share >= 0.7"}
    exp = exp.workspace.experiment("r")
    exp.generate(rows={"things": 1000}, seed=1)
    assert _share(exp, "size = 'huge'") >= 0.65


def test_a_mix_on_a_large_table_keeps_its_shares_on_any_block_size(tmp_path: Path) -> None:
    """From 65,536 rows a mix deals rows by a keyed uniform draw (cheaper than a permutation):
    the shares still hold, and every block size gives the same rows."""
    import pyarrow.parquet as pq

    from dwsim_nb.engine.generators.mix import HASHED_FROM
    from dwsim_nb.engine.run import generate_run

    exp = _exp(tmp_path, TARGETS)
    exp.set_workload(TARGETED, selectivity=0.2)
    n = HASHED_FROM + 4_000
    out = {}
    for block in (4_096, 30_000):
        folder = tmp_path / f"b{block}"
        generate_run(exp.spec, folder, rows={"things": n}, seed=5, block_size=block, workers=1)
        out[block] = pq.read_table(sorted((folder / "things").glob("*.parquet")))
    assert out[4_096].column("colour").to_pylist() == out[30_000].column("colour").to_pylist()
    colours = out[4_096].column("colour").to_pylist()
    assert abs(colours.count("teal") / n - 0.2) < 0.01
