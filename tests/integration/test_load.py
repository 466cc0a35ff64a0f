"""`coopgraph load` against real servers: counts, idempotence, and nothing lost when something fails."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coopgraph.stores import STAGING_PREFIX, EmbeddedStore, RemoteStore, StoreError, load

from .servers import (
    FIXTURES,
    PASSWORD_ENV,
    Server,
    all_quads,
    free_port,
    graphs_of,
    run_coopgraph,
    same_graphs,
    start_oxigraph,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shipped() -> EmbeddedStore:
    return EmbeddedStore.shipped()


def coopgraph_counts(store: RemoteStore) -> dict[str, int]:
    return {graph: store.count(graph) for graph in store.graphs()}


def test_load_uploads_every_shipped_graph_and_checks_counts(server: Server, shipped: EmbeddedStore) -> None:
    result = run_coopgraph("load", "--no-validate", *server.load_args(), env=server.env())
    assert result.returncode == 0, result.stderr
    store = server.store()
    for graph in shipped.graphs():
        assert f"loaded <{graph}>: {shipped.count(graph)} triples" in result.stdout
        assert store.count(graph) == shipped.count(graph)
    assert "counts checked" in result.stdout
    assert not store.graphs(STAGING_PREFIX)


def test_loading_again_changes_nothing(server: Server) -> None:
    store = server.store()
    load(store, validate=False)
    before = graphs_of(store)
    result = run_coopgraph("load", "--no-validate", *server.load_args(), env=server.env())
    assert result.returncode == 0, result.stderr
    assert same_graphs(graphs_of(store), before)  # blank nodes get new labels in the store, nothing else
    assert not store.graphs(STAGING_PREFIX)


def test_auto_strategy_stages_on_virtuoso_and_puts_elsewhere(server: Server) -> None:
    expected = "stage" if server.name == "virtuoso" else "put"
    assert server.store().choose_strategy("auto") == expected


def test_malformed_upload_leaves_the_graph_as_it_was(server: Server, shipped: EmbeddedStore) -> None:
    """The server itself rejects the data half-way: Virtuoso would have kept half of it without staging."""
    store = server.store()
    load(store, validate=False)
    graph = max(shipped.graphs(), key=shipped.count)
    good = shipped.ntriples(graph)
    bad = good + b'<https://example.org/a> <https://example.org/b> "no closing quote .\n' + good
    before = all_quads(store)
    with pytest.raises(StoreError) as caught:
        store.replace_graph(graph, bad, 2 * shipped.count(graph), strategy=store.choose_strategy())
    assert str(caught.value).startswith("PUT graph <")
    assert all_quads(store) == before


def test_malformed_file_is_refused_before_anything_is_sent(server: Server) -> None:
    store = server.store()
    before = all_quads(store)
    result = run_coopgraph("load", str(FIXTURES / "malformed.ttl"), *server.load_args(), env=server.env())
    assert result.returncode == 2
    assert "malformed.ttl:4:" in result.stderr
    assert "Traceback" not in result.stderr
    assert all_quads(store) == before


def test_load_validates_by_default_and_then_uploads(oxigraph: Server, shipped: EmbeddedStore) -> None:
    result = run_coopgraph("load", *oxigraph.load_args())
    assert result.returncode == 0, result.stderr
    store = oxigraph.store()
    assert {graph: store.count(graph) for graph in shipped.graphs()} == {
        graph: shipped.count(graph) for graph in shipped.graphs()
    }


def test_nonconforming_file_is_refused_and_nothing_uploaded(virtuoso: Server) -> None:
    """Validation runs before the store is touched (here the store whose uploads are not atomic)."""
    server = virtuoso
    store = server.store()
    before = all_quads(store)
    result = run_coopgraph("load", str(FIXTURES / "nonconforming.ttl"), *server.load_args(), env=server.env())
    assert result.returncode == 1, result.stderr
    assert "does not conform" in result.stderr
    assert "nothing was uploaded" in result.stderr
    assert all_quads(store) == before


def test_wrong_password_gives_a_clear_401_and_no_secret(virtuoso: Server) -> None:
    store = virtuoso.store()
    before = all_quads(store)
    secret = "not-the-password-4711"
    result = run_coopgraph("load", "--no-validate", *virtuoso.load_args(), env=virtuoso.env(secret))
    assert result.returncode == 2
    assert "401 Unauthorized" in result.stderr
    assert f"password read from the environment variable {PASSWORD_ENV}" in result.stderr
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr + result.stdout
    assert all_quads(store) == before


def test_virtuoso_without_an_update_endpoint_is_refused_before_any_upload(virtuoso: Server) -> None:
    store = virtuoso.store()
    before = all_quads(store)
    args = virtuoso.load_args()
    at = args.index("--update-endpoint")
    del args[at : at + 2]
    result = run_coopgraph("load", "--no-validate", *args, env=virtuoso.env())
    assert result.returncode == 2
    assert "not atomic" in result.stderr and "Update endpoint" in result.stderr
    assert all_quads(store) == before


def test_missing_password_variable_is_named(virtuoso: Server) -> None:
    env = virtuoso.env()
    del env[PASSWORD_ENV]
    result = run_coopgraph("load", "--no-validate", *virtuoso.load_args(), env=env)
    assert result.returncode == 2
    assert f"environment variable {PASSWORD_ENV}" in result.stderr


def test_server_down_gives_a_clear_error(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    result = run_coopgraph(
        "load", "--no-validate", "--endpoint", f"{base}/query", "--gsp-endpoint", f"{base}/store"
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"coopgraph: error: query at {base}/query: connection refused")
    assert "Traceback" not in result.stderr


def test_read_only_store_answers_403(tmp_path: Path) -> None:
    server = start_oxigraph(tmp_path, read_only=True)
    try:
        result = run_coopgraph("load", "--no-validate", *server.load_args())
    finally:
        server.stop()
    assert result.returncode == 2
    assert "403 Forbidden" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_endpoint_answers_404(oxigraph: Server) -> None:
    base = oxigraph.endpoint.rsplit("/", 1)[0]
    result = run_coopgraph(
        "load",
        "--no-validate",
        "--endpoint",
        f"{base}/no-such-endpoint",
        "--gsp-endpoint",
        oxigraph.gsp_endpoint,
    )
    assert result.returncode == 2
    assert f"query at {base}/no-such-endpoint: 404 Not Found" in result.stderr


def big_file(folder: Path, triples: int) -> Path:
    path = folder / "big.ttl"
    lines = ["@prefix ex: <https://example.org/big/> ."]
    lines += [f'ex:s{i} ex:value "value {i}" .' for i in range(triples)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_server_killed_mid_load_gives_a_clear_error_and_no_half_graph(tmp_path: Path) -> None:
    """Pause the load right after its first graph lands, kill the server, resume: exit 2, and after a
    restart every graph is either absent or complete."""
    server = start_oxigraph(tmp_path / "server")
    big = big_file(tmp_path, 20_000)
    expected = EmbeddedStore.shipped([big])
    store = server.store(default_graphs=[])
    command = ["load", str(big), "--no-validate", *server.load_args()]
    process = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not store.graphs() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGSTOP)
        server.kill()
        process.send_signal(signal.SIGCONT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 2, out + err
    assert "Traceback" not in err
    assert "connection refused" in err or "closed the connection" in err
    restarted = start_oxigraph(tmp_path / "server")
    try:
        counts = coopgraph_counts(restarted.store())
    finally:
        restarted.stop()
    assert counts, "the first graph was committed before the kill"
    assert all(counts[graph] == expected.count(graph) for graph in counts), counts
    assert len(counts) < len(expected.graphs()), "the load was cut short"
