"""The base of every generation rule (``reason``) and the checks rules share."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

# Faker locales look like en, en_US, zh_Hans_CN; the name also becomes part of a cache file name.
LOCALE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4}){0,2}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=True)


class _Rule(_Model):
    reason: str | None = None
