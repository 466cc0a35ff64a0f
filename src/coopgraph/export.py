"""Write the whole graph (ontology + data) as Turtle, N-Triples, N-Quads, TriG or JSON-LD, the same bytes each
run.

Blank nodes get canonical labels (rdflib's canonical graph, per named graph, salted by the graph's IRI so two
files never share one), N-Triples and N-Quads lines are sorted, and JSON-LD nodes, keys and values are sorted.
JSON-LD is compacted with the context shipped in the package (``coopgraph/context.jsonld``) and carries that
context inline, so the document reads the same with or without network access.

:func:`output_format` picks the format of an output file from its extension (``.ttl``, ``.nt``, ``.nq``,
``.trig``, ``.jsonld``/``.json``), so a file's name never lies about what it holds.

:func:`write_atomically` is the one way coopgraph writes a file: through a temporary file and a rename, so a
reader sees the old file or the whole new one, never a part. It writes through a symlink to its target, and
streams into a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) rather than
replacing it; it never renames anything over what is not a regular file.

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
import stat
import tempfile
from collections.abc import Iterable
from importlib import resources as importlib_resources
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.trig import TrigSerializer

from coopgraph.errors import InputError
from coopgraph.load import load_shipped

FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "nt": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
}
MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}
EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}
STDOUT = "-"
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
    """The dataset in ``fmt`` (turtle, nt, nquads, trig or jsonld), deterministic. TriG and N-Quads keep the
    named graphs; the other formats hold their union."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    canonical = canonical_dataset(dataset)
    if fmt == "trig":
        serializer = TrigSerializer(canonical)
        serializer.contexts.sort(key=lambda graph: str(graph.identifier))  # rdflib keeps store order
        stream = io.BytesIO()
        serializer.serialize(stream, encoding="utf-8")
        return stream.getvalue()
    if fmt == "nquads":
        return _sorted_lines(canonical.serialize(format="nquads", encoding="utf-8"))
    union = _union(canonical)
    if fmt == "turtle":
        return union.serialize(format="turtle", encoding="utf-8")
    if fmt == "nt":
        return _sorted_lines(union.serialize(format="nt", encoding="utf-8"))
    document = _jsonld(union)
    document["@context"] = context()
    text = json.dumps(_sorted_jsonld(document), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _sorted_lines(data: bytes) -> bytes:
    """Line-based RDF (N-Triples, N-Quads) with its lines sorted, each once, no empty ones."""
    lines = data.decode("utf-8").splitlines()
    return "".join(f"{line}\n" for line in sorted(set(lines)) if line.strip()).encode("utf-8")


def export(fmt: str, extra: Iterable[str | Path] = ()) -> bytes:
    """The shipped graph (ontology + data, plus extra files) in ``fmt``."""
    return serialize(load_shipped(extra), fmt)


def output_format(output: str | Path | None, requested: str | None = None) -> str:
    """The format to write ``output`` in (``None`` or ``-`` is stdout): the one its extension names, else
    ``requested``; turtle on stdout or a device or FIFO with no extension when nothing is requested.

    Raises :class:`InputError` when ``requested`` contradicts the extension, or when a file's extension
    names no format and none is requested.
    """
    if output is None or str(output) == STDOUT:
        return requested or "turtle"
    path = Path(output)
    named = EXTENSIONS.get(path.suffix.lower())
    if named and requested and requested != named:
        raise InputError(
            f"{path}: --format {requested} contradicts the file's extension {path.suffix} ({named}); "
            f"drop --format, or name the file for {requested} ({_extensions_of(requested)})"
        )
    if named or requested:
        return named or requested  # type: ignore[return-value]
    if not path.suffix and _is_stream(path):
        return "turtle"
    known = ", ".join(f"{extension} ({fmt})" for extension, fmt in EXTENSIONS.items())
    raise InputError(
        f"{path}: cannot tell the format from the extension {path.suffix or '(none)'}; "
        f"name the file with one of {known}, or give --format"
    )


def _extensions_of(fmt: str) -> str:
    return " or ".join(extension for extension, named in EXTENSIONS.items() if named == fmt)


def _is_stream(path: Path) -> bool:
    """Whether ``path`` (through symlinks) is a character device or a FIFO, which are written by streaming."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step, never destroying what is not a regular file.

    A regular file, new or existing, is written through a temporary file in its folder and a rename; one that
    is replaced keeps its mode, a new one gets what ``open()`` would have given it. A symlink is followed: its
    target is replaced and the link stays. A character device or a FIFO (``/dev/null``, a named pipe) is
    opened and written to, as a shell's ``>`` would. Anything else (a directory, a socket, a block device) is
    refused with :class:`InputError`.
    """
    path = Path(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        status = None
    if status is None or stat.S_ISREG(status.st_mode):
        mode = stat.S_IMODE(status.st_mode) if status else 0o666 & ~_umask()
        _replace(Path(os.path.realpath(path)), data, mode)
    elif stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode):
        with open(path, "wb") as stream:
            stream.write(data)
    else:
        raise InputError(f"cannot write {path}: it is {_kind(status.st_mode)}, not a file")


def _replace(target: Path, data: bytes, mode: int) -> None:
    """Write ``target`` (a regular file or none) through a temporary file beside it, renamed over it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "neither a file, a character device nor a FIFO"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
