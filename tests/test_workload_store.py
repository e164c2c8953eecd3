"""A workload belongs to an experiment: read from text, files and folders, stored with the spec,
carried in bundles, shown, and reached from the command line and the magics; coverage counts
each query's rows on the loaded data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.errors import QueryError
from dwsim_nb.workload import read_workload, split_statements
from dwsim_nb.workspace import Workspace

DDL = """
create table region (r_regionkey integer primary key, r_name varchar(25) not null);
create table nation (
    n_nationkey integer primary key,
    n_name varchar(25) not null,
    n_regionkey integer not null references region (r_regionkey)
);
"""
EUROPE = (
    "select n_name from nation join region on n_regionkey = r_regionkey where r_name = 'EUROPE'"
)


def test_split_keeps_semicolons_in_strings_and_comments() -> None:
    sql = """-- the first; with a comment
    select 'a;b' as x from t;
    /* between; statements */ select "c;d" from u
    ;;
    -- a trailing comment only;
    """
    parts = split_statements(sql, "postgres")
    assert len(parts) == 2
    assert "'a;b'" in parts[0] and parts[0].startswith("-- the first")
    assert '"c;d"' in parts[1] and not parts[1].rstrip().endswith(";")


def test_names_from_files_folders_and_text(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "q01.sql").write_text("select 1;")
    (folder / "q02.sql").write_text("select 2; -- second\nselect 3;")
    (folder / "notes.txt").write_text("select 99;")
    queries = read_workload([folder, "select 4; select 5"], "duckdb")
    assert [q.name for q in queries] == ["q01", "q02_1", "q02_2", "q4", "q5"]
    assert [q.sql.split()[-1] for q in queries] == ["1", "2", "3", "4", "5"]
    again = read_workload("select 6", "duckdb", taken=["q1", "q2"])
    assert again[0].name == "q3"


def test_unreadable_sources_name_the_fix(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(QueryError, match=r"no \.sql files"):
        read_workload(empty, "duckdb")
    with pytest.raises(QueryError, match="not int"):
        read_workload(5, "duckdb")


def test_stored_with_the_spec_shown_and_carried_in_a_bundle(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    exp = ws.import_sql(DDL, name="geo", dialect="postgres", workload=EUROPE)
    assert [q.name for q in exp.workload] == ["q1"]
    exp.add_workload("select count(*) from region; select * from nation where n_name = 'FRANCE'")
    # A fresh workspace object reads the workload back from the catalog.
    stored = Workspace(tmp_path / "ws").experiment("geo")
    assert [q.name for q in stored.workload] == ["q1", "q2", "q3"]
    assert "workload: 3 queries (q1, q2, q3)" in repr(stored)
    assert "workload: 3 queries" in stored._repr_html_()
    rule = stored.spec.table("nation").column("n_name").rule
    assert rule is not None and rule.reason == "from the workload: q3"
    stored.generate(rows={"region": 5, "nation": 25}, seed=3)
    out = stored.export_bundle(tmp_path / "bundle")
    bundled = json.loads((out / "spec.json").read_text())
    assert [q["name"] for q in bundled["workload"]] == ["q1", "q2", "q3"]
    back = Workspace(tmp_path / "ws2").import_bundle(out, name="geo2")
    assert [q.sql for q in back.workload] == [q.sql for q in stored.workload]
    assert len(back.query(EUROPE)) > 0


def test_set_workload_replaces_and_refits(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, name="geo", dialect="postgres", workload=EUROPE)
    assert "EUROPE" in exp.spec.table("region").column("r_name").rule.values  # type: ignore[union-attr]
    exp.set_workload("select * from region where r_name = 'ASIA'")
    rule: Any = exp.spec.table("region").column("r_name").rule
    # The earlier workload's literal is taken back, not piled up.
    assert rule.values == ["ASIA"] and [q.name for q in exp.workload] == ["q1"]


def test_a_workload_without_predicates_keeps_the_fingerprint(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, name="geo", dialect="postgres")
    before = exp.spec.fingerprint()
    exp.set_workload("select count(*) from nation")
    assert exp.spec.fingerprint() == before and len(exp.workload) == 1


def test_coverage_counts_rows_and_names_errors(tmp_path: Path) -> None:
    exp = Workspace(tmp_path).import_sql(DDL, name="geo", dialect="postgres")
    exp.set_workload(
        [
            "select * from nation",
            "select * from region where r_name = 'nowhere' and 1 = 0",
            "select * from no_such_table",
        ]
    )
    exp.generate(rows={"region": 5, "nation": 25}, seed=1)
    cov = exp.coverage()
    assert list(cov["query"]) == ["q1", "q2", "q3"]
    assert cov["rows"].iloc[0] == 25 and cov["status"].iloc[0] == "ok"
    assert cov["rows"].iloc[1] == 0 and cov["status"].iloc[1] == "empty"
    assert cov["status"].iloc[2].startswith("error: ") and "no_such_table" in cov["status"].iloc[2]
    assert "\n" not in cov["status"].iloc[2]


def test_cli_import_with_workload_then_workload_and_coverage(tmp_path: Path) -> None:
    runner, home = CliRunner(), ["--home", str(tmp_path / "ws")]
    ddl = tmp_path / "schema.sql"
    ddl.write_text(DDL)
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "europe.sql").write_text(EUROPE + ";")
    args = [*home, "import-sql", str(ddl), "-n", "geo", "-d", "postgres"]
    result = runner.invoke(main, [*args, "--workload", str(queries), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    spec = json.loads(result.output)
    assert spec["workload"][0]["name"] == "europe"
    assert spec["tables"][0]["columns"][1]["rule"]["values"] == ["EUROPE"]
    assert runner.invoke(main, [*args, "--workload", str(queries)]).exit_code == 0
    extra = tmp_path / "extra.sql"
    extra.write_text("select * from nation where n_name in ('PERU', 'CHINA');")
    result = runner.invoke(main, [*home, "workload", "geo", str(extra), "--add", "--json"])
    assert result.exit_code == 0, result.output
    assert [q["name"] for q in json.loads(result.output)] == ["europe", "extra"]
    assert runner.invoke(main, [*home, "generate", "geo", "-r", "nation=25"]).exit_code == 0
    result = runner.invoke(main, [*home, "coverage", "geo", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["status"] for r in rows] == ["ok", "ok"] and all(r["rows"] > 0 for r in rows)
    result = runner.invoke(main, [*home, "coverage", "nope"])
    assert result.exit_code == 1


def test_magics_set_workload_and_show_coverage(ip: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from IPython.utils.capture import capture_output

    monkeypatch.setenv("DWSIM_HOME", str(tmp_path / "ws"))
    ws = Workspace(tmp_path / "ws")
    ws.import_sql(DDL, name="geo", dialect="postgres")
    for name in ("dwsim_workload", "dwsim_coverage"):
        with capture_output() as cap:
            assert ip.run_line_magic(name, "--help") is None
        assert f"%{name}" in cap.stdout
    with capture_output() as cap:
        ip.run_cell_magic("dwsim_workload", "geo", EUROPE + ";\nselect * from region;")
    assert "2 workload queries (q1, q2)" in _shown(cap)
    ws.experiment("geo").generate(rows={"region": 5, "nation": 25}, seed=2)
    with capture_output() as cap:
        ip.run_line_magic("dwsim_coverage", "geo")
    plain = cap.stdout + "".join(str(o.data.get("text/plain", "")) for o in cap.outputs)
    assert "q1" in plain and "q2" in plain and "2 of 2 queries find rows" in plain
    assert "error" not in plain
    html = "".join(str(o.data.get("text/html", "")) for o in cap.outputs)
    assert html.count("dwsim-coverage-ok") == 2 and "dwsim-coverage-empty" not in html


def _shown(cap: Any) -> str:
    return cap.stdout + cap.stderr + "".join(str(o.data) for o in cap.outputs)
