"""A list of values on a table with room for no more uses each value once (issue 15, item 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from dwsim_nb.engine import generate_run
from dwsim_nb.errors import GenerationError, SpecError

NAMES = ["Books", "Music", "Films", "Games", "Toys", "Garden"]


def _spec(values: list[Any], *, unique: bool = False, **rule: Any) -> dict[str, Any]:
    name = {
        "name": "name",
        "data_type": "VARCHAR",
        "is_unique": unique,
        "rule": {"kind": "values", "values": values, **rule},
    }
    table = {
        "name": "categories",
        "columns": [{"name": "id", "data_type": "INT", "is_unique": True}, name],
    }
    return {"name": "lookups", "tables": [table]}


def _names(spec: dict[str, Any], out: Path, rows: int, **kw: Any) -> list[Any]:
    generate_run(spec, out, rows={"categories": rows}, seed=7, executor="inprocess", **kw)
    return pq.read_table(out / "categories").column("name").to_pylist()


def test_six_values_six_rows_each_once(tmp_path: Path) -> None:
    got = _names(_spec(NAMES), tmp_path, 6)
    assert sorted(got) == sorted(NAMES)


def test_fewer_rows_than_values_never_repeat(tmp_path: Path) -> None:
    got = _names(_spec(NAMES), tmp_path, 4)
    assert len(set(got)) == 4 and set(got) <= set(NAMES)


def test_weights_of_zero_stay_unused_when_each_once(tmp_path: Path) -> None:
    got = _names(_spec(NAMES, weights=[1, 1, 1, 1, 1, 0]), tmp_path, 5)
    assert sorted(got) == sorted(NAMES[:5])


def test_more_rows_than_values_still_sampled_by_weight(tmp_path: Path) -> None:
    got = _names(_spec(["a", "b"], weights=[9, 1]), tmp_path, 2000)
    assert got.count("a") > 1600 and got.count("b") > 100


def test_unique_values_need_no_target_rows_edit(tmp_path: Path) -> None:
    values = [f"v{i}" for i in range(10)]
    got = _names(_spec(values, unique=True), tmp_path, 10)
    assert sorted(got) == sorted(values)


def test_unique_values_with_too_many_rows_name_both_counts(tmp_path: Path) -> None:
    values = [f"v{i}" for i in range(10)]
    with pytest.raises((GenerationError, SpecError)) as err:
        _names(_spec(values, unique=True), tmp_path, 11)
    text = str(err.value)
    assert "10 distinct values" in text and "11 rows" in text and "'name'" in text


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("rows", [6, 5])
def test_same_values_whatever_the_block_size(tmp_path: Path, unique: bool, rows: int) -> None:
    spec = _spec(NAMES, unique=unique)
    default = _names(spec, tmp_path / "default", rows)
    small = _names(spec, tmp_path / "small", rows, block_size=3)
    assert small == default
    assert len(set(default)) == rows


def test_same_values_across_executors(tmp_path: Path) -> None:
    spec = _spec(NAMES)
    base = _names(spec, tmp_path / "a", 6, block_size=2)
    generate_run(
        spec,
        tmp_path / "b",
        rows={"categories": 6},
        seed=7,
        block_size=2,
        executor="processes",
        workers=2,
    )
    assert pq.read_table(tmp_path / "b" / "categories").column("name").to_pylist() == base


def test_generate_takes_the_cell_rule_overrides(tmp_path: Path) -> None:
    from dwsim_nb.workspace import Workspace

    exp = Workspace(tmp_path / "ws").create(_spec(["x"]))
    run = exp.generate(
        rows={"categories": 6}, seed=1, columns={"categories": {"name": {"values": NAMES}}}
    )
    assert run.rows == {"categories": 6}
    got = exp.query("select name from categories")["name"].tolist()
    assert sorted(got) == sorted(NAMES)
    assert exp.spec_version == 2  # kept, as %%dwsim_generate keeps its overrides
    with pytest.raises(SpecError, match="no column 'nope'"):
        exp.generate(columns={"categories": {"nope": {"values": [1]}}})


def test_cli_generate_reads_the_cell_from_a_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dwsim_nb.cli import main
    from dwsim_nb.workspace import Workspace

    home = tmp_path / "ws"
    exp = Workspace(home).create(_spec(["x"]))
    cell = tmp_path / "cell.yaml"
    cell.write_text("categories:\n  rows: 5\n  columns:\n    name: {values: [a, b, c, d, e, f]}\n")
    r = CliRunner().invoke(
        main,
        ["--home", str(home), "generate", "lookups", "--overrides", str(cell), "--seed", "3"],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    got = exp.query("select name from categories")["name"].tolist()
    assert len(got) == 5 and len(set(got)) == 5 and set(got) <= set("abcdef")
    r = CliRunner().invoke(
        main,
        ["--home", str(home), "generate", "lookups", "--columns", str(cell), "-r", "categories=6"],
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    assert sorted(exp.query("select name from categories")["name"]) == list("abcdef")
