"""The one error family of dwsim_nb.

Every error a user can cause is a :class:`DwsimError`. Shells (CLI, magics, widgets) print
``str(err)`` and never a traceback for these. A message says what is wrong, where, and how to
fix it.
"""

from __future__ import annotations

from collections.abc import Iterable


class DwsimError(Exception):
    """Base of every error dwsim_nb raises on purpose.

    ``where`` names the place (file, line, table, column), ``hint`` says how to fix it.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" Fix: {self.hint}"
        return text


class SpecError(DwsimError):
    """The experiment spec is invalid (a table, column, key or rule)."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        hint: str | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.problems = problems or []
        super().__init__(message, where=where, hint=hint)


class DDLError(DwsimError):
    """DDL could not be read. Carries the line and column in the user's script."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        snippet: str | None = None,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.line = line
        self.col = col
        self.snippet = snippet
        self.source = source
        parts = [source or "<sql>"]
        if line is not None:
            parts.append(f"line {line}")
        if col is not None:
            parts.append(f"column {col}")
        where = ", ".join(parts)
        if snippet:
            message = f"{message} near: {snippet!r}"
        super().__init__(message, where=where, hint=hint)


class GenerationError(DwsimError):
    """Data could not be generated (an impossible request, a failed block)."""


class WarehouseError(DwsimError):
    """A warehouse could not be reached, created or changed."""


class LoadError(WarehouseError):
    """Loading a run into a warehouse failed; the earlier data is kept."""


class QueryError(DwsimError):
    """A query could not be translated or run."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.line = line
        self.col = col
        if where is None and line is not None:
            where = f"line {line}" + (f", column {col}" if col is not None else "")
        super().__init__(message, where=where, hint=hint)


class CatalogError(DwsimError):
    """The workspace catalog is missing something or is inconsistent."""


class NotFoundError(CatalogError):
    """An experiment or run does not exist."""


class BusyError(CatalogError):
    """Another run of the same experiment holds it (possibly in another process)."""


def did_you_mean(name: str, choices: Iterable[object]) -> str:
    """``"did you mean 'orders'? "`` for the known name closest to ``name`` (case ignored), or
    ``""`` when none is close: the start of a hint for a mistyped experiment, table or column."""
    import difflib

    known = [str(c) for c in choices]
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1, cutoff=0.6)
    return f"did you mean {by_lower[close[0]]!r}? " if close else ""
