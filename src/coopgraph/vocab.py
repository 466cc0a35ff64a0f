"""The vocabulary in one place: the namespaces coopgraph uses, the one prefix table, and the one way to show
an IRI to a person (:func:`short`).

Every module that names a namespace or abbreviates an IRI for output takes it from here, so a result row, a
query table and a reasoner message write the same node the same way — and a person can paste that short form
back wherever coopgraph takes an IRI.
"""

from __future__ import annotations

import re

from rdflib import Namespace

BASE = "https://w3id.org/coopgraph/"
CG = Namespace(BASE + "ontology#")
CGSH = Namespace(BASE + "shapes#")
CGID = Namespace(BASE + "id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CGLOAD = Namespace(BASE + "load#")  # the load records a store keeps (coopgraph.stores.manifest)
PROV = Namespace("http://www.w3.org/ns/prov#")

#: prefix → namespace: the one prefix table (no namespace here starts with another, so the order is free)
PREFIXES: dict[str, str] = {
    "cgid": str(CGID),
    "cg": str(CG),
    "cgsh": str(CGSH),
    "cgload": str(CGLOAD),
    "sh": str(SH),
    "skos": str(SKOS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": str(DCTERMS),
    "vann": "http://purl.org/vocab/vann/",
    "org": str(ORG),
    "prov": str(PROV),
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
}

_LOCAL = re.compile(r"[\w\-./]*[\w\-/]|")  # what may follow the prefix unescaped in a Turtle/SPARQL name


def short(iri: str) -> str:
    """An IRI as a person reads it: ``cgid:state/SG``, ``cg:hasParty``; ``<…>`` when no prefix fits.

    The short form is a valid prefixed name with the prefixes of :data:`PREFIXES`, so it can be given back
    (see :func:`expand`)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def expand(text: str) -> str | None:
    """The IRI of a short form that :func:`short` writes (``cgid:state/SG``, ``<https://…>``), or ``None``."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and _LOCAL.fullmatch(local):
        return PREFIXES[prefix] + local
    return None


def short_text(text: str) -> str:
    """A term as written in a validation result — an IRI, a path expression (``^<…>``, ``(<a>|<b>)``) or a
    literal in N-Triples form — with every IRI in it shortened."""
    typed = re.fullmatch(r'(".*")\^\^<(.+)>', text, re.DOTALL)
    if typed:
        return f"{typed[1]}^^{short(typed[2])}"
    if text[:1] == '"' or text.startswith("_:"):
        return text
    if text[:1] in "(^<":
        return re.sub(r"<([^<>]*)>", lambda m: short(m[1]), text)
    return short(text)


_IRI_IN_TEXT = re.compile(
    r"<(https?://[^\s<>\"{}|\\^`]+)>|(https?://[^\s<>\"{}|\\^`]*[^\s<>\"{}|\\^`.,;:!?)])"
)


def shorten_iris(text: str) -> str:
    """Free text (a shape's message with its bindings filled in) with every IRI that has a prefix written
    short: ``… of https://w3id.org/coopgraph/id/state/SG`` → ``… of cgid:state/SG``."""

    def one(match: re.Match) -> str:
        iri = match[1] or match[2]
        shortened = short(iri)
        return match[0] if shortened.startswith("<") else shortened

    return _IRI_IN_TEXT.sub(one, text)
