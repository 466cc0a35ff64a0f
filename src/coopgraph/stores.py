"""Where queries run and graphs are loaded: an embedded store (pyoxigraph) or any SPARQL 1.1 server.

Both kinds answer :meth:`Store.query` with the SPARQL 1.1 Query Results JSON document as a dict, so the
same query with the same bindings gives the same rows wherever it runs:

- :class:`EmbeddedStore` keeps the graph in memory; its default graph is the union of all named graphs and
  bindings are pyoxigraph ``substitutions`` (which pyoxigraph allows only for variables the SELECT
  projects; other variables are bound with the same ``VALUES`` block a remote store gets).
- :class:`RemoteStore` sends queries through SPARQLWrapper (form-encoded POST, JSON results) and names the
  dataset explicitly (``default-graph-uri`` and ``named-graph-uri`` for each coopgraph graph), because some
  stores keep a separate default graph (Oxigraph) and others make it the union of everything (Virtuoso).
  Bindings become a ``VALUES`` block of N-Triples terms, never text pasted into the query.

:func:`load` uploads the shipped graph (and extra files) into a remote store through the SPARQL 1.1 Graph
Store Protocol, one named graph per file, each replaced atomically, and checks the triple count of each.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from typing import Literal as TypingLiteral
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier

from coopgraph import __version__, resources
from coopgraph.errors import CoopgraphError
from coopgraph.load import GRAPH_BASE, graph_iri_for, load_store

if TYPE_CHECKING:  # the remote store's libraries are imported when one is used: the embedded one needs none
    from urllib.error import HTTPError

    import requests
    from SPARQLWrapper import SPARQLWrapper

AuthScheme = TypingLiteral["basic", "digest", "bearer"]
STRATEGIES: tuple[str, ...] = ("auto", "put", "stage")
STAGING_PREFIX = "urn:coopgraph:staging:"
USER_AGENT = f"coopgraph/{__version__}"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_UPDATE_TYPES = ("INSERT", "DELETE", "CREATE", "CLEAR", "DROP", "LOAD", "COPY", "MOVE", "ADD")


class StoreError(CoopgraphError):
    """A store could not do what was asked: unreachable, refused, timed out, or answered with an error.

    The message names the URL and the reason for a person to act on; it never holds a secret.
    """


class NonConformingError(Exception):
    """The graph to load does not conform to the shapes, so nothing was uploaded."""

    def __init__(self, report: object) -> None:
        self.report = report
        count = len(getattr(report, "results", []) or [])
        super().__init__(f"the graph does not conform to the shapes ({count} results); nothing was uploaded")


@dataclass(frozen=True)
class Auth:
    """Credentials for a remote store. ``secret`` is a password (basic, digest) or a token (bearer).

    ``source`` says where the secret came from (e.g. the environment variable) for error messages; the
    secret itself is never shown, not even by ``repr``.
    """

    scheme: AuthScheme
    secret: str = field(repr=False)
    user: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.scheme not in ("basic", "digest", "bearer"):
            raise ValueError(
                f"unknown authentication scheme {self.scheme!r}; expected basic, digest or bearer"
            )
        if self.scheme != "bearer" and not self.user:
            raise ValueError(f"{self.scheme} authentication needs a user name")

    @classmethod
    def from_env(cls, scheme: AuthScheme, variable: str, user: str | None = None) -> Auth:
        """Read the secret from the environment variable ``variable``; :class:`StoreError` if it is unset."""
        secret = os.environ.get(variable)
        if not secret:
            raise StoreError(
                f"the environment variable {variable} holding the {_secret_word(scheme)} is not set"
            )
        return cls(scheme, secret, user, source=f"the environment variable {variable}")


def _secret_word(scheme: str) -> str:
    return "token" if scheme == "bearer" else "password"


class Store(Protocol):
    """Anything that answers SPARQL SELECT and ASK queries with SPARQL 1.1 Query Results JSON."""

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> dict: ...


# --- terms and bindings -----------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\w+")


def to_oxigraph(term: Identifier) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    """The pyoxigraph term for an rdflib term; ``ValueError`` for an invalid IRI, language tag or datatype."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise ValueError(f"cannot bind {term!r}: expected an IRI, a blank node or a literal")


def _variable_name(name: str) -> str:
    bare = name[1:] if name[:1] in ("?", "$") else name
    if not _VARIABLE.fullmatch(bare):
        raise ValueError(f"not a SPARQL variable name: {name!r}")
    return bare


def ntriples_term(term: Identifier) -> str:
    """The N-Triples form of an IRI or literal, escaped so that it can only ever be read as that one term."""
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be bound in a VALUES block; bind an IRI or a literal")
    try:
        return str(to_oxigraph(term))
    except ValueError as error:
        raise ValueError(f"cannot bind {str(term)!r}: {error}") from None


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """``VALUES (?a ?b) { (<term> <term>) }`` for the given variable → term mapping."""
    names = [_variable_name(name) for name in bindings]
    terms = [ntriples_term(term) for term in bindings.values()]
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(terms) + ") }"


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def _tokens(query: str) -> Iterator[tuple[str, int, int]]:
    """Split a query into ``comment``, ``string`` and ``iri`` spans and single ``char`` spans in between."""
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        start = i
        if ch == "#":
            while i < n and query[i] not in "\r\n":
                i += 1
            yield "comment", start, i
            continue
        if ch in "\"'":
            quote = ch * 3 if query.startswith(ch * 3, i) else ch
            i += len(quote)
            while i < n and not query.startswith(quote, i):
                if query[i] == "\\":
                    i += 1
                elif len(quote) == 1 and query[i] in "\r\n":
                    raise ValueError("a string literal in the query is not closed on its line")
                i += 1
            if i >= n:
                raise ValueError("a string literal in the query is not closed")
            i += len(quote)
            yield "string", start, i
            continue
        match = _IRIREF.match(query, i) if ch == "<" else None
        if match:  # an IRI; otherwise "<" is the less-than operator
            i = match.end()
            yield "iri", start, i
            continue
        i += 1
        yield "char", start, i


def _structure(query: str) -> Iterator[tuple[int, str]]:
    """Positions of ``{``, ``}``, ``(`` and ``)`` outside comments, string literals and IRIs."""
    for kind, start, _ in _tokens(query):
        if kind == "char" and query[start] in "{}()":
            yield start, query[start]


def strip_comments(query: str) -> str:
    """The query without its ``#`` comments (strings and IRIs that hold a ``#`` are kept)."""
    return "".join(query[start:end] for kind, start, end in _tokens(query) if kind != "comment")


def _skip_blank(query: str, i: int) -> int:
    """The position of the next token at or after ``i``, past white space and comments."""
    while i < len(query):
        if query[i].isspace():
            i += 1
        elif query[i] == "#":
            while i < len(query) and query[i] not in "\r\n":
                i += 1
        else:
            break
    return i


def _group_start(query: str, after: int) -> int:
    """The position of the first ``{`` at or after ``after`` that is not inside parentheses."""
    depth = 0
    for position, ch in _structure(query):
        if position < after:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "{" and depth <= 0:
            return position
    raise ValueError("the query has no WHERE group to bind values in")


def with_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with a ``VALUES`` block for ``bindings`` as the first element of its WHERE group.

    The WHERE group is the first ``{`` outside parentheses (a SELECT expression may hold ``EXISTS {…}``),
    comments, strings and IRIs. When that group is a sub-select, the block goes into the sub-select's own
    WHERE group, where its variables are in scope.
    """
    if not bindings:
        return query
    block = values_block(bindings)
    start = _group_start(query, 0)
    while re.match(r"select\b", query[_skip_blank(query, start + 1) :], re.IGNORECASE):
        start = _group_start(query, start + 1)
    return f"{query[: start + 1]} {block} {query[start + 1 :]}"


def normalize_results(document: Mapping) -> dict:
    """A SPARQL 1.1 Query Results JSON document in one canonical shape, whichever store wrote it.

    ``typed-literal`` (SPARQL 1.0, Virtuoso) becomes ``literal``; ``xsd:string`` and ``rdf:langString``
    datatypes are dropped (RDF 1.1 says they are implied); language tags are lower-cased; booleans are
    written ``true``/``false`` (Virtuoso answers ``1``/``0``).
    """
    if "boolean" in document:
        return {"head": {}, "boolean": bool(document["boolean"])}
    variables = list(document.get("head", {}).get("vars", []))
    rows = []
    for row in document.get("results", {}).get("bindings", []):
        rows.append({name: _normalize_term(value) for name, value in row.items()})
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


def _normalize_term(term: Mapping) -> dict:
    kind = term.get("type")
    if kind in ("literal", "typed-literal"):
        out = {"type": "literal", "value": term["value"]}
        language = term.get("xml:lang")
        datatype = term.get("datatype")
        if language:
            out["xml:lang"] = language.lower()
        elif datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = datatype
            if datatype == XSD_BOOLEAN:
                out["value"] = {"1": "true", "0": "false"}.get(out["value"], out["value"])
        return out
    return {"type": kind, "value": term["value"]}


# --- the embedded store -------------------------------------------------------------------------------------


class _NotPlainTerm(Exception):
    """A solution holds a term that is not an IRI, a blank node or a literal (an RDF 1.2 triple term)."""


def _term_json(term: object) -> dict:
    """An IRI, blank node or literal as :func:`normalize_results` writes it."""
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language.lower()}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        value = term.value
        if datatype == XSD_BOOLEAN:
            value = {"1": "true", "0": "false"}.get(value, value)
        return {"type": "literal", "value": value, "datatype": datatype}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    raise _NotPlainTerm(repr(term))


def solutions_json(solutions: pyoxigraph.QuerySolutions) -> dict:
    """pyoxigraph's solutions as the dict :func:`normalize_results` makes of their SPARQL JSON, built from
    the terms themselves: writing the JSON text and parsing it back took longer than many queries.

    :class:`_NotPlainTerm` for a term that is not an IRI, a blank node or a literal."""
    names = [variable.value for variable in solutions.variables]
    rows = [
        {name: _term_json(term) for name, term in zip(names, solution, strict=True) if term is not None}
        for solution in solutions
    ]
    return {"head": {"vars": names}, "results": {"bindings": rows}}


class EmbeddedStore:
    """The graph in memory (pyoxigraph). Queries see the RDF merge of all named graphs as the default graph.

    The merge is materialised as the store's default graph when the store is built: pyoxigraph's own
    union default graph keeps one copy of a triple per named graph that holds it (bag semantics), so a
    triple stated in two files would answer twice; the merge holds it once, as the SPARQL spec and rdflib do.
    """

    def __init__(self, store: pyoxigraph.Store | None = None) -> None:
        self.store = store if store is not None else pyoxigraph.Store()

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> EmbeddedStore:
        """Copy every quad of an rdflib dataset (its named graphs kept) into a new embedded store."""
        blank: dict[BNode, pyoxigraph.BlankNode] = {}

        def term(node: Identifier) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
            if isinstance(node, BNode):
                return blank.setdefault(node, pyoxigraph.BlankNode())
            return to_oxigraph(node)

        def quads() -> Iterator[pyoxigraph.Quad]:
            for s, p, o, g in dataset.quads((None, None, None, None)):
                triple = term(s), term(p), term(o)
                yield pyoxigraph.Quad(*triple, pyoxigraph.DefaultGraph())  # the merge: a set of triples
                if isinstance(g, URIRef) and g != DATASET_DEFAULT_GRAPH_ID:
                    yield pyoxigraph.Quad(*triple, term(g))

        store = pyoxigraph.Store()
        store.bulk_extend(quads())
        return cls(store)

    @classmethod
    def shipped(cls, extra: Iterable[str | Path] = ()) -> EmbeddedStore:
        """The ontology and data of the tree used (:func:`coopgraph.resources.locate`), plus extra files, one
        named graph each; an extra file that is one of the tree's own is read once.

        Loaded by :func:`coopgraph.load.load_store` (Oxigraph's parser, the same errors as
        :func:`coopgraph.load.load_files`), as validation loads them; a big tree's files come from their
        on-disk store (:func:`coopgraph.cache.open_store`), the extra files added to a scratch copy of it."""
        from coopgraph import cache

        base = resources.graph_files()
        known = {path.resolve() for path in base}
        files = []
        for path in map(Path, extra):
            if path.resolve() not in known:
                known.add(path.resolve())
                files.append(path)
        return cls(cache.open_store(base, files))

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> dict:
        """Run a SELECT or ASK query; ``bindings`` pre-bind variables (by name, without ``?``) to terms.

        Bound as pyoxigraph ``substitutions``; a variable the SELECT does not project (which pyoxigraph
        refuses to substitute) is bound by the ``VALUES`` block of :func:`with_values` instead. The answer
        is built from the solutions' terms (:func:`solutions_json`); one holding a triple term is written
        by pyoxigraph's JSON writer and read back instead.
        """
        results = self._evaluate(sparql, bindings or {})
        if isinstance(results, pyoxigraph.QueryTriples):
            raise ValueError("only SELECT and ASK queries are supported")
        if isinstance(results, pyoxigraph.QueryBoolean):
            return {"head": {}, "boolean": bool(results)}
        try:
            return solutions_json(results)
        except _NotPlainTerm:
            results = self._evaluate(sparql, bindings or {})
            return normalize_results(json.loads(results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)))

    def _evaluate(
        self, sparql: str, bindings: Mapping[str, Identifier]
    ) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
        substitutions = {
            pyoxigraph.Variable(_variable_name(name)): to_oxigraph(term) for name, term in bindings.items()
        }
        try:
            return self.store.query(sparql, substitutions=substitutions)
        except (SyntaxError, RuntimeError) as error:
            if "in its SELECT projection" not in str(error):
                raise
            # pyoxigraph substitutes only projected variables; bind the others as a remote store does
            return self.store.query(with_values(sparql, bindings))

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(
            graph.value for graph in self.store.named_graphs() if isinstance(graph, pyoxigraph.NamedNode)
        )

    def count(self, graph: str) -> int:
        """How many triples the named graph holds."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph)))

    def ntriples(self, graph: str) -> bytes:
        """The named graph as N-Triples."""
        return self.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(graph))


# --- the remote store ---------------------------------------------------------------------------------------


def redact_url(url: str) -> str:
    """The URL without any ``user:password@`` part."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=host))


def _detail(body: bytes | str | None, limit: int = 300) -> str:
    """The server's error text made readable: HTML tags dropped, white space collapsed, kept short."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if re.match(r"\s*<(!doctype|html)\b", text, re.IGNORECASE):
        text = re.sub(r"(?is)<(script|style|title|head)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>|<![^<>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ProgressBody:
    """A request body that reports how many bytes have been sent (and can rewind for digest auth)."""

    def __init__(self, data: bytes, advance: Callable[[int], None]) -> None:
        self._data = io.BytesIO(data)
        self._size = len(data)
        self._advance = advance

    def __len__(self) -> int:
        return self._size

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


class _BearerAuth:  # requests takes any callable as auth
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


class RemoteStore:
    """A SPARQL 1.1 server: queries and updates via SPARQLWrapper, uploads via the Graph Store Protocol.

    ``endpoint`` answers queries; ``update_endpoint`` takes SPARQL Update (needed for the staging strategy);
    ``gsp_endpoint`` is the Graph Store Protocol URL, the graph named by the ``graph_param`` query parameter
    (``graph`` in the standard and Oxigraph, ``graph-uri`` for Virtuoso's ``/sparql-graph-crud-auth``).

    ``default_graphs`` names the dataset of every query: each IRI is sent as ``default-graph-uri`` and as
    ``named-graph-uri``. ``None`` (the default) means the coopgraph graphs the store holds (those under
    ``https://w3id.org/coopgraph/graph/``, found with one query); an empty list means the store's own
    default graph.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        graph_param: str = "graph",
        auth: Auth | None = None,
        timeout: float = 30.0,
        default_graphs: Sequence[str] | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("the timeout must be a positive number of seconds")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self.graph_param = graph_param
        self.auth = auth
        self.timeout = timeout
        self.default_graphs = list(default_graphs) if default_graphs is not None else None
        import requests

        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        if auth is not None:
            if auth.scheme == "basic":
                self._session.auth = requests.auth.HTTPBasicAuth(auth.user or "", auth.secret)
            elif auth.scheme == "digest":
                self._session.auth = requests.auth.HTTPDigestAuth(auth.user or "", auth.secret)
            else:
                self._session.auth = _BearerAuth(auth.secret)
        self._digest_primed = False

    def __repr__(self) -> str:
        return f"RemoteStore({redact_url(self.endpoint)!r})"

    # -- errors

    def _secret_free(self, message: str) -> str:
        if self.auth is not None and self.auth.secret:
            message = message.replace(self.auth.secret, "***")
        return message

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
                secret = _secret_word(self.auth.scheme)
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
        if any(isinstance(e, (ConnectionResetError, BrokenPipeError, HTTPException)) for e in chain) or any(
            "aborted" in str(e).lower() or "closed" in str(e).lower() for e in chain
        ):
            return StoreError(f"{where}: the server closed the connection before answering (did it stop?)")
        return StoreError(self._secret_free(f"{where}: cannot reach the server: {_detail(str(error))}"))

    # -- SPARQL protocol (SPARQLWrapper)

    def _wrapper(self, sparql: str, graphs: Sequence[str]) -> SPARQLWrapper:
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, URLENCODED, SPARQLWrapper

        wrapper = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint, agent=USER_AGENT)
        wrapper.setReturnFormat(JSON)
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() would round to whole seconds
        for graph in graphs:
            wrapper.addParameter("default-graph-uri", graph)
            wrapper.addParameter("named-graph-uri", graph)
        if self.auth is not None:
            if self.auth.scheme == "bearer":
                wrapper.addCustomHttpHeader("Authorization", f"Bearer {self.auth.secret}")
            else:
                wrapper.setHTTPAuth(BASIC if self.auth.scheme == "basic" else DIGEST)
                wrapper.setCredentials(self.auth.user, self.auth.secret)
        wrapper.setQuery(strip_comments(sparql))  # its query-type sniffing trips over comments
        return wrapper

    def _send(self, wrapper: SPARQLWrapper, action: str, url: str) -> tuple[bytes, Mapping[str, str]]:
        from http.client import HTTPException
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
            URITooLong,
        )

        try:
            result = wrapper.query()
            with result.response as response:
                return response.read(), response.headers
        except SPARQLWrapperException as error:
            status = {
                QueryBadFormed: 400,
                Unauthorized: 401,
                EndPointNotFound: 404,
                URITooLong: 414,
                EndPointInternalError: 500,
            }.get(type(error), 500)
            body = str(error).split("Response:\n", 1)[1] if "Response:\n" in str(error) else None
            if body and body[:2] in ("b'", 'b"'):
                with contextlib.suppress(ValueError, SyntaxError):
                    body = _literal_bytes(body)
            raise self._status_error(action, url, status, "", body) from None
        except HTTPError as error:
            raise self._status_error(action, url, error.code, error.reason, _read_quietly(error)) from None
        except (URLError, OSError, HTTPException) as error:
            raise self._connection_error(action, url, error) from None

    def _select(self, sparql: str, graphs: Sequence[str]) -> dict:
        from SPARQLWrapper import ASK, SELECT

        wrapper = self._wrapper(sparql, graphs)
        if wrapper.queryType not in (SELECT, ASK):
            raise ValueError("only SELECT and ASK queries are supported")
        body, headers = self._send(wrapper, "query at", self.endpoint)
        if headers.get("X-SQL-State"):  # Virtuoso's "anytime" answer: cut short by its time limit
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the store stopped the query and sent incomplete "
                f"results ({_detail(headers.get('X-SQL-Message', headers['X-SQL-State']), 160)})"
            )
        try:
            document = json.loads(body)
        except ValueError:
            kind = headers.get("Content-Type", "no content type")
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the answer is not SPARQL JSON results ({kind}): "
                f"{_detail(body, 120)}"
            ) from None
        if not isinstance(document, dict) or ("boolean" not in document and "results" not in document):
            raise StoreError(f"query at {redact_url(self.endpoint)}: the answer is not SPARQL JSON results")
        if wrapper.queryType == ASK and "boolean" not in document:
            document = _ask_answer(document)
        return normalize_results(document)

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> dict:
        """Run a SELECT or ASK query over the coopgraph graphs (see ``default_graphs``)."""
        text = with_values(sparql, bindings or {})
        return self._select(text, self.dataset())

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request at the update endpoint."""
        if not self.update_endpoint:
            raise StoreError("this needs the store's SPARQL Update endpoint; none was given")
        wrapper = self._wrapper(sparql, ())
        if wrapper.queryType not in _UPDATE_TYPES:
            raise ValueError("not a SPARQL Update request")
        self._send(wrapper, "update at", self.update_endpoint)

    def dataset(self) -> list[str]:
        """The graphs every query is run over: ``default_graphs``, else the coopgraph graphs in the store."""
        if self.default_graphs is None:
            found = self.graphs()
            if not found:
                raise StoreError(
                    f"the store at {redact_url(self.endpoint)} holds no coopgraph graphs (none under "
                    f"{GRAPH_BASE}); load them first with `coopgraph load`"
                )
            self.default_graphs = found
        return self.default_graphs

    def graphs(self, prefix: str = GRAPH_BASE) -> list[str]:
        """The IRIs of the store's named graphs that start with ``prefix``, sorted."""
        literal = ntriples_term(Literal(prefix))
        document = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {literal})) }}",
            (),
        )
        return sorted(
            row["g"]["value"] for row in document["results"]["bindings"] if row["g"]["type"] == "uri"
        )

    def count(self, graph: str) -> int:
        """How many triples the named graph holds (0 when it does not exist)."""
        iri = ntriples_term(URIRef(graph))
        document = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}", ())
        rows = document["results"]["bindings"]
        try:
            return int(rows[0]["n"]["value"]) if rows else 0
        except (KeyError, ValueError):
            raise StoreError(
                f"query at {redact_url(self.endpoint)}: the triple count of {graph} is not a number"
            ) from None

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
        body = _ProgressBody(data, advance or (lambda _: None))
        response = self._gsp("PUT", graph, data=body, headers={"Content-Type": "application/n-triples"})
        if response.status_code >= 400:
            raise self._status_error(
                f"PUT graph <{graph}> at",
                self.gsp_endpoint or "",
                response.status_code,
                response.reason,
                response.content,
            )

    def replace_graph(
        self,
        graph: str,
        data: bytes,
        expected: int,
        *,
        strategy: str = "put",
        advance: Callable[[int], None] | None = None,
    ) -> int:
        """Replace a named graph atomically and check it now holds ``expected`` triples; return the count.

        ``put``: one Graph Store Protocol PUT, for stores where a PUT is one transaction (Oxigraph, Fuseki).
        ``stage``: PUT into a fresh staging graph, check its count, then ``MOVE SILENT GRAPH`` it onto the
        target in one update (for Virtuoso, whose PUT is not atomic). On failure the staging graph is dropped
        when the server still answers; the target is untouched either way.
        """
        if strategy == "put":
            self.put_graph(graph, data, advance)
        elif strategy == "stage":
            if not self.update_endpoint:
                raise StoreError(
                    "the staging strategy needs the store's SPARQL Update endpoint; none was given"
                )
            staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
            try:
                self.put_graph(staging, data, advance)
                staged = self.count(staging)
                if staged != expected:
                    raise StoreError(
                        f"the staging copy of <{graph}> holds {staged} triples, expected {expected}; "
                        "the graph was left as it was"
                    )
                self.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH {ntriples_term(URIRef(graph))}")
            except StoreError:
                self._drop_quietly(staging)
                raise
        else:
            raise ValueError(f"unknown strategy {strategy!r}; expected put or stage")
        found = self.count(graph)
        if found != expected:
            raise StoreError(
                f"after loading, graph <{graph}> holds {found} triples on the server, expected {expected}"
            )
        return found

    def _drop_quietly(self, graph: str) -> None:
        with contextlib.suppress(StoreError):
            self.update(f"DROP SILENT GRAPH <{graph}>")

    def choose_strategy(self, strategy: str = "auto") -> str:
        """``auto`` picks ``stage`` for Virtuoso (its PUT is not atomic) and ``put`` for every other store."""
        if strategy != "auto":
            if strategy not in STRATEGIES:
                raise ValueError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")
            return strategy
        if "virtuoso" not in self.server().lower():
            return "put"
        if not self.update_endpoint:
            raise StoreError(
                f"{redact_url(self.endpoint)} is Virtuoso, whose Graph Store PUT is not atomic: graphs are "
                "staged and moved, which needs its SPARQL Update endpoint (…/sparql-auth)"
            )
        return "stage"


def _ask_answer(document: Mapping) -> dict:
    """An ASK answer given as a one-column table (Virtuoso sometimes does: ``__ASK_RETVAL``) as a boolean."""
    rows = document.get("results", {}).get("bindings", [])
    values = [term.get("value") for row in rows for term in row.values()]
    return {"head": {}, "boolean": any(value in ("1", "true") for value in values)}


def _read_quietly(error: HTTPError) -> bytes:
    try:
        return error.read()
    except OSError:
        return b""


def _literal_bytes(text: str) -> bytes:
    """The bytes of a ``b'…'`` repr (how SPARQLWrapper puts the server's answer into its messages)."""
    value = ast.literal_eval(text.strip())
    if not isinstance(value, bytes):
        raise ValueError("not bytes")
    return value


# --- loading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphLoad:
    """One named graph as loaded: its IRI and the triple count the server confirmed."""

    graph: str
    triples: int


def _graph_order(files: Iterable[Path]) -> list[str]:
    seen: dict[str, None] = {}
    for path in files:
        seen.setdefault(str(graph_iri_for(path)), None)
    return list(seen)


def load(
    store: RemoteStore,
    files: Iterable[str | Path] = (),
    *,
    validate: bool = True,
    strategy: str = "auto",
    progress: bool | None = None,
    on_graph: Callable[[GraphLoad], None] | None = None,
) -> list[GraphLoad]:
    """Upload the shipped graph, plus ``files``, into ``store``: one named graph per file.

    The files are parsed first (:class:`coopgraph.load.LoadError` on bad input) and, unless ``validate`` is
    false, validated with the shapes together with the shipped graph (:class:`NonConformingError`, nothing
    uploaded). Each graph is then replaced atomically (see :meth:`RemoteStore.replace_graph`) and its triple
    count checked. Loading again gives the same store. ``progress`` shows a bar on stderr (default: when
    stderr is a terminal).
    """
    extra = [Path(f) for f in files]
    paths = [*resources.graph_files(), *extra]
    if validate:
        from coopgraph.validate import validate as shacl_validate

        report = shacl_validate(extra_files=extra)
        if not report.conforms:
            raise NonConformingError(report)
        source = report.store  # the files as validated, parsed once
    else:
        source = EmbeddedStore(load_store(paths))
    chosen = store.choose_strategy(strategy)
    payloads = [(graph, source.ntriples(graph), source.count(graph)) for graph in _graph_order(paths)]
    loaded: list[GraphLoad] = []
    with _progress_bar(sum(len(data) for _, data, _ in payloads), progress) as advance:
        for graph, data, expected in payloads:
            triples = store.replace_graph(graph, data, expected, strategy=chosen, advance=advance)
            loaded.append(GraphLoad(graph, triples))
            if on_graph is not None:
                on_graph(loaded[-1])
    return loaded


class _progress_bar:  # noqa: N801 - used as a context manager, like a function
    """A rich progress bar over the bytes uploaded, on stderr; does nothing when stderr is not a terminal."""

    def __init__(self, total: int, show: bool | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(stderr=True)
        enabled = console.is_terminal if show is None else show
        self._progress = Progress(
            TextColumn("uploading"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            transient=True,
        )
        self._task = self._progress.add_task("upload", total=total)

    def __enter__(self) -> Callable[[int], None]:
        self._progress.start()
        return lambda sent: self._progress.advance(self._task, sent)

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()
