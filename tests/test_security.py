"""Security guarantees (see SECURITY.md), each checked where it can break.

- credentials in URLs never reach reprs, errors, logs, the catalog, CLI or magic output;
- a spec cannot run code: Faker rules from an allowlist, derived expressions vetted, no eval;
- names cannot inject SQL: hostile table and column names on every warehouse;
- workspace files are readable by their owner only;
- every server the tests start listens on 127.0.0.1.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dwsim_nb as dw
from dwsim_nb.cli import main
from dwsim_nb.errors import DwsimError, GenerationError, SpecError, WarehouseError
from dwsim_nb.redact import redact_url, scrub
from dwsim_nb.spec import parse_spec
from dwsim_nb.spec.faker_rules import DENIED_RULES, provider_problem, rule_problem

PACKAGE = Path(dw.__file__).parent
TESTS = Path(__file__).parent
SECRET = "s3cr3tPW42"
HOSTILE = 'x"; drop table y; --'


def one_table(name: str, columns: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"name": name, "tables": [{"name": "t", "target_rows": 5, "columns": columns}], **extra}


# --- credentials -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://alice:{SECRET}@db.example.com:5432/app",
        f"postgresql+psycopg://alice:{SECRET}@db.example.com/app?sslmode=require",
        f"postgresql://db.example.com/app?password={SECRET}&application_name=x",
        f"host=db.example.com user=alice password={SECRET} dbname=app",
        f"host=db.example.com password='{SECRET}' port=5432",
        f"snowflake://alice:{SECRET}@acct/db/schema?warehouse=WH",
        f"snowflake://alice@acct/db?token={SECRET}",
        f"redshift://alice:{SECRET}@cluster:5439/dev",
        f"http://key:{SECRET}@127.0.0.1:9000",
        f"postgresql://alice:{SECRET}@db.example.com:notaport/app",
        f"https://s3.example.com/b/k?X-Amz-Signature={SECRET}",
    ],
)
def test_redact_url_hides_every_secret(url: str) -> None:
    shown = redact_url(url)
    assert SECRET not in shown
    assert SECRET not in scrub(f"could not connect: {url} (near '{SECRET}')", url)


def test_redact_url_keeps_urls_without_secrets() -> None:
    for url in ("http://127.0.0.1:9000", "postgresql://h:5432/db?sslmode=require", "s3://b/k/"):
        assert redact_url(url) == url


def test_unreachable_postgres_with_a_password(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is down (closed port): clear error, no password, experiment not created."""
    monkeypatch.setenv("DWSIM_POSTGRES_URL", f"postgresql://alice:{SECRET}@127.0.0.1:1/db")
    ws = dw.Workspace(home)
    assert SECRET not in repr(ws.warehouse("postgres"))
    spec = one_table("pgdown", [{"name": "a", "data_type": "INT"}], target_warehouse="postgres")
    with pytest.raises(WarehouseError) as err:
        ws.create(spec)
    assert SECRET not in str(err.value) and "DWSIM_POSTGRES_URL" in str(err.value)
    assert ws.experiments() == []  # nothing half-created
    result = CliRunner().invoke(
        main, ["--home", str(home), "create", _write_spec(home.parent / "s.json", spec)]
    )
    assert result.exit_code == 1 and SECRET not in result.output
    assert "Traceback" not in result.output


def _write_spec(path: Path, spec: dict[str, Any]) -> str:
    import json

    path.write_text(json.dumps(spec))
    return str(path)


def _catalog_text(home: Path) -> str:
    with sqlite3.connect(home / "catalog.sqlite") as con:
        rows = [
            repr(r)
            for table in ("experiments", "spec_versions", "runs")
            for r in con.execute(f"SELECT * FROM {table}")
        ]
    return "\n".join(rows)


@pytest.mark.postgres
def test_postgres_password_never_shown_anywhere(
    home: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Full cycle on PostgreSQL with a password in the URL (trust auth ignores it)."""
    url = postgres_url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@")
    assert SECRET in url
    monkeypatch.setenv("DWSIM_POSTGRES_URL", url)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    ws = dw.Workspace(home)
    exp = ws.create(
        one_table(
            "pgsec",
            [{"name": "a", "data_type": "INT"}, {"name": "b", "data_type": "VARCHAR"}],
            target_warehouse="postgres",
        )
    )
    run = exp.generate(seed=1)
    seen += [repr(ws), repr(exp), repr(run), repr(exp.warehouse), exp._repr_html_()]
    seen.append(str(exp.to_dict()))
    for bad in ("select nope from t", "selec 1", "select * from missing_table"):
        with pytest.raises(DwsimError) as err:
            exp.query(bad)
        seen.append(str(err.value))
    runner = CliRunner()
    for args in (
        ["list"],
        ["show", "pgsec"],
        ["runs", "pgsec", "--json"],
        ["query", "pgsec", "select count(*) from t"],
        ["query", "pgsec", "select nope"],
        ["generate", "pgsec", "--seed", "2"],
    ):
        result = runner.invoke(main, ["--home", str(home), *args])
        seen.append(result.output)
    seen.append(_catalog_text(home))
    seen.append(caplog.text)
    seen.append(_magic_outputs(home, "pgsec"))
    for text in seen:
        assert SECRET not in text
    # The catalog stores the warehouse name only, never a URL.
    assert "127.0.0.1" not in _catalog_text(home)


def _magic_outputs(home: Path, name: str) -> str:
    pytest.importorskip("IPython")
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython
    from IPython.utils.capture import capture_output

    # One shell per process: a second start_ipython() returns None.
    ip = start_ipython() or get_ipython()
    assert ip is not None
    ip.run_line_magic("load_ext", "dwsim_nb")
    ip.run_line_magic("dwsim_home", str(home))
    texts = []
    try:
        for magic, line in (
            ("dwsim_list", ""),
            ("dwsim_show", name),
            ("dwsim_runs", name),
            ("dwsim_sql", f"{name} select nope from t"),
            ("dwsim_sql", f"{name} select count(*) from t"),
        ):
            with capture_output() as cap:
                ip.run_line_magic(magic, line)
            texts += [cap.stdout, cap.stderr]
            texts += [str(o.data) for o in cap.outputs]
    finally:
        # The shell is shared by the whole session: leave the magics on $DWSIM_HOME again.
        ip.magics_manager.registry["DwsimMagics"]._home = None
    return "\n".join(texts)


def test_s3_endpoint_that_refuses_shows_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("boto3")
    from dwsim_nb import staging
    from dwsim_nb.engine import generate_run

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    spec = parse_spec(one_table("s3", [{"name": "a", "data_type": "INT"}]))
    generate_run(spec, tmp_path / "run", seed=1)
    cfg = staging.S3Config(bucket="b", endpoint_url=f"http://key:{SECRET}@127.0.0.1:1")
    with pytest.raises(WarehouseError) as err:
        staging.stage_run(tmp_path / "run", "exp", 1, config=cfg)
    assert SECRET not in str(err.value) and SECRET not in repr(cfg)


# --- a spec cannot run code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "__class__",
        "__init__",
        "_Faker__config",
        "seed",
        "seed_instance",
        "add_provider",
        "binary",
        "zip",
        "tar",
        "image",
        "json",
        "pyobject",
        "random",
        "factories.__class__",
        "first_name.__globals__",
        "os.system",
        "format",
        "parse",
        "time_series",
        "numerify",
        "random_int",
        "provider",
        "pystr_format",
        "first_name(); import os",
    ],
)
def test_non_data_faker_rules_are_refused(rule: str, tmp_path: Path) -> None:
    spec_dict = one_table("f", [{"name": "c", "data_type": "VARCHAR", "faker_rule": rule}])
    with pytest.raises(DwsimError):
        spec = parse_spec(spec_dict)
        from dwsim_nb.engine import generate_run

        generate_run(spec, tmp_path / "run", seed=1)


def test_faker_allowlist_accepts_data_providers() -> None:
    from faker import Faker

    fake = Faker("en_US")
    for rule in ("first_name", "email", "city", "company", "date_of_birth", "ipv4", "uuid4"):
        assert provider_problem(fake, rule) is None, rule
    assert provider_problem(Faker("ja_JP"), "prefecture") is None  # a locale's own provider
    assert all(rule_problem(r) is not None for r in DENIED_RULES)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "a; drop table t",
        "(select 1)",
        "upper(b)",
        "'text'",
        "a || b",
        "exec(a)",
        "a.__class__",
        "read_csv('/etc/passwd')",
        "current_setting('x')",
        "case when a > 1 then 1 else 0 end",
    ],
)
def test_derived_expressions_are_limited(expression: str, tmp_path: Path) -> None:
    from dwsim_nb.engine import generate_run

    spec = parse_spec(
        one_table(
            "d",
            [
                {"name": "a", "data_type": "INT"},
                {"name": "b", "data_type": "VARCHAR"},
                {"name": "c", "data_type": "DOUBLE", "expression": expression},
            ],
        )
    )
    with pytest.raises((GenerationError, SpecError)):
        generate_run(spec, tmp_path / "run", seed=1)


def test_no_eval_or_exec_in_the_package() -> None:
    pattern = re.compile(
        r"\b(eval|exec)\s*\(|__import__\s*\(|pickle\.loads?\(|yaml\.load\(|yaml\.unsafe_load"
        r"|shell\s*=\s*True|os\.system\("
    )
    hits = [
        f"{p.relative_to(PACKAGE)}:{i}: {line.strip()}"
        for p in PACKAGE.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert hits == []


# --- names cannot inject SQL ---------------------------------------------------------------------


def hostile_spec(name: str, warehouse: str) -> dict[str, Any]:
    return {
        "name": name,
        "target_warehouse": warehouse,
        "tables": [
            {
                "name": HOSTILE,
                "target_rows": 20,
                "primary_key": [HOSTILE],
                "columns": [
                    {"name": HOSTILE, "data_type": "INT", "required": True, "is_unique": True},
                    {"name": "select", "data_type": "VARCHAR"},
                    {"name": "名前 表", "data_type": "INT"},
                    {"name": "a\\b", "data_type": "INT"},
                ],
            },
            {"name": "y", "target_rows": 3, "columns": [{"name": "a", "data_type": "INT"}]},
        ],
    }


def _check_hostile(exp: Any) -> None:
    run = exp.generate(seed=3, workers=1)
    assert run.status == "COMPLETED"
    assert exp.table_counts() == {HOSTILE: 20, "y": 3}
    df = exp.query('select count(*) as n from "x""; drop table y; --"')
    assert int(df.iloc[0, 0]) == 20
    assert int(exp.query("select count(*) from y").iloc[0, 0]) == 3  # y survived
    exp.reset()
    assert exp.table_counts() == {HOSTILE: 0, "y": 0}


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite", "snowflake"])
def test_hostile_names_on_embedded_warehouses(home: Path, warehouse: str) -> None:
    if warehouse == "snowflake":
        pytest.importorskip("fakesnow")
    ws = dw.Workspace(home)
    name = f'e"; drop schema main; -- {warehouse}'
    if warehouse == "snowflake":
        # fakesnow cannot hold punctuation in a schema name: refused with a clear message.
        with pytest.raises(WarehouseError, match="cannot hold an experiment named"):
            ws.create(hostile_spec(name, warehouse))
        assert ws.experiments() == []
        name = "e_snowflake"
    exp = ws.create(hostile_spec(name, warehouse))
    _check_hostile(exp)
    ws.delete(name)
    assert ws.experiments() == []


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
def test_hostile_names_on_postgres(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, warehouse: str
) -> None:
    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("DWSIM_REDSHIFT_URL", postgres_url)
    ws = dw.Workspace(home)
    exp = ws.create(hostile_spec('e"; drop schema public cascade; --', warehouse))
    _check_hostile(exp)
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(
            "select count(*) from information_schema.schemata where schema_name = 'public'"
        ).fetchone() == (1,)


@pytest.mark.parametrize("name", ["..", ".", "../outside", "a/b", "a\\b"])
def test_names_cannot_reach_outside_the_workspace(name: str) -> None:
    with pytest.raises(SpecError, match="folder name"):
        parse_spec(one_table(name, [{"name": "a", "data_type": "INT"}]))
    spec = one_table("ok", [{"name": "a", "data_type": "INT"}])
    spec["tables"][0]["name"] = name
    with pytest.raises(SpecError, match="folder name"):
        parse_spec(spec)


# --- owner-only files ----------------------------------------------------------------------------


def test_workspace_files_are_owner_only(home: Path) -> None:
    old = os.umask(0o022)  # a typical, permissive user umask
    try:
        ws = dw.Workspace(home)
        for warehouse in ("duckdb", "sqlite"):
            exp = ws.create(
                one_table(
                    f"perm_{warehouse}",
                    [{"name": "a", "data_type": "INT"}, {"name": "b", "data_type": "VARCHAR"}],
                    target_warehouse=warehouse,
                )
            )
            exp.generate(rows={"t": 50_000}, seed=1, workers=2)
            exp.query("select count(*) from t")
        assert os.umask(0o022) == 0o022  # the user's umask is back
    finally:
        os.umask(old)
    loose = [
        f"{oct(stat.S_IMODE(p.stat().st_mode))} {p.relative_to(home)}"
        for p in [home, *home.rglob("*")]
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert loose == []


# --- servers bind to 127.0.0.1 -------------------------------------------------------------------


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)
    ]


def _keyword(call: ast.Call, name: str) -> Any:
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def test_servers_started_by_tests_and_package_bind_to_localhost() -> None:
    files = [
        *TESTS.glob("*.py"),
        *PACKAGE.rglob("*.py"),
        *(TESTS.parent / "benchmarks").glob("*.py"),
    ]
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if "0.0.0.0" in text and path.name != "test_security.py":
            problems.append(f"{path.name}: mentions 0.0.0.0")
        for call in _calls(tree, "ThreadedMotoServer"):
            if _keyword(call, "ip_address") != "127.0.0.1":
                problems.append(f"{path.name}:{call.lineno}: moto server not on 127.0.0.1")
        for call in _calls(tree, "LocalCluster"):
            if _keyword(call, "host") != "127.0.0.1":
                problems.append(f"{path.name}:{call.lineno}: LocalCluster not on 127.0.0.1")
        for call in _calls(tree, "bind"):
            arg = call.args[0] if call.args else None
            host = arg.elts[0] if isinstance(arg, ast.Tuple) and arg.elts else None
            if isinstance(host, ast.Constant) and host.value != "127.0.0.1":
                problems.append(f"{path.name}:{call.lineno}: socket bound to {host.value!r}")
        # A command line (a list or tuple holding "voila") must bind Voila to 127.0.0.1.
        voila_commands = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.List | ast.Tuple)
            and any(isinstance(e, ast.Constant) and e.value == "voila" for e in node.elts)
        ]
        if voila_commands and "--Voila.ip=127.0.0.1" not in text:
            problems.append(f"{path.name}: Voila without --Voila.ip=127.0.0.1")
        if re.search(r'"fakesnow",\s*"-s"', text) and "127.0.0.1" not in text:
            problems.append(f"{path.name}: fakesnow server not on 127.0.0.1")
        if re.search(r'"moto_server"', text) and '"127.0.0.1"' not in text:
            problems.append(f"{path.name}: moto_server without -H 127.0.0.1")
    assert problems == []
