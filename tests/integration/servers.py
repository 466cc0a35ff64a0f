"""Real SPARQL servers for the integration tests (and benchmarks/stores.py), on 127.0.0.1, and helpers.

- Oxigraph: the ``oxigraph`` binary of the PyPI package (in the test extra), found next to the Python that
  runs the tests.
- Virtuoso 7: ``virtuoso-t`` from Debian's ``virtuoso-opensource`` (``.ci/system-deps`` installs it), run as
  a private instance with its database in a temporary folder, never the system service.

Each server gets a free port and its own folder, is waited for until it answers a query, and is stopped by
its PID. With ``CI=true`` a missing server fails the tests instead of skipping them.

Limits, sized for a 2-core machine whose cores are both busy with other work: a canned query on the test
data answers in well under a second on an idle machine, and a loaded machine makes it a few times slower.
Each server stops a query itself after :data:`SERVER_QUERY_LIMIT_S` seconds (Oxigraph's ``--timeout-s``,
Virtuoso's ``MaxQueryExecutionTime``), and the tests' clients give up after :data:`CLIENT_TIMEOUT_S`, a
little later, so the server's own error normally comes first. A server that still does not answer (a
query the server does not stop, a crash) is found by :meth:`Server.check` and restarted on the same
folder and ports, so one runaway query costs one failed case, never the session.

:func:`launch_oxigraph` and :func:`launch_virtuoso` raise :class:`ServerError`; :func:`start_oxigraph` and
:func:`start_virtuoso` are the same for tests (a missing server skips, or fails in CI; one that does not
start fails the test with its log).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Identifier

from coopgraph.load import GRAPH_BASE
from coopgraph.stores import Auth, RemoteStore

IN_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD_ENV = "COOPGRAPH_TEST_PASSWORD"

#: How long a server works on one query before it stops it (and answers with an error), in seconds.
SERVER_QUERY_LIMIT_S = 20
#: How long the tests' clients wait for an answer: past the server's own limit, so its error comes first.
CLIENT_TIMEOUT_S = 30.0
#: How long a health check waits for ``ASK {}``: an idle server answers in milliseconds, a busy machine
#: can hold it up for a second or two; one that takes longer is stuck and gets restarted.
HEALTH_TIMEOUT_S = 10.0
#: How long a server may take to start answering (Virtuoso builds its database on the first start).
START_TIMEOUT_S = {"oxigraph": 30.0, "virtuoso": 120.0}


class ServerError(RuntimeError):
    """A server is not installed, did not start, died, or does not answer; the message holds its log tail."""


class ServerMissing(ServerError):
    """The server's program is not installed."""


def unavailable(reason: str) -> None:
    """Skip outside CI; fail in CI, where the integration tests must run."""
    if IN_CI:
        pytest.fail(
            f"{reason} (CI=true: the integration tests must run; .ci/system-deps installs the servers)"
        )
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, size: int = 3000) -> str:
    """The end of a log file ('' when there is none yet)."""
    try:
        return path.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return ""


@dataclass
class Server:
    """A running SPARQL server and how to reach it.

    ``folder`` and ``ports`` are what :meth:`restart` needs to start the same server again: same database,
    same endpoints, so that stores and fixtures holding its URLs keep working.
    """

    name: str
    process: subprocess.Popen
    log: Path
    endpoint: str
    update_endpoint: str
    gsp_endpoint: str
    graph_param: str = "graph"
    user: str | None = None
    password: str | None = None
    extra: dict = field(default_factory=dict)
    folder: Path | None = None
    ports: tuple[int, ...] = ()
    options: dict = field(default_factory=dict)
    restarts: int = 0

    def auth(self, password: str | None = None) -> Auth | None:
        if self.user is None:
            return None
        return Auth(
            "digest",
            password or self.password or "",
            self.user,
            source=f"the environment variable {PASSWORD_ENV}",
        )

    def store(self, *, password: str | None = None, **options) -> RemoteStore:
        options.setdefault("timeout", CLIENT_TIMEOUT_S)
        return RemoteStore(
            self.endpoint,
            update_endpoint=self.update_endpoint,
            gsp_endpoint=self.gsp_endpoint,
            graph_param=self.graph_param,
            auth=self.auth(password),
            **options,
        )

    def load_args(self) -> list[str]:
        """The options of ``coopgraph load`` for this server."""
        args = [
            "--endpoint",
            self.endpoint,
            "--update-endpoint",
            self.update_endpoint,
            "--gsp-endpoint",
            self.gsp_endpoint,
            "--graph-param",
            self.graph_param,
            "--timeout",
            f"{CLIENT_TIMEOUT_S:g}",
        ]
        if self.user:
            args += ["--auth", "digest", "--user", self.user, "--password-env", PASSWORD_ENV]
        return args

    def env(self, password: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        if self.user:
            env[PASSWORD_ENV] = password or self.password or ""
        return env

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        """The end of the server's output, and of Virtuoso's own error log when there is one."""
        text = tail(self.log, size)
        own = self.extra.get("error_log")
        if own:
            text += f"\n--- {own}:\n{tail(Path(own), size)}"
        return text

    def answers(self, timeout: float = HEALTH_TIMEOUT_S) -> bool:
        """Whether the process is alive and answers ``ASK {}`` within ``timeout`` seconds."""
        if not self.alive():
            return False
        try:
            response = requests.post(
                self.endpoint,
                data={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=timeout,
            )
        except requests.RequestException:
            return False
        return response.status_code == 200

    def check(self, timeout: float = HEALTH_TIMEOUT_S) -> str | None:
        """Make sure the server is alive and answers; restart it on its folder and ports if not.

        Returns ``None`` when it answered, else why it was restarted (with the log tail of the server
        that failed). :class:`ServerError` when it cannot be restarted."""
        if self.answers(timeout):
            return None
        if self.alive():
            why = f"{self.name} did not answer ASK {{}} within {timeout:g} s"
        else:
            why = f"{self.name} had exited with {self.process.returncode}"
        why += f"; its log ended with:\n{self.log_tail()}"
        self.restart()
        return why

    def restart(self) -> None:
        """Stop the server (a stuck one is killed) and start it again on the same folder and ports.

        The data stays: both keep their database in the folder (Virtuoso replays its transaction log)."""
        if self.folder is None:
            raise ServerError(f"{self.name} was not started by this module and cannot be restarted")
        self.stop(grace=10)
        launch = {"oxigraph": launch_oxigraph, "virtuoso": launch_virtuoso}[self.name]
        fresh = launch(self.folder, ports=self.ports, **self.options)
        self.process = fresh.process
        self.restarts += 1

    def stop(self, grace: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Stop the server at once, as a crash would (SIGKILL)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_until_ready(server: Server, timeout: float) -> None:
    """Wait until the server answers ``ASK {}``; :class:`ServerError` with its log if it exits or never
    answers (it is then killed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerError(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        if server.answers(timeout=2):
            return
        time.sleep(0.05)
    server.kill()
    raise ServerError(f"{server.name} did not answer within {timeout:g} s:\n{server.log_tail()}")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def launch_oxigraph(
    folder: Path,
    *,
    read_only: bool = False,
    ports: tuple[int, ...] = (),
    query_limit: float = SERVER_QUERY_LIMIT_S,
) -> Server:
    """An Oxigraph server with its database in ``folder/db``, on ``ports[0]`` or a free port."""
    binary = oxigraph_binary()
    if binary is None:
        raise ServerMissing("the oxigraph server is not installed (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "db").mkdir(exist_ok=True)
    port = ports[0] if ports else free_port()
    log = folder / "oxigraph.log"
    if read_only and not (folder / "db" / "CURRENT").exists():  # a read-only server needs a database
        subprocess.run(
            [binary, "load", "--location", str(folder / "db"), "--file", str(FIXTURES / "sample.ttl")],
            check=True,
            capture_output=True,
        )
    command = [binary, "serve-read-only" if read_only else "serve", "--location", str(folder / "db")]
    # --timeout-s: the server stops a query itself; without it a query whose client gave up runs on
    command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", f"{query_limit:g}"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    server = Server(
        "oxigraph",
        process,
        log,
        f"{base}/query",
        f"{base}/update",
        f"{base}/store",
        folder=folder,
        ports=(port,),
        options={"read_only": read_only, "query_limit": query_limit},
    )
    wait_until_ready(server, START_TIMEOUT_S["oxigraph"])
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_limit}
"""


def launch_virtuoso(
    folder: Path,
    *,
    ports: tuple[int, ...] = (),
    query_limit: float = SERVER_QUERY_LIMIT_S,
    buffers: int = 10000,
) -> Server:
    """A private Virtuoso with its database in ``folder/db``, on ``ports`` (HTTP, SQL) or free ports.

    ``buffers`` is ``NumberOfBuffers`` (8 KiB pages kept in memory; 10,000 is 80 MiB, enough for the test
    data, not for a million triples)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise ServerMissing("virtuoso-t is not installed (bash .ci/system-deps installs virtuoso-opensource)")
    db, root = folder / "db", folder / "www"
    db.mkdir(parents=True, exist_ok=True)
    root.mkdir(exist_ok=True)
    http_port, sql_port = ports if ports else (free_port(), free_port())
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            db=db,
            root=root,
            sql_port=sql_port,
            http_port=http_port,
            query_limit=max(1, round(query_limit)),
            buffers=buffers,
            dirty=buffers * 3 // 5,
        )
    )
    log = folder / "virtuoso.out"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [binary, "+configfile", str(ini), "+foreground"],
            cwd=db,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{http_port}"
    server = Server(
        "virtuoso",
        process,
        log,
        f"{base}/sparql",
        f"{base}/sparql-auth",
        f"{base}/sparql-graph-crud-auth",
        graph_param="graph-uri",
        user="dba",
        password="dba",  # a fresh Virtuoso database's administrator
        extra={"error_log": str(db / "virtuoso.log")},
        folder=folder,
        ports=(http_port, sql_port),
        options={"query_limit": query_limit, "buffers": buffers},
    )
    wait_until_ready(server, START_TIMEOUT_S["virtuoso"])
    return server


def _for_tests(launch, *args, **options) -> Server:
    try:
        return launch(*args, **options)
    except ServerMissing as error:
        unavailable(str(error))
        raise  # unreachable: unavailable() skips or fails
    except ServerError as error:
        pytest.fail(str(error))


def start_oxigraph(folder: Path, *, read_only: bool = False, **options) -> Server:
    """:func:`launch_oxigraph` for a test: skipped (failed in CI) when not installed, failed if it does not
    start."""
    return _for_tests(launch_oxigraph, folder, read_only=read_only, **options)


def start_virtuoso(folder: Path, **options) -> Server:
    """:func:`launch_virtuoso` for a test: skipped (failed in CI) when not installed, failed if it does not
    start."""
    return _for_tests(launch_virtuoso, folder, **options)


def all_quads(store: RemoteStore) -> list[tuple[str, ...]]:
    """Every quad in every named graph of the store (system graphs and staging graphs included), sorted."""
    rows = store._select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", ())["results"]["bindings"]
    return sorted(tuple(json_term(row[name]) for name in ("g", "s", "p", "o")) for row in rows)


def json_term(term: dict) -> str:
    return "|".join(f"{key}={term[key]}" for key in sorted(term))


def run_coopgraph(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def rdf_term(term: dict) -> Identifier:
    """The rdflib term of a SPARQL JSON result term."""
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    return Literal(term["value"], lang=term.get("xml:lang"), datatype=term.get("datatype"))


def graphs_of(store: RemoteStore) -> dict[str, Graph]:
    """The coopgraph graphs of a store as rdflib graphs (to compare up to blank-node labels)."""
    rows = store._select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", ())["results"]["bindings"]
    graphs: dict[str, Graph] = {}
    for row in rows:
        if row["g"]["value"].startswith(GRAPH_BASE):
            graph = graphs.setdefault(row["g"]["value"], Graph())
            graph.add((rdf_term(row["s"]), rdf_term(row["p"]), rdf_term(row["o"])))
    return graphs


def same_graphs(left: dict[str, Graph], right: dict[str, Graph]) -> bool:
    return left.keys() == right.keys() and all(isomorphic(left[name], right[name]) for name in left)
