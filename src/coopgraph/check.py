"""The main job: load the shipped graph, say what is in it, validate it, and answer one question."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from coopgraph import load, queries, resources, stores, validate

# What a person wants to count first, in this order: (label, class IRI). Counted with subclasses.
CONTENTS = [
    ("instruments", "Instrument"),
    ("states", "State"),
    ("government bodies", "GovernmentBody"),
    ("other organisations", "RegionalOrganisation"),
    ("persons", "Person"),
    ("posts", "Post"),
    ("events", "Event"),
    ("attributed claims", "Claim"),
    ("sources", "Source"),
    ("paragraphs", "Paragraph"),
    ("evidence", "Evidence"),
]

_COUNT = """
PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?thing) AS ?n) WHERE { ?thing a/rdfs:subClassOf* ?class }
"""
_CONCEPTS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(DISTINCT ?scheme) AS ?schemes) (COUNT(DISTINCT ?concept) AS ?concepts)
WHERE { ?concept a skos:Concept ; skos:inScheme ?scheme }
"""

#: The question the main job answers, with its parameters.
QUESTION = ("instruments-between-states", {"state": "SG"})


@dataclass
class Summary:
    """How big the graph is and what it holds."""

    triples: int
    graphs: dict[str, int] = field(default_factory=dict)  # named graph IRI → triple count
    contents: dict[str, int] = field(default_factory=dict)  # kind of thing → count
    schemes: int = 0
    concepts: int = 0


def summarize(store: stores.EmbeddedStore) -> Summary:
    """Count triples per named graph and the things of each kind (classes counted with their subclasses)."""
    graphs = {graph: count for graph in store.graphs() if (count := store.count(graph))}
    cg = "https://w3id.org/coopgraph/ontology#"
    contents = {}
    for label, name in CONTENTS:
        result = store.query(_COUNT, {"class": URIRef(cg + name)})
        contents[label] = int(result["results"]["bindings"][0]["n"]["value"])
    row = store.query(_CONCEPTS)["results"]["bindings"][0]
    return Summary(
        triples=sum(graphs.values()),
        graphs=graphs,
        contents=contents,
        schemes=int(row["schemes"]["value"]),
        concepts=int(row["concepts"]["value"]),
    )


@dataclass
class CheckResult:
    summary: Summary
    report: validate.Report
    question: queries.CannedQuery
    answer: dict  # SPARQL 1.1 results JSON
    tree: resources.Tree  # which ontology/ data/ shapes/ queries/ were used, and why


def check(extra_files: Iterable[Path] = ()) -> CheckResult:
    """Load the graph of the tree used (plus extra files), summarise it, validate it and answer the main
    question. The result names the tree (:func:`coopgraph.resources.locate`).

    Raises :class:`coopgraph.load.LoadError` for a file that cannot be loaded.
    """
    tree = resources.locate()
    report = validate.validate(extra_files)  # loads the files once; the summary and the answer reuse them
    store = report.store
    name, params = QUESTION
    question = queries.get(name)
    return CheckResult(
        summary=summarize(store),
        report=report,
        question=question,
        answer=queries.run(question, params, store),
        tree=tree,
    )


def graph_label(iri: str) -> str:
    """A named graph's IRI shortened to the file it comes from, for people."""
    return iri.removeprefix(load.GRAPH_BASE) + ".ttl" if iri.startswith(load.GRAPH_BASE) else iri
