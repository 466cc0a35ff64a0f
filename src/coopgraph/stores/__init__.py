"""Where queries run and graphs are loaded: an embedded store (pyoxigraph) or any SPARQL 1.1 server.

Both kinds answer ``query(sparql, bindings)`` with the SPARQL 1.1 Query Results JSON document as a dict, so
the same query with the same bindings gives the same rows wherever it runs. One module per job:

- :mod:`~coopgraph.stores.sparql`: SPARQL text and terms (safe ``VALUES`` bindings, comments, answers
  normalized whichever store wrote them);
- :mod:`~coopgraph.stores.embedded`: :class:`EmbeddedStore`, the graph in memory;
- :mod:`~coopgraph.stores.remote`: :class:`RemoteStore`, the client of a SPARQL server, with each kind of
  server's quirks in :mod:`~coopgraph.stores.flavours` (one file per kind), and what keeps its credentials
  with their origin in :mod:`~coopgraph.stores.credentials`;
- :mod:`~coopgraph.stores.manifest`: the record a store keeps of what was loaded into it;
- :mod:`~coopgraph.stores.upload`: :func:`load`, which validates, stages and swaps a dataset in as one change.

The names below are importable from here; each is imported from its module when first used, so that
``from coopgraph.stores import EmbeddedStore`` does not import the HTTP client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_WHERE = {
    "Store": "sparql",
    "normalize_results": "sparql",
    "ntriples_term": "sparql",
    "strip_comments": "sparql",
    "to_oxigraph": "sparql",
    "values_block": "sparql",
    "with_values": "sparql",
    "EmbeddedStore": "embedded",
    "solutions_json": "embedded",
    "Auth": "credentials",
    "RemoteStore": "remote",
    "STAGING_PREFIX": "remote",
    "redact_url": "credentials",
    "MANIFEST_GRAPH": "manifest",
    "MERGED_PREFIX": "manifest",
    "Manifest": "manifest",
    "SwapInProgress": "manifest",
    "GraphLoad": "upload",
    "LoadResult": "upload",
    "NonConformingError": "upload",
    "load": "upload",
    "loaded_graphs": "upload",
    "StoreError": "errors",
}

__all__ = [  # the names of _WHERE
    "Auth",
    "EmbeddedStore",
    "GraphLoad",
    "LoadResult",
    "MANIFEST_GRAPH",
    "MERGED_PREFIX",
    "Manifest",
    "NonConformingError",
    "RemoteStore",
    "STAGING_PREFIX",
    "Store",
    "StoreError",
    "SwapInProgress",
    "load",
    "loaded_graphs",
    "normalize_results",
    "ntriples_term",
    "redact_url",
    "solutions_json",
    "strip_comments",
    "to_oxigraph",
    "values_block",
    "with_values",
]

if TYPE_CHECKING:
    from coopgraph.errors import StoreError
    from coopgraph.stores.credentials import Auth, redact_url
    from coopgraph.stores.embedded import EmbeddedStore, solutions_json
    from coopgraph.stores.manifest import MANIFEST_GRAPH, MERGED_PREFIX, Manifest, SwapInProgress
    from coopgraph.stores.remote import STAGING_PREFIX, RemoteStore
    from coopgraph.stores.sparql import (
        Store,
        normalize_results,
        ntriples_term,
        strip_comments,
        to_oxigraph,
        values_block,
        with_values,
    )
    from coopgraph.stores.upload import GraphLoad, LoadResult, NonConformingError, load, loaded_graphs


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    package = "coopgraph" if module == "errors" else __name__
    value = getattr(import_module(f"{package}.{module}"), name)
    globals()[name] = value
    return value
