"""The manifest a store keeps of what `coopgraph load` put in it: a small named graph of load records.

It lives in the named graph :data:`MANIFEST_GRAPH` of the store itself, so every client of the store can
read which graphs make up the coopgraph dataset, from which files and file versions, loaded when and by
which coopgraph::

    <https://w3id.org/coopgraph/load/manifest> a cgload:Manifest ;
        cgload:graph <https://w3id.org/coopgraph/graph/data/instruments/sg-kz-mla-2025> ;
        cgload:lastLoad <urn:coopgraph:load:3f2c…> .
    <https://w3id.org/coopgraph/graph/data/instruments/sg-kz-mla-2025>
        cgload:file "data/instruments/sg-kz-mla-2025.ttl" ; cgload:sha256 "9b1e…" ;
        cgload:triples 412 ; cgload:loadedBy <urn:coopgraph:load:3f2c…> .
    <urn:coopgraph:load:3f2c…> a cgload:Load, prov:Activity ;
        prov:startedAtTime "2026-12-02T17:40:03Z"^^xsd:dateTime ;
        prov:endedAtTime "2026-12-02T17:40:05Z"^^xsd:dateTime ; cgload:coopgraphVersion "0.11.0" .
    <https://w3id.org/coopgraph/load/manifest>
        cgload:mergedGraph <https://w3id.org/coopgraph/load/merged/3f2c…> .
    <https://w3id.org/coopgraph/load/merged/3f2c…> cgload:triples 1187 .

The **merged graph** holds every triple of the dataset's graphs once: queries name it as their one default
graph, which every store answers fast and alike (a dataset of thousands of ``default-graph-uri`` is slow on
Oxigraph, counts a triple once per graph holding it, and is more than Virtuoso's answer headers can carry).
Each load that changes the dataset builds a new one under :data:`MERGED_PREFIX` beside the old, and the swap
points the manifest at it, so it changes with the rest of the dataset.

A graph found in the store under the coopgraph graph base but loaded some other way (a bulk loader, an
older coopgraph) is recorded with its triple count and no file. Load records are kept while a graph still
points at them, and the last one always.

On a store whose update requests are not transactions (Virtuoso), a load marks the manifest with
``<manifest> cgload:swapping <load>`` while it moves its graphs in and removes the mark as its very last
operation: a reader that finds the mark knows the dataset is between two loads (:class:`SwapInProgress`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from coopgraph.errors import StoreError
from coopgraph.stores.sparql import ntriples_term
from coopgraph.vocab import CGLOAD, PROV

MANIFEST_GRAPH = "https://w3id.org/coopgraph/load/manifest"
LOAD_PREFIX = "urn:coopgraph:load:"
MERGED_PREFIX = "https://w3id.org/coopgraph/load/merged/"


class SwapInProgress(StoreError):
    """The store's graphs are being moved in by a load, or such a load was interrupted."""


@dataclass(frozen=True)
class GraphRecord:
    """One graph of the dataset: where it came from (``file`` and ``sha256`` are empty for a graph that was
    found in the store, not loaded by coopgraph) and how many triples it holds."""

    graph: str
    triples: int
    file: str = ""
    sha256: str = ""
    load: str = ""


@dataclass(frozen=True)
class LoadRecord:
    iri: str
    started: str
    ended: str
    version: str


@dataclass
class Manifest:
    """The manifest as read from a store (empty when the store has none)."""

    graphs: dict[str, GraphRecord] = field(default_factory=dict)
    loads: dict[str, LoadRecord] = field(default_factory=dict)
    last: str | None = None
    swapping: list[str] = field(default_factory=list)
    merged: GraphRecord | None = None  # the merged graph of the dataset and its triple count

    def __bool__(self) -> bool:
        return bool(self.graphs or self.last or self.swapping)

    def swap_error(self, where: str) -> SwapInProgress:
        return SwapInProgress(
            f"{where}: a `coopgraph load` is moving its graphs into this store, or one was interrupted "
            f"while it did ({', '.join(self.swapping)}); the dataset is between two loads. Wait for the "
            "load to finish, or run `coopgraph load` again to finish it"
        )


def read(rows: list[dict]) -> Manifest:
    """The manifest from the rows of :data:`READ_QUERY` (SPARQL JSON bindings of ``?s ?p ?o``)."""
    by_subject: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        predicate = row["p"]["value"]
        if predicate.startswith(str(CGLOAD)) or predicate.startswith(str(PROV)):
            values = by_subject.setdefault(row["s"]["value"], {})
            values.setdefault(predicate, []).append(row["o"]["value"])

    def one(subject: str, predicate: URIRef) -> str:
        return min(by_subject.get(subject, {}).get(str(predicate), [""]))

    top = by_subject.get(MANIFEST_GRAPH, {})
    manifest = Manifest(
        last=one(MANIFEST_GRAPH, CGLOAD.lastLoad) or None,
        swapping=sorted(top.get(str(CGLOAD.swapping), [])),
    )

    def count(graph: str) -> int:
        try:
            return int(one(graph, CGLOAD.triples) or 0)
        except ValueError:
            raise StoreError(f"the store's manifest gives {graph} a triple count that is no number") from None

    for graph in sorted(top.get(str(CGLOAD.graph), [])):
        manifest.graphs[graph] = GraphRecord(
            graph,
            count(graph),
            one(graph, CGLOAD.file),
            one(graph, CGLOAD.sha256),
            one(graph, CGLOAD.loadedBy),
        )
    merged = one(MANIFEST_GRAPH, CGLOAD.mergedGraph)
    if merged:
        manifest.merged = GraphRecord(merged, count(merged))
    for load in {record.load for record in manifest.graphs.values()} | {manifest.last or ""}:
        if load:
            manifest.loads[load] = LoadRecord(
                load,
                one(load, PROV.startedAtTime),
                one(load, PROV.endedAtTime),
                one(load, CGLOAD.coopgraphVersion),
            )
    return manifest


READ_QUERY = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ ?s ?p ?o }} }}"


def triples(manifest: Manifest) -> list[str]:
    """The manifest as N-Triples lines (without the swapping mark), in a stable order."""
    lines: list[str] = []

    def add(subject: str, predicate: URIRef, value: URIRef | Literal | str) -> None:
        obj = value if isinstance(value, (URIRef, Literal)) else URIRef(value)
        lines.append(f"{ntriples_term(URIRef(subject))} {ntriples_term(predicate)} {ntriples_term(obj)} .")

    add(MANIFEST_GRAPH, RDF.type, CGLOAD.Manifest)
    if manifest.last:
        add(MANIFEST_GRAPH, CGLOAD.lastLoad, manifest.last)
    for graph, record in sorted(manifest.graphs.items()):
        add(MANIFEST_GRAPH, CGLOAD.graph, graph)
        add(graph, CGLOAD.triples, Literal(record.triples))
        if record.file:
            add(graph, CGLOAD.file, Literal(record.file))
        if record.sha256:
            add(graph, CGLOAD.sha256, Literal(record.sha256))
        if record.load:
            add(graph, CGLOAD.loadedBy, record.load)
    if manifest.merged is not None:
        add(MANIFEST_GRAPH, CGLOAD.mergedGraph, manifest.merged.graph)
        add(manifest.merged.graph, CGLOAD.triples, Literal(manifest.merged.triples))
    for load, record in sorted(manifest.loads.items()):
        add(load, RDF.type, CGLOAD.Load)
        add(load, RDF.type, PROV.Activity)
        for predicate, value in ((PROV.startedAtTime, record.started), (PROV.endedAtTime, record.ended)):
            if value:  # a record read back from a store that lost part of it has none
                add(load, predicate, Literal(value, datatype=XSD.dateTime))
        if record.version:
            add(load, CGLOAD.coopgraphVersion, Literal(record.version))
    return lines


def mark_swapping(load: str, started: str) -> str:
    """The update that marks the store as being swapped by ``load`` (one operation, so one commit)."""
    return (
        f"INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ <{MANIFEST_GRAPH}> <{CGLOAD.swapping}> <{load}> . "
        f"<{load}> <{PROV.startedAtTime}> {ntriples_term(Literal(started, datatype=XSD.dateTime))} }} }}"
    )


def replace(manifest: Manifest, *, atomic: bool) -> list[str]:
    """The update operations that make the store's manifest ``manifest``.

    In one transaction (``atomic``) the graph is simply dropped and written again. Otherwise every triple
    but the swapping marks is deleted, the new manifest inserted, and the marks deleted last, so that a
    crash at any point leaves either the marks (the swap is visibly unfinished) or the whole new manifest.
    """
    data = f"INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{\n" + "\n".join(triples(manifest)) + "\n} }"
    if atomic:
        return [f"DROP SILENT GRAPH <{MANIFEST_GRAPH}>", data]
    swapping = f"<{MANIFEST_GRAPH}> <{CGLOAD.swapping}>"
    return [
        f"DELETE {{ GRAPH <{MANIFEST_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{MANIFEST_GRAPH}> "
        f"{{ ?s ?p ?o FILTER(?p != <{CGLOAD.swapping}>) }} }}",
        data,
        f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {swapping} ?load }} }}",
    ]
