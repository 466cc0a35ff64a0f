"""HTML documentation of the ontology for people, generated with pyLODE (the ``docs`` extra).

pyLODE documents one ontology: the files of ``ontology/`` (the core and its alignments) are merged into one
graph, and only the core's header (the ontology whose IRI is the ``cg:`` namespace without its ``#``) is
kept, so the page has one title, one version and one licence.
"""

from __future__ import annotations

import logging
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
    return graph


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


def build_docs(output: str | Path, files: Iterable[str | Path] | None = None) -> Path:
    """Write the ontology's HTML documentation to ``output/index.html``; return that file's path.

    Raises :class:`DocsError` when pyLODE is not installed or fails, :class:`coopgraph.load.LoadError` when an
    ontology file does not load.
    """
    graph = ontology_graph(files)
    try:
        with _logging_as_it_was():
            from pylode import OntPub, PylodeError
    except ImportError as error:
        raise DocsError(f"pyLODE is needed for the docs: pip install 'coopgraph[docs]' ({error})") from None
    except FileNotFoundError as error:  # pyLODE 3.4.1 looks for its own pyproject.toml (RDFLib/pyLODE#260)
        raise DocsError(f"this pyLODE release cannot start ({error}); install pylode 3.3.4") from None
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    destination = output / "index.html"
    try:
        OntPub(graph, sort_subjects=True).make_html(destination=destination)
    except PylodeError as error:
        raise DocsError(f"pyLODE: {error}") from None
    return destination
