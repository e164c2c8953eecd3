"""Fuzz ``dwsim`` as a real process: arguments, spec files, DDL files and SQL chosen by hypothesis.

Each call must end within ``TIMEOUT`` seconds, print no traceback and no "internal error", and
exit 0 (worked), 1 (one error paragraph) or 2 (usage error). A process start costs about a
second, so the run is bounded: ``EXAMPLES`` calls per target (``DWSIM_FUZZ_PROFILE=long`` or
``DWSIM_FUZZ_CLI_EXAMPLES=N`` for more). The in-process fuzzing of the same inputs is in
test_fuzz_system.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

TIMEOUT = 60  # seconds per call: a loaded CI machine starts duckdb in a few
_PROFILE = os.environ.get("DWSIM_FUZZ_PROFILE", "ci")
# Per target (four targets); DWSIM_FUZZ_CLI_EXAMPLES=N overrides.
EXAMPLES = int(os.environ.get("DWSIM_FUZZ_CLI_EXAMPLES", {"ci": 15, "long": 300}[_PROFILE]))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Calls made per target, printed at the end of the session (for SECURITY.md).
CALLS: Counter[str] = Counter()

SPEC: dict[str, Any] = {
    "name": "shop",
    "dialect": "duckdb",
    "target_warehouse": "duckdb",
    "tables": [
        {
            "name": "customers",
            "target_rows": 5,
            "primary_key": ["id"],
            "columns": [
                {"name": "id", "data_type": "INT", "required": True, "is_unique": True},
                {"name": "tier", "data_type": "VARCHAR", "values": ["[/bold]", ":x:", "a"]},
            ],
        },
        {
            "name": "orders",
            "target_rows": 8,
            "primary_key": ["order_id"],
            "foreign_keys": [
                {"columns": ["cid"], "references_table": "customers", "references_columns": ["id"]}
            ],
            "columns": [
                {"name": "order_id", "data_type": "BIGINT", "required": True, "is_unique": True},
                {"name": "cid", "data_type": "INT", "required": True},
                {"name": "qty", "data_type": "INT", "min_value": 1, "max_value": 5},
                {"name": "at", "data_type": "TIMESTAMP"},
            ],
        },
    ],
}

# Words that are hard on a terminal, a shell, a file system or a SQL tokenizer.
NASTY = [
    "",
    " ",
    "[/bold]",
    "[red]x",
    ":x:",
    "m[red]",
    "a\x1bb",
    "é" * 130,
    "x" * 300,
    "../..",
    "/dev/zero",
    "/proc/x",
    "-",
    "--",
    "--help",
    "a'b",
    'a"b',
    "a;b",
    "select",
    "NULL",
    "\u202e",
    "0",
    "-1",
    "99999999999999999999999",
    "1e400",
    "nan",
]
NAMES = st.sampled_from(["shop", "scratch", "nope", *NASTY])
# What a command line can carry: no NUL, no lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
ROWS = st.sampled_from(["0", "1", "3", "-1", "1_0", "x", "1e3", "10000000000000", "10" * 10])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with 'shop' (DuckDB SQL) and 'sc' (Redshift SQL) loaded for the SQL target,
    and 'scratch' for the argument target to generate, load, reset and delete."""
    import dwsim_nb as dw

    home = tmp_path_factory.mktemp("fuzz_cli") / "ws"
    ws = dw.Workspace(home)
    ws.create(SPEC).generate(seed=1, workers=1)
    ws.create({**SPEC, "name": "sc", "dialect": "redshift"}).generate(seed=2, workers=1)
    ws.create({**SPEC, "name": "scratch"})
    return home


def dwsim(home: Path, target: str, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """Run ``dwsim --home HOME ARGS`` and fail on a hang, a traceback or an internal error."""
    env = {**os.environ, "COLUMNS": "120", "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("DWSIM_DEBUG", None)
    cmd = [sys.executable, "-m", "dwsim_nb.cli", "--home", str(home), *args]
    CALLS[target] += 1
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dwsim {args!r} did not end within {TIMEOUT} s")
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert "Traceback (most recent call last)" not in out, f"dwsim {args!r}:\n{out}"
    assert "internal error" not in out, f"dwsim {args!r}:\n{out}"
    assert proc.returncode in (0, 1, 2), f"dwsim {args!r} exited {proc.returncode}:\n{out}"
    return proc


def _flag_values(tmp: Path) -> dict[str, st.SearchStrategy[list[str]]]:
    out = st.sampled_from(
        [str(tmp / "o.csv"), str(tmp / "o.parquet"), str(tmp / "o.txt"), "/proc/x/o.csv"]
    )
    return {
        "--rows": ROWS.flatmap(
            lambda n: st.sampled_from(["customers", "orders", "t", "[/x]"]).map(
                lambda t: ["--rows", f"{t}={n}"]
            )
        ),
        "--seed": st.sampled_from(["0", "-5", "x", "99999999999999999999999"]).map(
            lambda v: ["--seed", v]
        ),
        "--workers": st.sampled_from(["0", "1", "-1", "x"]).map(lambda v: ["--workers", v]),
        "--run": st.sampled_from(["1", "0", "99", "x"]).map(lambda v: ["--run", v]),
        "--output": out.map(lambda v: ["--output", v]),
        "--json": st.just(["--json"]),
        "--no-load": st.just(["--no-load"]),
        "--dry-run": st.just(["--dry-run"]),
        "--strict": st.just(["--strict"]),
        "--dialect": st.sampled_from(["redshift", "REDSHIFT", "oracle", ""]).map(
            lambda v: ["--dialect", v]
        ),
        "--encoding": st.sampled_from(["latin-1", "utf-16", "nope"]).map(
            lambda v: ["--encoding", v]
        ),
    }


COMMANDS = [
    "list",
    "show",
    "runs",
    "generate",
    "load",
    "reset",
    "delete",
    "query",
    "import-sql",
    "create",
    "infer",
    "export-bundle",
    "import-bundle",
]


@fuzz
@given(data=st.data())
def test_arguments(home: Path, tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    tmp = tmp_path_factory.mktemp("args")
    (tmp / "a_file").write_text("x")
    flags = _flag_values(tmp)
    command = data.draw(st.sampled_from(COMMANDS))
    positional = data.draw(
        st.lists(
            st.one_of(
                NAMES,
                st.sampled_from([str(tmp), str(tmp / "a_file"), str(tmp / "b"), "select 1"]),
            ),
            max_size=3,
        )
    )
    options = data.draw(st.lists(st.sampled_from(sorted(flags)), max_size=3))
    args = [command, *positional]
    for name in options:
        args += data.draw(flags[name])
    if command == "generate" and "--rows" not in options:
        args += ["--rows", "customers=3", "--rows", "orders=4"]
    if command in ("delete", "reset", "generate", "load"):
        # The SQL target's experiments stay as loaded.
        args = [a if a not in ("shop", "sc") else "scratch" for a in args]
    dwsim(home, "arguments", *args)


def _mutate(spec: Any, data: Any, depth: int = 0) -> Any:
    """The spec with one value somewhere replaced, deleted or duplicated."""
    odd = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(),
        st.text(max_size=12),
        st.sampled_from([*NASTY, "INT", "VARCHAR(-1)", "DECIMAL(99,100)", [], {}, [1, "a"]]),
    )
    if isinstance(spec, dict) and spec:
        key = data.draw(st.sampled_from(sorted(spec)))
        action = data.draw(st.sampled_from(["set", "del", "descend", "descend"]))
        out = dict(spec)
        if action == "del":
            del out[key]
        elif action == "set":
            out[key] = data.draw(odd)
        else:
            out[key] = _mutate(spec[key], data, depth + 1)
        return out
    if isinstance(spec, list) and spec:
        i = data.draw(st.integers(0, len(spec) - 1))
        action = data.draw(st.sampled_from(["set", "dup", "descend", "descend"]))
        out_list = list(spec)
        if action == "dup":
            out_list.append(spec[i])
        elif action == "set":
            out_list[i] = data.draw(odd)
        else:
            out_list[i] = _mutate(spec[i], data, depth + 1)
        return out_list
    return data.draw(odd)


@fuzz
@given(data=st.data())
def test_spec_files(home: Path, tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    spec = {**SPEC, "name": "fz"}
    for _ in range(data.draw(st.integers(1, 3))):
        spec = _mutate(spec, data)
    kind = data.draw(st.sampled_from(["json", "yaml", "text", "bytes"]))
    path = tmp_path_factory.mktemp("spec") / f"s.{'json' if kind == 'json' else 'yaml'}"
    if kind == "json":
        path.write_text(json.dumps(spec, default=str))
    elif kind == "yaml":
        path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    elif kind == "text":
        path.write_text(data.draw(TEXT.filter(bool).map(lambda t: t[:200])))
    else:
        path.write_bytes(data.draw(st.binary(max_size=200)))
    args = ["create", str(path), *data.draw(st.sampled_from([[], ["--json"]]))]
    if dwsim(home, "spec files", *args).returncode == 0:
        dwsim(home, "spec files", "delete", "--yes", _name_of(spec))


def _name_of(spec: Any) -> str:
    return str(spec.get("name")) if isinstance(spec, dict) else "fz"


DDL_PARTS = [
    "CREATE TABLE ",
    "create table if not exists ",
    "t",
    '"[/c]"',
    '"a b"',
    "`x`",
    "[/bold]",
    " (",
    ")",
    ", ",
    ";",
    "id INT",
    " PRIMARY KEY",
    " NOT NULL",
    " DISTKEY",
    " SORTKEY",
    " ENCODE zstd",
    " REFERENCES t (id)",
    " FOREIGN KEY (id) REFERENCES t(id)",
    "name VARCHAR(10)",
    "d DECIMAL(99,100)",
    "v VARIANT",
    " DEFAULT 'x'",
    " CHECK (id > 0)",
    " COMMENT 'c\\'; DROP TABLE t; --'",
    "\n",
    "--",
    "/*",
    "é",
    ":x:",
    "\x00",
]


@fuzz
@given(data=st.data())
def test_ddl_files(home: Path, tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    parts = data.draw(st.lists(st.sampled_from(DDL_PARTS), max_size=25))
    text = "".join(parts) + data.draw(st.text(max_size=20))  # in the file: NUL is fine
    encoding = data.draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    path = tmp_path_factory.mktemp("ddl") / "d.sql"
    path.write_bytes(text.encode(encoding, "replace"))
    dialect = data.draw(st.sampled_from(["redshift", "snowflake", "postgres", "duckdb", "ansi"]))
    extra = data.draw(
        st.lists(
            st.sampled_from(["--dry-run", "--json", "--strict", "--encoding=latin-1"]),
            max_size=2,
            unique=True,
        )
    )
    name = data.draw(st.sampled_from(["d", "[/d]", ":x:"]))
    proc = dwsim(home, "DDL files", "import-sql", str(path), "-n", name, "-d", dialect, *extra)
    if proc.returncode == 0 and "--dry-run" not in extra:
        dwsim(home, "DDL files", "delete", "--yes", name)


SQL_PARTS = [
    "select ",
    "*",
    "count(*)",
    "tier",
    '"[/c]"',
    "':x:'",
    "'[/bold]'",
    " as a",
    ", ",
    " from ",
    "customers",
    "orders",
    " o join customers c on o.cid = c.id",
    " where ",
    "qty > 2",
    " group by 1",
    " order by 1",
    " limit 3",
    "top 2 ",
    "[1, 2]",
    "{'a': 1}",
    "interval 2 day",
    "1/0",
    "null",
    "getdate()",
    "dateadd(day, 1, at)",
    ";",
    "(",
    ")",
    "'",
    '"',
    "\x1b[2J",
    "1 as a, 2 as a",
    "\x00",
]


@fuzz
@given(data=st.data())
def test_sql(home: Path, tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    sql = "".join(data.draw(st.lists(st.sampled_from(SQL_PARTS), min_size=1, max_size=12)))
    sql += data.draw(TEXT.map(lambda t: t[:10]))
    name = data.draw(st.sampled_from(["shop", "sc"]))
    out = data.draw(st.sampled_from([None, "o.csv", "o.parquet"]))
    args = ["query", name]
    stdin = b""
    if data.draw(st.booleans()) and "\x00" not in sql:  # argv cannot carry NUL
        args.append(sql)
    else:
        args.append("-")
        stdin = sql.encode()
    if out is not None:
        args += ["--output", str(tmp_path_factory.mktemp("q") / out)]
    dwsim(home, "SQL", *args, stdin=stdin)


def _deep_json(tmp: Path, home: Path) -> list[str]:
    (tmp / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    return ["create", str(tmp / "deep.json")]


def _tampered_bundle(tmp: Path, home: Path) -> list[str]:
    import dwsim_nb as dw

    bundle = dw.Workspace(home).experiment("shop").export_bundle(tmp / "b")
    meta = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**meta, "seed": "abc"}))
    return ["import-bundle", str(bundle), "--name", "tampered"]


def _duplicate_parquet_names(tmp: Path, home: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table([[1], [2]], names=["a", "a"]), tmp / "dup.parquet")
    return ["infer", "dup", str(tmp), "--dry-run"]


@pytest.mark.parametrize(
    "case", [_deep_json, _tampered_bundle, _duplicate_parquet_names], ids=lambda f: f.__name__
)
def test_reader_cases_end_in_one_paragraph(home: Path, tmp_path: Path, case: Any) -> None:
    dwsim(home, "reader cases", *case(tmp_path, home))


def test_report_calls() -> None:
    """Print the calls made per target (run last in this file; numbers for SECURITY.md)."""
    print(f"\ndwsim process calls per target: {dict(CALLS)}, total {sum(CALLS.values())}")
