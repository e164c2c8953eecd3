"""Pictures of an experiment that belong to it rather than to a notebook: its ER diagram.

A mixin of :class:`dwsim_nb.experiment.Experiment` (kept apart, as experiment.py is full).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dwsim_nb.display.erd import ERD
    from dwsim_nb.spec import ExperimentSpec


class ViewsMixin:
    """The picture verbs of :class:`dwsim_nb.experiment.Experiment`."""

    if TYPE_CHECKING:

        @property
        def spec(self) -> ExperimentSpec: ...

    def erd(self) -> ERD:
        """The entity-relationship diagram: shown inline in a notebook (zoom and pan), saved
        with ``.save("x.svg")`` (or ``"x.html"`` for the page with zoom buttons)."""
        from dwsim_nb.display.erd import ERD

        return ERD(self.spec)
