"""Real SPARQL servers for the integration tests, on 127.0.0.1, and helpers to talk to them.

- Oxigraph: the ``oxigraph`` binary of the PyPI package (in the test extra), found next to the Python that
  runs the tests.
- Virtuoso 7: ``virtuoso-t`` from Debian's ``virtuoso-opensource`` (``.ci/system-deps`` installs it), run as
  a private instance with its database in a temporary folder, never the system service.

Each server gets a free port and its own folder, is waited for until it answers a query, and is stopped by
its PID. With ``CI=true`` a missing server fails the tests instead of skipping them.
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


@dataclass
class Server:
    """A running SPARQL server and how to reach it."""

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
            "20",
        ]
        if self.user:
            args += ["--auth", "digest", "--user", self.user, "--password-env", PASSWORD_ENV]
        return args

    def env(self, password: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        if self.user:
            env[PASSWORD_ENV] = password or self.password or ""
        return env

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
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"{server.name} exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}"
            )
        try:
            response = requests.post(
                server.endpoint,
                data={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=2,
            )
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    server.kill()
    pytest.fail(f"{server.name} did not answer within {timeout} s:\n{server.log.read_text()[-3000:]}")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def start_oxigraph(folder: Path, *, read_only: bool = False) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        unavailable("the oxigraph server is not installed (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "db").mkdir(exist_ok=True)
    port = free_port()
    log = folder / "oxigraph.log"
    if read_only and not (folder / "db" / "CURRENT").exists():  # a read-only server needs a database
        subprocess.run(
            [binary, "load", "--location", str(folder / "db"), "--file", str(FIXTURES / "sample.ttl")],
            check=True,
            capture_output=True,
        )
    command = [binary, "serve-read-only" if read_only else "serve", "--location", str(folder / "db")]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", process, log, f"{base}/query", f"{base}/update", f"{base}/store")
    wait_until_ready(server, 30)
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
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 5
"""


def start_virtuoso(folder: Path) -> Server:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        unavailable("virtuoso-t is not installed (bash .ci/system-deps installs virtuoso-opensource)")
    db, root = folder / "db", folder / "www"
    db.mkdir(parents=True, exist_ok=True)
    root.mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, root=root, sql_port=sql_port, http_port=http_port))
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
    )
    wait_until_ready(server, 90)
    return server


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
