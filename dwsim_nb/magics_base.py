"""What every ``%dwsim_*`` magic shares: ``--help``, argument parsing, and errors shown as one
short message (a :class:`DwsimError`, or an optional piece that is not installed) instead of a
traceback."""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import parse_argstring

from dwsim_nb.errors import DwsimError

if TYPE_CHECKING:
    from IPython.core.magic import Magics

_HELP_FLAGS = ("-h", "--help")


def _wants_help(line: str) -> bool:
    try:
        tokens = shlex.split(line)
    except ValueError:
        tokens = line.split()
    return any(t in _HELP_FLAGS for t in tokens)


def _shell(method: Callable[..., Any]) -> Callable[..., Any]:
    """Answer ``--help``, parse the arguments, and show DwsimError as a short message."""

    @functools.wraps(method)
    def run(self: Magics, line: str = "", cell: str | None = None) -> Any:
        if _wants_help(line):
            print(method.__doc__ or "")
            return None
        from dwsim_nb.display.rich import show_error

        try:
            args = parse_argstring(method, line)
        except ValueError as e:
            # shlex's own error (an unclosed quote) is not a usage error to IPython, and it would
            # show as a traceback.
            show_error(
                DwsimError(
                    f"cannot read the arguments: {e}",
                    where=f"%{method.__name__}",
                    hint="close the quote, or escape it with a backslash",
                )
            )
            return None
        try:
            return method(self, args, cell)
        except DwsimError as err:
            show_error(err)
            return None
        except ImportError as err:
            # An optional piece (a warehouse's driver, dask, boto3, ipywidgets) reached only
            # now: one line naming the install that brings it, not a traceback.
            from dwsim_nb.extras import missing_piece

            missing = missing_piece(err, f"%{method.__name__}")
            if missing is None:
                raise
            show_error(missing)
            return None

    return run


def _show(html: str, text: str) -> None:
    from dwsim_nb.display.rich import show

    show(html, text)


def _message(text: str) -> None:
    from dwsim_nb.display.html import esc, wrap

    _show(wrap(esc(text)), text)
