"""Reading and writing specs: dicts, JSON, YAML, files; pydantic errors turned into SpecError."""

from __future__ import annotations

import copy
import difflib
import json
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

import dwsim_nb.limits as limits
from dwsim_nb.errors import SpecError

M = TypeVar("M", bound=BaseModel)

# Empty collections worth printing even when empty: readers rely on them being present.
_ALWAYS = {"primary_key", "foreign_keys", "unique", "columns", "tables", "warnings"}
# Rule fields that may hold an empty value and are required: a JSON shape, a constant.
_RULE_ALWAYS = {"shape", "value"}


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """Turn pydantic's location (``tables.0.columns.2.data_type``) into table/column names."""
    parts: list[str] = []
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if key in ("tables", "columns", "foreign_keys") and isinstance(nxt, int):
            item = None
            if isinstance(node, dict) and isinstance(node.get(key), list) and nxt < len(node[key]):
                item = node[key][nxt]
            label = {"tables": "table", "columns": "column", "foreign_keys": "foreign key"}[key]
            name = item.get("name") if isinstance(item, dict) else None
            if key == "foreign_keys" and isinstance(item, dict):
                cols = item.get("columns")
                # Named by its columns; a field of the wrong shape (columns: 5) is the error itself.
                cols = [cols] if isinstance(cols, str) else cols if isinstance(cols, list) else []
                name = ", ".join(map(str, cols)) or None
            parts.append(f"{label} '{name}'" if name else f"{label} #{nxt + 1}")
            node = item
            i += 2
            continue
        if key == "rule" and isinstance(nxt, str):
            # A rule's errors sit under its kind (rule.range.min): name it as "range rule".
            parts.append(f"{nxt} rule")
            node = node.get(key) if isinstance(node, dict) else None
            i += 2
            continue
        if isinstance(key, str) and not key.startswith(("function-", "model-")):
            parts.append(f"field '{key}'")
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    return ", ".join(parts)


def _from_validation_error(
    err: ValidationError, data: Any, model: type[BaseModel] | None = None
) -> SpecError:
    problems = []
    for e in err.errors():
        loc = tuple(e.get("loc", ()))
        where = _where(loc, data)
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") == "extra_forbidden":
            holder = _model_at(model, loc[:-1]) if model is not None and loc else None
            close = (
                difflib.get_close_matches(
                    str(loc[-1]), _known_fields(holder), n=1, cutoff=TYPO_CUTOFF
                )
                if holder is not None
                else []
            )
            hint = f"did you mean {close[0]!r}? " if close else "check its spelling "
            msg = f"is not a known field; {hint}(see the spec's JSON Schema)"
        elif e.get("type") == "missing":
            msg = "is required"
        problems.append(f"{where}: {msg}" if where else msg)
    head = (
        problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems)
    )
    return SpecError(head, problems=problems)


def load_text(text: str, source: str = "<text>") -> Any:
    """Parse JSON or YAML text (JSON is YAML, but JSON errors read better from json)."""
    stripped = text.lstrip()
    if not stripped:
        raise SpecError("the spec is empty", where=source, hint="give a JSON or YAML object")
    try:
        # Bounded: a YAML alias bomb or a 100,000-deep document is refused, not expanded.
        return limits.load_document(text, where=source, error=SpecError)
    except json.JSONDecodeError as e:
        raise SpecError(
            f"invalid JSON: {e.msg}", where=f"{source}, line {e.lineno}, column {e.colno}"
        ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}, column {mark.column + 1}" if mark else source
        raise SpecError(f"invalid YAML: {getattr(e, 'problem', None) or e}", where=where) from None


def read_source(source: Any) -> tuple[Any, str]:
    """Resolve a path or text into data; returns (data, label for messages)."""
    if isinstance(source, Path) or (
        isinstance(source, str)
        and "\n" not in source
        and source.strip().endswith((".json", ".yaml", ".yml"))
    ):
        path = Path(source)
        text = limits.read_text(
            path, what="spec file", limit=limits.MAX_SPEC_BYTES, error=SpecError
        )
        return load_text(text, str(path)), str(path)
    if isinstance(source, (str, bytes)):
        text = (
            limits.decode(source, what="the spec", error=SpecError)
            if isinstance(source, bytes)
            else source
        )
        return load_text(text), "<text>"
    return source, "<spec>"


# How close an unknown field must be to a known one to count as its typo (difflib ratio):
# ``min_valeu``/``min_value`` (0.89) and ``requird``/``required`` (0.93) are typos, while the
# original format's ``expected_start`` next to ``date_start`` (0.67) is a field of its own.
TYPO_CUTOFF = 0.8


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``list[Table]``, ``Column | None`` ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that holds the field at ``loc``; None where it is one of several (a rule)."""
    current: type[BaseModel] = model
    for key in loc:
        if isinstance(key, int):
            continue
        field = current.model_fields.get(key)
        models = _models_in(field.annotation) if field is not None else []
        if len(models) != 1:
            return None
        current = models[0]
    return current


def _known_fields(model: type[BaseModel]) -> list[str]:
    names = list(model.model_fields)
    names += [f.alias for f in model.model_fields.values() if f.alias]
    # Spellings a before-validator reads (flat rule fields, the original format's keys).
    names += list(getattr(model, "other_fields", ()))
    return names


def _drop_unknown(
    model: type[BaseModel], err: ValidationError, data: Any, strict: bool
) -> list[str] | None:
    """Remove the unknown fields ``err`` reports from ``data`` and return a warning for each.

    None (the error stands) when strict, when any other problem is reported, when a field
    sits inside a rule record (this project's own format, where an unknown field is a mistake),
    or when a field is a likely typo of a known one (the value would be silently lost).
    """
    if strict:
        return None
    errors = err.errors()
    if not errors or any(e.get("type") != "extra_forbidden" for e in errors):
        return None
    drops: list[tuple[dict[str, Any], str, str]] = []
    for e in errors:
        loc = tuple(e.get("loc", ()))
        holder = _model_at(model, loc[:-1])
        key = loc[-1] if loc else None
        if holder is None or not isinstance(key, str) or "rule" in loc[:-1]:
            return None
        if difflib.get_close_matches(key, _known_fields(holder), n=1, cutoff=TYPO_CUTOFF):
            return None
        node: Any = data
        for part in loc[:-1]:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = None
        if not isinstance(node, dict) or key not in node:
            return None
        drops.append((node, key, _where(loc[:-1], data)))
    by_place: dict[str, list[str]] = {}
    for node, key, where in drops:
        node.pop(key, None)
        by_place.setdefault(where or "the spec", []).append(key)
    return [
        f"{where}: ignored unknown field{'s' if len(keys) > 1 else ''} "
        + ", ".join(repr(k) for k in keys)
        + " (a strict load refuses them)"
        for where, keys in by_place.items()
    ]


def _validate(model: type[M], data: dict[str, Any], strict: bool) -> M:
    """Validate, dropping unknown fields with a warning unless ``strict`` (a few rounds: a
    before-validator may only reach a nested model once its parent's fields are clean)."""
    ignored: list[str] = []
    work = data
    for _ in range(4):
        try:
            built = model.model_validate(work)
        except ValidationError as e:
            if strict:
                raise
            if work is data:
                # Copied only when a field is to be dropped: the caller's dict stays as given,
                # and a spec refused for another reason (a shape nested too deeply) is refused
                # by the validators, with their message, not by the copy.
                try:
                    work = copy.deepcopy(data)
                except RecursionError:
                    raise e from None
            dropped = _drop_unknown(model, e, work, strict)
            if dropped is None:
                raise
            ignored += dropped
            continue
        known: Any = getattr(built, "warnings", None)
        if ignored and isinstance(known, list):
            known.extend(w for w in ignored if w not in known)
        return built
    return model.model_validate(work)


def read_model(model: type[M], source: Any, strict: bool = True) -> M:
    """Build ``model`` (the spec) from a dict, JSON/YAML text, a path, or an instance of it.

    ``strict=False`` loads a spec with fields this format does not know (the original
    dw-simulator's ``expected_start`` ...) and lists them in its warnings; a likely typo of a
    known field is refused either way, with a "did you mean".
    """
    if isinstance(source, model):
        return source
    data, label = read_source(source)
    if not isinstance(data, dict):
        raise SpecError(
            f"a spec must be an object with 'name' and 'tables', not {type(data).__name__}",
            where=label,
        )
    try:
        return _validate(model, data, strict)
    except ValidationError as e:
        err = _from_validation_error(e, data, model)
        err.where = label if label not in ("<spec>",) else None
        raise SpecError(err.message, where=err.where, problems=err.problems) from None
    except RecursionError:
        raise SpecError("the spec is nested too deeply", where=label) from None
    except (TypeError, AttributeError, KeyError, IndexError) as e:
        # A field of the wrong shape (e.g. "foreign_keys": true) reached a validator that
        # expects a list or dict; report it as a spec problem, never as a crash.
        raise SpecError(
            f"a field has the wrong shape ({e})",
            where=label,
            hint="check the field types against the spec's JSON Schema",
        ) from None


def prune(value: Any, keep: frozenset[str] | set[str] = frozenset()) -> Any:
    """Drop empty optional fields (None, {}, [], False flags) from JSON-ready data."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if (
                v is None
                or (v in ({}, []) and k not in _ALWAYS and k not in keep)
                or (v is False and k in _FALSE_DROP)
            ):
                continue
            out[k] = prune(v, _RULE_ALWAYS if k == "rule" else frozenset())
        return out
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


_FALSE_DROP = {"shuffle", "is_unique", "nullable", "strict", "after_strict", "clustered"}


def spec_to_dict(spec: BaseModel) -> dict[str, Any]:
    """The spec as plain JSON-ready data (DESIGN.md's format; empty optional fields left out)."""
    data = spec.model_dump(mode="json")
    pruned = prune(data)
    # Keep the keys the format promises even for tables without keys.
    for t in pruned.get("tables", []):
        t.setdefault("primary_key", [])
        t.setdefault("foreign_keys", [])
        t.setdefault("unique", [])
        for fk in t["foreign_keys"]:
            fk.setdefault("nullable", False)
        for c in t.get("columns", []):
            c.setdefault("required", False)
            if isinstance(c.get("rule"), dict):
                # The kind first, the reason last: a rule reads as "what", then "why".
                rule = c["rule"]
                reason = rule.pop("reason", None)
                c["rule"] = {"kind": rule.pop("kind"), **rule}
                if reason is not None:
                    c["rule"]["reason"] = reason
    pruned.setdefault("description", "")
    return pruned
