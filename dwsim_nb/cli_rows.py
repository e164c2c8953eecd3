"""How many rows ``dwsim generate`` makes: ``--rows``, ``--rows-file`` and ``--scale``.

A schema of forty tables should not need forty flags: ``--rows orders=5000,customers=800`` takes
several tables in one flag (and the flag repeats), ``--rows-file rows.yaml`` reads a mapping of
table to count, and ``--scale 0.1`` multiplies every other table's target_rows (at least 1 row;
a table of one row per listed value keeps its size).
Explicit counts win over the file, the file over the scale.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dwsim_nb.errors import DwsimError
from dwsim_nb.spec.scale import is_list_table, scaled_rows

__all__ = ["is_list_table", "parse_rows", "read_rows_file", "rows_options", "scaled_rows"]


def _count(table: str, value: object, source: str) -> int:
    from dwsim_nb.limits import check_rows

    try:
        n = value if isinstance(value, int) else int(str(value).replace("_", ""))
    except ValueError:
        n = -1
    if isinstance(n, bool) or not table or n < 0:
        raise click.BadParameter(
            f"{source}: {table or '?'}={value!r} is not a row count; write TABLE=COUNT, "
            "e.g. --rows orders=5000,customers=800"
        )
    try:
        return check_rows(table, n)
    except DwsimError as e:
        raise click.BadParameter(str(e)) from None


def parse_rows(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> Any:
    """``("a=1,b=2", "c=3")`` -> ``{"a": 1, "b": 2, "c": 3}`` (None when empty)."""
    rows: dict[str, int] = {}
    for value in values:
        for item in filter(None, (part.strip() for part in value.split(","))):
            table, sep, count = item.partition("=")
            if not sep:
                raise click.BadParameter(
                    f"{item!r}: write TABLE=COUNT, e.g. --rows orders=5000,customers=800"
                )
            rows[table.strip()] = _count(table.strip(), count.strip(), "--rows")
    return rows or None


def read_rows_file(path: Path) -> dict[str, int]:
    """A YAML or JSON mapping of table name to row count (``orders: 5000``)."""
    import yaml

    from dwsim_nb.limits import MAX_SPEC_BYTES, read_text

    try:
        data = yaml.safe_load(read_text(path, what="rows file", limit=MAX_SPEC_BYTES))
    except yaml.YAMLError as e:
        raise click.BadParameter(f"{path}: not YAML or JSON ({e})") from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{path}: write one 'TABLE: COUNT' line per table")
    return {str(t): _count(str(t), n, str(path)) for t, n in data.items()}


def rows_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--rows``, ``--rows-file`` and ``--scale`` to a command that takes ``rows`` (the
    explicit counts, file merged in) and ``scale``."""

    @functools.wraps(command)
    def wrapper(*args: Any, rows_file: Path | None, **kwargs: Any) -> Any:
        if rows_file is not None:
            kwargs["rows"] = {**read_rows_file(rows_file), **(kwargs.get("rows") or {})}
        return command(*args, **kwargs)

    for option in (
        click.option(
            "--scale",
            type=click.FloatRange(min=0, min_open=True),
            help="Multiply every table's target_rows (at least 1 row each; a list table of "
            "one row per value keeps its size), e.g. 0.1 or 10.",
        ),
        click.option(
            "--rows-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="YAML/JSON mapping of table to row count ('orders: 5000' per line).",
        ),
        click.option(
            "--rows",
            "-r",
            multiple=True,
            callback=parse_rows,
            metavar="TABLE=COUNT[,...]",
            help="Rows per table: orders=5000,customers=800 (the flag repeats too).",
        ),
    ):
        wrapper = option(wrapper)
    return wrapper
