"""The pages of ``coopgraph serve``: HTML a person reads, and the dereferencing of the graph's IRIs.

:func:`routes` gives the Starlette routes; :func:`coopgraph.serve.app.build_app` puts them after the SPARQL
endpoint and mounts :data:`STATIC` at ``/static``. Every page asks ``store`` through the library, as the
command line does: the canned questions with :func:`coopgraph.queries.run`, the pages' own questions (the
``.rq`` files of ``serve/queries/``, each with a header like the canned ones) the same way, the labels of
what an answer names with :func:`coopgraph.answers.labels`, RDF written by
:func:`coopgraph.answers.render_graph`. Parameters are bound as terms, never pasted into query text.

IRIs (Cool URIs for the Semantic Web, W3C Interest Group Note, 2008): a thing's IRI
``https://w3id.org/coopgraph/id/PATH`` is served at ``/id/PATH``, which answers ``303 See Other`` to its page
``/page/id/PATH`` or, when the ``Accept`` header asks for RDF, to ``/data/id/PATH.ttl`` (``.nt``,
``.jsonld``), with ``Vary: Accept``. The ontology's hash IRIs (``…/ontology#Term``) are fragments of
``/ontology``, which answers 303 to ``/page/ontology`` (an anchor per term) or ``/data/ontology.ttl``; any
other IRI of the graph has its page at ``/page?iri=…``.

Pages are plain HTML from Jinja2 templates with autoescaping: every value of the graph is escaped (the few
bits of markup built here, links and highlights, are built with :class:`markupsafe.Markup`, which escapes
what it is given). No page needs JavaScript.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from coopgraph import answers, queries, vocab
from coopgraph.errors import CoopgraphError, StoreError
from coopgraph.serve import negotiation, network

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
#: the CSS of the pages, served under /static by the app
STATIC = HERE / "static"
#: the pages' own questions, one SPARQL file each
PAGE_QUERIES = HERE / "queries"

CG = str(vocab.CG)
CGID = str(vocab.CGID)
ONTOLOGY = vocab.BASE + "ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = str(vocab.SKOS.prefLabel)
HAS_EVIDENCE = CG + "hasEvidence"
#: the RDF formats of /data/…: extension → (media type, format of answers.render_graph)
RDF_FORMATS = {
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "nt": ("application/n-triples; charset=utf-8", "nt"),
    "jsonld": ("application/ld+json", "jsonld"),
}
#: what an Accept header may ask for, in the order preferred when it likes several as much
_OFFERS = (
    ("html", ("text/html", "application/xhtml+xml")),
    ("ttl", ("text/turtle", "application/x-turtle")),
    ("jsonld", ("application/ld+json",)),
    ("nt", ("application/n-triples",)),
)
#: the most things the "what points here" list of a page shows
INCOMING_LIMIT = 1000


# --- links and terms ----------------------------------------------------------------------------------------


def page_url(iri: str) -> str:
    """The page of an IRI on this server: ``/page/id/…`` for a thing, ``/page/ontology#Term`` for a term
    of the ontology, ``/page?iri=…`` for any other IRI."""
    if iri.startswith(CGID) and len(iri) > len(CGID):
        return "/page/id/" + quote(iri[len(CGID) :], safe="/-._~:@!$&'()*+,;=")
    if iri.startswith(CG):
        return "/page/ontology#" + quote(iri[len(CG) :], safe="-._~")
    if iri == ONTOLOGY:
        return "/page/ontology"
    return "/page?" + urlencode({"iri": iri})


def data_url(iri: str, extension: str) -> str:
    """Where the RDF of a thing's own statements is, in the format of ``extension`` (ttl, nt, jsonld)."""
    if iri.startswith(CGID) and len(iri) > len(CGID):
        return "/data/id/" + quote(iri[len(CGID) :], safe="/-._~:@!$&'()*+,;=") + "." + extension
    return "/data?" + urlencode({"iri": iri, "format": extension})


def shown(iri: str, labels: Mapping[str, str]) -> str:
    """An IRI as a page shows it: its label, else its short form (:func:`coopgraph.vocab.short`)."""
    return labels.get(iri) or vocab.short(iri)


def link(iri: str, labels: Mapping[str, str]) -> Markup:
    """A link to an IRI's page, named by its label; its short form as the link's title."""
    return Markup('<a href="{}" title="{}">{}</a>').format(
        page_url(iri), vocab.short(iri), shown(iri, labels)
    )


def term_html(term: Mapping | None, labels: Mapping[str, str]) -> Markup:
    """A term of an answer as HTML: an IRI as a link to its page, a list cell (IRIs separated by spaces,
    :func:`coopgraph.answers.iri_list`) as links, a literal as its text (in its language, its datatype as
    a title)."""
    if term is None:
        return Markup("")
    value = term["value"]
    if term["type"] == "uri":
        return link(value, labels)
    if term["type"] == "bnode":
        return Markup('<span class="bnode">_:{}</span>').format(value)
    items = answers.iri_list(term)
    if items is not None:
        return Markup("; ").join(link(item, labels) for item in items)
    if "xml:lang" in term:
        return Markup('<span lang="{}">{}</span>').format(term["xml:lang"], value)
    if "datatype" in term:
        return Markup('<span class="literal" title="{}">{}</span>').format(
            vocab.short(term["datatype"]), value
        )
    return Markup("{}").format(value)


def negotiate(accept: str | None) -> str | None:
    """What an Accept header asks for most: ``html``, ``ttl``, ``jsonld`` or ``nt`` (HTML when it names
    nothing, or only ``*/*``); ``None`` when it accepts none of them (every one at ``q=0``)."""
    found = negotiation.ranges(accept or "*/*")
    best, best_quality = None, 0.0
    for name, types in _OFFERS:
        quality = max(negotiation.quality(found, media) for media in types)
        if quality > best_quality:
            best, best_quality = name, quality
    return best


# --- the pages' questions -----------------------------------------------------------------------------------


@functools.cache
def page_query(name: str) -> queries.CannedQuery:
    """One of the pages' own questions (``serve/queries/NAME.rq``), its header read as a canned query's."""
    path = PAGE_QUERIES / f"{name}.rq"
    return queries.parse_text(path.read_text(encoding="utf-8"), name, path)


def rows(results: Mapping) -> list[dict]:
    return list(results.get("results", {}).get("bindings", []))


def value(row: Mapping, name: str) -> str | None:
    term = row.get(name)
    return term["value"] if term else None


def label_all(store: object, *row_lists: Iterable[Mapping]) -> dict[str, str]:
    """The labels of every IRI of these rows, asked of the store in one question
    (:func:`coopgraph.answers.labels`)."""
    bindings = [row for found in row_lists for row in found]
    if not bindings:
        return {}
    return answers.labels({"head": {"vars": []}, "results": {"bindings": bindings}}, store)


class PageError(Exception):
    """A page that cannot be shown: its status and what to tell the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- the thing pages ----------------------------------------------------------------------------------------


@dataclass
class Statement:
    """One property and value of a thing, with the evidence that backs it."""

    property: str
    value: dict
    evidence: list[dict] = field(default_factory=list)


def _statements(found: list[dict]) -> list[Statement]:
    """The rows of ``statements.rq`` as statements, each with its evidence (once each), types and labels
    first, then by property."""
    by_key: dict[tuple, Statement] = {}
    for row in found:
        key = (row["property"]["value"], tuple(sorted(row["value"].items())))
        statement = by_key.setdefault(key, Statement(row["property"]["value"], row["value"]))
        if "evidence" in row and all(e["evidence"] != row["evidence"]["value"] for e in statement.evidence):
            statement.evidence.append({name: term["value"] for name, term in row.items()})
    first = {RDF_TYPE: 0, RDFS_LABEL: 1, SKOS_PREF_LABEL: 2}
    return sorted(by_key.values(), key=lambda s: (first.get(s.property, 3), s.property))


def _highlighted(text: str, quotes: Iterable[str]) -> Markup:
    """A paragraph's text with every occurrence of each quote marked (``<mark>``), the rest escaped."""
    covered = [False] * len(text)
    for quoted in quotes:
        if not quoted:
            continue
        start = text.find(quoted)
        while start >= 0:
            for index in range(start, start + len(quoted)):
                covered[index] = True
            start = text.find(quoted, start + 1)
    pieces: list[Markup] = []
    index = 0
    while index < len(text):
        end = index
        while end < len(text) and covered[end] == covered[index]:
            end += 1
        piece = Markup("{}").format(text[index:end])
        pieces.append(Markup("<mark>{}</mark>").format(piece) if covered[index] else piece)
        index = end
    return Markup("").join(pieces)


# --- the application's routes -------------------------------------------------------------------------------


class Pages:
    """The page handlers over one store (each runs in Starlette's thread pool: the store's calls block)."""

    def __init__(self, store: object, settings: object) -> None:
        self.store = store
        self.row_limit = int(getattr(settings, "row_limit", 1000))
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(page_url=page_url, data_url=data_url, short=vocab.short)

    # rendering

    def html(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("labels", {})
        context.setdefault("nav", "")
        page = self.env.get_template(template).render(request=request, **context)
        return HTMLResponse(page, status_code=status)

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        titles = {400: "Bad request", 404: "Not found", 406: "Not acceptable", 503: "Not available"}
        return self.html(request, "error.html", status, title=titles.get(status, "Error"), message=message)

    def run(self, name: str, params: Mapping[str, str] | None = None, *, canned: bool = False) -> dict:
        """Run a page question (or a canned one, ``canned``) with ``params`` through
        :func:`coopgraph.queries.run`."""
        query = queries.get(name) if canned else page_query(name)
        return queries.run(query, dict(params or {}), self.store)

    def guarded(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        """A handler whose errors are pages: :class:`PageError` with its status, a store that fails 503,
        bad input 400 (never a traceback)."""

        @functools.wraps(handler)
        def guard(request: Request) -> Response:
            try:
                return handler(request)
            except PageError as error:
                return self.error(request, error.status, error.message)
            except StoreError as error:
                return self.error(request, 503, f"The store could not answer: {error}")
            except CoopgraphError as error:
                return self.error(request, 400, str(error))

        return guard

    # dereferencing

    def see_other(self, request: Request) -> Response:
        """``/id/PATH`` → 303 to its page or its RDF, as the Accept header asks (``Vary: Accept``)."""
        path = request.path_params["path"]
        if not self.run("exists", {"thing": CGID + path})["boolean"]:
            raise PageError(404, f"The graph holds nothing about {CGID + path}.")
        return self._redirect(request, f"/page/id/{quote(path)}", f"/data/id/{quote(path)}.{{ext}}")

    def ontology_see_other(self, request: Request) -> Response:
        """``/ontology`` (the document of every ``…/ontology#Term``) → 303 to its page or its RDF."""
        return self._redirect(request, "/page/ontology", "/data/ontology.{ext}")

    def _redirect(self, request: Request, page: str, data: str) -> Response:
        wanted = negotiate(request.headers.get("accept"))
        if wanted is None:
            response = self.error(
                request, 406, "This resource is served as HTML, Turtle, N-Triples or JSON-LD."
            )
        else:
            target = page if wanted == "html" else data.format(ext=wanted)
            response = RedirectResponse(target, status_code=303)
        response.headers["Vary"] = "Accept"
        return response

    def data(self, request: Request) -> Response:
        """``/data/id/PATH.EXT`` (and ``/data?iri=…&format=EXT``): a thing's own statements as RDF."""
        if "path" in request.path_params:
            path, dot, extension = request.path_params["path"].rpartition(".")
            if not dot or extension not in RDF_FORMATS:
                raise PageError(404, "A thing's data is at /data/id/PATH.ttl, .nt or .jsonld.")
            iri = CGID + path
        else:
            iri = self._iri_param(request)
            extension = request.query_params.get("format", "ttl")
            if extension not in RDF_FORMATS:
                raise PageError(400, f"format is one of {', '.join(RDF_FORMATS)}")
        triples = self.run("describe", {"thing": iri})["triples"]
        if not triples:
            raise PageError(404, f"The graph states nothing about {iri}.")
        return self._rdf(triples, extension)

    def ontology_data(self, request: Request) -> Response:
        extension = request.path_params["extension"]
        if extension not in RDF_FORMATS:
            raise PageError(404, "The ontology is at /data/ontology.ttl, .nt or .jsonld.")
        triples = self.run("ontology")["triples"]
        if not triples:
            raise PageError(404, "The graph holds no ontology.")
        return self._rdf(triples, extension)

    def _rdf(self, triples: list, extension: str) -> Response:
        media, fmt = RDF_FORMATS[extension]
        return Response(answers.render_graph(triples, fmt), media_type=media)

    def _iri_param(self, request: Request) -> str:
        iri = request.query_params.get("iri", "").strip()
        if not iri:
            raise PageError(400, "Give the IRI of a thing: /page?iri=https://…")
        try:
            return str(queries.TYPES["iri"].to_term(iri))
        except ValueError as error:
            raise PageError(400, f"{iri!r} is not an absolute IRI ({error})") from None

    # pages

    def thing_page(self, request: Request) -> Response:
        """``/page/id/PATH``: the page of a thing of the graph."""
        return self._thing(request, CGID + request.path_params["path"])

    def iri_page(self, request: Request) -> Response:
        """``/page?iri=…``: the page of any IRI of the graph."""
        return self._thing(request, self._iri_param(request))

    def _thing(self, request: Request, iri: str) -> Response:
        stated = rows(self.run("statements", {"thing": iri}))
        incoming = rows(self.run("incoming", {"thing": iri}))
        if not stated and not incoming:
            raise PageError(404, f"The graph holds nothing about {iri}.")
        statements = _statements(stated)
        types = {s.value["value"] for s in statements if s.property == RDF_TYPE}
        properties = {s.property for s in statements}
        sections: dict[str, Any] = {}
        extra_rows: list[dict] = []

        def canned(key: str, name: str, params: dict, *, own: bool = False) -> None:
            found = self.run(name, params, canned=not own)
            if rows(found):
                sections[key] = found
                extra_rows.extend(rows(found))

        if HAS_EVIDENCE in properties:
            canned("evidence", "evidence-of", {"thing": iri}, own=True)
        if CG + "hasParty" in properties:
            canned("signatories", "signatories", {"instrument": iri})
            canned("claims", "claims", {"about": iri})
        if CG + "State" in types:
            canned("instruments", "instruments", {"party": iri}, own=True)
            canned("claims", "claims", {"about": iri})
        if CG + "Person" in types:
            canned("posts", "people-and-posts", {"person": iri})
        if CG + "Paragraph" in types or CG + "paragraphOf" in properties:
            canned("cited", "cited-in", {"paragraph": iri}, own=True)
        if any(value(row, "property") == CG + "paragraphOf" for row in incoming):
            canned("paragraphs", "paragraphs", {"source": iri}, own=True)
        if str(vocab.SKOS.ConceptScheme) in types:
            canned("concepts", "concepts", {"scheme": iri}, own=True)
        more = len(incoming) > INCOMING_LIMIT
        incoming = incoming[:INCOMING_LIMIT]
        stated_rows = [
            {"p": {"type": "uri", "value": s.property}, "v": s.value, **_evidence_terms(s.evidence)}
            for s in statements
        ]
        labels = label_all(
            self.store, stated_rows, incoming, extra_rows, [{"t": {"type": "uri", "value": iri}}]
        )
        highlighted = None
        if "cited" in sections:
            text = next((s.value["value"] for s in statements if s.property == CG + "paragraphText"), None)
            if text is not None:
                quotes = {value(row, "quote") for row in rows(sections["cited"])} - {None}
                highlighted = _highlighted(text, quotes)
        title = labels.get(iri) or vocab.short(iri)
        return self.html(
            request,
            "thing.html",
            title=title,
            iri=iri,
            labels=labels,
            statements=[s for s in statements if s.property != HAS_EVIDENCE],
            types=sorted(types),
            incoming=incoming,
            more_incoming=more,
            sections=sections,
            highlighted=highlighted,
            term=lambda t: term_html(t, labels),
            table=lambda results, **kw: self.table(results, labels, **kw),
        )

    def table(self, results: Mapping, labels: Mapping[str, str], *, hide: Iterable[str] = ()) -> dict:
        """An answer as a table for a template: columns, rows of HTML cells, how many rows were left out."""
        hidden = set(hide)
        columns = [name for name in results.get("head", {}).get("vars", []) if name not in hidden]
        found = rows(results)
        shown_rows = [
            [term_html(row.get(name), labels) for name in columns] for row in found[: self.row_limit]
        ]
        return {
            "columns": columns,
            "rows": shown_rows,
            "total": len(found),
            "cut": len(found) > self.row_limit,
        }

    def home(self, request: Request) -> Response:
        """``/``: the instruments, filterable by party, designation and days of signing (a GET form)."""
        names = ("party", "designation", "from", "to")
        given = {name: request.query_params.get(name, "").strip() for name in names}
        params = {name: text for name, text in given.items() if text}
        choices = rows(self.run("network"))
        designations = rows(self.run("concepts", {"scheme": CGID + "scheme/designation"}))
        status, error, found = 200, None, {"head": {"vars": []}, "results": {"bindings": []}}
        try:
            found = self.run("instruments", params)
        except queries.QueryError as problem:
            status, error = 400, str(problem)
        labels = label_all(self.store, choices, designations, rows(found))
        states = sorted({value(row, "state") for row in choices}, key=lambda s: (shown(s, labels), s))
        return self.html(
            request,
            "home.html",
            status,
            title="Instruments",
            nav="home",
            labels=labels,
            given=given,
            error=error,
            states=[(_code(s, "state"), shown(s, labels)) for s in states],
            designations=[
                (_code(value(row, "concept"), "designation"), shown(value(row, "concept"), labels))
                for row in designations
                if value(row, "deprecated") != "true"
            ],
            instruments=rows(found)[: self.row_limit],
            total=len(rows(found)),
            term=lambda t: term_html(t, labels),
        )

    def query_list(self, request: Request) -> Response:
        """``/queries``: the canned questions."""
        return self.html(
            request,
            "queries.html",
            title="Questions",
            nav="queries",
            listing=list(queries.registry().values()),
        )

    def canned_query(self, request: Request) -> Response:
        """``/queries/NAME``: a canned question as a form; with the form sent (``run``), its answer."""
        name = request.path_params["name"]
        try:
            query = queries.get(name)
        except queries.QueryError as error:
            raise PageError(404, str(error)) from None
        given = {p.name: request.query_params.get(p.name, "").strip() for p in query.parameters}
        status, error, table, labels = 200, None, None, {}
        if "run" in request.query_params:
            unknown = sorted(set(request.query_params) - set(given) - {"run"})
            params = {key: text for key, text in given.items() if text}
            params.update({key: request.query_params[key] for key in unknown})  # named in the error
            status, error, table, labels = self._asked(query, params)
        return self.html(
            request,
            "query.html",
            status,
            title=query.title,
            nav="queries",
            query=query,
            types=queries.TYPES,
            given=given,
            error=error,
            answer=table,
            labels=labels,
        )

    def _asked(
        self, query: queries.CannedQuery, params: Mapping[str, str]
    ) -> tuple[int, str | None, dict | None, dict[str, str]]:
        """Run ``query`` as the CLI does: (status, error, what the page shows of the answer, labels); 400 and
        the library's message for bad parameters or a query the store refuses."""
        try:
            results = queries.run(query, params, self.store)
        except queries.QueryError as problem:
            return 400, str(problem), None, {}
        labels = answers.labels(results, self.store) if "results" in results else {}
        return 200, None, self._answer(results, labels), labels

    def _answer(self, results: Mapping, labels: Mapping[str, str]) -> dict:
        """What a query page shows of an answer: a yes/no, a table, or RDF as Turtle."""
        if "boolean" in results:
            return {"boolean": bool(results["boolean"])}
        if "triples" in results:
            turtle = answers.render_graph(results["triples"], "turtle").decode("utf-8")
            return {"turtle": turtle, "count": len(results["triples"])}
        return {"table": self.table(results, labels)}

    def sparql_page(self, request: Request) -> Response:
        """``/sparql-page``: a query of one's own in a textarea (GET ``?query=`` or a form POST), its answer
        in a table; the same checks as ``coopgraph query --query`` (no SERVICE)."""
        return self._sparql(request, request.query_params.get("query"))

    async def sparql_post(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        form = await request.form()
        text = form.get("query")
        return await run_in_threadpool(self.guarded(lambda r: self._sparql(r, text)), request)

    def _sparql(self, request: Request, text: object) -> Response:
        status, error, answer, labels = 200, None, None, {}
        if text is not None and not isinstance(text, str):
            status, error, text = 400, "the query is text, not a file", None
        elif text is not None and not text.strip():
            status, error = 400, "the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        elif text is not None:
            try:
                query = queries.from_text(text, "the query")
            except queries.QueryError as problem:
                status, error = 400, str(problem)
            else:
                status, error, answer, labels = self._asked(query, {})
        return self.html(
            request,
            "sparql.html",
            status,
            title="SPARQL query",
            nav="sparql",
            text=text if text is not None else EXAMPLE_QUERY,
            error=error,
            answer=answer,
            labels=labels,
            endpoint_url="/sparql?" + urlencode({"query": text}) if text and not error else None,
        )

    def network_page(self, request: Request) -> Response:
        """``/network``: states and the instruments between them, drawn on the server."""
        drawing, found, labels = self._network()
        return self.html(
            request,
            "network.html",
            title="Network of states and instruments",
            nav="network",
            svg=drawing,
            edges=found.edges,
            nodes=found.nodes,
        )

    def network_svg(self, request: Request) -> Response:
        drawing, _, _ = self._network()
        return Response('<?xml version="1.0" encoding="utf-8"?>\n' + str(drawing), media_type="image/svg+xml")

    def _network(self) -> tuple[Markup, network.Network, dict[str, str]]:
        found = rows(self.run("network"))
        labels = label_all(self.store, found)
        pairs = [(value(row, "instrument"), value(row, "state")) for row in found]
        drawn = network.layout(pairs, labels, page_url)
        count = len(drawn.edges)
        description = (
            f"{len(drawn.nodes)} states on a circle; a line between two states for each of the "
            f"{count} instrument{'s' if count != 1 else ''} between them. Each state and line links to its "
            "page."
        )
        return network.svg(drawn, "States and the instruments between them", description), drawn, labels

    def ontology_page(self, request: Request) -> Response:
        """``/page/ontology``: every term of the ontology, an anchor each (``#Term``)."""
        found = rows(self.run("ontology-terms"))
        labels = label_all(self.store, found)
        terms: dict[str, dict] = {}
        for row in found:
            iri = value(row, "term")
            entry = terms.setdefault(
                iri,
                {
                    "iri": iri,
                    "anchor": iri[len(CG) :],
                    "kind": value(row, "kind"),
                    "label": value(row, "label") or iri[len(CG) :],
                    "definition": value(row, "definition"),
                    "deprecated": value(row, "deprecated") == "true",
                    "parents": [],
                    "domains": [],
                    "ranges": [],
                },
            )
            for key, name in (("parents", "parent"), ("domains", "domain"), ("ranges", "range")):
                found_iri = value(row, name)
                if found_iri and found_iri not in entry[key]:
                    entry[key].append(found_iri)
        kinds = {
            "http://www.w3.org/2002/07/owl#Class": "Classes",
            "http://www.w3.org/2002/07/owl#ObjectProperty": "Object properties",
            "http://www.w3.org/2002/07/owl#DatatypeProperty": "Datatype properties",
            "http://www.w3.org/2002/07/owl#AnnotationProperty": "Annotation properties",
        }
        groups = [
            (heading, sorted((t for t in terms.values() if t["kind"] == kind), key=lambda t: t["anchor"]))
            for kind, heading in kinds.items()
        ]
        return self.html(
            request,
            "ontology.html",
            title="The coopgraph ontology",
            nav="ontology",
            groups=[(heading, found_terms) for heading, found_terms in groups if found_terms],
            labels=labels,
            link=lambda iri: link(iri, labels),
        )

    def code_lists(self, request: Request) -> Response:
        """``/code-lists``: the SKOS concept schemes, each linking to its page (its concepts)."""
        found = rows(self.run("schemes"))
        labels = label_all(self.store, found)
        return self.html(
            request,
            "code_lists.html",
            title="Code lists",
            nav="code-lists",
            schemes=found,
            labels=labels,
            term=lambda t: term_html(t, labels),
        )

    def not_found(self, request: Request, exc: Exception | None = None) -> Response:
        """The 404 page (also for the app's own exception handler)."""
        return self.error(request, 404, f"Nothing is served at {request.url.path}.")


def _evidence_terms(evidence: list[dict]) -> dict:
    """The IRIs a statement's evidence names, as terms for :func:`label_all` (one column each)."""
    terms = {}
    for number, found in enumerate(evidence):
        for name in ("source", "paragraph", "evidence"):
            if found.get(name):
                terms[f"{name}{number}"] = {"type": "uri", "value": found[name]}
    return terms


def _code(iri: str, kind: str) -> str:
    """The code a form sends for a thing: ``SG`` for ``…/id/state/SG``, the IRI itself outside the kind."""
    prefix = f"{CGID}{kind}/"
    return iri[len(prefix) :] if iri.startswith(prefix) and "/" not in iri[len(prefix) :] else iri


EXAMPLE_QUERY = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?instrument ?party WHERE {
  ?instrument cg:hasParty ?party .
}
ORDER BY ?instrument ?party
LIMIT 100
"""


def routes(store: object, settings: object) -> list[BaseRoute]:
    """The routes of the pages over ``store`` (``settings.row_limit``: the most rows a page shows)."""
    pages = Pages(store, settings)
    g = pages.guarded
    return [
        Route("/", g(pages.home), name="home"),
        Route("/id/{path:path}", g(pages.see_other), name="thing"),
        Route("/ontology", g(pages.ontology_see_other), name="ontology"),
        Route("/page/ontology", g(pages.ontology_page), name="ontology-page"),
        Route("/page/id/{path:path}", g(pages.thing_page), name="thing-page"),
        Route("/page", g(pages.iri_page), name="iri-page"),
        Route("/data/ontology.{extension}", g(pages.ontology_data), name="ontology-data"),
        Route("/data/id/{path:path}", g(pages.data), name="thing-data"),
        Route("/data", g(pages.data), name="iri-data"),
        Route("/queries", g(pages.query_list), name="queries"),
        Route("/queries/{name}", g(pages.canned_query), name="query"),
        Route("/sparql-page", g(pages.sparql_page), methods=["GET"], name="sparql-page"),
        Route("/sparql-page", pages.sparql_post, methods=["POST"], name="sparql-page-post"),
        Route("/network", g(pages.network_page), name="network"),
        Route("/network.svg", g(pages.network_svg), name="network-svg"),
        Route("/code-lists", g(pages.code_lists), name="code-lists"),
    ]


def not_found_handler(store: object, settings: object) -> Callable:
    """A 404 handler for the app (``exception_handlers={404: …}``) that answers the pages' 404 page."""
    pages = Pages(store, settings)
    return pages.not_found
