"""coopgraph: a knowledge graph of bilateral legal cooperation between states.

The library API; the ``coopgraph`` command is a thin layer over it.
"""

from coopgraph.load import LoadError, graph_iri_for, load_files, load_shipped
from coopgraph.resources import shipped_files

__version__ = "0.1.0"

__all__ = ["LoadError", "graph_iri_for", "load_files", "load_shipped", "shipped_files", "__version__"]
