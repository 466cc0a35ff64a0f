"""The remote client: any SPARQL 1.1 server, through the SPARQL Protocol and the Graph Store Protocol.

:class:`RemoteStore` sends queries and updates as SPARQLWrapper writes them (form-encoded POST; JSON results,
or XML where the flavour asks for them), through an urllib opener of its own, and graphs through the Graph
Store Protocol (requests). Every query names its dataset (``default-graph-uri`` and ``named-graph-uri`` for
each graph), because stores disagree on what the default graph is: Oxigraph and Fuseki keep it apart from
the named graphs, Virtuoso and GraphDB make it the union of everything. Where servers differ otherwise, the
client asks its :class:`~coopgraph.stores.flavours.Flavour`.

Errors are :class:`~coopgraph.errors.StoreError`, whose message names the URL and the reason and never a
secret: server text in a message is redacted first (:func:`~coopgraph.stores.credentials.redact`), so that
a server that echoes the request's headers shows no credential.

Credentials stay with their origin (:mod:`coopgraph.stores.credentials`): only ``http://`` and ``https://``
endpoints, redirects followed within the origin only, both HTTP clients held to it.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import re
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from coopgraph import __version__
from coopgraph.errors import StoreError
from coopgraph.load import GRAPH_BASE
from coopgraph.stores import flavours
from coopgraph.stores import manifest as manifests
from coopgraph.stores.credentials import (
    Auth,
    BearerAuth,
    HeldToOrigin,
    Redirected,
    check_url,
    hold_to_origin,
    redact,
    redact_url,
    remember,
    same_origin,
    secret_word,
    shown_url,
    without_credentials,
)
from coopgraph.stores.manifest import MANIFEST_GRAPH, MERGED_PREFIX
from coopgraph.stores.sparql import (
    normalize_results,
    ntriples_term,
    results_shape_error,
    strip_comments,
    with_values,
    xml_results,
)

if TYPE_CHECKING:  # the remote store's libraries are imported when one is used: the embedded one needs none
    from urllib.error import HTTPError

    import requests
    from SPARQLWrapper import SPARQLWrapper

USER_AGENT = f"coopgraph/{__version__}"
STAGING_PREFIX = "urn:coopgraph:staging:"
_UPDATE_TYPES = ("INSERT", "DELETE", "CREATE", "CLEAR", "DROP", "LOAD", "COPY", "MOVE", "ADD")


def _detail(body: bytes | str | None, limit: int = 300) -> str:
    """The server's error text made readable: HTML tags dropped, white space collapsed, kept short; and
    without credentials (:func:`~coopgraph.stores.credentials.redact`, before it is cut short, so that no
    part of one is left)."""
    if not body:
        return ""
    text = redact(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
    if re.match(r"\s*<(!doctype|html)\b", text, re.IGNORECASE):
        text = re.sub(r"(?is)<(script|style|title|head)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>|<![^<>]*>", " ", text))
    text = redact(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ProgressBody:
    """A request body that reports how many bytes have been sent, and can rewind: for digest auth, and for a
    redirect within the origin (requests rewinds a body it takes for a stream, an iterable that tells)."""

    def __init__(self, data: bytes, advance: Callable[[int], None]) -> None:
        self._data = io.BytesIO(data)
        self._size = len(data)
        self._advance = advance

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.read(1 << 16), b"")

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self._advance(len(chunk))
        return chunk

    def tell(self) -> int:
        return self._data.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        before = self._data.tell()
        after = self._data.seek(offset, whence)
        self._advance(after - before)
        return after


class RemoteStore:
    """A SPARQL 1.1 server: queries and updates via SPARQLWrapper, graphs via the Graph Store Protocol.

    ``endpoint`` answers queries; ``update_endpoint`` takes SPARQL Update (loading needs it);
    ``gsp_endpoint`` is the Graph Store Protocol URL, the graph named by the ``graph_param`` query parameter
    (default: the flavour's, ``graph`` in the standard, ``graph-uri`` for Virtuoso).

    The dataset of every query (each IRI sent as ``default-graph-uri`` and ``named-graph-uri``):
    ``default_graphs`` when given (an empty list means the store's own default graph); else every named
    graph of the store but coopgraph's own bookkeeping when ``all_graphs``; else what `coopgraph load` put
    there (:mod:`coopgraph.stores.manifest`): the merged graph its manifest names, or the graphs it lists;
    else, in a store without a manifest, its graphs under ``https://w3id.org/coopgraph/graph/``. What is
    found is kept for the store object's life: after another client's load, call :meth:`refresh` (a load
    through this object does it), since a load drops the merged graph it replaces.

    ``flavour`` is a :class:`~coopgraph.stores.flavours.Flavour` or its name; by default it is found from
    the server's ``Server`` header the first time it is needed.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        graph_param: str | None = None,
        auth: Auth | None = None,
        timeout: float = 30.0,
        default_graphs: Sequence[str] | None = None,
        all_graphs: bool = False,
        flavour: flavours.Flavour | str | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("the timeout must be a positive number of seconds")
        if all_graphs and default_graphs is not None:
            raise ValueError("give default_graphs or all_graphs, not both")
        check_url(endpoint, "endpoint")
        if update_endpoint:
            check_url(update_endpoint, "update endpoint")
        if gsp_endpoint:
            check_url(gsp_endpoint, "Graph Store Protocol endpoint")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self._graph_param = graph_param
        self.auth = auth
        self.timeout = timeout
        self.default_graphs = list(default_graphs) if default_graphs is not None else None
        self.all_graphs = all_graphs
        self._dataset: list[str] | None = None  # found from the store, kept until refresh()
        self._flavour = flavours.named(flavour) if isinstance(flavour, str) else flavour
        import requests

        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.hooks["response"].append(hold_to_origin)
        self._opener: urllib.request.OpenerDirector | None = None
        if auth is not None:
            remember(auth)
            if auth.scheme == "basic":
                self._session.auth = requests.auth.HTTPBasicAuth(auth.user or "", auth.secret)
            elif auth.scheme == "digest":
                self._session.auth = requests.auth.HTTPDigestAuth(auth.user or "", auth.secret)
            else:
                self._session.auth = BearerAuth(auth.secret)
        self._digest_primed = False

    @property
    def flavour(self) -> flavours.Flavour:
        """How this server departs from the standards (found from its ``Server`` header once)."""
        if self._flavour is None:
            self._flavour = flavours.detect(self.server())
        return self._flavour

    @property
    def graph_param(self) -> str:
        return self._graph_param or self.flavour.graph_param

    def __repr__(self) -> str:
        return f"RemoteStore({redact_url(self.endpoint)!r})"

    # -- errors

    def _secret_free(self, message: str) -> str:
        return redact(message)

    def _redirect_error(self, action: str, url: str, target: str | None, code: int) -> StoreError:
        where = f"{action} {redact_url(url)}"
        if target and not same_origin(url, target):
            return StoreError(
                self._secret_free(
                    f"{where}: the server redirects to {shown_url(target)}, another origin (scheme, host or "
                    "port); coopgraph follows a redirect only within the origin it was given, so that the "
                    "credentials and the query stay there: give that URL if it is the store you mean"
                )
            )
        to = f" to {shown_url(target)}" if target else ""
        return StoreError(
            self._secret_free(f"{where}: HTTP {code}, a redirect{to} that coopgraph does not follow")
        )

    def _status_error(
        self, action: str, url: str, status: int, reason: str, body: bytes | str | None
    ) -> StoreError:
        detail = _detail(body)
        where = f"{action} {redact_url(url)}"
        if status == 401:
            if self.auth is None:
                hint = "the server asks for credentials; give an authentication scheme, a user and a secret"
            else:
                source = f" read from {self.auth.source}" if self.auth.source else ""
                who = f"user {self.auth.user!r}, " if self.auth.user else ""
                secret = secret_word(self.auth.scheme)
                hint = f"the server refused the {self.auth.scheme} credentials ({who}{secret}{source})"
            message = f"{where}: 401 Unauthorized: {hint}"
        elif status == 403:
            message = (
                f"{where}: 403 Forbidden: the server does not allow this (read-only, or writes not allowed)"
            )
        elif status == 404:
            message = f"{where}: 404 Not Found: no such endpoint or graph; check the URL"
        elif status == 400:
            message = f"{where}: 400 Bad Request: the server rejected the request"
        elif status >= 500:
            message = f"{where}: {status} {reason or 'Server Error'}: the server failed"
        else:
            message = f"{where}: HTTP {status} {reason}".rstrip()
        if detail and status != 401:
            message += f": {detail}"
        return StoreError(self._secret_free(message))

    def _connection_error(self, action: str, url: str, error: BaseException) -> StoreError:
        from http.client import HTTPException

        import requests

        where = f"{action} {redact_url(url)}"
        chain: list[BaseException] = []
        current: BaseException | None = error
        while current is not None and current not in chain:
            chain.append(current)
            current = current.__cause__ or current.__context__ or getattr(current, "reason", None)
            if not isinstance(current, BaseException):
                current = None
        if any(isinstance(e, (TimeoutError, requests.Timeout)) for e in chain) or "timed out" in str(error):
            return StoreError(f"{where}: no answer within {self.timeout:g} s (timed out)")
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in str(error).lower():
            return StoreError(f"{where}: connection refused; is the server running at that address?")
        if any("got more than" in str(e) and "headers" in str(e) for e in chain):
            return StoreError(
                f"{where}: the answer has more headers than Python's HTTP client reads (Virtuoso sends one "
                "per graph of the dataset): ask over fewer graphs, e.g. the loaded dataset's merged graph"
            )
        if any(isinstance(e, (ConnectionResetError, BrokenPipeError, HTTPException)) for e in chain) or any(
            "aborted" in str(e).lower() or "closed" in str(e).lower() for e in chain
        ):
            return StoreError(f"{where}: the server closed the connection before answering (did it stop?)")
        return StoreError(self._secret_free(f"{where}: cannot reach the server: {_detail(str(error))}"))

    # -- SPARQL protocol (SPARQLWrapper)

    def _wrapper(self, sparql: str, graphs: Sequence[str], endpoint: str | None = None) -> SPARQLWrapper:
        from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

        url = endpoint or self.endpoint
        wrapper = SPARQLWrapper(url, updateEndpoint=self.update_endpoint, agent=USER_AGENT)
        wrapper.setReturnFormat(JSON)
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() would round to whole seconds
        for graph in graphs:
            wrapper.addParameter("default-graph-uri", graph)
            wrapper.addParameter("named-graph-uri", graph)
        wrapper.setQuery(strip_comments(sparql))  # its query-type sniffing trips over comments
        return wrapper

    def _credential(self) -> str | None:
        """The ``Authorization`` header sent with every SPARQL request (basic, bearer); digest answers the
        server's challenge instead (:meth:`_url_opener`)."""
        if self.auth is None or self.auth.scheme == "digest":
            return None
        if self.auth.scheme == "bearer":
            return f"Bearer {self.auth.secret}"
        pair = f"{self.auth.user}:{self.auth.secret}".encode()
        return f"Basic {base64.b64encode(pair).decode('ascii')}"

    def _url_opener(self) -> urllib.request.OpenerDirector:
        """urllib's opener for the SPARQL protocol, made once: HTTP and HTTPS only (no file:, ftp: or data:
        handler), redirects held to their origin (:class:`HeldToOrigin`), digest answered only at the
        origins of this store's endpoints. SPARQLWrapper's own sending would put an opener with every
        handler in place for the whole process."""
        if self._opener is None:
            handlers: list[urllib.request.BaseHandler] = [
                urllib.request.ProxyHandler(),  # the environment's proxies, as urllib.request.urlopen uses
                urllib.request.UnknownHandler(),
                urllib.request.HTTPHandler(),
                urllib.request.HTTPSHandler(),
                urllib.request.HTTPDefaultErrorHandler(),
                urllib.request.HTTPErrorProcessor(),
                HeldToOrigin(self._credential()),
            ]
            if self.auth is not None and self.auth.scheme == "digest":
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for url in filter(None, (self.endpoint, self.update_endpoint)):
                    parts = urlsplit(url)
                    root = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/"  # the whole origin
                    passwords.add_password(None, root, self.auth.user, self.auth.secret)
                handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
            self._opener = urllib.request.OpenerDirector()
            for handler in handlers:
                self._opener.add_handler(handler)
        return self._opener

    def _send(self, wrapper: SPARQLWrapper, action: str, url: str) -> tuple[bytes, Mapping[str, str]]:
        """Send the request SPARQLWrapper builds (form, headers) through :meth:`_url_opener`: the answer's
        body and headers (:func:`_without_credentials`)."""
        from http.client import HTTPException
        from urllib.error import HTTPError, URLError

        request = wrapper._createRequest()
        credential = self._credential()
        if credential is not None:
            request.add_unredirected_header("Authorization", credential)
        try:
            with self._url_opener().open(request, timeout=self.timeout) as response:
                return response.read(), without_credentials(response.headers)
        except Redirected as redirect:
            raise self._redirect_error(action, url, redirect.target, redirect.code) from None
        except HTTPError as error:
            if 300 <= error.code < 400:  # one urllib does not follow (another scheme, a loop, no Location)
                location = error.headers.get("Location") if error.headers else None
                target = urljoin(url, location) if location else None
                raise self._redirect_error(action, url, target, error.code) from None
            raise self._status_error(action, url, error.code, error.reason, _read_quietly(error)) from None
        except (URLError, OSError, HTTPException) as error:
            raise self._connection_error(action, url, error) from None

    def _select(self, sparql: str, graphs: Sequence[str], endpoint: str | None = None) -> dict:
        from SPARQLWrapper import ASK, SELECT, XML

        url = endpoint or self.endpoint
        wrapper = self._wrapper(sparql, graphs, url)
        if wrapper.queryType not in (SELECT, ASK):
            raise ValueError("only SELECT and ASK queries are supported")
        if self.flavour.results == "xml":
            wrapper.setReturnFormat(XML)
        body, headers = self._send(wrapper, "query at", url)
        self.flavour.check_answer(headers, f"query at {redact_url(url)}")
        kind = headers.get("Content-Type", "no content type")
        xml = "xml" in kind.lower() if "Content-Type" in headers else self.flavour.results == "xml"
        try:
            document = xml_results(body) if xml else json.loads(body)
        except ValueError as error:
            what = f"XML results ({error})" if xml else "JSON results"
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the answer is not SPARQL {what} ({kind}): "
                f"{_detail(body, 120)}"
            ) from None
        wrong = results_shape_error(document)
        if wrong:
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the answer is not SPARQL results: {wrong}"
            )
        return normalize_results(self.flavour.fix_answer(document, ask=wrapper.queryType == ASK))

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> dict:
        """Run a SELECT or ASK query over the coopgraph graphs (see ``default_graphs``)."""
        text = with_values(sparql, bindings or {})
        return self._select(text, self.dataset())

    def construct(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> list:
        """Run a CONSTRUCT or DESCRIBE query over the coopgraph graphs: the triples answered (asked for as
        Turtle, read by the media type the server names)."""
        import pyoxigraph
        from SPARQLWrapper import CONSTRUCT, DESCRIBE, TURTLE

        wrapper = self._wrapper(with_values(sparql, bindings or {}), self.dataset())
        if wrapper.queryType not in (CONSTRUCT, DESCRIBE):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        wrapper.setReturnFormat(TURTLE)
        body, headers = self._send(wrapper, "query at", self.endpoint)
        self.flavour.check_answer(headers, f"query at {redact_url(self.endpoint)}")
        kind = headers.get("Content-Type", "text/turtle").split(";")[0].strip()
        rdf_format = pyoxigraph.RdfFormat.from_media_type(kind) or pyoxigraph.RdfFormat.TURTLE
        try:
            return [quad.triple for quad in pyoxigraph.parse(body, format=rdf_format)]
        except SyntaxError as error:
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the answer is not RDF ({kind}: {error.msg}): "
                f"{_detail(body, 120)}"
            ) from None

    def query_at(self, endpoint: str, sparql: str) -> dict:
        """Run a SELECT or ASK query at another endpoint of the same server, with this store's credentials
        and no dataset (a server function that only its update endpoint's user may call)."""
        check_url(endpoint, "endpoint")
        return self._select(sparql, (), endpoint)

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request at the update endpoint."""
        if not self.update_endpoint:
            raise StoreError("this needs the store's SPARQL Update endpoint; none was given")
        wrapper = self._wrapper(sparql, ())
        if wrapper.queryType not in _UPDATE_TYPES:
            raise ValueError("not a SPARQL Update request")
        self._send(wrapper, "update at", self.update_endpoint)

    def dataset(self) -> list[str]:
        """The graphs every query is run over (see the class's docstring), found once and kept."""
        if self.default_graphs is not None:
            return self.default_graphs
        if self._dataset is not None:
            return self._dataset
        if self.all_graphs:
            found = [g for g in self.graphs("") if not is_bookkeeping(g)]
        else:
            manifest = self.manifest(wait=True)
            found = [manifest.merged.graph] if manifest.merged else list(manifest.graphs) or self.graphs()
        if not found:
            raise StoreError(
                f"the store at {redact_url(self.endpoint)} holds no coopgraph graphs (no manifest, none "
                f"under {GRAPH_BASE}); load them first with `coopgraph load`"
            )
        self._dataset = found
        return found

    def refresh(self) -> None:
        """Forget the dataset found in the store, so the next query reads the manifest again."""
        self._dataset = None

    def manifest(self, *, wait: bool = False) -> manifests.Manifest:
        """What the store's manifest says (empty if it has none). With ``wait``, a manifest marked as
        being swapped is read again for up to the timeout (at most 30 s), then :class:`SwapInProgress`."""
        deadline = time.monotonic() + min(self.timeout, 30.0)
        while True:
            rows = self._select(manifests.READ_QUERY, ())["results"]["bindings"]
            found = manifests.read(rows)
            if not (wait and found.swapping):
                return found
            if time.monotonic() >= deadline:
                raise found.swap_error(f"query at {redact_url(self.endpoint)}")
            time.sleep(0.2)

    def graphs(self, prefix: str = GRAPH_BASE) -> list[str]:
        """The IRIs of the store's named graphs that start with ``prefix``, sorted."""
        return sorted(self.counts(prefix))

    def counts(self, prefix: str = GRAPH_BASE) -> dict[str, int]:
        """How many triples each of the store's named graphs that start with ``prefix`` holds (one query)."""
        # no filter for every graph: Virtuoso finds no string that starts with ""
        where = f"FILTER(STRSTARTS(STR(?g), {ntriples_term(Literal(prefix))}))" if prefix else ""
        document = self._select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} }} GROUP BY ?g", ()
        )
        found = {}
        for row in document["results"]["bindings"]:
            if row.get("g", {}).get("type") == "uri":
                found[row["g"]["value"]] = self._number(row, row["g"]["value"])
        return found

    def _number(self, row: dict, graph: str) -> int:
        try:
            return int(row["n"]["value"])
        except (KeyError, ValueError):
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the triple count of {graph} is not a number"
            ) from None

    def count(self, graph: str) -> int:
        """How many triples the named graph holds (0 when it does not exist)."""
        iri = ntriples_term(URIRef(graph))
        document = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}", ())
        rows = document["results"]["bindings"]
        return self._number(rows[0], graph) if rows else 0

    def server(self) -> str:
        """What the server calls itself (its ``Server`` header), e.g. ``Oxigraph/0.5.13``; '' if unsaid."""
        _, headers = self._send(self._wrapper("ASK {}", ()), "query at", self.endpoint)
        return headers.get("Server", "") or ""

    # -- Graph Store Protocol (requests)

    def _gsp(self, method: str, graph: str, **kwargs) -> requests.Response:
        if not self.gsp_endpoint:
            raise StoreError("this needs the store's Graph Store Protocol endpoint; none was given")
        import requests

        url = self.gsp_endpoint
        try:
            return self._session.request(
                method, url, params={self.graph_param: graph}, timeout=self.timeout, **kwargs
            )
        except Redirected as redirect:
            where = f"{method} graph <{graph}> at"
            raise self._redirect_error(where, url, redirect.target, redirect.code) from None
        except requests.RequestException as error:
            raise self._connection_error(f"{method} graph <{graph}> at", url, error) from None

    def _prime_digest(self) -> None:
        """Answer the digest challenge once with a small request, so a large upload is not sent twice."""
        if self.auth is None or self.auth.scheme != "digest" or self._digest_primed:
            return
        response = self._gsp(
            "GET", f"{STAGING_PREFIX}{uuid.uuid4().hex}", headers={"Accept": "application/n-triples"}
        )
        if response.status_code in (401, 403):
            raise self._status_error(
                "signing in at",
                self.gsp_endpoint or "",
                response.status_code,
                response.reason,
                response.content,
            )
        self._digest_primed = True

    def put_graph(self, graph: str, data: bytes, advance: Callable[[int], None] | None = None) -> None:
        """Replace the named graph with ``data`` (N-Triples) by one Graph Store Protocol PUT."""
        self._prime_digest()
        body = _ProgressBody(data, advance or (lambda _: None)) if data else b""  # empty: no chunked stream
        response = self._gsp("PUT", graph, data=body, headers={"Content-Type": "application/n-triples"})
        if response.status_code >= 400:
            raise self._status_error(
                f"PUT graph <{graph}> at",
                self.gsp_endpoint or "",
                response.status_code,
                response.reason,
                response.content,
            )

    def drop_quietly(self, graphs: Sequence[str]) -> None:
        """Drop these graphs if the server still answers (cleaning up after a failure); never raises."""
        if graphs:
            with contextlib.suppress(StoreError):
                self.update(" ;\n".join(f"DROP SILENT GRAPH {ntriples_term(URIRef(g))}" for g in graphs))


def is_bookkeeping(graph: str) -> bool:
    """Whether ``graph`` is one of coopgraph's own in a store: the manifest, a merged or a staging graph."""
    return graph == MANIFEST_GRAPH or graph.startswith((MERGED_PREFIX, STAGING_PREFIX))


def _read_quietly(error: HTTPError) -> bytes:
    try:
        return error.read()
    except OSError:
        return b""
