"""Benchmark: generation speed with a workload's rules against the same spec without them
(issue 16: within 10%).

TPC-H's schema (tests/corpus/tpch/schema.sql) at ``--sf`` row counts (0.12: about 1M rows),
once as imported and once fitted to its 22 queries (mixes of literals, LIKE-built values,
moved date spans, skewed keys, HAVING values), generated to Parquet in a temporary folder with
the same seed, alternating for ``--rounds`` so both see the same machine load. Prints each
round and the median rows/s of each, and the ratio.

    python benchmarks/bench_workload_generate.py
    python benchmarks/bench_workload_generate.py --sf 0.5 --rounds 5 --workers 2
    python benchmarks/bench_workload_generate.py --cpu --rounds 5   # CPU time, one worker
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "tpch"
SF1 = {
    "region": 5,
    "nation": 25,
    "supplier": 10_000,
    "customer": 150_000,
    "part": 200_000,
    "partsupp": 800_000,
    "orders": 1_500_000,
    "lineitem": 6_000_000,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sf", type=float, default=0.12)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="one worker in this process, timed by CPU time (steadier on a shared machine)",
    )
    args = ap.parse_args()
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.engine.run import generate_run
    from dwsim_nb.workload import fit_workload, read_workload

    plain = import_sql((CORPUS / "schema.sql").read_text(), dialect="postgres", name="bench")
    queries = read_workload(sorted(CORPUS.glob("q*.sql")), "postgres")
    fitted = fit_workload(plain.model_copy(update={"workload": queries}))
    changed = len(fitted.workload_fit.changes) if fitted.workload_fit else 0
    rows = {t: max(1, int(n * args.sf)) if n > 25 else n for t, n in SF1.items()}
    total = sum(rows.values())
    print(f"TPC-H at SF {args.sf}: {total:,} rows; the workload changed {changed} columns/keys")
    times: dict[str, list[float]] = {"without": [], "with": []}
    for r in range(args.rounds):
        order = [("without", plain), ("with", fitted)]
        if r % 2:
            order.reverse()
        for name, spec in order:
            folder = Path(tempfile.mkdtemp(prefix="dwsim-bench-"))
            try:
                clock = time.process_time if args.cpu else time.perf_counter
                options: dict[str, Any] = {"workers": args.workers}
                if args.cpu:
                    options = {"workers": 1, "executor": "inprocess"}
                t0 = clock()
                generate_run(spec, folder, rows=rows, seed=1, **options)
                seconds = clock() - t0
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            times[name].append(seconds)
            print(f"  round {r + 1} {name:8} {seconds:6.2f} s  {total / seconds:12,.0f} rows/s")
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"median {k:8} {v:6.2f} s  {total / v:12,.0f} rows/s")
    print(f"with / without: {med['with'] / med['without']:.3f} (time)")


if __name__ == "__main__":
    main()
