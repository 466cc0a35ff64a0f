"""The same query with the same bindings gives the same rows on the embedded store, Oxigraph and Virtuoso."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from coopgraph import queries, resources
from coopgraph.load import graph_iri_for
from coopgraph.stores import EmbeddedStore, RemoteStore, StoreError, load, normalize_results, strip_comments

from .conftest import TIMED_OUT
from .servers import (
    CLIENT_TIMEOUT_S,
    FIXTURES,
    Server,
    run_coopgraph,
    start_oxigraph,
    start_virtuoso,
)

pytestmark = pytest.mark.integration

SAMPLE = FIXTURES / "sample.ttl"
EX = "https://example.org/sample/"
PREFIXES = """PREFIX ex: <https://example.org/sample/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX cg: <https://w3id.org/coopgraph/ontology#>
"""
HOSTILE = [
    "} ; DROP ALL ; SELECT * WHERE {",
    "say \"hello\" > 'world' <b>",
    "first line\nsecond line\twith a tab",
    "# not a comment ?x <http://evil/> .",
    "C:\\path\\to\\}",
]
CASES = [
    ("labels", "SELECT ?s ?label WHERE { ?s rdfs:label ?label }", {}),
    ("types", "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type", {}),
    (
        "typed-values",
        "SELECT ?s ?count ?on ?flag ?year WHERE { ?s ex:count ?count "
        "OPTIONAL { ?s ex:on ?on } OPTIONAL { ?s ex:flag ?flag } OPTIONAL { ?s ex:year ?year } }",
        {},
    ),
    ("date-filter", 'SELECT ?s WHERE { ?s ex:on ?d FILTER(?d > "2020-01-01"^^xsd:date) }', {}),
    ("ordered", "SELECT ?s ?count WHERE { ?s ex:count ?count } ORDER BY DESC(?count)", {}),
    ("ask-true", "ASK { ?s ex:next ?o }", {"s": URIRef(EX + "plain")}),
    ("ask-false", "ASK { ?s ex:next ?o }", {"s": URIRef(EX + "comment")}),
    ("bound-iri", "SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": URIRef(EX + "tagged")}),
    ("bound-language", "SELECT ?s WHERE { ?s rdfs:label ?label }", {"label": Literal("Singapur", lang="de")}),
    ("bound-integer", "SELECT ?s WHERE { ?s ex:count ?n }", {"n": Literal(12)}),
    (
        "comment-and-less-than",
        "SELECT ?s ?count WHERE { # a comment with a { brace\n ?s ex:count ?count FILTER(?count < 5) }",
        {"s": URIRef(EX + "quotes")},
    ),
    (
        "sub-select",
        "SELECT ?s WHERE { SELECT ?s WHERE { ?s rdfs:label ?label } }",
        {"label": Literal("plain value")},
    ),
    (
        "two-bindings",
        "SELECT ?o WHERE { ?s ?p ?o }",
        {"s": URIRef(EX + "plain"), "p": URIRef(EX + "next")},
    ),
    *[
        (f"hostile-{number}", "SELECT ?s WHERE { ?s rdfs:label ?label }", {"label": Literal(value)})
        for number, value in enumerate(HOSTILE)
    ],
]


def rows(document: dict) -> object:
    """The answer of a query, as a comparable value: the boolean, or the variables and the sorted rows."""
    if "boolean" in document:
        return document["boolean"]
    bindings = document["results"]["bindings"]
    return document["head"]["vars"], sorted(json.dumps(row, sort_keys=True) for row in bindings)


@pytest.fixture(scope="module")
def embedded() -> EmbeddedStore:
    return EmbeddedStore.shipped([SAMPLE])


@pytest.fixture(scope="module")
def remotes(oxigraph: Server, virtuoso: Server, embedded: EmbeddedStore) -> dict[str, RemoteStore]:
    """Both servers loaded with the shipped graph and the sample file, asked over the loaded dataset (the
    load's merged graph), as `coopgraph query --endpoint` asks."""
    stores = {}
    for server in (oxigraph, virtuoso):
        load(server.store(), [SAMPLE], validate=False)
        stores[server.name] = server.store()
    return stores


@pytest.mark.parametrize(("query", "bindings"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_remote_rows_equal_embedded_rows(
    remotes: dict[str, RemoteStore], embedded: EmbeddedStore, query: str, bindings: dict
) -> None:
    expected = rows(embedded.query(PREFIXES + query, bindings))
    for name, store in remotes.items():
        assert rows(store.query(PREFIXES + query, bindings)) == expected, name


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s a cg:State ; rdfs:label ?label }",
        "DESCRIBE <https://w3id.org/coopgraph/id/state/SG>",
    ],
)
def test_construct_and_describe_give_the_same_triples_everywhere(
    remotes: dict[str, RemoteStore], embedded: EmbeddedStore, query: str
) -> None:
    """A graph answer is read back from each server's own RDF (asked for as Turtle): the same triples as the
    embedded store's (DESCRIBE as each store describes a node: at least its own statements)."""
    expected = set(embedded.construct(PREFIXES + query))
    assert expected
    for name, store in remotes.items():
        found = set(store.construct(PREFIXES + query))
        assert found == expected if query.startswith("CONSTRUCT") else found >= expected, name


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_value_matches_exactly_one_label(remotes: dict[str, RemoteStore], value: str) -> None:
    for name, store in remotes.items():
        answer = store.query(PREFIXES + "SELECT ?s WHERE { ?s rdfs:label ?label }", {"label": Literal(value)})
        assert len(answer["results"]["bindings"]) == 1, name


def test_ordered_rows_keep_their_order(remotes: dict[str, RemoteStore], embedded: EmbeddedStore) -> None:
    query = PREFIXES + "SELECT ?s ?count WHERE { ?s ex:count ?count } ORDER BY DESC(?count)"
    expected = embedded.query(query)["results"]["bindings"]
    for name, store in remotes.items():
        assert store.query(query)["results"]["bindings"] == expected, name


def test_dataset_defaults_to_the_merged_graph_of_the_load(
    oxigraph: Server, virtuoso: Server, remotes: dict[str, RemoteStore], embedded: EmbeddedStore
) -> None:
    """Without default_graphs, both stores query the merged graph the manifest names, which holds the loaded
    graphs' triples once each, as the embedded store's union does (the shipped ontology files both declare
    the SKOS mapping properties; a server's union of several default graphs would keep one copy per graph),
    and nothing of Virtuoso's own system graphs."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for server in (oxigraph, virtuoso):
        store = server.store()
        manifest = store.manifest()
        assert manifest.merged is not None and store.dataset() == [manifest.merged.graph]
        assert set(embedded.graphs()) <= set(manifest.graphs)
        assert rows(store.query(count)) == rows(embedded.query(count)), server.name


@pytest.mark.parametrize("store_name", ["oxigraph", "virtuoso"])
def test_query_command_asks_the_server(
    oxigraph: Server, virtuoso: Server, remotes: dict[str, RemoteStore], store_name: str
) -> None:
    """`coopgraph query NAME --endpoint URL` gives the rows the embedded store gives."""
    endpoint = {"oxigraph": oxigraph, "virtuoso": virtuoso}[store_name].endpoint
    name = "states" if "states" in queries.registry() else sorted(queries.registry())[0]
    local = run_coopgraph("query", name, "--format", "json")
    remote = run_coopgraph("query", name, "--format", "json", "--endpoint", endpoint)
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert rows(json.loads(remote.stdout)) == rows(json.loads(local.stdout))


def canned_cases() -> list[tuple[str, dict[str, str]]]:
    """Each shipped canned query with the example values of its required parameters, and of all of them."""
    cases = []
    for name, query in queries.registry().items():
        cases.append((name, query.examples()))
        if query.examples(optional=True) != query.examples():
            cases.append((name, query.examples(optional=True)))
    return cases


@pytest.fixture(scope="module")
def shipped() -> EmbeddedStore:
    return EmbeddedStore.shipped()


@pytest.mark.parametrize("store_name", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize(("name", "params"), canned_cases(), ids=lambda value: str(value))
def test_canned_query_rows_are_the_same_everywhere(
    request: pytest.FixtureRequest,
    remotes: dict[str, RemoteStore],
    embedded: EmbeddedStore,
    store_name: str,
    name: str,
    params: dict[str, str],
) -> None:
    """Each case stands alone: a query that times out fails its own case, and conftest's check restarts
    the server after it (stopping the query), so the cases after it find a server that answers."""
    query = queries.get(name)
    expected = rows(queries.run(query, params, embedded))
    try:
        answer = queries.run(query, params, remotes[store_name])
    except StoreError as error:
        server: Server = request.getfixturevalue(store_name)
        pytest.fail(
            f"{name} {params} on {store_name}: {error}\n{store_name}'s log ends:\n{server.log_tail(1500)}"
        )
    assert rows(answer) == expected


#: Shipped files a user's file restates, loaded again under other names: each of their triples then stands
#: in two named graphs of the store (the shipped one and ``…/graph/user/restated-…``).
RESTATED = [
    "data/instruments/kh-sg-mou-2025.ttl",
    "data/reference/bodies.ttl",
    "data/reference/states.ttl",
    "data/reference/world/states.ttl",
]


#: The restating server's own time limit per query, in seconds. ``evidence`` takes about 22 s there on an
#: idle machine (0.4 s with each triple stated once): each of its OPTIONAL values answers once per copy,
#: and the copies multiply from one OPTIONAL to the next; making its rows distinct between them would
#: need sub-selects, which Oxigraph evaluates without the parameters' values (4 ms → 300 ms at 100k
#: triples with ?subject given). A loaded machine makes it a few times slower.
RESTATING_LIMIT_S = 120


@pytest.fixture(scope="module")
def restated_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("restated")
    copies = []
    for relative in RESTATED:
        name = relative.removeprefix("data/").removesuffix(".ttl").replace("/", "-")
        copy = folder / f"restated-{name}.ttl"
        shutil.copyfile(resources.root() / relative, copy)
        copies.append(copy)
    return copies


@pytest.fixture(scope="module")
def restating(tmp_path_factory: pytest.TempPathFactory, restated_files: list[Path]) -> Iterator[RemoteStore]:
    """A fresh Oxigraph server (so the graphs the other tests expect stay as they are) loaded with the
    shipped graph and the restating copies, queried over each coopgraph graph it holds, as `coopgraph
    query --endpoint --graph …` does: several ``default-graph-uri``, whose union Oxigraph takes as a bag."""
    server = start_oxigraph(tmp_path_factory.mktemp("restating"), query_limit=RESTATING_LIMIT_S)
    try:
        load(server.store(), restated_files, validate=False)
        graphs = list(server.store().manifest().graphs)
        yield server.store(timeout=RESTATING_LIMIT_S + 30, default_graphs=graphs)
    finally:
        server.stop()


def test_restating_store_holds_the_copies(restating: RemoteStore, restated_files: list[Path]) -> None:
    copies = {str(graph_iri_for(path)) for path in restated_files}
    assert copies <= set(restating.dataset())
    count = "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/coopgraph/id/state/SG> a ?type }"
    assert restating.query(count)["results"]["bindings"][0]["n"]["value"] == "2"


#: Left out of the server run: ``evidence`` takes over 20 s on the restating server (see RESTATING_LIMIT_S),
#: and pyoxigraph, the same engine with the same bag union, gives its rows on restated triples in
#: tests/test_queries.py (test_triples_stated_twice_give_the_same_rows).
RESTATED_ON_EMBEDDED_ONLY = {"evidence"}


@pytest.mark.parametrize("name", sorted(set(queries.registry()) - RESTATED_ON_EMBEDDED_ONLY))
def test_restated_triples_do_not_change_the_rows(
    restating: RemoteStore, shipped: EmbeddedStore, name: str
) -> None:
    """With triples stated in two named graphs, each canned query still gives the rows the embedded store
    gives on the graph without the copies, in their order when it has an ORDER BY (whatever the graph holds:
    the expected results of tests/fixtures/graph/ are for the fixture data, not for this graph)."""
    query = queries.get(name)
    expected = normalize_results(queries.run(query, query.examples(), shipped))
    answer = queries.run(query, query.examples(), restating)
    assert answer["head"]["vars"] == expected["head"]["vars"]
    if re.search(r"\bORDER\s+BY\b", strip_comments(query.text), re.IGNORECASE):
        assert answer["results"]["bindings"] == expected["results"]["bindings"]
    else:
        assert rows(answer) == rows(expected)


#: A query no server finishes: eight copies of every triple joined with each other (30⁸ rows to count).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
SMALL_GRAPH = "https://w3id.org/coopgraph/graph/user/small"
SMALL_DATA = " ".join(f'<urn:coopgraph:test:{i}> <urn:coopgraph:test:value> "{i}" .' for i in range(30))
STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def small_server(folder: Path, kind: str, **options) -> tuple[Server, RemoteStore]:
    """A server of its own holding one small graph (so that stopping it disturbs no other test)."""
    server = STARTERS[kind](folder, **options)
    server.store().update(f"INSERT DATA {{ GRAPH <{SMALL_GRAPH}> {{ {SMALL_DATA} }} }}")
    return server, server.store(default_graphs=[SMALL_GRAPH])


def busy_seconds(server: Server, over: float = 1.0) -> float:
    """How many seconds of CPU the server's process used in the next ``over`` seconds (from /proc)."""

    def used() -> float:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    before = used()
    time.sleep(over)
    return used() - before


@pytest.mark.parametrize("kind", sorted(STARTERS))
def test_a_runaway_query_is_stopped(tmp_path: Path, kind: str) -> None:
    """A query that would run for hours ends with an error, and stops using the server's CPU.

    The server's own time limit stops it where it can (Virtuoso's ``MaxQueryExecutionTime``; Oxigraph's
    ``--timeout-s`` while the query produces rows). Where it cannot (Oxigraph counting the rows of a join
    keeps going after its limit) the client gives up and conftest's check restarts the server after the
    failed test, as done here, so the query stops instead of burning a core for the rest of the session."""
    server, _ = small_server(tmp_path, kind, query_limit=2)
    # Virtuoso stops it after 2 s (a few more on a busy machine); Oxigraph does not, so waiting long is moot
    timeout = {"oxigraph": 5, "virtuoso": CLIENT_TIMEOUT_S}[kind]
    store = RemoteStore(server.endpoint, auth=server.auth(), timeout=timeout, default_graphs=[SMALL_GRAPH])
    try:
        with pytest.raises(StoreError) as caught:
            store.query(RUNAWAY)
        if any(words in str(caught.value) for words in TIMED_OUT):
            assert kind == "oxigraph", f"{kind} did not stop the query itself: {caught.value}"
            server.restart()
        assert busy_seconds(server) < 0.5, f"{kind} is still working on the query"
        assert server.answers(timeout=5), server.log_tail()
        assert store.query("ASK { ?s ?p ?o }")["boolean"]
    finally:
        server.stop()


@pytest.mark.parametrize("kind", sorted(STARTERS))
def test_a_server_that_died_is_restarted_with_its_data_at_the_same_address(tmp_path: Path, kind: str) -> None:
    """What the suite's health check does before each test: a dead server comes back on its folder and
    ports, so stores made before (holding its URLs) go on working and see the same data."""
    server, store = small_server(tmp_path, kind)
    try:
        before = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert server.check() is None  # alive and answering: left alone
        server.kill()
        why = server.check()
        assert why is not None and "exited" in why
        assert server.restarts == 1
        assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before
    finally:
        server.stop()
