"""Why a workload query comes back empty: the first predicate that takes its rows to zero.

    text = explain_empty(spec, query, fetch)     # fetch(sql) -> rows, in the spec's dialect

The query's FROM and joins are counted first (with the WHERE's join predicates, so a comma join
is never counted as a cross product), then each other WHERE conjunct is added in turn
(``select count(*) from <from> where p1``, ``... where p1 and p2``), then each HAVING conjunct
over the groups. The first step that leaves no row is described with what the data holds: the
range or the common values of the columns it reads, a subquery's value, the spread of an
aggregate over the groups, and the column's generation rule. An empty derived table, CTE or
uncorrelated subquery is explained in its turn, so the sentence names the innermost cause.

Pure sqlglot: the statements are built as trees and written in the experiment's dialect; the
caller runs them (the workload layer knows no warehouse).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify

from dwsim_nb.dialects import resolve
from dwsim_nb.spec.models import Column, ExperimentSpec
from dwsim_nb.spec.rules import CalendarRule, DatetimeRule, MixRule, RangeRule, ValuesRule
from dwsim_nb.workload.analyze import mapping_schema
from dwsim_nb.workload.explain_parts import (
    FROM,
    WITH,
    Node,
    conjuncts,
    derived,
    is_join,
    plural,
    rows_text,
    scope_of,
    sources_of,
    span,
    sql_text,
    value_text,
)

Fetch = Callable[[str], Sequence[Sequence[Any]]]
# Tables joined by nothing multiply: above this many rows a step is not counted.
MAX_PRODUCT = 50_000_000
_MAX_DEPTH = 4


class _Explainer:
    def __init__(self, spec: ExperimentSpec, fetch: Fetch) -> None:
        self.spec = spec
        self.fetch = fetch
        self.dialect = resolve(spec.dialect).sqlglot or None
        self.tables = {t.name.lower(): t for t in spec.tables}

    # --- running ---------------------------------------------------------------------------

    def rows(self, tree: Node) -> list[Sequence[Any]] | None:
        try:
            return list(self.fetch(tree.sql(dialect=self.dialect)))
        except Exception:
            return None

    def count(self, tree: Node) -> int | None:
        found = self.rows(tree)
        if not found or not found[0]:
            return None
        value = found[0][0]
        return int(value) if value is not None else 0

    # --- building --------------------------------------------------------------------------

    def base(self, select: exp.Select, ctes: exp.With | None) -> exp.Select:
        """The select's FROM and joins, nothing else (no filter, grouping, order or limit)."""
        out = select.copy()
        for arg in ("where", "group", "having", "order", "limit", "offset", "qualify", "distinct"):
            out.set(arg, None)
        out.set("expressions", [exp.Count(this=exp.Star())])
        if ctes is not None and out.args.get(WITH) is None:
            out.set(WITH, ctes.copy())
        return out

    def counted(self, base: exp.Select, where: list[Node]) -> exp.Select:
        out = base.copy()
        if where:
            out.set("where", exp.Where(this=exp.and_(*[w.copy() for w in where])))
        return out

    # --- the walk --------------------------------------------------------------------------

    def explain(self, node: Node, ctes: exp.With | None, depth: int = 0) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        ctes = node.args.get(WITH) or ctes
        if isinstance(node, exp.Subquery):
            return self.explain(node.this, ctes, depth)
        if isinstance(node, exp.Union | exp.Intersect | exp.Except):
            return self.explain(node.left, ctes, depth + 1)
        if isinstance(node, exp.Select):
            return self.select(node, ctes, depth)
        return None

    def select(self, select: exp.Select, ctes: exp.With | None, depth: int) -> str | None:
        base = self.base(select, ctes)
        where = conjuncts(select.args.get("where"))
        joins = [c for c in where if is_join(c)]
        filters = [c for c in where if not is_join(c)]
        sources = self.sources(select, ctes)
        on = [c for j in select.args.get("joins") or [] for c in conjuncts(j.args.get("on"))]
        if self.product(sources, joins + [c for c in on if is_join(c)]) > MAX_PRODUCT:
            return None
        if self.count(self.counted(base, joins)) == 0:
            return self.empty_from(select, sources, joins, ctes, depth)
        kept = list(joins)
        for p in filters:
            before = self.counted(base, kept)
            if self.count(self.counted(base, [*kept, p])) == 0:
                inner = self.subquery_cause(p, ctes, depth)
                if inner is not None:
                    return inner
                return self.describe(p, before, select)
            kept.append(p)
        return self.having(select, base, kept, ctes)

    def sources(self, select: exp.Select, ctes: exp.With | None) -> dict[str, Node]:
        """Alias -> the table, derived table or CTE body each FROM / JOIN item reads."""
        named = {c.alias_or_name.lower(): c.this for c in (ctes.expressions if ctes else [])}
        items = [select.args.get(FROM), *list(select.args.get("joins") or [])]
        out: dict[str, Node] = {}
        for item in items:
            if item is None:
                continue
            src = item.this
            alias = src.alias_or_name.lower()
            if isinstance(src, exp.Table) and src.name.lower() in named:
                out[alias] = named[src.name.lower()]
            else:
                out[alias] = src
        return out

    def product(self, sources: dict[str, Node], joins: list[Node]) -> int:
        """Rows of the cross product of the groups of tables no join predicate links."""
        group = {a: a for a in sources}

        def top(a: str) -> str:
            while group[a] != a:
                a = group[a]
            return a

        for j in joins:
            names = [c.table.lower() for c in j.find_all(exp.Column)]
            if len(names) == 2 and all(n in group for n in names):
                group[top(names[0])] = top(names[1])
        biggest: dict[str, int] = {}
        for alias, src in sources.items():
            n = self.spec_rows(src)
            biggest[top(alias)] = max(biggest.get(top(alias), 0), n)
        total = 1
        for n in biggest.values():
            total *= max(n, 1)
        return total

    def spec_rows(self, src: Node) -> int:
        if isinstance(src, exp.Table):
            n = self.count(exp.select(exp.Count(this=exp.Star())).from_(src.copy()))
            return n or 0
        return 1

    def empty_from(
        self,
        select: exp.Select,
        sources: dict[str, Node],
        joins: list[Node],
        ctes: exp.With | None,
        depth: int,
    ) -> str:
        for alias, src in sources.items():
            if isinstance(src, exp.Table):
                if not self.spec_rows(src):
                    return f"table {src.name} holds no rows (generate it with rows > 0)"
            elif self.count(exp.select(exp.Count(this=exp.Star())).from_(derived(src))) == 0:
                inner = self.explain(src, ctes, depth + 1)
                return f"{alias} is empty: {inner}" if inner else f"{alias} holds no rows"
        for j in joins:
            a, b = list(j.find_all(exp.Column))[:2]
            if self.pair_count(sources, a, b) == 0:
                facts: list[str] = []
                for col in (a, b):
                    src = sources_of(col, sources)
                    if src is not None:
                        whole = exp.select(exp.Count(this=exp.Star())).from_(src)
                        facts += [
                            f.replace(" in those rows", "") for f in self.facts(col, whole, None)
                        ]
                return "; ".join([f"{sql_text(j, self.dialect)} matches no rows", *facts])
        return "the joins of " + ", ".join(sources) + " together find no rows"

    def pair_count(self, sources: dict[str, Node], a: exp.Column, b: exp.Column) -> int | None:
        sa, sb = sources_of(a, sources), sources_of(b, sources)
        if sa is None or sb is None:
            return None
        q = (
            exp.select(exp.Count(this=exp.Star()))
            .from_(sa)
            .join(sb, on=exp.EQ(this=a.copy(), expression=b.copy()))
        )
        return self.count(q)

    def subquery_cause(self, p: Node, ctes: exp.With | None, depth: int) -> str | None:
        """The explanation inside an uncorrelated subquery of ``p`` that finds no row."""
        for sub in p.find_all(exp.Select):
            if sub is p:
                continue
            standalone = sub.copy()
            if ctes is not None and standalone.args.get(WITH) is None:
                standalone.set(WITH, ctes.copy())
            n = self.count(
                exp.select(exp.Count(this=exp.Star())).from_(standalone.subquery("dwsim_s"))
            )
            if n == 0 and not isinstance(p, exp.Not):
                inner = self.explain(standalone, ctes, depth + 1)
                if inner:
                    lead = "its subquery finds nothing: "
                    if inner.startswith(lead):  # nested: say it once
                        return "its subqueries find nothing: " + inner[len(lead) :]
                    return lead + inner
            break
        return None

    # --- HAVING ----------------------------------------------------------------------------

    def having(
        self,
        select: exp.Select,
        base: exp.Select,
        where: list[Node],
        ctes: exp.With | None,
    ) -> str | None:
        group = select.args.get("group")
        kept: list[Node] = []
        for h in conjuncts(select.args.get("having")):
            if self.count(self.grouped(select, base, where, [*kept, h])) == 0:
                return self.describe_having(h, select, base, where, kept)
            kept.append(h)
        if group is None and select.args.get("having") is None:
            return None
        return None

    def grouped(
        self,
        select: exp.Select,
        base: exp.Select,
        where: list[Node],
        having: list[Node],
        outputs: list[Node] | None = None,
    ) -> exp.Select:
        inner = self.counted(base, where)
        inner.set("expressions", outputs or [exp.alias_(exp.Literal.number(1), "dwsim_one")])
        group = select.args.get("group")
        if group is not None:
            inner.set("group", group.copy())
        if having:
            inner.set("having", exp.Having(this=exp.and_(*[h.copy() for h in having])))
        with_ = inner.args.get(WITH)
        inner.set(WITH, None)
        out = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("dwsim_g"))
        if with_ is not None:
            out.set(WITH, with_)
        return out

    def describe_having(
        self,
        h: Node,
        select: exp.Select,
        base: exp.Select,
        where: list[Node],
        kept: list[Node],
    ) -> str:
        group = select.args.get("group")
        keys = ", ".join(sql_text(g, self.dialect) for g in (group.expressions if group else []))
        per = f" per {keys}" if keys else ""
        parts = [f"HAVING {sql_text(h, self.dialect)} keeps no group"]
        for agg in list(h.find_all(exp.AggFunc))[:2]:
            spread = self.grouped(
                select,
                base,
                where,
                kept,
                [
                    exp.alias_(agg.copy(), "dwsim_a"),
                    exp.alias_(exp.Count(this=exp.Star()), "dwsim_n"),
                ],
            )
            inner = spread.args[FROM].this
            q = exp.select(
                exp.Min(this=exp.column("dwsim_a")),
                exp.Max(this=exp.column("dwsim_a")),
                exp.Min(this=exp.column("dwsim_n")),
                exp.Max(this=exp.column("dwsim_n")),
            ).from_(inner)
            if spread.args.get(WITH) is not None:
                q.set(WITH, spread.args[WITH].copy())
            found = self.rows(q)
            if found and found[0] and found[0][1] is not None:
                lo, hi, n_lo, n_hi = found[0][:4]
                parts.append(
                    f"{sql_text(agg, self.dialect)}{per} is {span(lo, hi)} (groups of "
                    f"{span(n_lo, n_hi)} rows)"
                )
            for col in agg.find_all(exp.Column):
                rule = self.rule_text(col, select)
                if rule:
                    parts.append(rule)
        return "; ".join(parts)

    # --- describing a WHERE predicate ------------------------------------------------------

    def describe(self, p: Node, before: exp.Select, select: exp.Select) -> str:
        if isinstance(p, exp.Or):
            closest = self.closest_branch(p, before, select)
            if closest is not None:
                return closest
        n = self.count(before)
        head = sql_text(p, self.dialect)
        if n:
            head += f" removes the last {rows_text(n)}"
        parts = [head]
        outer = [c for c in p.find_all(exp.Column) if scope_of(c) is scope_of(p)]
        seen: set[str] = set()
        for col in outer[:3]:
            key = sql_text(col, self.dialect)
            if key in seen:
                continue
            seen.add(key)
            parts.extend(self.facts(col, before, select))
        for sub in p.find_all(exp.Subquery):
            if not isinstance(sub.this, exp.Select) or sub.parent is None:
                continue
            if isinstance(sub.parent, exp.Exists | exp.In):
                continue
            found = self.rows(exp.select(exp.Star()).from_(sub.copy()))
            if found and len(found) == 1 and found[0]:
                parts.append(f"the subquery gives {value_text(found[0][0])}")
        if isinstance(p, exp.Not) and isinstance(p.this, exp.Exists):
            parts.append("every remaining row has a match in the subquery")
        elif isinstance(p, exp.Exists):
            parts.append("no remaining row has a match in the subquery")
        return "; ".join(parts)

    def closest_branch(self, p: exp.Or, before: exp.Select, select: exp.Select) -> str | None:
        """For an OR of alternatives none of which finds a row: the alternative that keeps rows
        longest, its conjuncts added in turn (joins first), and the step that ends it."""
        branches = list(p.flatten())
        best: tuple[int, int, exp.Select, Node] | None = None
        for branch in branches:
            parts = conjuncts(branch)
            parts = [c for c in parts if is_join(c)] + [c for c in parts if not is_join(c)]
            kept = conjuncts(before.args.get("where"))
            for i, c in enumerate(parts):
                step = self.counted(before, [*kept, c])
                step.set("where", exp.Where(this=exp.and_(*[k.copy() for k in [*kept, c]])))
                if self.count(step) == 0:
                    left = self.count(self.counted(before, kept)) or 0
                    if left and (best is None or (i, left) > best[:2]):
                        previous = before.copy()
                        if kept:
                            previous.set(
                                "where", exp.Where(this=exp.and_(*[k.copy() for k in kept]))
                            )
                        best = (i, left, previous, c)
                    break
                kept = [*kept, c]
        if best is None:
            return None
        inner = self.describe(best[3], best[2], select)
        return (
            f"none of the {len(branches)} alternatives of an OR finds a row; the closest: {inner}"
        )

    def facts(self, col: exp.Column, before: exp.Select, select: exp.Select | None) -> list[str]:
        name = sql_text(col, self.dialect)
        stats = before.copy()
        stats.set(
            "expressions",
            [
                exp.Min(this=col.copy()),
                exp.Max(this=col.copy()),
                exp.Count(this=exp.Distinct(expressions=[col.copy()])),
            ],
        )
        found = self.rows(stats)
        out: list[str] = []
        if found and found[0] and found[0][0] is not None:
            lo, hi, distinct = found[0][:3]
            text = f"{name} in those rows is {span(lo, hi)} ({plural(int(distinct), 'value')}"
            if isinstance(lo, str) and int(distinct) > 1:
                common = before.copy()
                common.set("expressions", [col.copy()])
                common.set("group", exp.Group(expressions=[col.copy()]))
                common.set(
                    "order",
                    exp.Order(
                        expressions=[
                            exp.Ordered(this=exp.Count(this=exp.Star()), desc=True),
                            exp.Ordered(this=col.copy()),
                        ]
                    ),
                )
                common.set("limit", exp.Limit(expression=exp.Literal.number(3)))
                top = self.rows(common) or []
                if top:
                    text += ", most often " + ", ".join(value_text(r[0]) for r in top)
            out.append(text + ")")
        elif found:
            out.append(f"{name} is NULL in every one of those rows")
        if select is not None:
            rule = self.rule_text(col, select)
            if rule:
                out.append(rule)
        return out

    def rule_text(self, col: exp.Column, select: exp.Select) -> str | None:
        spec_col, table = self.spec_column(col, select)
        if spec_col is None:
            return None
        rule = spec_col.rule
        if isinstance(rule, MixRule):
            rule = rule.base
        where = f"{table}.{spec_col.name} is generated"
        if isinstance(rule, RangeRule):
            return f"{where} {span(rule.min, rule.max)}"
        if isinstance(rule, DatetimeRule):
            return f"{where} {span(rule.start, rule.end)}"
        if isinstance(rule, ValuesRule):
            shown = ", ".join(value_text(v) for v in rule.values[:6])
            more = f" ... ({len(rule.values)} values)" if len(rule.values) > 6 else ""
            return f"{where} from {shown}{more}"
        if isinstance(rule, CalendarRule):
            day = rule if rule.of is None else self.tables[table.lower()].column(rule.of).rule
            start = getattr(day, "start", None) if isinstance(day, CalendarRule) else None
            what = "the day" if rule.of is None else f"the {rule.part} of {rule.of}"
            since = f" from {value_text(start)}" if start is not None else ""
            return f"{table}.{spec_col.name} is {what}, one day per row{since}"
        return None

    def spec_column(self, col: exp.Column, select: exp.Select) -> tuple[Column | None, str]:
        aliases = {t.alias_or_name.lower(): t.name.lower() for t in select.find_all(exp.Table)}
        candidates = (
            [aliases[col.table.lower()]] if col.table.lower() in aliases else list(aliases.values())
        )
        for name in candidates:
            table = self.tables.get(name)
            if table is None:
                continue
            for c in table.columns:
                if c.name.lower() == col.name.lower():
                    return c, table.name
        return None, ""


def explain_empty(spec: ExperimentSpec, sql: str, fetch: Fetch) -> str | None:
    """Why ``sql`` finds no row, as one sentence naming the predicate that removed the rows
    (None when no single step can be blamed: the query is then empty only as a whole)."""
    dialect = resolve(spec.dialect).sqlglot or None
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return None
    with contextlib.suppress(Exception):
        tree = qualify(
            tree.copy(),
            dialect=dialect,
            schema=mapping_schema(spec),
            expand_stars=False,
            validate_qualify_columns=False,
            quote_identifiers=False,
            identify=False,
        )
    return _Explainer(spec, fetch).explain(tree, None)
