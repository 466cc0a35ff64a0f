"""Credentials stay with their origin, and a query calls no server it was not allowed to (issue 13).

`coopgraph query --endpoint` and `coopgraph load` run as real commands against HTTP servers this module
starts on 127.0.0.1: two servers on two ports are two origins. Each server records every request it gets,
with its ``Authorization`` header, so that a test can say what the other origin saw: nothing. The store's
server checks basic and bearer credentials and runs a real digest exchange (MD5, ``qop=auth``) of its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import commands
import pytest
from commands import failed

from coopgraph import resources
from coopgraph.stores import Auth, RemoteStore, StoreError
from coopgraph.stores.sparql import has_service

pytestmark = pytest.mark.usefixtures("fixture_data")

USER = "ada"
SECRET = "s3cr&t pass/w0rd"  # characters that URL and HTML escaping change
TOKEN = "tok-3f9a_Zq.8xY"
REALM = "coopgraph-test"
SCHEMES = ("basic", "digest", "bearer")
SECRET_ENV = "COOPGRAPH_TEST_SECRET"
NO_ROWS = {"head": {"vars": ["n"]}, "results": {"bindings": []}}


def basic_token() -> str:
    return base64.b64encode(f"{USER}:{SECRET}".encode()).decode()


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def digest_fields(header: str) -> dict[str, str]:
    return {key: quoted or bare for key, quoted, bare in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header)}


# --- the servers ----------------------------------------------------------------------------------------


@dataclass
class Seen:
    """One request a server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def sparql(self) -> str:
        """The query or update text, form-encoded (coopgraph) or sent as the body (pyoxigraph's SERVICE)."""
        if "sparql-query" in self.headers.get("content-type", ""):
            return self.body.decode()
        form = parse_qs(self.body.decode())
        return (form.get("query") or form.get("update") or [""])[0]


Reply = tuple[int, dict[str, str], bytes]


class _Quiet(ThreadingHTTPServer):
    """Handlers still sleeping when the test ends are not waited for, and a client gone is no error."""

    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@dataclass
class Server:
    """An HTTP server on 127.0.0.1 that asks for ``scheme`` credentials (none: asks for none) and answers
    each path with its route (the SPARQL answer by default)."""

    scheme: str | None = None
    routes: dict[str, Callable[[Server, Seen], Reply]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))

    def start(self) -> Server:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    self.rfile.read(length),
                    time.monotonic(),
                )
                server.seen.append(seen)
                status, headers, body = server.reply(seen)
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = handle_one

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def signed_in(self, seen: Seen) -> bool:
        given = seen.authorization or ""
        if self.scheme == "basic":
            return given == f"Basic {basic_token()}"
        if self.scheme == "bearer":
            return given == f"Bearer {TOKEN}"
        if self.scheme == "digest":
            found = digest_fields(given)
            if not given.startswith("Digest ") or found.get("username") != USER:
                return False
            known = md5(f"{USER}:{REALM}:{SECRET}")
            asked = md5(f"{seen.method}:{found.get('uri')}")
            parts = (known, found.get("nonce"), found.get("nc"), found.get("cnonce"), found.get("qop"), asked)
            expected = md5(":".join(map(str, parts)))
            return found.get("nonce") == self.nonce and found.get("response") == expected
        return True

    def reply(self, seen: Seen) -> Reply:
        if not self.signed_in(seen):
            challenge = {
                "basic": f'Basic realm="{REALM}"',
                "bearer": f'Bearer realm="{REALM}"',
                "digest": f'Digest realm="{REALM}", nonce="{self.nonce}", qop="auth", algorithm=MD5',
            }[self.scheme or "basic"]
            return 401, {"WWW-Authenticate": challenge}, b"sign in"
        route = self.routes.get(urlsplit(seen.path).path, sparql_answer)
        return route(self, seen)


def sparql_answer(server: Server, seen: Seen) -> Reply:
    if seen.method == "PUT":
        return 204, {}, b""
    if "update=" in seen.body.decode():
        return 204, {}, b""
    answer = {"head": {}, "boolean": True} if seen.sparql.lstrip().upper().startswith("ASK") else NO_ROWS
    return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(answer).encode()


def redirect(to: Callable[[Server], str], code: int = 307) -> Callable[[Server, Seen], Reply]:
    return lambda server, seen: (code, {"Location": to(server)}, b"moved")


def echo(status: int) -> Callable[[Server, Seen], Reply]:
    """The request's headers written back in the body, ``Authorization`` first, with the password and the
    decoded basic credential: plain text for 400 and 200, an HTML table for 500."""

    def answer(server: Server, seen: Seen) -> Reply:
        given = seen.authorization or ""
        lines = [("authorization", given)]
        if server.scheme != "bearer":
            lines.append(("your password", SECRET))
        if given.startswith("Basic "):
            lines.append(("decoded", base64.b64decode(given[6:]).decode()))
        lines += [(name, value) for name, value in seen.headers.items() if name != "authorization"]
        if status == 500:
            rows = "".join(f"<tr><td>{n}</td><td>{v}</td></tr>" for n, v in lines)
            return 500, {"Content-Type": "text/html"}, f"<html><body>echo: <table>{rows}</table>".encode()
        text = "echo:\n" + "".join(f"{name}: {value}\n" for name, value in lines)
        return status, {"Content-Type": "text/plain"}, text.encode()

    return answer


def slow(server: Server, seen: Seen) -> Reply:
    server.stop.wait(60)
    return sparql_answer(server, seen)


def service_rows(server: Server, seen: Seen) -> Reply:
    row = {"x": {"type": "literal", "value": "from-the-other-server"}}
    answer = {"head": {"vars": ["x"]}, "results": {"bindings": [row]}}
    return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(answer).encode()


@pytest.fixture
def start() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def starting(scheme: str | None = None, **routes: Callable[[Server, Seen], Reply]) -> Server:
        server = Server(scheme, {f"/{name}": route for name, route in routes.items()})
        started.append(server.start())
        return server

    yield starting
    for server in started:
        server.close()


# --- the command ----------------------------------------------------------------------------------------


def coopgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command with the test's secret in its environment (and ``env`` over it)."""
    environment = {**os.environ, SECRET_ENV: SECRET, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return commands.coopgraph(*args, env={**environment, **(env or {})})


def auth_args(scheme: str) -> list[str]:
    user = [] if scheme == "bearer" else ["--user", USER]
    return ["--auth", scheme, *user, "--password-env", SECRET_ENV]


def auth_env(scheme: str) -> dict[str, str]:
    return {SECRET_ENV: TOKEN if scheme == "bearer" else SECRET}


def shows_no_credential(text: str, seen: list[Seen]) -> None:
    secrets_sent = {SECRET, TOKEN, basic_token(), f"{USER}:{SECRET}"}
    for request in seen:
        if request.authorization:
            secrets_sent.add(request.authorization)
            secrets_sent.update(
                digest_fields(request.authorization).get(k, "") for k in ("response", "cnonce")
            )
    for secret in filter(None, secrets_sent):
        assert secret not in text, (secret, text)
    assert "s3cr" not in text and "tok-3f9a" not in text  # no piece of a secret cut short either


def query_at(endpoint: str, scheme: str, *more: str) -> subprocess.CompletedProcess[str]:
    args = ["query", "graph-summary", "--endpoint", endpoint, "--graph", "urn:x:g", *auth_args(scheme)]
    return coopgraph(*args, *more, env=auth_env(scheme))


# --- redirects ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_query_redirected_to_another_origin_is_refused_and_the_credential_stays(
    start: Callable[..., Server], scheme: str
) -> None:
    elsewhere = start(scheme)  # it asks for credentials too, to tempt a digest answer
    store = start(scheme, away=redirect(lambda _: f"{elsewhere.url}/query"))
    done = query_at(f"{store.url}/away", scheme)
    failed(done, f"{store.url}/away", f"{elsewhere.url}/query", "another origin")
    assert any(store.signed_in(seen) for seen in store.seen)  # the store itself was signed in to
    assert elsewhere.seen == []
    shows_no_credential(done.stderr, store.seen)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("code", [301, 307, 308])
def test_a_query_redirected_within_its_origin_keeps_the_credential(
    start: Callable[..., Server], scheme: str, code: int
) -> None:
    store = start(scheme, moved=redirect(lambda server: f"{server.url}/query", code))
    done = query_at(f"{store.url}/moved", scheme)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 rows")
    answered = [seen for seen in store.seen if seen.path == "/query"]
    assert answered and all(seen.method == "POST" and seen.sparql for seen in answered)  # the query came too
    assert "SELECT" in answered[-1].sparql and store.signed_in(answered[-1])
    if scheme != "digest":  # sent with every request; a digest answers the challenge at the new URL
        assert all(store.signed_in(seen) for seen in answered)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_load_refuses_a_graph_store_redirect_to_another_origin(
    start: Callable[..., Server], scheme: str
) -> None:
    elsewhere = start(scheme)
    store = start(scheme, store=redirect(lambda _: f"{elsewhere.url}/store"))
    endpoints = ["--endpoint", f"{store.url}/query", "--update-endpoint", f"{store.url}/update"]
    gsp = ["--gsp-endpoint", f"{store.url}/store"]
    done = coopgraph("load", *endpoints, *gsp, "--no-validate", *auth_args(scheme), env=auth_env(scheme))
    failed(done, f"{store.url}/store", f"{elsewhere.url}/store", "another origin")
    assert elsewhere.seen == []
    shows_no_credential(done.stderr, store.seen)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_graph_store_redirect_within_its_origin_keeps_the_credential(
    start: Callable[..., Server], scheme: str
) -> None:
    store = start(scheme, moved=redirect(lambda server: f"{server.url}/store"))
    secret = TOKEN if scheme == "bearer" else SECRET
    remote = RemoteStore(
        f"{store.url}/query",
        gsp_endpoint=f"{store.url}/moved",
        auth=Auth(scheme, secret, None if scheme == "bearer" else USER),  # type: ignore[arg-type]
        default_graphs=[],
        timeout=10,
    )
    remote.put_graph("https://example.org/g", b"<http://a> <http://b> <http://c> .\n")
    put = [seen for seen in store.seen if seen.method == "PUT" and seen.path.startswith("/store")]
    assert put and store.signed_in(put[-1]) and put[-1].body.startswith(b"<http://a>")


# --- what a server echoes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("status", [400, 500, 200])
def test_credentials_a_server_echoes_are_not_shown(
    start: Callable[..., Server], scheme: str, status: int
) -> None:
    store = start(scheme, echo=echo(status))
    done = query_at(f"{store.url}/echo", scheme, "--flavour", "standard")
    failed(done, f"{store.url}/echo", "echo", "authorization", "***")  # the echo is shown, redacted
    assert any(seen.authorization for seen in store.seen)
    shows_no_credential(done.stderr, store.seen)


def test_a_store_error_built_from_an_echo_holds_no_credential(start: Callable[..., Server]) -> None:
    """The library's message, cut short at its limit, keeps no piece of the basic token either."""
    store = start("basic", echo=echo(400))
    remote = RemoteStore(f"{store.url}/echo", auth=Auth("basic", SECRET, USER), default_graphs=[], timeout=10)
    with pytest.raises(StoreError) as raised:
        remote.query("ASK {}")
    shows_no_credential(str(raised.value), store.seen)
    assert "authorization: ***" in str(raised.value)


# --- schemes ----------------------------------------------------------------------------------------------


def test_a_file_endpoint_prints_nothing_of_the_file() -> None:
    first_line = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    done = coopgraph("query", "graph-summary", "--endpoint", "file:///etc/passwd", "--graph", "urn:x:g")
    failed(done, "file:///etc/passwd", "not an http:// or https:// URL")
    assert first_line not in done.stderr and "root:" not in done.stderr


@pytest.mark.parametrize(
    "endpoint",
    [
        "file://{marker}",
        "ftp://127.0.0.1/{name}",
        "data:text/plain,{secret}",
        "127.0.0.1/{name}",
        "http:///q",
    ],
)
def test_an_endpoint_that_is_not_http_is_refused_before_any_read(tmp_path: Path, endpoint: str) -> None:
    marker = tmp_path / "answer.json"
    marker.write_text(json.dumps({"head": {}, "boolean": True, "secret": "MARKER-TEXT"}), encoding="utf-8")
    url = endpoint.format(marker=marker, name=marker.name, secret="MARKER-TEXT")
    done = coopgraph("query", "graph-summary", "--endpoint", url, "--graph", "urn:x:g")
    failed(done, "not an http:// or https:// URL")
    assert '"boolean"' not in done.stderr


@pytest.mark.parametrize("option", ["--endpoint", "--update-endpoint", "--gsp-endpoint"])
def test_load_refuses_an_endpoint_that_is_not_http(option: str) -> None:
    endpoints = {
        "--endpoint": "http://127.0.0.1:9/q",
        "--update-endpoint": "http://127.0.0.1:9/u",
        "--gsp-endpoint": "http://127.0.0.1:9/s",
    }
    endpoints[option] = "file:///etc/passwd"
    done = coopgraph("load", *(part for pair in endpoints.items() for part in pair), "--no-validate")
    failed(done, "file:///etc/passwd", "not an http:// or https:// URL")
    assert "root:" not in done.stderr


# --- SERVICE ----------------------------------------------------------------------------------------------


def service_query(folder: Path, server: Server) -> Path:
    """``federated.rq``: a SELECT of what ``server`` answers at /sparql."""
    query = folder / "federated.rq"
    query.write_text(
        f"SELECT ?x WHERE {{ SERVICE <{server.url}/sparql> {{ ?x ?p ?o }} }}\n", encoding="utf-8"
    )
    return query


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * where { service silent ?where { ?s ?p ?o } }", True),
        ("ASK { ?s ?p ?o OPTIONAL { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?q ?r } } } }", True),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?q ?r } } }", True),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o }", True),  # not parsed: taken to hold one
        ('SELECT * WHERE { ?s ?p "SERVICE <http://x/> { ?s ?p ?o }" }', False),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <http://x/> { }", False),
        ("PREFIX service: <http://x/> SELECT ?service WHERE { ?service service:p ?o }", False),
        ("SELECT * WHERE { ?s ?p ?o", False),  # no SERVICE word: pyoxigraph reports the error
    ],
)
def test_a_service_clause_is_found_in_the_parsed_query(text: str, holds: bool) -> None:
    assert has_service(text) is holds


def test_a_service_query_is_refused_without_being_run(tmp_path: Path, start: Callable[..., Server]) -> None:
    other = start()
    done = coopgraph("query", "--file", str(service_query(tmp_path, other)))
    failed(done, "federated.rq", "SERVICE", "--allow-service")
    assert other.seen == []


def test_a_service_query_is_refused_before_the_endpoint_is_asked(
    tmp_path: Path, start: Callable[..., Server]
) -> None:
    store, other = start(), start()
    done = coopgraph(
        "query", "--file", str(service_query(tmp_path, other)), "--endpoint", f"{store.url}/query"
    )
    failed(done, "--allow-service")
    assert store.seen == [] and other.seen == []


def test_a_canned_service_query_is_refused(tmp_path: Path, start: Callable[..., Server]) -> None:
    """A tree of one's own (COOPGRAPH_ROOT) may ship a query that holds a SERVICE clause."""
    other = start()
    tree = tmp_path / "tree"
    tree.mkdir()
    for kind in ("ontology", "shapes"):
        (tree / kind).symlink_to(resources.directory(kind), target_is_directory=True)
    (tree / "queries").mkdir()
    service_query(tree / "queries", other)
    done = coopgraph("query", "federated", env={"COOPGRAPH_ROOT": str(tree)})
    failed(done, "federated", "--allow-service")
    assert other.seen == []


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" AS ?x) }',
        "SELECT ?x WHERE { BIND(<http://127.0.0.1:9/SERVICE> AS ?x) } # SERVICE <http://127.0.0.1:9/> {}",
        "PREFIX service: <http://127.0.0.1:9/> SELECT ?service WHERE { BIND(service:x AS ?service) }",
    ],
)
def test_the_word_service_outside_a_clause_is_no_service(tmp_path: Path, text: str) -> None:
    query = tmp_path / "words.rq"
    query.write_text(text, encoding="utf-8")
    done = coopgraph("query", "--file", str(query), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["results"]["bindings"]) == 1


def test_the_syntax_check_of_a_service_query_calls_no_server(
    tmp_path: Path, start: Callable[..., Server]
) -> None:
    other = start()
    broken = tmp_path / "broken.rq"
    broken.write_text(f"SELECT ?x WHERE {{ SERVICE <{other.url}/sparql> {{ ?x ?p ?o }}", encoding="utf-8")
    failed(coopgraph("query", "--file", str(broken), "--allow-service"), "broken.rq", "not a SPARQL query")
    assert other.seen == []


def test_an_allowed_service_query_calls_the_server_once(tmp_path: Path, start: Callable[..., Server]) -> None:
    other = start(sparql=service_rows)
    done = coopgraph(
        "query", "--file", str(service_query(tmp_path, other)), "--allow-service", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["x", "from-the-other-server"]
    assert len(other.seen) == 1  # by the query itself, none by the syntax check


def test_a_slow_service_is_cut_off_at_the_timeout(tmp_path: Path, start: Callable[..., Server]) -> None:
    other = start(sparql=slow)
    done = coopgraph(
        "query", "--file", str(service_query(tmp_path, other)), "--allow-service", "--timeout", "1"
    )
    ended = time.monotonic()
    failed(done, "federated.rq", "SERVICE", "within 1 s")
    assert len(other.seen) == 1
    assert ended - other.seen[0].at < 1 + 10  # cut at the timeout, not after the server's 60 s


def test_a_slow_endpoint_running_a_service_is_cut_off_at_the_timeout(
    tmp_path: Path, start: Callable[..., Server]
) -> None:
    store, other = start(sparql=slow), start(sparql=service_rows)
    remote = ["--endpoint", f"{store.url}/sparql", "--graph", "urn:x:g", "--flavour", "standard"]
    done = coopgraph(
        "query", "--file", str(service_query(tmp_path, other)), "--allow-service", "--timeout", "1", *remote
    )
    ended = time.monotonic()
    failed(done, f"{store.url}/sparql", "within 1 s")
    assert len(store.seen) == 1 and "SERVICE" in store.seen[0].sparql
    assert ended - store.seen[0].at < 1 + 10  # cut at the timeout, not after the server's 60 s
