"""Runs are numbered per experiment (1, 2, 3 ...) in the API, the CLI and the displays."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from dwsim_nb.catalog import Catalog
from dwsim_nb.cli import main
from dwsim_nb.workspace import Workspace

DDL = "create table t (id int primary key, v varchar(10));"


def test_each_experiment_counts_its_own_runs(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "home")
    a = ws.import_sql(DDL, name="a")
    b = ws.import_sql(DDL, name="b")
    assert a.generate(rows={"t": 5}, seed=1).id == 1
    assert a.generate(rows={"t": 5}, seed=2).id == 2
    first_of_b = b.generate(rows={"t": 5}, seed=3)
    assert first_of_b.id == 1
    assert "Run 1 of 'b'" in repr(first_of_b)
    assert [r.id for r in a.runs()] == [1, 2]
    # Run numbers are what load and run() take; keys stay unique behind them.
    assert a.load(run_id=1).id == 1 and a.loaded_run().id == 1
    assert b.run(1).seed == 3 and a.run(1).seed == 1
    assert len({r.key for r in [*a.runs(), *b.runs()]}) == 3
    # Each run keeps its own folder.
    assert len({r.path for r in [*a.runs(), *b.runs()]}) == 3


def test_cli_shows_and_takes_run_numbers(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "home")
    ws.import_sql(DDL, name="a").generate(rows={"t": 3}, seed=1)
    b = ws.import_sql(DDL, name="b")
    b.generate(rows={"t": 3}, seed=1)
    b.generate(rows={"t": 4}, seed=2, load=False)
    home = ["--home", str(tmp_path / "home")]
    out = CliRunner().invoke(main, [*home, "runs", "b", "--json"])
    assert out.exit_code == 0, out.output
    assert '"id": 1' in out.output and '"id": 2' in out.output and '"id": 3' not in out.output
    out = CliRunner().invoke(main, [*home, "load", "b", "--run", "2"])
    assert out.exit_code == 0, out.output
    assert b.loaded_run().id == 2 and b.query("select count(*) n from t")["n"][0] == 4


def test_old_catalog_runs_are_numbered_per_experiment(tmp_path: Path) -> None:
    """A catalog written when run ids counted across the workspace gets numbers on open."""
    path = tmp_path / "catalog.sqlite"
    Catalog(path)  # today's schema, then made to look old: no number column
    con = sqlite3.connect(path)
    con.executescript("DROP INDEX runs_by_number; ALTER TABLE runs DROP COLUMN number;")
    for name in ("a", "b"):
        con.execute("insert into experiments values (?, 'duckdb', 'ansi', 'x', 'x', 1)", (name,))
    for name in ("a", "b", "a", "b", "b"):
        con.execute(
            "insert into runs (experiment, status, started_at) values (?, 'COMPLETED', 'x')",
            (name,),
        )
    con.commit()
    con.close()
    catalog = Catalog(path)
    assert [(r.id, r.key) for r in catalog.runs("a")] == [(1, 1), (2, 3)]
    assert [(r.id, r.key) for r in catalog.runs("b")] == [(1, 2), (2, 4), (3, 5)]
    assert catalog.start_run("a", 1, "h", 1).id == 3


def test_rows_that_are_not_a_mapping_get_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from dwsim_nb.errors import GenerationError

    exp = Workspace(tmp_path / "home").import_sql(DDL, name="a")
    with pytest.raises(GenerationError, match=r"rows must map table names.*rows=\{'t': 1000\}"):
        exp.generate(rows=5)  # type: ignore[arg-type]
    assert exp.runs() == []
