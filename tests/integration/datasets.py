"""What the load tests build and compare: generated user files, and a store's dataset as a reader sees it."""

from __future__ import annotations

import json
from pathlib import Path

from coopgraph.stores import RemoteStore


def user_file(folder: Path, name: str, triples: int, version: int = 1) -> Path:
    """A file of ``triples`` plain triples whose values say which version of the file they come from."""
    path = folder / f"{name}.ttl"
    lines = ["@prefix ex: <https://example.org/load/> ."]
    lines += [f'ex:{name}{i} ex:value "{name} {i} v{version}" .' for i in range(triples)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def view(store: RemoteStore) -> object:
    """What a reader of the store finds: "between two loads" (the swapping mark), or every graph of the
    dataset with its triples (blank nodes as "_", which a store relabels) — and the store's coopgraph graphs
    must be exactly the dataset's, no graph left over and none missing, and the merged graph the manifest
    names must hold exactly their triples."""
    manifest = store.manifest()
    if manifest.swapping:
        return "between two loads"
    graphs = set(manifest.graphs)
    assert set(store.graphs()) == {g for g, record in manifest.graphs.items() if record.triples}, (
        "stray graphs"
    )
    rows = store._select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", ())["results"]["bindings"]

    def term(value: dict) -> str:
        return "_" if value["type"] == "bnode" else json.dumps(value, sort_keys=True)

    found: dict[str, list] = {graph: [] for graph in graphs}
    merged = manifest.merged.graph if manifest.merged else None
    in_merged = []
    for row in rows:
        triple = tuple(term(row[name]) for name in "spo")
        if row["g"]["value"] in graphs:
            found[row["g"]["value"]].append(triple)
        elif row["g"]["value"] == merged:
            in_merged.append(triple)
    assert manifest.merged is not None and len(in_merged) == manifest.merged.triples, "merged graph count"
    assert set(in_merged) == {triple for triples in found.values() for triple in triples}, "merged graph"
    return {graph: sorted(triples) for graph, triples in found.items()}
