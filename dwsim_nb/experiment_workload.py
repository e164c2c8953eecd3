"""An experiment's workload: its own queries, stored with its spec, and their coverage.

    exp.set_workload("queries/")          # .sql files, a folder, SQL text, or a list of these
    exp.add_workload("select ... ; select ...")
    exp.workload                          # [WorkloadQuery(name="q01", sql="select ...")]
    exp.coverage()                        # query, rows, status, explanation

Setting or adding queries fits the spec at once (:func:`dwsim_nb.workload.fit_workload`) and
stores it as a new spec version, so ``show`` lists the rules the workload wrote and the next
``generate`` uses them; like any spec update it empties the tables until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dwsim_nb.errors import DwsimError, QueryError

if TYPE_CHECKING:
    import pandas as pd

    from dwsim_nb.spec.models import ExperimentSpec
    from dwsim_nb.spec.workload import WorkloadQuery

SELECTIVITY = (0.05, 0.30)


class WorkloadMixin:
    """The workload verbs of :class:`dwsim_nb.experiment.Experiment`."""

    if TYPE_CHECKING:

        @property
        def dialect(self) -> str: ...

        @property
        def spec(self) -> ExperimentSpec: ...

        def update(self, spec: Any) -> Any: ...

        def query(self, sql: str) -> pd.DataFrame: ...

        def load(self, run_id: int | None = None) -> Any: ...

        def loaded_run(self) -> Any: ...

    @property
    def workload(self) -> list[WorkloadQuery]:
        """The stored queries, in order, each with its name and SQL."""
        return list(self.spec.workload)

    def set_workload(
        self,
        source: Any,
        selectivity: float | tuple[float, float] = SELECTIVITY,
        encoding: str = "utf-8",
        fit: bool = True,
    ) -> Any:
        """Replace the workload with ``source`` (SQL text, ``.sql`` file, folder, or a list)
        and fit the spec to it; ``selectivity``: the share of rows each predicate selects.
        ``fit=False`` only stores the queries (to measure coverage first; fit later with
        :meth:`fit_workload`)."""
        from dwsim_nb.workload import read_workload

        queries = read_workload(source, self.dialect, encoding=encoding)
        return self._fit(queries, selectivity, fit)

    def add_workload(
        self,
        source: Any,
        selectivity: float | tuple[float, float] = SELECTIVITY,
        encoding: str = "utf-8",
        fit: bool = True,
    ) -> Any:
        """Add queries to the workload (new names continue after the existing ones) and fit
        (``fit=False``: only store them)."""
        from dwsim_nb.workload import read_workload

        old = self.workload
        new = read_workload(source, self.dialect, taken=[q.name for q in old], encoding=encoding)
        return self._fit(old + new, selectivity, fit)

    def fit_workload(self, selectivity: float | tuple[float, float] = SELECTIVITY) -> Any:
        """Fit the spec to the stored workload (after ``set_workload(..., fit=False)``)."""
        return self._fit(self.workload, selectivity, True)

    def _fit(self, queries: list[WorkloadQuery], selectivity: Any, fit: bool = True) -> Any:
        from dwsim_nb.workload import fit_workload

        spec = self.spec.model_copy(update={"workload": queries})
        return self.update(fit_workload(spec, selectivity) if fit else spec)

    def workload_lines(self) -> list[str]:
        """The workload in brief for an experiment's display: a count and the first names."""
        names = [q.name for q in self.spec.workload]
        if not names:
            return []
        more = f", ... {len(names) - 8} more" if len(names) > 8 else ""
        return [f"  workload: {len(names)} queries ({', '.join(names[:8])}{more})"]

    def coverage(self, run_id: int | None = None) -> pd.DataFrame:
        """Each workload query's row count on the loaded data (``run_id``: load that run
        first): a DataFrame of query, rows, status (ok, empty, or error with its first line)
        and, for an empty query, an explanation naming the predicate that removed its rows
        (:func:`dwsim_nb.workload.explain.explain_empty`)."""
        import pandas as pd

        if run_id is not None:
            loaded = self.loaded_run()
            if loaded is None or loaded.id != run_id:
                self.load(run_id)
        rows: list[dict[str, Any]] = []
        for q in self.workload:
            try:
                try:
                    frame = self.query(count_sql(q.sql, self.dialect))
                except DwsimError:
                    frame = self.query(count_sql(q.sql, self.dialect, values=False))
                n = int(frame.iloc[0, 0])
                # Rows holding a value: an aggregate over no row still returns one, of NULLs.
                valued = int(frame.iloc[0, 1]) if frame.shape[1] > 1 else n
                why = None if valued else self._explain(q.sql)
                if n and not valued:
                    lead = f"its {n} rows hold only NULLs" if n > 1 else "its row holds only NULLs"
                    why = f"{lead}: {why}" if why else lead
                rows.append(
                    {
                        "query": q.name,
                        "rows": n,
                        "status": "ok" if valued else "empty",
                        "explanation": why,
                    }
                )
            except (DwsimError, ValueError, IndexError) as e:
                first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                rows.append(
                    {
                        "query": q.name,
                        "rows": None,
                        "status": f"error: {first}",
                        "explanation": None,
                    }
                )
        from dwsim_nb.display.coverage_view import COLUMNS, Coverage

        frame = pd.DataFrame(rows, columns=COLUMNS)
        why = frame["explanation"].astype(object)
        frame["explanation"] = why.where(why.notna(), None)  # None, not NaN, when not empty
        return Coverage(frame)

    def _explain(self, sql: str) -> str | None:
        from dwsim_nb.workload.explain import explain_empty

        def fetch(statement: str) -> list[tuple[Any, ...]]:
            return list(self.query(statement).itertuples(index=False, name=None))

        return explain_empty(self.spec, sql, fetch)


def count_sql(sql: str, dialect: str, values: bool = True) -> str:
    """``select count(*) from (<query>) q`` in ``dialect``; the query's own trailing ORDER BY
    and LIMIT stay, so the count is of the rows the query returns. With ``values``, a second
    count: the rows holding a non-NULL value (when the query's output names are known)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    from dwsim_nb.dialects import resolve

    read = resolve(dialect).sqlglot or None
    try:
        tree = sqlglot.parse_one(sql, read=read)
    except ParseError as e:
        raise QueryError(f"cannot read the query: {e}") from None
    if not isinstance(tree, exp.Query):
        raise QueryError("not a query (only SELECT statements are counted)")
    counts: list[exp.Expression] = [exp.Count(this=exp.Star())]
    names = tree.named_selects
    if values and names and "*" not in names and all(names) and len(set(names)) == len(names):
        # Also the rows with at least one non-NULL value.
        some = exp.or_(*[exp.column(n, "dwsim_q").is_(exp.null()).not_() for n in names])
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=some, true=exp.Literal.number(1))])))
    wrapped = exp.select(*counts).from_(tree.subquery("dwsim_q"))
    return wrapped.sql(dialect=read)
