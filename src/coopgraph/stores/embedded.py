"""The embedded store: the graph in memory (pyoxigraph), queried with the same answers a server gives."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier

from coopgraph import resources
from coopgraph.stores.sparql import (
    XSD_BOOLEAN,
    XSD_STRING,
    _variable_name,
    normalize_results,
    to_oxigraph,
    with_values,
)


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
    def of_files(cls, files: Iterable[str | Path]) -> EmbeddedStore:
        """These files alone, one named graph each and their merge (``query --no-shipped``)."""
        from coopgraph import load

        return cls(load.load_store(files))

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

    def construct(
        self, sparql: str, bindings: Mapping[str, Identifier] | None = None
    ) -> list[pyoxigraph.Triple]:
        """Run a CONSTRUCT or DESCRIBE query: the triples of its answer (``bindings`` as :meth:`query`)."""
        results = self._evaluate(sparql, bindings or {})
        if not isinstance(results, pyoxigraph.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(results)

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
