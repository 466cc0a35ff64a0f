"""Session fixtures: an Oxigraph server and a private Virtuoso 7 instance, each started once per session
(once per xdist worker), and checked before every test that uses them.

The check (:func:`healthy_servers`, automatic) makes sure each server a test uses is alive and answers
``ASK {}``; one that died or is stuck is restarted on its folder and ports (its data kept), and one that
cannot be restarted fails that test with its log tail. After a test that failed because a query timed
out, the servers it used are restarted: a server may still be working on the query its client gave up on
(Virtuoso does not stop when the client goes away), and the next test must not wait behind it. So one
slow case fails alone; it does not turn the cases after it red, and nothing waits forever.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import Server, ServerError, start_oxigraph, start_virtuoso

SERVERS = ("oxigraph", "virtuoso")
#: Words of the client's own timeout error (``StoreError``: "no answer within 30 s (timed out)"); a
#: server that stopped a query itself says otherwise (Virtuoso: "Transaction timed out") and is fine.
TIMED_OUT = ("no answer within",)
_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep the report of a test's call on the item, for :func:`healthy_servers` to read after it."""
    report = yield
    if report.when == "call":
        item.stash[_REPORT] = report
    return report


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


@pytest.fixture(params=list(SERVERS))
def server(request: pytest.FixtureRequest) -> Server:
    """Each test that takes ``server`` runs once against Oxigraph and once against Virtuoso."""
    return request.getfixturevalue(request.param)


def _used_servers(request: pytest.FixtureRequest) -> list[Server]:
    """The session servers this test uses, directly or through other fixtures (already started)."""
    names = set(request.fixturenames)
    if "server" in names and hasattr(request.node, "callspec"):
        names.add(request.node.callspec.params.get("server", ""))
    return [request.getfixturevalue(name) for name in SERVERS if name in names]


@pytest.fixture(autouse=True)
def healthy_servers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Before the test: each server it uses is alive and answers, or is restarted, or the test fails with
    the server's log. After it: a timed-out query's server is restarted, so the query stops."""
    used = _used_servers(request)
    for server in used:
        try:
            why = server.check()
        except ServerError as error:
            pytest.fail(f"{server.name} is down and could not be restarted: {error}", pytrace=False)
        if why is not None:
            print(f"restarted {server.name} before {request.node.nodeid}: {why}")
    yield
    report = request.node.stash.get(_REPORT, None)
    if report is not None and report.failed and any(words in report.longreprtext for words in TIMED_OUT):
        for server in used:
            try:
                server.restart()
            except ServerError as error:  # the next test's check reports it again, and fails
                print(f"{server.name} could not be restarted after a timeout: {error}")
