"""Same spec + workload + seed -> same data, on one worker and on two processes: fitting is a
pure function of the spec and its queries, and the rules it writes (mixes, skewed keys, moved
date spans) generate from (seed, table, column, row) like any rule."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from helpers_results import TPCH_SMALL_ROWS

from dwsim_nb.ddl import import_sql
from dwsim_nb.engine.run import generate_run
from dwsim_nb.workload import fit_workload, read_workload

CORPUS = Path(__file__).parent / "corpus"
ROWS = TPCH_SMALL_ROWS


def _fitted() -> object:
    spec = import_sql((CORPUS / "tpch" / "schema.sql").read_text(), dialect="postgres", name="t")
    queries = read_workload(sorted((CORPUS / "tpch").glob("q*.sql")), "postgres")
    return fit_workload(spec.model_copy(update={"workload": queries}))


def _tables(folder: Path) -> dict[str, object]:
    return {
        t.name: pq.read_table(sorted(t.glob("*.parquet"))).to_pydict()
        for t in sorted(folder.iterdir())
        if t.is_dir()
    }


def test_same_workload_and_seed_give_the_same_data_on_one_and_two_workers(
    tmp_path: Path,
) -> None:
    spec = _fitted()
    assert spec.to_dict() == _fitted().to_dict()  # type: ignore[attr-defined]
    kinds = {c.rule.kind for t in spec.tables for c in t.columns if c.rule is not None}  # type: ignore[attr-defined]
    assert "mix" in kinds
    generate_run(
        spec, tmp_path / "one", rows=ROWS, seed=7, workers=1, executor="inprocess", block_size=1024
    )
    generate_run(
        spec, tmp_path / "two", rows=ROWS, seed=7, workers=2, executor="processes", block_size=1024
    )
    one, two = _tables(tmp_path / "one"), _tables(tmp_path / "two")
    assert set(one) == {
        "region",
        "nation",
        "supplier",
        "customer",
        "part",
        "partsupp",
        "orders",
        "lineitem",
    }
    for name in one:
        assert one[name] == two[name], name
