"""Extractor: the tables a query reaches through joins, as parents of another table it reads
(nation, filtered by name, reached from supplier and lineitem). A literal filter on such a
parent is given the high end of the selectivity range when fitting: its rows pass on to every
child, so a few parents matching by chance leave a small child table with none."""

from __future__ import annotations

from dwsim_nb.workload.analyze import Query
from dwsim_nb.workload.findings import Reach


def reached_parents(q: Query) -> list[Reach]:
    tables = {r.table for r in q.refs.values()}
    out: list[Reach] = []
    for name in sorted(tables):
        for fk in q.spec.table(name).foreign_keys:
            parent = q.spec.table(fk.references_table).name
            if parent in tables and parent != name and all(o.table != parent for o in out):
                out.append(Reach(q.name, parent))
    return out
