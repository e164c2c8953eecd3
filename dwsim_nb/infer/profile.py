"""Per-column statistics of a sample: type, nulls, distinct values, range, moments, lengths.

Everything here is computed with pyarrow.compute and numpy on whole columns. A profile keeps the
column's top values only while it is a candidate category (few distinct values); other values are
summarized and dropped, so nothing identifying travels further than this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim_nb.spec.types import parse_type

# Shapes of text a Faker provider can imitate: (regex over the whole value, provider, why).
_CONTENT: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "email", "values look like e-mail addresses"),
    (
        re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
        "uuid4",
        "values look like UUIDs",
    ),
    (re.compile(r"https?://\S+"), "url", "values look like URLs"),
    (re.compile(r"(\d{1,3}\.){3}\d{1,3}"), "ipv4", "values look like IPv4 addresses"),
    (
        re.compile(r"\+?[\d\s().-]{7,20}"),
        "phone_number",
        "values look like phone numbers",
    ),
]
# Share of sampled values that must match a content shape for it to be used.
_CONTENT_SHARE = 0.95


@dataclass
class ColumnProfile:
    """What a sample says about one column. ``top`` is filled only for low cardinality."""

    name: str
    data_type: str
    precision: int | None = None
    scale: int | None = None
    count: int = 0
    nulls: int = 0
    distinct: int = 0
    minimum: Any = None
    maximum: Any = None
    mean: float | None = None
    std: float | None = None
    numbers: np.ndarray | None = None  # finite numeric values, for fitting
    top: list[tuple[Any, int]] = field(default_factory=list)  # (value, count), most common first
    min_length: int | None = None
    max_length: int | None = None
    shape: str | None = None  # the common letter/digit pattern of strings, if one
    content: tuple[str, str] | None = None  # (faker provider, why) from the values' look
    true_share: float | None = None
    arithmetic_step: int | None = None  # integers forming start, start+step, ...
    # Uniqueness over all rows of a sampled table, once checked (None: not checked, or the
    # sample is the whole table). A sample can be unique by chance; this settles it.
    unique_in_all: bool | None = None

    @property
    def non_null(self) -> int:
        return self.count - self.nulls

    @property
    def null_rate(self) -> float:
        return self.nulls / self.count if self.count else 0.0

    @property
    def is_unique(self) -> bool:
        sample_unique = self.non_null > 0 and self.distinct == self.non_null
        return sample_unique and self.unique_in_all is not False


def logical_type(arrow_type: pa.DataType) -> tuple[str, int | None, int | None]:
    """The spec's logical type for an Arrow type, with DECIMAL precision and scale."""
    t = arrow_type
    if pa.types.is_boolean(t):
        return "BOOLEAN", None, None
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "SMALLINT", None, None
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "INT", None, None
    if pa.types.is_integer(t):
        return "BIGINT", None, None
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "FLOAT", None, None
    if pa.types.is_floating(t):
        return "DOUBLE", None, None
    if pa.types.is_decimal(t):
        return "DECIMAL", min(t.precision, 38), t.scale
    if pa.types.is_date(t):
        return "DATE", None, None
    if pa.types.is_time(t):
        return "TIME", None, None
    if pa.types.is_timestamp(t):
        return ("TIMESTAMPTZ" if t.tz else "TIMESTAMP"), None, None
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "BINARY", None, None
    if pa.types.is_struct(t) or pa.types.is_map(t):
        return "OBJECT", None, None
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "ARRAY", None, None
    return "VARCHAR", None, None


def _shape(text: str) -> str:
    # Letters and digits become the engine's pattern placeholders; punctuation stays. No real
    # letter or digit survives, so the shape copies nothing of the value.
    return re.sub(r"[0-9]", "#", re.sub(r"[A-Za-z]", "?", text))


def profile_column(
    name: str,
    column: pa.ChunkedArray,
    declared_type: str | None,
    category_limit: int,
) -> ColumnProfile:
    """Profile one column; ``top`` holds values only if at most ``category_limit`` distinct."""
    data_type, precision, scale = logical_type(column.type)
    parsed = parse_type(declared_type) if declared_type else None
    if parsed is not None and not (parsed.data_type in ("DECIMAL",) and data_type != "DECIMAL"):
        data_type, precision, scale = parsed.data_type, parsed.precision, parsed.scale
    if column.type == pa.null():
        column = column.cast(pa.string())
    prof = ColumnProfile(name, data_type, precision, scale, count=len(column))
    prof.nulls = column.null_count
    valid = pc.drop_null(column)
    if len(valid) == 0:
        return prof
    if pa.types.is_dictionary(valid.type):
        valid = valid.cast(valid.type.value_type)
    counts = pc.value_counts(valid)
    prof.distinct = len(counts)
    if prof.distinct <= category_limit:
        pairs = zip(
            counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
        )
        prof.top = sorted(pairs, key=lambda p: (-p[1], str(p[0])))
    t = valid.type
    if pa.types.is_boolean(t):
        prof.true_share = float(pc.sum(valid.cast(pa.int64())).as_py()) / len(valid)
    elif pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        _numeric(prof, valid)
    elif pa.types.is_temporal(t):
        mm = pc.min_max(valid)
        prof.minimum, prof.maximum = mm["min"].as_py(), mm["max"].as_py()
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        _text(prof, valid)
    return prof


def _numeric(prof: ColumnProfile, valid: pa.ChunkedArray) -> None:
    numbers = np.asarray(valid.cast(pa.float64()).to_numpy(), dtype=np.float64)
    numbers = numbers[np.isfinite(numbers)]
    if len(numbers) == 0:
        return
    prof.numbers = numbers
    prof.minimum, prof.maximum = float(numbers.min()), float(numbers.max())
    prof.mean, prof.std = float(numbers.mean()), float(numbers.std())
    if pa.types.is_integer(valid.type) and prof.is_unique and len(numbers) > 1:
        ordered = np.sort(numbers)
        steps = np.unique(np.diff(ordered))
        if len(steps) == 1:
            prof.arithmetic_step = int(steps[0])


def _text(prof: ColumnProfile, valid: pa.ChunkedArray) -> None:
    lengths = pc.utf8_length(valid)
    mm = pc.min_max(lengths)
    prof.min_length, prof.max_length = int(mm["min"].as_py()), int(mm["max"].as_py())
    sample = valid.slice(0, 2000).to_pylist()
    shapes: dict[str, int] = {}
    for value in sample:
        key = _shape(value)
        shapes[key] = shapes.get(key, 0) + 1
    common, hits = max(shapes.items(), key=lambda kv: kv[1])
    if hits >= _CONTENT_SHARE * len(sample) and re.search(r"[?#]", common) and len(common) <= 40:
        prof.shape = common
    for pattern, provider, why in _CONTENT:
        matched = sum(1 for v in sample if pattern.fullmatch(v))
        if matched >= _CONTENT_SHARE * len(sample):
            prof.content = (provider, why)
            break


def as_date_bound(value: Any) -> dt.date | dt.datetime | dt.time | None:
    """A min/max as the spec's date fields hold it (timezone-aware values in UTC, naive)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    return None
