"""What `pip install dwsim-nb` brings: the notebook toolkit is the default install."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
# The packages the magics, the forms, %%sql and the profile charts import.
NOTEBOOK_TOOLKIT = ("ipython", "ipykernel", "ipywidgets", "jupysql", "matplotlib")
SERVICES = ("psycopg", "fakesnow", "boto3", "dask")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_default_install_is_the_notebook_toolkit() -> None:
    default = _names(_project()["dependencies"])
    missing = [p for p in NOTEBOOK_TOOLKIT if p not in default]
    assert not missing, f"not in the default install: {missing}"


def test_servers_and_scale_out_stay_extras() -> None:
    default = _names(_project()["dependencies"])
    assert not default & set(SERVICES)
    extras = _project()["optional-dependencies"]
    for extra in ("postgres", "snowflake", "s3", "dask", "lab"):
        assert extra in extras, f"extra {extra!r} is gone"


def test_installed_metadata_agrees() -> None:
    """The installed distribution was built from this pyproject (stale installs mislead)."""
    required = _names([r for r in metadata.requires("dwsim-nb") or [] if "extra ==" not in r])
    assert set(NOTEBOOK_TOOLKIT) <= required


def test_readme_lists_the_lab_extra() -> None:
    assert "`lab`" in (ROOT / "README.md").read_text()
