""" "Today" for Faker providers whose values are relative to it (``future_date``, ``past_date``,
``date_this_year``, an age inside an ``ssn``), resolved once per run and recorded.

A run reads the clock once (:func:`run_today`), keeps the date in ``Plan.options["today"]``, its
manifest and a bundle; the pools of such providers are then built with Faker's clock set to that
date (midnight UTC, which Faker's naive datetimes mean), so the same seed and date give the same
values on any day. Faker reads ``datetime.now()`` / ``date.today()`` through the names its
provider modules imported; :func:`frozen_clock` swaps those names for the build and puts them
back. Checked with Faker 40.
"""

from __future__ import annotations

import datetime as real
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dwsim_nb.errors import GenerationError

# Pools of different dates may be built by threads of one process: one swap at a time.
_SWAP = threading.Lock()


def utc_today() -> real.date:
    """The clock a run's "today" is read from when none is given."""
    return real.datetime.now(real.timezone.utc).date()


def run_today(value: str | real.date | None = None) -> str:
    """The run's "today" as an ISO date: ``value`` checked, or the clock read once."""
    if value is None:
        return utc_today().isoformat()
    if isinstance(value, real.datetime):
        return value.date().isoformat()
    if isinstance(value, real.date):
        return value.isoformat()
    try:
        return real.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise GenerationError(
            f"today {value!r} is not a date.", hint="give it as YYYY-MM-DD, e.g. 2026-12-06"
        ) from None


class _Stand(type):
    """isinstance and issubclass against a stand-in class answer as for the real one, so a
    real date handed to Faker still passes its ``isinstance(value, date)`` checks."""

    _real: type

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._real)


def _stand_ins(today: str) -> tuple[type, type, types.ModuleType]:
    day = real.date.fromisoformat(today)
    midnight = real.datetime(day.year, day.month, day.day)

    class Date(real.date, metaclass=_Stand):
        _real = real.date

        @classmethod
        def today(cls) -> Any:  # a real date, as Faker compares it with real dates
            return day

    class Datetime(real.datetime, metaclass=_Stand):
        _real = real.datetime

        @classmethod
        def now(cls, tz: real.tzinfo | None = None) -> Any:
            if tz is None:
                return midnight
            return midnight.replace(tzinfo=real.timezone.utc).astimezone(tz)

        @classmethod
        def today(cls) -> Any:
            return midnight

        @classmethod
        def utcnow(cls) -> Any:
            return midnight

    module = types.ModuleType("datetime")
    module.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    module.date = Date  # type: ignore[attr-defined]
    module.datetime = Datetime  # type: ignore[attr-defined]
    return Date, Datetime, module


@contextmanager
def frozen_clock(today: str, method: Any) -> Iterator[None]:
    """Faker's clock reads ``today`` while the block runs (for the date_time providers and the
    module that defines ``method``)."""
    import faker.providers.date_time as faker_dates

    func = getattr(method, "__func__", method)
    modules = {faker_dates, sys.modules.get(getattr(func, "__module__", "") or "")} - {None}
    date_cls, datetime_cls, module = _stand_ins(today)
    swaps = {real.date: date_cls, real.datetime: datetime_cls, real: module}
    with _SWAP:
        saved: list[tuple[Any, str, Any]] = []
        try:
            for mod in modules:
                for name, value in list(vars(mod).items()):
                    if isinstance(value, type | types.ModuleType) and value in swaps:
                        saved.append((mod, name, value))
                        setattr(mod, name, swaps[value])
            yield
        finally:
            for mod, name, value in saved:
                setattr(mod, name, value)
