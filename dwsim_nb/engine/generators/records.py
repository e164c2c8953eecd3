"""Columns of one row that describe one record: a person, a postal address, a company (and the
title of a work or event or the name of a place, records of one column).

Every column of a group (``RecordRule`` with the same ``record`` and ``group`` in one table) draws
the same random numbers, keyed by (seed, table, record, group) and the row index rather than by
the column, so ``first_name``, ``last_name``, ``full_name`` and ``email`` of a row speak of one
person and ``city``, ``state`` and ``zip`` of one address, while each column stays a pure function
of its row and needs none of the others. Values come from pools (:mod:`.record_pools`) by
vectorized index; single fields stay dictionary-encoded, like the Faker columns.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dwsim_nb.engine.seeds as seeds
from dwsim_nb.engine.generators.courtesy import (
    STEPS,
    courtesy_titles,
    first_name_genders,
    gender_letters,
)
from dwsim_nb.engine.generators.faker_pools import DEFAULT_LOCALE
from dwsim_nb.engine.generators.places import place_names
from dwsim_nb.engine.generators.products import PRODUCTS, product_pool
from dwsim_nb.engine.generators.record_pools import (
    PEOPLE,
    WORLD,
    address_pool,
    alt_phones,
    company_pool,
    fitting,
    name_pools,
    person_pool,
)
from dwsim_nb.engine.generators.strings import row_suffix, unique_text
from dwsim_nb.engine.generators.titles import TITLES, title_pool
from dwsim_nb.spec.models import Column
from dwsim_nb.spec.rules import ParentRule, RecordRule, rule_of
from dwsim_nb.spec.types import STRING_TYPES, is_unbounded_length

if TYPE_CHECKING:
    from dwsim_nb.engine.context import ColumnContext, TableRuntime

_MAILBOXES = ["info", "sales", "contact", "support", "hello", "office"]


@functools.lru_cache(maxsize=8)
def _texts(values: tuple[str, ...]) -> pa.Array:
    # Made on first use, not at import: pool workers import the engine before they tell
    # pyarrow there is no pandas (engine/pool_preload.py), and a first pa.array asks for it.
    return pa.array(values, pa.string())


def _group_key(trt: TableRuntime, record: str, group: str) -> int:
    return trt.column_key("\x00record", record, group)


def _draw(key: int, rows: np.ndarray, n: int, part: str) -> np.ndarray:
    return seeds.below(seeds.derive_key(key, part), rows, n)


def _members(trt: TableRuntime, record: str, group: str) -> list[Column]:
    """The group's columns, also those that copy a parent's value in most rows and fill the
    others from the group (a billing address that is mostly the customer's)."""
    out = []
    for c in trt.table.columns:
        rule = c.rule.base if isinstance(c.rule, ParentRule) else c.rule
        if isinstance(rule, RecordRule) and rule.record == record and rule.group == group:
            out.append(c.model_copy(update={"rule": rule}) if rule is not c.rule else c)
    return out


def gen_record(col: Column, ctx: ColumnContext, rows: np.ndarray) -> pa.Array:
    rule = rule_of(col, RecordRule)
    key = _group_key(ctx.trt, rule.record, rule.group)
    if rule.record == "person":
        out = _person(rule, ctx, key, rows)
    elif rule.record == "address":
        out = _address(rule, ctx, key, rows)
    elif rule.record == "title":
        out = _encoded(_draw(key, rows, TITLES, "record"), title_pool())
    elif rule.record == "product":
        out = _encoded(_draw(key, rows, PRODUCTS, "record"), product_pool())
    elif rule.record == "place":
        out = place_names(rule.field, key, rows, row_cities(ctx.trt, rows))
    else:
        out = _company(rule, ctx, key, rows)
    if col.is_unique and rule.field not in ("email", "username"):
        text = out.dictionary_decode() if isinstance(out, pa.DictionaryArray) else out
        # A place's number reads like a branch's ("Oakdale Market #12"), others take a dash.
        return unique_text(ctx, rows, text, " #" if rule.record == "place" else "-")
    return out


def _person(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    locale = rule.locale or DEFAULT_LOCALE
    names, people = name_pools(locale), person_pool(locale)
    who = _draw(key, rows, PEOPLE, "person")
    field = rule.field
    if field == "first_name":
        return _encoded(people["first"][who], names["first"])
    if field == "last_name":
        return _encoded(people["last"][who], names["last"])
    if field == "courtesy":
        genders = first_name_genders(locale)[people["first"][who]]
        return courtesy_titles(genders, _draw(key, rows, STEPS, "courtesy"))
    if field == "gender":
        genders = first_name_genders(locale)[people["first"][who]]
        return gender_letters(genders, _draw(key, rows, STEPS, "gender"))
    unique = ctx.col.is_unique
    if field == "email":
        company = _company_domains(ctx, rule, rows)
        if company is None and not unique:
            return people["email"].take(pa.array(who))
        stem = "mail_stem" if unique else "mail_local"
        local = people[stem].take(pa.array(who))
        if unique:
            local = pc.binary_join_element_wise(local, row_suffix(ctx, rows), "")
        if company is None:
            domains = names["mail_domain"]
            company = domains.take(pa.array(ctx.below(rows, len(domains), "domain")))
        return pc.binary_join_element_wise(local, company, "@")
    if field == "username" and unique:
        stems = people["user_stem"].take(pa.array(who))
        return pc.binary_join_element_wise(stems, row_suffix(ctx, rows), "")
    return people[field].take(pa.array(who))


def _company_domains(ctx: ColumnContext, rule: RecordRule, rows: np.ndarray) -> pa.Array | None:
    """The row's company's domain when the table has a company group (the person's own group's,
    else the first), None when it has none."""
    groups = [
        c.rule.group
        for c in ctx.trt.table.columns
        if isinstance(c.rule, RecordRule) and c.rule.record == "company"
    ]
    if not groups:
        return None
    group = rule.group if rule.group in groups else groups[0]
    company = company_pool(rule.locale or DEFAULT_LOCALE)
    idx = _company_index(ctx, group, rows, company.num_rows)
    return company.column("domain").combine_chunks().take(pa.array(idx))


def _company_index(ctx: ColumnContext, group: str, rows: np.ndarray, n: int) -> np.ndarray:
    return _draw(_group_key(ctx.trt, "company", group), rows, n, "record")


def _company(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    company = company_pool(rule.locale or DEFAULT_LOCALE)
    idx = _company_index(ctx, rule.group, rows, company.num_rows)
    if rule.field != "email":
        return _encoded(idx, company.column(rule.field).combine_chunks())
    box = _texts(tuple(_MAILBOXES)).take(pa.array(_draw(key, rows, len(_MAILBOXES), "mailbox")))
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
            # A second number has its phone's length.
            field = "phone" if c.rule.field == "phone_alt" else c.rule.field
            out.append((field, int(width)))
    return tuple(sorted(out))


def _address(rule: RecordRule, ctx: ColumnContext, key: int, rows: np.ndarray) -> pa.Array:
    locale = address_locale(ctx.trt, rule)
    records = fitting(locale, _widths(ctx.trt, rule.group))
    picked = records[_draw(key, rows, len(records), "record")]
    if rule.field == "phone_alt":
        return _encoded(picked, alt_phones(locale))
    values = address_pool(locale).column(rule.field).combine_chunks()
    return _encoded(picked, values)


def row_cities(trt: TableRuntime, rows: np.ndarray) -> pa.Array | None:
    """The city of each row's address (the table's first address group with a city), or None
    when the table has none."""
    for c in trt.table.columns:
        rule = c.rule
        if isinstance(rule, RecordRule) and rule.record == "address" and rule.field == "city":
            key = _group_key(trt, "address", rule.group)
            locale = address_locale(trt, rule)
            records = fitting(locale, _widths(trt, rule.group))
            picked = records[_draw(key, rows, len(records), "record")]
            return address_pool(locale).column("city").combine_chunks().take(pa.array(picked))
    return None


def _encoded(idx: np.ndarray, values: pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), values)
