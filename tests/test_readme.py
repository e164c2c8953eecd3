"""Every ```bash and ```python block of the README runs as written, in document order, in a fresh
folder and workspace: what a new user copies works.

Python blocks share one namespace (like a notebook read top to bottom); bash blocks run with
``dwsim`` resolved to ``python -m dwsim_nb.cli`` of this checkout; an ```ipython block is a
notebook, one cell per paragraph, run in an IPython shell: a cell fails on an exception or on an
error message a magic prints. Never run: the install
commands (their blocks sit between ``<!-- quickstart-command -->`` / ``<!-- test-command -->``
markers) and blocks marked ``<!-- readme-test: skip (reason) -->``, which need a server or files
of the reader's own; each skipped block is reported with its reason. JSON blocks are specs and
must load as one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s*\((.+?)\)\s*-->\s*$")
INSTALL = ("<!-- quickstart-command -->", "<!-- test-command -->")


def blocks() -> list[tuple[str, str, int, str | None]]:
    """(language, code, line, reason to skip or None) for each fenced block."""
    text = README.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[: m.start()].rstrip().splitlines()
        marker = before[-1].strip() if before else ""
        reason = None
        if marker in INSTALL:
            reason = "an install command"
        elif SKIP.search(marker):
            reason = SKIP.search(marker).group(1)  # type: ignore[union-attr]
        out.append((m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1, reason))
    return out


def test_the_readme_has_runnable_blocks_and_marks_the_others() -> None:
    found = blocks()
    runnable = [b for b in found if b[0] in ("bash", "python", "ipython") and b[3] is None]
    assert len(runnable) >= 5
    skipped = [b for b in found if b[3] is not None]
    # The two install commands and nothing else unmarked: a skip names its reason.
    assert sum(b[3] == "an install command" for b in skipped) == 2
    assert all(b[3] for b in skipped)


ERROR_LINE = re.compile(r"^(\w*Error|Traceback|UsageError)\b", re.M)


def run_cells(ip: Any, code: str, line: int) -> None:
    """An ```ipython block as notebook cells: one per paragraph, in order."""
    from IPython.utils.capture import capture_output

    for cell in re.split(r"\n\s*\n(?=\S)", code.strip()):
        with capture_output() as out:
            result = ip.run_cell(cell)
        where = f"README ipython block at line {line}, cell {cell.splitlines()[0]!r}"
        assert result.success, f"{where}: {result.error_in_exec or result.error_before_exec!r}"
        assert not ERROR_LINE.search(out.stderr), f"{where}:\n{out.stderr[-2000:]}"


@pytest.mark.slow
def test_every_readme_block_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ip: Any) -> None:
    home = tmp_path / "home"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DWSIM_HOME", str(home))
    env = {
        **os.environ,
        "DWSIM_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "COLUMNS": "120",
    }
    # `dwsim` is this checkout's CLI, whatever is installed on PATH.
    prelude = f'set -euo pipefail\ndwsim() {{ "{sys.executable}" -m dwsim_nb.cli "$@"; }}\n'
    namespace: dict[str, object] = {"__name__": "__readme__"}
    skipped = []
    for lang, code, line, reason in blocks():
        if reason is not None:
            skipped.append(f"line {line}: {reason}")
            continue
        if lang == "python":
            try:
                exec(compile(code, f"README.md:{line}", "exec"), namespace)
            except Exception as e:
                pytest.fail(f"README python block at line {line} failed: {e!r}")
        elif lang == "ipython":
            run_cells(ip, code, line)
        elif lang == "bash":
            proc = subprocess.run(
                ["bash", "-c", prelude + code],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=240,
            )
            assert proc.returncode == 0, f"README bash block at line {line}:\n{proc.stderr[-2000:]}"
        elif lang == "json":
            from dwsim_nb.spec import ExperimentSpec

            ExperimentSpec.parse(json.loads(code))
    print("skipped README blocks:", *skipped, sep="\n  ")
    # What the blocks promise is there: the shipped example, the exported diagram, the CSV.
    assert (tmp_path / "tickit.sql").read_text().lstrip().startswith("--")
    assert (tmp_path / "tickit.svg").read_text().count('class="erd-table"') == 7
    assert "catgroup" in (tmp_path / "counts.csv").read_text()
    # The workload example: the stored query finds nothing until the spec is fitted to it.
    before, after = namespace["before"], namespace["after"]
    assert list(before["status"]) == ["empty"] and list(after["status"]) == ["ok"]
    assert after["rows"].iloc[0] > 0
