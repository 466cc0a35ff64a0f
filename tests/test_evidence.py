"""The two core sources as the graph holds them: their paragraphs, the texts of those paragraphs and the
evidence that cites them.

The rules every source and every evidence must follow — a quote occurs in the text of its paragraph, every
statement about an instrument, an event or a claim is covered by evidence for it, enrichments come from a
source of their own, every node has an English label — are shapes (shapes/evidence.ttl, shapes/sources.ttl,
shapes/graph.ttl), enforced by ``coopgraph validate`` on any data; tests/test_shapes.py checks that the
shipped graph satisfies them. What is checked here is specific to these two sources: that the committed
texts (``data/reference/texts/``, one named graph per source) are exactly what the rule of docs/model.md cuts
from the local copies — when those are at hand (``../shared/sources/`` beside the repository; the test skips
without them) — and the facts of their evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef

from coopgraph.load import GRAPH_BASE, load_shipped, union_graph
from coopgraph.texts import local_texts

CG = Namespace("https://w3id.org/coopgraph/ontology#")
ID = "https://w3id.org/coopgraph/id/"
SOURCES_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
FACT_IDS = {f"K{n}" for n in range(1, 18)} | {f"C{n}" for n in range(1, 23)}
TEXTS_GRAPH = GRAPH_BASE + "data/reference/texts/"
CORE_SOURCES = {
    URIRef(ID + "source/sg-minlaw-2025-09-08-mla-kz"),
    URIRef(ID + "source/kh-sg-mou-news-2025-07-10"),
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_shipped()


@pytest.fixture(scope="module")
def graph(dataset: Dataset) -> Graph:
    return union_graph(dataset)


@pytest.fixture(scope="module")
def texts(graph: Graph) -> dict[URIRef, dict[int, str]]:
    """The paragraph texts the graph holds (``cg:paragraphText``), by source IRI and paragraph number."""
    found: dict[URIRef, dict[int, str]] = {}
    for paragraph, text in graph.subject_objects(CG.paragraphText):
        source = graph.value(paragraph, CG.paragraphOf)
        number = graph.value(paragraph, CG.paragraphNumber)
        assert source is not None and number is not None, f"{paragraph} has a text but is not a paragraph"
        assert int(number) not in found.get(source, {}), f"{paragraph} has more than one cg:paragraphText"
        found.setdefault(source, {})[int(number)] = str(text)
    return found


def test_the_two_core_sources_have_local_copies_and_texts(graph: Graph, texts: dict) -> None:
    for source in CORE_SOURCES:
        assert graph.value(source, CG.localCopy) is not None, f"{source} names no local copy"
        assert source in texts, f"{source} has no paragraph texts"


def test_paragraph_nodes_are_exactly_the_paragraphs_with_a_text(graph: Graph, texts: dict) -> None:
    for source in CORE_SOURCES:
        nodes = set(graph.subjects(CG.paragraphOf, source))
        numbers = {}
        for node in nodes:
            number = graph.value(node, CG.paragraphNumber)
            assert number is not None, f"{node} has no cg:paragraphNumber"
            assert str(node) == f"{source}/p{number}", f"{node} is numbered {number}"
            assert graph.value(node, RDFS.label), f"{node} has no rdfs:label"
            assert len(set(graph.objects(node, CG.paragraphText))) == 1, f"{node}: not exactly one text"
            numbers[int(number)] = node
        assert set(numbers) == set(texts[source]), (
            f"{source}: graph has paragraphs {sorted(numbers)}, texts for {sorted(texts[source])}"
        )


def test_paragraph_texts_live_in_their_own_graphs(dataset: Dataset) -> None:
    """One file a source, ``data/reference/texts/{slug}.ttl``, holding nothing but its paragraphs' texts, so
    that a redistributor can leave the folder out."""
    graphs = {TEXTS_GRAPH + str(source).rsplit("/", 1)[1] for source in CORE_SOURCES}
    for name in graphs:
        graph = dataset.graph(URIRef(name))
        slug = name.rsplit("/", 1)[1]
        assert len(graph) > 0
        for s, p, _ in graph:
            assert p == CG.paragraphText, f"{name} holds {p}: only cg:paragraphText belongs there"
            assert str(s).startswith(f"{ID}source/{slug}/p"), f"{name} holds a text of {s}"
    core = tuple(f"{source}/p" for source in CORE_SOURCES)
    outside = {
        str(g.identifier)
        for g in dataset.graphs()
        if str(g.identifier) not in graphs
        and any(str(s).startswith(core) for s in g.subjects(CG.paragraphText, None))
    }
    assert not outside, f"texts of the core sources outside data/reference/texts/: {sorted(outside)}"


def test_core_sources_state_their_rights(graph: Graph) -> None:
    rights = URIRef("http://purl.org/dc/terms/rights")
    for source in CORE_SOURCES:
        statements = list(graph.objects(source, rights))
        assert len(statements) == 1 and statements[0].language == "en", f"{source}: one dcterms:rights @en"
        text = str(statements[0])
        assert "copyright" in text and "no open licence" in text and "CC BY 4.0" in text, source
        assert "data/reference/texts/" in text, source


def test_paragraph_splitting_follows_the_documented_rule(texts: dict) -> None:
    release = texts[URIRef(ID + "source/sg-minlaw-2025-09-08-mla-kz")]
    article = texts[URIRef(ID + "source/kh-sg-mou-news-2025-07-10")]
    assert sorted(release) == [0, 1, 2, 3, 4, 5]
    assert release[1].startswith("The Government of the Republic of Singapore")
    assert "MINISTRY OF LAW" in release[0] and "title:" in release[0]
    assert sorted(article) == list(range(14))
    assert article[0] == "July 10, 2025"
    assert article[1].startswith("PHNOM PENH")
    assert article[13].startswith("Additionally, they visited the Central Narcotics Bureau")


def test_committed_texts_are_what_the_rule_cuts_from_the_local_copies(graph: Graph) -> None:
    """Where the local copies are at hand (CI has them; elsewhere the test skips): the committed texts are
    exactly what coopgraph.texts cuts from them, as `coopgraph validate --sources DIR` would supply them."""
    if not SOURCES_DIR.is_dir():
        pytest.skip(f"local copies of the sources not available here: {SOURCES_DIR} does not exist")
    for source in CORE_SOURCES:
        copy = graph.value(source, CG.localCopy)
        assert (SOURCES_DIR / str(copy)).is_file(), f"{source} names a local copy {copy} not in {SOURCES_DIR}"
    without = Graph()
    for triple in graph:
        if triple[1] != CG.paragraphText:
            without.add(triple)
    derived = set(local_texts(without, SOURCES_DIR))
    committed = {
        t
        for t in graph.triples((None, CG.paragraphText, None))
        if graph.value(t[0], CG.paragraphOf) in CORE_SOURCES
    }
    assert derived == committed


def test_evidence_names_only_facts_of_the_fact_list(graph: Graph) -> None:
    """The evidence from the two core sources names the facts K1–K17 and C1–C22 of the design notes' list
    (evidence from other sources may name facts of lists of their own)."""
    unknown = sorted(
        f"{evidence}: {fact}"
        for evidence, fact in graph.subject_objects(CG.supportsFact)
        if graph.value(evidence, CG.inSource) in CORE_SOURCES and str(fact) not in FACT_IDS
    )
    assert not unknown, "not fact ids K1-K17 or C1-C22:\n" + "\n".join(unknown)


def test_the_conference_place_is_only_an_enrichment(graph: Graph) -> None:
    conference = URIRef(ID + "event/iap-2025-annual-conference")
    signing = URIRef(ID + "event/sg-kz-mla-2025-signing")
    assert graph.value(conference, CG.atPlace) == URIRef(ID + "place/singapore")
    assert graph.value(signing, CG.atPlace) is None, "the press release names no place of signing"
    enrichment = URIRef(ID + "evidence/iap-2025-annual-conference-place")
    assert (conference, CG.hasEvidence, enrichment) in graph
    assert (enrichment, RDF.type, CG.Enrichment) in graph
    assert (enrichment, CG.aboutProperty, CG.atPlace) in graph
    source = graph.value(enrichment, CG.inSource)
    assert graph.value(source, URIRef("http://purl.org/dc/terms/publisher")) == URIRef(
        ID + "body/sg-attorney-generals-chambers"
    )
    description = str(graph.value(source, URIRef("http://purl.org/dc/terms/description")))
    assert "design notes" in description
    assert graph.value(source, CG.permalink) is None, "no invented address for the conference source"
