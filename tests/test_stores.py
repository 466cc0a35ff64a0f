"""coopgraph.stores without a server: binding values safely, reading answers, and failing clearly.

The integration tests (tests/integration/) run the same code against real Oxigraph and Virtuoso servers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from coopgraph.load import graph_iri_for, load_files
from coopgraph.stores import (
    Auth,
    EmbeddedStore,
    RemoteStore,
    StoreError,
    flavours,
    normalize_results,
    ntriples_term,
    redact_url,
    strip_comments,
    values_block,
    with_values,
)
from coopgraph.stores import manifest as manifests
from coopgraph.stores.manifest import MANIFEST_GRAPH, GraphRecord, LoadRecord, Manifest
from coopgraph.stores.sparql import xml_results

SAMPLE = Path(__file__).parent / "integration" / "fixtures" / "sample.ttl"
EX = "https://example.org/sample/"
PREFIXES = "PREFIX ex: <https://example.org/sample/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
BY_LABEL = PREFIXES + "SELECT ?s WHERE { ?s rdfs:label ?label }"
HOSTILE = {
    "closing-brace": "} ; DROP ALL ; SELECT * WHERE {",
    "quotes": "say \"hello\" > 'world' <b>",
    "newline": "first line\nsecond line\twith a tab",
    "comment": "# not a comment ?x <http://evil/> .",
    "backslash": "C:\\path\\to\\}",
}


@pytest.fixture(scope="module")
def sample() -> EmbeddedStore:
    return EmbeddedStore.from_dataset(load_files([SAMPLE]))


def subjects(document: dict) -> list[str]:
    return sorted(row["s"]["value"] for row in document["results"]["bindings"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- hostile values stay values --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(HOSTILE))
def test_hostile_literal_in_values_block_matches_only_its_own_label(sample: EmbeddedStore, slug: str) -> None:
    rewritten = with_values(BY_LABEL, {"label": Literal(HOSTILE[slug])})
    assert subjects(sample.query(rewritten)) == [EX + slug]


@pytest.mark.parametrize("slug", sorted(HOSTILE))
def test_substitution_and_values_block_give_the_same_rows(sample: EmbeddedStore, slug: str) -> None:
    query = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"  # projected: a real substitution
    bindings = {"label": Literal(HOSTILE[slug])}
    assert sample.query(query, bindings) == sample.query(with_values(query, bindings))
    assert len(sample.query(query, bindings)["results"]["bindings"]) == 1


@pytest.mark.parametrize(
    "template",
    [
        "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }",
        "CONSTRUCT { ?s rdfs:label ?label . } # { not a group\n WHERE { ?s rdfs:label ?label } ORDER BY ?s",
        "CONSTRUCT WHERE { ?s rdfs:label ?label }",
    ],
)
def test_a_construct_query_is_bound_in_its_where_group_not_its_template(
    sample: EmbeddedStore, template: str
) -> None:
    slug = sorted(HOSTILE)[0]
    rewritten = with_values(PREFIXES + template, {"label": Literal(HOSTILE[slug])})
    triples = list(sample.store.query(rewritten))
    assert [triple.subject.value for triple in triples] == [EX + slug]


def test_values_block_writes_each_term_in_escaped_ntriples_form() -> None:
    block = values_block({"s": URIRef(EX + "a"), "label": Literal('} "x"\n', lang="en"), "n": Literal(3)})
    assert block == (
        f'VALUES (?s ?label ?n) {{ (<{EX}a> "}} \\"x\\"\\n"@en '
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    )


@pytest.mark.parametrize(
    "iri", ["http://x/a> } DROP ALL { <http://y", "http://x/a b", "http://x/\n", "not an iri", 'http://x/"']
)
def test_an_iri_that_could_break_out_is_refused(iri: str) -> None:
    with pytest.raises(ValueError):
        with_values(BY_LABEL, {"s": URIRef(iri)})


def test_a_datatype_that_could_break_out_is_refused() -> None:
    with pytest.raises(ValueError):
        ntriples_term(Literal("1", datatype=URIRef("http://x#int> . } DROP ALL {")))


@pytest.mark.parametrize("name", ["label } DROP ALL {", "", "a b", "?", "la-bel"])
def test_a_bad_variable_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        with_values(BY_LABEL, {name: Literal("x")})


def test_variable_names_may_carry_their_question_mark() -> None:
    assert with_values(BY_LABEL, {"?label": Literal("x")}) == with_values(BY_LABEL, {"label": Literal("x")})


def test_a_blank_node_cannot_be_bound_remotely() -> None:
    with pytest.raises(ValueError, match="blank node"):
        with_values(BY_LABEL, {"s": BNode()})


# --- where the VALUES block goes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "head"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE {"),
        ("# a { comment\nSELECT ?s WHERE { ?s ?p ?o }", "# a { comment\nSELECT ?s WHERE {"),
        ('SELECT ?s (CONCAT("{", ?o) AS ?c) WHERE { ?s ?p ?o }', 'SELECT ?s (CONCAT("{", ?o) AS ?c) WHERE {'),
        ("SELECT ?s (?o < 3 AS ?small) WHERE { ?s ?p ?o }", "SELECT ?s (?o < 3 AS ?small) WHERE {"),
        (
            "SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE { ?s ?p ?o }",
            "SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE {",
        ),
        ("SELECT ?s FROM <http://g> WHERE { ?s ?p ?o }", "SELECT ?s FROM <http://g> WHERE {"),
        ("ASK { ?s ?p ?o }", "ASK {"),
        ("SELECT ?s WHERE { SELECT ?s WHERE { ?s ?p ?o } }", "SELECT ?s WHERE { SELECT ?s WHERE {"),
        ("SELECT ?s WHERE { '''{''' ?p ?o }", "SELECT ?s WHERE {"),
    ],
)
def test_values_block_leads_the_where_group(query: str, head: str) -> None:
    rewritten = with_values(query, {"s": URIRef("http://s")})
    assert rewritten.startswith(head + " VALUES (?s) { (<http://s>) } ")
    assert rewritten[len(head) :].replace(" VALUES (?s) { (<http://s>) } ", "", 1) == query[len(head) :]


@pytest.mark.parametrize("query", ["SELECT ?s", 'SELECT ?s WHERE "{ ?s ?p ?o }', "SELECT (?s) WHERE ( ?s )"])
def test_a_query_without_a_where_group_is_refused(query: str) -> None:
    with pytest.raises(ValueError):
        with_values(query, {"s": URIRef("http://s")})


@pytest.mark.parametrize(
    "query",
    [
        PREFIXES + "SELECT ?s WHERE { ?s rdfs:label ?label }",
        PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }",
        PREFIXES + "SELECT * WHERE { ?s rdfs:label ?label }",
        PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?label }",
        PREFIXES + "SELECT ?s WHERE { SELECT ?s WHERE { ?s rdfs:label ?label } }",
        PREFIXES + "SELECT ?s WHERE { ?s rdfs:label ?x FILTER(?x = ?label) }",
        PREFIXES + "ASK { ?s rdfs:label ?label }",
    ],
)
def test_embedded_bindings_mean_what_the_values_block_means(sample: EmbeddedStore, query: str) -> None:
    bindings = {"label": Literal("plain value")}
    assert sample.query(query, bindings) == sample.query(with_values(query, bindings))


def test_strip_comments_keeps_hashes_inside_iris_and_strings() -> None:
    query = 'PREFIX x: <http://x#> # delete me\nSELECT ?s WHERE { ?s x:p "#1" } # and me'
    assert strip_comments(query) == 'PREFIX x: <http://x#> \nSELECT ?s WHERE { ?s x:p "#1" } '


def test_an_inline_comment_does_not_turn_a_query_into_an_update() -> None:
    """SPARQLWrapper guesses the query type from the first keyword it finds, comments included."""
    store = RemoteStore("http://127.0.0.1:9/query", default_graphs=[])
    wrapper = store._wrapper("PREFIX x: <http://x#> # insert a comment\nSELECT ?s WHERE { ?s ?p ?o }", ())
    assert wrapper.queryType == "SELECT"


def test_only_select_and_ask_are_queries(sample: EmbeddedStore) -> None:
    with pytest.raises(ValueError):
        sample.query("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError):
        RemoteStore("http://127.0.0.1:9/query", default_graphs=[]).query("CONSTRUCT WHERE { ?s ?p ?o }")


# --- answers ---------------------------------------------------------------------------------------------


def test_answers_from_different_stores_are_normalized_alike() -> None:
    virtuoso = {
        "head": {"link": [], "vars": ["a", "b", "c", "d"]},
        "results": {
            "distinct": False,
            "ordered": True,
            "bindings": [
                {
                    "a": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                        "value": "4",
                    },
                    "b": {"type": "literal", "xml:lang": "EN", "value": "x"},
                    "c": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#string",
                        "value": "y",
                    },
                    "d": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                        "value": "1",
                    },
                }
            ],
        },
    }
    assert normalize_results(virtuoso) == {
        "head": {"vars": ["a", "b", "c", "d"]},
        "results": {
            "bindings": [
                {
                    "a": {
                        "type": "literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                        "value": "4",
                    },
                    "b": {"type": "literal", "xml:lang": "en", "value": "x"},
                    "c": {"type": "literal", "value": "y"},
                    "d": {
                        "type": "literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                        "value": "true",
                    },
                }
            ]
        },
    }
    assert normalize_results({"head": {"link": []}, "boolean": True}) == {"head": {}, "boolean": True}


def test_embedded_store_keeps_one_named_graph_per_file(sample: EmbeddedStore) -> None:
    assert sample.graphs() == [str(graph_iri_for(SAMPLE))]
    assert sample.count(sample.graphs()[0]) == 22
    assert sample.query("ASK { ?s ?p ?o }") == {"head": {}, "boolean": True}  # the union is the default graph


# --- failing clearly, without secrets ---------------------------------------------------------------------


def test_auth_never_shows_its_secret() -> None:
    auth = Auth("digest", "s3cret-value", "dba")
    assert "s3cret-value" not in repr(auth)
    assert "s3cret-value" not in repr(RemoteStore("http://u:pw@127.0.0.1:9/q", auth=auth))


def test_auth_from_an_unset_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOPGRAPH_TEST_UNSET", raising=False)
    with pytest.raises(StoreError, match="COOPGRAPH_TEST_UNSET"):
        Auth.from_env("basic", "COOPGRAPH_TEST_UNSET", "me")


def test_basic_and_digest_need_a_user() -> None:
    with pytest.raises(ValueError, match="user"):
        Auth("basic", "secret")
    assert Auth("bearer", "token").user is None


def test_error_messages_hide_the_secret_and_url_credentials() -> None:
    store = RemoteStore("http://me:pw@127.0.0.1:9/q", auth=Auth("basic", "s3cret-value", "me"))
    error = store._status_error("query at", store.endpoint, 500, "", b"echo s3cret-value")
    assert "s3cret-value" not in str(error)
    assert "me:pw" not in str(error)
    assert redact_url("https://me:pw@example.org:8890/sparql?x=1") == "https://example.org:8890/sparql?x=1"


def test_an_unreachable_server_is_a_store_error() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(f"{base}/query", gsp_endpoint=f"{base}/store", default_graphs=[], timeout=5)
    with pytest.raises(StoreError, match="connection refused"):
        store.query("ASK {}")
    with pytest.raises(StoreError, match="connection refused"):
        store.put_graph("https://example.org/g", b"")


def test_a_server_that_never_answers_times_out() -> None:
    """A socket that accepts connections and never replies: the client gives up after its timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        base = f"http://127.0.0.1:{silent.getsockname()[1]}"
        store = RemoteStore(f"{base}/query", gsp_endpoint=f"{base}/store", default_graphs=[], timeout=0.3)
        with pytest.raises(StoreError, match="timed out"):
            store.query("ASK {}")
        with pytest.raises(StoreError, match="timed out"):
            store.put_graph("https://example.org/g", b"<http://a> <http://b> <http://c> .\n")


# --- the command ----------------------------------------------------------------------------------------


def coopgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], capture_output=True, text=True, env=env)


def test_load_help() -> None:
    result = coopgraph("load", "--help")
    assert result.returncode == 0
    for option in ("--endpoint", "--update-endpoint", "--gsp-endpoint", "--graph-param", "--auth", "--user"):
        assert option in result.stdout
    assert (
        "--password-env" in result.stdout
        and "--timeout" in result.stdout
        and "--no-validate" in result.stdout
    )


ENDPOINTS = ("--endpoint", "http://127.0.0.1:9/q", "--update-endpoint", "http://127.0.0.1:9/u")


def test_load_needs_update_and_graph_store_endpoints() -> None:
    result = coopgraph("load", "--endpoint", "http://127.0.0.1:9/query")
    assert result.returncode == 2
    assert "--update-endpoint" in result.stderr
    result = coopgraph("load", *ENDPOINTS)
    assert result.returncode == 2
    assert "--gsp-endpoint" in result.stderr


def test_load_refuses_a_user_without_an_auth_scheme() -> None:
    result = coopgraph("load", *ENDPOINTS, "--gsp-endpoint", "http://127.0.0.1:9/s", "--user", "me")
    assert result.returncode == 2
    assert "--auth" in result.stderr


def test_load_reports_a_malformed_file_before_contacting_the_store() -> None:
    malformed = SAMPLE.parent / "malformed.ttl"
    result = coopgraph("load", str(malformed), *ENDPOINTS, "--gsp-endpoint", "http://127.0.0.1:9/s")
    assert result.returncode == 2
    assert f"{malformed}:4:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_triple_in_two_named_graphs_answers_once() -> None:
    """Regression: pyoxigraph's union default graph answered once per graph holding a triple (bag semantics),
    so a fact restated in a second file doubled rows; the default graph is the RDF merge, a set."""
    dataset = Dataset()
    triple = (URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c"))
    for name in ("one", "two"):
        dataset.graph(URIRef(f"http://example.org/graph/{name}")).add(triple)
    store = EmbeddedStore.from_dataset(dataset)
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")["results"]["bindings"]
    assert len(rows) == 1
    per_graph = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")["results"]["bindings"]
    assert [row["g"]["value"] for row in per_graph] == [
        "http://example.org/graph/one",
        "http://example.org/graph/two",
    ]
    assert store.graphs() == ["http://example.org/graph/one", "http://example.org/graph/two"]


# --- the manifest and the flavours, without a server -----------------------------------------------------


def manifest_rows(lines: list[str]) -> list[dict]:
    """The rows a store answers to the manifest's read query, for these N-Triples lines (via pyoxigraph)."""
    store = EmbeddedStore()
    store.store.load(("\n".join(lines) + "\n").encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")["results"]["bindings"]


def test_a_manifest_reads_back_as_written() -> None:
    load = "urn:coopgraph:load:1"
    written = Manifest(
        graphs={
            "https://w3id.org/coopgraph/graph/user/a": GraphRecord(
                "https://w3id.org/coopgraph/graph/user/a", 3, "a.ttl", "ab" * 32, load
            ),
            "https://w3id.org/coopgraph/graph/user/bulk": GraphRecord(
                "https://w3id.org/coopgraph/graph/user/bulk", 7
            ),
        },
        loads={load: LoadRecord(load, "2026-12-02T10:00:00Z", "2026-12-02T10:00:02Z", "9.9")},
        last=load,
    )
    read_back = manifests.read(manifest_rows(manifests.triples(written)))
    assert read_back == written
    assert manifests.triples(read_back) == manifests.triples(written)  # a stable order: the same text


def test_an_empty_manifest_is_false_and_a_swapping_mark_is_read() -> None:
    assert not manifests.read([])
    mark = f"<{MANIFEST_GRAPH}> <https://w3id.org/coopgraph/load#swapping> <urn:coopgraph:load:2> ."
    found = manifests.read(manifest_rows([mark]))
    assert found.swapping == ["urn:coopgraph:load:2"] and found
    assert "run `coopgraph load` again" in str(found.swap_error("query at X"))


def test_a_manifest_count_that_is_no_number_is_a_store_error() -> None:
    graph = "https://w3id.org/coopgraph/graph/user/a"
    lines = [
        f"<{MANIFEST_GRAPH}> <https://w3id.org/coopgraph/load#graph> <{graph}> .",
        f'<{graph}> <https://w3id.org/coopgraph/load#triples> "many" .',
    ]
    with pytest.raises(StoreError, match="no number"):
        manifests.read(manifest_rows(lines))


def test_the_non_atomic_manifest_update_removes_the_mark_last() -> None:
    operations = manifests.replace(Manifest(last="urn:coopgraph:load:3"), atomic=False)
    assert "swapping" in operations[-1] and operations[-1].startswith("DELETE WHERE")
    assert manifests.replace(Manifest(), atomic=True)[0].startswith("DROP SILENT GRAPH")


@pytest.mark.parametrize(
    ("server", "name"),
    [
        ("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", "virtuoso"),
        ("Oxigraph/0.5.13", "standard"),
        ("Apache Jena Fuseki (5.1.0)", "standard"),
        ("", "standard"),
    ],
)
def test_the_flavour_comes_from_the_server_header(server: str, name: str) -> None:
    assert flavours.detect(server).name == name
    assert flavours.named(name) is flavours.detect(server)


XML_HEAD = '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def test_xml_results_read_as_the_json_format_says() -> None:
    """What a Virtuoso flavour asks for (XML, three times faster there) reads as the JSON format would."""
    document = (
        XML_HEAD + '<head><variable name="s"/><variable name="label"/><variable name="n"/>'
        '<variable name="empty"/><variable name="unbound"/></head><results>'
        "<result><binding name='s'><bnode>nodeID://b1</bnode></binding>"
        "<binding name='label'><literal xml:lang='EN-gb'>a\tb &lt;&amp;&gt;</literal></binding>"
        "<binding name='n'><literal datatype='http://www.w3.org/2001/XMLSchema#integer'>4</literal></binding>"
        "<binding name='empty'><literal></literal></binding></result>"
        "<result><binding name='s'><uri>https://example.org/x</uri></binding></result></results></sparql>"
    )
    assert normalize_results(xml_results(document.encode())) == {
        "head": {"vars": ["s", "label", "n", "empty", "unbound"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "bnode", "value": "nodeID://b1"},
                    "label": {"type": "literal", "xml:lang": "en-gb", "value": "a\tb <&>"},
                    "n": {
                        "type": "literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                        "value": "4",
                    },
                    "empty": {"type": "literal", "value": ""},
                },
                {"s": {"type": "uri", "value": "https://example.org/x"}},
            ]
        },
    }
    for text, value in (("true", True), ("1", True), ("false", False), (" 0 ", False)):
        answer = xml_results(f"{XML_HEAD}<head/><boolean>{text}</boolean></sparql>".encode())
        assert answer == {"head": {}, "boolean": value}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><sparql/>', "document type declaration"),
        ("<results/>", "not sparql"),
        ("{}", "not well-formed"),
        (XML_HEAD + "<results><result><binding name='x'/></result></results></sparql>", "holds no term"),
        (
            XML_HEAD + "<results><result><binding name='x'><triple/></binding></result></results></sparql>",
            "a triple",
        ),
    ],
)
def test_xml_results_that_are_not_sparql_results_are_refused(body: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        xml_results(body.encode())


def test_only_json_and_xml_results_are_asked_for() -> None:
    assert flavours.named("virtuoso").results == "xml" and flavours.STANDARD.results == "json"
    with pytest.raises(ValueError, match="json or xml"):
        flavours.Flavour("odd", results="csv")


def test_an_unknown_flavour_is_named() -> None:
    with pytest.raises(ValueError, match="standard, virtuoso|virtuoso, standard"):
        RemoteStore("http://127.0.0.1:9/q", flavour="graphdb")


def test_an_atomic_flavour_cannot_split_its_requests() -> None:
    """A swap split over several requests is not one transaction, so a limit on a request's operations
    is for non-atomic flavours only."""
    with pytest.raises(ValueError, match="atomic"):
        flavours.Flavour("strict", operations_per_request=10)
    assert flavours.named("virtuoso").operations_per_request == 200
    assert flavours.STANDARD.operations_per_request is None


def test_virtuoso_partial_answers_are_errors() -> None:
    virtuoso = flavours.named("virtuoso")
    with pytest.raises(StoreError, match="incomplete results"):
        virtuoso.check_answer({"X-SQL-State": "S1TAT", "X-SQL-Message": "timeout"}, "query at X")
    table = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL": {"value": "1"}}]}}
    assert virtuoso.fix_answer(table, ask=True) == {"head": {}, "boolean": True}


def test_stores_names_are_importable_lazily() -> None:
    """Every name the package lists is importable, and importing the embedded store does not import the
    HTTP client (so validation and local queries do not pay for it)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, coopgraph.stores as s; s.EmbeddedStore; print('requests' in sys.modules); "
            "[getattr(s, n) for n in s.__all__]",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
