"""Quality checks of how the data, shapes and queries use the ontology that no SHACL shape can make.

The rules about the RDF graph itself (labels, definitions, distinct labels and property kinds of the
ontology's terms, complete ontology headers, SKOS concepts with definitions) are shapes
(``shapes/ontology.ttl``, ``shapes/codes.ttl``), so ``coopgraph validate`` and any SHACL engine enforce
them; their fixtures are in ``tests/shapes/``. What is left here looks at the files, not at the graph they
make: which file declares a term and which file uses it, and the SPARQL text of ``queries/*.rq``
(``tests/quality/README.md`` says why each cannot be a shape).

Each ``tests/quality/*-violation.rq`` query must return no rows over the shipped files. Its header says what
it reads: ``# input: files`` (a dataset with one named graph per ontology, data, shapes and query file, named
as :func:`coopgraph.load.graph_iri_for` names shipped files, e.g. ``…/graph/data/reference/states``; a query
file becomes a graph of the IRIs it mentions) or ``# input: ontology`` (the ontology files as one graph).
Each query also has a bad fixture under ``tests/quality/fixtures/`` and the test asserts the exact rows that
fixture adds, so every check is shown to fail when it should.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from coopgraph import load, resources
from coopgraph.validate import shapes_graph
from coopgraph.vocab import SH

HERE = Path(__file__).parent / "quality"
FIXTURES = HERE / "fixtures"
QUERIES = sorted(HERE.glob("*-violation.rq"))
CG = Namespace("https://w3id.org/coopgraph/ontology#")
EX = Namespace("https://example.org/coopgraph-test#")
MENTIONS = URIRef("https://example.org/coopgraph-test#mentions")
ROLES = ("ontology", "data", "shapes", "queries")


@dataclass(frozen=True)
class File:
    """A file and the role it plays (ontology, data, shapes or queries)."""

    path: Path
    role: str

    @property
    def graph_iri(self) -> URIRef:
        try:
            self.path.resolve().relative_to(resources.root().resolve() / self.role)
        except ValueError:  # a fixture: name it as if it were shipped in its role
            return URIRef(f"{load.GRAPH_BASE}{self.role}/fixtures/{self.path.stem}")
        return load.graph_iri_for(self.path)


def shipped() -> list[File]:
    kinds = {"ontology": "*.ttl", "data": "*.ttl", "shapes": "*.ttl", "queries": "*.rq"}
    return [
        File(path, role) for role, pattern in kinds.items() for path in resources.shipped_files(role, pattern)
    ]


def _collect_iris(node, found: set[URIRef]) -> None:
    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, dict):
        for value in node.values():
            _collect_iris(value, found)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            _collect_iris(value, found)


def query_iris(path: Path) -> set[URIRef]:
    """Every IRI a SPARQL query file mentions (prefixed names resolved), read from rdflib's algebra."""
    query: Query = prepareQuery(path.read_text(encoding="utf-8"))
    found: set[URIRef] = set()
    _collect_iris(query.algebra, found)
    return found


def build_input(kind: str, files: list[File]) -> pyoxigraph.Store:
    """The store a check reads: the ontology files in the default graph (``ontology``), or every file in its
    own named graph (``files``, queried with the default graph as their union)."""
    store = pyoxigraph.Store()
    for file in files:
        if kind == "ontology" and file.role != "ontology":
            continue
        graph = pyoxigraph.DefaultGraph() if kind == "ontology" else pyoxigraph.NamedNode(file.graph_iri)
        if file.role == "queries":
            mentions = pyoxigraph.NamedNode(MENTIONS)
            for iri in query_iris(file.path):
                store.add(
                    pyoxigraph.Quad(
                        pyoxigraph.NamedNode(file.graph_iri), mentions, pyoxigraph.NamedNode(iri), graph
                    )
                )
        else:
            triples = load.parse_file(file.path).serialize(format="nt", encoding="utf-8")
            store.load(triples, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)
    return store


def input_kind(query: Path) -> str:
    for line in query.read_text(encoding="utf-8").splitlines():
        if line.startswith("# input:"):
            kind = line.split(":", 1)[1].strip()
            assert kind in ("ontology", "files"), f"{query.name}: unknown input {kind!r}"
            return kind
    raise AssertionError(f"{query.name} has no '# input:' header line")


def violations(query: Path, files: list[File]) -> set[tuple[str, ...]]:
    kind = input_kind(query)
    solutions = build_input(kind, files).query(
        query.read_text(encoding="utf-8"), use_default_graph_as_union=kind == "files"
    )
    return {tuple("" if s[v] is None else s[v].value for v in solutions.variables) for s in solutions}


def describe(rows: set[tuple[str, ...]]) -> str:
    return "\n".join("  " + " | ".join(row) for row in sorted(rows))


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_shipped_files_pass(query: Path) -> None:
    rows = violations(query, shipped())
    assert not rows, f"{query.name} found {len(rows)} violation(s):\n{describe(rows)}"


def graph_of(name: str, role: str) -> str:
    return f"{load.GRAPH_BASE}{role}/fixtures/{name}"


DATA_FIXTURE = graph_of("data-term_XFAIL", "data")

# (query, fixture files with their roles, the exact rows the fixtures add to what the shipped files give)
BAD_CASES = [
    (
        "undeclared-term-violation",
        [
            ("undeclared-term_XFAIL.ttl", "data"),
            ("undeclared-term-shapes_XFAIL.ttl", "shapes"),
            ("undeclared-term_XFAIL.rq", "queries"),
        ],
        {
            (str(CG.noSuchProperty), graph_of("undeclared-term_XFAIL", "data")),
            (str(CG.NoSuchClass), graph_of("undeclared-term_XFAIL", "data")),
            (str(CG.noSuchPathInShapes), graph_of("undeclared-term-shapes_XFAIL", "shapes")),
            (str(CG.noSuchPropertyInQueries), graph_of("undeclared-term_XFAIL", "queries")),
        },
    ),
    (
        "data-term-violation",
        [("data-term_XFAIL.ttl", "data")],
        {
            (
                str(EX.undeclaredProperty),
                graph_of("data-term_XFAIL", "data"),
                "property not declared in the ontology",
            ),
            (
                str(EX.UndeclaredClass),
                graph_of("data-term_XFAIL", "data"),
                "class not declared in the ontology",
            ),
            (
                "https://w3id.org/coopgraph/id/person/nobody-describes-me",
                graph_of("data-term_XFAIL", "data"),
                "points at a coopgraph node that no file describes",
            ),
        },
    ),
]


@pytest.mark.parametrize(("name", "fixtures", "expected"), BAD_CASES, ids=[case[0] for case in BAD_CASES])
def test_check_catches_its_bad_fixture(name: str, fixtures: list[tuple[str, str]], expected: set) -> None:
    query = HERE / f"{name}.rq"
    base = shipped()
    with_fixtures = base + [File(FIXTURES / file, role) for file, role in fixtures]
    added = violations(query, with_fixtures) - violations(query, base)
    assert added == expected, f"{name}: the fixtures added\n{describe(added)}\nexpected\n{describe(expected)}"


def test_every_check_has_a_bad_fixture() -> None:
    covered = {case[0] for case in BAD_CASES}
    assert covered == {query.stem for query in QUERIES}


def test_every_fixture_is_used() -> None:
    used = {file for case in BAD_CASES for file, _ in case[1]}
    assert used == {path.name for path in FIXTURES.iterdir() if path.suffix in (".ttl", ".rq")}


def test_query_iris_resolves_prefixed_names() -> None:
    iris = query_iris(FIXTURES / "undeclared-term_XFAIL.rq")
    assert CG.noSuchPropertyInQueries in iris and CG.Instrument in iris
    assert all(isinstance(iri, URIRef) and not isinstance(iri, Literal) for iri in iris)


# --- the one case of a shape that the fixtures of tests/shapes/ cannot show ---------------------------------


def test_a_graph_without_the_ontology_header_breaks_every_header_constraint() -> None:
    """cgsh:OntologyShape (shapes/ontology.ttl) targets the IRI of the core ontology as well as every
    owl:Ontology, so a graph without that header fails, rather than having no header to check. The fixtures of
    tests/shapes/ are validated with the shipped ontology, so none can show it: this validates a graph without
    the ontology (an empty one) against the shipped shapes."""
    _, report, _ = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), inference="none", advanced=False)
    ontology = URIRef("https://w3id.org/coopgraph/ontology")
    header = {
        (report.value(result, SH.focusNode), report.value(result, SH.resultPath))
        for result in report.objects(None, SH.result)
        if str(report.value(result, SH.sourceShape)).startswith("https://w3id.org/coopgraph/shapes#Ontology-")
    }
    assert header == {
        (ontology, URIRef(path))
        for path in (
            "http://www.w3.org/2002/07/owl#versionIRI",
            "http://www.w3.org/2002/07/owl#versionInfo",
            "http://purl.org/dc/terms/license",
            "http://purl.org/dc/terms/title",
            "http://purl.org/dc/terms/description",
            "http://purl.org/vocab/vann/preferredNamespacePrefix",
            "http://purl.org/vocab/vann/preferredNamespaceUri",
        )
    }
