"""The query engine behind ``coopgraph serve``: Oxigraph's read-only server over an on-disk store.

:class:`Upstream` is a context manager. On entry it builds an on-disk pyoxigraph store in a new temporary
folder from the files (the shipped graph and extra files, or the extra files only, as ``coopgraph query
[FILES] --no-shipped`` reads them, with the same loaders and so the same ``file:line`` errors), starts
``oxigraph serve-read-only`` on it on a free port of 127.0.0.1, and waits until it answers. On exit it
stops the server and removes the folder. The server is also stopped when this process dies without
cleaning up (``PR_SET_PDEATHSIG`` on Linux: the kernel sends it SIGTERM), so no engine outlives the
command; the folder of a process killed so stays in the temporary directory (``coopgraph-serve-*``)
until the next ``coopgraph serve`` removes it (:func:`remove_stale_folders`).
:meth:`Upstream.respawn` kills the engine and starts it again on the same store and port, for the
endpoint's watchdog (:class:`coopgraph.serve.endpoint.Engine`).

The store's default graph is the RDF merge of the files' named graphs (:func:`coopgraph.load.load_store`),
the graph the embedded store's queries see, so a query gives the same rows on both.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from coopgraph.errors import StoreError
from coopgraph.serve import EXTRA_HINT

#: How long Oxigraph may take to open the store and answer its first query, in seconds.
START_TIMEOUT_S = 30.0
#: How much longer than the face's own limit Oxigraph works on a query before it cancels it: the face
#: answers first (503 with a message), Oxigraph stops the query itself a moment later.
CANCEL_GRACE_S = 1.0
_PR_SET_PDEATHSIG = 1


class UpstreamError(StoreError):
    """The query engine cannot be started, or stopped answering: the message says why and what to do."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` program of the PyPI package: beside this Python, else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise UpstreamError(f"the oxigraph server program is not installed: {EXTRA_HINT}")
    return found


def _parent_death_signal() -> Callable[[], None] | None:
    """What the child runs between fork and exec so that the kernel sends it SIGTERM when its parent dies
    (Linux's ``PR_SET_PDEATHSIG``; None elsewhere). Resolved here, in the parent: the child must import
    nothing (another thread of the parent may have held the import lock when it forked)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:  # pragma: no cover - runs in the child
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os.kill(os.getpid(), signal.SIGTERM)

    return in_child


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def build_store(folder: Path, files: Sequence[str | Path], *, shipped: bool = True) -> int:
    """Load the graph into a new on-disk store in ``folder``; return how many triples its merge holds.

    ``shipped``: the ontology and data of the tree used (:func:`coopgraph.resources.graph_files`) plus the
    extra ``files`` (one of the tree's own read once), else ``files`` alone. A
    :class:`coopgraph.load.LoadError` (``file:line: reason``) for a file that does not load; the store is
    closed when this returns, so that the read-only server may open it."""
    from coopgraph import load
    from coopgraph.stores import EmbeddedStore

    if not shipped and not files:
        raise UpstreamError("nothing to serve: give FILES, or leave out --no-shipped")
    # Read as `coopgraph query` reads them (a big tree's files from their on-disk store), then written to
    # the server's store in one bulk load: file by file on disk, each file's load and the merge's update
    # cost a write to disk apiece (at 100,000 triples in 353 files: 41 s, against 2.4–3.3 s so).
    source = EmbeddedStore.shipped(files) if shipped else EmbeddedStore.of_files(files)
    store = load.copied_to_disk(source.store, folder)
    del source
    try:
        store.optimize()
        store.flush()
        solution = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))  # type: ignore[call-overload]
        return int(solution["n"].value)
    finally:
        del store  # the read-only server must not open a store another process holds open


FOLDER_PREFIX = "coopgraph-serve-"
#: the file of a store's folder that holds the PID of the command that made it
OWNER = "owner.pid"


def remove_stale_folders(where: str | None = None) -> list[Path]:
    """Remove the store folders that commands killed without cleaning up (SIGKILL) left behind: those of
    this user, in the temporary directory, whose owner process is gone. Returns the folders removed."""
    removed = []
    for folder in Path(where or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / OWNER).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not ours, being made, or not a folder of this kind
        try:
            os.kill(pid, 0)
            continue  # its command still runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # a process of another user holds that PID now
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


class Upstream:
    """``oxigraph serve-read-only`` over the files' graph, for the life of a ``with`` block.

    ``query_limit_s`` is the face's time limit; Oxigraph's own ``--timeout-s`` is a little longer
    (:data:`CANCEL_GRACE_S`), whole seconds. :attr:`query_url` is its SPARQL query endpoint.
    """

    def __init__(
        self,
        files: Sequence[str | Path] = (),
        *,
        shipped: bool = True,
        query_limit_s: float = 10.0,
        start_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        if query_limit_s <= 0:
            raise ValueError("the query limit must be a positive number of seconds")
        self.files = list(files)
        self.shipped = shipped
        self.query_limit_s = query_limit_s
        self.start_timeout_s = start_timeout_s
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.triples = 0
        self.restarts = 0
        self._command: list[str] = []

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise UpstreamError("the query engine is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def timeout_s(self) -> int:
        """Oxigraph's ``--timeout-s``: the face's limit plus the grace, rounded up to whole seconds."""
        return math.ceil(self.query_limit_s + CANCEL_GRACE_S)

    def __enter__(self) -> Upstream:
        binary = oxigraph_binary()
        remove_stale_folders()
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        try:
            (self.folder / OWNER).write_text(str(os.getpid()), encoding="ascii")
            self.triples = build_store(self.folder / "store", self.files, shipped=self.shipped)
            self._start(binary)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self, binary: str) -> None:
        assert self.folder is not None
        self.port = free_port()
        self._command = [
            binary,
            "serve-read-only",
            "--location",
            str(self.folder / "store"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout-s",
            str(self.timeout_s),
        ]
        self._spawn()
        self._wait_until_ready()

    def _spawn(self) -> None:
        assert self.folder is not None
        with (self.folder / "oxigraph.log").open("ab") as out:
            self.process = subprocess.Popen(
                self._command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_parent_death_signal(),
            )

    def respawn(self) -> None:
        """Kill the engine (SIGKILL: it is stuck on a query it did not cancel, or dead) and start it again
        on the same store and port, without waiting for it to answer (:meth:`answers` says when it does).

        Call it from the thread that entered the block: the kernel's parent-death signal is sent when the
        thread that started the child ends, not the process."""
        if self.folder is None:
            raise UpstreamError("the query engine is not running")
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.restarts += 1
        self._spawn()

    def _log_tail(self, size: int = 2000) -> str:
        if self.folder is None:
            return ""
        try:
            return (self.folder / "oxigraph.log").read_bytes()[-size:].decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def answers(self, timeout: float = 2.0) -> bool:
        """Whether the engine is alive and answers ``ASK {}`` within ``timeout`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return False
        request = urllib.request.Request(
            f"{self.query_url}?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise UpstreamError(
                    f"the query engine (oxigraph serve-read-only) exited with {self.process.returncode} "
                    f"on start: {self._log_tail() or 'no output'}"
                )
            if self.answers():
                return
            time.sleep(0.05)
        raise UpstreamError(
            f"the query engine (oxigraph serve-read-only) did not answer within {self.start_timeout_s:g} s: "
            f"{self._log_tail() or 'no output'}"
        )

    def close(self) -> None:
        """Stop the engine (SIGTERM, then SIGKILL after a few seconds) and remove the store's folder (also
        when a signal interrupts the stopping)."""
        process, self.process = self.process, None
        folder, self.folder = self.folder, None
        try:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if folder is not None:
                with contextlib.suppress(OSError):
                    shutil.rmtree(folder)
