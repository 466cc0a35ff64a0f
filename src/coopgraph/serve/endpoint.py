"""``/sparql``: the SPARQL 1.1 Protocol face in front of the query engine (:mod:`coopgraph.serve.upstream`).

Takes a query the three ways the protocol names (``GET ?query=``, a form ``POST``, a ``POST`` of
``application/sparql-query``), with ``default-graph-uri`` and ``named-graph-uri`` passed on, and hands it to
Oxigraph's read-only server, whose content negotiation answers (SELECT and ASK: JSON, XML, CSV, TSV;
CONSTRUCT and DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML). What this face adds, and why:

- updates (a form's ``update=``, ``application/sparql-update``) are refused with 403: the service is
  read-only, and saying so beats Oxigraph's 404 for a path it does not serve;
- a query with a ``SERVICE`` clause is refused with 403, as ``coopgraph query`` refuses one: it would have
  this server call any other server on the asker's behalf;
- the time limit: the face gives up at ``query_limit_s`` with 503 and a message; Oxigraph's own
  ``--timeout-s``, a moment later, cancels the query itself (it would answer 200 with a truncated body),
  and when it does not (it cannot cancel every query), the engine is killed and started again
  (:class:`Engine`), so that a query past its limit is always stopped, not just abandoned;
- the size limit: an answer is buffered up to ``result_limit_bytes``; past it the engine's answer is
  dropped and the client gets 422 and a message that says to add ``LIMIT``;
- ``GET /sparql`` without a query answers coopgraph's own service description, which claims no federation
  (a browser, which prefers HTML, is sent to the pages' query form instead: 303).

Syntax errors come back as 400 with Oxigraph's message (``error at LINE:COLUMN: …``); an Accept header that
names no format the query's answer can take, 406.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import NoMatchFound, Route

from coopgraph.serve.negotiation import preferred, ranges

if TYPE_CHECKING:
    from coopgraph.serve.app import Settings
    from coopgraph.serve.upstream import Upstream

log = logging.getLogger("coopgraph.serve")
#: the threads that read queries for a SERVICE clause
CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="coopgraph-check")

#: what Oxigraph writes at the end of an answer it cancelled at its time limit (after a 200 status)
CANCELLED = b"The SPARQL operation has been cancelled"
#: the Accept header sent when the client names no format (none, or only ``*/*``): SPARQL JSON results
#: for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE (Oxigraph would pick N-Quads for a graph)
DEFAULT_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: how long past its own time limit the engine may take to end an answer it cancelled, before it is
#: killed and started again (a cancelled query's answer ended about one second late, measured)
STOP_WAIT_S = 3.0
STUCK = "did not stop a query past its time limit"
RESTARTED = (
    "the query engine was started again (it did not stop a query past its time limit, or had stopped): "
    "ask again"
)
#: the parameters of the protocol passed on to the engine (every other one is ignored)
PASSED_ON = ("query", "default-graph-uri", "named-graph-uri")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: the formats a description or an answer may be written in, by media type, with their W3C format IRIs
RESULT_FORMATS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}
#: the service description's own formats: media type → rdflib's name
DESCRIPTION_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


class Refused(Exception):
    """A request the face answers itself, with ``status`` and a plain message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def plain(status: int, message: str, **headers: str) -> PlainTextResponse:
    """A short plain-text answer for a person (every error of the endpoint is one)."""
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers or None)


@dataclass
class Answer:
    """What the engine answered: status, media type and the whole body (or ``too_big``: past the limit)."""

    status: int
    media: str | None
    body: bytes
    reason: str = ""
    too_big: bool = False


class Engine:
    """The client of the query engine, one per app (its connections reused), and its watchdog.

    Each query is sent by a task of its own. The face waits for it ``query_limit_s`` seconds; past them
    it answers 503 but the task goes on reading, and throws away, what Oxigraph writes: Oxigraph ends the
    answer when it cancels the query at its ``--timeout-s``. It does not always (measured with Oxigraph
    0.5.13 on a few thousand triples: a three-way cartesian product is cancelled about a second after the
    limit; a four-way one, or an ORDER BY over a three-way one, runs on for good). When the answer has not
    ended :data:`STOP_WAIT_S` seconds after Oxigraph's own limit, the engine is killed and started again
    (:meth:`Upstream.respawn <coopgraph.serve.upstream.Upstream.respawn>`), which stops the query for
    certain; the queries in flight then get 503 and may be asked again. So does an engine that died.
    """

    def __init__(self, query_url: str | None, upstream: Upstream | None = None) -> None:
        self.query_url = query_url
        self.upstream = upstream
        self._client: httpx.AsyncClient | None = None
        self._watched: set[asyncio.Task] = set()
        self._generation = 0  # how many times the engine was started again
        self._restarting: asyncio.Lock | None = None
        self.restarting = False  # while the engine is being started again
        self.graphs: list[str] | None = None  # the named graphs, once asked (the store is read-only)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
            self._client = httpx.AsyncClient(timeout=None, limits=limits)
        return self._client

    async def aclose(self) -> None:
        for task in list(self._watched):
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _fetch(self, fields: list[tuple[str, str]], accept: str, limit_bytes: int) -> Answer:
        """Ask the engine; read its answer up to ``limit_bytes`` (past it the connection is closed, so
        Oxigraph's next write fails and it stops)."""
        assert self.query_url is not None
        request = self.client.build_request(
            "POST",
            self.query_url,
            content=urlencode(fields).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = await self.client.send(request, stream=True)
        try:
            body, size = [], 0
            async for chunk in answer.aiter_bytes():
                size += len(chunk)
                if size > limit_bytes:
                    return Answer(answer.status_code, None, b"", too_big=True)
                body.append(chunk)
        finally:
            await answer.aclose()
        media = answer.headers.get("content-type")
        return Answer(answer.status_code, media, b"".join(body), answer.reason_phrase)

    async def ask(
        self, fields: list[tuple[str, str]], accept: str, *, limit_s: float, limit_bytes: int
    ) -> Answer:
        """The engine's answer within ``limit_s`` seconds; :class:`Refused` (503) past them, (502/503)
        when the engine cannot be reached."""
        if self.query_url is None:
            raise Refused(
                503, "no query engine is configured for this server (start it with `coopgraph serve`)"
            )
        generation = self._generation
        task = asyncio.ensure_future(self._fetch(fields, accept, limit_bytes))
        try:
            return await asyncio.wait_for(asyncio.shield(task), limit_s)
        except asyncio.TimeoutError:
            self._watch(task, generation)
            raise Refused(503, _too_long(limit_s)) from None
        except httpx.HTTPError as error:
            if generation != self._generation or self.restarting:
                raise Refused(503, RESTARTED) from None
            if self.upstream is not None and not await self.answers():
                self._watch(task, generation, dead=True)
                raise Refused(503, RESTARTED) from None
            raise Refused(
                502, f"the query engine did not answer ({type(error).__name__}); try again"
            ) from None

    async def answers(self, timeout: float = 2.0) -> bool:
        """Whether the engine answers ``ASK {}`` within ``timeout`` seconds (asked from the event loop:
        no worker thread, which page requests waiting for this endpoint may all hold)."""
        assert self.query_url is not None
        try:
            answer = await self.client.get(
                self.query_url,
                params={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=timeout,
            )
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    def _watch(self, task: asyncio.Future, generation: int, *, dead: bool = False) -> None:
        """Wait in the background for the engine to end an answer the face gave up on; start the engine
        again if it has not ended it in time (at once when it is ``dead``)."""

        async def watch() -> None:
            if not dead:
                try:
                    await asyncio.wait_for(task, self._stop_wait())
                    return  # the engine stopped the query itself
                except asyncio.TimeoutError:
                    pass  # wait_for cancelled the task: its connection is closed
                except Exception:
                    return  # the connection failed: the engine is being started again, or will answer so
            await self.restart(generation, "had stopped answering" if dead else STUCK)

        watcher = asyncio.ensure_future(watch())
        self._watched.add(watcher)
        watcher.add_done_callback(self._watched.discard)

    def _stop_wait(self) -> float:
        """How long after the face gave up the engine may take to cancel the query."""
        own = self.upstream.timeout_s - self.upstream.query_limit_s if self.upstream else 0.0
        return own + STOP_WAIT_S

    async def restart(self, generation: int, why: str) -> None:
        """Kill the engine and start it again, once for all the queries that saw the same engine."""
        if self.upstream is None:
            log.warning(f"the query engine {why}, and cannot be started again from here")
            return
        if self._restarting is None:
            self._restarting = asyncio.Lock()
        async with self._restarting:
            if generation != self._generation:
                return  # already done for another query
            log.warning(f"the query engine {why}: starting it again")
            self.restarting = True  # the queries that fail meanwhile get 503, and start no other restart
            try:
                self.upstream.respawn()  # in the event loop's thread: the one that started it (see respawn)
                deadline = time.monotonic() + self.upstream.start_timeout_s
                while not await self.answers():
                    if time.monotonic() > deadline:
                        log.error("the query engine did not answer after it was started again")
                        break
                    await asyncio.sleep(0.05)
            finally:
                self._generation += 1
                self.restarting = False


async def protocol_fields(request: Request) -> list[tuple[str, str]]:
    """The protocol's parameters of a request, in order: its URL's, then its form's or its query body.

    :class:`Refused` for an update (403), a body of another media type (415), a body that is not UTF-8."""
    fields = list(request.query_params.multi_items())
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            raise Refused(403, "this SPARQL endpoint is read-only: updates are refused")
        if media in FORM_TYPES:
            form = await request.form()
            fields += [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
        elif media == "application/sparql-query":
            try:
                fields.append(("query", (await request.body()).decode("utf-8")))
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8 text") from None
        else:
            raise Refused(
                415,
                f"POST a query as application/sparql-query or as a form (query=…), not "
                f"{media or 'a body without a Content-Type'}",
            )
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in fields):
        raise Refused(403, "this SPARQL endpoint is read-only: updates are refused")
    return fields


def the_query(fields: Sequence[tuple[str, str]]) -> str | None:
    """The one query of the request (None when there is none); :class:`Refused` (400) for several."""
    queries = [value for key, value in fields if key == "query"]
    if len(queries) > 1:
        raise Refused(400, "give one query parameter, not several")
    return queries[0] if queries else None


def refuse_service(query: str) -> None:
    """:class:`Refused` (403) for a query with a ``SERVICE`` clause (federated query), as the CLI refuses it
    without ``--allow-service``; a query whose text mentions the word but that cannot be read to make sure
    it holds none is refused too (:func:`coopgraph.stores.sparql.has_service`)."""
    from coopgraph.stores.sparql import has_service

    if has_service(query):
        raise Refused(
            403,
            "the query holds a SERVICE clause (or one could not be ruled out): this endpoint does not send "
            "queries to other servers (federated query). Run it with `coopgraph query --allow-service` "
            "on your own machine instead.",
        )


def accept_header(request: Request) -> str:
    """The client's Accept header, or :data:`DEFAULT_ACCEPT` when it names no format."""
    accept = request.headers.get("accept", "").strip()
    return accept if any(media != "*/*" for media, _ in ranges(accept)) else DEFAULT_ACCEPT


async def ask_engine(
    engine: Engine, settings: Settings, fields: list[tuple[str, str]], accept: str
) -> Response:
    """Send the query to the engine and answer with what it says, within the time and size limits."""
    limit_s, limit_bytes = settings.query_limit_s, settings.result_limit_bytes
    passed = [(key, value) for key, value in fields if key in PASSED_ON]
    answer = await engine.ask(passed, accept, limit_s=limit_s, limit_bytes=limit_bytes)
    if answer.too_big:
        raise Refused(
            422,
            f"the answer is larger than this server's limit of {limit_bytes:,} bytes: add LIMIT to the "
            "query (and OFFSET to page through the rest), or ask for fewer variables",
        )
    if answer.status == 200 and answer.body.endswith(CANCELLED):
        raise Refused(503, _too_long(limit_s))
    if answer.status != 200:
        message = answer.body.decode("utf-8", "replace").strip() or answer.reason
        if answer.status == 400:
            what = "the query is not valid SPARQL" if message.startswith("error at") else "bad request"
            raise Refused(400, f"{what}: {message}")
        if answer.status == 406:
            raise Refused(406, message)
        raise Refused(502, f"the query engine answered {answer.status}: {message}")
    return Response(answer.body, status_code=200, headers={"Vary": "Accept"}, media_type=answer.media)


def _too_long(limit_s: float) -> str:
    return (
        f"the query ran past this server's time limit of {limit_s:g} s and was stopped: make it more "
        "selective, or add LIMIT"
    )


def service_description(request: Request, settings: Settings, graphs: Sequence[str]) -> Response:
    """coopgraph's own SPARQL 1.1 Service Description of this endpoint (Turtle unless the client asks for
    N-Triples, JSON-LD or RDF/XML): a read-only SPARQL 1.1 Query service, the result formats it writes, its
    limits, the default graph the merge of the named graphs it lists; no federation, no update."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = Graph()
    graph.bind("sd", sd)
    service, dataset, default = BNode(), BNode(), BNode()
    endpoint = str(request.url.replace(query=""))
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, URIRef(endpoint)))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    graph.add((service, sd.feature, sd.UnionDefaultGraph))
    for iri in RESULT_FORMATS.values():
        graph.add((service, sd.resultFormat, URIRef(iri)))
    comment = (
        "coopgraph serve: read-only SPARQL 1.1 Query (updates are refused with 403); queries with SERVICE "
        f"(federated query) are refused with 403; each query may run {settings.query_limit_s:g} s (503 past "
        f"it) and answer {settings.result_limit_bytes:,} bytes (422 past it). The default graph is the RDF "
        "merge of the named graphs, one per file loaded."
    )
    graph.add((service, RDFS.comment, Literal(comment, lang="en")))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    for name in graphs:
        named = BNode()
        graph.add((dataset, sd.namedGraph, named))
        graph.add((named, RDF.type, sd.NamedGraph))
        graph.add((named, sd.name, URIRef(name)))
    media = _description_media(request.headers.get("accept", ""))
    data = graph.serialize(format=DESCRIPTION_FORMATS[media], encoding="utf-8")
    return Response(data, media_type=media, headers={"Vary": "Accept"})


def _description_media(accept: str) -> str:
    """The description's media type the Accept header prefers (Turtle when it names none of them)."""
    return preferred(accept, list(DESCRIPTION_FORMATS), wildcards=False) or "text/turtle"


def _query_page(request: Request) -> str | None:
    """Where a browser asking for ``/sparql`` without a query is sent: the pages' query form, when there
    are pages and the Accept header prefers HTML to every format of the description."""
    # */* and type/* count for no particular format here: a client that names none gets the description
    offered = ["text/html", *DESCRIPTION_FORMATS]
    if preferred(request.headers.get("accept", ""), offered, wildcards=False) != "text/html":
        return None
    try:
        return str(request.app.url_path_for("sparql-page"))
    except NoMatchFound:
        return None


async def named_graphs(engine: Engine, settings: Settings) -> list[str]:
    """The named graphs the engine holds (asked once, then kept: the store is read-only)."""
    if engine.graphs is None:
        fields = [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")]
        answer = await ask_engine(engine, settings, fields, "application/sparql-results+json")
        engine.graphs = [row["g"]["value"] for row in json.loads(answer.body)["results"]["bindings"]]
    return engine.graphs


def routes(settings: Settings, upstream: Upstream | None = None) -> tuple[list[Route], Engine]:
    """The ``/sparql`` route, and the engine client it uses (for the app to close on shutdown);
    ``upstream``, when given, is started again when it does not stop a query (:class:`Engine`)."""
    engine = Engine(settings.upstream_query_url, upstream)

    async def sparql(request: Request) -> Response:
        try:
            fields = await protocol_fields(request)
            query = the_query(fields)
            if query is None:
                if request.method == "POST":
                    raise Refused(
                        400, "no query: send query=… (a form or the URL) or an application/sparql-query body"
                    )
                page = _query_page(request)
                if page is not None:
                    return RedirectResponse(page, status_code=303, headers={"Vary": "Accept"})
                graphs = await named_graphs(engine, settings) if engine.query_url else []
                return service_description(request, settings, graphs)
            # rdflib's parse takes a while on a long query: off the event loop, in a pool of its own (the
            # worker threads may all be held by page requests waiting for this endpoint)
            await asyncio.get_running_loop().run_in_executor(CHECKS, refuse_service, query)
            return await ask_engine(engine, settings, fields, accept_header(request))
        except Refused as refused:
            return plain(refused.status, refused.message)

    return [Route("/sparql", sparql, methods=["GET", "POST"], name="sparql")], engine
