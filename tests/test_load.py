"""coopgraph.load: one named graph per file, precise errors, nothing half-loaded."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from coopgraph import resources
from coopgraph.load import GRAPH_BASE, LoadError, graph_iri_for, load_files, load_shipped, load_store

PREFIXES = "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def test_each_shipped_file_is_its_own_named_graph():
    dataset = load_shipped()
    files = resources.graph_files()
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {str(graph_iri_for(path)) for path in files}
    assert str(graph_iri_for(resources.root() / "data/instruments/sg-kz-mla-2025.ttl")) == (
        GRAPH_BASE + "data/instruments/sg-kz-mla-2025"
    )


def test_a_user_file_gets_a_graph_named_after_it(tmp_path):
    path = write(tmp_path, "my-treaty.ttl", "ex:a ex:b ex:c .\n")
    assert graph_iri_for(path) == URIRef(GRAPH_BASE + "user/my-treaty")


@pytest.mark.parametrize("loader", [load_files, load_store])
def test_syntax_error_names_file_line_and_column(tmp_path, loader):
    path = write(tmp_path, "bad.ttl", 'ex:a ex:b ex:c .\nex:d ex:e "unterminated .\n')
    with pytest.raises(LoadError) as caught:
        loader([path])
    error = caught.value
    assert (error.file, error.line) == (str(path), 4)
    assert error.column is not None
    assert str(error).startswith(f"{path}:4:")


@pytest.mark.parametrize("loader", [load_files, load_store])
def test_ill_typed_literal_is_reported_with_its_line(tmp_path, loader):
    path = write(
        tmp_path, "dates.ttl", 'ex:a ex:b "2025-09-08"^^xsd:date .\nex:a ex:c "2025-13-40"^^xsd:date .\n'
    )
    with pytest.raises(LoadError) as caught:
        loader([path])
    assert caught.value.line == 4
    assert "ill-typed literal" in caught.value.reason and "2025-13-40" in caught.value.reason


def test_a_failed_load_adds_nothing_to_the_dataset(tmp_path):
    good = write(tmp_path, "good.ttl", "ex:a ex:b ex:c .\n")
    bad = write(tmp_path, "bad.ttl", "ex:a ex:b .\n")
    dataset = Dataset()
    with pytest.raises(LoadError):
        load_files([good, bad], dataset)
    assert len(list(dataset.quads((None, None, None, None)))) == 0


def test_literals_are_kept_as_written(tmp_path):
    """Regression: rdflib's literal normalisation dropped the timezone of an xsd:date."""
    path = write(tmp_path, "tz.ttl", 'ex:a ex:b "2025-09-08+08:00"^^xsd:date .\n')
    (literal,) = [o for _, _, o, _ in load_files([path]).quads((None, None, None, None))]
    assert literal == Literal("2025-09-08+08:00", datatype=XSD.date, normalize=False)
    assert str(literal) == "2025-09-08+08:00"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("missing.ttl", None, "no such file"), ("data.csv", "a,b\n", "unsupported file type")],
)
@pytest.mark.parametrize("loader", [load_files, load_store])
def test_files_that_cannot_be_read_are_named(tmp_path, name, content, reason, loader):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError, match=reason) as caught:
        loader([path])
    assert caught.value.file == str(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"# only a comment\n", "holds no triples"), (b'<a:s> <a:p> "\xff" .\n', "not UTF-8")],
)
def test_the_fast_loader_refuses_what_the_other_refuses(tmp_path, content, reason):
    path = tmp_path / "odd.ttl"
    path.write_bytes(content)
    for loader in (load_files, load_store):
        with pytest.raises(LoadError, match=reason):
            loader([path])


def test_the_fast_loader_keeps_each_file_in_its_graph_and_the_merge_once(tmp_path):
    """Each file its named graph; the default graph the merge, a triple stated twice held once; blank
    nodes local to their file (the same label in two files is two nodes)."""
    first = write(tmp_path, "first.ttl", "ex:a ex:b ex:c .\n_:x ex:b 1 .\n")
    second = write(tmp_path, "second.ttl", "ex:a ex:b ex:c .\n_:x ex:b 2 .\n")
    store = load_store([first, second])
    named = {q.graph_name.value for q in store if isinstance(q.graph_name, pyoxigraph.NamedNode)}
    assert named == {str(graph_iri_for(first)), str(graph_iri_for(second))}
    merge = list(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    assert len(merge) == 3
    assert len({q.subject for q in merge if isinstance(q.subject, pyoxigraph.BlankNode)}) == 2


def test_no_triple_is_stated_in_two_shipped_files():
    """Stores that merge named graphs as a bag (Virtuoso 7.2, whose SELECT DISTINCT is not always reliable)
    answer twice for a triple held by two graphs: say each thing once, in the file it belongs to."""
    seen: dict[tuple, str] = {}
    repeated = []
    for s, p, o, graph in load_shipped().quads((None, None, None, None)):
        if (s, p, o) in seen:
            repeated.append(f"{s} {p} {o} in {seen[(s, p, o)]} and {graph}")
        seen.setdefault((s, p, o), str(graph))
    assert not repeated, "\n".join(repeated)


def test_a_file_read_again_gives_what_it_holds_now_in_the_graph_of_the_tree_in_use(tmp_path, monkeypatch):
    """Files are parsed once per process and content: an edited file is read anew, a file that failed is
    not remembered, and the same file seen from another tree (COOPGRAPH_DATA) lands in that tree's graph."""
    (tmp_path / "instruments").mkdir()
    path = write(tmp_path / "instruments", "x.ttl", "ex:a ex:b ex:c .\n")
    first = load_files([path])
    assert {str(g.identifier) for g in first.graphs() if len(g)} == {GRAPH_BASE + "user/x"}
    path.write_text(PREFIXES + "ex:a ex:b ex:d .\n", encoding="utf-8")
    assert URIRef("http://example.org/d") in {o for _, _, o, _ in load_files([path]).quads()}
    path.write_text(PREFIXES + "ex:a ex:b .\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(LoadError):
            load_files([path])
    path.write_text(PREFIXES + "ex:a ex:b ex:c .\n", encoding="utf-8")
    monkeypatch.setenv("COOPGRAPH_DATA", str(tmp_path))
    again = load_files([path])
    assert {str(g.identifier) for g in again.graphs() if len(g)} == {GRAPH_BASE + "data/instruments/x"}
