"""The SHACL shapes and the validation API.

Fixtures live in ``tests/shapes/`` (its README explains them): each is validated together with the shipped
graph, as ``coopgraph validate FILE`` does. An ``*_XFAIL.ttl`` must give exactly the (focus node, path,
source shape, constraint component) set stored beside it in ``*_XFAIL.expected.json``; a ``*_PASS.ttl``
must conform; and every constraint of the shapes must be broken by some XFAIL fixture.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyshacl
import pytest
import report_sets
from rdflib import OWL, RDF, RDFS, BNode, Graph, Namespace, URIRef

from coopgraph import resources
from coopgraph.validate import Report, locate, shapes_graph, subject_lines, validate

FIXTURES = Path(__file__).parent / "shapes"
XFAIL = sorted(FIXTURES.glob("*_XFAIL.ttl"))
PASS = sorted(FIXTURES.glob("*_PASS.ttl"))
DOC = resources.root() / "docs" / "adding-an-agreement.md"

SH = Namespace("http://www.w3.org/ns/shacl#")
CGSH = "https://w3id.org/coopgraph/shapes#"
ID = "https://w3id.org/coopgraph/id/"
CG = "https://w3id.org/coopgraph/ontology#"
# The prefixes of the *.expected.json files.
PREFIXES = {
    "https://w3id.org/coopgraph/id/": "cgid:",
    "https://w3id.org/coopgraph/ontology#": "cg:",
    CGSH: "cgsh:",
    "http://www.w3.org/ns/shacl#": "sh:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/org#": "org:",
}


def compact(text: str | None) -> str | None:
    """An IRI, or the IRIs inside a SPARQL path expression, written with the fixtures' prefixes."""
    if text is None:
        return None

    def one(iri: str) -> str:
        for namespace, prefix in PREFIXES.items():
            if iri.startswith(namespace):
                return prefix + iri[len(namespace) :]
        return iri

    if text[:1] in "(^<":  # a path expression: (<a>|<b>), ^<a>, (<a>/<b>)
        return re.sub(r"<([^<>]*)>", lambda match: one(match[1]), text)
    return one(text)


def result_set(report: Report) -> set[tuple[str | None, ...]]:
    """The results as the ``*.expected.json`` files write them: (focus, path, shape, component), prefixed."""
    keys = report_sets.result_set(report.results)
    return {tuple(map(compact, (focus, path, shape, component))) for focus, path, _, shape, component in keys}


def expected_set(fixture: Path) -> set[tuple[str | None, ...]]:
    rows = json.loads(fixture.with_name(fixture.name.replace(".ttl", ".expected.json")).read_text())
    return {tuple(row) for row in rows}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def reportable_constraints(shapes: Graph) -> set[tuple[str | None, ...]]:
    """Every (source shape, constraint component) pair a report can name, prefixed."""
    return {tuple(map(compact, pair)) for pair in report_sets.reportable_constraints(shapes)}


# --- the shipped graph and the fixtures ------------------------------------------------------------------


def test_shipped_graph_conforms():
    report = validate()
    assert report.conforms, report.to_text()
    assert report.results == []


def test_the_frozen_fixture_graph_conforms(monkeypatch: pytest.MonkeyPatch):
    """The dataset the query and command tests run on (tests/fixtures/graph/) could be shipped as it is."""
    monkeypatch.setenv("COOPGRAPH_DATA", str(Path(__file__).parent / "fixtures" / "graph" / "data"))
    report = validate()
    assert report.conforms and not report.results, report.to_text()


@pytest.mark.parametrize("fixture", PASS, ids=lambda p: p.stem)
def test_pass_fixture_conforms(fixture: Path):
    report = validate([fixture])
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("fixture", XFAIL, ids=lambda p: p.stem)
def test_xfail_fixture_gives_exactly_the_expected_results(fixture: Path):
    report = validate([fixture])
    assert not report.conforms
    got, expected = result_set(report), expected_set(fixture)
    assert got == expected, (
        f"unexpected: {sorted(got - expected, key=str)}; missing: {sorted(expected - got, key=str)}"
    )


def test_every_xfail_fixture_has_an_expected_file():
    for fixture in XFAIL:
        assert fixture.with_name(fixture.name.replace(".ttl", ".expected.json")).is_file(), fixture
    for expected in FIXTURES.glob("*.expected.json"):
        assert expected.with_name(expected.name.replace(".expected.json", ".ttl")).is_file(), expected


def test_every_constraint_has_a_failing_fixture(shapes: Graph):
    covered = {(row[2], row[3]) for fixture in XFAIL for row in expected_set(fixture)}
    missing = reportable_constraints(shapes) - covered
    assert not missing, f"constraints no XFAIL fixture breaks: {sorted(missing)}"


def test_readme_table_maps_every_constraint_to_a_fixture_that_breaks_it(shapes: Graph):
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(cgsh:[^`]+)` \| `(cgsh:[^`]+)` \| `(\w+)` \| (.+) \|$", readme, flags=re.M)
    listed = {}
    for _node_shape, shape, component, where in rows:
        pair = (shape, f"sh:{component}ConstraintComponent")
        listed[pair] = re.findall(r"`(\w+_XFAIL\.ttl)`", where)
    assert set(listed) == reportable_constraints(shapes)
    for pair, fixtures in listed.items():
        assert fixtures, pair
        for name in fixtures:
            assert pair in {(row[2], row[3]) for row in expected_set(FIXTURES / name)}, (pair, name)


def test_entry_into_force_constraints_check_datatypes_first(shapes: Graph):
    """rdflib calls any xsd:date less than any string: a SPARQL comparison of dates must check the
    datatypes first (entry_into_force_XFAIL.ttl shows the false result that check prevents)."""
    for select in shapes.objects(None, SH.select):
        if re.search(r"\?\w+\s*[<>]=?\s*\?\w+", str(select)):
            assert "datatype(" in str(select), select


# --- the shapes themselves ------------------------------------------------------------------------------


def test_shapes_pass_shacl_shacl(shapes: Graph):
    """The shapes graph conforms to SHACL-SHACL, the shapes for shapes graphs (what pySHACL's meta_shacl
    option checks)."""
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_every_constraint_has_a_message(shapes: Graph):
    constrained = {s for parameter in report_sets.PARAMETERS for s in shapes.subjects(SH[parameter], None)}
    constrained -= {s for s in constrained if isinstance(s, BNode)}  # members of sh:or lists
    constrained |= set(shapes.objects(None, SH.sparql))
    for shape in constrained:
        if (shape, SH.sparql, None) in shapes and not any(
            (shape, SH[p], None) in shapes for p in report_sets.PARAMETERS if p != "sparql"
        ):
            continue  # the message is on its SPARQL constraint
        messages = list(shapes.objects(shape, SH.message))
        assert messages and all(str(m).strip() for m in messages), f"{shape} has no sh:message"


def test_shapes_and_their_constraints_are_named(shapes: Graph):
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for shape in shapes.subjects(RDF.type, kind):
            assert isinstance(shape, URIRef) and str(shape).startswith(CGSH), shape
    for link in (SH.property, SH.sparql, SH.node, SH.qualifiedValueShape):
        for value in shapes.objects(None, link):
            assert isinstance(value, URIRef), f"a blank {link} value"
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert str(shape).endswith("Shape"), shape
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert re.fullmatch(re.escape(CGSH) + r"[A-Z]\w+-\w+", str(shape)), shape


def test_every_class_of_the_ontology_is_checked_by_a_shape(shapes: Graph):
    """Each cg: class the ontology declares is the target of a node shape, itself or through a superclass
    (SHACL makes the instances of a subclass targets of its superclass's shape): whatever a new file
    instantiates, some shape checks it. Computed from the ontology, not from the data, so it holds for any
    data."""
    ontology = Graph()
    for path in resources.shipped_files("ontology"):
        ontology.parse(path)
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(CG)}
    assert len(classes) > 20
    for klass in classes:
        assert set(ontology.transitive_objects(klass, RDFS.subClassOf)) & targeted, f"no shape checks {klass}"


# --- the example of docs/adding-an-agreement.md ----------------------------------------------------------


def test_the_doc_example_is_the_passing_fixture():
    blocks = re.findall(r"```turtle\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    assert blocks[0] == (FIXTURES / "adding_an_agreement_PASS.ttl").read_text(encoding="utf-8")


def test_the_doc_python_example_finds_the_agreement_in_the_queries(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    shutil.copy(FIXTURES / "adding_an_agreement_PASS.ttl", tmp_path / "my-agreement.ttl")
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "cgid:instrument/xa-xb-mla-2025" in out
    assert "2025-11-20" in out
    assert "Ana Example" in out and "Ben Sample" in out


# --- the report model -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signature_report() -> Report:
    return validate([FIXTURES / "signature_XFAIL.ttl"])


def test_report_json_is_the_documented_contract(signature_report: Report):
    document = json.loads(json.dumps(signature_report.to_json()))
    assert set(document) == {"conforms", "results"}
    assert document["conforms"] is False
    keys = {"focus", "path", "value", "severity", "message", "shape", "component", "file", "line", "values"}
    assert document["results"] and all(set(row) == keys for row in document["results"])
    assert all(row["severity"] == str(SH.Violation) for row in document["results"])
    assert all(row["message"] for row in document["results"])


def test_report_turtle_is_the_shacl_validation_report(signature_report: Report):
    graph = Graph().parse(data=signature_report.to_turtle(), format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport, any=False)
    assert report is not None
    assert str(graph.value(report, SH.conforms)) == "false"
    assert len(list(graph.objects(report, SH.result))) == len(signature_report.results)


def test_report_text_names_file_line_and_shape(signature_report: Report):
    text = signature_report.to_text()
    line = locate(
        "https://w3id.org/coopgraph/id/event/fixture-signature-bare", FIXTURES / "signature_XFAIL.ttl"
    )
    assert f"{FIXTURES / 'signature_XFAIL.ttl'}:{line}" in text
    assert "cgsh:Signature-signatory" in text
    assert "Does not conform" in text


def test_results_name_the_file_and_line_of_the_statement_at_fault(signature_report: Report):
    """A result about a value names the line where that property is written for the node; a result about
    something missing names the line where the node is described."""
    fixture = FIXTURES / "signature_XFAIL.ttl"
    lines = fixture.read_text(encoding="utf-8").splitlines()
    for result in signature_report.results:
        if "/event/fixture-signature" not in result.focus:
            continue
        assert result.file == str(fixture)
        subject_line = locate(result.focus, fixture)
        assert result.line is not None and result.line >= subject_line, result
        if result.value is not None and result.path and result.path.startswith("http"):
            local = result.path.rsplit("#", 1)[1]
            assert f"cg:{local} " in lines[result.line - 1], (result, lines[result.line - 1])
        elif result.value is None:
            assert result.line == subject_line, result


def test_a_result_names_the_new_file_that_adds_the_statement_at_fault(tmp_path: Path):
    """A new file can break a node described in a shipped file (here: a third party for a bilateral
    instrument). The result points at the new file and the line of the statement it adds, not at the shipped
    file, and shows the value at fault and every value of the path."""
    extra = tmp_path / "third-party.ttl"
    extra.write_text(
        "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n\n"
        "<https://w3id.org/coopgraph/id/instrument/sg-kz-mla-2025>\n"
        "    cg:hasParty <https://w3id.org/coopgraph/id/state/KH> .\n"
    )
    report = validate([extra])
    by_shape = {r.shape.rsplit("#")[1]: r for r in report.results}
    result = by_shape["BilateralInstrument-hasParty"]
    assert (result.file, result.line) == (str(extra), 4)
    assert result.component == str(SH.MaxCountConstraintComponent)
    assert result.value == ID + "state/KH"
    assert set(result.values) == {ID + "state/KH", ID + "state/KZ", ID + "state/SG"}
    assert all(r.file == str(extra) for r in report.results), report.to_text()
    assert "values: " in report.to_text()


def test_a_missing_statement_is_located_where_the_node_is_described(tmp_path: Path):
    """A result about what is missing has no statement to point at: it names the file and line that
    describe the focus node."""
    report = validate([FIXTURES / "signature_XFAIL.ttl"])
    [bare] = [
        r for r in report.results if r.focus.endswith("fixture-signature-bare") and "signatory" in r.shape
    ]
    assert bare.line == locate(bare.focus, FIXTURES / "signature_XFAIL.ttl")


def test_validation_without_the_shipped_data_uses_only_the_ontology_and_the_files():
    report = validate([FIXTURES / "date_interval_XFAIL.ttl"], shipped=False)
    assert report.files == len(resources.shipped_files("ontology")) + 1
    assert {compact(r.focus) for r in report.results} == {
        row[0] for row in expected_set(FIXTURES / "date_interval_XFAIL.ttl")
    }


# --- where a node is described ---------------------------------------------------------------------------


def test_subject_lines_reads_prefixed_names_full_and_relative_iris():
    text = (
        "@prefix ex: <http://example.org/> .\n"
        "PREFIX id: <http://example.org/id/>\n"
        "BASE <http://example.org/base/>\n"
        "# ex:commented a ex:Thing .\n"
        "ex:a ex:p ex:b ,\n"
        "    ex:c ;\n"
        '  ex:q """a long string . ex:fake\n'
        'spanning lines""" .\n'
        "id:x\\/y a ex:Thing .\n"
        '<relative> ex:p "x.y" . <http://example.org/full> ex:p 1.5 .\n'
        "[ ex:p ex:d ] ex:q ex:e .\n"
        "ex:b a ex:Thing.\n"
    )
    assert subject_lines(text, "file:///tmp/x.ttl") == {
        "http://example.org/a": 5,
        "http://example.org/id/x/y": 9,
        "http://example.org/base/relative": 10,
        "http://example.org/full": 10,
        "http://example.org/b": 12,
    }


def test_locate_finds_the_first_subject_line(tmp_path: Path):
    path = tmp_path / "x.ttl"
    path.write_text("PREFIX ex: <http://example.org/>\nex:a ex:p ex:b .\n\nex:b ex:p ex:a .\nex:a ex:q 1 .\n")
    assert locate("http://example.org/a", path) == 2
    assert locate("http://example.org/b", path) == 4
    assert locate("http://example.org/c", path) is None
