"""Pieces every form shares: CSS-classed widgets, messages, running a callback safely."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from dwsim_nb.dialects import DIALECT_NAMES
from dwsim_nb.display.html import error_html, esc, wrap
from dwsim_nb.errors import DwsimError

DIALECTS = DIALECT_NAMES


def classed(widget: Any, css: str) -> Any:
    """Give a widget a CSS class (tests and the browser select by it) and return it."""
    widget.add_class(css)
    return widget


def button(label: str, css: str, style: str = "", tooltip: str = "") -> w.Button:
    return classed(w.Button(description=label, button_style=style, tooltip=tooltip), css)


def message_html(text: str) -> str:
    return wrap(esc(text))


def run_safely(target: w.HTML, action: Callable[[], Any]) -> Any:
    """Run a button's action; a DwsimError shows in ``target`` in red and the inputs stay."""
    try:
        return action()
    except DwsimError as err:
        target.value = error_html(err)
        return None


def warehouse_names() -> list[str]:
    from dwsim_nb.workspace import warehouse_names as known

    names = known()
    return ["duckdb", *[n for n in names if n != "duckdb"]] if "duckdb" in names else names


def experiment_names(ws: Any) -> list[str]:
    try:
        return [e.name for e in ws.experiments()]
    except DwsimError:
        return []


def accepts(func: Callable[..., Any], name: str) -> bool:
    """Whether ``func`` takes a keyword ``name`` (features of the API this shell can use)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def refresh_dropdown(dropdown: w.Dropdown, names: list[str], keep: str | None = None) -> None:
    current = keep if keep is not None else dropdown.value
    dropdown.options = names
    if current in names:
        dropdown.value = current
    elif names:
        dropdown.value = names[0]
