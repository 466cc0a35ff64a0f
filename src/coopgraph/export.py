"""Write the whole graph (ontology + data) as Turtle, N-Triples, TriG or JSON-LD, the same bytes each run.

Blank nodes get canonical labels (rdflib's canonical graph, per named graph, salted by the graph's IRI so two
files never share one), N-Triples lines are sorted, and JSON-LD nodes, keys and values are sorted. JSON-LD is
compacted with the context shipped in the package (``coopgraph/context.jsonld``) and carries that context
inline, so the document reads the same with or without network access.

:func:`write_atomically` writes a file through a temporary file and a rename: a reader sees the old file or
the whole new one, never a part.

The files are read with rdflib (:func:`coopgraph.load.load_shipped`), not into the Oxigraph store the queries
use: the store keeps literals in canonical form (``"01"^^xsd:integer`` as ``"1"``, ``"1.50"`` as ``"1.5"``,
a ``+00:00`` timezone as ``Z``, an ``xsd:int`` as an ``xsd:integer``), an export keeps them as written, and
the files' prefixes with them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import resources as importlib_resources
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.trig import TrigSerializer

from coopgraph.load import load_shipped

FORMATS: dict[str, str] = {"turtle": "turtle", "nt": "nt", "trig": "trig", "jsonld": "json-ld"}
MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}
CONTEXT_FILE = "context.jsonld"


def context() -> dict:
    """The published JSON-LD context (the ``@context`` object of ``coopgraph/context.jsonld``)."""
    text = importlib_resources.files("coopgraph").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _canonical(graph: Graph, salt: str) -> Graph:
    """The graph with canonical blank-node labels, prefixed by a short hash of ``salt``."""
    prefix = "b" + hashlib.sha256(salt.encode("utf-8")).hexdigest()[:8]
    canonical = to_canonical_graph(graph)
    relabel = {node: BNode(f"{prefix}{node}") for node in canonical.all_nodes() if isinstance(node, BNode)}
    out = Graph(identifier=graph.identifier)
    for triple in canonical:
        out.add(tuple(relabel.get(term, term) for term in triple))  # type: ignore[arg-type]
    return out


def canonical_dataset(dataset: Dataset) -> Dataset:
    """A copy of ``dataset`` (named graphs only) with stable blank-node labels and the same prefixes."""
    out = Dataset()
    for prefix, namespace in dataset.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    named = sorted(
        (graph for graph in dataset.graphs() if isinstance(graph.identifier, URIRef) and len(graph)),
        key=lambda graph: str(graph.identifier),
    )
    for graph in named:
        target = out.graph(graph.identifier)
        for triple in _canonical(graph, str(graph.identifier)):
            target.add(triple)
    return out


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _sorted_jsonld(value: object) -> object:
    """Sort node lists and value arrays (never ``@list`` contents, whose order is data)."""
    if isinstance(value, dict):
        return {
            key: (
                [_sorted_jsonld(item) for item in inner]
                if key == "@list" and isinstance(inner, list)
                else _sorted_jsonld(inner)
            )
            for key, inner in value.items()
        }
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(graph: Graph) -> dict:
    """The graph as JSON-LD compacted with the published context, by rdflib's converter — which, when a
    property has several values and the first is a native ``false``, ``0`` or empty string, drops it (its
    ``add_to_node`` tests ``if value:``); depending on the hash seed, a triple was lost. Keep such a value."""
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    class KeepingFalsy(Converter):
        def add_to_node(self, graph, s, p, o, s_node, nodemap):  # type: ignore[no-untyped-def]
            falsy = {
                k: v for k, v in s_node.items() if not isinstance(v, (list, dict)) and v is not None and not v
            }
            super().add_to_node(graph, s, p, o, s_node, nodemap)
            for key, old in falsy.items():
                new = s_node[key]
                if new is not old:
                    s_node[key] = [old, *(new if isinstance(new, list) else [new])]

    active = Context(context())
    result = KeepingFalsy(active, use_native_types=False, use_rdf_type=False).convert(graph)
    return result if isinstance(result, dict) else {active.get_key("@graph"): result}


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt`` (turtle, nt, trig or jsonld), deterministic. TriG keeps the named graphs; the
    other formats hold their union."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    canonical = canonical_dataset(dataset)
    if fmt == "trig":
        serializer = TrigSerializer(canonical)
        serializer.contexts.sort(key=lambda graph: str(graph.identifier))  # rdflib keeps store order
        stream = io.BytesIO()
        serializer.serialize(stream, encoding="utf-8")
        return stream.getvalue()
    union = _union(canonical)
    if fmt == "turtle":
        return union.serialize(format="turtle", encoding="utf-8")
    if fmt == "nt":
        lines = union.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "".join(f"{line}\n" for line in sorted(set(lines)) if line.strip()).encode("utf-8")
    document = _jsonld(union)
    document["@context"] = context()
    text = json.dumps(_sorted_jsonld(document), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def export(fmt: str, extra: Iterable[str | Path] = ()) -> bytes:
    """The shipped graph (ontology + data, plus extra files) in ``fmt``."""
    return serialize(load_shipped(extra), fmt)


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A file that is replaced keeps its mode; a new one gets what ``open()`` would have given it.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
