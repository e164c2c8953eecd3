"""Bounded input: readers of user input refuse what would exhaust memory, time or the stack."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from dwsim_nb import limits
from dwsim_nb.errors import DwsimError, SpecError


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The classic 'billion laughs' in YAML: each anchor lists the previous one ``width`` times."""
    lines = ["l0: &l0 [" + ",".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        refs = ",".join([f"*l{i - 1}"] * width)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_fast_and_small() -> None:
    bomb = _alias_bomb()
    assert len(bomb) < 700
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(SpecError, match="aliases expand to more than") as info:
        limits.load_document(bomb, where="bomb.yaml", error=SpecError)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert info.value.where == "bomb.yaml"
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024


def test_yaml_aliases_that_stay_small_still_load() -> None:
    text = "base: &b {data_type: INT}\ncolumns: [*b, *b]\n"
    assert limits.load_document(text, where="ok.yaml") == {
        "base": {"data_type": "INT"},
        "columns": [{"data_type": "INT"}, {"data_type": "INT"}],
    }


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000, "- " * 100_000 + "x"],
    ids=["json-lists", "json-objects", "yaml-lists"],
)
def test_deep_documents_are_refused(text: str) -> None:
    with pytest.raises(DwsimError, match="nested more than"):
        limits.load_document(text, where="deep")


def test_nesting_through_an_alias_counts_its_depth() -> None:
    inner = "[" * 40 + "1" + "]" * 40
    text = f"a: &a {inner}\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n"
    with pytest.raises(DwsimError, match="nested more than"):
        limits.load_document(text, where="deep.yaml")


def test_read_text_caps_devices_and_names_folders(tmp_path: Path) -> None:
    with pytest.raises(DwsimError, match="larger than 1,000 bytes"):
        limits.read_text("/dev/zero", what="DDL file", limit=1000)
    with pytest.raises(DwsimError, match="is a folder"):
        limits.read_text(tmp_path, what="DDL file", limit=1000)
    with pytest.raises(DwsimError, match="does not exist"):
        limits.read_text(tmp_path / "missing.sql", what="DDL file", limit=1000)


def test_read_text_encodings(tmp_path: Path) -> None:
    path = tmp_path / "latin.sql"
    text = "create table t (name varchar(10) default 'café');\n"
    path.write_bytes(text.encode("latin-1"))
    byte = text.index("é") + 1
    with pytest.raises(DwsimError, match=rf"not valid utf-8 text \(byte {byte}, line 1\)") as info:
        limits.read_text(path, what="DDL file", limit=10_000)
    assert "--encoding latin-1" in str(info.value)
    assert "café" in limits.read_text(path, what="DDL file", limit=10_000, encoding="latin-1")
    binary = tmp_path / "x.sql"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DwsimError, match="binary file"):
        limits.read_text(binary, what="DDL file", limit=10_000)
    bom = tmp_path / "bom.sql"
    bom.write_bytes(b"\xef\xbb\xbfcreate table t (a int);")
    assert limits.read_text(bom, what="DDL file", limit=10_000).startswith("create")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (10**15, "more than the 1,000,000,000,000"),
        (-1, "negative"),
        (1.5, "not a whole number"),
        ("many", "not a whole number"),
        (True, "not a whole number"),
    ],
)
def test_row_counts_are_bounded(rows: object, message: str) -> None:
    with pytest.raises(DwsimError, match=message) as info:
        limits.check_rows("orders", rows)
    assert "'orders'" in str(info.value)


def test_row_counts_in_bounds() -> None:
    assert limits.check_rows("t", 1000) == 1000
    assert limits.check_rows("t", 1e3) == 1000
    assert limits.check_rows("t", limits.MAX_TABLE_ROWS) == limits.MAX_TABLE_ROWS


def _spec_bomb(field: str) -> str:
    """A spec whose ``field`` on a column holds a 9-level alias bomb (about 630 bytes)."""
    return (
        _alias_bomb()
        + "name: bomb\ntables:\n  - name: t\n    target_rows: 1\n    columns:\n"
        + f"      - {{name: c, data_type: VARCHAR, {field}: *l9}}\n"
    )


@pytest.mark.parametrize("field", ["constant", "values", "json_shape", "physical"])
def test_spec_reader_refuses_alias_bombs(field: str, tmp_path: Path) -> None:
    from dwsim_nb.spec import parse_spec

    path = tmp_path / "bomb.yaml"
    path.write_text(_spec_bomb(field), encoding="utf-8")
    start = time.perf_counter()
    for source in (path, path.read_text(encoding="utf-8")):
        with pytest.raises(SpecError, match="aliases expand"):
            parse_spec(source)
    assert time.perf_counter() - start < 2.0


def test_cli_create_refuses_an_alias_bomb_in_one_paragraph(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "bomb.yaml"
    path.write_text(_spec_bomb("constant"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "dwsim_nb.cli", "--home", str(tmp_path / "ws"), "create", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "aliases expand" in output
    assert "Traceback" not in output


def test_generation_refuses_huge_row_counts_before_planning(tmp_path: Path) -> None:
    from dwsim_nb.engine import generate_run
    from dwsim_nb.errors import GenerationError
    from dwsim_nb.spec import parse_spec

    spec = parse_spec(
        {
            "name": "big",
            "tables": [
                {
                    "name": "t",
                    "target_rows": 10,
                    "columns": [{"name": "id", "data_type": "BIGINT"}],
                }
            ],
        }
    )
    start = time.perf_counter()
    with pytest.raises(GenerationError, match="more than the 1,000,000,000,000") as info:
        generate_run(spec, tmp_path / "run", rows={"t": 10**15}, seed=1)
    assert "'t'" in str(info.value)
    assert time.perf_counter() - start < 5.0
    assert not any((tmp_path / "run").glob("**/*.parquet"))


def test_plan_tasks_are_lazy() -> None:
    from dwsim_nb.engine.plan import make_plan
    from dwsim_nb.spec import parse_spec

    spec = parse_spec(
        {
            "name": "big",
            "tables": [{"name": "t", "columns": [{"name": "id", "data_type": "BIGINT"}]}],
        }
    )
    plan = make_plan(spec, rows={"t": limits.MAX_TABLE_ROWS}, block_size=1000)
    assert plan.task_count == limits.MAX_TABLE_ROWS // 1000
    first = next(iter(plan.tasks()))
    assert first == ("t", 0)


def test_workspace_import_sql_reads_files_through_the_bounds(tmp_path: Path) -> None:
    from dwsim_nb import Workspace

    ws = Workspace(tmp_path / "ws")
    path = tmp_path / "shop.sql"
    path.write_bytes("create table t (name varchar(10) default 'café');\n".encode("latin-1"))
    with pytest.raises(DwsimError, match="not valid utf-8 text"):
        ws.import_sql(path, name="shop")
    exp = ws.import_sql(path, name="shop", encoding="latin-1")
    assert exp.spec.table("t").column("name").default == "'café'"


def test_a_foreign_key_of_the_wrong_shape_is_a_spec_error() -> None:
    from dwsim_nb.spec import parse_spec

    spec = {
        "name": "x",
        "tables": [
            {
                "name": "t",
                "columns": [{"name": "a", "data_type": "INT"}],
                "foreign_keys": [{"columns": 5, "references_table": "t"}],
            }
        ],
    }
    with pytest.raises(SpecError, match="foreign key #1, field 'columns'"):
        parse_spec(spec)
