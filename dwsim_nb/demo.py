"""The demo behind ``dwsim demo`` and the DDL examples behind ``dwsim example``.

The demo imports TICKIT from Redshift DDL, generates, loads and queries it, and keeps the
experiment so there is something to explore afterwards. Kept apart from the CLI so a notebook
can run the same thing: ``dwsim_nb.demo.run_demo(ws)``. The examples are the ``.sql`` files in
``dwsim_nb/examples/``, named ``<name>_<dialect>.sql``; they ship in the package, so the README's
commands work from any folder (``dwsim example tickit > tickit.sql``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from dwsim_nb.run import Run
    from dwsim_nb.workspace import Experiment, Workspace

EXAMPLES_DIR = Path(__file__).parent / "examples"
EXAMPLE_DDL = EXAMPLES_DIR / "tickit_redshift.sql"
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
    "Top buyers (Redshift TOP, NVL, string concatenation, TRUNC)": """
        SELECT TOP 5 u.firstname || ' ' || u.lastname AS buyer,
               NVL(u.city, 'unknown')                  AS city,
               u.state,
               SUM(s.qtysold)                          AS tickets,
               SUM(s.pricepaid)                        AS spent,
               TRUNC(MAX(s.saletime))                  AS last_purchase
        FROM sales s
        JOIN users u ON u.userid = s.buyerid
        GROUP BY 1, 2, 3
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


@dataclass(frozen=True)
class Example:
    """One shipped DDL file: ``name`` (the file stem without the dialect), its dialect, the
    first line of its leading comment, and its path."""

    name: str
    dialect: str
    summary: str
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def examples() -> list[Example]:
    """The shipped DDL examples, by name."""
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.sql")):
        name, _, dialect = path.stem.rpartition("_")
        first = next(iter(path.read_text(encoding="utf-8").splitlines()), "")
        # The first clause of the first comment line: "An online shop in PostgreSQL DDL".
        summary = re.split(r"[:(]", first.removeprefix("--"))[0].strip().rstrip(".")
        found.append(Example(name or dialect, dialect if name else "ansi", summary, path))
    return found


def example(name: str) -> Example:
    """The example called ``name`` (or its file stem, ``tickit_redshift``); NotFoundError
    with the closest name otherwise."""
    from dwsim_nb.errors import NotFoundError, did_you_mean

    known = examples()
    for ex in known:
        if name.lower() in (ex.name.lower(), ex.path.stem.lower(), ex.path.name.lower()):
            return ex
    names = [ex.name for ex in known]
    raise NotFoundError(
        f"no example named {name!r}.",
        hint=did_you_mean(name, names) + f"choose one of: {', '.join(names)} (`dwsim example`)",
    )
