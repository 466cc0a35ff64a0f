"""coopgraph: a knowledge graph of bilateral legal cooperation between states.

The library API; the ``coopgraph`` command is a thin layer over it.

``import coopgraph`` is cheap: the names below are imported from their modules when first used, so a
command that needs no RDF library (``coopgraph --version``) does not pay for importing one.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: the library's names, by the module that defines them
_FROM = {
    "LoadError": "coopgraph.load",
    "graph_iri_for": "coopgraph.load",
    "load_files": "coopgraph.load",
    "load_shipped": "coopgraph.load",
    "shipped_files": "coopgraph.resources",
}

__all__ = ["LoadError", "graph_iri_for", "load_files", "load_shipped", "shipped_files", "__version__"]


def __getattr__(name: str) -> object:
    if name not in _FROM:
        raise AttributeError(f"module 'coopgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(_FROM[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_FROM})
