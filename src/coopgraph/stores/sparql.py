"""SPARQL text and terms: binding values safely, and reading answers in one shape whichever store wrote them.

- :func:`ntriples_term` and :func:`values_block` write terms as N-Triples, escaped so a value can only ever
  be read as that one term; :func:`with_values` puts a ``VALUES`` block at the start of a query's WHERE group.
- :func:`strip_comments` and the tokenizer behind it know comments, strings and IRIs apart.
- :func:`has_service` and :func:`parsed_form` read a query with rdflib's SPARQL 1.1 parser, which runs
  nothing: whether it holds a ``SERVICE`` clause, and which form it is.
- :func:`normalize_results` turns any store's SPARQL 1.1 Query Results JSON into one canonical dict;
  :func:`xml_results` reads the XML results format into the same shape first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Protocol

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Store(Protocol):
    """Anything that answers SPARQL SELECT and ASK queries with SPARQL 1.1 Query Results JSON."""

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> dict: ...


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


@functools.lru_cache(maxsize=32)
def _parse_tree(query: str) -> object:
    """rdflib's parse tree of the query (its SPARQL 1.1 grammar; nothing is run). pyparsing's exception if the
    text is not one query."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(query)


def _parse_error(query: str) -> str | None:
    """Why rdflib cannot parse the query, or ``None`` when it can."""
    try:
        _parse_tree(query)
    except Exception as error:  # pyparsing's ParseException, or rdflib failing on what it read
        return str(error) or type(error).__name__
    return None


def _node_names(tree: object) -> Iterator[str]:
    """The name of every node of rdflib's parse tree (``SelectQuery``, ``ServiceGraphPattern``…)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            yield node.name
            pending.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            pending.extend(node)


def has_service(query: str) -> bool:
    """Whether the query holds a ``SERVICE`` clause: the store that runs it would send part of it to another
    server, from wherever the store runs.

    Read from rdflib's parse of the query, so that the word in a string, an IRI or a comment does not count.
    A text without the word and without ``\\u`` escapes (which the SPARQL grammar reads before its keywords)
    holds none and is not parsed; one with either that rdflib cannot parse is taken to hold one.
    """
    folded = query.casefold()
    if "service" not in folded and "\\u" not in folded:
        return False
    if _parse_error(query) is not None:
        return True
    return "ServiceGraphPattern" in _node_names(_parse_tree(query))


def parsed_form(query: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``, as rdflib's SPARQL 1.1 parser reads the query
    without running it; ``SyntaxError`` with the parser's message if the text is not one query."""
    error = _parse_error(query)
    if error is not None:
        raise SyntaxError(error)
    tree = _parse_tree(query)
    kind = getattr(tree[1], "name", "")  # type: ignore[index]  # [prologue, query]
    return kind.removesuffix("Query").upper()


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


def _group_end(query: str, start: int) -> int:
    """The position of the ``}`` that closes the group opened at ``start``."""
    depth = 0
    for position, ch in _structure(query):
        if position < start or ch not in "{}":
            continue
        depth += 1 if ch == "{" else -1
        if depth == 0:
            return position
    raise ValueError("the query has a group that is never closed")


def with_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with a ``VALUES`` block for ``bindings`` as the first element of its WHERE group.

    The WHERE group is the first ``{`` outside parentheses (a SELECT expression may hold ``EXISTS {…}``),
    comments, strings and IRIs — past a CONSTRUCT's template. When that group is a sub-select, the block goes
    into the sub-select's own WHERE group, where its variables are in scope. ``CONSTRUCT WHERE { … }``, whose
    group may hold triple patterns only, gets the block as the query's closing VALUES clause instead.
    """
    if not bindings:
        return query
    block = values_block(bindings)
    start = _group_start(query, 0)
    head = strip_comments(query[:start])
    if re.search(r"\bconstruct\s+where\s*$", head, re.IGNORECASE):
        return f"{query}\n{block}"
    if re.search(r"\bconstruct\s*$", head, re.IGNORECASE):
        start = _group_start(query, _group_end(query, start) + 1)
    while re.match(r"select\b", query[_skip_blank(query, start + 1) :], re.IGNORECASE):
        start = _group_start(query, start + 1)
    return f"{query[: start + 1]} {block} {query[start + 1 :]}"


_SR = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xml_results(body: bytes) -> dict:
    """A SPARQL Query Results XML Format document (W3C Recommendation, 2013) as the JSON format's dict.

    ``ValueError`` when it is not one. A document type declaration is refused before parsing (the format has
    none, and its entities are how a hostile server would make the parser expand text without end).
    """
    import xml.etree.ElementTree as ElementTree

    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ValueError("a document type declaration, which SPARQL XML results never hold")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ValueError(f"not well-formed XML ({error})") from None
    if root.tag != f"{_SR}sparql":
        raise ValueError(f"the root element is {root.tag}, not sparql")
    boolean = root.find(f"{_SR}boolean")
    if boolean is not None:
        return {"head": {}, "boolean": (boolean.text or "").strip() in ("true", "1")}
    variables = [element.get("name", "") for element in root.iter(f"{_SR}variable")]
    rows = []
    for result in root.iter(f"{_SR}result"):
        row = {}
        for binding in result.iter(f"{_SR}binding"):
            term = next(iter(binding), None)
            if term is None:
                raise ValueError(f"binding {binding.get('name')!r} holds no term")
            kind = term.tag.removeprefix(_SR)
            if kind not in ("uri", "bnode", "literal"):
                raise ValueError(
                    f"binding {binding.get('name')!r} holds a {kind}, not a uri, bnode or literal"
                )
            value = {"type": kind, "value": term.text or ""}
            if kind == "literal" and term.get(_XML_LANG):
                value["xml:lang"] = term.get(_XML_LANG)
            elif kind == "literal" and term.get("datatype"):
                value["datatype"] = term.get("datatype")
            row[binding.get("name", "")] = value
        rows.append(row)
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


_TERM_TYPES = ("uri", "literal", "typed-literal", "bnode", "triple")


def results_shape_error(document: object) -> str | None:
    """What makes a parsed answer not a SPARQL 1.1 results document (``None`` when it is one): a server's
    odd reply is told to the user, never met later as a crash."""
    if not isinstance(document, Mapping):
        return f"a JSON {type(document).__name__}, not an object"
    if "boolean" in document:
        return None if isinstance(document["boolean"], bool) else "a boolean that is not true or false"
    head, results = document.get("head"), document.get("results")
    if not isinstance(head, Mapping) or not isinstance(head.get("vars", []), list):
        return "no head with a list of variables"
    if not all(isinstance(name, str) for name in head.get("vars", [])):
        return "a variable that is not a name"
    if not isinstance(results, Mapping) or not isinstance(results.get("bindings"), list):
        return "no results with a list of bindings"
    for row in results["bindings"]:
        if not isinstance(row, Mapping):
            return "a solution that is not an object"
        for name, term in row.items():
            if not isinstance(term, Mapping) or term.get("type") not in _TERM_TYPES:
                return f"?{name} bound to something that is not an RDF term"
            if term["type"] != "triple" and not isinstance(term.get("value"), str):
                return f"?{name} bound to a term without a text value"
            extra = [term.get(key) for key in ("xml:lang", "datatype") if key in term]
            if not all(isinstance(value, str) for value in extra):
                return f"?{name} bound to a literal with an odd language or datatype"
    return None


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
