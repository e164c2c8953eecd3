"""Workspace files readable by their owner only.

A workspace holds data shaped like production schemas, and the catalog keeps error messages and
tracebacks; other users of a shared machine (a JupyterHub, a CI runner) have no business reading
them. Folders are created 0o700 and files 0o600:

- :func:`private_umask` sets the process umask to 0o077 while dwsim creates files, so every file
  an engine library creates on its own (DuckDB's WAL, SQLite's journal, fakesnow's database) is
  private from its first byte;
- :func:`make_private` tightens a finished tree (a run folder written by worker processes, whose
  umask was fixed when their pool started).

The umask belongs to the whole process, so nested and concurrent uses (a widget's thread and a
cell) are counted: the first one in saves the user's umask and the last one out restores it.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_UMASK = 0o077

_lock = threading.Lock()
_depth = 0
_saved: int | None = None


@contextmanager
def private_umask() -> Iterator[None]:
    """Create files 0o600 and folders 0o700 inside the block (the user's umask is restored)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = os.umask(_UMASK)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                os.umask(_saved)
                _saved = None


def make_private(path: Path) -> None:
    """chmod a file, or a folder and everything under it, to owner-only access.

    Only the permission bits of files this user owns change; links are not followed.
    """
    root = Path(path)
    if not root.exists():
        return
    _chmod(root)
    if root.is_dir() and not root.is_symlink():
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                _chmod(Path(dirpath) / name)


def _chmod(p: Path) -> None:
    with suppress(OSError):
        st = p.lstat()
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid():
            return
        mode = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
        if stat.S_IMODE(st.st_mode) != mode:
            os.chmod(p, mode)
