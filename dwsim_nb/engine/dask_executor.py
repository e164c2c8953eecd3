"""Blocks as tasks on a Dask cluster: the same data as in-process, on as many machines as needed.

    from distributed import Client
    from dwsim_nb.engine import generate_run
    client = Client("tcp://scheduler:8786")
    generate_run(spec, "s3://bucket/experiments/shop/run_1", executor="dask", client=client)

Each block is one task, ``run_block(plan, table, block, out)``, keyed by (run, table, block).
Workers write their Parquet straight to the run's sink (a folder every worker sees, or S3
through :class:`dwsim_nb.engine.sinks.S3Sink`) and return only a row count, so the driver
never holds data. Dask retries a failed task ``retries`` times; a block that still fails is
reported as a :class:`GenerationError` naming its table and block. ``dask[distributed]`` is an
optional extra (``pip install 'dwsim-nb[dask]'``), imported only when this executor is used.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from dwsim_nb.engine.plan import Plan
from dwsim_nb.engine.sinks import Sink
from dwsim_nb.engine.tasks import Executor, OnDone, Task, cancelled_error, run_block
from dwsim_nb.errors import DwsimError, GenerationError
from dwsim_nb.version import __version__

if TYPE_CHECKING:
    from distributed import Client, Future

BlockFn = Callable[[Plan, str, int, Any], int]

#: Dask re-runs a failed block this many times before the run fails (a flaky S3 write, a worker
#: lost mid-task); generation is deterministic, so a retry writes the very same object.
DEFAULT_RETRIES = 2

# How often the driver looks at the cancel event while no block finishes.
_POLL_SECONDS = 0.05

#: Dask settings for a cluster that generates data: its nanny starts workers with
#: MALLOC_TRIM_THRESHOLD_=65536, which switches off glibc's adaptive mmap threshold, so every
#: large array of a block is a fresh mmap with its page faults (measured: blocks took 1.4-2.5x as
#: long). Apply where the workers start, e.g. ``with dask.config.set(RECOMMENDED_CONFIG):
#: LocalCluster(...)``, or ``MALLOC_TRIM_THRESHOLD_: null`` under
#: ``distributed.nanny.pre-spawn-environ`` in the cluster's configuration.
RECOMMENDED_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None
}


class DaskUnavailableError(GenerationError):
    """``dask[distributed]`` is not installed, or the cluster cannot be reached."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskUnavailableError(
            "the Dask executor needs dask[distributed], which is not installed.",
            hint="pip install 'dwsim-nb[dask]' (or use executor='processes' on one machine)",
        ) from None
    return distributed


class SchedulerAddressError(GenerationError):
    """A scheduler address that cannot be one (no port, an unknown protocol); nothing was run."""


#: Seconds to reach a scheduler given by its address, its handshake included, before giving up.
CONNECT_TIMEOUT = 10.0

_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
# Protocols whose handshake :func:`connect` checks itself before opening a client.
_PROBED = ("tcp", "tls", "ws", "wss")
_ADDRESS_HINT = (
    "write it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786 (what `dask scheduler` prints)"
)


def scheduler_address(text: str | None, *, where: str | None = None) -> str | None:
    """The scheduler address in ``text``, checked and with its protocol; None when it is empty.

    ``127.0.0.1:8786`` becomes ``tcp://127.0.0.1:8786``, as Dask reads it. Only its shape is
    checked, without connecting, so a shell can refuse a malformed address before starting a run;
    raises :class:`SchedulerAddressError` naming ``where`` (default: the address).
    """
    s = (text or "").strip()
    if not s:
        return None

    def bad(reason: str) -> SchedulerAddressError:
        return SchedulerAddressError(
            f"'{s}' is not a Dask scheduler address: {reason}.",
            where=where or s,
            hint=_ADDRESS_HINT,
        )

    proto, sep, rest = s.partition("://")
    if not sep:
        proto, rest = "tcp", s
    proto = proto.lower()
    if proto not in _PROTOCOLS:
        known = ", ".join(f"{p}://" for p in _PROTOCOLS)
        raise bad(f"unknown protocol '{proto}://' (Dask speaks {known})")
    if proto == "inproc":
        if not rest or any(c.isspace() for c in rest):
            raise bad("an in-process address looks like inproc://HOST/PID/N")
        return f"inproc://{rest}"
    if rest.startswith("["):  # [IPv6]:PORT
        host, close, after = rest[1:].partition("]")
        if not close or not after.startswith(":"):
            raise bad("an IPv6 host is written [HOST]:PORT")
        port = after[1:]
        host_part = f"[{host}]"
    else:
        host, colon, port = rest.rpartition(":")
        if not colon:
            raise bad("no port (a scheduler listens on 8786 unless told otherwise)")
        host_part = host
    if not host or any(c.isspace() or c in "/@?#[]" for c in host):
        raise bad(f"'{host}' is not a host name or IP address" if host else "no host")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise bad(f"the port '{port}' is not a number from 1 to 65535")
    return f"{proto}://{host_part}:{int(port)}"


def connect(address: str, timeout: float | None = None) -> Client:
    """A ``distributed.Client`` on the scheduler at ``address`` (``tcp://host:8786``).

    Fails within ``timeout`` seconds (default :data:`CONNECT_TIMEOUT`) with a
    :class:`DaskUnavailableError` when nothing answers there, or something that is not a Dask
    scheduler does (a dashboard port, say), whose silence would keep Dask's own client waiting.
    """
    distributed = _distributed()
    checked = scheduler_address(address)
    if checked is None:
        raise SchedulerAddressError("no Dask scheduler address given.", hint=_ADDRESS_HINT)
    seconds = CONNECT_TIMEOUT if timeout is None else float(timeout)
    proto = checked.partition("://")[0]
    if proto in _PROBED:
        _reach(checked, seconds)
        _handshake(checked, seconds)
    elif proto == "inproc":
        _in_this_process(checked, seconds)
    # Past the checks above a failing Client is rare; one that fails in its constructor is
    # left half-built, and its __del__ waits 20 s at exit and prints a traceback.
    try:
        return distributed.Client(checked, timeout=f"{seconds}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise _unreachable(checked, seconds, exc) from None


def _unreachable(
    address: str, seconds: float, exc: BaseException, why: str | None = None
) -> DaskUnavailableError:
    """``why``: a reason known at once (a refused connection), said instead of the wait."""
    cause = type(exc.__cause__ or exc).__name__
    said = f" ({why})" if why else f" within {seconds:g} s ({cause})"
    return DaskUnavailableError(
        f"cannot reach the Dask scheduler at {address}{said}.",
        where=address,
        hint="start the scheduler (dask scheduler) or fix the address (tcp://HOST:8786)",
    )


class _NoHandshake(Exception):
    pass


def _reach(address: str, seconds: float) -> None:
    """Open a plain socket to the address's host and port: a closed port or an unknown host
    fails at once, where Dask's connect retries them until its timeout."""
    import socket

    from distributed.comm.addressing import get_address_host_port

    host, port = get_address_host_port(address)
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except ConnectionRefusedError as exc:
        raise _unreachable(address, seconds, exc, "nothing listens on that port") from None
    except socket.gaierror as exc:
        raise _unreachable(address, seconds, exc, f"no host named {host!r}") from None
    except OSError as exc:
        raise _unreachable(address, seconds, exc) from None


def _in_this_process(address: str, seconds: float) -> None:
    """An inproc:// scheduler lives in this very process (a LocalCluster(processes=False));
    any other address names nothing a client could reach."""
    from distributed.comm.inproc import global_manager

    try:
        found = global_manager.get_listener_for(address.partition("://")[2])
    except ValueError as exc:  # another host or process
        raise _unreachable(address, seconds, exc, "it names another process") from None
    if found is None:
        why = "no scheduler of this process has that address"
        raise _unreachable(address, seconds, LookupError(), why)


def _handshake(address: str, seconds: float) -> None:
    """Open one connection to ``address`` and wait, at most ``seconds``, for Dask's handshake.

    Dask bounds the connecting but not the handshake read after it: a port held by another
    service (the dashboard on 8787, a web server) would keep a client waiting forever. The
    check runs in a thread of its own because the caller's thread may already run an event loop
    (a notebook's).
    """
    import asyncio

    from distributed.comm import connect as open_comm
    from distributed.security import Security

    args = Security().get_connection_args("client")
    failure: list[BaseException] = []

    async def check() -> None:
        try:
            # One second more than Dask's own connect timeout: a slow connect is reported
            # by Dask as unreachable, a silent service by this wait.
            comm = await asyncio.wait_for(open_comm(address, timeout=seconds, **args), seconds + 1)
        except TimeoutError:
            raise _NoHandshake() from None
        await comm.close()

    def run() -> None:
        try:
            asyncio.run(check())
        except BaseException as exc:  # reported to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="dwsim-dask-handshake", daemon=True)
    thread.start()
    thread.join(seconds + 5)
    if thread.is_alive():
        failure.append(_NoHandshake())
    if not failure:
        return
    exc = failure[0]
    if type(exc) is OSError or isinstance(exc, ConnectionError):
        raise _unreachable(address, seconds, exc)
    detail = "no answer" if isinstance(exc, _NoHandshake) else type(exc).__name__
    raise DaskUnavailableError(
        f"something listens at {address} but does not answer as a Dask scheduler "
        f"within {seconds:g} s ({detail}).",
        where=address,
        hint="check the port: a scheduler listens on 8786 unless told otherwise, 8787 is its "
        "dashboard (the address to use is the one `dask scheduler` prints)",
    )


def _worker_check() -> str:
    # Runs on every worker, which imports this module (and so the engine) to unpickle it; the
    # version the worker reads is its own installation's.
    from dwsim_nb.version import __version__ as installed

    return installed


class DaskExecutor(Executor):
    """Runs every block as a Dask task on ``client``'s cluster.

    ``client``: a ``distributed.Client``, a scheduler address (a client is opened and closed per
    run), or None for the current default client. ``retries``: extra attempts per block.
    ``block_fn`` replaces :func:`run_block` (it must be importable or picklable on the workers).
    """

    name = "dask"

    def __init__(
        self,
        client: Client | str | None = None,
        *,
        retries: int = DEFAULT_RETRIES,
        block_fn: BlockFn | None = None,
    ) -> None:
        self._distributed = _distributed()
        self.client = client
        self.retries = max(0, int(retries))
        self.block_fn: BlockFn = block_fn or run_block
        self.workers = 1

    def _client(self) -> tuple[Client, bool]:
        """The client to use and whether this executor opened it (and so must close it)."""
        if isinstance(self.client, str):
            return connect(self.client), True
        if self.client is not None:
            return self.client, False
        try:
            return self._distributed.default_client(), False
        except ValueError:
            raise DaskUnavailableError(
                "executor='dask' needs a Dask cluster, and no client was given.",
                hint="pass client=distributed.Client('tcp://HOST:8786') (or a LocalCluster's "
                "client), or --dask ADDRESS on the command line",
            ) from None

    def run(
        self,
        plan: Plan,
        tasks: Iterable[Task],
        sink: Sink,
        on_done: OnDone,
        cancel: threading.Event | None = None,
    ) -> None:
        client, owned = self._client()
        try:
            self._run(client, plan, list(tasks), sink, on_done, cancel)
        finally:
            if owned:
                client.close()

    def _run(
        self,
        client: Client,
        plan: Plan,
        tasks: list[Task],
        sink: Sink,
        on_done: OnDone,
        cancel: threading.Event | None,
    ) -> None:
        self.workers = self._check_workers(client)
        # One copy of the plan on each worker instead of one pickled into every task.
        plan_ref = client.scatter(plan, broadcast=True, hash=False)
        run_token = uuid.uuid4().hex[:12]
        futures: dict[Future, Task] = {}
        try:
            for table, block in tasks:
                # Keys per (run, table, block): readable in the dashboard, never shared with
                # another run's results that a scheduler may still hold.
                fut = client.submit(
                    self.block_fn,
                    plan_ref,
                    table,
                    block,
                    sink,
                    key=f"dwsim-block-{table}-{block}-{run_token}",
                    retries=self.retries,
                    pure=False,
                )
                futures[fut] = (table, block)
            self._collect(client, futures, on_done, cancel)
        except BaseException:
            # Cancelled, failed or interrupted: nothing may keep writing into the run afterwards.
            client.cancel(list(futures))
            raise
        finally:
            client.cancel([plan_ref])
        _check_shared(sink, tasks)

    def _collect(
        self,
        client: Client,
        futures: dict[Future, Task],
        on_done: OnDone,
        cancel: threading.Event | None,
    ) -> None:
        # The loop given explicitly: the client need not be the process's default one.
        ac = self._distributed.as_completed(list(futures), loop=client.loop)
        while not ac.is_empty():
            if cancel is not None and cancel.is_set():
                raise cancelled_error()
            batch = ac.next_batch(block=False)
            if not batch:
                time.sleep(_POLL_SECONDS)
                continue
            for fut in batch:
                if cancel is not None and cancel.is_set():
                    raise cancelled_error()
                table, block = futures[fut]
                if fut.status != "finished":
                    raise self._failure(fut, table, block)
                # The result is a row count: the only thing that travels back to the driver.
                on_done(table, block, int(fut.result()))
                fut.release()

    def _failure(self, fut: Future, table: str, block: int) -> DwsimError:
        if fut.status == "cancelled":
            return GenerationError(
                f"the Dask task of table '{table}' block {block} was cancelled on the cluster.",
                where=f"table {table}, block {block}",
                hint="run the generation again; check the cluster if someone cancelled its tasks",
            )
        exc = fut.exception()
        detail = exc.message if isinstance(exc, DwsimError) else f"{type(exc).__name__}: {exc}"
        tries = self.retries + 1
        return GenerationError(
            f"block {block} of table '{table}' failed on the Dask cluster after {tries} "
            f"attempt{'s' if tries > 1 else ''}: {detail}",
            where=f"table {table}, block {block}",
            hint="the worker's log has the traceback; fix the cause (the output location's "
            "access, the workers' memory) and run it again",
        )

    def _check_workers(self, client: Client) -> int:
        """Threads on the cluster; every worker must run this version of dwsim_nb."""
        try:
            versions = client.run(_worker_check)
        except Exception as exc:  # an import error on a worker arrives as any exception type
            raise DaskUnavailableError(
                f"the Dask workers cannot import dwsim_nb: {type(exc).__name__}: {exc}",
                hint="install dwsim-nb (same version as here) in the workers' environment",
            ) from None
        if not versions:
            raise DaskUnavailableError(
                "the Dask cluster has no workers.",
                hint="start workers (dask worker tcp://SCHEDULER:8786) or scale the cluster",
            )
        wrong = {addr: v for addr, v in versions.items() if v != __version__}
        if wrong:
            addr, version = next(iter(wrong.items()))
            raise DaskUnavailableError(
                f"worker {addr} runs dwsim_nb {version}, this process {__version__}; "
                "blocks would not match.",
                hint="install the same dwsim-nb version on the driver and every worker",
            )
        info = client.scheduler_info(n_workers=-1).get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))


def _check_shared(sink: Sink, tasks: list[Task]) -> None:
    # Workers on other machines write to their own disks; the driver would record a run whose
    # files it cannot see.
    missing = sink.missing(tasks)
    if missing:
        table, block = missing[0]
        raise GenerationError(
            f"the Dask workers wrote {len(tasks) - len(missing)} of {len(tasks)} blocks where "
            f"this process can see them; block {block} of table '{table}' is not in {sink}.",
            where=str(sink),
            hint="the workers do not share this folder: write the run to S3 "
            "(generate_run(spec, 's3://bucket/experiments/NAME/run_ID', executor='dask')) "
            "or to a shared file system",
        )
