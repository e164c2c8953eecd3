"""Shared fixtures: temporary workspaces and real services.

Service tests skip on a developer machine without the service, but fail under CI (CI=true), so CI
always exercises them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip locally; under CI a missing service is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: service tests must run)")
    pytest.skip(reason)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace folder, also exported as DWSIM_HOME."""
    path = tmp_path / "ws"
    monkeypatch.setenv("DWSIM_HOME", str(path))
    return path


def _postgres_admin_url() -> str:
    return os.environ.get("DWSIM_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def throwaway_database(prefix: str = "dwsim_test") -> Iterator[str]:
    """A throw-away database on the PostgreSQL server (its URL), dropped afterwards; without a
    server the test skips locally and fails under CI=true."""
    try:
        import psycopg
    except ImportError:
        skip_or_fail("psycopg is not installed")
        raise
    admin = _postgres_admin_url()
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception as exc:  # any connection failure means "no server here"
        skip_or_fail(f"no PostgreSQL server at {admin.split('@')[-1]}: {exc}")
        raise
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throw-away database on the PostgreSQL server, dropped afterwards."""
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="module")
def ip() -> Any:
    """The IPython shell with the dwsim_nb magics loaded, as a notebook frontend renders it."""
    pytest.importorskip("IPython")
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    # One shell per test session: start_ipython() returns None after its first call.
    shell = start_ipython() or get_ipython()
    assert shell is not None
    # A terminal shell computes text/plain only; a notebook frontend asks for every type.
    shell.display_formatter.active_types = shell.display_formatter.format_types
    shell.run_line_magic("load_ext", "dwsim_nb")
    return shell
