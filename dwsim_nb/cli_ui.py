"""``dwsim ui``: the dashboard as a web app. Voilà serves a one-cell notebook that shows
:func:`dwsim_nb.widgets.web_app.web_app` over the workspace, on 127.0.0.1 only.

Everything Voilà needs lives in a private temporary folder (0700) that is removed on exit: the
notebook, a kernel spec that runs this very Python (so the kernel imports this dwsim_nb, not
whatever a user-level ``python3`` kernel points at), Voilà's config with a random token (in a
file, so it does not show in ``ps``) and its log. Voilà runs in its own process group, which is
ended as a whole on Ctrl-C or SIGTERM, so no kernel outlives the command.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click

from dwsim_nb.errors import DwsimError

DEFAULT_PORT = 8866
KERNEL_NAME = "dwsim-ui"
READY_SECONDS = 120.0
INSTALL_HINT = "pip install 'dwsim-nb[ui]'"


def require_voila() -> None:
    """A one-line error naming the extra when Voilà is not installed."""
    if importlib.util.find_spec("voila") is None:
        raise DwsimError("Voilà is not installed.", where="dwsim ui", hint=INSTALL_HINT)


def py_literal(value: str, what: str) -> str:
    """``value`` as a Python string literal, checked to read back as exactly ``value``: paths
    reach the notebook's code only this way, never pasted into it as text."""
    if "\x00" in value:
        raise DwsimError(f"the {what} contains a NUL character.", where=repr(value))
    literal = repr(value)
    if ast.literal_eval(literal) != value:  # pragma: no cover - repr of a str always reads back
        raise DwsimError(f"the {what} cannot be written as a Python literal.", where=literal)
    return literal


def app_source(home: Path, cwd: Path) -> str:
    """The notebook's one cell: the web app over the workspace at ``home``, run in ``cwd``."""
    return (
        "import os\n"
        "# Export CSV and Save .sql write where `dwsim ui` was started.\n"
        f"os.chdir({py_literal(str(cwd), 'working folder')})\n"
        "from dwsim_nb.widgets.web_app import web_app\n"
        "from dwsim_nb.workspace import Workspace\n"
        f"web_app(Workspace({py_literal(str(home), 'workspace path')}))"
    )


def write_app_notebook(folder: Path, home: Path, cwd: Path) -> Path:
    """Write ``dwsim.ipynb`` (for the kernel :data:`KERNEL_NAME`) into ``folder``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(app_source(home, cwd))]
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "dwsim (this Python)",
        "language": "python",
    }
    nb.metadata["title"] = "dwsim"
    nbformat.validate(nb)
    path = folder / "dwsim.ipynb"
    nbformat.write(nb, str(path))
    return path


def write_kernel_spec(folder: Path) -> Path:
    """A kernel spec that starts ``sys.executable``; returns the folder for ``JUPYTER_PATH``."""
    data_dir = folder / "share" / "jupyter"
    spec_dir = data_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "dwsim (this Python)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return data_dir


def write_voila_config(folder: Path, token: str) -> None:
    """``voila.json`` in Voilà's working folder (the first place it reads config from)."""
    config = {"Voila": {"token": token, "connection_dir_root": str(folder)}}
    path = folder / "voila.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    path.chmod(0o600)


def voila_command(notebook: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",  # the printed URL must be the port it listens on
        "--VoilaConfiguration.extension_denylist=['@jupyter-notebook/lab-extension']",
    ]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def pick_port(port: int | None) -> int:
    """``port`` if free; without one, 8866 or else any free port."""
    if port is not None:
        if not _port_free(port):
            raise DwsimError(
                f"port {port} on 127.0.0.1 is in use.",
                where="dwsim ui --port",
                hint="choose another --port, or leave it out to use a free one",
            )
        return port
    if _port_free(DEFAULT_PORT):
        return DEFAULT_PORT
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _signal_group(proc: subprocess.Popen[bytes], sig: int, fallback: Any) -> bool:
    """Send ``sig`` to the process's whole group (``fallback()`` where there are no groups);
    False when the group is already gone."""
    if os.name != "posix":  # pragma: no cover - Windows
        fallback()
        return True
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return False
    return True


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End Voilà and its kernels: its whole process group, politely first."""
    if proc.poll() is not None or not _signal_group(proc, signal.SIGTERM, proc.terminate):
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        if _signal_group(proc, signal.SIGKILL, proc.kill):
            proc.wait(5)


def _log_tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def _wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Poll a static file (asking for "/" would start a kernel); any HTTP answer means up."""
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise DwsimError(
                    "Voilà did not start:\n" + _log_tail(log),
                    where="dwsim ui",
                    hint="read the log above; try another --port",
                ) from None
            time.sleep(0.3)


def _sigterm_exits() -> Any:
    """Turn SIGTERM into SystemExit so the ``finally`` that ends Voilà runs."""

    def handler(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)

    return signal.signal(signal.SIGTERM, handler)


def serve(home: Path, port: int | None, open_browser: bool) -> None:
    """Run the web app until Ctrl-C (or SIGTERM); prints its URL once it answers."""
    require_voila()
    from dwsim_nb.workspace import Workspace

    ws_home = Workspace(home).home  # creates and checks the folder, absolute
    chosen = pick_port(port)
    folder = Path(tempfile.mkdtemp(prefix="dwsim-ui-"))  # 0700
    proc: subprocess.Popen[bytes] | None = None
    previous = _sigterm_exits()
    try:
        notebook = write_app_notebook(folder, ws_home, Path.cwd())
        data_dir = write_kernel_spec(folder)
        token = secrets.token_urlsafe(24)
        write_voila_config(folder, token)
        env = dict(os.environ)
        env["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [str(data_dir), env.get("JUPYTER_PATH")])
        )
        log = folder / "voila.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                voila_command(notebook, chosen),
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=os.name == "posix",
            )
        base = f"http://127.0.0.1:{chosen}"
        _wait_ready(proc, base, log)
        url = f"{base}/?token={token}"
        click.echo(f"dwsim web app for the workspace {ws_home}")
        click.echo(f"  {url}")
        click.echo("Press Ctrl-C to stop it.")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        code = proc.wait()
        raise DwsimError(
            f"Voilà stopped by itself (exit code {code}):\n" + _log_tail(log), where="dwsim ui"
        )
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        if proc is not None:
            _stop(proc)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(folder, ignore_errors=True)


@click.command("ui")
@click.option(
    "--port", "-p", type=click.IntRange(1, 65535), help="Port (default: 8866 or a free one)."
)
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: dwsim's --home, $DWSIM_HOME, else ./.dwsim).",
)
@click.pass_context
def ui_cmd(ctx: click.Context, port: int | None, no_browser: bool, home: Path | None) -> None:
    """Serve the dashboard as a web app on 127.0.0.1 (Voilà) and print its URL.

    Import (with preview), generate, experiments and runs, queries with export, the ER diagram
    and workload coverage, in the browser. Ctrl-C stops it.
    """
    if home is None:
        home = (ctx.find_object(dict) or {}).get("home")
    if home is None:
        from dwsim_nb.workspace import default_home

        home = default_home()
    serve(Path(home), port, open_browser=not no_browser)


def register(group: click.Group) -> None:
    """Add ``dwsim ui`` to the ``dwsim`` group."""
    group.add_command(ui_cmd)
