"""The web application of ``coopgraph serve``: :class:`Settings`, :func:`build_app` and :func:`run`.

The app is Starlette: the SPARQL endpoint (:mod:`coopgraph.serve.endpoint`), the pages
(:mod:`coopgraph.serve.pages`, which query ``store`` through the library, as the CLI does), their static
files, and CORS headers when origins are named; :func:`run` serves it with uvicorn on a socket
(:func:`listening_socket`). Nothing here starts a process: ``coopgraph serve`` starts the query engine
(:class:`coopgraph.serve.upstream.Upstream`), passes its query URL in the settings, and as the store a
:class:`coopgraph.stores.RemoteStore` on the app's own ``/sparql``, so that the pages' queries have the
endpoint's time limit, size limit and watchdog too (Oxigraph's own time limit does not stop every query).
A test may pass an :class:`coopgraph.stores.EmbeddedStore` instead (the endpoint then answers 503 unless
it has an upstream URL all the same).
"""

from __future__ import annotations

import contextlib
import math
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from coopgraph.serve import endpoint, pages

if TYPE_CHECKING:
    from coopgraph.serve.upstream import Upstream

#: the pages' CSS, served under /static
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Settings:
    """What the app needs to know; every limit has the default ``coopgraph serve`` uses.

    - ``upstream_query_url``: the query engine's SPARQL query URL (Oxigraph's ``/query``); None: the
      endpoint answers 503 (pages still work on their store);
    - ``query_limit_s``: how long the face waits for a query's answer before it gives up with 503;
    - ``result_limit_bytes``: the largest answer the endpoint sends (422 past it);
    - ``cors_origins``: the origins a browser may call the app from (``*`` for any; none: no CORS headers);
    - ``row_limit``: the most rows a page shows of a query's answer.
    """

    upstream_query_url: str | None = None
    query_limit_s: float = 10.0
    result_limit_bytes: int = 10_000_000
    cors_origins: tuple[str, ...] = ()
    row_limit: int = 1000

    def __post_init__(self) -> None:
        if self.query_limit_s <= 0:
            raise ValueError("query_limit_s must be a positive number of seconds")
        if self.result_limit_bytes <= 0:
            raise ValueError("result_limit_bytes must be a positive number of bytes")
        if self.row_limit <= 0:
            raise ValueError("row_limit must be a positive number of rows")


def build_app(store: object, settings: Settings, *, upstream: Upstream | None = None) -> Starlette:
    """The Starlette app: ``/sparql``, then the pages of ``store`` (and their 404 page), ``/static``, CORS
    when asked.

    ``upstream``: the engine behind ``settings.upstream_query_url``, for the endpoint to start again when it
    does not stop a query past its time limit (:class:`coopgraph.serve.endpoint.Engine`)."""
    routes: list[BaseRoute] = []
    sparql, engine = endpoint.routes(settings, upstream)
    routes += sparql
    routes += pages.routes(store, settings)
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))
    handlers = {404: pages.not_found_handler(store, settings)}  # the pages' 404 page for any other path
    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                max_age=3600,
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.aclose()

    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)
    app.state.store = store
    app.state.settings = settings
    app.state.engine = engine
    return app


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening (port 0: a free port the kernel picks), so that the
    URL printed is the one served; an :class:`~coopgraph.errors.InputError` when it cannot be bound."""
    from coopgraph.errors import InputError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def url_of(sock: socket.socket, *, local: bool = False) -> str:
    """The base URL a listening socket serves (``http://HOST:PORT``, an IPv6 address in brackets);
    ``local``: the one to reach it from this machine (a loopback address for a wildcard one)."""
    host, port = sock.getsockname()[:2]
    if local and host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run(app: Starlette, sock: socket.socket, *, grace_s: float) -> None:
    """Serve ``app`` with uvicorn on ``sock`` until SIGINT or SIGTERM, then return (requests in flight are
    given ``grace_s`` seconds to finish)."""
    import logging

    import uvicorn

    logger = logging.getLogger("coopgraph.serve")  # the endpoint's warnings (an engine started again)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("coopgraph: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_graceful_shutdown=max(1, math.ceil(grace_s))
    )
    uvicorn.Server(config).run(sockets=[sock])
