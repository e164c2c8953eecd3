"""Benchmark: fitting a workload of 100 queries to a spec (issue 16: under 2 s).

TPC-H's schema with its 22 queries and 78 variants of them (other literals, dates, thresholds
and patterns, so each variant teaches something of its own), read, analyzed by every extractor
and written into the spec as rules. Timed after one warm-up fit (imports and sqlglot's caches),
best of ``--repeat`` runs; prints the time per phase.

    python benchmarks/bench_workload_fit.py
    python benchmarks/bench_workload_fit.py --queries 200 --repeat 3
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "tpch"
_NATIONS = ["GERMANY", "JAPAN", "BRAZIL", "KENYA", "PERU", "CHINA", "FRANCE", "INDIA"]


def variant(sql: str, i: int) -> str:
    """``sql`` with its years, numbers in comparisons and nation names moved by ``i``."""
    sql = re.sub(r"'(19\d\d)-", lambda m: f"'{int(m.group(1)) + i % 5}-", sql)
    sql = re.sub(r"> (\d+)\b", lambda m: f"> {int(m.group(1)) + 7 * i}", sql)
    sql = re.sub(r"'(FRANCE|GERMANY|CANADA|SAUDI ARABIA|BRAZIL)'", f"'{_NATIONS[i % 8]}'", sql)
    return re.sub(r"like '%(\w+)%'", lambda m: f"like '%{m.group(1)}{i}%'", sql)


def queries(n: int) -> list[str]:
    base = [p.read_text() for p in sorted(CORPUS.glob("q*.sql"))]
    return [
        base[i % len(base)] if i < len(base) else variant(base[i % len(base)], i) for i in range(n)
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from dwsim_nb.ddl import import_sql
    from dwsim_nb.workload import findings, fit_workload, read_workload

    spec = import_sql((CORPUS / "schema.sql").read_text(), dialect="postgres", name="bench")
    sql = ";\n".join(queries(args.queries))
    fit_workload(spec.model_copy(update={"workload": read_workload(sql, "postgres")}))
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        workload = read_workload(sql, "postgres")
        t1 = time.perf_counter()
        with_queries = spec.model_copy(update={"workload": workload})
        found = findings(with_queries)
        t2 = time.perf_counter()
        fitted = fit_workload(with_queries)
        t3 = time.perf_counter()
        for name, seconds in (("read", t1 - t0), ("extract", t2 - t1), ("fit", t3 - t2)):
            best[name] = min(best.get(name, seconds), seconds)
    rules = sum(
        1
        for t in fitted.tables
        for c in t.columns
        if str(getattr(c.rule, "reason", "") or "").startswith("from the workload")
    )
    print(f"{len(workload)} queries, {sum(len(v) for v in found.values())} findings, {rules} rules")
    for name, seconds in best.items():
        print(f"  {name:8} {seconds:6.2f} s")
    print(f"  read + fit (fit runs the extractors itself): {best['read'] + best['fit']:.2f} s")


if __name__ == "__main__":
    main()
