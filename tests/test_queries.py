"""The canned queries: headers, expected results on the frozen fixture data, the same rows on every engine,
safe binding of parameter values, and rendering of results.

Every answer here is an answer on ``tests/fixtures/graph/data/`` (``COOPGRAPH_DATA``, see ``conftest.py``):
a snapshot of the shipped data plus a fictional third instrument, Singapore–Fixtureland (``XC``, in Central
Asia), so that a new agreement in ``data/`` changes none of them."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from coopgraph import answers, queries, resources, vocab
from coopgraph.load import GRAPH_BASE, graph_iri_for, load_shipped
from coopgraph.stores import EmbeddedStore, normalize_results, strip_comments, to_oxigraph, with_values

ID = "https://w3id.org/coopgraph/id/"
CG = "https://w3id.org/coopgraph/ontology#"
REGISTRY = queries.registry()
NAMES = sorted(REGISTRY)
FIXTURE_GRAPH = Path(__file__).parent / "fixtures" / "graph"
EXPECTED = FIXTURE_GRAPH / "expected"

pytestmark = pytest.mark.usefixtures("fixture_data")

#: The questions of the design notes ("Questions users ask", 1–13) and the queries that answer them.
QUESTIONS = {
    1: ["instruments-between-states"],
    2: ["signatories"],
    3: ["legal-status"],
    4: ["assistance-forms"],
    5: ["instruments-by-crime-type", "partners-covering-crime-and-assistance"],
    6: ["first-of-its-kind-in-region"],
    7: ["signing-occasions"],
    8: ["regional-framework-instruments"],
    9: ["visit-site-visits"],
    10: ["signed-not-in-force"],
    11: ["evidence"],
    12: ["timeline"],
    13: ["partners-with-several-instruments"],
}
HOSTILE = [">", '"', "}", "a\nb", "} ; DROP ALL", "<script>alert(1)</script>", "\\", "' . ?s ?p ?o . #"]


# --- helpers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(fixture_data: Path) -> Dataset:
    data = load_shipped()
    data.default_union = True
    return data


@pytest.fixture(scope="module")
def store(dataset: Dataset) -> EmbeddedStore:
    return EmbeddedStore.from_dataset(dataset)


def ordered(query: queries.CannedQuery) -> bool:
    return re.search(r"\bORDER\s+BY\b", strip_comments(query.text), re.IGNORECASE) is not None


def row_list(document: dict) -> list[str]:
    """Each row as one comparable string (its terms, in the column order of the head)."""
    names = document["head"]["vars"]
    return [
        json.dumps([row.get(name) for name in names], sort_keys=True)
        for row in document["results"]["bindings"]
    ]


def assert_same_rows(actual: dict, expected: dict, keep_order: bool) -> None:
    assert actual["head"]["vars"] == expected["head"]["vars"]
    if keep_order:
        assert row_list(actual) == row_list(expected)
    else:
        assert Counter(row_list(actual)) == Counter(row_list(expected))


def on_rdflib(dataset: Dataset, query: queries.CannedQuery, raw: dict[str, str]) -> dict:
    """The answer of rdflib's SPARQL engine, with the parameters as initBindings (without the given
    parameters' columns, as queries.run gives it)."""
    bindings = queries.bind(query, raw)
    result = dataset.query(query.text, initBindings=bindings)
    return queries.without_parameters(
        normalize_results(json.loads(result.serialize(format="json"))), bindings
    )


def on_values_block(store: EmbeddedStore, query: queries.CannedQuery, raw: dict[str, str]) -> dict:
    """The answer when the parameters are a VALUES block in the text, as a remote store gets them (on the
    store's merged default graph: what a union of graphs does to the rows is tested with restated triples
    below)."""
    bindings = queries.bind(query, raw)
    results = store.store.query(with_values(query.text, bindings))
    answer = normalize_results(json.loads(results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)))
    return queries.without_parameters(answer, bindings)


def expected_results(name: str) -> dict:
    """The expected results of a query on the fixture data (``tests/fixtures/graph/expected/NAME.srj``),
    normalised."""
    path = EXPECTED / f"{name}.srj"
    return normalize_results(json.loads(path.read_text(encoding="utf-8")))


def rows(document: dict) -> list[dict[str, str]]:
    """The rows with each term reduced to its value, for reading assertions."""
    return [{k: v["value"] for k, v in row.items()} for row in document["results"]["bindings"]]


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    return rows(queries.run(REGISTRY[name], params, store))


# --- the registry and the headers ---------------------------------------------------------------------------


def test_every_question_has_a_tested_query() -> None:
    for number, names in QUESTIONS.items():
        for name in names:
            assert name in REGISTRY, f"question {number}: no query {name}"
            assert (EXPECTED / f"{name}.srj").is_file(), f"{name}: no expected results"


def test_every_query_has_expected_results_and_every_result_a_query() -> None:
    missing = [n for n in NAMES if not (EXPECTED / f"{n}.srj").is_file()]
    assert not missing, f"write them: .venv/bin/python {FIXTURE_GRAPH / 'write_expected.py'}"
    assert sorted(path.stem for path in EXPECTED.glob("*.srj")) == NAMES
    assert not list(resources.directory("queries").glob("*.srj")), "expected results live under tests/"


def test_the_answers_come_from_the_fixture_data(dataset: Dataset, fixture_data: Path) -> None:
    """The module's graph is the ontology and the fixture data, named as the shipped files are named."""
    data_files = sorted(fixture_data.rglob("*.ttl"))
    assert resources.shipped_files("data") == data_files
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {str(graph_iri_for(path)) for path in resources.graph_files()}
    assert GRAPH_BASE + "data/instruments/sg-xc-mla-2026" in graphs
    assert GRAPH_BASE + "data/instruments/sg-kz-mla-2025" in graphs


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name: str) -> None:
    query = REGISTRY[name]
    assert query.title and query.title != name
    assert query.question.endswith(("?", "."))
    assert query.notes
    for parameter in query.parameters:
        assert parameter.type in queries.TYPES
        assert parameter.description
        queries.bind(query, {parameter.name: parameter.example} | query.examples())


@pytest.mark.parametrize("name", NAMES)
def test_parameters_follow_the_binding_rules(name: str) -> None:
    """Each parameter is projected (pyoxigraph substitutes it) or, in a query that aggregates one sorted
    sub-select, used in that sub-select (where the VALUES block goes, see with_values); never under BOUND();
    and the query is plain SPARQL 1.1 that rdflib's parser reads too."""
    query = REGISTRY[name]
    projected = {str(v) for v in prepareQuery(query.text).algebra["PV"]}
    sparql = strip_comments(query.text)
    for parameter in query.parameters:
        if parameter.name not in projected:
            assert re.search(r"\bWHERE\s*\{\s*SELECT\b", sparql, re.IGNORECASE), (
                f"?{parameter.name} is out of reach"
            )
        assert not re.search(rf"BOUND\s*\(\s*\?{parameter.name}\b", sparql, re.IGNORECASE)
    assert not re.search(r"SELECT\s+(DISTINCT\s+)?\*", sparql, re.IGNORECASE)


@pytest.mark.parametrize("name", NAMES)
def test_rows_do_not_depend_on_repeated_triples(name: str) -> None:
    """A store whose default graph is the union of the named graphs as a bag answers once per copy of a
    triple: a query without aggregates is SELECT DISTINCT, and an aggregate that counts or adds values
    takes DISTINCT ones (MIN, MAX and SAMPLE do not change with copies)."""
    sparql = strip_comments(REGISTRY[name].text)
    sums = re.findall(r"\b(COUNT|SUM|AVG|GROUP_CONCAT)\s*\(\s*(DISTINCT\b)?", sparql, re.IGNORECASE)
    if sums or re.search(r"\bGROUP\s+BY\b", sparql, re.IGNORECASE):
        assert all(distinct for _, distinct in sums), f"{name}: an aggregate counts every copy"
    else:
        first = re.search(r"\bSELECT\s+(\w+)", sparql, re.IGNORECASE)
        assert first and first.group(1).upper() == "DISTINCT", f"{name}: not SELECT DISTINCT"


@pytest.mark.parametrize("name", NAMES)
def test_class_and_property_lists_are_complete(ontology: Graph, name: str) -> None:
    """The queries name a class with its subclasses (a property with its sub-properties) in explicit lists,
    not through rdfs:subClassOf* paths: each list must hold every subclass the ontology declares, and a
    single class in ``a cg:Class`` must have none."""
    sparql = strip_comments(REGISTRY[name].text)
    prefixes = dict(re.findall(r"PREFIX\s+(\w*):\s*<([^>]*)>", sparql, re.IGNORECASE))

    def expand(prefixed: str) -> URIRef:
        prefix, local = prefixed.split(":", 1)
        return URIRef(prefixes[prefix] + local)

    lists = re.findall(r"\bIN\s*\(([^)]*)\)", sparql) + re.findall(r"VALUES\s+\?\w+\s*\{([^}]*)\}", sparql)
    for listed in lists:
        members = {expand(term) for term in re.findall(r"\b(\w+:\w[\w-]*)", listed)}
        for member in members:
            below = set(ontology.transitive_subjects(RDFS.subClassOf, member))
            below |= set(ontology.transitive_subjects(RDFS.subPropertyOf, member))
            assert below <= members, f"{name}: a list with <{member}> lacks {sorted(below - members)}"
    for single in re.findall(r"\ba\s+(cg:\w+)", sparql):
        below = set(ontology.transitive_subjects(RDFS.subClassOf, expand(single))) - {expand(single)}
        assert not below, f"{name}: `a {single}` misses its subclasses {sorted(below)}"


def test_listing_entries_have_the_documented_shape() -> None:
    for query in REGISTRY.values():
        entry = query.to_json()
        assert list(entry) == ["name", "title", "question", "parameters"]
        for parameter in entry["parameters"]:
            assert list(parameter) == ["name", "type", "required", "example"]
            assert isinstance(parameter["required"], bool)


# --- answers on the shipped data ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_answer_equals_expected_results(store: EmbeddedStore, name: str) -> None:
    query = REGISTRY[name]
    assert_same_rows(queries.run(query, query.examples(), store), expected_results(name), ordered(query))


def example_cases() -> list[tuple[str, bool]]:
    cases = [(name, False) for name in NAMES]
    cases += [
        (name, True) for name in NAMES if REGISTRY[name].examples(optional=True) != REGISTRY[name].examples()
    ]
    return cases


@pytest.mark.parametrize(("name", "optional"), example_cases(), ids=lambda v: str(v))
def test_engines_give_the_same_rows(
    dataset: Dataset, store: EmbeddedStore, name: str, optional: bool
) -> None:
    """rdflib (initBindings), pyoxigraph (substitutions) and pyoxigraph with a VALUES block agree."""
    query = REGISTRY[name]
    raw = query.examples(optional=optional)
    expected = queries.run(query, raw, store)
    assert_same_rows(on_rdflib(dataset, query, raw), expected, ordered(query))
    assert_same_rows(on_values_block(store, query, raw), expected, ordered(query))


# --- triples stated in more than one named graph ------------------------------------------------------------


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> Dataset:
    """The graph plus a copy of every one of its files under another name, so in a named graph of its
    own (``…/graph/user/restated-…``): every triple then stands in two named graphs, as when a user's file
    restates shipped facts (``state:SG a cg:State``, a body's mandate, a whole instrument)."""
    folder = tmp_path_factory.mktemp("restated")
    copies = []
    for path in resources.graph_files():
        relative = str(graph_iri_for(path)).removeprefix(GRAPH_BASE)  # data/reference/states
        copy = folder / f"restated-{relative.replace('/', '-')}.ttl"
        shutil.copyfile(path, copy)
        copies.append(copy)
    data = load_shipped(copies)
    data.default_union = True
    return data


@pytest.fixture(scope="module")
def bag_union(restated: Dataset) -> pyoxigraph.Store:
    """A plain pyoxigraph store of the same quads: its union default graph keeps one copy of a triple per
    named graph that holds it (bag semantics), the worst case a store with several default graphs gives."""
    store = pyoxigraph.Store()
    store.bulk_extend(
        pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g))
        for s, p, o, g in restated.quads((None, None, None, None))
    )
    return store


def test_restated_triples_stand_in_two_named_graphs(restated: Dataset, bag_union: pyoxigraph.Store) -> None:
    """The fixture does what the tests below rely on: shipped triples repeated across named graphs."""
    singapore = (URIRef(ID + "state/SG"), RDF.type, URIRef(CG + "State"))
    graphs = {str(g) for _, _, _, g in restated.quads(singapore)}
    assert len(graphs) == 2 and GRAPH_BASE + "user/restated-data-reference-states" in graphs
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ID}state/SG> a <{CG}State> }}"
    (solution,) = bag_union.query(count, use_default_graph_as_union=True)
    assert solution["n"].value == "2"


@pytest.mark.parametrize(("name", "optional"), example_cases(), ids=lambda v: str(v))
def test_triples_stated_twice_give_the_same_rows(
    store: EmbeddedStore, bag_union: pyoxigraph.Store, name: str, optional: bool
) -> None:
    """Every canned query gives the rows it gives on the shipped graph when triples are repeated across
    named graphs, on pyoxigraph's union of the named graphs (a bag: one solution per copy unless the query
    is DISTINCT or counts DISTINCT values). rdflib is not asked: its union default graph is the RDF merge (a
    set), the graph of test_engines_give_the_same_rows. The expected rows are those of the .srj file, or
    the embedded store's on the shipped graph for the optional values (the same as rdflib's:
    test_engines_give_the_same_rows)."""
    query = REGISTRY[name]
    raw = query.examples(optional=optional)
    expected = queries.run(query, raw, store) if optional else expected_results(name)
    bindings = queries.bind(query, raw)
    projected = {str(v) for v in prepareQuery(query.text).algebra["PV"]}
    substituted = {k: v for k, v in bindings.items() if k in projected}
    text = with_values(query.text, {k: v for k, v in bindings.items() if k not in projected})
    substitutions = {pyoxigraph.Variable(k): to_oxigraph(v) for k, v in substituted.items()}
    results = bag_union.query(text, substitutions=substitutions, use_default_graph_as_union=True)
    answer = normalize_results(json.loads(results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)))
    assert_same_rows(queries.without_parameters(answer, bindings), expected, ordered(query))


def test_first_treaty_with_a_central_asian_state_is_reproduced(store: EmbeddedStore) -> None:
    """The press release claims "the first such treaty Singapore has signed with a Central Asian State"; the
    fixture's later treaty with Fixtureland (also in Central Asia) is not the first."""
    found = run(store, "first-of-its-kind-in-region", state="SG", region="143", designation="treaty")
    assert [(r["instrument"], r["first"], r.get("claim")) for r in found] == [
        (
            ID + "instrument/sg-kz-mla-2025",
            "true",
            ID + "claim/sg-kz-mla-2025-first-with-central-asian-state",
        ),
        (ID + "instrument/sg-xc-mla-2026", "false", None),
    ]
    assert [r["partner"] for r in found] == [ID + "state/KZ", ID + "state/XC"]


EARLIER_TREATY = """
@prefix cg: <https://w3id.org/coopgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/coopgraph/id/> .
<https://w3id.org/coopgraph/id/state/UZ> a cg:State ; rdfs:label "Uzbekistan"@en ; cg:isoAlpha2 "UZ" ;
    cg:inM49Region <https://w3id.org/coopgraph/id/m49/143> .
<https://w3id.org/coopgraph/id/instrument/sg-uz-test-2020> a cg:BilateralInstrument ;
    rdfs:label "test treaty"@en ;
    cg:hasDesignation <https://w3id.org/coopgraph/id/designation/treaty> ;
    cg:hasParty <https://w3id.org/coopgraph/id/state/SG> , <https://w3id.org/coopgraph/id/state/UZ> .
<https://w3id.org/coopgraph/id/event/sg-uz-test-2020-signing> a cg:SigningEvent ;
    cg:concernsInstrument <https://w3id.org/coopgraph/id/instrument/sg-uz-test-2020> ;
    cg:onDate "{date}"^^xsd:date .
"""


@pytest.mark.parametrize(
    ("date", "kz_first", "uz_first", "xc_first"),
    [
        ("2020-03-01", "false", "true", "false"),
        ("2025-09-08", "false", "false", "false"),
        ("2026-01-01", "true", "false", "false"),
        ("2026-03-02", "true", "false", "false"),
        ("2027-01-01", "true", "false", "false"),
    ],
)
def test_an_earlier_treaty_in_the_region_makes_the_claim_false(
    tmp_path: Path, date: str, kz_first: str, uz_first: str, xc_first: str
) -> None:
    extra = tmp_path / "earlier.ttl"
    extra.write_text(EARLIER_TREATY.replace("{date}", date), encoding="utf-8")
    store = EmbeddedStore.shipped([extra])
    found = run(store, "first-of-its-kind-in-region", state="SG", region="143", designation="treaty")
    firsts = {r["instrument"].rsplit("/", 1)[1]: r["first"] for r in found}
    assert firsts == {"sg-kz-mla-2025": kz_first, "sg-uz-test-2020": uz_first, "sg-xc-mla-2026": xc_first}
    # Central Asia lies in Asia (142): the same answer for the broader region.
    broader = run(store, "first-of-its-kind-in-region", state="SG", region="142", designation="treaty")
    assert {r["instrument"].rsplit("/", 1)[1]: r["first"] for r in broader} == firsts


def test_an_undated_treaty_makes_first_uncertain(tmp_path: Path) -> None:
    """A treaty in the region with no recorded date may be the earlier one: no instrument is first, and the
    undated one is not listed (it cannot be placed)."""
    extra = tmp_path / "undated.ttl"
    text = EARLIER_TREATY.replace('    cg:onDate "{date}"^^xsd:date .', "    .").replace(" ;\n    .", " .")
    extra.write_text(text, encoding="utf-8")
    store = EmbeddedStore.shipped([extra])
    found = run(store, "first-of-its-kind-in-region", state="SG", region="143", designation="treaty")
    assert {r["instrument"].rsplit("/", 1)[1]: r["first"] for r in found} == {
        "sg-kz-mla-2025": "false",
        "sg-xc-mla-2026": "false",
    }


def test_optional_partner_narrows_the_instruments(store: EmbeddedStore) -> None:
    every = {r["instrument"] for r in run(store, "instruments-between-states", state="SG")}
    assert every == {
        ID + "instrument/kh-sg-mou-2025",
        ID + "instrument/sg-kz-mla-2025",
        ID + "instrument/sg-xc-assistance-2004",
        ID + "instrument/sg-xc-mla-2026",
    }
    with_kz = run(store, "instruments-between-states", state="SG", partner="KZ")
    assert [r["instrument"] for r in with_kz] == [ID + "instrument/sg-kz-mla-2025"]
    assert with_kz[0]["designations"] == f"{ID}designation/agreement {ID}designation/treaty"
    assert run(store, "instruments-between-states", state="KZ", partner="KH") == []


def test_kazakhstan_signing_has_no_place_but_an_occasion_in_singapore(store: EmbeddedStore) -> None:
    (found,) = run(store, "instruments-between-states", state="KZ")
    assert (found["places"], found["occasionPlaces"]) == ("", ID + "place/singapore")
    assert (found["occasions"], found["signedOn"]) == (ID + "event/iap-2025-annual-conference", "2025-09-08")


def test_cambodia_mou_date_is_an_interval(store: EmbeddedStore) -> None:
    (found,) = run(store, "instruments-between-states", state="KH")
    assert "signedOn" not in found
    assert (found["notBefore"], found["notAfter"]) == ("2025-07-07", "2025-07-09")


def test_wong_signed_nothing(store: EmbeddedStore) -> None:
    signatories = {r["signatory"] for r in run(store, "signatories")}
    assert ID + "person/lawrence-wong" not in signatories
    assert ID + "person/edwin-tong" in signatories


def test_status_filter(store: EmbeddedStore) -> None:
    assert {r["instrument"] for r in run(store, "legal-status", status="binding")} == {
        ID + "instrument/sg-kz-mla-2025",
        ID + "instrument/sg-xc-mla-2026",
    }
    assert {r["instrument"] for r in run(store, "legal-status", status="not-stated")} == {
        ID + "instrument/kh-sg-mou-2025"
    }
    assert run(store, "legal-status", status="non-binding") == []


def test_evidence_filter_by_fact_and_subject(store: EmbeddedStore) -> None:
    k5 = run(store, "evidence", fact="K5")
    assert k5 and {r["supportsFact"] for r in k5} == {"K5"}
    every = run(store, "evidence")
    assert len(every) > len(k5)
    subject = ID + "instrument/kh-sg-mou-2025"
    about = run(store, "evidence", subject=subject)
    assert about and {r["subjectLabel"] for r in about} == {
        r["subjectLabel"] for r in every if r["subject"] == subject
    }
    assert run(store, "evidence", fact="K99") == []


def test_minimum_number_of_instruments(store: EmbeddedStore) -> None:
    several = run(store, "partners-with-several-instruments", state="SG")
    assert [(r["partner"], r["instruments"]) for r in several] == [(ID + "state/XC", "2")]
    shared = run(store, "partners-with-several-instruments", state="SG", minimum="1")
    assert {(r["partner"], r["instruments"]) for r in shared} == {
        (ID + "state/KH", "1"),
        (ID + "state/KZ", "1"),
        (ID + "state/XC", "2"),
    }
    assert run(store, "partners-with-several-instruments", state="SG", minimum="3") == []


def test_crime_type_filter(store: EmbeddedStore) -> None:
    found = run(store, "instruments-by-crime-type", crimeType="money-laundering")
    assert {r["instrument"] for r in found} == {
        ID + "instrument/kh-sg-mou-2025",
        ID + "instrument/sg-xc-mla-2026",
    }


def test_partners_covering_a_crime_and_a_form(store: EmbeddedStore) -> None:
    """Kazakhstan covers money laundering through crime in general, Fixtureland by naming it; Cambodia's
    MOU names it but provides no confiscation of proceeds."""
    found = run(
        store,
        "partners-covering-crime-and-assistance",
        state="SG",
        crimeType="money-laundering",
        form="restraining-and-confiscating-proceeds",
    )
    assert {r["partner"].rsplit("/", 1)[1]: r["covers"] for r in found} == {
        "KH": "false",
        "KZ": "true",
        "XC": "true",
    }


def test_timeline_spans_the_years(store: EmbeddedStore) -> None:
    found = run(store, "timeline", state="SG")
    assert [(r["year"], r["instrument"].rsplit("/", 1)[1], r["designations"]) for r in found] == [
        ("2004", "sg-xc-assistance-2004", ID + "designation/agreement"),
        ("2025", "kh-sg-mou-2025", ID + "designation/memorandum-of-understanding"),
        ("2025", "sg-kz-mla-2025", f"{ID}designation/agreement {ID}designation/treaty"),
        ("2026", "sg-xc-mla-2026", ID + "designation/treaty"),
    ]


def test_signed_between_dates(store: EmbeddedStore) -> None:
    july = run(store, "instruments-signed-between", **{"from": "2025-07-01", "to": "2025-08-31"})
    assert {r["instrument"] for r in july} == {ID + "instrument/kh-sg-mou-2025"}
    partly = run(store, "instruments-signed-between", **{"from": "2025-07-08", "to": "2025-07-08"})
    assert {r["certain"] for r in partly} == {"false"}
    assert run(store, "instruments-signed-between", **{"from": "2025-07-10", "to": "2025-09-07"}) == []


def test_search_is_case_insensitive(store: EmbeddedStore) -> None:
    assert {r["thing"] for r in run(store, "search", text="TONG")} == {ID + "person/edwin-tong"}
    assert ID + "body/sg-anti-scam-command" in {r["thing"] for r in run(store, "search", text="ascom")}


# --- parameter values ---------------------------------------------------------------------------------------


def test_bind_turns_values_into_terms() -> None:
    query = queries.parse_text(
        "# Parameters:\n"
        "#   ?state state-code required SG the state\n"
        "#   ?region m49-code optional 143 region\n"
        "#   ?day date optional 2025-09-08 day\n"
        "#   ?n integer optional 2 count\n"
        "#   ?thing instrument optional sg-kz-mla-2025 it\n"
        "#   ?words text optional x words\n"
        "SELECT ?state ?region ?day ?n ?thing ?words WHERE { ?state ?region ?day . ?n ?thing ?words }",
        "t",
    )
    bound = queries.bind(
        query,
        {
            "state": "sg",
            "region": "35",
            "day": "2025-02-28",
            "n": "-3",
            "thing": "https://example.org/x",
            "words": "a",
        },
    )
    assert bound == {
        "state": URIRef(ID + "state/SG"),
        "region": URIRef(ID + "m49/035"),
        "day": Literal("2025-02-28", datatype=XSD.date),
        "n": Literal(-3, datatype=XSD.integer),
        "thing": URIRef("https://example.org/x"),
        "words": Literal("a"),
    }
    assert queries.bind(query, {"state": "KZ", "thing": "kh-sg-mou-2025"})["thing"] == URIRef(
        ID + "instrument/kh-sg-mou-2025"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "needs state"),
        ({"state": "SG", "colour": "red"}, "no parameter 'colour'"),
        ({"state": "SGP"}, "ISO 3166-1 alpha-2"),
        ({"state": "S}"}, "ISO 3166-1 alpha-2"),
        ({"state": "SG", "day": "2025-02-30"}, "no such day"),
        ({"state": "SG", "day": "8 Sep 2025"}, "YYYY-MM-DD"),
        ({"state": "SG", "n": "2.5"}, "integer"),
        ({"state": "SG", "iri": "https://example.org/a>b"}, "absolute IRI"),
        ({"state": "SG", "iri": "https://example.org/a b"}, "absolute IRI"),
        ({"state": "SG", "iri": "no-scheme"}, "no scheme"),
        ({"state": "SG", "thing": "Not A Slug"}, "slug"),
        ({"state": "SG", "region": "1434"}, "M49"),
        ({"state": "SG", "words": ""}, "empty"),
    ],
)
def test_bad_values_are_refused(raw: dict[str, str], message: str) -> None:
    query = queries.parse_text(
        "# Parameters:\n"
        "#   ?state state-code required SG the state\n"
        "#   ?region m49-code optional 143 region\n"
        "#   ?day date optional 2025-09-08 day\n"
        "#   ?n integer optional 2 count\n"
        "#   ?iri iri optional https://example.org/ it\n"
        "#   ?thing instrument optional sg-kz-mla-2025 it\n"
        "#   ?words text optional x words\n"
        "SELECT ?state ?region ?day ?n ?iri ?thing ?words\n"
        "WHERE { ?state ?region ?day . ?n ?iri ?thing . ?words ?a ?b }",
        "t",
    )
    with pytest.raises(queries.QueryError, match=re.escape(message)):
        queries.bind(query, raw)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("instruments-between-states", {"state": "FR"}, "no state FR"),
        (
            "first-of-its-kind-in-region",
            {"state": "SG", "region": "014", "designation": "treaty"},
            "no UN M49 area 014",
        ),
        (
            "first-of-its-kind-in-region",
            {"state": "SG", "region": "143", "designation": "pact"},
            "no designation pact",
        ),
        ("signatories", {"instrument": "https://example.org/x"}, "no instrument <https://example.org/x>"),
    ],
)
def test_values_must_name_things_of_the_graph(
    store: EmbeddedStore, name: str, raw: dict, message: str
) -> None:
    with pytest.raises(queries.QueryError, match=re.escape(message)) as caught:
        queries.run(REGISTRY[name], raw, store)
    assert "it has:" in str(caught.value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_stays_a_value(dataset: Dataset, store: EmbeddedStore, value: str) -> None:
    """Hostile text bound to a text parameter matches nothing and changes nothing, on every engine."""
    query = REGISTRY["search"]
    before = len(store.store)
    for answer in (
        queries.run(query, {"text": value}, store),
        on_rdflib(dataset, query, {"text": value}),
        on_values_block(store, query, {"text": value}),
    ):
        assert answer["results"]["bindings"] == []
    assert len(store.store) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_found_exactly(tmp_path: Path, value: str) -> None:
    """A label that holds the hostile text is found by it, and the text comes back unchanged."""
    extra = tmp_path / "hostile.ttl"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    extra.write_text(
        "@prefix cg: <https://w3id.org/coopgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://example.org/p> a cg:Person ; rdfs:label "Ms {escaped} Smith" .\n',
        encoding="utf-8",
    )
    store = EmbeddedStore.shipped([extra])
    query = REGISTRY["search"]
    for answer in (
        queries.run(query, {"text": value}, store),
        on_values_block(store, query, {"text": value}),
    ):
        found = rows(answer)
        assert [(r["thing"], r["name"]) for r in found] == [("https://example.org/p", f"Ms {value} Smith")]


@pytest.mark.parametrize("value", [*HOSTILE, "SG>", "S\nG"])
def test_hostile_codes_are_refused(value: str) -> None:
    with pytest.raises(queries.QueryError):
        queries.bind(REGISTRY["instruments-between-states"], {"state": value})
    with pytest.raises(queries.QueryError):
        queries.bind(REGISTRY["evidence"], {"subject": "https://example.org/" + value})


# --- headers and files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# Parameters:\n#   ?x colour required red it\nSELECT ?x WHERE { ?x ?p ?o }",
            "unknown parameter type",
        ),
        ("# Parameters:\n#   ?x state-code maybe SG it\nSELECT ?x WHERE { ?x ?p ?o }", "a parameter line is"),
        ("# Parameters:\n#   ?x state-code required Singapore it\nSELECT ?x WHERE { ?x ?p ?o }", "example"),
        ("# Parameters:\n#   ?y state-code required SG it\nSELECT ?x WHERE { ?x ?p ?o }", "does not use it"),
        (
            "# Parameters:\n#   ?x state-code required SG a\n#   ?x state-code optional KZ b\n"
            "SELECT ?x WHERE { ?x ?p ?o }",
            "declared twice",
        ),
        ("# Parameters: ?x\nSELECT ?x WHERE { ?x ?p ?o }", "on the lines after"),
    ],
)
def test_malformed_headers_are_refused(text: str, message: str) -> None:
    with pytest.raises(queries.QueryError, match=message):
        queries.parse_text(text, "bad")


def test_header_continuation_lines() -> None:
    query = queries.parse_text(
        "# Title: A title\n# Question: Which one\n#   of them?\n# Parameters:\n"
        "#   ?x  state-code  optional  SG  the first line\n#     and the second\n# Notes: n\n"
        "SELECT ?x WHERE { ?x ?p ?o }",
        "q",
    )
    assert (query.title, query.question, query.notes) == ("A title", "Which one of them?", "n")
    assert query.parameters == [
        queries.Parameter("x", "state-code", False, "SG", "the first line and the second")
    ]


def test_file_without_header(tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    query = queries.parse_file(path)
    assert (query.name, query.title, query.parameters, query.path) == ("mine", "mine", [], path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"SELECT ?s WHERE { ?s ?p ?o ", "not a SPARQL query"),
        (b"DROP ALL", "not a SPARQL query"),
        (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "not a SPARQL query"),
        (b"\xff\xfe SELECT", "not UTF-8"),
    ],
)
def test_bad_query_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(content)
    with pytest.raises(queries.QueryError, match=message):
        queries.parse_file(path)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(queries.QueryError, match="no such file"):
        queries.parse_file(tmp_path / "none.rq")
    with pytest.raises(queries.QueryError, match="cannot read"):
        queries.parse_file(tmp_path)


def test_unknown_name_suggests_close_names() -> None:
    with pytest.raises(queries.QueryError, match="did you mean signatories"):
        queries.get("signatory")
    with pytest.raises(queries.QueryError, match="--list"):
        queries.get("zzz")


def test_user_query_with_an_unprojected_parameter_runs(tmp_path: Path, store: EmbeddedStore) -> None:
    """pyoxigraph substitutes only projected variables; the store binds the others with a VALUES block."""
    path = tmp_path / "mine.rq"
    path.write_text(
        "# Parameters:\n#   ?state state-code required SG s\n"
        "SELECT ?i WHERE { ?i <https://w3id.org/coopgraph/ontology#hasParty> ?state }\n",
        encoding="utf-8",
    )
    found = rows(queries.run(queries.parse_file(path), {"state": "KZ"}, store))
    assert found == [{"i": ID + "instrument/sg-kz-mla-2025"}]


def test_ask_queries_run(tmp_path: Path, store: EmbeddedStore) -> None:
    path = tmp_path / "ask.rq"
    path.write_text(
        "# Parameters:\n#   ?state state-code required SG s\n"
        "ASK { ?state <https://w3id.org/coopgraph/ontology#isoAlpha2> ?code }\n",
        encoding="utf-8",
    )
    answer = queries.run(queries.parse_file(path), {"state": "KZ"}, store)
    assert answer == {"head": {}, "boolean": True}
    assert answers.render(answer, "table") == "yes"
    assert answers.render(answer, "csv") == "true"


# --- rendering ----------------------------------------------------------------------------------------------

SAMPLE = {
    "head": {"vars": ["thing", "label", "count", "missing"]},
    "results": {
        "bindings": [
            {
                "thing": {"type": "uri", "value": ID + "state/SG"},
                "label": {"type": "literal", "value": 'say "hi",\nthen\tgo', "xml:lang": "en"},
                "count": {"type": "literal", "value": "2", "datatype": str(XSD.integer)},
            },
            {"thing": {"type": "bnode", "value": "b0"}, "missing": {"type": "literal", "value": "x"}},
        ]
    },
}


def test_render_json_is_the_results_document() -> None:
    assert json.loads(answers.render(SAMPLE, "json")) == SAMPLE


def test_render_csv_follows_the_sparql_csv_format() -> None:
    text = answers.render(SAMPLE, "csv")
    assert text.startswith("thing,label,count,missing\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [
        ["thing", "label", "count", "missing"],
        [ID + "state/SG", 'say "hi",\nthen\tgo', "2", ""],
        ["_:b0", "", "", "x"],
    ]


def test_render_tsv_follows_the_sparql_tsv_format() -> None:
    lines = answers.render(SAMPLE, "tsv").split("\n")
    assert lines[0] == "?thing\t?label\t?count\t?missing"
    assert lines[1].split("\t") == [f"<{ID}state/SG>", '"say \\"hi\\",\\nthen\\tgo"@en', "2", ""]
    assert lines[2].split("\t") == ["_:b0", "", "", '"x"']


def test_render_table_keeps_the_column_order() -> None:
    text = answers.render(SAMPLE, "table")
    assert "cgid:state/SG" in text and "2 rows" in text
    assert text.index("thing") < text.index("label") < text.index("count")
    empty = {"head": {"vars": ["a", "b"]}, "results": {"bindings": []}}
    assert answers.render(empty, "table") == "0 rows (columns: a, b)"


def test_render_rejects_unknown_formats() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        answers.render(SAMPLE, "xml")


# --- answers a person reads: one row per instrument, no echoed parameter, lists, labels, short forms -------

#: The canned queries whose question is about instruments: one row per instrument.
PER_INSTRUMENT = [
    "instruments-between-states",
    "timeline",
    "signed-not-in-force",
    "regional-framework-instruments",
]


@pytest.mark.parametrize("name", PER_INSTRUMENT)
def test_an_instrument_with_two_designations_is_one_row(store: EmbeddedStore, name: str) -> None:
    """Singapore–Kazakhstan is an agreement and a treaty: still one row, with both designations or
    parties in one cell."""
    query = REGISTRY[name]
    found = rows(queries.run(query, query.examples(), store))
    instruments = [r["instrument"] for r in found]
    assert instruments and len(instruments) == len(set(instruments))


@pytest.mark.parametrize(("name", "optional"), example_cases(), ids=lambda v: str(v))
def test_no_column_echoes_a_parameter(store: EmbeddedStore, name: str, optional: bool) -> None:
    query = REGISTRY[name]
    raw = query.examples(optional=optional)
    answer = queries.run(query, raw, store)
    assert not set(raw) & set(answer["head"]["vars"])


def test_a_parameter_not_given_is_a_column() -> None:
    answer = {
        "head": {"vars": ["partner", "n"]},
        "results": {"bindings": [{"partner": {"type": "uri", "value": "x:y"}}]},
    }
    assert queries.without_parameters(answer, {}) == answer
    assert queries.without_parameters(answer, {"partner": URIRef("x:y")}) == {
        "head": {"vars": ["n"]},
        "results": {"bindings": [{}]},
    }


@pytest.mark.parametrize("name", NAMES)
def test_lists_are_in_the_order_of_their_text(name: str) -> None:
    """Every list cell of the expected answers holds distinct IRIs in code point order (the order every
    store gives: queries/README.md, "Lists in a cell")."""
    for row in expected_results(name)["results"]["bindings"]:
        for term in row.values():
            items = answers.iri_list(term)
            if items is not None:
                assert items == sorted(set(items)), (name, term)


def test_a_list_cell_is_told_from_text() -> None:
    assert answers.iri_list({"type": "literal", "value": f"{ID}state/KZ {ID}state/SG"}) == [
        ID + "state/KZ",
        ID + "state/SG",
    ]
    for value in ("the state SG", "", "Note: text", f"{ID}state/KZ  {ID}state/SG"):
        assert answers.iri_list({"type": "literal", "value": value}) is None
    assert answers.iri_list({"type": "literal", "value": ID + "x", "xml:lang": "en"}) is None
    assert answers.iri_list({"type": "uri", "value": ID + "x"}) is None


@pytest.mark.parametrize(
    "value", ["SG", "sg", "cgid:state/SG", f"<{ID}state/SG>", f"{ID}state/SG", " cgid:state/SG "]
)
def test_the_forms_a_table_shows_are_taken_back(value: str) -> None:
    query = REGISTRY["instruments-between-states"]
    assert queries.bind(query, {"state": value}) == {"state": URIRef(ID + "state/SG")}


def test_short_forms_of_other_types() -> None:
    assert queries.bind(REGISTRY["claims"], {"about": "cgid:instrument/sg-kz-mla-2025"}) == {
        "about": URIRef(ID + "instrument/sg-kz-mla-2025")
    }
    designation = queries.bind(
        REGISTRY["first-of-its-kind-in-region"],
        {"state": "SG", "region": "cgid:m49/143", "designation": "cgid:designation/treaty"},
    )
    assert designation["region"] == URIRef(ID + "m49/143")
    assert designation["designation"] == URIRef(ID + "designation/treaty")
    assert queries.bind(REGISTRY["search"], {"text": "cgid:state/SG"}) == {"text": Literal("cgid:state/SG")}
    for iri in (
        ID + "state/SG",
        "https://w3id.org/coopgraph/ontology#hasParty",
        "http://www.wikidata.org/entity/Q334",
    ):
        assert vocab.expand(vocab.short(iri)) == iri


LABELLED = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/a> rdfs:label "A (fr)"@fr , "A (en)"@en , "A" ; skos:prefLabel "A (pref)"@en .
<https://example.org/b> rdfs:label "B (de)"@de , "B" .
<https://example.org/c> skos:prefLabel "C (fr)"@fr , "C (en-GB)"@en-gb .
<https://example.org/d> rdfs:label "[bold]d[/bold]"@en .
"""


def test_labels_english_first_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "labelled.ttl"
    path.write_text(LABELLED, encoding="utf-8")
    store = EmbeddedStore.of_files([path])
    things = ["a", "b", "c", "d", "e"]
    answer = {
        "head": {"vars": ["thing", "list"]},
        "results": {
            "bindings": [
                {
                    "thing": {"type": "uri", "value": f"https://example.org/{thing}"},
                    "list": {"type": "literal", "value": "https://example.org/a https://example.org/b"},
                }
                for thing in things
            ]
        },
    }
    assert answers.labels(answer, store) == {
        "https://example.org/a": "A (en)",
        "https://example.org/b": "B",
        "https://example.org/c": "C (en-GB)",
        "https://example.org/d": "[bold]d[/bold]",
    }
    table = answers.render(answer, "table", labels=answers.labels(answer, store), width=200)
    assert "A (en); B" in table and "[bold]d[/bold]" in table
    assert "https://example.org/e" in table  # no label, no prefix: the IRI as it is


def answer_of(columns: dict[str, list[str]]) -> dict:
    names = list(columns)
    count = len(next(iter(columns.values())))
    return {
        "head": {"vars": names},
        "results": {
            "bindings": [
                {n: {"type": "literal", "value": columns[n][i]} for n in names} for i in range(count)
            ]
        },
    }


WIDE = answer_of(
    {
        "instrument": ["Singapore–Kazakhstan Treaty on Mutual Legal Assistance in Criminal Matters (2025)"]
        * 2,
        "occasion": ["30th Annual Conference and General Meeting of the International Association"] * 2,
        "day": ["2025-09-08", "2025-09-09"],
    }
)


def test_a_table_when_columns_fit_wrapped() -> None:
    wide = answers.render(WIDE, "table", width=400)
    assert wide.splitlines()[0].split() == ["instrument", "occasion", "day"] and "── row" not in wide
    assert max(map(len, wide.splitlines())) <= 400
    narrow = answers.render(WIDE, "table", width=60)  # the words wrap inside their columns
    lines = narrow.splitlines()
    assert "── row" not in narrow and lines[0].split() == ["instrument", "occasion", "day"]
    assert max(map(len, lines)) <= 60 and len(lines) > 6
    assert "Singapore–Kazakhstan" in narrow  # no word is cut
    blocks = answers.render(WIDE, "table", width=30)  # even wrapped, three columns do not fit
    assert blocks.startswith("── row 1") and "── row 2" in blocks
    assert max(map(len, blocks.splitlines())) <= 30
    assert blocks.endswith("2 rows")
    assert not answers.render(WIDE, "table", width=400, count=False).endswith("2 rows")


def test_cells_are_text_not_markup() -> None:
    answer = answer_of({"label": ["[bold]x[/bold] [red]y[/] :smile:"], "n": ["1"]})
    for width in (200, 40):
        text = answers.render(answer, "table", width=width, styled=True)
        assert "[bold]x[/bold]" in text and "[red]y[/]" in text and ":smile:" in text


def test_styles_only_when_asked() -> None:
    assert "\x1b[" not in answers.render(WIDE, "table", width=400)
    assert "\x1b[" not in answers.render(WIDE, "table", width=30)
    assert "\x1b[1m" in answers.render(WIDE, "table", width=400, styled=True)


def test_a_column_repeating_the_one_before_is_shown_once() -> None:
    answer = {
        "head": {"vars": ["instrument", "instrumentLabel"]},
        "results": {
            "bindings": [
                {
                    "instrument": {"type": "uri", "value": ID + "instrument/x"},
                    "instrumentLabel": {"type": "literal", "value": "Treaty X", "xml:lang": "en"},
                }
            ]
        },
    }
    labelled = answers.render(answer, "table", labels={ID + "instrument/x": "Treaty X"}, width=200)
    assert "instrumentLabel" not in labelled and "Treaty X" in labelled
    plain = answers.render(answer, "table", width=200)
    assert "instrumentLabel" in plain and "cgid:instrument/x" in plain
