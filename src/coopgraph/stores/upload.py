"""The upload pipeline: validate, compare with the store's manifest, stage, swap in one go, check.

:func:`load` puts the shipped graph and a user's files into a remote store, one named graph per file, as one
change: the store holds either the dataset it held before or the new one.

1. **Read and validate** the files (:func:`coopgraph.validate.validate`); nothing is sent if they do not
   conform (:class:`NonConformingError`) or do not parse (:class:`coopgraph.load.LoadError`).
2. **Compare** with the store's manifest (:mod:`coopgraph.stores.manifest`): a graph whose file has the
   SHA-256 the manifest records and whose triple count on the server is the recorded one is left alone, so
   running the same load again sends nothing and changes nothing.
3. **Stage** every changed graph by a Graph Store Protocol ``PUT`` into a staging graph of its own
   (``urn:coopgraph:staging:<load>:<n>``) and check the staged triple counts; then build the new **merged
   graph** (:mod:`coopgraph.stores.manifest`) on the server, by ``ADD``ing every graph of the new dataset
   (staged or already there) into ``https://w3id.org/coopgraph/load/merged/<load>``. A failure here leaves
   the dataset as it was (the staging graphs are dropped when the server still answers, else by the next
   load).
4. **Swap** in one SPARQL Update request: each staging graph ``MOVE``d onto its graph, the graphs no longer
   loaded dropped (with ``prune``), the manifest rewritten to point at the new merged graph. Where one
   request is one transaction (the standard, Oxigraph) that is the whole change at once. Where it is not
   (Virtuoso), the manifest is first marked as being swapped, and the mark removed by the last operation:
   coopgraph's readers wait for it or refuse to read a half-swapped dataset, and the next load finishes the
   job. A store that takes only so many operations per request gets them in several, inside the mark.
5. **Check** the triple count of every graph of the load on the server; drop the old merged graph.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import URIRef

from coopgraph import __version__, resources
from coopgraph.cache import sha256
from coopgraph.errors import InputError, StoreError
from coopgraph.load import GRAPH_BASE, graph_iris, load_store
from coopgraph.stores import manifest as manifests
from coopgraph.stores.credentials import redact_url
from coopgraph.stores.embedded import EmbeddedStore
from coopgraph.stores.manifest import MERGED_PREFIX
from coopgraph.stores.remote import STAGING_PREFIX, RemoteStore
from coopgraph.stores.sparql import ntriples_term


class NonConformingError(Exception):
    """The graph to load does not conform to the shapes, so nothing was uploaded."""

    def __init__(self, report: object) -> None:
        self.report = report
        count = len(getattr(report, "results", []) or [])
        super().__init__(f"the graph does not conform to the shapes ({count} results); nothing was uploaded")


@dataclass(frozen=True)
class GraphLoad:
    """One named graph of a load: its IRI, the triple count the server confirmed, and what the load did to
    it: ``added``, ``replaced``, ``unchanged`` (the store already held this file's version), ``removed``
    (pruned) or ``kept`` (in the store's dataset, not in this load, left there)."""

    graph: str
    triples: int
    change: str = "replaced"


@dataclass
class LoadResult:
    """What a load did; ``load`` names its record in the store's manifest (``None`` when nothing changed),
    ``merged`` the merged graph the load built (``None`` when nothing changed)."""

    graphs: list[GraphLoad] = field(default_factory=list)
    load: str | None = None
    merged: GraphLoad | None = None

    @property
    def changed(self) -> bool:
        return self.load is not None

    def having(self, *changes: str) -> list[GraphLoad]:
        return [done for done in self.graphs if done.change in changes]


@dataclass(frozen=True)
class _File:
    graph: str
    label: str  # as recorded in the manifest: the path inside the tree, or a user file's name
    sha256: str


def _files(extra: list[Path]) -> list[_File]:
    """The shipped files and ``extra``, one per graph; two different files for one graph is an error."""
    root = resources.root().resolve()
    paths = [*resources.graph_files(), *extra]
    seen: dict[str, Path] = {}
    files: list[_File] = []
    for path, graph in zip(paths, graph_iris(paths), strict=True):
        graph, resolved = str(graph), path.resolve()
        if graph in seen:
            if seen[graph] != resolved:
                raise InputError(
                    f"{path}: would be loaded as the graph <{graph}>, which {seen[graph]} is loaded as; "
                    "rename one of them"
                )
            continue
        seen[graph] = resolved
        label = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path.name
        files.append(_File(graph, label, sha256(path)))
    return files


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(
    store: RemoteStore,
    files: Iterable[str | Path] = (),
    *,
    validate: bool = True,
    prune: bool = False,
    force: bool = False,
    progress: bool | None = None,
    on_step: Callable[[str, str], None] | None = None,
) -> LoadResult:
    """Load the shipped graph, plus ``files``, into ``store`` as one change (see the module's docstring).

    ``prune`` removes the coopgraph graphs the store holds that this load does not (loaded before from files
    not given now); without it they stay, and stay in the dataset. ``force`` sends every graph even if the
    manifest says the store has it. ``progress`` shows a bar of the bytes uploaded on stderr (default: when
    stderr is a terminal). ``on_step(step, what)`` is told ``("staged", graph)`` after each graph is staged,
    ``("swap", load)`` just before the swap request is sent and ``("swapped", load)`` after it.
    """
    step = on_step or (lambda *_: None)
    if not store.update_endpoint:
        raise StoreError(
            "loading needs the store's SPARQL Update endpoint (--update-endpoint): the graphs are staged "
            "and then moved in by one update request"
        )
    extra = [Path(f) for f in files]
    wanted = _files(extra)
    if validate:
        from coopgraph.validate import validate as shacl_validate

        report = shacl_validate(extra_files=extra)
        if not report.conforms:
            raise NonConformingError(report)
        source = report.store  # the files as validated, parsed once
    else:
        source = EmbeddedStore(load_store([*resources.graph_files(), *extra]))

    plan = _plan(store, wanted, {file.graph: source.count(file.graph) for file in wanted}, prune, force)
    result = LoadResult([GraphLoad(f.graph, plan.expected[f.graph], "unchanged") for f in plan.unchanged])
    if not plan.needed:
        result.graphs += [GraphLoad(g, plan.on_server[g], "kept") for g in plan.others]
        return result

    token = uuid.uuid4().hex
    load_iri = f"{manifests.LOAD_PREFIX}{token}"
    started = _now()
    prefix = f"{STAGING_PREFIX}{token}:"  # this load's staging graphs
    staging = {file.graph: f"{prefix}{n}" for n, file in enumerate(plan.changed)}
    _stage(store, source, plan.changed, prefix, staging, plan.expected, progress, step)
    members = [staging.get(file.graph, file.graph) for file in wanted] + sorted(plan.kept)
    merged = _merge(store, members, f"{MERGED_PREFIX}{token}", list(staging.values()))
    operations = [  # every file holds triples (load_store refuses an empty one), so each was staged
        f"MOVE GRAPH <{staging[file.graph]}> TO GRAPH {ntriples_term(URIRef(file.graph))}"
        for file in plan.changed
    ]
    operations += [f"DROP SILENT GRAPH {ntriples_term(URIRef(g))}" for g in plan.removed + plan.leftovers]
    after = plan.manifest_after(wanted, load_iri, started)
    after.merged = merged
    operations += manifests.replace(after, atomic=store.flavour.atomic_update)
    _swap(store, operations, load_iri, started, [*staging.values(), merged.graph], step)
    store.refresh()
    if plan.before.merged is not None:  # the manifest no longer points any reader at it
        store.drop_quietly([plan.before.merged.graph])

    confirmed = store.counts("")
    expected = {
        **{file.graph: plan.expected[file.graph] for file in plan.changed},
        merged.graph: merged.triples,
    }
    for graph, triples in expected.items():
        if confirmed.get(graph, 0) != triples:
            raise StoreError(
                f"after loading, graph <{graph}> holds {confirmed.get(graph, 0)} triples on the server, "
                f"expected {triples}"
            )
    for file in plan.changed:
        known = file.graph in plan.on_server or file.graph in plan.before.graphs
        result.graphs.append(
            GraphLoad(file.graph, plan.expected[file.graph], "replaced" if known else "added")
        )
    result.graphs += [GraphLoad(g, plan.on_server[g], "removed" if prune else "kept") for g in plan.others]
    result.load = load_iri
    result.merged = GraphLoad(merged.graph, merged.triples, "added")
    return result


@dataclass
class _Plan:
    """What a load has to do, from the files, the store's manifest and the store's graph counts."""

    before: manifests.Manifest
    on_server: dict[str, int]  # the store's coopgraph graphs and their triple counts
    leftovers: list[str]  # staging graphs of loads that did not finish, merged graphs no manifest names
    expected: dict[str, int]  # triples per graph of this load
    merged_ok: bool = False  # the store holds the merged graph its manifest names, with its triple count
    changed: list[_File] = field(default_factory=list)
    unchanged: list[_File] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # the store's coopgraph graphs this load has not
    removed: list[str] = field(default_factory=list)  # those of them pruned
    kept: dict[str, manifests.GraphRecord] = field(default_factory=dict)  # the others' records, if kept
    stale: set[str] = field(default_factory=set)  # recorded in the manifest, no longer in the store

    @property
    def needed(self) -> bool:
        """Whether the store must change (if not, nothing is sent: the same load twice changes nothing)."""
        return (
            bool(self.changed or self.removed or self.stale or self.leftovers or self.before.swapping)
            or not self.merged_ok
            or any(self.before.graphs.get(graph) != record for graph, record in self.kept.items())
        )

    def manifest_after(self, wanted: list[_File], load_iri: str, started: str) -> manifests.Manifest:
        after = manifests.Manifest(graphs=dict(self.kept), last=load_iri)
        for file in wanted:
            after.graphs[file.graph] = (
                manifests.GraphRecord(
                    file.graph, self.expected[file.graph], file.label, file.sha256, load_iri
                )
                if file in self.changed
                else self.before.graphs[file.graph]
            )
        used = {record.load for record in after.graphs.values()}
        after.loads = {iri: record for iri, record in self.before.loads.items() if iri in used}
        after.loads[load_iri] = manifests.LoadRecord(load_iri, started, _now(), __version__)
        return after


def _plan(
    store: RemoteStore, wanted: list[_File], expected: dict[str, int], prune: bool, force: bool
) -> _Plan:
    before = store.manifest()
    counts = store.counts("")  # one scan of the store for the three kinds of graph
    current = before.merged.graph if before.merged is not None else None
    plan = _Plan(
        before,
        {graph: n for graph, n in counts.items() if graph.startswith(GRAPH_BASE)},
        sorted(
            g
            for g in counts
            if g.startswith(STAGING_PREFIX) or (g.startswith(MERGED_PREFIX) and g != current)
        ),
        expected,
        merged_ok=before.merged is not None and counts.get(before.merged.graph) == before.merged.triples,
    )
    for file in wanted:
        record = plan.before.graphs.get(file.graph)
        same = (
            record is not None
            and record.sha256 == file.sha256
            and record.triples == expected[file.graph] == plan.on_server.get(file.graph, 0)
        )
        # after an interrupted swap nobody knows which graphs were moved: send them all
        (plan.unchanged if same and not force and not plan.before.swapping else plan.changed).append(file)
    loaded = {file.graph for file in wanted}
    plan.others = sorted(set(plan.on_server) - loaded)
    if prune:
        plan.removed = plan.others
    else:
        plan.kept = {graph: _kept(plan.before, graph, plan.on_server[graph]) for graph in plan.others}
    plan.stale = set(plan.before.graphs) - loaded - set(plan.others)
    return plan


def _kept(before: manifests.Manifest, graph: str, triples: int) -> manifests.GraphRecord:
    """The manifest record of a graph a load leaves in the store: its record if the store still holds what
    it says, else a record of what the store holds (its count, no file: it was changed some other way)."""
    record = before.graphs.get(graph)
    if record is not None and record.triples == triples:
        return record
    return manifests.GraphRecord(graph, triples)


def _stage(
    store: RemoteStore,
    source: EmbeddedStore,
    changed: list[_File],
    prefix: str,
    staging: dict[str, str],
    expected: dict[str, int],
    progress: bool | None,
    step: Callable[[str, str], None],
) -> None:
    """PUT each changed graph into its staging graph and check the counts; on failure drop them all."""
    payloads = [(file.graph, source.ntriples(file.graph)) for file in changed]
    if not payloads:
        return
    try:
        with _progress_bar(sum(len(data) for _, data in payloads), progress) as advance:
            for graph, data in payloads:
                store.put_graph(staging[graph], data, advance)
                step("staged", graph)
        staged = store.counts(prefix)
        for graph, _ in payloads:
            if staged.get(staging[graph], 0) != expected[graph]:
                raise StoreError(
                    f"the staging copy of <{graph}> holds {staged.get(staging[graph], 0)} triples, expected "
                    f"{expected[graph]}; the store was left as it was"
                )
    except StoreError:
        store.drop_quietly(list(staging.values()))
        raise


def _merge(store: RemoteStore, members: list[str], merged: str, staging: list[str]) -> manifests.GraphRecord:
    """Build the merged graph ``merged`` on the server from the graphs ``members`` (every triple once) and
    count it; on failure drop it and the staging graphs."""
    operations = [f"ADD GRAPH {ntriples_term(URIRef(g))} TO GRAPH <{merged}>" for g in members]
    try:
        for request in _requests(store, operations):
            store.update(request)
        return manifests.GraphRecord(merged, store.count(merged))
    except StoreError:
        store.drop_quietly([*staging, merged])
        raise


def _requests(store: RemoteStore, operations: list[str]) -> list[str]:
    """The operations as update requests: one, or as many as the store's flavour needs."""
    size = store.flavour.operations_per_request or max(len(operations), 1)
    return [" ;\n".join(operations[at : at + size]) for at in range(0, len(operations), size)]


def _swap(
    store: RemoteStore,
    operations: list[str],
    load_iri: str,
    started: str,
    staging: list[str],
    step: Callable[[str, str], None],
) -> None:
    """Send the swap: one request; on a store without transactions, inside a swapping mark (in as many
    requests as the store needs)."""
    atomic = store.flavour.atomic_update
    if not atomic:
        try:
            store.update(manifests.mark_swapping(load_iri, started))
        except StoreError:
            store.drop_quietly(staging)
            raise
    step("swap", load_iri)
    try:
        for request in _requests(store, operations):
            store.update(request)
    except StoreError as error:
        if atomic:  # the request was one transaction: nothing of it happened
            store.drop_quietly(staging)
            raise
        raise StoreError(
            f"{error}. The swap into {redact_url(store.endpoint)} may have been cut short half-way: the "
            "store is marked as between two loads; run the same `coopgraph load` again to finish it"
        ) from None
    store.flavour.after_swap(store)
    step("swapped", load_iri)


class _progress_bar:  # noqa: N801 - used as a context manager, like a function
    """A rich progress bar over the bytes uploaded, on stderr; does nothing when stderr is not a terminal."""

    def __init__(self, total: int, show: bool | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(stderr=True)
        enabled = console.is_terminal if show is None else show
        self._progress = Progress(
            TextColumn("uploading"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            transient=True,
        )
        self._task = self._progress.add_task("upload", total=total)

    def __enter__(self) -> Callable[[int], None]:
        self._progress.start()
        return lambda sent: self._progress.advance(self._task, sent)

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()


def loaded_graphs(store: RemoteStore, files: Iterable[str | Path] = ()) -> list[str]:
    """The graphs of the shipped files and ``files`` in ``store``, checked to be what a load of exactly these
    files put there (the manifest records each with the file's SHA-256), so a query over them gives the
    rows the embedded store gives with the same FILES: the merged graph when the loaded dataset is exactly
    these graphs, else the graphs one by one. :class:`StoreError` naming the files that differ."""
    found = store.manifest(wait=True)
    wanted = _files([Path(f) for f in files])
    differ = [file.label for file in wanted if (found.graphs.get(file.graph) or _NONE).sha256 != file.sha256]
    if differ:
        listed = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
        raise StoreError(
            f"the store at {redact_url(store.endpoint)} holds other versions of: {listed} (or none); "
            "load them first (`coopgraph load FILES …`)"
        )
    graphs = [file.graph for file in wanted]
    if found.merged is not None and set(graphs) == set(found.graphs):
        return [found.merged.graph]
    return graphs


_NONE = manifests.GraphRecord("", 0)
