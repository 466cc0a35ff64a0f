"""What `coopgraph validate` and `coopgraph query` read, run as real commands: every RDF syntax, standard
input as ``-``, ``--input-format``, the user's own shapes, data without the shipped graph, inline queries,
and CONSTRUCT / DESCRIBE answered in RDF.

The commands run on the frozen fixture data (``COOPGRAPH_DATA``, see ``conftest.py``)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from commands import coopgraph, failed
from rdflib import Dataset, Graph

from coopgraph import load

XFAIL = Path(__file__).parent / "shapes" / "agent_XFAIL.ttl"  # a fixture that breaks several shapes
STATE = "https://w3id.org/coopgraph/id/state/SG"
SYNTAXES = {"nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "rdf": "xml", "owl": "xml"}

pytestmark = pytest.mark.usefixtures("fixture_data")


def results(done: subprocess.CompletedProcess[str], given: str | None = None) -> set[tuple]:
    """The (focus, path, shape, file) of each result of a `validate --format json` run (the ``given``
    file's name as ``FILE``, so that runs on the same statements in other files compare)."""
    return {
        (r["focus"], r["path"], r["shape"], "FILE" if r["file"] in (given, str(XFAIL)) else r["file"])
        for r in json.loads(done.stdout)["results"]
    }


def written_as(source: Path, folder: Path, extension: str) -> Path:
    """The statements of ``source`` in another syntax (a dataset syntax: in a named graph of its own)."""
    graph = Graph().parse(source, format="turtle")
    target = folder / f"{source.stem}.{extension}"
    if extension in ("nq", "trig", "jsonld"):
        dataset = Dataset()
        named = dataset.graph("urn:example:inside")
        for triple in graph:
            named.add(triple)
        dataset.serialize(target, format=SYNTAXES[extension])
    else:
        graph.serialize(target, format=SYNTAXES[extension], encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def turtle_results() -> set[tuple]:
    done = coopgraph("validate", str(XFAIL), "--format", "json")
    assert done.returncode == 1, done.stderr
    return results(done)


@pytest.mark.parametrize("extension", sorted(SYNTAXES))
def test_every_rdf_syntax_validates_as_its_turtle_does(
    tmp_path: Path, turtle_results: set[tuple], extension: str
) -> None:
    path = written_as(XFAIL, tmp_path, extension)
    done = coopgraph("validate", str(path), "--format", "json")
    assert done.returncode == 1, done.stderr
    assert results(done, str(path)) == turtle_results


def test_the_input_format_names_the_syntax_whatever_the_extension(tmp_path: Path) -> None:
    text = tmp_path / "agreement.txt"
    text.write_bytes(written_as(XFAIL, tmp_path, "nt").read_bytes())
    failed(
        coopgraph("validate", str(text)), "agreement.txt", "unsupported file type '.txt'", "--input-format"
    )
    assert coopgraph("validate", "--input-format", "nt", str(text)).returncode == 1
    # read as Turtle, N-Triples parse too; read as RDF/XML, they do not, and the error says where
    failed(coopgraph("validate", "--input-format", "rdfxml", str(text)), "agreement.txt")


def test_the_input_formats_offered_are_those_the_loader_reads() -> None:
    from coopgraph import cli

    option = next(p for p in cli.validate.params if p.name == "input_format")
    assert list(option.type.choices) == list(load.INPUT_FORMATS)
    assert set(load.INPUT_FORMATS.values()) <= set(load.FORMATS)


def test_standard_input_is_read_as_a_file_and_named_so(turtle_results: set[tuple]) -> None:
    done = coopgraph("validate", "-", "--format", "json", stdin=XFAIL.read_bytes())
    assert done.returncode == 1 and results(done, "<stdin>") == turtle_results
    ntriples = Graph().parse(XFAIL, format="turtle").serialize(format="nt").encode()
    done = coopgraph("validate", "--input-format", "nt", "-", "--format", "json", stdin=ntriples)
    assert results(done, "<stdin>") == turtle_results
    failed(coopgraph("validate", "-", stdin=b"<urn:a> <urn:b> .\n"), "<stdin>:1:")
    failed(coopgraph("validate", "-", stdin=b""), "<stdin>", "holds no triples")
    failed(coopgraph("validate", "-", "-", stdin=b""), "only once")


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:CountShape a sh:NodeShape ;
    sh:targetSubjectsOf ex:count ;
    sh:property [ sh:path ex:count ; sh:datatype xsd:integer ] .
"""


def test_own_data_against_own_shapes_alone(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.jsonld"
    good.write_text("<http://example.org/a> <http://example.org/count> 3 .\n", encoding="utf-8")
    bad.write_text('{"@id": "http://example.org/b", "http://example.org/count": "three"}', encoding="utf-8")
    done = coopgraph("validate", "--no-shipped", "--shapes", str(shapes), "--data", str(good))
    assert done.returncode == 0 and "(1 files, 1 triples)" in done.stdout, done.stdout
    done = coopgraph(
        "validate",
        "--no-shipped",
        "--shapes",
        "-",
        "--data",
        str(good),
        str(bad),
        "--format",
        "json",
        stdin=SHAPES.encode(),
    )
    assert done.returncode == 1, done.stderr
    [result] = json.loads(done.stdout)["results"]
    assert (result["focus"], result["path"], result["file"]) == (
        "http://example.org/b",
        "http://example.org/count",
        str(bad),
    )
    # the shipped graph against the user's shapes: it has no ex:count, so it conforms
    assert coopgraph("validate", "--shapes", str(shapes)).returncode == 0
    failed(coopgraph("validate", "--no-shipped", "--shapes", str(shapes)), "nothing to validate")
    failed(coopgraph("validate", "--shapes", "-", "-", stdin=SHAPES.encode()), "only once")


def test_own_data_without_the_shipped_data_keeps_the_ontology_for_the_shipped_shapes(tmp_path: Path) -> None:
    """Without the shipped data, the shipped shapes still see the ontology (they check every term against
    it): a file that points at a shipped state now breaks the rule that a node is described."""
    alone = coopgraph("validate", "--no-shipped", str(XFAIL), "--format", "json")
    with_graph = coopgraph("validate", str(XFAIL), "--format", "json")
    assert alone.returncode == with_graph.returncode == 1
    declared = [r for r in json.loads(alone.stdout)["results"] if r["shape"].endswith("#DeclaredTermsShape")]
    assert not declared  # the ontology is there: every cg: term is known


def test_an_inline_query_and_a_query_from_standard_input(tmp_path: Path) -> None:
    data = tmp_path / "mine.trig"
    data.write_text("<urn:g> { <urn:a> <urn:p> 1 , 2 . }\n", encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for done in (
        coopgraph("query", "--no-shipped", str(data), "--query", count, "--format", "json"),
        coopgraph(
            "query", "--no-shipped", str(data), "--file", "-", "--format", "json", stdin=count.encode()
        ),
        coopgraph(
            "query",
            "--no-shipped",
            "-",
            "--input-format",
            "trig",
            "--query",
            count,
            "--format",
            "json",
            stdin=data.read_bytes(),
        ),
    ):
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"] == "2"
    failed(coopgraph("query", "-", "--file", "-", stdin=b""), "only once")
    failed(coopgraph("query", "--no-shipped", "--query", count), "--no-shipped", "FILES")
    failed(coopgraph("query", "states", "--query", count), "give a query NAME")
    failed(coopgraph("query", "--query", "SELECT ?s WHERE {"), "--query", "not a SPARQL query")


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "rdfxml"])
def test_construct_and_describe_are_answered_in_rdf(fmt: str) -> None:
    construct = f"CONSTRUCT {{ <{STATE}> ?p ?o }} WHERE {{ <{STATE}> ?p ?o }}"
    described = coopgraph("query", "--query", f"DESCRIBE <{STATE}>", "--format", fmt)
    constructed = coopgraph("query", "--query", construct, "--format", fmt)
    assert described.returncode == constructed.returncode == 0, described.stderr + constructed.stderr
    rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
    graphs = [Graph().parse(data=done.stdout, format=rdflib_format) for done in (described, constructed)]
    assert len(graphs[1]) > 3 and set(graphs[0]) >= set(graphs[1])


def test_a_graph_answer_is_turtle_for_people_and_never_a_table() -> None:
    done = coopgraph("query", "--query", f"DESCRIBE <{STATE}>")
    assert done.returncode == 0 and done.stdout.startswith("@prefix"), done.stdout[:200]
    failed(coopgraph("query", "--query", f"DESCRIBE <{STATE}>", "--format", "csv"), "RDF", "--format turtle")
    failed(
        coopgraph("query", "--query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "nt"), "CONSTRUCT"
    )
