"""The embedded store's answers, built from pyoxigraph's terms, are exactly what normalising pyoxigraph's own
JSON gives; and importing coopgraph imports no RDF library."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph
import pytest

from coopgraph.stores import EmbeddedStore, normalize_results

XSD = "http://www.w3.org/2001/XMLSchema#"
ANSWERS = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    # terms a query makes: a language tag in capitals, a boolean written 1, xsd:string, an unbound variable
    f'SELECT ?a ?b ?c ?d ?e WHERE {{ BIND(STRLANG("y", "FR-ca") AS ?a) BIND(STRDT("1", <{XSD}boolean>) AS ?b)'
    f' BIND(STRDT("t", <{XSD}string>) AS ?c) BIND(BNODE() AS ?e) }}',
    'SELECT ?t WHERE { BIND("x"@en--ltr AS ?t) }',  # a directional language tag
    'SELECT ?t WHERE { BIND(TRIPLE(<http://e/a>, <http://e/b>, "c"@EN) AS ?t) }',  # a triple term
    "SELECT * WHERE { }",
    "SELECT ?x WHERE { ?x <http://e/none> ?y }",
    "ASK { ?s ?p ?o }",
    "ASK { ?s <http://e/none> ?o }",
]


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    oxi = pyoxigraph.Store()
    data = (
        "@prefix e: <http://e/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'e:a e:p "plain", "tagged"@EN-GB, "01"^^xsd:integer, "1"^^xsd:boolean, "x"^^xsd:string, '
        '"  7"^^xsd:int, "2025-01-01+00:00"^^xsd:date, _:b, e:c, "1.50"^^xsd:decimal .\n'
        '_:b e:q "in a blank node" .\n'
    )
    oxi.bulk_load(data.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return EmbeddedStore(oxi)


@pytest.mark.parametrize("query", ANSWERS)
def test_embedded_answer_is_the_normalised_json_of_pyoxigraph(store: EmbeddedStore, query: str) -> None:
    ours = store.query(query)
    json_text = store.store.query(query).serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    theirs = normalize_results(json.loads(json_text))
    assert json.dumps(_blurred(ours)) == json.dumps(_blurred(theirs))


def _blurred(document: dict) -> dict:
    """The document with every blank node label as ``_`` (labels are fresh in each answer)."""
    rows = [
        {name: {**term, "value": "_"} if term["type"] == "bnode" else term for name, term in row.items()}
        for row in document.get("results", {}).get("bindings", [])
    ]
    return {**document, "results": {"bindings": rows}} if "results" in document else document


def test_importing_the_library_imports_no_rdf_library() -> None:
    code = "import sys, coopgraph; print(sorted({'rdflib', 'requests', 'SPARQLWrapper'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    from coopgraph import LoadError, load_shipped  # the names are still there, imported when used

    assert LoadError.__module__ == "coopgraph.load" and callable(load_shipped)
