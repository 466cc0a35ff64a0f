"""`coopgraph load` against real servers: one load is one change, the manifest, prune, idempotence, and
nothing lost when something fails — down to a server killed at several points of a multi-file load."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from coopgraph import __version__, resources
from coopgraph.cache import sha256
from coopgraph.load import GRAPH_BASE, graph_iri_for
from coopgraph.stores import (
    MANIFEST_GRAPH,
    MERGED_PREFIX,
    STAGING_PREFIX,
    EmbeddedStore,
    Manifest,
    RemoteStore,
    StoreError,
    flavours,
    load,
)

from .datasets import user_file, view
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

AGREEMENT = Path(__file__).parents[1] / "shapes" / "adding_an_agreement_PASS.ttl"  # Exampleland–Sampleland
LABEL = AGREEMENT.resolve().relative_to(resources.root().resolve()).as_posix()  # as the manifest names it


@pytest.fixture(scope="module")
def shipped() -> EmbeddedStore:
    return EmbeddedStore.shipped()


def test_load_uploads_every_shipped_graph_and_checks_counts(server: Server, shipped: EmbeddedStore) -> None:
    result = run_coopgraph("load", "--no-validate", "--force", *server.load_args(), env=server.env())
    assert result.returncode == 0, result.stderr
    store = server.store()
    for graph in shipped.graphs():
        assert f" <{graph}>: {shipped.count(graph)} triples" in result.stdout
        assert store.count(graph) == shipped.count(graph)
    assert "one change:" in result.stdout and "counts checked" in result.stdout
    merged = store.manifest().merged
    assert f"dataset: <{merged.graph}> ({merged.triples} triples, each once)" in result.stdout
    assert not store.graphs(STAGING_PREFIX)


def test_loading_again_changes_nothing(server: Server) -> None:
    """Idempotent: the second run of the same load sends nothing, so the store is quad for quad the same
    (blank nodes included: nothing is uploaded again to relabel them)."""
    store = server.store()
    load(store, [AGREEMENT], validate=False)
    before = all_quads(store)
    result = run_coopgraph("load", str(AGREEMENT), "--no-validate", *server.load_args(), env=server.env())
    assert result.returncode == 0, result.stderr
    assert "nothing to change" in result.stdout
    assert all_quads(store) == before


def test_the_manifest_records_graphs_files_hashes_and_the_load(
    server: Server, shipped: EmbeddedStore
) -> None:
    store = server.store()
    result = load(store, [AGREEMENT], validate=False, force=True)
    manifest = store.manifest()
    graph = str(graph_iri_for(AGREEMENT))
    assert {*shipped.graphs(), graph} <= set(manifest.graphs)  # the server is shared: other graphs too
    record = manifest.graphs[graph]
    assert (record.file, record.sha256, record.load) == (LABEL, sha256(AGREEMENT), result.load)
    assert record.triples == store.count(graph)
    shipped_record = manifest.graphs[str(graph_iri_for("data/reference/states.ttl"))]
    assert shipped_record.file == "data/reference/states.ttl"
    assert manifest.last == result.load
    entry = manifest.loads[result.load]
    assert entry.version == __version__
    assert entry.started <= entry.ended and entry.ended.startswith(time.strftime("%Y-", time.gmtime()))
    assert manifest.merged is not None and store.dataset() == [manifest.merged.graph] == [result.merged.graph]
    assert_merged(store, manifest)


def assert_merged(store: RemoteStore, manifest: Manifest) -> None:
    """The merged graph holds every triple of the manifest's graphs, each once, and nothing else."""
    assert manifest.merged is not None
    merged, members = f"<{manifest.merged.graph}>", " ".join(f"<{g}>" for g in manifest.graphs)
    union = f"VALUES ?g {{ {members} }} GRAPH ?g {{ ?s ?p ?o }}"
    distinct = store.query_at(
        store.endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {union} }} }}"
    )
    assert int(distinct["results"]["bindings"][0]["n"]["value"]) == manifest.merged.triples
    assert store.count(manifest.merged.graph) == manifest.merged.triples
    missing = f"ASK {{ {union} FILTER NOT EXISTS {{ GRAPH {merged} {{ ?s ?p ?o }} }} }}"
    assert store.query_at(store.endpoint, missing)["boolean"] is False


def test_a_graph_not_in_a_later_load_stays_until_pruned(server: Server, tmp_path: Path) -> None:
    extra = user_file(tmp_path, "leaving", 30)
    graph = str(graph_iri_for(extra))
    load(server.store(), [extra], validate=False)
    kept = load(server.store(), [], validate=False)
    assert graph in [done.graph for done in kept.having("kept")]
    assert graph in server.store().manifest().graphs
    assert_merged(server.store(), server.store().manifest())
    result = run_coopgraph("load", "--no-validate", "--prune", *server.load_args(), env=server.env())
    assert result.returncode == 0, result.stderr
    assert f"removed <{graph}>" in result.stdout
    store = server.store()
    assert graph not in store.graphs() and graph not in store.manifest().graphs
    assert_merged(store, store.manifest())
    assert len(store.graphs(MERGED_PREFIX)) == 1  # the one the manifest names: the older ones dropped


def test_a_graph_found_in_the_store_is_adopted_then_pruned(server: Server) -> None:
    """A coopgraph graph put there another way (a bulk loader, an older coopgraph) joins the dataset with its
    count and no file, and --prune removes it."""
    store = server.store()
    load(store, [], validate=False)
    stray = GRAPH_BASE + "user/bulk-loaded"
    store.update(f"INSERT DATA {{ GRAPH <{stray}> {{ <https://example.org/a> <https://example.org/b> 1 }} }}")
    load(store, [], validate=False)
    record = server.store().manifest().graphs[stray]
    assert (record.triples, record.file, record.sha256) == (1, "", "")
    load(store, [], validate=False, prune=True)
    assert stray not in server.store().graphs()


def test_a_changed_file_replaces_only_its_graph(server: Server, tmp_path: Path) -> None:
    first = user_file(tmp_path, "changing", 20, version=1)
    load(server.store(), [first], validate=False)
    second = user_file(tmp_path, "changing", 25, version=2)
    result = load(server.store(), [second], validate=False)
    assert [(done.graph, done.triples) for done in result.having("replaced", "added")] == [
        (str(graph_iri_for(second)), 25)
    ]
    assert all(
        done.change in ("unchanged", "kept")
        for done in result.graphs
        if done.graph != str(graph_iri_for(second))
    )


def test_query_endpoint_sees_the_loaded_agreement(server: Server) -> None:
    """`coopgraph query --endpoint` asks over the loaded dataset, the user's own agreement included; with the
    file named it gives exactly the rows the embedded store gives with that file; --graph narrows it."""
    load(server.store(), [AGREEMENT], validate=False)
    args = ["instruments-between-states", "-p", "state=XA", "--format", "json"]
    local = run_coopgraph("query", *args, str(AGREEMENT))
    remote = run_coopgraph("query", *args, "--endpoint", server.endpoint)
    named = run_coopgraph("query", *args, str(AGREEMENT), "--endpoint", server.endpoint)
    for done in (local, remote, named):
        assert done.returncode == 0, done.stderr
    rows = json.loads(local.stdout)["results"]["bindings"]
    assert rows and json.loads(remote.stdout)["results"]["bindings"] == rows
    assert json.loads(named.stdout)["results"]["bindings"] == rows
    shipped_only = [f"--graph={graph}" for graph in EmbeddedStore.shipped().graphs()]
    narrowed = run_coopgraph("query", *args, "--endpoint", server.endpoint, *shipped_only)
    assert narrowed.returncode == 2 and "no state XA" in narrowed.stderr


def test_query_endpoint_refuses_a_file_the_store_holds_another_version_of(
    server: Server, tmp_path: Path
) -> None:
    changed = tmp_path / AGREEMENT.name
    changed.write_text(AGREEMENT.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    load(server.store(), [AGREEMENT], validate=False)
    done = run_coopgraph("query", "states", str(changed), "--endpoint", server.endpoint)
    assert done.returncode == 2
    assert f"other versions of: {changed.name}" in done.stderr and "coopgraph load" in done.stderr


def test_query_all_graphs_asks_over_every_graph(server: Server) -> None:
    store = server.store()
    load(store, [], validate=False)
    other = "https://example.org/not-coopgraph"
    store.update(f"INSERT DATA {{ GRAPH <{other}> {{ <https://example.org/x> a <https://example.org/T> }} }}")
    try:
        everything = server.store(all_graphs=True).dataset()
        assert other in everything and MANIFEST_GRAPH not in everything
        assert not [graph for graph in everything if graph.startswith((MERGED_PREFIX, STAGING_PREFIX))]
        assert other not in server.store().dataset()
    finally:
        store.update(f"DROP SILENT GRAPH <{other}>")


def test_query_with_credentials_from_the_environment(virtuoso: Server) -> None:
    """The query endpoint behind digest auth (Virtuoso's /sparql-auth): the auth options of load work for
    query, and a wrong secret is a clear 401 that never shows the secret."""
    load(virtuoso.store(), [], validate=False)
    args = ["query", "states", "--format", "json", "--endpoint", virtuoso.update_endpoint]
    auth = ["--auth", "digest", "--user", "dba", "--password-env", PASSWORD_ENV]
    refused = run_coopgraph(*args, env=virtuoso.env())
    assert refused.returncode == 2 and "401 Unauthorized" in refused.stderr
    answered = run_coopgraph(*args, *auth, env=virtuoso.env())
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["results"]["bindings"]
    secret = "not-the-password-0815"
    wrong = run_coopgraph(*args, *auth, env=virtuoso.env(secret))
    assert wrong.returncode == 2 and "401 Unauthorized" in wrong.stderr
    assert secret not in wrong.stderr + wrong.stdout


def test_malformed_file_is_refused_before_anything_is_sent(server: Server) -> None:
    store = server.store()
    before = all_quads(store)
    result = run_coopgraph("load", str(FIXTURES / "malformed.ttl"), *server.load_args(), env=server.env())
    assert result.returncode == 2
    assert "malformed.ttl:4:" in result.stderr
    assert "Traceback" not in result.stderr
    assert all_quads(store) == before


def test_two_files_for_one_graph_are_refused(server: Server, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = user_file(tmp_path / "a", "same", 1), user_file(tmp_path / "b", "same", 2)
    before = all_quads(server.store())
    done = run_coopgraph("load", str(one), str(two), "--no-validate", *server.load_args(), env=server.env())
    assert done.returncode == 2 and "rename one of them" in done.stderr
    assert all_quads(server.store()) == before


def test_load_validates_by_default_and_then_uploads(oxigraph: Server, shipped: EmbeddedStore) -> None:
    result = run_coopgraph("load", *oxigraph.load_args())
    assert result.returncode == 0, result.stderr
    store = oxigraph.store()
    assert {graph: store.count(graph) for graph in shipped.graphs()} == {
        graph: shipped.count(graph) for graph in shipped.graphs()
    }


def test_nonconforming_file_is_refused_and_nothing_uploaded(virtuoso: Server) -> None:
    """Validation runs before the store is touched (here the store whose updates are not transactions)."""
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
    args = ("load", "--no-validate", "--force", *virtuoso.load_args())
    result = run_coopgraph(*args, env=virtuoso.env(secret))
    assert result.returncode == 2
    assert "401 Unauthorized" in result.stderr
    assert f"password read from the environment variable {PASSWORD_ENV}" in result.stderr
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr + result.stdout
    assert all_quads(store) == before


def test_missing_password_variable_is_named(virtuoso: Server) -> None:
    env = virtuoso.env()
    del env[PASSWORD_ENV]
    result = run_coopgraph("load", "--no-validate", *virtuoso.load_args(), env=env)
    assert result.returncode == 2
    assert f"environment variable {PASSWORD_ENV}" in result.stderr


def test_a_failed_swap_leaves_the_dataset_and_the_next_load_cleans_up(server: Server, tmp_path: Path) -> None:
    """The update endpoint refuses (404) after the graphs were staged: the dataset is as it was; the
    staging graphs the failed load could not drop are dropped by the next load."""
    store = server.store()
    load(store, [], validate=False, prune=True)
    before = view(store)
    extra = user_file(tmp_path, "refused", 40)
    broken = RemoteStore(
        server.endpoint,
        update_endpoint=server.endpoint.rsplit("/", 1)[0] + "/no-such-update",
        gsp_endpoint=server.gsp_endpoint,
        graph_param=server.graph_param,
        auth=server.auth(),
    )
    with pytest.raises(StoreError, match="404 Not Found"):
        load(broken, [extra], validate=False)
    assert view(server.store()) == before
    load(server.store(), [extra], validate=False)
    assert not server.store().graphs(STAGING_PREFIX)


def test_server_down_gives_a_clear_error(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    result = run_coopgraph(
        "load",
        "--no-validate",
        "--endpoint",
        f"{base}/query",
        "--update-endpoint",
        f"{base}/update",
        "--gsp-endpoint",
        f"{base}/store",
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
    args = oxigraph.load_args()
    args[args.index("--endpoint") + 1] = f"{base}/no-such-endpoint"
    result = run_coopgraph("load", "--no-validate", *args)
    assert result.returncode == 2
    assert f"query at {base}/no-such-endpoint: 404 Not Found" in result.stderr


def test_a_store_that_takes_few_operations_per_request_gets_several(virtuoso: Server, tmp_path: Path) -> None:
    """The merged graph and the swap in requests of at most two operations (Virtuoso's limit is 200): the
    same dataset as in one request, and the mark gone at the end."""
    files = [user_file(tmp_path, f"chunk{n}", 5 + n) for n in range(3)]
    flavour = dataclasses.replace(flavours.named("virtuoso"), operations_per_request=2)
    store = virtuoso.store(flavour=flavour)
    result = load(store, files, validate=False, force=True)
    manifest = store.manifest()
    assert not manifest.swapping and manifest.merged is not None and result.merged is not None
    assert manifest.merged.graph == result.merged.graph
    assert_merged(store, manifest)
    assert view(store) == view(virtuoso.store())
    for path in files:
        assert store.count(str(graph_iri_for(path))) == 5 + int(path.stem[-1])


def test_too_many_graphs_for_virtuosos_headers_is_a_clear_error(virtuoso: Server) -> None:
    """Virtuoso echoes a header per graph of the dataset; past Python's 100 headers, a message that says
    so, not a dropped connection."""
    graphs = [f"https://w3id.org/coopgraph/graph/user/g{n}" for n in range(120)]
    with pytest.raises(StoreError, match="more headers than"):
        virtuoso.store(default_graphs=graphs).query("ASK { ?s ?p ?o }")


def test_graphs_compare_equal_after_a_forced_reload(server: Server) -> None:
    """--force sends everything again: the graphs are the same up to blank-node labels."""
    store = server.store()
    load(store, [], validate=False)
    before = graphs_of(store)
    load(store, [], validate=False, force=True)
    assert same_graphs(graphs_of(store), before)
