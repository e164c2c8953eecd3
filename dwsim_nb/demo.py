"""The demo behind ``dwsim demo``: TICKIT from Redshift DDL, generated, loaded, queried.

Kept apart from the CLI so a notebook can run the same thing: ``dwsim_nb.demo.run_demo(ws)``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from dwsim_nb.run import Run
    from dwsim_nb.workspace import Experiment, Workspace

EXAMPLE_DDL = Path(__file__).parent / "examples" / "tickit_redshift.sql"
DEMO_NAME = "tickit_demo"

DEMO_ROWS = {
    "users": 2_000,
    "venue": 200,
    "category": 11,
    "date": 365,
    "event": 800,
    "listing": 3_000,
    "sales": 5_000,
}

# Two queries written as a Redshift user would: a join with an aggregate, and TOP/NVL/GETDATE.
DEMO_QUERIES = {
    "Revenue per category (join + aggregate)": """
        SELECT c.catgroup, c.catname,
               COUNT(*)          AS sales,
               SUM(s.qtysold)    AS tickets,
               SUM(s.pricepaid)  AS revenue
        FROM sales s
        JOIN event e    ON e.eventid = s.eventid
        JOIN category c ON c.catid = e.catid
        GROUP BY c.catgroup, c.catname
        ORDER BY revenue DESC
        LIMIT 5
    """,
    "Top buyers (Redshift TOP, NVL, GETDATE, DATEDIFF)": """
        SELECT TOP 5 u.username,
               NVL(u.city, 'unknown')                          AS city,
               SUM(s.pricepaid)                                AS spent,
               DATEDIFF(day, MAX(s.saletime), GETDATE()) > 0   AS last_sale_in_past
        FROM sales s
        JOIN users u ON u.userid = s.buyerid
        GROUP BY u.username, u.city
        ORDER BY spent DESC
    """,
}


@dataclass
class DemoResult:
    experiment: Experiment
    run: Run
    results: dict[str, pd.DataFrame] = field(default_factory=dict)


def run_demo(ws: Workspace, *, seed: int = 42, progress: Any = None) -> DemoResult:
    """Create (or recreate) the demo experiment in ``ws``, generate, load and query it."""
    from dwsim_nb.errors import NotFoundError

    with contextlib.suppress(NotFoundError):
        ws.delete(DEMO_NAME)
    exp = ws.import_sql(
        EXAMPLE_DDL.read_text(encoding="utf-8"),
        name=DEMO_NAME,
        dialect="redshift",
        warehouse="duckdb",
    )
    run = exp.generate(rows=DEMO_ROWS, seed=seed, progress=progress)
    results = {title: exp.query(sql) for title, sql in DEMO_QUERIES.items()}
    return DemoResult(exp, run, results)
