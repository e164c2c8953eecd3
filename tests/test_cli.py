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
    # A query that finds nothing says why, on standard error (standard output keeps the rows).
    r = invoke(cli, "query", "t", "select username from users where username = 'nobody at all'")
    assert r.exit_code == 0 and "No rows." not in r.stdout
    assert "No rows." in r.stderr and "username" in r.stderr
    assert "dwsim workload t QUERY.sql --add" in r.stderr and "dwsim generate t" in r.stderr
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
    r = invoke(
        cli, "import-sql", str(ddl), "--name", "t", "--dialect", "redshift", "--dry-run", "--json"
    )
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
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "120"},
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert "Revenue per category" in proc.stdout and "Top buyers" in proc.stdout
    assert "revenue" in proc.stdout and "buyer" in proc.stdout and "next, try:" in proc.stdout
    assert elapsed < 10, f"dwsim demo took {elapsed:.1f} s"


MARKUP_SPEC = """
name: "m[red]"
dialect: duckdb
target_warehouse: duckdb
tables:
  - name: "t[bold]"
    target_rows: 30
    columns:
      - name: "[/c]"
        data_type: VARCHAR
        values: ["[/bold]", ":x:", "[red]r"]
"""


def test_names_and_values_print_literally(cli: tuple[CliRunner, list[str]], tmp_path: Path) -> None:
    spec = tmp_path / "m.yaml"
    spec.write_text(MARKUP_SPEC)
    r = invoke(cli, "create", str(spec))
    assert r.exit_code == 0, r.output
    assert "m[red]" in r.output and "t[bold]" in r.output and "[/c]" in r.output
    assert "m[red]" in invoke(cli, "list").output
    r = invoke(cli, "generate", "m[red]", "--seed", "1")
    assert r.exit_code == 0, r.output
    r = invoke(cli, "query", "m[red]", 'select distinct "[/c]" from "t[bold]" order by 1')
    assert r.exit_code == 0, r.output
    for shown in ("[/c]", "[/bold]", ":x:", "[red]r"):
        assert shown in r.output
    assert "\u274c" not in r.output  # no emoji
    r = invoke(cli, "query", "m[red]", "select ':x:' as \"[/b]\", 'a' || chr(27) || 'b' as e")
    assert r.exit_code == 0 and ":x:" in r.output and "[/b]" in r.output
    assert "a\\x1bb" in r.output and "\x1b" not in r.output  # no raw terminal escape
    r = invoke(cli, "show", "m[red]")
    assert r.exit_code == 0 and "m[red]: duckdb SQL" in r.output and "[/c]" in r.output
    r = invoke(cli, "runs", "m[red]")
    assert r.exit_code == 0 and "COMPLETED" in r.output
    assert "deleted m[red]" in invoke(cli, "delete", "m[red]", "--yes").output
    r = invoke(cli, "query", "[/x]", "select 1")
    assert r.exit_code == 1 and "'[/x]'" in r.output


def test_unexpected_errors_are_one_paragraph(
    cli: tuple[CliRunner, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dwsim_nb.workspace import Workspace

    def broken(self: Workspace) -> None:
        raise ZeroDivisionError("[/boom] :x:")

    monkeypatch.setattr(Workspace, "experiments", broken)
    monkeypatch.delenv("DWSIM_DEBUG", raising=False)
    runner, base = cli
    r = runner.invoke(main, [*base, "list"])
    assert r.exit_code == 3, r.output
    said = " ".join(r.output.split())  # the paragraph wraps at the terminal's width
    assert said.startswith("internal error: `dwsim list` failed")
    assert "ZeroDivisionError: [/boom] :x:" in said and "DWSIM_DEBUG=1" in said
    assert "Traceback" not in said
    monkeypatch.setenv("DWSIM_DEBUG", "1")
    r = runner.invoke(main, [*base, "list"])
    assert isinstance(r.exception, ZeroDivisionError)


def _dwsim(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("DWSIM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "dwsim_nb.cli", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def _fails_cleanly(proc: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, out
    assert "Traceback" not in out
    for word in words:
        assert word in out, out


@pytest.mark.slow
def test_input_errors_end_in_one_paragraph_as_processes(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ddl = tmp_path / "t.sql"
    ddl.write_text("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(5));")
    assert _dwsim(home, "import-sql", str(ddl), "-n", "t", "-d", "duckdb").returncode == 0
    proc = _dwsim(home, "generate", "t", "--seed", "99999999999999999999999")
    _fails_cleanly(proc, 2, "--seed")
    assert _dwsim(home, "generate", "t", "-r", "t=5", "--seed", "-3").returncode == 0

    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    proc = _dwsim(home, "query", "t", "select 1 as a", "-o", str(a_file / "sub" / "x.csv"))
    _fails_cleanly(proc, 1, "is a file, not a folder")
    for sql in ("select [1, 2] as l", "select {'a': 1} as s", "select interval 2 day as i"):
        proc = _dwsim(home, "query", "t", sql, "-o", str(tmp_path / "out.csv"))
        _fails_cleanly(proc, 1, "cannot be written as CSV", "cast")
    for out in ("dup.csv", "dup.parquet"):
        proc = _dwsim(home, "query", "t", "select 1 as a, 2 as a", "-o", str(tmp_path / out))
        assert proc.returncode == 0, proc.stderr
    assert "│ 1 │ 2 │" in _dwsim(home, "query", "t", "select 1 as a, 2 as a").stdout

    latin = tmp_path / "latin.sql"
    latin.write_bytes("CREATE TABLE caf\xe9 (id INT);".encode("latin-1"))
    _fails_cleanly(_dwsim(home, "import-sql", str(latin), "-n", "l"), 1, "utf-8", "--encoding")
    proc = _dwsim(home, "import-sql", str(latin), "-n", "l", "--encoding", "latin-1")
    assert proc.returncode == 0 and "café" in proc.stdout, proc.stderr
    binary = tmp_path / "bin.sql"
    binary.write_bytes(b"CREATE\x00\x01\x02" * 100)
    _fails_cleanly(_dwsim(home, "import-sql", str(binary), "-n", "b"), 1, "binary")
    _fails_cleanly(_dwsim(home, "import-sql", "/dev/zero", "-n", "z", timeout=30), 1, "larger")

    long_name = "é" * 127  # within the length limit in characters, 254 bytes + ".lock"
    _fails_cleanly(_dwsim(home, "import-sql", str(ddl), "-n", long_name), 1, "255 bytes")
    listed = json.loads(_dwsim(home, "list", "--json").stdout)
    assert sorted(e["name"] for e in listed) == ["l", "t"]


def test_progress_is_one_line_per_stage_whatever_the_number_of_tables() -> None:
    from io import StringIO

    from rich.console import Console

    from dwsim_nb.terminal import RichProgress

    out = StringIO()
    started = time.monotonic()
    with RichProgress(Console(file=out, width=120), tables=3000) as progress:
        for stage in ("generate", "load"):
            progress.stage(stage)
            for i in range(3000):
                progress(f"t{i}", 0, 10)
                progress(f"t{i}", 10, 10)
                progress(f"t{i}", 10, 10)  # a repeated last report counts once
        progress("[/x] :x:", 0, 5)
        assert progress._progress.tasks[-1].fields["current"] == "[/x] :x: 0/5"
    assert time.monotonic() - started < 10
    assert len(progress._progress.tasks) == 2
    shown = out.getvalue()
    assert "generate" in shown and "load" in shown
    assert "3,000/3,000 tables, 30,000 rows" in shown
    assert len(shown.splitlines()) <= 4
