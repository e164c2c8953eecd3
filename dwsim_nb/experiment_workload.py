"""An experiment's workload: its own queries, stored with its spec, and their coverage.

    exp.set_workload("queries/")          # .sql files, a folder, SQL text, or a list of these
    exp.add_workload("select ... ; select ...")
    exp.workload                          # [WorkloadQuery(name="q01", sql="select ...")]
    exp.coverage()                        # query, rows, status, explanation
    exp.suggestions()                     # joins without a foreign key: table.column -> parent
    exp.reject_suggestion("orders.cust")  # or accept_suggestion(...): refits, remembered

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
Selectivity = float | tuple[float, float] | None


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
        selectivity: Selectivity = None,
        encoding: str = "utf-8",
        fit: bool = True,
        targets: Any = None,
    ) -> Any:
        """Replace the workload with ``source`` (SQL text, ``.sql`` file, folder, or a list)
        and fit the spec to it, starting from the spec as it was before any workload.
        ``selectivity``: the share of rows each predicate selects (None: the one given before,
        else 5-30%). ``targets``: a YAML file or a dict of query name -> ``"rows >= 100"`` /
        ``"share >= 0.2"`` (beside ``-- dwsim:`` comments; it replaces earlier targets).
        ``fit=False`` only stores the queries (to measure coverage first; fit later with
        :meth:`fit_workload`)."""
        from dwsim_nb.workload import read_workload

        queries = read_workload(source, self.dialect, encoding=encoding)
        return self._fit(queries, selectivity, fit, targets, replace=True)

    def add_workload(
        self,
        source: Any,
        selectivity: Selectivity = None,
        encoding: str = "utf-8",
        fit: bool = True,
        targets: Any = None,
    ) -> Any:
        """Add queries to the workload (new names continue after the existing ones) and fit
        (``fit=False``: only store them); ``targets`` are added to the earlier ones."""
        from dwsim_nb.workload import read_workload

        old = self.workload
        new = read_workload(source, self.dialect, taken=[q.name for q in old], encoding=encoding)
        return self._fit(old + new, selectivity, fit, targets)

    def fit_workload(self, selectivity: Selectivity = None) -> Any:
        """Fit the spec to the stored workload (after ``set_workload(..., fit=False)``)."""
        return self._fit(self.workload, selectivity, True)

    def _fit(
        self,
        queries: list[WorkloadQuery],
        selectivity: Selectivity,
        fit: bool = True,
        targets: Any = None,
        replace: bool = False,
    ) -> Any:
        from dwsim_nb.spec.workload import WorkloadFit
        from dwsim_nb.workload import fit_workload
        from dwsim_nb.workload.targets import read_targets

        spec = self.spec.model_copy(update={"workload": queries})
        if targets is not None:
            settings = spec.workload_fit or WorkloadFit()
            found = read_targets(targets, [q.name for q in queries])
            merged = found if replace else {**settings.targets, **found}
            spec.workload_fit = settings.model_copy(update={"targets": merged})
        return self.update(fit_workload(spec, selectivity) if fit else spec)

    # --- suggested relationships ---------------------------------------------------------------

    def suggestions(self) -> pd.DataFrame:
        """The relationships the workload's joins, or the columns' names, imply where no
        foreign key is declared (a column named like another table's key: ``USER_ID`` of
        ``USERS``): a DataFrame of child (``table.column``), parent, the queries that imply it,
        whether the join is on a key-like column, the decision (``default``: accepted as
        key-like, ``accepted`` / ``rejected`` by you, ``suggested``: waiting for you), whether
        the spec holds it as a foreign key now and, for a name, the reason. Accept or reject
        with :meth:`accept_suggestion` / :meth:`reject_suggestion`."""
        from dwsim_nb.display.coverage_view import suggestions_frame
        from dwsim_nb.workload.fit import suggestions
        from dwsim_nb.workload.suggest import decision

        spec = self.spec
        rows = []
        for s in suggestions(spec):
            fks = spec.table(s.child.table).foreign_keys
            parent = spec.table(s.parent.table).key
            applied = any(
                fk.columns == [s.child.column] and spec.table(fk.references_table).key == parent
                for fk in fks
            )
            rows.append(
                {
                    "child": f"{s.child.table}.{s.child.column}",
                    "parent": f"{s.parent.table}.{s.parent.column}",
                    "queries": ", ".join(s.queries),
                    "key_like": s.key_like,
                    "decision": decision(s, spec.workload_fit),
                    "accepted": applied,
                    "reason": s.reason or "",
                }
            )
        return suggestions_frame(rows)

    def accept_suggestion(self, which: str) -> Any:
        """Accept the suggested relationship ``which`` (the child ``"table.column"``, or
        ``"table.column -> parent.column"``): it becomes a foreign key, and stays one on refits."""
        return self._decide(which, True)

    def reject_suggestion(self, which: str) -> Any:
        """Reject the suggested relationship ``which``: its foreign key is taken out, and a
        refit with any workload does not add it back (until :meth:`accept_suggestion`)."""
        return self._decide(which, False)

    def _decide(self, which: str, accept: bool) -> Any:
        from dwsim_nb.workload import fit_workload
        from dwsim_nb.workload.fit import suggestions
        from dwsim_nb.workload.suggest import decide

        spec = decide(self.spec, suggestions(self.spec), which, accept)
        return self.update(fit_workload(spec))

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
                why = None if valued else self.why_empty(q.sql)
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

    def why_empty(self, sql: str) -> str | None:
        """Why ``sql`` (in the experiment's dialect) finds no row on the loaded data: one
        sentence naming the predicate that removed the rows, or None when no single step can
        be blamed. Giving the query as workload (:meth:`add_workload`) fits the data to it."""
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
