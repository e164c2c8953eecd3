"""Fuzz the whole system: only DwsimError subclasses may surface, shells never print tracebacks.

Targets (DDL import and spec dicts are fuzzed in test_fuzz_ddl.py):
- spec files as JSON and YAML text (valid specs mutated, random text, binary garbage);
- the YAML body of ``%%dwsim_generate`` (rows and rule overrides), applied and generated;
- derived-column expressions;
- magic arguments, through a real IPython shell;
- ``dwsim`` arguments, through click's CliRunner;
- query text against loaded experiments, in every dialect a user may write.
Plus the nasty inputs: empty and binary files, a 10 MB script, 1,000 columns, unicode and quoted
identifiers, names differing only by case, reserved words.

Profiles: "ci" (default, fast) and "long" (``DWSIM_FUZZ_PROFILE=long``; see docs/fuzz-report.md).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dwsim_nb as dw
from dwsim_nb.cli import main
from dwsim_nb.errors import DwsimError
from dwsim_nb.spec import parse_spec

_PROFILE = os.environ.get("DWSIM_FUZZ_PROFILE", "ci")
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "database": None,
}
# Examples per target; shell targets cost a workspace round trip per example.
_EXAMPLES = {"ci": {"cheap": 80, "shell": 30}, "long": {"cheap": 3000, "shell": 600}}[_PROFILE]
cheap = settings(max_examples=_EXAMPLES["cheap"], **_COMMON)
shell = settings(max_examples=_EXAMPLES["shell"], **_COMMON)

DIALECTS = ["redshift", "snowflake", "postgres", "duckdb", "sqlite", "ansi"]

BASE_SPEC: dict[str, Any] = {
    "name": "fz",
    "dialect": "redshift",
    "tables": [
        {
            "name": "customers",
            "target_rows": 20,
            "primary_key": ["customer_id"],
            "columns": [
                {"name": "customer_id", "data_type": "INT", "required": True, "is_unique": True},
                {"name": "email", "data_type": "VARCHAR", "faker_rule": "email"},
                {"name": "score", "data_type": "DOUBLE", "min_value": 0, "max_value": 10},
                {"name": "joined", "data_type": "DATE"},
            ],
        },
        {
            "name": "orders",
            "target_rows": 50,
            "primary_key": ["order_id"],
            "foreign_keys": [
                {
                    "columns": ["customer_id"],
                    "references_table": "customers",
                    "references_columns": ["customer_id"],
                }
            ],
            "columns": [
                {"name": "order_id", "data_type": "BIGINT", "required": True, "is_unique": True},
                {"name": "customer_id", "data_type": "INT", "required": True},
                {"name": "status", "data_type": "VARCHAR", "values": ["a", "b"]},
                {"name": "qty", "data_type": "INT", "min_value": 1, "max_value": 5},
                {"name": "price", "data_type": "DECIMAL(10,2)"},
                {"name": "total", "data_type": "DOUBLE", "expression": "qty * price"},
            ],
        },
    ],
}

# Values a mutation may put anywhere in a spec.
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "INT",
            "VARCHAR(-1)",
            "DECIMAL(99,100)",
            "__class__",
            "seed",
            "../..",
            'a"b',
            "select",
            "ÄÖÜ",
            "1e400",
            "zipf",
            {"type": "zipf", "parameters": {"a": 0.5}},
            [],
            {},
        ]
    ),
)


@st.composite
def mutated_spec(draw: st.DrawFn) -> Any:
    """BASE_SPEC with a few fields replaced, removed or added (deep in the tree too)."""
    spec = json.loads(json.dumps(BASE_SPEC))
    for _ in range(draw(st.integers(1, 4))):
        node: Any = spec
        path_len = draw(st.integers(0, 4))
        for _ in range(path_len):
            if isinstance(node, dict) and node:
                child = node[draw(st.sampled_from(sorted(node)))]
            elif isinstance(node, list) and node:
                child = node[draw(st.integers(0, len(node) - 1))]
            else:
                break
            if not isinstance(child, (dict, list)):
                break
            node = child
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if action == "delete":
                del node[key]
            elif action == "set":
                node[key] = copy.deepcopy(draw(_ODD))
            else:
                node[draw(st.sampled_from(["expression", "faker_rule", "x", key]))] = copy.deepcopy(
                    draw(_ODD)
                )
        elif isinstance(node, list):
            if action == "delete" and node:
                node.pop(draw(st.integers(0, len(node) - 1)))
            else:
                node.append(copy.deepcopy(draw(_ODD)))
    return spec


def _as_text(spec: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(spec, allow_nan=True)
    return yaml.safe_dump(spec, allow_unicode=True)


def _mutate_text(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(0, 3))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + data.draw(st.integers(1, 30)))
        kind = data.draw(st.sampled_from(["delete", "dup", "insert", "truncate"]))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "dup":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "truncate":
            text = text[:i]
        else:
            bit = data.draw(st.sampled_from(['"', "'", "{", "}", "[", ":", "\n  ", "&a", "*a"]))
            text = text[:i] + bit + text[i:]
    return text


def _parse_ok(obj: Any) -> None:
    try:
        spec = parse_spec(obj)
    except DwsimError:
        return
    # Whatever parses must serialize and read back.
    assert parse_spec(spec.to_json()).fingerprint() == spec.fingerprint()


# --- specs as JSON / YAML text -------------------------------------------------------------------


@cheap
@given(mutated_spec(), st.sampled_from(["json", "yaml"]), st.data())
def test_spec_text(spec: Any, fmt: str, data: st.DataObject) -> None:
    _parse_ok(_mutate_text(_as_text(spec, fmt), data))


@cheap
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_spec_random_text(text: str) -> None:
    _parse_ok(text)


@cheap
@given(mutated_spec())
def test_mutated_specs_generate_or_refuse(tmp_path_factory: Any, spec: Any) -> None:
    """A spec that parses either generates or raises a DwsimError before writing anything."""
    from dwsim_nb.engine import generate_run

    try:
        parsed = parse_spec(spec)
        generate_run(parsed, tmp_path_factory.mktemp("run"), seed=1, workers=1)
    except DwsimError:
        return


# --- generate-cell YAML --------------------------------------------------------------------------

_CELL_BITS = [
    "customers: 10",
    "orders: {rows: 30}",
    "orders: {rows: -1}",
    "orders: {rows: 1e99}",
    "customers: {rows: 5, columns: {email: {faker_rule: seed}}}",
    "orders: {columns: {status: {values: []}}}",
    "orders: {columns: {total: {expression: 'qty * __import__(1)'}}}",
    "orders: {columns: {qty: {min_value: 9, max_value: 1}}}",
    "nope: 3",
    "customers: [1, 2]",
    "customers: {columns: {score: {distribution: {type: zipf, parameters: {a: 0.1}}}}}",
    "- a",
    "{",
    "!!python/object:os.system ls",
    "customers: &a [*a]",
    "\x00",
    "",
]


@cheap
@given(st.one_of(st.lists(st.sampled_from(_CELL_BITS), max_size=5), st.text(max_size=80)))
def test_generate_cell_yaml(cell: Any) -> None:
    from dwsim_nb.spec.overrides import apply_overrides, parse_overrides

    text = "\n".join(cell) if isinstance(cell, list) else cell
    spec = parse_spec(BASE_SPEC)
    try:
        rows, overrides = parse_overrides(text)
        if overrides:
            spec = apply_overrides(spec, overrides)
        from dwsim_nb.engine import plan

        plan.make_plan(spec, rows=rows or None, seed=1)
    except DwsimError:
        return


# --- derived expressions -------------------------------------------------------------------------

_EXPR_BITS = [
    "qty",
    "price",
    "(",
    ")",
    "+",
    "-",
    "*",
    "/",
    "1",
    "2.5",
    "1e400",
    ",",
    "round(",
    "abs(",
    "coalesce(",
    "least(",
    "greatest(",
    "floor(",
    "ceil(",
    "'x'",
    "x.y",
    "__class__",
    ";",
    "select",
    "nope",
    "0",
    "--",
    "/*",
    "%",
    "||",
    "NULL",
]


@cheap
@given(
    st.one_of(
        st.lists(st.sampled_from(_EXPR_BITS), max_size=12).map(" ".join), st.text(max_size=40)
    )
)
def test_derived_expressions(tmp_path_factory: Any, expr: str) -> None:
    from dwsim_nb.engine import generate_run

    spec = json.loads(json.dumps(BASE_SPEC))
    spec["tables"][1]["columns"][-1]["expression"] = expr
    try:
        generate_run(parse_spec(spec), tmp_path_factory.mktemp("run"), seed=1, workers=1)
    except DwsimError:
        return


# --- a loaded workspace shared by the shell and query targets ------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: Any) -> Iterator[Path]:
    """A workspace with the base spec loaded in every dialect (DuckDB; sqlite for sqlite)."""
    home = tmp_path_factory.mktemp("fuzzws") / "ws"
    ws = dw.Workspace(home)
    for dialect in DIALECTS:
        spec = dict(BASE_SPEC, name=f"fz_{dialect}", dialect=dialect)
        if dialect == "sqlite":
            spec["target_warehouse"] = "sqlite"
        ws.create(spec).generate(seed=1, workers=1)
    # Fuzzed SQL may ATTACH or COPY to relative paths: keep them out of the current directory.
    cwd = os.getcwd()
    os.chdir(home.parent)
    try:
        yield home
    finally:
        os.chdir(cwd)


_SQL_BITS = [
    "select",
    "*",
    "from",
    "customers",
    "orders",
    "where",
    "group by",
    "order by",
    "limit 3",
    "top 2",
    "count(*)",
    "sum(qty)",
    "customer_id",
    "email",
    "join",
    "on",
    "=",
    "1",
    "'a'",
    "(",
    ")",
    ",",
    ";",
    "as",
    "o",
    "c",
    "union all",
    "with x as (select 1)",
    "qualify",
    "row_number() over (partition by customer_id order by order_id)",
    "::int",
    "dateadd(day, 1,",
    "joined",
    "nvl(",
    "iff(",
    "ilike",
    "'%a%'",
    "is null",
    "and",
    "or",
    "not",
    "between",
    "case when",
    "then",
    "else",
    "end",
    "distinct",
    "having",
    "listagg(email, ',')",
    "insert into orders values (1)",
    "drop table customers",
    "create table t (a int)",
    '"customers"',
    "$$",
    "--",
    "/*",
    "*/",
    "\x00",
    "\\",
    "[",
    "]",
    "{",
    "}",
    "%(x)s",
    ":p",
    "?",
    "1e400",
    "-",
    "/",
    "0",
    "explain",
    "pragma",
    "attach 'x.db' as y",
    "copy",
    "set",
]


@st.composite
def sql_text(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return " ".join(draw(st.lists(st.sampled_from(_SQL_BITS), max_size=25)))
    base = draw(
        st.sampled_from(
            [
                "select count(*) from orders",
                "select top 3 email from customers order by customer_id",
                "select c.email, sum(o.qty) from customers c join orders o "
                "on o.customer_id = c.customer_id group by 1",
                "select * from orders qualify row_number() over "
                "(partition by customer_id order by order_id) = 1",
            ]
        )
    )
    i = draw(st.integers(0, len(base)))
    j = draw(st.integers(i, len(base)))
    return base[:i] + draw(st.sampled_from([*_SQL_BITS, ""])) + base[j:]


@shell
@given(st.sampled_from(DIALECTS), sql_text())
def test_queries_in_every_dialect(loaded: Path, dialect: str, sql: str) -> None:
    exp = dw.Workspace(loaded).experiment(f"fz_{dialect}")
    with contextlib.suppress(DwsimError):
        exp.query(sql)
    # Whatever the query did, the experiment's data is still there and still answers.
    assert int(exp.query("select count(*) from orders").iloc[0, 0]) >= 0


# --- CLI arguments -------------------------------------------------------------------------------

_CLI_WORDS = [
    "list",
    "show",
    "runs",
    "query",
    "generate",
    "load",
    "reset",
    "create",
    "import-sql",
    "delete",
    "demo",
    "fz_duckdb",
    "fz_redshift",
    "nope",
    "--json",
    "--rows",
    "orders=5",
    "orders=-1",
    "x=y",
    "=",
    "--seed",
    "1",
    "-1",
    "99999999999999999999",
    "--workers",
    "0",
    "--no-load",
    "--run",
    "abc",
    "--output",
    "out.csv",
    "out.xyz",
    "--dialect",
    "klingon",
    "--name",
    "--dry-run",
    "--help",
    "select 1",
    "select nope",
    "-",
    "''",
    "\x00",
    "é",
    "--home",
    "--yes",
    "--strict",
    "--warehouse",
    "nowhere",
]


@shell
@given(st.lists(st.sampled_from(_CLI_WORDS), max_size=7))
def test_cli_arguments(loaded: Path, tmp_path_factory: Any, words: list[str]) -> None:
    if "delete" in words or "reset" in words or "generate" in words or "load" in words:
        words = [w for w in words if w not in ("fz_duckdb", "fz_redshift")]  # keep the fixture
    # Output files go to a fresh folder, never the current directory.
    out = tmp_path_factory.mktemp("cli")
    words = [str(out / w) if w.startswith("out.") else w for w in words]
    # A second --home (or demo) creates a workspace relative to the current directory.
    cwd = os.getcwd()
    os.chdir(out)
    try:
        result = CliRunner().invoke(main, ["--home", str(loaded), *words], input="n\n")
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


# --- magic arguments -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ip(loaded: Path) -> Iterator[Any]:
    pytest.importorskip("IPython")
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    # One shell per process: a second start_ipython() returns None.
    shell_ = start_ipython() or get_ipython()
    assert shell_ is not None
    shell_.run_line_magic("load_ext", "dwsim_nb")
    shell_.run_line_magic("dwsim_home", str(loaded))
    yield shell_
    # The shell is shared by the whole session: leave the magics on $DWSIM_HOME again.
    shell_.magics_manager.registry["DwsimMagics"]._home = None


_MAGICS = [
    "dwsim_show",
    "dwsim_runs",
    "dwsim_list",
    "dwsim_sql",
    "dwsim_import",
    "dwsim_generate",
    "dwsim_profile",
    "dwsim_load",
]
_MAGIC_WORDS = [
    "fz_duckdb",
    "fz_sqlite",
    "nope",
    "--seed",
    "x",
    "1",
    "--no-load",
    "--workers",
    "0",
    "--run",
    "99",
    "-o",
    "v",
    "--dialect",
    "klingon",
    "--file",
    "/nonexistent.sql",
    "--dry-run",
    "orders",
    "customers",
    "--limit",
    "-5",
    "select",
    "*",
    "from",
    "orders",
    '"unterminated',
    "'",
    "--erd",
    "--strict",
    "é",
    "\\",
    "--",
]


@shell
@given(
    st.sampled_from(_MAGICS),
    st.lists(st.sampled_from(_MAGIC_WORDS), max_size=6),
    st.one_of(st.none(), st.sampled_from(_CELL_BITS), st.text(max_size=60)),
)
def test_magic_arguments(ip: Any, magic: str, words: list[str], cell: str | None) -> None:
    from IPython.core.error import UsageError
    from IPython.utils.capture import capture_output

    line = " ".join(words)
    if magic in ("dwsim_generate", "dwsim_load") and ("fz_duckdb" in words or "fz_sqlite" in words):
        cell = cell if magic == "dwsim_generate" else None
    with capture_output() as cap:
        try:
            if cell is not None and magic in ("dwsim_import", "dwsim_generate", "dwsim_sql"):
                ip.run_cell_magic(magic, line, cell)
            else:
                ip.run_line_magic(magic, line)
        except UsageError:
            pass  # argparse's usage message: IPython shows it without a traceback
        except SystemExit:
            pass
    text = cap.stdout + cap.stderr + "".join(str(o.data) for o in cap.outputs)
    assert "Traceback" not in text, text


# --- nasty inputs --------------------------------------------------------------------------------


def _refused_or_ok(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except DwsimError as e:
        return e


def test_empty_and_binary_files(tmp_path: Path) -> None:
    from dwsim_nb.ddl import import_sql

    rng = random.Random(8)
    garbage = bytes(rng.randrange(256) for _ in range(4096))
    for name, content in [
        ("empty.json", b""),
        ("empty.yaml", b""),
        ("blank.yaml", b"   \n\n"),
        ("garbage.json", garbage),
        ("garbage.yaml", garbage),
        ("nul.sql", b"\x00" * 100),
        ("bom.json", b"\xef\xbb\xbf" + json.dumps(BASE_SPEC).encode()),
        ("utf16.json", json.dumps(BASE_SPEC).encode("utf-16")),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        result = _refused_or_ok(parse_spec, path)
        assert isinstance(result, DwsimError) or result.tables, name
        cli = CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), "create", str(path)])
        assert cli.exit_code in (0, 1) and "Traceback" not in cli.output, (name, cli.output)
        cli = CliRunner().invoke(
            main, ["--home", str(tmp_path / "ws"), "import-sql", str(path), "--name", "g"]
        )
        assert cli.exit_code in (0, 1) and "Traceback" not in cli.output, (name, cli.output)
        for dialect in DIALECTS:
            _refused_or_ok(import_sql, content.decode("latin-1"), dialect)


def test_ten_megabyte_script(tmp_path: Path) -> None:
    from dwsim_nb.ddl import import_sql

    table = "create table t{i} (id int primary key, name varchar(40), note varchar(200));\n"
    comment = "-- " + "x" * 200 + "\n"
    parts: list[str] = []
    size = 0
    i = 0
    while size < 10 * 1024 * 1024:
        chunk = table.format(i=i) if i < 300 else comment
        parts.append(chunk)
        size += len(chunk)
        i += 1
    script = "".join(parts)
    assert len(script) >= 10 * 1024 * 1024
    spec = _refused_or_ok(import_sql, script, "redshift", name="big")
    assert isinstance(spec, DwsimError) or len(spec.tables) == 300
    garbage = _refused_or_ok(import_sql, "create table (" * 700_000, "postgres")
    assert isinstance(garbage, DwsimError)


def test_thousand_columns(home: Path) -> None:
    columns = [
        {"name": f"c{i}", "data_type": ["INT", "VARCHAR", "DATE"][i % 3]} for i in range(1000)
    ]
    spec = {"name": "wide", "tables": [{"name": "w", "target_rows": 30, "columns": columns}]}
    ws = dw.Workspace(home)
    exp = ws.create(spec)
    exp.generate(seed=1, workers=1)
    assert exp.table_counts() == {"w": 30}
    assert exp.query("select c999 from w").shape == (30, 1)
    ddl = "create table w (" + ", ".join(f"c{i} int" for i in range(1000)) + ");"
    assert len(dw.import_sql(ddl, dialect="snowflake").tables[0].columns) == 1000


def test_unicode_quoted_reserved_and_case_names(home: Path) -> None:
    ws = dw.Workspace(home)
    spec = {
        "name": "ñame_表",
        "tables": [
            {
                "name": "select",
                "target_rows": 10,
                "columns": [
                    {"name": "from", "data_type": "INT"},
                    {"name": "Ünïcødé", "data_type": "VARCHAR"},
                    {"name": 'quo"ted', "data_type": "INT"},
                    {"name": "sp ace", "data_type": "INT"},
                    {"name": "😀", "data_type": "INT"},
                ],
            },
            {"name": "order", "target_rows": 5, "columns": [{"name": "group", "data_type": "INT"}]},
        ],
    }
    exp = ws.create(spec)
    exp.generate(seed=1, workers=1)
    assert exp.table_counts() == {"select": 10, "order": 5}
    df = exp.query('select "from", "Ünïcødé", "quo""ted", "sp ace", "😀" from "select"')
    assert df.shape == (10, 5)
    # Names that differ only by case are refused (DuckDB and Snowflake fold them together).
    dup = json.loads(json.dumps(spec))
    dup["name"] = "dup"
    dup["tables"][0]["columns"].append({"name": "FROM", "data_type": "INT"})
    with pytest.raises(DwsimError, match="duplicates"):
        ws.create(dup)
    dup["tables"][0]["columns"].pop()
    dup["tables"].append({"name": "SELECT", "columns": [{"name": "a", "data_type": "INT"}]})
    with pytest.raises(DwsimError, match="duplicates"):
        ws.create(dup)
    ddl = 'create table "Select" ("From" int, "from" int); create table "ÆØÅ" (x int);'
    result = _refused_or_ok(dw.import_sql, ddl, dialect="postgres")
    assert isinstance(result, DwsimError) or result.tables
