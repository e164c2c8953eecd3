"""Columns of one row that describe one record: a person, a postal address, a company.

Every column of a group (``RecordRule`` with the same ``record`` and ``group`` in one table) draws
the same random numbers, keyed by (seed, table, record, group) and the row index rather than by
the column, so ``first_name``, ``last_name``, ``full_name`` and ``email`` of a row speak of one
person and ``city``, ``state`` and ``zip`` of one address, while each column stays a pure function
of its row and needs none of the others. Values come from pools (:mod:`.record_pools`) by
vectorized index; single fields stay dictionary-encoded, like the Faker columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.faker_pools import DEFAULT_LOCALE, _in_slices
from dwsim_nb.engine.generators.record_pools import (
    WORLD,
    address_pool,
    company_pool,
    fitting,
    name_pools,
)
from dwsim_nb.engine.generators.strings import row_suffix
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import RecordRule, rule_of
from dwsim_nb.spec.types import STRING_TYPES, is_unbounded_length

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext, TableRuntime

# Local parts of an address: (first name or its initial, separator), weighted as seen in real
# address books: first.last, flast, first_last, firstlast, f.last.
_SHAPES = ((0, "."), (1, ""), (0, "_"), (0, ""), (1, "."))
_EMAIL_WEIGHTS = np.cumsum([0.4, 0.2, 0.15, 0.15, 0.1])
_USER_WEIGHTS = np.cumsum([0.2, 0.4, 0.15, 0.15, 0.1])
_SEPARATORS = pa.array(["", ".", "_"])
_INITIAL = np.array([s[0] for s in _SHAPES])
_SEPARATOR = np.array([_SEPARATORS.to_pylist().index(s[1]) for s in _SHAPES])
# "", "1" .. "99": a number after the name in some rows
_NUMBERS = pa.array([""] + [str(i) for i in range(1, 100)])
_COMPANY_MAILBOXES = pa.array(["info", "sales", "contact", "support", "hello", "office"])


def _group_key(trt: TableRuntime, record: str, group: str) -> int:
    return trt.column_key("\x00record", record, group)


def _draw(key: int, rows: np.ndarray, n: int, part: str) -> np.ndarray:
    return seeds.below(seeds.derive_key(key, part), rows, n)


def _members(trt: TableRuntime, record: str, group: str) -> list[Column]:
    return [
        c
        for c in trt.table.columns
        if isinstance(c.rule, RecordRule) and c.rule.record == record and c.rule.group == group
    ]


def gen_record(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = rule_of(col, RecordRule)
    key = _group_key(ctx.trt, rule.record, rule.group)
    if rule.record == "person":
        out = _person(rule, ctx, key, rows)
    elif rule.record == "address":
        out = _address(rule, ctx, key, rows)
    else:
        out = _company(rule, ctx, key, rows)
    if col.is_unique and rule.field not in ("email", "username"):
        text = out.dictionary_decode() if isinstance(out, pa.DictionaryArray) else out
        return pc.binary_join_element_wise(text, row_suffix(ctx, rows), "-")
    return out


def _person(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    names = name_pools(rule.locale or DEFAULT_LOCALE)
    n_first, n_last = len(names["first"]), len(names["last"])
    if rule.field == "first_name":
        return _encoded(_draw(key, rows, n_first, "first"), names["first"])
    if rule.field == "last_name":
        return _encoded(_draw(key, rows, n_last, "last"), names["last"])
    if rule.field == "name":
        first = names["first"].take(pa.array(_draw(key, rows, n_first, "first")))
        last = names["last"].take(pa.array(_draw(key, rows, n_last, "last")))
        return pc.binary_join_element_wise(first, last, " ")
    email = rule.field == "email"
    unique = ctx.col.is_unique

    def local_parts(part: np.ndarray) -> pa.Array:
        first_idx = _draw(key, part, n_first, "first")
        last_idx = _draw(key, part, n_last, "last")
        weights = _EMAIL_WEIGHTS if email else _USER_WEIGHTS
        shape = np.searchsorted(weights, ctx.uniform(part, "shape") * weights[-1], side="right")
        shape = np.minimum(shape, len(_SHAPES) - 1)
        head = names["first_or_initial"].take(pa.array(first_idx + _INITIAL[shape] * n_first))
        tail = names["last_low"].take(pa.array(last_idx))
        if unique:
            number = row_suffix(ctx, part)
        else:
            with_number = ctx.uniform(part, "numbered") < (0.3 if email else 0.5)
            picks = np.where(with_number, 1 + ctx.below(part, 99, "number"), 0)
            number = _NUMBERS.take(pa.array(picks))
        parts = [head, _SEPARATORS.take(pa.array(_SEPARATOR[shape])), tail, number]
        if email:
            parts.append(_mail_domain(ctx, rule, names, part))
        return pc.binary_join_element_wise(*parts, "")

    return _in_slices(local_parts, rows)


def _mail_domain(
    ctx: ColumnContext, rule: RecordRule, names: dict[str, pa.Array], rows: np.ndarray
) -> pa.Array:
    """ "@" and a domain: the company's when the table has a company group (its own or the
    first), else a free mail provider's."""
    groups = [
        c.rule.group
        for c in ctx.trt.table.columns
        if isinstance(c.rule, RecordRule) and c.rule.record == "company"
    ]
    if groups:
        group = rule.group if rule.group in groups else groups[0]
        company = company_pool(rule.locale or DEFAULT_LOCALE)
        idx = _company_index(ctx, group, rows, company.num_rows)
        domains = company.column("domain").combine_chunks()
    else:
        domains = names["mail_domain"]
        idx = ctx.below(rows, len(domains), "domain")
    at = pc.binary_join_element_wise(pa.scalar("@"), domains, "")
    return at.take(pa.array(idx))


def _company_index(ctx: ColumnContext, group: str, rows: np.ndarray, n: int) -> np.ndarray:
    return _draw(_group_key(ctx.trt, "company", group), rows, n, "record")


def _company(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    company = company_pool(rule.locale or DEFAULT_LOCALE)
    idx = _company_index(ctx, rule.group, rows, company.num_rows)
    if rule.field != "email":
        return _encoded(idx, company.column(rule.field).combine_chunks())
    box = _COMPANY_MAILBOXES.take(pa.array(_draw(key, rows, len(_COMPANY_MAILBOXES), "mailbox")))
    domain = company.column("domain").combine_chunks().take(pa.array(idx))
    if ctx.col.is_unique:
        box = pc.binary_join_element_wise(box, row_suffix(ctx, rows), ".")
    return pc.binary_join_element_wise(box, domain, "@")


def address_locale(trt: TableRuntime, rule: RecordRule) -> str:
    """The pool a group's addresses come from: the rule's locale; else several countries when
    the group has a country column, the default locale when not."""
    if rule.locale:
        return rule.locale
    fields = {getattr(c.rule, "field", None) for c in _members(trt, "address", rule.group)}
    return WORLD if fields & {"country", "country_code"} else DEFAULT_LOCALE


def _widths(trt: TableRuntime, group: str) -> tuple[tuple[str, int], ...]:
    out = []
    for c in _members(trt, "address", group):
        width = c.varchar_length
        if c.data_type in STRING_TYPES and width and not is_unbounded_length(width):
            assert isinstance(c.rule, RecordRule)
            out.append((c.rule.field, int(width)))
    return tuple(sorted(out))


def _address(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    locale = address_locale(ctx.trt, rule)
    records = fitting(locale, _widths(ctx.trt, rule.group))
    picked = records[_draw(key, rows, len(records), "record")]
    values = address_pool(locale).column(rule.field).combine_chunks()
    return _encoded(picked, values)


def _encoded(idx: np.ndarray, values: pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), values)
