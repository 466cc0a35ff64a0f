"""Every instrument, event, claim, status assertion and post tenure rests on evidence that is really there.

Evidence points at a paragraph of a source and quotes it. These tests read the local copies of the two core
sources (``../shared/sources/`` beside the repository), cut them into paragraphs by the rule written in
``docs/model.md``, and check that each quote occurs in exactly the paragraph its evidence names. Enrichments
must point at a source of their own, never at the core sources.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from coopgraph.load import load_shipped, union_graph

CG = Namespace("https://w3id.org/coopgraph/ontology#")
ID = "https://w3id.org/coopgraph/id/"
SOURCES_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
EVIDENCED_CLASSES = (CG.Instrument, CG.Event, CG.Claim, CG.LegalStatusAssertion, CG.PostTenure)
FACT_IDS = {f"K{n}" for n in range(1, 18)} | {f"C{n}" for n in range(1, 23)}


def _clean(line: str) -> str:
    """A line as a reader sees it: HTML tags removed, entities decoded, no-break spaces as spaces."""
    return html.unescape(re.sub(r"<[^>]+>", "", line)).replace("\xa0", " ").strip()


def paragraphs(path: Path) -> dict[int, str]:
    """The paragraphs of a local copy, numbered as docs/model.md says.

    Markdown (the press release): ``N.&nbsp;…`` lines are paragraph N, without their number; every other line
    of text (front matter, the "Posted in" line, the closing block) is paragraph 0. Plain text (the news
    article): the first line is paragraph 0 and each following line of text is the next paragraph.
    """
    lines = [_clean(line) for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    if path.suffix == ".md":
        found: dict[int, str] = {}
        rest = []
        for line in lines:
            numbered = re.match(r"^(\d+)\.\s+(.*)$", line)
            if numbered:
                found[int(numbered[1])] = numbered[2]
            elif not line.startswith("{:"):
                rest.append(line)
        found[0] = "\n".join(rest)
        return found
    return dict(enumerate(lines))


@pytest.fixture(scope="module")
def graph() -> Graph:
    return union_graph(load_shipped())


@pytest.fixture(scope="module")
def texts(graph: Graph) -> dict[URIRef, dict[int, str]]:
    """The paragraphs of every source that has a local copy, by source IRI."""
    if not SOURCES_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the source texts are missing: {SOURCES_DIR} does not exist")
        pytest.skip(f"source texts not available here: {SOURCES_DIR} does not exist (they are checked in CI)")
    found = {}
    for source, copy in graph.subject_objects(CG.localCopy):
        path = SOURCES_DIR / str(copy)
        assert path.is_file(), f"{source} names a local copy {copy} that is not in {SOURCES_DIR}"
        found[source] = paragraphs(path)
    return found


def instances(graph: Graph, klass: URIRef) -> set[URIRef]:
    """Nodes typed with ``klass`` or one of its subclasses in the ontology."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, klass))
    return {node for c in classes for node in graph.subjects(RDF.type, c) if isinstance(node, URIRef)}


def evidences(graph: Graph) -> set[URIRef]:
    return instances(graph, CG.Evidence)


def core_sources(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(CG.localCopy, None))


def test_the_two_core_sources_have_local_copies(graph: Graph, texts: dict) -> None:
    assert {str(s) for s in texts} == {
        ID + "source/sg-minlaw-2025-09-08-mla-kz",
        ID + "source/kh-sg-mou-news-2025-07-10",
    }


def test_paragraph_nodes_are_exactly_the_paragraphs_of_the_text(graph: Graph, texts: dict) -> None:
    for source, paras in texts.items():
        nodes = set(graph.subjects(CG.paragraphOf, source))
        numbers = {}
        for node in nodes:
            number = graph.value(node, CG.paragraphNumber)
            assert number is not None, f"{node} has no cg:paragraphNumber"
            assert str(node) == f"{source}/p{number}", f"{node} is numbered {number}"
            assert graph.value(node, RDFS.label), f"{node} has no rdfs:label"
            numbers[int(number)] = node
        assert set(numbers) == set(paras), (
            f"{source}: graph has paragraphs {sorted(numbers)}, text {sorted(paras)}"
        )


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


def test_every_quote_occurs_in_the_paragraph_its_evidence_names(graph: Graph, texts: dict) -> None:
    problems = []
    for evidence in sorted(evidences(graph)):
        paragraph = graph.value(evidence, CG.inParagraph)
        quote = graph.value(evidence, CG.quote)
        if paragraph is None:
            continue
        source = graph.value(paragraph, CG.paragraphOf)
        if graph.value(evidence, CG.inSource) != source:
            problems.append(f"{evidence}: cg:inSource is not the source of its paragraph {paragraph}")
        if source not in texts:
            problems.append(f"{evidence}: paragraph {paragraph} belongs to no source with a local copy")
            continue
        number = int(graph.value(paragraph, CG.paragraphNumber))
        if quote is None or not str(quote).strip():
            problems.append(f"{evidence}: no quote")
        elif str(quote) not in texts[source].get(number, ""):
            problems.append(f"{evidence}: quote {str(quote)!r} is not in {paragraph}")
    assert not problems, "\n".join(problems)


def test_evidence_is_complete_and_names_only_known_facts(graph: Graph) -> None:
    problems = []
    for evidence in sorted(evidences(graph)):
        if not graph.value(evidence, RDFS.label):
            problems.append(f"{evidence}: no rdfs:label")
        if (evidence, RDF.type, CG.Enrichment) in graph:
            continue
        for prop in (CG.inParagraph, CG.inSource, CG.quote):
            if graph.value(evidence, prop) is None:
                problems.append(f"{evidence}: no {prop}")
        for fact in graph.objects(evidence, CG.supportsFact):
            if str(fact) not in FACT_IDS:
                problems.append(f"{evidence}: cg:supportsFact {fact} is not a fact id K1-K17 or C1-C22")
        if not set(graph.subjects(CG.hasEvidence, evidence)):
            problems.append(f"{evidence}: no node has this evidence")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("klass", EVIDENCED_CLASSES, ids=lambda c: c.split("#")[1])
def test_every_node_has_evidence_with_a_real_quote(graph: Graph, texts: dict, klass: URIRef) -> None:
    nodes = instances(graph, klass)
    assert nodes, f"no {klass} in the graph"
    missing = []
    for node in sorted(nodes):
        good = False
        for evidence in graph.objects(node, CG.hasEvidence):
            paragraph = graph.value(evidence, CG.inParagraph)
            quote = graph.value(evidence, CG.quote)
            source = graph.value(paragraph, CG.paragraphOf) if paragraph is not None else None
            if source in texts and quote is not None and str(quote).strip():
                number = int(graph.value(paragraph, CG.paragraphNumber))
                good = good or str(quote) in texts[source].get(number, "")
        if not good:
            missing.append(str(node))
    assert not missing, f"{klass} without evidence quoting a core source:\n" + "\n".join(missing)


def test_enrichments_point_at_a_source_of_their_own(graph: Graph) -> None:
    core = core_sources(graph)
    enrichments = instances(graph, CG.Enrichment)
    assert enrichments
    problems = []
    for evidence in sorted(enrichments):
        source = graph.value(evidence, CG.inSource)
        paragraph = graph.value(evidence, CG.inParagraph)
        if source is None:
            problems.append(f"{evidence}: no cg:inSource")
            continue
        if source in core:
            problems.append(f"{evidence}: points at a core source {source}")
        if paragraph is not None and graph.value(paragraph, CG.paragraphOf) != source:
            problems.append(f"{evidence}: its paragraph is not part of {source}")
        if source not in instances(graph, CG.Source):
            problems.append(f"{evidence}: {source} is not a cg:Source")
        for prop in (
            URIRef("http://purl.org/dc/terms/publisher"),
            URIRef("http://purl.org/dc/terms/description"),
        ):
            if graph.value(source, prop) is None and (source, RDF.type, CG.ReferenceDocument) not in graph:
                problems.append(f"{evidence}: {source} has no {prop}")
        if not set(graph.subjects(CG.hasEvidence, evidence)):
            problems.append(f"{evidence}: no node has this enrichment")
    assert not problems, "\n".join(problems)


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


def test_every_node_has_an_english_label(graph: Graph) -> None:
    nodes = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ID)}
    unlabelled = sorted(
        str(n)
        for n in nodes
        if not any(getattr(o, "language", None) == "en" for o in graph.objects(n, RDFS.label))
    )
    assert not unlabelled, "nodes without rdfs:label @en:\n" + "\n".join(unlabelled)


def test_quotes_are_plain_strings(graph: Graph) -> None:
    for quote in graph.objects(None, CG.quote):
        assert isinstance(quote, Literal) and quote.language is None and quote.datatype is None, quote
