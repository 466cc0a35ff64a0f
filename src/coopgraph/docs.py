"""HTML documentation of the ontology for people, generated with pyLODE (the ``docs`` extra).

pyLODE documents one ontology: the files of ``ontology/`` (the core and its alignments) are merged into one
graph, and only the core's header (the ontology whose IRI is the ``cg:`` namespace without its ``#``) is
kept, so the page has one title, one version and one licence. The core's own terms are listed before the
external ones it reuses or aligns with (:func:`own_terms_first`).
"""

from __future__ import annotations

import importlib.metadata
import logging
import traceback
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from coopgraph import load, resources
from coopgraph.errors import CoopgraphError

CG_NAMESPACE = "https://w3id.org/coopgraph/ontology#"
ONTOLOGY_IRI = URIRef(CG_NAMESPACE.rstrip("#"))


class DocsError(CoopgraphError):
    """The documentation cannot be generated (pyLODE missing or failing)."""


def ontology_graph(files: Iterable[str | Path] | None = None) -> Graph:
    """The ontology files (default: shipped ``ontology/*.ttl``) as one graph, with the core's header only."""
    paths = list(files) if files is not None else resources.shipped_files("ontology")
    graph = load.union_graph(load.load_files(paths))
    for header in set(graph.subjects(RDF.type, OWL.Ontology)):
        if header != ONTOLOGY_IRI:
            graph.remove((header, None, None))
    if (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in graph:
        raise DocsError(f"no ontology header <{ONTOLOGY_IRI}> in {', '.join(map(str, paths))}")
    return own_terms_first(graph)


def own_terms_first(graph: Graph) -> Graph:
    """A copy of ``graph`` into which the statements about the ``cg:`` namespace's terms are added first, then
    the others, each part in sorted order.

    pyLODE lists the classes and the properties of a section in the order the graph yields their subjects,
    which in rdflib's in-memory store is the order they were first added: so the page shows coopgraph's own
    classes before the external ones (schema.org, FOAF, PROV...), in the same order on every run. pyLODE's
    own ``sort_subjects`` sorts by IRI alone, which puts every ``http://`` vocabulary first.
    """
    ordered = Graph(bind_namespaces="core")
    for prefix, namespace in graph.namespaces():
        ordered.bind(prefix, namespace, override=True)
    own = sorted(triple for triple in graph if str(triple[0]).startswith(CG_NAMESPACE))
    others = sorted(triple for triple in graph if not str(triple[0]).startswith(CG_NAMESPACE))
    for triple in own + others:
        ordered.add(triple)
    return ordered


@contextmanager
def _logging_as_it_was():
    """Importing pyLODE calls ``logging.basicConfig(level=DEBUG)``: undo that side effect at once."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def _installed(distribution: str) -> str | None:
    """The version of an installed distribution, or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _provider(module: str | None) -> str | None:
    """``"name version"`` of the installed distribution that provides the top-level package of ``module``."""
    top = (module or "").partition(".")[0]
    for name in importlib.metadata.packages_distributions().get(top, []) if top else []:
        if version := _installed(name):
            return f"{name} {version}"
    return None


def _import_failure(error: Exception) -> DocsError:
    """Why ``import pylode`` failed. When pyLODE is installed: its version, the exception as Python raised it,
    the file and line that raised it, and the release of the package it was importing from (e.g. a kurra
    whose API that pyLODE does not match), rather than a request to install what is installed."""
    raised = f"{type(error).__name__}: {error}"
    version = _installed("pylode")
    if version is None:
        return DocsError(f"pyLODE is not installed: pip install 'coopgraph[docs]' ({raised})")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith("<")]
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    imported = _provider(getattr(error, "name", None))
    found = f"; {imported} is installed" if imported and not imported.startswith("pylode ") else ""
    return DocsError(f"pyLODE {version} does not import: {raised} (raised{where}{found})")


def _pylode():
    """pyLODE's ``OntPub`` and ``PylodeError``, imported only when the docs are built (a slow import)."""
    try:
        with _logging_as_it_was():
            from pylode import OntPub, PylodeError
    except Exception as error:  # not installed, or installed and failing in whatever way its import fails
        raise _import_failure(error) from None
    return OntPub, PylodeError


def build_docs(output: str | Path, files: Iterable[str | Path] | None = None) -> Path:
    """Write the ontology's HTML documentation to ``output/index.html``; return that file's path.

    Raises :class:`DocsError` when pyLODE is not installed, does not import (naming the import's own error)
    or fails, :class:`coopgraph.load.LoadError` when an ontology file does not load.
    """
    graph = ontology_graph(files)
    OntPub, PylodeError = _pylode()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    destination = output / "index.html"
    try:
        OntPub(graph, sort_subjects=False).make_html(destination=destination)
    except PylodeError as error:
        raise DocsError(f"pyLODE: {error}") from None
    return destination
