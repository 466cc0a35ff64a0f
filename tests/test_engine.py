"""The validation engine: every constraint run as one query over the graph (SHACL-SPARQL in coopgraph.engine,
SHACL Core compiled by coopgraph.core) must give exactly what pySHACL gives running every shape itself, except
where pySHACL departs from the SHACL specification (``tests/shapes/pyshacl-differences.json``, each case with
the reason; Jena agrees with the engine there, ``tests/integration/test_jena.py``). A constraint the engine
cannot run as one query is refused, never skipped.

``validate(..., reference=True)`` runs every shape in pySHACL alone. The comparison runs on the frozen
fixture graph (tests/fixtures/graph/data/, the shipped graph of a fixed day, so it does not grow with data/)
with every fixture of tests/shapes/ at once, so each constraint is exercised by the nodes that break it and
by the ones that do not — with every shape but the graph-wide rules of shapes/graph.ttl. pySHACL runs those
(SPARQL constraints on every typed node) once per node, each over the whole graph: on this graph they took
61 of its 77 s, and they grow with the square of the fixtures. Jena compares them, with every other shape,
on every fixture (tests/integration/test_jena.py), and pySHACL on the shipped graph
(tests/test_validate_cli.py, --reference).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import Graph, URIRef

from coopgraph import engine
from coopgraph.errors import ShapesError
from coopgraph.resources import shipped_files
from coopgraph.validate import compile_constraints, shapes_graph, validate
from coopgraph.vocab import SH

FIXTURES = sorted((Path(__file__).parent / "shapes").glob("*.ttl"))
SHAPES_PREFIXES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX ex: <http://example.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
ex:module sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""


DIFFERENCES = json.loads((Path(__file__).parent / "shapes" / "pyshacl-differences.json").read_text())


def rows(report) -> set[tuple]:
    return {(r.focus, r.path, r.value, r.shape, r.component, r.severity, r.message) for r in report.results}


#: the shipped shapes but the graph-wide rules (see the module's docstring)
GRAPH_WIDE = next(path for path in shipped_files("shapes") if path.name == "graph.ttl")
SHAPES_BUT_GRAPH_WIDE = [path for path in shipped_files("shapes") if path != GRAPH_WIDE]


def test_both_engines_give_the_same_results_on_every_fixture_at_once(fixture_data: Path):
    fast = validate(FIXTURES, shapes_files=SHAPES_BUT_GRAPH_WIDE)
    reference = validate(FIXTURES, shapes_files=SHAPES_BUT_GRAPH_WIDE, reference=True)
    assert len(fast.results) > 100  # every fixture breaks something
    assert not {row[3] for row in rows(fast)} & set(shapes_graph([GRAPH_WIDE]).subjects())
    explained = {(case["focus"], case["path"], case["shape"], case["component"]) for case in DIFFERENCES}
    differ = {row[:2] + row[3:5] for row in rows(fast) ^ rows(reference)}
    assert differ == explained, (
        f"only the engine: {sorted(rows(fast) - rows(reference))}\n"
        f"only pySHACL: {sorted(rows(reference) - rows(fast))}"
    )
    assert not rows(reference) - rows(fast)  # where they differ, pySHACL misses a result the spec requires
    assert fast.conforms == reference.conforms is False


def test_every_sparql_constraint_of_the_shipped_shapes_is_run_once():
    shapes = shapes_graph()
    compiled, rest = engine.split(shapes)
    everything = set(shapes.subject_objects(SH.sparql))
    left = set(rest.subject_objects(SH.sparql))
    assert {(c.shape, c.node) for c in compiled} | left == everything
    assert not {(c.shape, c.node) for c in compiled} & left
    assert len(compiled) >= 20  # the graph-wide rules among them
    assert len(rest) == len(shapes) - len(compiled)  # only the sh:sparql links moved


def _shapes(text: str) -> Graph:
    return Graph().parse(data=SHAPES_PREFIXES + text, format="turtle")


def test_a_sparql_constraint_used_inside_another_shape_is_refused():
    """A shape reached through sh:node runs on value nodes, not on targets: one query over the targets would
    be wrong, so the engine does not compile it, and validation refuses the shapes (``--reference`` runs
    them in pySHACL)."""
    shapes = _shapes(
        """
        ex:Outer a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:Outer-p .
        ex:Outer-p a sh:PropertyShape ; sh:path ex:p ; sh:node ex:Inner .
        ex:Inner a sh:NodeShape ; sh:sparql ex:Inner-sparql .
        ex:Inner-sparql a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { $this ex:q 1 }" .
        """
    )
    compiled, rest = engine.split(shapes)
    assert compiled == []
    assert (URIRef("http://example.org/Inner"), SH.sparql, URIRef("http://example.org/Inner-sparql")) in rest
    with pytest.raises(ShapesError, match="ex:Inner|Inner"):
        compile_constraints(shapes)


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { $this ex:q ?x . FILTER ($currentShape != ex:A) }",  # pre-bound beyond $this
        "SELECT ?x WHERE { $this ex:q ?x }",  # $this not projected: nothing to join the focus nodes on
        "SELECT $this WHERE { $this ex:q ?x MINUS { $this ex:r ?x } }",  # MINUS does not see pre-bound $this
        "SELECT $this WHERE { { SELECT $this WHERE { $this ex:q ?x } } }",  # a subquery neither
        # a subquery that uses $this: pre-bound, its LIMIT would be per focus node
        "SELECT $this ?x WHERE { $this ex:q ?x { SELECT $this ?x WHERE { ?x ex:r $this } LIMIT 1 } }",
        # a condition on $this in a group that does not bind it: joining the focus nodes in afterwards
        # would evaluate it with ?this unbound
        "SELECT $this WHERE { { $this ex:q ?x } UNION { FILTER NOT EXISTS { $this ex:r ?y } } }",
        "SELECT $this ?x WHERE { ?x ex:q ?y OPTIONAL { ?y ex:r ?z FILTER (?z != $this) } }",
        "SELECT $this ?x WHERE { { ?x ex:q ?y BIND ($this AS ?copy) } UNION { ?x ex:r ?y } }",
    ],
)
def test_a_query_whose_meaning_would_change_is_refused(select: str):
    shapes = _shapes(
        f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:S-sparql .
        ex:S-sparql a sh:SPARQLConstraint ; sh:select "{select}" .
        """
    )
    compiled, rest = engine.split(shapes)
    assert compiled == [] and (None, SH.sparql, None) in rest
    with pytest.raises(ShapesError, match="run with --reference"):
        compile_constraints(shapes)


def test_a_condition_on_this_where_the_focus_nodes_are_joined_in_is_compiled():
    """The common forms (FILTER and NOT EXISTS at the top of the query, or in a branch that binds $this)
    mean the same with the focus nodes joined in: the engine runs them."""
    select = """SELECT $this ?x WHERE {
        FILTER (isIRI($this))
        { $this ex:q ?x FILTER NOT EXISTS { $this ex:r ?x } } UNION { ?x ex:s ?y }
        OPTIONAL { $this ex:t ?z FILTER (?z != $this) }
    }"""
    shapes = _shapes(
        f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:S-sparql .
        ex:S-sparql a sh:SPARQLConstraint ; sh:prefixes ex:module ; sh:select '''{select}''' .
        """
    )
    compiled, _ = engine.split(shapes)
    assert len(compiled) == 1


def test_a_subquery_that_never_mentions_this_is_compiled_and_gives_what_pyshacl_gives():
    """Pre-binding $this leaves a subquery that only projects it (as SHACL asks) as it is, so the engine runs
    such a constraint (the disjoint-classes rule computes the disjoint pairs first in one): its results are
    pySHACL's, LIMIT included."""
    select = """SELECT $this ?value WHERE {
        { SELECT $this ?kind WHERE { ?kind ex:forbidden true } ORDER BY ?kind LIMIT 1 }
        $this ex:kind ?kind . BIND (?kind AS ?value)
    }"""
    shapes = _shapes(
        f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:S-sparql .
        ex:S-sparql a sh:SPARQLConstraint ; sh:prefixes ex:module ; sh:select '''{select}''' .
        """
    )
    [constraint], _ = engine.split(shapes)
    data = """@prefix ex: <http://example.org/> .
        ex:a a ex:Thing ; ex:kind ex:k1 .  ex:b a ex:Thing ; ex:kind ex:k2 .  ex:c ex:kind ex:k1 .
        ex:k1 ex:forbidden true .  ex:k2 ex:forbidden true ."""
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.TURTLE)
    found = {(str(row.focus), str(row.value)) for row in engine.run([constraint], store)}
    _, report, _ = pyshacl.validate(
        Graph().parse(data=data, format="turtle"), shacl_graph=shapes, advanced=True
    )
    reference = {
        (str(report.value(result, SH.focusNode)), str(report.value(result, SH.value)))
        for result in report.subjects(SH.resultSeverity, None)
    }
    assert found == reference == {("http://example.org/a", "http://example.org/k1")}


def test_a_property_shape_runs_on_the_focus_nodes_of_its_node_shapes_with_its_path():
    shapes = _shapes(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-p .
        ex:S-p a sh:PropertyShape ; sh:path [ sh:inversePath ex:p ] ; sh:sparql ex:S-p-sparql .
        ex:S-p-sparql a sh:SPARQLConstraint ; sh:prefixes ex:module ;
            sh:message "bad {?value} for {$this}"@en ;
            sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (?value != ex:good) }" .
        """
    )
    [constraint], _ = engine.split(shapes)
    store = pyoxigraph.Store()
    store.load(
        """
        <http://example.org/t> a <http://example.org/Thing> .
        <http://example.org/sub> a <http://example.org/Sub> .
        <http://example.org/Sub>
            <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://example.org/Thing> .
        <http://example.org/bad> <http://example.org/p> <http://example.org/t> .
        <http://example.org/good> <http://example.org/p> <http://example.org/t> .
        <http://example.org/bad> <http://example.org/p> <http://example.org/sub> .
        <http://example.org/bad> <http://example.org/p> <http://example.org/untargeted> .
        """,
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    found = {(str(row.focus), str(row.value), row.message) for row in engine.run([constraint], store)}
    assert found == {
        (
            "http://example.org/t",
            "http://example.org/bad",
            "bad http://example.org/bad for http://example.org/t",
        ),
        (
            "http://example.org/sub",  # a target through rdfs:subClassOf, as sh:targetClass has it
            "http://example.org/bad",
            "bad http://example.org/bad for http://example.org/sub",
        ),
    }
