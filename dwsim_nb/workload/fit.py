"""Fitting: what a workload's predicates need, written into the spec as rules.

    spec = fit_workload(spec)            # spec.workload holds the queries

A pure function of the spec, its workload and its settings (``spec.workload_fit``: selectivity,
targets, accepted and rejected suggestions): the same inputs give the same rules. Every rule it
writes says so (reason "from the workload: q3"), a rule the user wrote (one without a reason)
is never changed, and fitting again first takes back everything an earlier fit changed
(:mod:`dwsim_nb.workload.undo`: mixes, moved spans, widened ranges, skewed and added keys), so a
refit starts from the spec as it was before any workload.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from dwsim_nb.errors import SpecError
from dwsim_nb.spec.implied_keys import decide as decide_names
from dwsim_nb.spec.implied_keys import without_inferred_references
from dwsim_nb.spec.models import Column, ExperimentSpec, ForeignKey, Table, parse_spec
from dwsim_nb.spec.rules import (
    STANDALONE_RECORDS,
    AutoRule,
    DatetimeRule,
    DistributionRule,
    FakerRule,
    MixRule,
    PatternRule,
    RangeRule,
    RecordRule,
    ValuesRule,
)
from dwsim_nb.spec.types import NUMERIC_TYPES, STRING_TYPES
from dwsim_nb.spec.workload import WorkloadFit
from dwsim_nb.workload.analyze import ColumnRef, Query, analyze
from dwsim_nb.workload.calendar import fit_calendars
from dwsim_nb.workload.date_pairs import date_pairs, fit_date_pairs
from dwsim_nb.workload.findings import Join, Literals, Pattern
from dwsim_nb.workload.groups import skew_keys, threshold_values
from dwsim_nb.workload.having import having_thresholds
from dwsim_nb.workload.joins import join_predicates
from dwsim_nb.workload.literals import literal_predicates
from dwsim_nb.workload.patterns import pattern_predicates
from dwsim_nb.workload.ranges import range_predicates
from dwsim_nb.workload.reach import reached_parents
from dwsim_nb.workload.semijoins import semijoins
from dwsim_nb.workload.suggest import Suggestion, group, wanted, with_names
from dwsim_nb.workload.targets import query_targets, target_share
from dwsim_nb.workload.undo import added_notes, record, restore, settings_only
from dwsim_nb.workload.values import cover, typed_value

REASON = "from the workload"
# The share of rows one predicate selects, from this range (each predicate its own share).
SELECTIVITY = (0.05, 0.30)
# The rows all of a column's workload literals take together at most; the rest keep its rule.
MAX_TOTAL_SHARE = 0.8
# Rules a mix may keep for its other rows (the others make values a literal cannot join).
_MIXABLE = (
    type(None),
    AutoRule,
    ValuesRule,
    FakerRule,
    PatternRule,
    RangeRule,
    DistributionRule,
    DatetimeRule,
    RecordRule,
)


def _single_field(rule: object) -> bool:
    """A record of one column (a title, a place's name): no other column of the row has to
    agree with it."""
    return isinstance(rule, RecordRule) and rule.record in STANDALONE_RECORDS


Extractor = Callable[[Query], list[Any]]
EXTRACTORS: dict[str, Extractor] = {
    "literals": literal_predicates,
    "patterns": pattern_predicates,
    "ranges": range_predicates,
    "joins": join_predicates,
    "having": having_thresholds,
    "semijoins": semijoins,
    "reach": reached_parents,
    "date_pairs": date_pairs,
}


def from_workload(rule: Any) -> bool:
    return rule is not None and str(getattr(rule, "reason", "") or "").startswith(REASON)


def user_rule(rule: Any) -> bool:
    """A rule the user wrote: any rule but the engine's default that carries no reason."""
    return rule is not None and not isinstance(rule, AutoRule) and rule.reason is None


def unfit(spec: ExperimentSpec) -> ExperimentSpec:
    """The spec as it was before its workload was fitted (:func:`.undo.restore`); a spec
    fitted before fits were recorded loses the mixes it wrote (their base rules back)."""
    recorded = spec.workload_fit is not None and bool(spec.workload_fit.changes)
    out = restore(spec)
    if not recorded:
        for t in out.tables:
            for c in t.columns:
                if isinstance(c.rule, MixRule) and from_workload(c.rule):
                    c.rule = c.rule.base
    return out


def suggestions(spec: ExperimentSpec) -> list[Suggestion]:
    """The relationships the workload's joins imply where no foreign key is declared, read
    against the spec before the workload (whose keys the fit may have added)."""
    base = unfit(spec)
    # Joins read as if the names had implied nothing, so a join that agrees with a name
    # keeps its queries (and one whose name-read key was rejected is still seen).
    plain = without_inferred_references(base)
    queries = [q for q in (analyze(plain, w) for w in plain.workload) if q is not None]
    return with_names(group([j for q in queries for j in join_predicates(q)]), base)


def findings(spec: ExperimentSpec) -> dict[str, list[Any]]:
    """Every extractor's findings over the spec's workload, in the workload's order."""
    queries = [q for q in (analyze(spec, w) for w in spec.workload) if q is not None]
    return {name: [f for q in queries for f in extract(q)] for name, extract in EXTRACTORS.items()}


def _selectivity(selectivity: Any, settings: WorkloadFit | None) -> tuple[float, float]:
    if selectivity is None:
        selectivity = settings.selectivity if settings and settings.selectivity else SELECTIVITY
    low, high = (selectivity, selectivity) if isinstance(selectivity, float | int) else selectivity
    if not 0 < low <= high <= 1:
        raise SpecError(
            f"selectivity {selectivity!r} is not a share of rows between 0 and 1.",
            hint="give a share such as 0.1 or a range such as (0.05, 0.3)",
        )
    return float(low), float(high)


def fit_workload(
    spec: ExperimentSpec, selectivity: float | tuple[float, float] | None = None
) -> ExperimentSpec:
    """The spec with the rules its workload's predicates need (see the module's docstring);
    ``selectivity`` None: the one the spec's settings keep, else :data:`SELECTIVITY`."""
    low, high = _selectivity(selectivity, spec.workload_fit)
    # Read back as stored, so the record compares what a stored spec holds (a rule's dates
    # as the spec writes them, not as an importer built them).
    base = parse_spec(unfit(spec).to_dict())
    settings = base.workload_fit or WorkloadFit()
    if selectivity is not None:
        settings = settings.model_copy(update={"selectivity": (low, high)})
    base = decide_names(base, settings.rejected, settings.accepted)
    if not base.workload:
        return base.model_copy(update={"workload_fit": settings_only(settings)})
    base = base.model_copy(update={"workload_fit": settings})
    fitted = _fit(base.model_copy(deep=True), low, high)
    changes = record(base, fitted)
    notes = added_notes(base, fitted)
    done = settings.model_copy(update={"changes": changes, "notes": notes})
    return fitted.model_copy(update={"workload_fit": None if done.empty() else done})


def _fit(spec: ExperimentSpec, low: float, high: float) -> ExperimentSpec:
    found = findings(spec)
    spec = _add_joins(spec, found["joins"])
    for ref, windows in _by_column(found["ranges"]).items():
        col = _free(spec, ref)
        if col is not None:
            rule = cover(col, [p for w in windows for p in w.points], _reason(windows))
            if rule is not None:
                col.rule = rule
    spec = fit_date_pairs(spec, found["date_pairs"], REASON)
    spec = fit_calendars(spec, found["ranges"] + found["literals"], REASON)
    spec = skew_keys(spec, found["having"], found["semijoins"], REASON)
    reached = {(r.query, r.table) for r in found["reach"]}
    filters = found["literals"] + found["patterns"]
    shares = _shares(filters, float(low), float(high), reached, _aimed(spec, filters, low))
    for ref, extra in threshold_values(spec, found["having"]).items():
        shares.setdefault(ref, []).extend(extra)
    for ref, entries in shares.items():
        col = _free(spec, ref)
        if col is not None and (isinstance(col.rule, _MIXABLE) or _single_field(col.rule)):
            _mix(col, entries)
    return parse_spec(spec.to_dict())


def _reason(items: list[Any]) -> str:
    names = list(dict.fromkeys(i.query for i in items))
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f"{REASON}: {', '.join(names[:3])}{more}"


def _by_column(items: list[Any]) -> dict[ColumnRef, list[Any]]:
    out: dict[ColumnRef, list[Any]] = defaultdict(list)
    for i in items:
        out[i.ref].append(i)
    return out


def _free(spec: ExperimentSpec, ref: ColumnRef) -> Column | None:
    """The column when the workload may change its rule: not a key or foreign key (their
    values come from the key), not a user's rule, not an expression or sequence."""
    table = spec.table(ref.table)
    col = table.column(ref.column)
    if any(ref.column in fk.columns for fk in table.foreign_keys):
        return None
    if any(ref.column in key for key in table.unique_keys()) or user_rule(col.rule):
        return None
    return col


def _aimed(spec: ExperimentSpec, filters: list[Any], low: float) -> dict[str, float]:
    """The share each filter of a query with a ``-- dwsim: rows >= N`` target takes."""
    targets = query_targets(spec)
    out: dict[str, float] = {}
    for name, target in targets.items():
        mine = [f for f in filters if f.query == name]
        if mine:
            rows = max(spec.table(f.ref.table).target_rows for f in mine)
            out[name] = target_share(target, rows, len(mine), low)
    return out


def _share(
    item: Any,
    low: float,
    high: float,
    reached: set[tuple[str, str]],
    aimed: dict[str, float] | None = None,
) -> float:
    """One predicate's share of rows: fixed by its query and column, spread over [low, high];
    ``high`` on a parent the query reaches through a join (:mod:`.reach`); a query's target
    (:mod:`.targets`) decides when it sets one."""
    if aimed and item.query in aimed:
        return aimed[item.query]
    if (item.query, item.ref.table) in reached:
        return high
    key = f"{item.query}\x00{item.ref.table}\x00{item.ref.column}".encode()
    fraction = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64
    return low + (high - low) * fraction


def _shares(
    items: list[Literals | Pattern],
    low: float,
    high: float,
    reached: set[tuple[str, str]],
    aimed: dict[str, float],
) -> dict[ColumnRef, list[tuple[str, Any, float, str]]]:
    """Per column: (kind, value, share, query) entries, a predicate's share split among its
    literals, a literal in several predicates taking its largest share."""
    out: dict[ColumnRef, dict[tuple[str, str], tuple[str, Any, float, str]]] = defaultdict(dict)
    for item in items:
        values = item.values if isinstance(item, Literals) else item.patterns
        kind = "value" if isinstance(item, Literals) else "like"
        each = _share(item, low, high, reached, aimed) / len(values)
        for v in values:
            key = (kind, repr(v))
            old = out[item.ref].get(key)
            if old is None or old[2] < each:
                out[item.ref][key] = (kind, v, each, old[3] if old else item.query)
    result = {}
    for ref, entries in out.items():
        listed = list(entries.values())
        total = sum(e[2] for e in listed)
        scale = min(1.0, MAX_TOTAL_SHARE / total) if total else 1.0
        result[ref] = [(k, v, round(s * scale, 6), q) for k, v, s, q in listed]
    return result


def _mix(col: Column, entries: list[tuple[str, Any, float, str]]) -> None:
    # A CHECK's list of values is the table's: only literals inside it may be written.
    allowed = (
        [repr(v) for v in col.rule.values]
        if isinstance(col.rule, ValuesRule) and str(col.rule.reason).startswith("CHECK")
        else None
    )
    values: list[Any] = []
    shares: list[float] = []
    likes: list[str] = []
    like_shares: list[float] = []
    queries: list[str] = []
    for kind, value, share, query in entries:
        if kind == "like":
            if col.data_type in STRING_TYPES and allowed is None:
                likes.append(str(value))
                like_shares.append(share)
                queries.append(query)
            continue
        typed = typed_value(col, value)
        if allowed is not None and repr(typed) not in allowed:
            continue
        if typed is not None and repr(typed) not in map(repr, values):
            values.append(typed)
            shares.append(share)
            queries.append(query)
    if not values and not likes:
        return
    names = list(dict.fromkeys(queries))
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    col.rule = MixRule(
        values=values,
        shares=shares,
        like=likes,
        like_shares=like_shares,
        base=col.rule,
        reason=f"{REASON}: {', '.join(names[:3])}{more}",
    )


def _add_joins(spec: ExperimentSpec, joins: list[Join]) -> ExperimentSpec:
    """Foreign keys for the accepted suggestions (:mod:`.suggest`): joins no key declares,
    each kept only if the spec stays valid."""
    for j in group(joins):
        if not wanted(j, spec.workload_fit):
            continue
        child, parent = spec.table(j.child.table), spec.table(j.parent.table)
        if not _joinable(child, parent, j):
            continue
        trial = spec.model_copy(deep=True)
        t, p = trial.table(child.name), trial.table(parent.name)
        if [j.parent.column] not in p.unique_keys():
            p.column(j.parent.column).is_unique = True
        t.foreign_keys.append(
            ForeignKey(
                columns=[j.child.column],
                references_table=p.name,
                references_columns=[j.parent.column],
                nullable=not t.column(j.child.column).required,
            )
        )
        trial.notes.append(
            f"suggested foreign key {child.name}({j.child.column}) -> "
            f"{parent.name}({j.parent.column}), {REASON}: {', '.join(j.queries)}"
        )
        try:
            spec = parse_spec(trial.to_dict())
        except SpecError:
            continue
    return spec


def _joinable(child: Table, parent: Table, j: Suggestion) -> bool:
    c, p = child.column(j.child.column), parent.column(j.parent.column)
    if any(j.child.column in fk.columns for fk in child.foreign_keys):
        return False
    if [j.child.column] == list(child.primary_key) or user_rule(c.rule):
        return False
    if c.data_type in NUMERIC_TYPES and p.data_type in NUMERIC_TYPES:
        return True
    return c.data_type == p.data_type
