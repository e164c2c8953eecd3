"""Values a warehouse would refuse or compute differently, and runs that stay consistent.

Derived arithmetic that overflows or divides by zero, non-finite bounds and weights, values the
target cannot store, the loaded flag and status of a run written together, and time-relative
Faker rules that regenerate the same data on another day.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from dwsim_nb.engine import Manifest, generate_run
from dwsim_nb.errors import GenerationError, SpecError
from dwsim_nb.spec import ExperimentSpec


def _table(*columns: dict[str, Any], rows: int = 50) -> dict[str, Any]:
    return {
        "name": "vals",
        "tables": [{"name": "t", "target_rows": rows, "columns": list(columns)}],
    }


def _generate(tmp_path: Path, spec: dict[str, Any]) -> Any:
    out = tmp_path / "run"
    generate_run(ExperimentSpec.parse(spec), out, seed=1, workers=1)
    return pq.read_table(out / "t")


# --- derived arithmetic --------------------------------------------------------------------------

_BIG = {"name": "a", "data_type": "BIGINT", "min_value": 2**62, "max_value": 2**62 + 10}
_SMALL = {"name": "q", "data_type": "SMALLINT", "min_value": 200, "max_value": 300}
_ZERO = {"name": "z", "data_type": "INT", "min_value": 0, "max_value": 0}


@pytest.mark.parametrize(
    ("columns", "expression", "data_type", "match"),
    [
        ([_BIG], "a * 4", "BIGINT", "overflows BIGINT"),
        ([_BIG], "a + a", "BIGINT", "overflows BIGINT"),
        ([_BIG], "-a - a - a", "BIGINT", "overflows BIGINT"),
        ([_BIG], "1 / 0", "BIGINT", "divides by zero"),
        ([_BIG, _ZERO], "a / z", "DOUBLE", "divides by zero"),
        ([_BIG], "a * 1e300 * 1e300", "DOUBLE", "overflows DOUBLE"),
        ([_BIG], "a + 1e400", "DOUBLE", "1e400"),
        # SMALLINT * SMALLINT is computed in 64 bits, then refused by the SMALLINT column.
        (
            [_SMALL],
            "q * q",
            "SMALLINT",
            r"gives \d+ for some rows, which does not fit .* SMALLINT",
        ),
        ([_SMALL], "q * 1.5 * q", "INT", None),
        ([_SMALL], "q * 1000", "DECIMAL(6,2)", "does not fit"),
    ],
)
def test_derived_overflow_and_division_by_zero(
    tmp_path: Path,
    columns: list[dict[str, Any]],
    expression: str,
    data_type: str,
    match: str | None,
) -> None:
    spec = _table(*columns, {"name": "c", "data_type": data_type, "expression": expression})
    if match is None:
        values = _generate(tmp_path, spec).column("c").to_pylist()
        assert min(values) >= 200 * 200 * 1.5 - 1
        return
    with pytest.raises(GenerationError, match=match) as info:
        _generate(tmp_path, spec)
    assert info.value.where == "table 't', column 'c'"
    assert info.value.hint


def test_derived_values_that_fit_are_unchanged(tmp_path: Path) -> None:
    spec = _table(
        _SMALL,
        {"name": "p", "data_type": "DECIMAL(8,2)", "min_value": 1, "max_value": 9},
        {"name": "total", "data_type": "DECIMAL(12,2)", "expression": "round(q * p, 2)"},
        {"name": "ratio", "data_type": "DOUBLE", "expression": "q / p"},
        {"name": "neg", "data_type": "BIGINT", "expression": "-(q * q * q) + 7"},
    )
    t = _generate(tmp_path, spec).to_pylist()
    for row in t:
        assert float(row["total"]) == pytest.approx(row["q"] * float(row["p"]), abs=0.01)
        assert row["ratio"] == pytest.approx(row["q"] / float(row["p"]))
        assert row["neg"] == -(row["q"] ** 3) + 7


def test_derived_bigint_edges_fit(tmp_path: Path) -> None:
    top = {"name": "a", "data_type": "BIGINT", "min_value": 2**63 - 5, "max_value": 2**63 - 2}
    spec = _table(top, {"name": "c", "data_type": "BIGINT", "expression": "a + 1"})
    values = _generate(tmp_path, spec).column("c").to_pylist()
    assert max(values) == 2**63 - 1 and min(values) >= 2**63 - 4


# --- non-finite bounds, weights and parameters ----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "match"),
    [
        ({"max_value": float("inf")}, "range rule: max is inf"),
        ({"max_value": "inf", "min_value": 1}, "range rule: max is inf"),
        ({"min_value": "-inf"}, "range rule: min is -inf"),
        ({"min_value": float("nan")}, "range rule: min is nan"),
        ({"values": [1, 2], "weights": [float("nan"), 1]}, "a weight is nan"),
        ({"values": [1, 2], "weights": ["inf", 1]}, "a weight is inf"),
        (
            {"distribution": {"type": "normal", "parameters": {"mean": float("nan")}}},
            "parameter 'mean' is nan",
        ),
        (
            {"rule": {"kind": "distribution", "type": "gamma", "parameters": {"shape": "inf"}}},
            "parameter 'shape' is inf",
        ),
        ({"rule": {"kind": "distribution", "type": "normal", "max": "nan"}}, "max is nan"),
    ],
)
def test_non_finite_numbers_are_refused(column: dict[str, Any], match: str) -> None:
    spec = _table({"name": "c", "data_type": "DOUBLE", **column})
    with pytest.raises(SpecError, match=match) as info:
        ExperimentSpec.parse(spec)
    assert "column 'c'" in str(info.value) and "give a finite number" in str(info.value)


def test_non_finite_cardinality_is_refused() -> None:
    spec = _table({"name": "id", "data_type": "INT"})
    spec["tables"][0]["primary_key"] = ["id"]
    fk = {"columns": ["p"], "references_table": "t", "cardinality": {"kind": "zipf", "s": "nan"}}
    spec["tables"].append(
        {"name": "k", "columns": [{"name": "p", "data_type": "INT"}], "foreign_keys": [fk]}
    )
    with pytest.raises(SpecError, match=r"table 'k'.*s is nan"):
        ExperimentSpec.parse(spec)


# --- json_shape bounds ----------------------------------------------------------------------------


def _nested(depth: int, wrap: Any) -> Any:
    shape: Any = "int"
    for _ in range(depth):
        shape = wrap(shape)
    return shape


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        (_nested(900, lambda s: {"a": s}), "nests more than 56 levels"),
        (_nested(57, lambda s: [s]), "nests more than 56 levels"),
        (_nested(7, lambda s: [s, s]), "more than 1,000 values"),
    ],
)
def test_json_shapes_are_bounded(tmp_path: Path, shape: Any, match: str) -> None:
    import dwsim_nb as dw

    spec = _table({"name": "j", "data_type": "JSON", "json_shape": shape})
    with pytest.raises(SpecError, match=match) as info:
        dw.Workspace(tmp_path / "ws").create(spec)
    assert "column 'j'" in str(info.value)


def test_json_shape_at_the_bound_round_trips(tmp_path: Path) -> None:
    import dwsim_nb as dw

    ws = dw.Workspace(tmp_path / "ws")
    spec = _table({"name": "j", "data_type": "JSON", "json_shape": _nested(56, lambda s: {"a": s})})
    exp = ws.create(spec)
    exp.generate(seed=1, rows={"t": 3})
    # Read back from the catalog: the stored spec keeps within the document reader's nesting.
    assert dw.Workspace(tmp_path / "ws").experiment("vals").spec == exp.spec
    assert exp.query("select j from t")["j"][0].startswith('{"a":{"a":')


# --- values the target cannot store ---------------------------------------------------------------

_NUL_COLUMNS = [
    {"values": ["a", "b\x00c"]},
    {"constant": "x\x00"},
    {"pattern": "##\x00?"},
    {"data_type": "JSON", "json_shape": {"k\x00": "int"}},
    {"data_type": "JSON", "values": [{"a": ["\x00"]}]},
]


@pytest.mark.parametrize("warehouse", ["postgres", "redshift"])
@pytest.mark.parametrize("column", _NUL_COLUMNS)
def test_nul_is_refused_before_generation_for_postgres_targets(
    tmp_path: Path, warehouse: str, column: dict[str, Any]
) -> None:
    spec = _table({"name": "c", "data_type": "VARCHAR", **column})
    spec["target_warehouse"] = warehouse
    out = tmp_path / "run"
    with pytest.raises(GenerationError, match=rf"NUL character .* {warehouse} cannot") as info:
        generate_run(ExperimentSpec.parse(spec), out, seed=1, workers=1)
    assert info.value.where == "table 't', column 'c'"
    assert not out.exists() or not any(out.rglob("*"))


@pytest.mark.parametrize("warehouse", ["duckdb", "sqlite", "snowflake"])
def test_nul_is_kept_where_the_target_stores_it(tmp_path: Path, warehouse: str) -> None:
    spec = _table({"name": "c", "data_type": "VARCHAR", "values": ["b\x00c"]})
    spec["target_warehouse"] = warehouse
    assert set(_generate(tmp_path, spec).column("c").to_pylist()) == {"b\x00c"}


@pytest.mark.postgres
def test_nul_for_postgres_names_the_column_not_the_load(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dwsim_nb as dw

    monkeypatch.setenv("DWSIM_POSTGRES_URL", postgres_url)
    spec = _table({"name": "c", "data_type": "VARCHAR", "values": ["ok", "b\x00c"]})
    spec["target_warehouse"] = "postgres"
    exp = dw.Workspace(tmp_path / "ws").create(spec)
    with pytest.raises(GenerationError, match=r"column 'c'.*NUL"):
        exp.generate(seed=1)
    assert exp.loaded_run() is None


# --- a run's status and loaded flag are one write -------------------------------------------------

_RUN_SPEC = _table({"name": "n", "data_type": "INT", "min_value": 1, "max_value": 9}, rows=20)

_KILLED_CHILD = """
import os, signal, sys
import dwsim_nb as dw
import dwsim_nb.catalog as catalog

def killed(con, run_id):
    # Inside the transaction that marks the run COMPLETED and loaded, before it commits.
    os.kill(os.getpid(), signal.SIGKILL)

catalog._mark_loaded = killed
dw.Workspace(sys.argv[1]).experiment("vals").generate(seed=2, rows={"t": 7}, workers=1)
"""


def test_a_kill_while_marking_the_run_leaves_no_aborted_loaded_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    import dwsim_nb as dw

    home = tmp_path / "ws"
    exp = dw.Workspace(home).create(_RUN_SPEC)
    first = exp.generate(seed=1, workers=1)
    script = tmp_path / "child.py"
    script.write_text(_KILLED_CHILD)
    root = Path(dw.__file__).parent.parent
    proc = subprocess.run(
        [sys.executable, str(script), str(home)],
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr.decode()
    exp = dw.Workspace(home).experiment("vals")
    runs = exp.runs()
    killed = runs[-1]
    assert killed.status == "ABORTED" and not killed.loaded
    assert [r.id for r in runs if r.loaded] == [first.id]
    # The next operation removes the aborted run's folder and keeps the loaded run's.
    again = exp.generate(seed=3, workers=1, load=False)
    assert again.status == "COMPLETED"
    assert exp.run(killed.id).path is None and not (exp.runs_dir / f"run_{killed.id}").exists()
    assert Path(exp.run(first.id).path or "").exists()


def test_an_interrupt_after_the_load_committed_keeps_the_run_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dwsim_nb as dw
    from dwsim_nb.catalog import Catalog

    exp = dw.Workspace(tmp_path / "ws").create(_RUN_SPEC)
    exp.generate(seed=1, workers=1)
    finish = Catalog.finish_run
    calls: list[str] = []

    def interrupted(self: Catalog, run_id: int, status: str, **kw: Any) -> None:
        calls.append(status)
        if len(calls) == 1:
            raise KeyboardInterrupt
        finish(self, run_id, status, **kw)

    monkeypatch.setattr(Catalog, "finish_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        exp.generate(seed=2, rows={"t": 7}, workers=1)
    monkeypatch.undo()
    run = exp.runs()[-1]
    # The warehouse holds this run's rows, so the catalog says so, and its folder is kept.
    assert run.status == "COMPLETED" and run.loaded and Path(run.path or "").exists()
    assert exp.table_counts() == {"t": 7} == run.rows
    assert [r.id for r in exp.runs() if r.loaded] == [run.id]


def test_loading_an_earlier_run_moves_the_flag_and_timings_together(tmp_path: Path) -> None:
    import dwsim_nb as dw

    exp = dw.Workspace(tmp_path / "ws").create(_RUN_SPEC)
    first = exp.generate(seed=1, workers=1)
    exp.generate(seed=2, rows={"t": 7}, workers=1)
    again = exp.load(first.id)
    assert again.loaded and "load" in again.timings
    assert [r.id for r in exp.runs() if r.loaded] == [first.id]
    exp.reset()
    assert not any(r.loaded for r in exp.runs())


# --- "today" for Faker rules relative to it ------------------------------------------------------

_DATED = _table(
    {"name": "due", "data_type": "DATE", "faker_rule": "future_date"},
    {"name": "seen", "data_type": "TIMESTAMP", "faker_rule": "past_datetime"},
    {"name": "this_year", "data_type": "DATE", "faker_rule": "date_this_year"},
    {"name": "born", "data_type": "DATE", "faker_rule": "date_of_birth"},
    {"name": "city", "data_type": "VARCHAR", "faker_rule": "city"},
    rows=300,
)


@pytest.fixture
def fresh_pools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pools built anew in this test (memory and disk), as on another machine."""
    from dwsim_nb.engine.generators import faker_pools

    monkeypatch.setenv("DWSIM_CACHE_DIR", str(tmp_path / "cache"))
    faker_pools.pool.cache_clear()
    yield
    faker_pools.pool.cache_clear()


def _another_day(monkeypatch: pytest.MonkeyPatch, days: int) -> str:
    import datetime as dt

    from dwsim_nb.engine.generators import faker_clock, faker_pools

    later = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=days)
    monkeypatch.setattr(faker_clock, "utc_today", lambda: later)
    faker_pools.pool.cache_clear()
    return later.isoformat()


def test_today_is_read_once_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_pools: None
) -> None:
    import datetime as dt

    spec = ExperimentSpec.parse(_DATED)
    first = generate_run(spec, tmp_path / "a", seed=4, workers=1)
    today = dt.datetime.now(dt.timezone.utc).date()
    assert first.options == {"today": today.isoformat()}
    assert Manifest.read(tmp_path / "a").options == first.options
    table = pq.read_table(tmp_path / "a" / "t")
    due = table.column("due").to_pylist()
    assert min(due) > today and max(due) <= today + dt.timedelta(days=30)
    assert {d.year for d in table.column("this_year").to_pylist()} == {today.year}

    # Another day, another machine: the recorded date gives the same rows; the clock, others.
    later = _another_day(monkeypatch, 400)
    again = generate_run(spec, tmp_path / "b", seed=4, workers=1, today=first.options["today"])
    assert pq.read_table(tmp_path / "b" / "t").equals(table)
    moved = generate_run(spec, tmp_path / "c", seed=4, workers=1)
    assert moved.options == {"today": later} and again.options == first.options
    other = pq.read_table(tmp_path / "c" / "t")
    assert other.column("due") != table.column("due")
    assert other.column("city") == table.column("city")  # not relative to the date


def test_today_can_be_given_and_is_checked(tmp_path: Path, fresh_pools: None) -> None:
    import datetime as dt

    spec = ExperimentSpec.parse(_DATED)
    m = generate_run(spec, tmp_path / "a", seed=4, workers=1, today=dt.date(2001, 3, 4))
    assert m.options == {"today": "2001-03-04"}
    due = pq.read_table(tmp_path / "a" / "t").column("due").to_pylist()
    assert {d.year for d in due} == {2001}
    with pytest.raises(GenerationError, match="not a date"):
        generate_run(spec, tmp_path / "b", seed=4, workers=1, today="next tuesday")


def test_a_bundle_regenerates_the_same_data_on_another_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_pools: None
) -> None:
    import json

    import dwsim_nb as dw
    from dwsim_nb.bundle import regenerate, verify

    exp = dw.Workspace(tmp_path / "ws").create(_DATED)
    run = exp.generate(seed=7, workers=1)
    bundle = exp.export_bundle(tmp_path / "bundle")
    info = json.loads((bundle / "bundle.json").read_text())
    assert info["today"] == Manifest.read(run.path or "").options["today"]

    _another_day(monkeypatch, 400)
    manifest = regenerate(bundle, tmp_path / "again", workers=1)
    assert manifest.options["today"] == info["today"]
    assert all(verify(bundle, tmp_path / "again").values())
    # import_bundle regenerates through an experiment and checks the contents itself.
    other = dw.Workspace(tmp_path / "ws2").import_bundle(bundle)
    assert other.table_counts() == {"t": 300}


# --- error paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [None, 5, b"select 1", ["select 1"]])
def test_query_needs_sql_text(tmp_path: Path, sql: Any) -> None:
    import dwsim_nb as dw
    from dwsim_nb.errors import QueryError

    exp = dw.Workspace(tmp_path / "ws").create(_RUN_SPEC)
    exp.generate(seed=1, workers=1)
    calls = (exp.query, exp.query_arrow, exp.translate, exp.compare)
    for call in (*calls, lambda s: exp.save_query(s, tmp_path / "q.sql")):
        with pytest.raises(QueryError, match="the query must be text") as info:
            call(sql)
        assert info.value.hint


@pytest.mark.parametrize("home", ["/proc/x", "/dev/null", "/etc/hostname/x", "/tmp/a\x00b"])
def test_an_unusable_home_is_a_catalog_error(home: str) -> None:
    import dwsim_nb as dw
    from dwsim_nb.errors import CatalogError

    with pytest.raises(CatalogError, match="workspace") as info:
        dw.Workspace(home)
    assert info.value.where and "DWSIM_HOME" in (info.value.hint or "")


def test_an_unusable_home_from_the_cli_is_one_paragraph(tmp_path: Path) -> None:
    import subprocess
    import sys

    import dwsim_nb as dw

    root = Path(dw.__file__).parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "dwsim_nb.cli", "--home", "/proc/x", "list"],
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "/proc/x" in proc.stderr + proc.stdout


@pytest.mark.parametrize("shape", ["parquet", "frame", "arrow"])
def test_repeated_column_names_in_inferred_data(tmp_path: Path, shape: str) -> None:
    import pandas as pd
    import pyarrow as pa

    import dwsim_nb as dw
    from dwsim_nb.infer.tables import InferError

    source: Any = pa.table([[1], [2]], names=["a", "a"])
    if shape == "parquet":
        pq.write_table(source, tmp_path / "dup.parquet")
        source = tmp_path / "dup.parquet"
    elif shape == "frame":
        source = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InferError, match="more than one column named 'a'"):
        dw.Workspace(tmp_path / "ws").infer(source, name="dup")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("tcp://127.0.0.1:{port}", "nothing listens on that port"),
        ("ws://127.0.0.1:{port}", "nothing listens on that port"),
        ("inproc://127.0.0.1/1/2", "another process"),
    ],
)
def test_an_unreachable_dask_address_fails_fast_without_a_traceback(
    tmp_path: Path, address: str, said: str
) -> None:
    import os
    import subprocess
    import sys
    import time

    import dwsim_nb as dw

    pytest.importorskip("distributed")
    home = tmp_path / "ws"
    dw.Workspace(home).create(_RUN_SPEC)
    root = Path(dw.__file__).parent.parent
    dask = ["--dask", address.format(port=_closed_port())]
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dwsim_nb.cli", "--home", str(home), "generate", "vals", *dask],
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "cannot reach the Dask scheduler" in out and said in out
    assert "Traceback" not in out and "Exception ignored" not in out
    assert time.monotonic() - started < 8, out  # not Dask's 10 s connect nor a 20 s close
