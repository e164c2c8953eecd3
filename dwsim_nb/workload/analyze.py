"""A workload query parsed, qualified and typed against the experiment's tables.

sqlglot's optimizer qualifies every column with its table (``qualify``) and types the nodes
(``annotate_types``) against a ``MappingSchema`` of the spec; each column is then traced, scope
by scope, to the spec's table and column it reads. The extractors see only :class:`Query`:
which column a node is, and what constant a literal expression (``date '1994-01-01' +
interval '1' year``) evaluates to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope
from sqlglot.schema import MappingSchema

from dwsim_nb.dialects import resolve
from dwsim_nb.spec import sql_schema
from dwsim_nb.spec.models import Column, ExperimentSpec, Table
from dwsim_nb.spec.workload import WorkloadQuery


@dataclass(frozen=True)
class ColumnRef:
    """A column of the spec, as the spec spells its table and column."""

    table: str
    column: str


@dataclass
class Query:
    """One statement of the workload with its columns traced to the spec."""

    name: str
    tree: Any
    spec: ExperimentSpec
    refs: dict[int, ColumnRef] = field(default_factory=dict)

    def ref(self, node: exp.Expression) -> ColumnRef | None:
        return self.refs.get(id(node)) if isinstance(node, exp.Column) else None

    def table(self, ref: ColumnRef) -> Table:
        return self.spec.table(ref.table)

    def column(self, ref: ColumnRef) -> Column:
        return self.spec.table(ref.table).column(ref.column)


def mapping_schema(spec: ExperimentSpec) -> MappingSchema:
    """The spec's tables as sqlglot's schema (the one the translation's fixes type against)."""
    tables = {t.name: {c.name: c.data_type for c in t.columns} for t in spec.tables}
    return sql_schema.mapping_schema(tables, spec.dialect)


def analyze(spec: ExperimentSpec, query: WorkloadQuery) -> Query | None:
    """The query parsed and traced to the spec (None when sqlglot cannot read it: a workload
    may hold statements the optimizer does not follow; they teach nothing but stay stored)."""
    dialect = resolve(spec.dialect).sqlglot or None
    try:
        tree = sqlglot.parse_one(query.sql, read=dialect)
        sql_schema.qualify_and_type(tree, mapping_schema(spec), spec.dialect)
    except Exception:
        return None
    out = Query(query.name, tree, spec)
    tables = {t.name.lower(): t for t in spec.tables}
    for scope in traverse_scope(tree):
        for col in scope.columns:
            source = _source(scope, col.table)
            if not isinstance(source, exp.Table):
                continue
            table = tables.get(source.name.lower())
            if table is None:
                continue
            column = next((c for c in table.columns if c.name.lower() == col.name.lower()), None)
            if column is not None:
                out.refs[id(col)] = ColumnRef(table.name, column.name)
    return out


def _source(scope: Any, name: str) -> Any:
    """The source ``name`` names in ``scope`` or, for a correlated column, an outer scope."""
    while scope is not None:
        if name in scope.sources:
            return scope.sources[name]
        scope = scope.parent
    return None


# --- constants -----------------------------------------------------------------------------

_WRAPPERS = (exp.Upper, exp.Lower, exp.Trim, exp.Cast, exp.TryCast, exp.Paren, exp.Coalesce)


def strip(node: exp.Expression) -> exp.Expression:
    """The column under case, trim, cast, parentheses and COALESCE (its first argument)."""
    while isinstance(node, _WRAPPERS):
        node = node.this
    return node


def constant(node: exp.Expression | None) -> Any:
    """The value of a constant expression (str, int, float, date, datetime), else None."""
    if node is None:
        return None
    if isinstance(node, exp.Paren):
        return constant(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = str(node.this)
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None
    if isinstance(node, exp.Neg):
        v = constant(node.this)
        return -v if isinstance(v, int | float) else None
    if isinstance(node, exp.Cast | exp.TryCast):
        return _cast(constant(node.this), node.to)
    if isinstance(node, exp.Add | exp.Sub):
        return _arith(node)
    if isinstance(node, exp.Mul | exp.Div):
        a, b = constant(node.this), constant(node.expression)
        if isinstance(a, int | float) and isinstance(b, int | float):
            return a * b if isinstance(node, exp.Mul) else (a / b if b else None)
        return None
    if isinstance(node, exp.DateAdd | exp.TsOrDsAdd | exp.DateSub):
        base = _moment(constant(node.this))
        n = constant(node.expression)
        if base is None or not isinstance(n, int | float):
            return None
        sign = -1 if isinstance(node, exp.DateSub) else 1
        return shift(base, sign * n, _unit(node.args.get("unit")))
    return None


def _cast(value: Any, to: exp.DataType) -> Any:
    if value is None:
        return None
    if to.this == exp.DataType.Type.DATE:
        return _moment(value, date_only=True)
    if to.is_type(*exp.DataType.TEMPORAL_TYPES):
        return _moment(value)
    return value


def _moment(value: Any, date_only: bool = False) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if date_only or len(text) <= 10:
            return dt.date.fromisoformat(text[:10])
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _unit(node: Any) -> str:
    text = node.name if isinstance(node, exp.Expression) else str(node or "day")
    if isinstance(node, exp.Expression) and not isinstance(node, exp.Var | exp.Literal):
        text = type(node).__name__
    return text.lower().rstrip("s") or "day"


def _interval(node: exp.Interval) -> tuple[float, str] | None:
    raw = constant(node.this)
    unit = node.args.get("unit")
    if isinstance(raw, str):
        parts = raw.split()
        if len(parts) == 2 and unit is None:
            raw, unit = parts[0], parts[1]
        try:
            raw = float(parts[0]) if len(parts) else None
        except ValueError:
            return None
    if not isinstance(raw, int | float):
        return None
    return float(raw), _unit(unit)


def _arith(node: exp.Add | exp.Sub) -> Any:
    left, right = node.this, node.expression
    sign = -1 if isinstance(node, exp.Sub) else 1
    if isinstance(left, exp.Interval) and sign == 1:
        left, right = right, left
    if isinstance(right, exp.Interval):
        base = _moment(constant(left))
        step = _interval(right)
        if base is None or step is None:
            return None
        return shift(base, sign * step[0], step[1])
    a, b = constant(left), constant(right)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a + sign * b
    return None


def shift(base: dt.date, n: float, unit: str) -> dt.date | None:
    """``base`` moved by ``n`` units (year, quarter, month, week, day, hour, minute, second)."""
    try:
        if unit in ("year", "yy", "yyyy", "quarter", "qq", "month", "mon", "mm"):
            months = int(n) * {"quarter": 3, "qq": 3, "month": 1, "mon": 1, "mm": 1}.get(unit, 12)
            total = base.year * 12 + base.month - 1 + months
            year, month = divmod(total, 12)
            day = min(base.day, _month_days(year, month + 1))
            return base.replace(year=year, month=month + 1, day=day)
        seconds = {"week": 604800, "hour": 3600, "minute": 60, "second": 1}.get(unit, 86400)
        delta = dt.timedelta(seconds=n * seconds)
        if not isinstance(base, dt.datetime) and seconds % 86400 == 0:
            return base + dt.timedelta(days=delta.days)
        return base + delta
    except (OverflowError, ValueError):
        return None


def _month_days(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day
