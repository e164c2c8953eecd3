"""The dwsim command line through click's CliRunner, and one real ``dwsim demo`` process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dwsim_nb.cli import main

DDL = """
CREATE TABLE users (userid INTEGER NOT NULL DISTKEY SORTKEY, username CHAR(8),
                    PRIMARY KEY (userid));
CREATE TABLE sales (salesid INTEGER NOT NULL, buyerid INTEGER NOT NULL REFERENCES users (userid),
                    pricepaid DECIMAL(8,2), PRIMARY KEY (salesid));
"""


@pytest.fixture
def cli(tmp_path: Path) -> tuple[CliRunner, list[str]]:
    return CliRunner(), ["--home", str(tmp_path / "ws")]


def invoke(cli: tuple[CliRunner, list[str]], *args: str, input: str | None = None) -> Result:
    runner, base = cli
    return runner.invoke(main, [*base, *args], input=input, catch_exceptions=False)


def test_full_cycle(cli: tuple[CliRunner, list[str]], tmp_path: Path) -> None:
    ddl = tmp_path / "tickit.sql"
    ddl.write_text(DDL)
    r = invoke(cli, "import-sql", str(ddl), "--name", "t", "--dialect", "redshift")
    assert r.exit_code == 0, r.output
    r = invoke(cli, "generate", "t", "--rows", "users=20", "--rows", "sales=60", "--seed", "4")
    assert r.exit_code == 0 and "80 rows" in r.output
    r = invoke(cli, "query", "t", "select top 2 username from users order by userid")
    assert r.exit_code == 0 and "username" in r.output
    out = tmp_path / "sales.parquet"
    r = invoke(cli, "query", "t", "select * from sales", "--output", str(out))
    assert r.exit_code == 0 and out.exists()
    runs = json.loads(invoke(cli, "runs", "t", "--json").output)
    assert runs[0]["status"] == "COMPLETED" and runs[0]["rows"] == {"users": 20, "sales": 60}
    listed = json.loads(invoke(cli, "list", "--json").output)
    assert listed[0]["name"] == "t" and listed[0]["loaded_run"] == 1
    spec = json.loads(invoke(cli, "show", "t", "--json").output)
    assert [t["name"] for t in spec["tables"]] == ["users", "sales"]
    assert invoke(cli, "generate", "t", "--no-load").exit_code == 0
    assert invoke(cli, "load", "t", "--run", "1").exit_code == 0
    assert invoke(cli, "reset", "t").exit_code == 0
    assert invoke(cli, "show", "t").exit_code == 0
    r = invoke(cli, "delete", "t", input="n\n")
    assert r.exit_code == 1  # aborted by the user
    assert invoke(cli, "delete", "t", "--yes").exit_code == 0
    assert "no experiments" in invoke(cli, "list").output


def test_dry_run_json_stores_nothing(cli: tuple[CliRunner, list[str]], tmp_path: Path) -> None:
    ddl = tmp_path / "a.sql"
    ddl.write_text(DDL)
    r = invoke(cli, "import-sql", str(ddl), "--name", "t", "--dialect", "redshift",
               "--dry-run", "--json")
    assert r.exit_code == 0
    spec = json.loads(r.output)
    assert spec["name"] == "t" and spec["dialect"] == "redshift"
    assert json.loads(invoke(cli, "list", "--json").output) == []
    # the JSON creates the same experiment
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(r.output)
    assert invoke(cli, "create", str(spec_file)).exit_code == 0


def test_errors_exit_1_with_one_paragraph(cli: tuple[CliRunner, list[str]]) -> None:
    runner, base = cli
    r = runner.invoke(main, [*base, "query", "nope", "select 1"])
    assert r.exit_code == 1
    assert "no experiment named 'nope'" in r.output and "Traceback" not in r.output


def test_usage_errors_exit_2(cli: tuple[CliRunner, list[str]]) -> None:
    runner, base = cli
    assert runner.invoke(main, [*base, "generate", "t", "--rows", "users"]).exit_code == 2
    assert runner.invoke(main, [*base, "frobnicate"]).exit_code == 2


def test_version() -> None:
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and "0.1.0" in r.output


@pytest.mark.slow
def test_demo_in_a_real_process_under_ten_seconds(tmp_path: Path) -> None:
    exe = shutil.which("dwsim") or ""
    cmd = [exe] if exe else [sys.executable, "-m", "dwsim_nb.cli"]
    started = time.monotonic()
    proc = subprocess.run(
        [*cmd, "--home", str(tmp_path / "demo"), "demo"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "120"},
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert "Revenue per category" in proc.stdout and "Top buyers" in proc.stdout
    assert "revenue" in proc.stdout and "username" in proc.stdout
    assert elapsed < 10, f"dwsim demo took {elapsed:.1f} s"
