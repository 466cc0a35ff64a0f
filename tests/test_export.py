"""`coopgraph export`: the whole graph, the same bytes every run, JSON-LD with the published context."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources as importlib_resources
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from coopgraph import export, resources
from coopgraph.load import load_shipped, union_graph

FORMATS = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}


def coopgraph(
    *args: str, seed: str = "0", cwd: Path | None = None, **variables: str
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed, **variables}
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], capture_output=True, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_shipped()


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    """Each format as the command writes it to stdout."""
    out = {}
    for fmt in FORMATS:
        result = coopgraph("export", "--format", fmt, seed="1")
        assert result.returncode == 0, result.stderr.decode()
        out[fmt] = result.stdout
    return out


def test_export_help() -> None:
    result = coopgraph("export", "--help")
    assert result.returncode == 0
    assert b"turtle" in result.stdout and b"jsonld" in result.stdout and b"--output" in result.stdout


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_export_holds_the_whole_graph(exported: dict[str, bytes], shipped: Dataset, fmt: str) -> None:
    graph = Graph().parse(data=exported[fmt], format=FORMATS[fmt])
    assert isomorphic(graph, union_graph(shipped))


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_trig_and_nquads_keep_one_named_graph_per_file(
    exported: dict[str, bytes], shipped: Dataset, fmt: str
) -> None:
    dataset = Dataset().parse(data=exported[fmt], format=FORMATS[fmt])
    names = {str(g.identifier) for g in shipped.graphs() if len(g)}
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == names
    for name in names:
        assert isomorphic(dataset.graph(name), shipped.graph(name)), name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_the_same_bytes_every_run(exported: dict[str, bytes], fmt: str) -> None:
    """Another process, another hash seed (set and dict order change), the same bytes."""
    again = coopgraph("export", "--format", fmt, seed="2")
    assert again.returncode == 0
    assert again.stdout == exported[fmt]


@pytest.mark.parametrize("fmt", ["nt", "nquads"])
def test_line_formats_are_sorted_and_unique(exported: dict[str, bytes], fmt: str) -> None:
    lines = exported[fmt].decode("utf-8").splitlines()
    assert lines == sorted(set(lines))


def test_jsonld_carries_the_published_context(exported: dict[str, bytes]) -> None:
    document = json.loads(exported["jsonld"])
    assert document["@context"] == export.context()
    assert any(node.get("@id") == "state:SG" for node in document["@graph"])


def test_context_is_shipped_inside_the_package() -> None:
    shipped_file = importlib_resources.files("coopgraph").joinpath("context.jsonld")
    assert shipped_file.is_file()
    assert "@context" in json.loads(shipped_file.read_text(encoding="utf-8"))


def test_context_covers_every_namespace_the_shipped_files_declare(shipped: Dataset) -> None:
    """Every prefix a shipped file declares maps to a namespace the context can compact IRIs with."""
    context = export.context()
    namespaces = [
        value for key, value in context.items() if not key.startswith("@") and isinstance(value, str)
    ]
    declared = set()
    for path in resources.graph_files():
        declared |= {str(namespace) for _, namespace in Graph().parse(path, format="turtle").namespaces()}
    declared -= {str(namespace) for _, namespace in Graph().namespaces()}  # rdflib's own defaults
    missing = sorted(n for n in declared if not any(n.startswith(known) for known in namespaces))
    assert not missing, f"add these namespaces to src/coopgraph/context.jsonld: {missing}"


def test_output_file_equals_stdout(tmp_path: Path, exported: dict[str, bytes]) -> None:
    target = tmp_path / "graph.ttl"
    result = coopgraph("export", "--format", "turtle", "-o", str(target), seed="3")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    assert target.read_bytes() == exported["turtle"]
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_output_to_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "graph.nt"
    result = coopgraph("export", "--format", "nt", "-o", str(target))
    assert result.returncode == 2
    assert b"cannot write" in result.stderr and b"Traceback" not in result.stderr
    assert not target.parent.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "graph.nt"
    target.write_bytes(b"old\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        export.write_atomically(target, b"new and partial\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_written_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    export.write_atomically(target, b"x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        export.serialize(Dataset(), "rdfxml")
    assert coopgraph("export", "--format", "rdfxml").returncode == 2


def test_export_follows_coopgraph_data_and_keeps_stdout_and_stderr_clean() -> None:
    fixture = Path(__file__).parent / "fixtures" / "graph" / "data"
    result = coopgraph("export", "--format", "nt", COOPGRAPH_DATA=str(fixture))
    assert result.returncode == 0, result.stderr.decode()
    assert b"<https://w3id.org/coopgraph/id/instrument/sg-xc-mla-2026>" in result.stdout
    assert result.stderr == b""


def test_a_written_file_says_which_tree_outside_the_checkout(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    result = coopgraph("export", "--format", "nt", "-o", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().startswith("coopgraph: used ") and target.is_file()


KEEPS_FALSY = """
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from coopgraph import export
data = Dataset()
graph = data.graph(URIRef("https://w3id.org/coopgraph/graph/user/t"))
s = URIRef("https://w3id.org/coopgraph/id/evidence/e")
p = URIRef("https://w3id.org/coopgraph/ontology#aboutValue")
x = URIRef("https://w3id.org/coopgraph/id/x")
for value in (Literal(False), Literal(0), Literal(""), x, Literal(True)):
    graph.add((s, p, value))
back = Graph().parse(data=export.serialize(data, "jsonld"), format="json-ld")
print(isomorphic(back, graph), len(back))
"""


@pytest.mark.parametrize("seed", ["0", "1", "2", "3", "4", "5"])
def test_jsonld_keeps_false_zero_and_empty_values(seed: str) -> None:
    """Regression: rdflib's JSON-LD converter dropped a native false (0, "") when it came first among the
    values of a property, so a triple was lost for some hash seeds."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", KEEPS_FALSY], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["True", "5"], done.stderr
