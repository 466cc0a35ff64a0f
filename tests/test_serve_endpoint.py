"""`coopgraph serve`'s SPARQL endpoint, asked by real clients (SPARQLWrapper, requests) over HTTP.

One server for the module (:func:`tests.serve_server.start_serve`): the shipped ontology and the fixture
data (never ``data/``) plus a small user file, with short limits so that the time-limit and size-limit
cases are cheap. What the data holds is read from the server itself (its graphs, its counts), never
written here. The time limit and the load test share one slow query (a cartesian product that never ends
on any graph of more than a few triples): while it runs, quick queries keep being answered; it is answered
503 at the limit, and Oxigraph's CPU time stops growing soon after (the query was cancelled, not just
abandoned). A few cases start the command alone: bad files, a port in use, a missing extra, SIGTERM and a
killed parent.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from commands import coopgraph, failed
from rdflib import Graph, Namespace, URIRef
from serve_server import FIXTURE_DATA, output_of, start_serve, stop
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

from coopgraph.load import graph_iri_for
from coopgraph.serve.upstream import FOLDER_PREFIX, OWNER, remove_stale_folders

SAMPLE = Path(__file__).parent / "integration" / "fixtures" / "sample.ttl"
MALFORMED = Path(__file__).parent / "integration" / "fixtures" / "malformed.ttl"
QUERY_LIMIT_S = 1.0
RESULT_LIMIT = 200_000
ALLOWED = "https://allowed.example"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: a query that never ends on a graph of more than a few triples (and holds no memory: it only counts)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: how long a client waits for any answer: well past the server's limits, so theirs come first
CLIENT_TIMEOUT_S = 30.0
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[str, subprocess.Popen]]:
    with start_serve(
        [SAMPLE],
        "--query-limit",
        f"{QUERY_LIMIT_S:g}",
        "--result-limit",
        str(RESULT_LIMIT),
        "--cors",
        ALLOWED,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def server(running: tuple[str, subprocess.Popen]) -> str:
    return running[0]


@pytest.fixture(scope="module")
def endpoint(server: str) -> str:
    return f"{server}/sparql"


def ask(endpoint: str, query: str, accept: str = JSON_RESULTS, **params: str) -> requests.Response:
    return requests.get(
        endpoint, params={"query": query, **params}, headers={"Accept": accept}, timeout=CLIENT_TIMEOUT_S
    )


def rows(answer: requests.Response) -> list[dict]:
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]["bindings"]


def count(endpoint: str, where: str, **params: str) -> int:
    return int(rows(ask(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **params))[0]["n"]["value"])


def named_graphs(endpoint: str) -> list[str]:
    found = rows(ask(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"))
    return [row["g"]["value"] for row in found]


# --- the three ways of the protocol ----------------------------------------------------------------------

QUICK = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 7"  # the same rows each time: one store, read in order


def test_get_form_post_and_direct_post_give_the_same_answer(endpoint: str) -> None:
    headers = {"Accept": JSON_RESULTS}
    by_get = requests.get(endpoint, params={"query": QUICK}, headers=headers, timeout=CLIENT_TIMEOUT_S)
    by_form = requests.post(endpoint, data={"query": QUICK}, headers=headers, timeout=CLIENT_TIMEOUT_S)
    direct = requests.post(
        endpoint,
        data=QUICK.encode("utf-8"),
        headers={**headers, "Content-Type": "application/sparql-query"},
        timeout=CLIENT_TIMEOUT_S,
    )
    assert rows(by_get) and rows(by_get) == rows(by_form) == rows(direct)
    assert by_get.headers["Content-Type"].startswith(JSON_RESULTS)
    assert "Accept" in by_get.headers["Vary"]


def test_the_graph_served_holds_the_files_given(endpoint: str) -> None:
    """The extra file is its own named graph, and in the default graph (the merge)."""
    sample = str(graph_iri_for(SAMPLE))
    assert sample in named_graphs(endpoint)
    in_file = count(endpoint, f"GRAPH <{sample}> {{ ?s ?p ?o }}")
    assert in_file > 0
    assert count(endpoint, "?s ?p ?o", **{"default-graph-uri": sample}) == in_file


def test_default_and_named_graph_uris_are_passed_on(endpoint: str) -> None:
    graphs = named_graphs(endpoint)
    assert len(graphs) >= 2
    first, second = graphs[:2]
    alone = count(endpoint, f"GRAPH <{first}> {{ ?s ?p ?o }}")
    assert count(endpoint, "?s ?p ?o", **{"default-graph-uri": first}) == alone
    only = requests.post(
        endpoint,
        data=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"), ("named-graph-uri", second)],
        headers={"Accept": JSON_RESULTS},
        timeout=CLIENT_TIMEOUT_S,
    )
    assert [row["g"]["value"] for row in rows(only)] == [second]
    direct = requests.post(  # with a query body, the dataset is in the URL
        endpoint,
        params={"default-graph-uri": first},
        data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        headers={"Accept": JSON_RESULTS, "Content-Type": "application/sparql-query"},
        timeout=CLIENT_TIMEOUT_S,
    )
    assert int(rows(direct)[0]["n"]["value"]) == alone


# --- content negotiation ---------------------------------------------------------------------------------


def _json(text: str) -> int:
    return len(json.loads(text)["results"]["bindings"])


def _xml(text: str) -> int:
    results = ElementTree.fromstring(text).find("{http://www.w3.org/2005/sparql-results#}results")
    assert results is not None
    return len(list(results))


def _csv(text: str) -> int:
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["s", "p", "o"]
    return len(table) - 1


def _tsv(text: str) -> int:
    lines = text.rstrip("\n").split("\n")
    assert lines[0].split("\t") == ["?s", "?p", "?o"]
    return len(lines) - 1


@pytest.mark.parametrize(
    ("accept", "media", "read"),
    [
        (JSON_RESULTS, JSON_RESULTS, _json),
        ("application/sparql-results+xml", "application/sparql-results+xml", _xml),
        ("text/csv", "text/csv", _csv),
        ("text/tab-separated-values", "text/tab-separated-values", _tsv),
        (None, JSON_RESULTS, _json),
        ("*/*", JSON_RESULTS, _json),
    ],
)
def test_select_answers_in_each_results_format(endpoint: str, accept: str | None, media: str, read) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = requests.get(endpoint, params={"query": QUICK}, headers=headers, timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].split(";")[0] == media
    assert read(answer.text) == len(rows(ask(endpoint, QUICK)))


def test_ask_answers_a_boolean(endpoint: str) -> None:
    assert ask(endpoint, "ASK { ?s ?p ?o }").json()["boolean"] is True
    assert ask(endpoint, "ASK { <urn:nothing:here> ?p ?o }").json()["boolean"] is False


CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 11"


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        (None, "text/turtle", "turtle"),
    ],
)
def test_construct_answers_in_each_rdf_format(
    endpoint: str, accept: str | None, media: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = requests.get(endpoint, params={"query": CONSTRUCT}, headers=headers, timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].split(";")[0] == media
    graph = Graph().parse(data=answer.text, format=rdflib_format)
    assert len(graph) == len(rows(ask(endpoint, QUICK.replace("LIMIT 7", "LIMIT 11"))))


def test_describe_answers_turtle(endpoint: str) -> None:
    sample = str(graph_iri_for(SAMPLE))
    subject = rows(ask(endpoint, f"SELECT ?s WHERE {{ GRAPH <{sample}> {{ ?s ?p ?o }} }} LIMIT 1"))[0]["s"]
    answer = ask(endpoint, f"DESCRIBE <{subject['value']}>", accept="text/turtle")
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    assert (URIRef(subject["value"]), None, None) in graph


def test_a_format_the_answer_cannot_take_is_406(endpoint: str) -> None:
    assert ask(endpoint, CONSTRUCT, accept="text/csv").status_code == 406
    assert ask(endpoint, QUICK, accept="image/png").status_code == 406


# --- SPARQLWrapper, as a tool would ask --------------------------------------------------------------------


def test_sparqlwrapper_select_by_get_and_post(endpoint: str) -> None:
    answers = []
    for method, request in ((None, None), (POST, URLENCODED), (POST, POSTDIRECTLY)):
        client = SPARQLWrapper(endpoint)
        client.setTimeout(int(CLIENT_TIMEOUT_S))
        if method:
            client.setMethod(method)
            client.setRequestMethod(request)
        client.setQuery(QUICK)
        client.setReturnFormat(JSON)
        answers.append(client.queryAndConvert()["results"]["bindings"])
    assert answers[0] and answers[0] == answers[1] == answers[2]


def test_sparqlwrapper_construct_gives_a_graph(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) > 0


def test_sparqlwrapper_update_is_refused(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")  # sent as a form's update=
    with pytest.raises(
        urllib.error.HTTPError
    ) as refused:  # SPARQLWrapper has no exception of its own for 403
        client.query()
    assert refused.value.code == 403
    assert ask(endpoint, "ASK { <urn:a> <urn:b> <urn:c> }").json()["boolean"] is False


# --- what the face refuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["form", "body", "get"],
)
def test_updates_are_refused_with_403(endpoint: str, how: str) -> None:
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    if how == "form":
        answer = requests.post(endpoint, data={"update": update}, timeout=CLIENT_TIMEOUT_S)
    elif how == "body":
        headers = {"Content-Type": "application/sparql-update"}
        answer = requests.post(endpoint, data=update.encode(), headers=headers, timeout=CLIENT_TIMEOUT_S)
    else:
        answer = requests.get(endpoint, params={"update": update}, timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 403
    assert "read-only" in answer.text and "Traceback" not in answer.text
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert ask(endpoint, "ASK { <urn:x> <urn:y> <urn:z> }").json()["boolean"] is False


def test_service_is_refused(endpoint: str) -> None:
    answer = ask(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert answer.status_code == 403
    assert "SERVICE" in answer.text and "federated" in answer.text
    # the word in a literal is no SERVICE clause
    assert rows(ask(endpoint, 'SELECT ?x WHERE { BIND("a SERVICE call" AS ?x) }'))


def test_syntax_error_is_400_with_the_engines_message(endpoint: str) -> None:
    answer = ask(endpoint, "SELECT ?s WHERE { ?s ?p }")
    assert answer.status_code == 400
    assert "not valid SPARQL" in answer.text and "error at 1:" in answer.text


@pytest.mark.parametrize(
    ("data", "headers", "status"),
    [
        ({"other": "1"}, {}, 400),  # a form without a query
        (b"", {}, 415),  # a body of no media type
        ([("query", "ASK {}"), ("query", "ASK {}")], {}, 400),
        (b"ASK {}", {"Content-Type": "text/plain"}, 415),
        (b"\xff\xfe", {"Content-Type": "application/sparql-query"}, 400),
    ],
)
def test_bad_requests_get_a_plain_message(endpoint: str, data, headers: dict, status: int) -> None:
    answer = requests.post(endpoint, data=data, headers=headers, timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == status, answer.text
    assert answer.text.strip() and "Traceback" not in answer.text


def test_an_answer_past_the_size_limit_is_422(endpoint: str) -> None:
    """A cartesian product big enough to pass the limit (computed from the graph's own size) is refused;
    the same query with a small LIMIT is answered."""
    triples = count(endpoint, "?s ?p ?o")
    rows_needed = RESULT_LIMIT // 100 + 1  # each row holds six terms, far over 100 bytes
    assert triples * triples >= rows_needed
    big = f"SELECT * WHERE {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {rows_needed}"
    answer = ask(endpoint, big)
    assert answer.status_code == 422
    assert "LIMIT" in answer.text and f"{RESULT_LIMIT:,}" in answer.text
    assert rows(ask(endpoint, big.replace(f"LIMIT {rows_needed}", "LIMIT 3")))


# --- the service description -------------------------------------------------------------------------------


def test_get_without_a_query_describes_the_service(endpoint: str) -> None:
    answer = requests.get(endpoint, timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    service = graph.value(None, SD.endpoint, URIRef(endpoint))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/JSON-LD") in formats
    named = {str(name) for name in graph.objects(None, SD.name)}
    assert named == set(named_graphs(endpoint))


def test_the_service_description_as_json_ld(endpoint: str) -> None:
    answer = requests.get(endpoint, headers={"Accept": "application/ld+json"}, timeout=CLIENT_TIMEOUT_S)
    assert answer.headers["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=answer.text, format="json-ld")
    assert graph.value(None, SD.endpoint, URIRef(endpoint)) is not None


def test_a_browser_asking_for_the_endpoint_is_sent_to_the_query_form(endpoint: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = requests.get(
        endpoint, headers={"Accept": browser}, allow_redirects=False, timeout=CLIENT_TIMEOUT_S
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/sparql-page")
    assert "Accept" in answer.headers["Vary"]


# --- CORS ---------------------------------------------------------------------------------------------------


def test_cors_answers_the_origin_it_was_told(endpoint: str) -> None:
    allowed = requests.get(
        endpoint, params={"query": "ASK {}"}, headers={"Origin": ALLOWED}, timeout=CLIENT_TIMEOUT_S
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    other = requests.get(
        endpoint,
        params={"query": "ASK {}"},
        headers={"Origin": "https://other.example"},
        timeout=CLIENT_TIMEOUT_S,
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = requests.options(
        endpoint,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
        timeout=CLIENT_TIMEOUT_S,
    )
    assert preflight.status_code == 200
    assert preflight.headers.get("Access-Control-Allow-Origin") == ALLOWED


def test_no_cors_headers_unless_asked() -> None:
    """The app built without origins (the command's default) sends none, whoever asks."""
    import anyio
    import httpx

    from coopgraph.serve.app import Settings, build_app

    async def asked() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=build_app(None, Settings()))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answer = await client.get("/sparql", headers={"Origin": ALLOWED})
            preflight = await client.options(
                "/sparql", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}
            )
            return answer, preflight

    answer, preflight = anyio.run(asked)
    assert answer.status_code == 200  # the description: no engine needed
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in preflight.headers


# --- the time limit, under load ----------------------------------------------------------------------------


def engine_pid(serve_pid: int, timeout: float = 10.0) -> int:
    """The PID of the oxigraph server ``coopgraph serve`` started (its only child; while it is being
    started again there is none for a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        children = Path(f"/proc/{serve_pid}/task/{serve_pid}/children").read_text().split()
        if len(children) == 1 or time.monotonic() > deadline:
            assert len(children) == 1, children
            return int(children[0])
        time.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def serve_process(running: tuple[str, subprocess.Popen]) -> int:
    return running[1].pid


def engine_cpu(serve_pid: int) -> tuple[int, float]:
    """The engine's PID now (it changes when it is started again) and its CPU time so far."""
    pid = engine_pid(serve_pid)
    try:
        return pid, cpu_seconds(pid)
    except OSError:  # it has just been replaced
        return pid, 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the engine's CPU time in /proc")
def test_a_slow_query_is_stopped_and_quick_ones_are_answered_meanwhile(
    endpoint: str, running: tuple[str, subprocess.Popen], serve_process: int, record_property
) -> None:
    """The slow query is one Oxigraph's own --timeout-s does not cancel (a four-way product): the face
    answers 503 at the limit, and the engine is started again soon after, so the query stops for certain."""
    first, busy_from = engine_cpu(serve_process)
    slow: dict = {}

    def run_slow() -> None:
        slow["started"] = time.monotonic()
        slow["answer"] = requests.post(endpoint, data={"query": SLOW}, timeout=CLIENT_TIMEOUT_S)
        slow["seconds"] = time.monotonic() - slow["started"]

    thread = threading.Thread(target=run_slow)
    thread.start()
    deadline = time.monotonic() + QUERY_LIMIT_S  # until the engine is busy with it (its CPU time grows)
    while cpu_seconds(first) - busy_from < 0.05 and time.monotonic() < deadline:
        time.sleep(0.02)

    def quick(number: int) -> float:
        started = time.monotonic()
        answer = ask(endpoint, f"SELECT ?s WHERE {{ ?s ?p ?o }} OFFSET {number} LIMIT 1")
        assert answer.status_code == 200, answer.text
        return time.monotonic() - started

    with ThreadPoolExecutor(max_workers=8) as pool:
        latencies = list(pool.map(quick, range(40)))
    still_running = thread.is_alive()
    thread.join(CLIENT_TIMEOUT_S)
    report = (
        f"load: {len(latencies)} quick queries on 8 threads while a slow query ran: all answered, max "
        f"latency {max(latencies) * 1000:.0f} ms; the slow one answered {slow['answer'].status_code} after "
        f"{slow['seconds']:.2f} s"
    )
    record_property("load", report)  # in the JUnit report; shown by -s (xdist hides workers' output)
    print(report)
    assert still_running, "the quick queries should have been answered before the slow one's limit"
    assert slow["answer"].status_code == 503
    assert "time limit" in slow["answer"].text and "LIMIT" in slow["answer"].text
    assert QUERY_LIMIT_S - 0.2 <= slow["seconds"] <= QUERY_LIMIT_S + 3.0
    # the query stops: the engine's CPU time stops growing (here: it is killed and started again)
    stopped_after = None
    deadline = time.monotonic() + 20.0
    before = engine_cpu(serve_process)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = engine_cpu(serve_process)
        if now[0] == before[0] and now[1] - before[1] < 0.05:
            stopped_after = time.monotonic()
            break
        before = now
    assert stopped_after is not None, "the engine kept working on the query"
    idle = f"the engine was idle again {stopped_after - slow['started']:.1f} s after the slow query was sent"
    record_property("stopped", idle)
    print(idle)
    assert _gone(first, 1), "the engine that ran the query is still there"
    assert "starting it again" in output_of(running[1])
    assert rows(ask(endpoint, QUICK))  # and the endpoint answers as before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the engine in /proc")
def test_an_engine_that_died_is_started_again(endpoint: str, serve_process: int) -> None:
    dead = engine_pid(serve_process)
    os.kill(dead, signal.SIGKILL)
    assert _gone(dead, 5)
    answer = ask(endpoint, "ASK {}")
    assert answer.status_code == 503 and "ask again" in answer.text
    deadline = time.monotonic() + 20
    while ask(endpoint, "ASK {}").status_code != 200:
        assert time.monotonic() < deadline, "the engine was not started again"
        time.sleep(0.05)
    assert engine_pid(serve_process) != dead
    assert rows(ask(endpoint, QUICK))


# --- the command itself ------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "COOPGRAPH_DATA": str(FIXTURE_DATA)}


def test_a_file_that_does_not_load_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    done = coopgraph("serve", "--no-shipped", str(MALFORMED), "--port", "0", env=_env(), timeout=60)
    failed(done, f"{MALFORMED}:")
    assert any(f"{MALFORMED}:{line}" in done.stderr for line in range(1, 20)), done.stderr
    missing = tmp_path / "missing.ttl"
    done = coopgraph("serve", "--no-shipped", str(missing), "--port", "0", env=_env(), timeout=60)
    failed(done, str(missing), "no such file")


def test_options_that_cannot_work_are_exit_2() -> None:
    failed(coopgraph("serve", "--no-shipped", "--port", "0", timeout=60), "--no-shipped", "FILES")
    failed(coopgraph("serve", "-", "--port", "0", timeout=60), "standard input")


def test_a_port_in_use_is_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = coopgraph("serve", "--no-shipped", str(SAMPLE), "--port", str(port), env=_env(), timeout=60)
    failed(done, f"127.0.0.1:{port}")


def test_without_the_serve_extra_it_says_what_to_install() -> None:
    hide = "import sys; sys.modules['uvicorn'] = None; from coopgraph.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", hide, "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'coopgraph[serve]'" in done.stderr and "uvicorn" in done.stderr
    assert "Traceback" not in done.stderr


def _location(engine: int) -> Path:
    command = Path(f"/proc/{engine}/cmdline").read_bytes().decode().split("\0")
    return Path(command[command.index("--location") + 1])


def _gone(pid: int, timeout: float) -> bool:
    """Whether the process has exited (or is a zombie waiting to be reaped) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_both_servers_and_removes_the_store() -> None:
    with start_serve([SAMPLE], "--no-shipped") as (url, process):
        engine = engine_pid(process.pid)
        folder = _location(engine).parent
        assert folder.is_dir()
        assert stop(process) == 0
        assert _gone(engine, 5)
        assert not folder.exists()
        assert "stopped" in output_of(process) and "Traceback" not in output_of(process)
        assert url.startswith("http://127.0.0.1:")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_command_takes_its_engine_down() -> None:
    with start_serve([SAMPLE], "--no-shipped") as (_, process):
        engine = engine_pid(process.pid)
        folder = _location(engine).parent
        process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            assert _gone(engine, 5), "the oxigraph server outlived the command"
            assert folder.is_dir()  # a killed command cannot clean up after itself: the next one does
            assert folder in remove_stale_folders(str(folder.parent))
            assert not folder.exists()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def test_only_the_folders_of_commands_gone_are_removed(tmp_path: Path) -> None:
    live, gone, other = (tmp_path / f"{FOLDER_PREFIX}{name}" for name in ("live", "gone", "other"))
    for folder in (live, gone, other):
        folder.mkdir()
    (live / OWNER).write_text(str(os.getpid()))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (gone / OWNER).write_text(str(dead.pid))
    (other / OWNER).write_text("not a pid")
    assert remove_stale_folders(str(tmp_path)) == [gone]
    assert live.is_dir() and other.is_dir() and not gone.exists()
