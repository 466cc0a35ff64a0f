"""What each kind of SPARQL server does its own way, one file per kind: a :class:`Flavour`.

The remote client (:mod:`coopgraph.stores.remote`) speaks the SPARQL 1.1 Protocol and Graph Store Protocol
and asks its flavour only where servers differ: whether one update request is one transaction, which
parameter names a graph in the Graph Store Protocol, and how to read an answer the server wrote its own way.

The flavour of a server is found from its ``Server`` header (:func:`detect`); a server no flavour claims is
taken to follow the standard (:data:`STANDARD`), which is what Oxigraph, Fuseki (TDB2) and GraphDB do. To add
a server with quirks of its own, write a module here with one :class:`Flavour` and add it to :data:`KNOWN`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopgraph.stores.remote import RemoteStore


@dataclass(frozen=True)
class Flavour:
    """How one kind of SPARQL server behaves where the standards leave room or it departs from them.

    ``atomic_update``: a SPARQL Update request of several operations is one transaction (SPARQL 1.1 Update,
    section 3: "Each request SHOULD be treated atomically"); if not, :mod:`coopgraph.stores.upload` marks the
    store as being swapped while its graphs are moved in. ``graph_param``: the query parameter naming the
    graph at the Graph Store Protocol endpoint. ``server_word``: a word of the ``Server`` header that tells
    this kind apart (lower case; empty for the standard flavour, which claims no server).
    ``operations_per_request``: at most this many operations in one update request, where a server cannot
    take more (``None``: no limit). Only a server without atomic updates may have a limit, since a swap
    split over several requests is not one transaction. ``results``: the SPARQL results format asked for,
    ``json`` or ``xml`` (where a server writes one much faster than the other).
    """

    name: str
    atomic_update: bool = True
    graph_param: str = "graph"
    server_word: str = ""
    operations_per_request: int | None = None
    results: str = "json"

    def __post_init__(self) -> None:
        if self.atomic_update and self.operations_per_request is not None:
            raise ValueError("an atomic swap is one request: operations_per_request must be None")
        if self.results not in ("json", "xml"):
            raise ValueError(f"results must be json or xml, not {self.results!r}")

    def matches(self, server: str) -> bool:
        return bool(self.server_word) and self.server_word in server.lower()

    def check_answer(self, headers: Mapping[str, str], where: str) -> None:
        """Raise :class:`~coopgraph.errors.StoreError` if the headers say the answer is cut short."""

    def fix_answer(self, document: dict, *, ask: bool) -> dict:
        """The answer as SPARQL 1.1 Query Results JSON says it, before :func:`normalize_results`."""
        return document

    def after_swap(self, store: RemoteStore) -> None:
        """Make a load's swap durable where the server's acknowledgement alone does not."""


STANDARD = Flavour("standard")


def known() -> tuple[Flavour, ...]:
    """Every flavour, the standard one last."""
    from coopgraph.stores.flavours.virtuoso import VIRTUOSO

    return (VIRTUOSO, STANDARD)


def named(name: str) -> Flavour:
    """The flavour called ``name``; ``ValueError`` naming the known ones otherwise."""
    for flavour in known():
        if flavour.name == name:
            return flavour
    raise ValueError(f"unknown store flavour {name!r}; expected one of {', '.join(f.name for f in known())}")


def detect(server: str) -> Flavour:
    """The flavour of a server from its ``Server`` header (e.g. ``Virtuoso/07.20.3229``)."""
    return next((flavour for flavour in known() if flavour.matches(server)), STANDARD)
