"""Showing things from shells: HTML in notebooks, text in terminals, errors without tracebacks."""

from __future__ import annotations

import sys

from dwsim_nb.display.html import error_html


class Rich:
    """An object IPython shows as HTML in a notebook and as text in a terminal."""

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def show(html: str, text: str) -> None:
    """Display a rendering (through IPython when there is one, else printed as text)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display(Rich(html, text))


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_error(err: BaseException) -> None:
    """A user error as a short red message: HTML in a notebook, a line on stderr otherwise."""
    if _in_kernel():
        from IPython.display import HTML, display

        display(HTML(error_html(err)))
        return
    print(f"{type(err).__name__}: {err}", file=sys.stderr)
