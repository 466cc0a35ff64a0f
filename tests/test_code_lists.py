"""The code lists (SKOS concept schemes in ``data/reference/schemes/``): one scheme of forms of cooperation
that replaces two deprecated ones, hierarchies without cycles, ICCS codes that nest, crime types mapped to
ICCS, and queries that still answer for data written with the deprecated vocabulary.

Every test reads the schemes as shipped and holds for any number of concepts; only the mapping of the
deprecated concepts, which the migration of the data relies on, is spelt out."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from coopgraph import queries, resources
from coopgraph.stores import EmbeddedStore

ID = "https://w3id.org/coopgraph/id/"
CG = Namespace("https://w3id.org/coopgraph/ontology#")
SCHEME = Namespace(ID + "scheme/")
CF = Namespace(ID + "cooperation-form/")
RDFS_SUB = URIRef("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
MAPPINGS = (SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch, SKOS.narrowMatch, CG.interpretiveMatch)

#: what the engineers migrating the data rely on (the brief of the code lists): old concept → new concept
REPLACEMENTS = {
    "assistance-form/executing-searches-and-seizures": "executing-searches-and-seizures",
    "assistance-form/obtaining-information-and-evidence": "obtaining-information-and-evidence",
    "assistance-form/restraining-and-confiscating-proceeds": "restraining-and-confiscating-proceeds",
    "cooperation-activity/exchange-of-views": "exchange-of-views",
    "cooperation-activity/mutual-legal-assistance-requests": "mutual-legal-assistance",
    "cooperation-activity/regional-framework-cooperation": "regional-framework-cooperation",
    "cooperation-activity/sharing-security-situation": "sharing-security-situation",
    "cooperation-activity/training-and-capacity-building": "training-and-capacity-building",
}


@pytest.fixture(scope="module")
def schemes() -> Graph:
    graph = Graph()
    folder = resources.directory("data") / "reference" / "schemes"
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def concepts_of(graph: Graph, scheme: URIRef) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, scheme))


# --- deprecation --------------------------------------------------------------------------------------------


def test_every_deprecated_concept_is_replaced_by_one_current_form_of_cooperation(schemes: Graph) -> None:
    deprecated = {
        c for c in schemes.subjects(OWL.deprecated, Literal(True)) if (c, RDF.type, SKOS.Concept) in schemes
    }
    assert deprecated, "no deprecated concept: the superseded schemes are gone?"
    for concept in deprecated:
        replacements = list(schemes.objects(concept, DCTERMS.isReplacedBy))
        assert len(replacements) == 1, concept
        (replacement,) = replacements
        assert (replacement, SKOS.inScheme, SCHEME["cooperation-form"]) in schemes, (concept, replacement)
        assert (replacement, OWL.deprecated, Literal(True)) not in schemes, replacement


def test_the_superseded_schemes_keep_every_concept_deprecated(schemes: Graph) -> None:
    for name in ("assistance-form", "cooperation-activity"):
        scheme = SCHEME[name]
        assert (scheme, OWL.deprecated, Literal(True)) in schemes
        assert (scheme, DCTERMS.isReplacedBy, SCHEME["cooperation-form"]) in schemes
        assert "superseded" in str(schemes.value(scheme, SKOS.definition))
        for concept in concepts_of(schemes, scheme):
            assert (concept, OWL.deprecated, Literal(True)) in schemes, concept


@pytest.mark.parametrize(("old", "new"), sorted(REPLACEMENTS.items()))
def test_the_agreed_replacements(schemes: Graph, old: str, new: str) -> None:
    assert schemes.value(URIRef(ID + old), DCTERMS.isReplacedBy) == CF[new]


def test_provides_assistance_is_a_deprecated_sub_property_of_provides_cooperation(ontology: Graph) -> None:
    assert (CG.providesAssistance, RDFS_SUB, CG.providesCooperation) in ontology
    assert (CG.providesAssistance, OWL.deprecated, Literal(True)) in ontology
    assert (CG.providesAssistance, DCTERMS.isReplacedBy, CG.providesCooperation) in ontology
    assert (CG.providesCooperation, OWL.deprecated, None) not in ontology


# --- hierarchies --------------------------------------------------------------------------------------------


def test_no_hierarchy_has_a_cycle(schemes: Graph) -> None:
    for concept in set(schemes.subjects(SKOS.broader, None)):
        above = set(schemes.transitive_objects(concept, SKOS.broader)) - {concept}
        assert concept not in {c for a in above for c in schemes.objects(a, SKOS.broader)}, concept


def test_broader_and_narrower_are_stated_both_ways(schemes: Graph) -> None:
    """In the schemes that state skos:narrower at all (UN M49 states only skos:broader)."""
    stating = {schemes.value(a, SKOS.inScheme) for a, _ in schemes.subject_objects(SKOS.narrower)}
    assert SCHEME["cooperation-form"] in stating and SCHEME.iccs in stating
    broader = {
        (a, b) for a, b in schemes.subject_objects(SKOS.broader) if schemes.value(a, SKOS.inScheme) in stating
    }
    narrower = {(b, a) for a, b in schemes.subject_objects(SKOS.narrower)}
    assert broader == narrower, sorted(broader ^ narrower)


def test_top_concepts_are_the_concepts_without_a_broader_one(schemes: Graph) -> None:
    for scheme in schemes.subjects(RDF.type, SKOS.ConceptScheme):
        tops = set(schemes.objects(scheme, SKOS.hasTopConcept))
        assert tops == set(schemes.subjects(SKOS.topConceptOf, scheme)), scheme
        for concept in concepts_of(schemes, scheme):
            has_broader = (concept, SKOS.broader, None) in schemes
            assert has_broader != (concept in tops), concept


def test_related_concepts_are_related_both_ways_and_not_in_one_branch(schemes: Graph) -> None:
    for a, b in schemes.subject_objects(SKOS.related):
        assert (b, SKOS.related, a) in schemes, (a, b)
        assert b not in set(schemes.transitive_objects(a, SKOS.broader)), (a, b)
        assert a not in set(schemes.transitive_objects(b, SKOS.broader)), (a, b)


# --- the forms of cooperation -------------------------------------------------------------------------------


def test_every_convention_form_of_cooperation_is_mapped_to_a_convention(schemes: Graph) -> None:
    """Each form of cooperation rests on an article of UNTOC or UNCAC, itself or through a broader form;
    the top concepts no convention names say so in an editorial note."""
    conventions = (SCHEME.untoc, SCHEME.uncac)
    for concept in concepts_of(schemes, SCHEME["cooperation-form"]):
        lineage = set(schemes.transitive_objects(concept, SKOS.broader))
        references = {r for c in lineage for m in MAPPINGS for r in schemes.objects(c, m)}
        mapped = any((r, SKOS.inScheme, s) in schemes for r in references for s in conventions)
        if not mapped:
            note = str(schemes.value(concept, SKOS.editorialNote) or "")
            assert "convention" in note.lower(), f"{concept}: no convention article and no note saying why"


def test_every_reference_of_a_form_is_described(schemes: Graph) -> None:
    for concept in concepts_of(schemes, SCHEME["cooperation-form"]):
        for mapping in MAPPINGS:
            for reference in schemes.objects(concept, mapping):
                assert (reference, SKOS.inScheme, None) in schemes, (concept, reference)


# --- ICCS and the crime types -------------------------------------------------------------------------------


def test_iccs_codes_nest(schemes: Graph) -> None:
    """Level 1 has two digits, level 2 four, level 3 five; a code starts with its broader code, and a
    category's level is one below its broader category's."""
    iccs = concepts_of(schemes, SCHEME.iccs)
    levels = {2: 1, 4: 2, 5: 3}
    for concept in iccs:
        code = str(schemes.value(concept, SKOS.notation))
        assert code.isdigit() and len(code) in levels, code
        assert str(concept).endswith("/" + code)
        broader = schemes.value(concept, SKOS.broader)
        if levels[len(code)] == 1:
            assert broader is None, code
            continue
        parent = str(schemes.value(broader, SKOS.notation))
        assert code.startswith(parent), (code, parent)
        assert levels[len(parent)] == levels[len(code)] - 1, (code, parent)


def test_iccs_has_eleven_sections_each_with_a_residual_category(schemes: Graph) -> None:
    """ICCS 1.0 has sections 01–11 (a fact of the named standard); in each, the "other …" category's code
    ends in 9."""
    sections = {
        str(schemes.value(c, SKOS.notation)) for c in schemes.objects(SCHEME.iccs, SKOS.hasTopConcept)
    }
    assert sections == {f"{n:02d}" for n in range(1, 12)}
    for section in sections:
        below = [c for c in schemes.subjects(SKOS.broader, URIRef(ID + "iccs/" + section))]
        others = [c for c in below if str(schemes.value(c, SKOS.altLabel)).startswith("Other ")]
        assert len(others) == 1, section
        assert str(schemes.value(others[0], SKOS.notation)).endswith("9"), section


def test_crime_types_are_mapped_to_iccs_but_never_exactly(schemes: Graph) -> None:
    for concept in concepts_of(schemes, SCHEME["crime-type"]):
        targets = {t for m in MAPPINGS for t in schemes.objects(concept, m)}
        exact = set(schemes.objects(concept, SKOS.exactMatch))
        assert not exact, concept
        if concept == URIRef(ID + "crime-type/crime-in-general"):
            continue
        assert any((t, SKOS.inScheme, SCHEME.iccs) in schemes for t in targets), concept


# --- queries on data written with the deprecated vocabulary -------------------------------------------------

OLD_DATA = """
@prefix cg: <https://w3id.org/coopgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/coopgraph/id/state/UZ> a cg:State ; rdfs:label "Uzbekistan"@en ; cg:isoAlpha2 "UZ" .
<https://w3id.org/coopgraph/id/instrument/sg-uz-old-2020> a cg:BilateralInstrument ;
    rdfs:label "an instrument written with the deprecated vocabulary"@en ;
    cg:hasParty <https://w3id.org/coopgraph/id/state/SG> , <https://w3id.org/coopgraph/id/state/UZ> ;
    cg:hasScope <https://w3id.org/coopgraph/id/crime-type/money-laundering> ;
    cg:providesAssistance
        <https://w3id.org/coopgraph/id/assistance-form/restraining-and-confiscating-proceeds> .
"""


@pytest.fixture(scope="module")
def old_store(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> EmbeddedStore:
    extra = tmp_path_factory.mktemp("old") / "old.ttl"
    extra.write_text(OLD_DATA, encoding="utf-8")
    return EmbeddedStore.shipped([extra])


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    document = queries.run(queries.registry()[name], params, store)
    return [{k: v["value"] for k, v in row.items()} for row in document["results"]["bindings"]]


@pytest.mark.parametrize(
    "form",
    [
        "restraining-and-confiscating-proceeds",
        str(CF["restraining-and-confiscating-proceeds"]),
        str(CF["asset-recovery-and-confiscation"]),
        str(CF["mutual-legal-assistance"]),
    ],
)
def test_old_data_still_answers_the_partners_query(old_store: EmbeddedStore, form: str) -> None:
    found = run(
        old_store,
        "partners-covering-crime-and-assistance",
        state="SG",
        crimeType="money-laundering",
        form=form,
    )
    covers = {r["partner"].rsplit("/", 1)[1]: r["covers"] for r in found}
    assert covers["UZ"] == "true"


def test_a_form_of_mutual_legal_assistance_is_not_an_exchange_of_views(old_store: EmbeddedStore) -> None:
    """The hierarchy and the related forms widen what counts, but only along the forms' own branches."""
    found = run(
        old_store,
        "partners-covering-crime-and-assistance",
        state="SG",
        crimeType="money-laundering",
        form=str(CF["exchange-of-views"]),
    )
    assert {r["partner"].rsplit("/", 1)[1]: r["providesForm"] for r in found}["UZ"] == "false"


def test_old_data_answers_the_forms_queries(old_store: EmbeddedStore) -> None:
    found = run(old_store, "assistance-forms", instrument="sg-uz-old-2020")
    assert found
    assert {r["form"] for r in found} == {ID + "assistance-form/restraining-and-confiscating-proceeds"}
    found = run(old_store, "cooperation-activities", instrument="sg-uz-old-2020")
    assert {r["property"] for r in found if "form" in r} == {str(CG.providesAssistance)}


def test_a_form_of_mutual_legal_assistance_shows_its_broader_form(old_store: EmbeddedStore) -> None:
    found = run(old_store, "assistance-forms", instrument="sg-kz-mla-2025")
    broader = {r["form"]: r.get("broaderForm") for r in found}
    assert broader[str(CF["executing-searches-and-seizures"])] == str(CF["mutual-legal-assistance"])
