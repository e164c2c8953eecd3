"""Lookup tables hold real lists: a ``language`` table's ``name`` is English, Italian ...

A table whose (singular) name is a domain of :mod:`dwsim_nb.ddl.domains` gets the domain's
values in its name column, each once when the table has no more rows than values, and every
attribute column (a country's ISO code, a category's group) follows the name through a lookup,
so pairs always agree. A fixed-width CHAR column holds capitals (TPC-style ``EUROPE``).
"""

from __future__ import annotations

import re

from dwsim_nb.ddl.domains import DOMAINS, Domain
from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.rules import AutoRule, LookupRule, ValuesRule
from dwsim_nb.spec.types import STRING_TYPES

_AFFIXES = re.compile(r"^(dim|d|lkp|lu|lookup|ref|tbl|t)_|_(lookup|lkp|lu|ref|dim|list|master)$")
_NAME = r"(.*_?)?name|label|title|value|caption"
_DESC = r"desc(ription)?|(.*_)desc(ription)?"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def singular(name: str) -> str:
    """A table name without lookup affixes and plural ending (``dim_countries`` -> country)."""
    name = _AFFIXES.sub("", _AFFIXES.sub("", _norm(name)))
    if name.endswith("ies"):
        return name[:-3] + "y"
    if re.search(r"(ss|us|is)$", name):
        return name
    if re.search(r"(ses|xes|ches|shes)$", name):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


def domain_of(table: Table, others: list[str]) -> Domain | None:
    """The table's domain; a context-bound variant only when another table's name fits it."""
    name = singular(table.name)
    for domain in DOMAINS:
        if not re.fullmatch(domain.tables, name):
            continue
        if domain.context is None or any(re.search(domain.context, o) for o in others):
            return domain
    return None


def _free(col: Column, keys: set[str]) -> bool:
    # A CHECK's IN list is what the table may hold: a domain's names would break it.
    reason = "" if col.rule is None else str(getattr(col.rule, "reason", None) or "")
    no_rule = col.rule is None or isinstance(col.rule, AutoRule) or bool(reason)
    given = reason.lower().startswith(("check", "domain", "enum"))
    return no_rule and not given and col.name not in keys and col.data_type in STRING_TYPES


def _cased(col: Column, values: tuple[str, ...], keep: bool = False) -> list[str]:
    return [v.upper() for v in values] if col.data_type == "CHAR" and not keep else list(values)


def _fits(col: Column, values: list[str]) -> bool:
    return col.varchar_length is None or all(len(v) <= col.varchar_length for v in values)


def _main_column(table: Table, domain: Domain, free: list[Column]) -> Column | None:
    word = singular(table.name)
    for pattern in (rf"{word}|{_NAME}", _DESC):
        for col in free:
            if re.fullmatch(pattern, _norm(col.name)):
                return col
    return None


def lookup_rules(table: Table, others: list[str]) -> dict[str, ValuesRule | LookupRule]:
    """Rules for a lookup table's name and attribute columns (empty if it is not one)."""
    domain = domain_of(table, others)
    if domain is None:
        return {}
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    free = [c for c in table.columns if _free(c, keys)]
    main = _main_column(table, domain, free)
    if main is None:
        return {}
    # Values too long for the column would be cut, and a cut name no longer maps to its code.
    rows = [
        i
        for i, v in enumerate(domain.values)
        if main.varchar_length is None or len(v) <= main.varchar_length
    ]
    if len(rows) < 2:
        return {}
    names = _cased(main, tuple(domain.values[i] for i in rows))
    why = f"{domain.name} names (the table '{table.name}' is a lookup of them)"
    out: dict[str, ValuesRule | LookupRule] = {main.name: ValuesRule(values=names, reason=why)}
    taken = {main.name}
    for attr in domain.attributes:
        for col in free:
            if col.name in taken or not re.fullmatch(attr.columns, _norm(col.name)):
                continue
            values = _cased(col, tuple(attr.values[i] for i in rows), attr.keep_case)
            if not _fits(col, values):
                continue
            out[col.name] = LookupRule(
                of=main.name,
                mapping=dict(zip(names, values, strict=True)),
                reason=f"hierarchy ({col.name} of each {domain.name} in {main.name})",
            )
            taken.add(col.name)
            break
    return out
