"""Session fixtures: an Oxigraph server and a private Virtuoso 7 instance, each started once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import Server, start_oxigraph, start_virtuoso


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest) -> Server:
    """Each test that takes ``server`` runs once against Oxigraph and once against Virtuoso."""
    return request.getfixturevalue(request.param)
