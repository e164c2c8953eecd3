"""Same seed, same data: whatever the worker count or executor; another seed, other data."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dwsim_nb.engine import generate_run
from dwsim_nb.errors import GenerationError

ECOM = json.loads((Path(__file__).parents[1] / "benchmarks" / "ecom.json").read_text())
ROWS = {"customers": 2000, "orders": 6000, "order_items": 20000}
BLOCK = 4096


def _tables(out: Path) -> dict[str, object]:
    return {t: pq.read_table(out / t) for t in ROWS}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("base")
    generate_run(ECOM, out, rows=ROWS, seed=5, block_size=BLOCK, executor="inprocess")
    return _tables(out)


@pytest.mark.parametrize(("executor", "workers"), [("processes", 1), ("processes", 2),
                                                   ("inprocess", 2)])
def test_identical_across_executors(
    baseline: dict[str, object], tmp_path: Path, executor: str, workers: int
) -> None:
    m = generate_run(ECOM, tmp_path, rows=ROWS, seed=5, block_size=BLOCK, executor=executor,
                     workers=workers)
    assert m.executor == executor
    got = _tables(tmp_path)
    for t in ROWS:
        assert got[t].equals(baseline[t]), t  # type: ignore[attr-defined]


def test_other_seed_differs(baseline: dict[str, object], tmp_path: Path) -> None:
    generate_run(ECOM, tmp_path, rows=ROWS, seed=6, block_size=BLOCK, executor="inprocess")
    got = _tables(tmp_path)
    for t in ROWS:
        assert not got[t].equals(baseline[t]), t  # type: ignore[attr-defined]


def test_rows_prefix_is_stable(baseline: dict[str, object], tmp_path: Path) -> None:
    # A value depends on its row index, not on how many rows the table has.
    generate_run(ECOM, tmp_path, rows={**ROWS, "customers": 1000}, seed=5, block_size=BLOCK,
                 executor="inprocess")
    small = pq.read_table(tmp_path / "customers").select(["id", "city", "signup_date"])
    full = baseline["customers"].select(["id", "city", "signup_date"])  # type: ignore[attr-defined]
    assert small.equals(full.slice(0, 1000))


def test_progress_reports_every_table(tmp_path: Path) -> None:
    seen: dict[str, tuple[int, int]] = {}
    generate_run(ECOM, tmp_path, rows=ROWS, seed=1, block_size=BLOCK, executor="inprocess",
                 progress=lambda t, done, total: seen.__setitem__(t, (done, total)))
    assert seen == {t: (n, n) for t, n in ROWS.items()}


def test_cancel_stops_between_blocks(tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(table: str, done: int, total: int) -> None:
        cancel.set()

    for executor in ("inprocess", "processes"):
        with pytest.raises(GenerationError, match="cancelled"):
            generate_run(ECOM, tmp_path / executor, rows=ROWS, seed=1, block_size=BLOCK,
                         executor=executor, workers=2, progress=progress, cancel=cancel)
        cancel.clear()
        assert not (tmp_path / executor / "manifest.json").exists()


def test_auto_stays_in_process_for_small_runs() -> None:
    from dwsim_nb.engine.executors import auto_kind, make_executor
    from dwsim_nb.engine.plan import make_plan
    from dwsim_nb.spec import ExperimentSpec

    spec = ExperimentSpec.parse(ECOM)
    small = make_plan(spec, rows=ROWS, block_size=BLOCK)  # 28k rows in 8 blocks
    assert small.task_count > 1
    assert auto_kind(small, 2) == "inprocess"
    assert make_executor("auto", 2, small).name == "inprocess"
    # ecom at full size (14M rows): planned only, nothing generated.
    large = make_plan(spec, rows={"customers": 1_000_000, "orders": 3_000_000,
                                  "order_items": 10_000_000})
    assert auto_kind(large, 2) == "processes"
    assert make_executor("auto", 2, large).name == "processes"
    assert auto_kind(large, 1) == "inprocess"
    one_block = make_plan(spec, rows={"customers": 5_000_000, "orders": 0, "order_items": 0},
                          block_size=8_000_000)
    assert auto_kind(one_block, 2) == "inprocess"


def test_prestart_starts_the_fork_server_only_for_pool_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import multiprocessing.forkserver as fs

    from dwsim_nb.engine.executors import AUTO_POOL_MIN_ROWS, InProcessExecutor, prestart
    from dwsim_nb.engine.run import expected_rows
    from dwsim_nb.spec import ExperimentSpec

    calls: list[int] = []
    monkeypatch.setattr(fs, "ensure_running", lambda: calls.append(1))
    big = AUTO_POOL_MIN_ROWS
    for kind, workers, rows, client, starts in [
        ("processes", 2, 10, None, True),  # asked for a pool: always
        ("auto", 2, big, None, True),
        ("auto", 2, big - 1, None, False),  # small runs stay in process
        ("auto", 1, big, None, False),
        ("inprocess", 2, big, None, False),
        ("auto", 2, big, "tcp://127.0.0.1:1", False),  # Dask runs elsewhere
        (InProcessExecutor(), 2, big, None, False),
    ]:
        calls.clear()
        prestart(kind, workers, rows, client)
        assert bool(calls) is starts, (kind, workers, rows, client)
    spec = ExperimentSpec.parse(ECOM)
    assert expected_rows(spec, None) == 14_000_000
    assert expected_rows(spec, {**ROWS, "nope": 5}) == sum(ROWS.values())
