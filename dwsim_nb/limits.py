"""Bounds on what users hand in: file sizes, text encodings, YAML aliases, nesting, row counts.

Every reader of user input goes through here, so a 630-byte YAML alias bomb, a 100,000-deep JSON
document, ``/dev/zero`` or ``--rows t=10**15`` ends in one clear :class:`DwsimError` within
milliseconds and bounded memory instead of a MemoryError, a RecursionError or a hang.
The numbers are documented in ``SECURITY.md``.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from dwsim_nb.errors import DwsimError

# A spec of 3,000 tables with 30 columns each is about 10 MB of JSON.
MAX_SPEC_BYTES = 32 * 1024 * 1024
# pg_dump output of large schemas runs to tens of MB; data dumps are not DDL.
MAX_SQL_BYTES = 64 * 1024 * 1024
# Nodes a YAML document may expand to once its aliases are followed (the document above: ~2M).
MAX_YAML_NODES = 5_000_000
# Nesting of a spec document (a spec needs about 8; json_shape values a few more).
MAX_NESTING = 64
# Rows one table may ask for, and a whole run: far beyond one machine, small enough to plan.
MAX_TABLE_ROWS = 10**12
MAX_RUN_ROWS = 10**13

ErrorFactory = Callable[..., DwsimError]
_CHECK = "check the path"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def read_text(
    path: str | Path,
    *,
    what: str,
    limit: int,
    encoding: str = "utf-8",
    error: ErrorFactory = DwsimError,
) -> str:
    """The text of a regular file of at most ``limit`` bytes, decoded with a clear error.

    ``what`` names the file in messages ("spec file", "DDL file"); ``error`` is the DwsimError
    subclass to raise (called with a message and ``hint=``).
    """
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise error(f"{what} {str(p)!r} does not exist.", hint=_CHECK) from None
    except OSError as e:
        raise error(
            f"cannot read {what} {str(p)!r}: {e.strerror or e}.", hint="check the path"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{what} {str(p)!r} is a folder, not a file.", hint="name a file inside it")
    try:
        with p.open("rb") as fh:
            # Devices and pipes report no size: read one byte past the limit to know.
            data = fh.read(limit + 1)
    except OSError as e:
        raise error(
            f"cannot read {what} {str(p)!r}: {e.strerror or e}.", hint="check the path"
        ) from None
    if len(data) > limit:
        raise error(
            f"{what} {str(p)!r} is larger than {_size(limit)}.",
            hint="split it into smaller files",
        )
    return decode(data, what=f"{what} {str(p)!r}", encoding=encoding, error=error)


def decode(
    data: bytes, *, what: str, encoding: str = "utf-8", error: ErrorFactory = DwsimError
) -> str:
    """Bytes as text; binary data and undecodable bytes say where they are and what to do."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(
            f"{what} looks like a binary file, not text.",
            hint="give a text file (SQL, JSON or YAML)",
        )
    try:
        text = data.decode(encoding)
    except LookupError:
        raise error(
            f"unknown text encoding {encoding!r}.", hint="use for example utf-8 or latin-1"
        ) from None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(
            f"{what} is not valid {encoding} text (byte {e.start + 1}, line {line}).",
            hint="save it as UTF-8, or name its encoding (for example --encoding latin-1)",
        ) from None
    return text.lstrip("\ufeff")


def check_size(text: str, *, what: str, limit: int, error: ErrorFactory = DwsimError) -> None:
    if len(text) > limit:
        raise error(
            f"{what} is larger than {_size(limit)}.",
            hint="split it into smaller pieces",
        )


class _BoundedLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses documents whose aliases expand past MAX_YAML_NODES."""

    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)


def _load_bounded(text: str) -> Any:
    # What yaml.load does, spelt out so the loader class is explicit: a SafeLoader subclass.
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    # Sizes are memoised per node, so a document of n nodes is measured in O(n) steps even when
    # its aliases would expand it to 10**30 nodes.
    sizes: dict[int, int] = {}
    depth_of: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            if depth + depth_of[key] > MAX_NESTING:
                raise _TooDeep
            return sizes[key]
        if depth > MAX_NESTING:
            raise _TooDeep
        total = 1
        sub = 0
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child, depth + 1)
                sub = max(sub, depth_of[id(child)] + 1)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                sub = max(sub, depth_of[id(v)] + 1)
        total = min(total, MAX_YAML_NODES + 1)
        sizes[key] = total
        depth_of[key] = sub
        return total

    if size(root, 0) > MAX_YAML_NODES:
        raise _TooBig


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    pass


def nesting_ok(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether parsed JSON data nests no deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def load_document(text: str, *, where: str, error: ErrorFactory = DwsimError) -> Any:
    """Parse JSON or YAML text within the bounds above.

    JSON and YAML syntax errors are left to the caller (they carry line and column); what this
    adds is the refusal of documents too large, too deep or expanding too far.
    """
    check_size(text, what=where, limit=MAX_SPEC_BYTES, error=error)
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            data = json.loads(text)
            if not nesting_ok(data):
                raise _TooDeep
            return data
        return _load_bounded(text)
    except _TooBig:
        raise error(
            f"the YAML's anchors and aliases expand to more than {MAX_YAML_NODES:,} values.",
            where=where,
            hint="write the repeated parts out, or use fewer nested aliases",
        ) from None
    except (_TooDeep, RecursionError):
        raise error(
            f"the document is nested more than {MAX_NESTING} levels deep.",
            where=where,
            hint="a spec needs a few levels; flatten the deeply nested value",
        ) from None


def require_text(value: object, *, what: str, error: ErrorFactory = DwsimError) -> str:
    """``value`` if it is a str, else a clear error (None or a number would otherwise fail deep
    inside a parser with a TypeError)."""
    if not isinstance(value, str):
        raise error(
            f"{what} must be text (a str), not {type(value).__name__}.",
            hint="pass it as a string, e.g. exp.query('select count(*) from t')",
        )
    return value


def check_rows(table: str, rows: Any, *, error: ErrorFactory = DwsimError) -> int:
    """A row count as an int within ``0..MAX_TABLE_ROWS``, or a clear error naming the table."""
    if isinstance(rows, bool):
        raise error(
            f"table {table!r}: row count {rows!r} is not a whole number.",
            hint="give a count such as 1000",
        )
    if not isinstance(rows, int):
        try:
            as_float = float(rows)
        except (TypeError, ValueError):
            as_float = float("nan")
        if not as_float.is_integer():
            raise error(
                f"table {table!r}: row count {rows!r} is not a whole number.",
                hint="give a count such as 1000",
            )
        rows = int(as_float)
    if rows < 0:
        raise error(f"table {table!r}: row count {rows} is negative.", hint="give 0 or more rows")
    if rows > MAX_TABLE_ROWS:
        raise error(
            f"table {table!r}: {rows:,} rows is more than the {MAX_TABLE_ROWS:,} a table may have.",
            hint="ask for fewer rows",
        )
    return rows
