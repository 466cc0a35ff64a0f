"""``coopgraph serve``: a SPARQL endpoint and pages a person can read, from one command.

The picture (one process a user starts, one it starts itself)::

    client ──HTTP──▶ coopgraph's app (Starlette under uvicorn, HOST:PORT)
                       ├─ /sparql        endpoint.py: the SPARQL 1.1 Protocol face ─┐
                       ├─ pages          pages.py, templates/, static/              │ httpx / RemoteStore
                       └─ /static/…                                                 ▼
                     oxigraph serve-read-only (upstream.py), on a private 127.0.0.1 port,
                     over an on-disk store built from the files when the command starts

Why Oxigraph's own read-only server answers the queries: it implements the SPARQL 1.1 Protocol and its
content negotiation (and is well tested at it), it runs queries on many threads, so one slow query does not
hold up the others, and its ``--timeout-s`` really cancels a query that runs too long, which a query run
in this process by pyoxigraph could not be. Its warts are covered by the face in front of it: it refuses
updates and SERVICE (federated queries, which would have the server call any other), answers 503 at the
time limit (Oxigraph would answer 200 with a truncated body), bounds the size of an answer (422), and
describes the service honestly (no federation).

The pages query through the library, as the CLI does (:func:`coopgraph.queries.run` on a
:class:`coopgraph.stores.RemoteStore` on the app's own ``/sparql``), so their queries have the endpoint's
limits too. Oxigraph's ``--timeout-s`` does not stop every query (a four-way cartesian product ran on), so
the endpoint also starts Oxigraph again when it has not ended an answer soon after its limit
(:mod:`coopgraph.serve.endpoint`). docs/serving.md says all this for users.

Needs the ``serve`` extra (``pip install 'coopgraph[serve]'``); nothing here is imported by
``import coopgraph``.
"""

from __future__ import annotations

from coopgraph.errors import CoopgraphError

EXTRA_HINT = "pip install 'coopgraph[serve]'"
#: the modules of the serve extra, by import name
EXTRA_MODULES = ("starlette", "uvicorn", "jinja2", "httpx", "python_multipart")


class ServeUnavailable(CoopgraphError):
    """The ``serve`` extra is not installed: the message names what is missing and how to install it."""


def require() -> None:
    """:class:`ServeUnavailable` when a module of the ``serve`` extra is not installed (checked without
    importing any of them)."""
    from importlib.util import find_spec

    missing = [name for name in EXTRA_MODULES if find_spec(name) is None]
    if missing:
        raise ServeUnavailable(
            f"coopgraph serve needs the serve extra ({', '.join(missing)} not installed): {EXTRA_HINT}"
        )
