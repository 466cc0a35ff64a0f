"""The pages of ``coopgraph serve`` over plain HTTP: one real server for the module (tests/serve_server.py)
over the fixture graph and ``tests/fixtures/serve/hostile.ttl``, whose texts are markup and script.

What each page should show is asked of the library on the same files (an embedded store), so the tests name
no count and few things of the data: each kind of page answers 200 with the things and evidence the library
finds, the IRIs dereference (303 by ``Accept``, ``Vary: Accept``), the unknown is 404, bad parameters give
the form again with the library's message and 400, every hostile text is shown as text, and every page has
its landmarks and labelled form controls.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, URIRef
from serve_server import start_serve

from coopgraph import queries, vocab
from coopgraph.serve import pages
from coopgraph.serve.app import Settings
from coopgraph.stores import EmbeddedStore

HOSTILE = Path(__file__).parent / "fixtures" / "serve" / "hostile.ttl"
HOSTILE_INSTRUMENT = "https://w3id.org/coopgraph/id/instrument/sg-xc-hostile-2027"
CG = str(vocab.CG)
CGID = str(vocab.CGID)
TIMEOUT = 30
#: the most rows a page shows (coopgraph serve's default)
ROW_LIMIT = Settings().row_limit


@pytest.fixture(scope="module")
def server(fixture_data: Path) -> Iterator[str]:
    with start_serve([HOSTILE]) as (url, _):
        yield url


@pytest.fixture(scope="module")
def library(fixture_data: Path) -> EmbeddedStore:
    """The same graph as the server's, asked through the library."""
    return EmbeddedStore.shipped([HOSTILE])


def get(server: str, path: str, **kwargs) -> requests.Response:
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(urljoin(server, path), **kwargs)


def rows(results: dict) -> list[dict]:
    return results.get("results", {}).get("bindings", [])


def select(store: EmbeddedStore, sparql: str) -> list[str]:
    """The values of the first column of a query's answer."""
    found = store.query(f"PREFIX cg: <{CG}> PREFIX skos: <{vocab.SKOS}> {sparql}")
    return [next(iter(row.values()))["value"] for row in rows(found)]


class Page(HTMLParser):
    """What a test needs of an HTML page: its elements (tag, attributes) and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    @property
    def links(self) -> set[str]:
        return {attrs["href"] for attrs in self.tags("a") if "href" in attrs}

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.texts))


def page(server: str, path: str, status: int = 200, **kwargs) -> Page:
    answer = get(server, path, **kwargs)
    assert answer.status_code == status, (path, answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith("text/html")
    return Page(answer.text)


def assert_accessible(found: Page) -> None:
    """Landmarks, the language, a skip link to the main content, a label for every form control."""
    assert found.tags("html")[0].get("lang") == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert found.tags(landmark), landmark
    assert found.tags("main")[0].get("id") == "main"
    assert any(a.get("href") == "#main" and "skip" in a.get("class", "") for a in found.tags("a"))
    labelled = {attrs.get("for") for attrs in found.tags("label")}
    for tag in ("input", "select", "textarea"):
        for control in found.tags(tag):
            if control.get("type") in ("hidden", "submit"):
                continue
            assert control.get("id") in labelled, (tag, control)


# --- the home page ------------------------------------------------------------------------------------------


def test_the_home_page_lists_every_instrument_with_its_parties_and_designations(server, library):
    found = page(server, "/")
    assert_accessible(found)
    answer = queries.run(pages.page_query("instruments"), {}, library)
    assert rows(answer)
    for row in rows(answer):
        assert pages.page_url(row["instrument"]["value"]) in found.links
        for field in ("parties", "designations"):
            for iri in row[field]["value"].split():
                assert pages.page_url(iri) in found.links
    assert pages.page_url(HOSTILE_INSTRUMENT) in found.links


def instrument_links(found: Page) -> set[str]:
    return {a["href"] for a in found.tags("a") if "instrument" in a.get("class", "")}


def test_the_home_page_filters_as_the_library_does(server, library):
    query = pages.page_query("instruments")
    states = {row["state"]["value"] for row in rows(queries.run(pages.page_query("network"), {}, library))}
    days = sorted(select(library, "SELECT ?day WHERE { ?signing cg:onDate ?day }"))
    filters = [{"party": state.rsplit("/", 1)[1]} for state in sorted(states)]
    filters += [
        {"designation": "treaty"},
        {"from": days[-1]},
        {"to": days[0]},
        {"from": days[0], "to": days[-1]},
    ]
    for given in filters:
        expected = {
            pages.page_url(row["instrument"]["value"]) for row in rows(queries.run(query, given, library))
        }
        assert instrument_links(page(server, "/", params=given)) == expected, given


def test_a_bad_filter_gives_the_form_again_with_the_error(server):
    for given, words in (({"party": "ZZ"}, "no state ZZ"), ({"from": "2025-13-01"}, "no such day")):
        found = page(server, "/", 400, params=given)
        assert words in found.text
        assert found.tags("form") and not instrument_links(found)


# --- a page per thing ---------------------------------------------------------------------------------------

KINDS = {
    "instrument": "?x cg:hasParty ?p",
    "state": "?i cg:hasParty ?x . ?x a cg:State",
    "person": "?x a cg:Person",
    "body": "?x a cg:GovernmentBody",
    "event": "?x a cg:SigningCeremony",
    "claim": "?x a cg:Claim",
    "source": "?p cg:paragraphOf ?x",
    "paragraph": "?x cg:paragraphText ?t",
    "evidence": "?x a cg:Evidence ; cg:quote ?q",
    "scheme": "?x a skos:ConceptScheme",
    "concept": "?x skos:inScheme ?s",
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_thing_has_a_page_named_by_its_label(server, library, kind):
    things = select(
        library, f"SELECT DISTINCT ?x WHERE {{ {KINDS[kind]} FILTER(isIRI(?x)) }} ORDER BY ?x LIMIT 1"
    )
    assert things, kind
    iri = things[0]
    found = page(server, pages.page_url(iri))
    assert_accessible(found)
    label = pages.shown(iri, pages.label_all(library, [{"x": {"type": "uri", "value": iri}}]))
    assert label in found.text
    assert iri in found.text
    assert pages.data_url(iri, "ttl") in found.links


def test_an_instrument_page_shows_the_paragraph_and_quote_beside_each_fact(server, library):
    iri = select(library, "SELECT ?x WHERE { ?x cg:hasParty ?p ; cg:hasEvidence ?e } ORDER BY ?x LIMIT 1")[0]
    answer = get(server, pages.page_url(iri))
    found = Page(answer.text)
    backed = [row for row in rows(queries.run(pages.page_query("statements"), {"thing": iri}, library))]
    backed = [row for row in backed if "paragraph" in row]
    assert backed
    for row in backed:
        assert pages.page_url(row["paragraph"]["value"]) in found.links
        assert pages.page_url(row["evidence"]["value"]) in found.links
        assert " ".join(row["quote"]["value"].split()) in found.text
        assert f">¶{row['paragraphNumber']['value']}</a>" in answer.text
    signers = queries.run(queries.get("signatories"), {"instrument": iri}, library)
    for row in rows(signers):
        assert pages.page_url(row["signatory"]["value"]) in found.links


def test_a_paragraph_page_marks_the_words_quoted_from_it(server, library):
    paragraph = select(
        library,
        "SELECT ?x WHERE { ?e cg:inParagraph ?x ; cg:quote ?q . ?x cg:paragraphText ?t } ORDER BY ?x LIMIT 1",
    )[0]
    answer = get(server, pages.page_url(paragraph))
    quotes = select(library, f"SELECT ?q WHERE {{ ?e cg:inParagraph <{paragraph}> ; cg:quote ?q }}")
    marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", answer.text, re.S)]
    assert quotes and marked
    for quote in quotes:
        assert any(quote in m for m in marked), quote


# --- identifiers: 303 by Accept, RDF, the ontology, any IRI, 404 ------------------------------------------


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None),
        (None, None),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("text/html;q=0.5, text/turtle", ".ttl"),
    ],
)
def test_a_things_iri_answers_303_to_its_page_or_its_data(server, accept, suffix):
    headers = {"Accept": accept} if accept else {}
    answer = get(server, "/id/state/SG", headers=headers)
    assert answer.status_code == 303
    assert "accept" in answer.headers["vary"].lower()
    expected = "/page/id/state/SG" if suffix is None else f"/data/id/state/SG{suffix}"
    assert answer.headers["location"] == expected


def test_the_data_of_a_thing_is_its_statements_in_each_format(server, library):
    iri = CGID + "state/SG"
    triples = queries.run(pages.page_query("describe"), {"thing": iri}, library)["triples"]
    for suffix, media, rdf_format in (
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
    ):
        answer = get(server, f"/data/id/state/SG.{suffix}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
        graph = Graph().parse(data=answer.text, format=rdf_format)
        assert {str(p) for _, p, _ in graph} == {t.predicate.value for t in triples}
        assert len(graph) == len(triples)
        assert all(s == URIRef(iri) for s, _, _ in graph)


def test_an_iri_accepting_none_of_the_formats_is_406(server):
    answer = get(server, "/id/state/SG", headers={"Accept": "image/png"})
    assert answer.status_code == 406 and "accept" in answer.headers["vary"].lower()


def test_the_ontology_answers_303_to_a_page_with_an_anchor_per_term_or_to_turtle(server, library):
    assert get(server, "/ontology").headers["location"] == "/page/ontology"
    assert (
        get(server, "/ontology", headers={"Accept": "text/turtle"}).headers["location"]
        == "/data/ontology.ttl"
    )
    found = page(server, "/page/ontology")
    assert_accessible(found)
    anchors = {attrs["id"] for _, attrs in found.elements if "id" in attrs}
    terms = {
        row["term"]["value"] for row in rows(queries.run(pages.page_query("ontology-terms"), {}, library))
    }
    assert terms and {term[len(CG) :] for term in terms} <= anchors
    assert pages.page_url(CG + "hasParty") == "/page/ontology#hasParty"
    graph = Graph().parse(data=get(server, "/data/ontology.ttl").text, format="turtle")
    assert {URIRef(term) for term in terms} <= set(graph.subjects())
    assert (URIRef(vocab.BASE + "ontology"), None, None) in graph


def test_an_iri_outside_the_id_space_has_a_page_by_query(server, library):
    outside = f'FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "{vocab.BASE}"))'
    outside = select(library, f"SELECT ?o WHERE {{ ?s ?p ?o {outside} }} ORDER BY ?o LIMIT 1")[0]
    assert pages.page_url(outside).startswith("/page?iri=")
    found = page(server, pages.page_url(outside))
    assert outside in found.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/id/state/no-such-state", 404),
        ("/page/id/state/no-such-state", 404),
        ("/page?iri=https://example.org/nothing", 404),
        ("/page", 400),
        ("/page?iri=no%20scheme", 400),
        ("/data/id/state/no-such-state.ttl", 404),
        ("/data/id/state/SG.xml", 404),
        ("/data/ontology.xml", 404),
        ("/queries/no-such-query", 404),
    ],
)
def test_the_unknown_is_a_page_that_says_so(server, path, status):
    found = page(server, path, status)
    assert found.tags("main") and found.tags("p")


# --- escaping -----------------------------------------------------------------------------------------------

HOSTILE_PAGES = [
    "/",
    pages.page_url(HOSTILE_INSTRUMENT),
    pages.page_url(CGID + "person/mallory-hostile"),
    pages.page_url(CGID + "source/xc-hostile-2027/p1"),
    pages.page_url(CGID + "source/xc-hostile-2027"),
    "/network",
    "/queries/instruments-signed-between?run=1",
    "/queries/search?run=1&text=hostile",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_texts_are_shown_as_text(server, path):
    answer = get(server, path)
    assert answer.status_code == 200, answer.text[:300]
    for markup in (
        "<script>alert",
        "<img src=x",
        "<b>Accord",
        '<i>"the',
        "<em>hostile",
        "</td></tr></table><img",
    ):
        assert markup not in answer.text, (path, markup)
    assert "&lt;script&gt;alert(" in answer.text or "Mallory &lt;i&gt;" in answer.text


def test_hostile_iris_and_quotes_stay_in_their_attributes(server):
    answer = get(server, pages.page_url(HOSTILE_INSTRUMENT))
    assert "https://example.org/search?a=1&amp;b=&#39;2&#39;" in answer.text
    found = Page(answer.text)
    assert "/page?iri=https%3A%2F%2Fexample.org%2Fsearch%3Fa%3D1%26b%3D%272%27" in found.links
    assert "<q>&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;</q>" in answer.text


def test_a_hostile_sparql_answer_is_shown_as_text(server):
    text = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    answer = requests.post(urljoin(server, "/sparql-page"), data={"query": text}, timeout=TIMEOUT)
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in answer.text


# --- the canned questions -----------------------------------------------------------------------------------


def test_every_canned_query_is_listed_and_has_a_form_with_labelled_parameters(server):
    listing = page(server, "/queries")
    assert_accessible(listing)
    for name, query in queries.registry().items():
        assert f"/queries/{name}" in listing.links
        form = page(server, f"/queries/{name}")
        assert_accessible(form)
        inputs = {attrs["name"]: attrs for attrs in form.tags("input") if attrs.get("type") == "text"}
        assert set(inputs) == {p.name for p in query.parameters}, name
        for parameter in query.parameters:
            assert inputs[parameter.name]["placeholder"] == parameter.example
            assert ("required" in inputs[parameter.name]) == parameter.required
            assert parameter.description.split(";")[0] in form.text


def test_every_canned_query_answers_through_its_form_as_the_library_does(server, library):
    for name, query in queries.registry().items():
        examples = query.examples()
        answer = get(server, f"/queries/{name}", params={"run": "1", **examples})
        assert answer.status_code == 200, (name, answer.text[:500])
        found = Page(answer.text)
        expected = queries.run(query, examples, library)
        if "boolean" in expected:
            assert ("yes" if expected["boolean"] else "no") in found.text
            continue
        body = found.tags("tbody")
        assert len(rows(expected)) == 0 or body, name
        if rows(expected):
            count = answer.text.count("<tr>") - 1  # the header row
            assert count == min(len(rows(expected)), ROW_LIMIT), name
        for row in rows(expected)[:50]:
            for term in row.values():
                if term["type"] == "uri":
                    assert pages.page_url(term["value"]) in found.links, (name, term)


@pytest.mark.parametrize(
    ("name", "params", "words"),
    [
        ("timeline", {}, "needs state"),
        ("timeline", {"state": "S1"}, "'S1' is not"),
        ("signatories", {"instrument": "no-such-instrument"}, "has no instrument no-such-instrument"),
        ("signatories", {"nonsense": "x"}, "has no parameter 'nonsense'"),
    ],
)
def test_bad_parameters_give_the_form_again_with_the_error_and_400(server, name, params, words):
    found = page(server, f"/queries/{name}", 400, params={"run": "1", **params})
    assert words in found.text
    assert found.tags("form")
    for key, given in params.items():
        if key != "nonsense":
            assert any(
                attrs.get("name") == key and attrs.get("value") == given for attrs in found.tags("input")
            )


# --- the query page -----------------------------------------------------------------------------------------


def sparql_page(server: str, text: str) -> requests.Response:
    return requests.post(urljoin(server, "/sparql-page"), data={"query": text}, timeout=TIMEOUT)


def test_the_query_page_is_a_form_that_works_without_javascript(server, library):
    found = page(server, "/sparql-page")
    assert_accessible(found)
    form = found.tags("form")[-1]
    assert form["method"] == "post" and form["action"] == "/sparql-page"
    text = (
        f"SELECT ?s ?label WHERE {{ ?s a <{CG}State> ; <{vocab.PREFIXES['rdfs']}label> ?label }} ORDER BY ?s"
    )
    answer = sparql_page(server, text)
    assert answer.status_code == 200
    expected = rows(library.query(text))
    assert answer.text.count("<tr>") - 1 == min(len(expected), ROW_LIMIT)
    assert pages.page_url(expected[0]["s"]["value"]) in Page(answer.text).links
    by_get = get(server, "/sparql-page", params={"query": text})
    assert by_get.status_code == 200 and by_get.text.count("<tr>") == answer.text.count("<tr>")


def test_the_query_page_answers_ask_and_construct(server, library):
    assert "yes" in Page(sparql_page(server, "ASK { ?s ?p ?o }").text).text
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{CGID}state/SG>) }}"
    answer = sparql_page(server, text)
    assert answer.status_code == 200
    turtle = html.unescape(re.search(r'<pre class="rdf">(.*?)</pre>', answer.text, re.S)[1])
    assert len(Graph().parse(data=turtle, format="turtle")) == len(library.construct(text)) > 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SELEC ?x", "not a SPARQL query"),
        ("", "empty"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "not a SPARQL query"),
    ],
)
def test_the_query_page_refuses_what_it_cannot_run_with_400(server, text, words):
    answer = sparql_page(server, text)
    assert answer.status_code == 400
    found = Page(answer.text)
    assert words in found.text
    assert found.tags("textarea")


# --- the network, the code lists ----------------------------------------------------------------------------


def test_the_network_links_every_state_and_instrument_in_svg_drawn_on_the_server(server, library):
    found = page(server, "/network")
    assert_accessible(found)
    pairs = rows(queries.run(pages.page_query("network"), {}, library))
    for row in pairs:
        for name in ("state", "instrument"):
            assert pages.page_url(row[name]["value"]) in found.links
    drawing = get(server, "/network.svg")
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(drawing.content)  # well-formed, hostile labels and all
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f".//{ns}a")
    assert links and all(link.find(f"{ns}title") is not None for link in links)
    assert {link.get("href") for link in links} == {
        pages.page_url(row[name]["value"]) for row in pairs for name in ("state", "instrument")
    }


def test_the_code_lists_link_to_schemes_that_list_their_concepts(server, library):
    found = page(server, "/code-lists")
    assert_accessible(found)
    schemes = select(library, "SELECT ?x WHERE { ?x a skos:ConceptScheme } ORDER BY ?x")
    assert schemes and {pages.page_url(s) for s in schemes} <= found.links
    scheme = schemes[0]
    concepts = select(library, f"SELECT ?c WHERE {{ ?c skos:inScheme <{scheme}> }}")
    assert {pages.page_url(c) for c in concepts} <= page(server, pages.page_url(scheme)).links


def test_the_pages_link_their_stylesheet_which_is_served(server):
    found = page(server, "/")
    assert any(attrs.get("href") == "/static/style.css" for attrs in found.tags("link"))
    css = get(server, "/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
