"""Validating new files against a graph kept on disk gives exactly what a full validation gives.

With ``COOPGRAPH_STORE=on`` the base graph (the ontology and the data folder) is kept in an on-disk store
(:mod:`coopgraph.cache`) with its validation results, and ``validate(NEW)`` reruns only the constraints, and
only on the focus nodes, that the new files can change (:mod:`coopgraph.incremental`). Every test compares
whole results (focus, path, value, shape, component, message, file, line, values) with a full run
(``COOPGRAPH_STORE=off``) on the same files.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef

from coopgraph import cache, incremental, resources
from coopgraph.engine import Constraint
from coopgraph.load import LoadError
from coopgraph.validate import Report, validate
from coopgraph.vocab import SH

FIXTURES = Path(__file__).parent / "shapes"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402


def rows(report: Report) -> set[tuple]:
    return {dataclasses.astuple(result) for result in report.results}


def full_and_incremental(monkeypatch: pytest.MonkeyPatch, files: list[Path]) -> tuple[Report, Report]:
    monkeypatch.setenv(cache.STORE_VARIABLE, "off")
    full = validate(files)
    monkeypatch.setenv(cache.STORE_VARIABLE, "on")
    return full, validate(files)


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store folder of the session (one base graph kept for every fixture case below)."""
    folder = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.mark.usefixtures("fixture_data")
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_every_fixture_gives_the_full_runs_results(
    fixture: Path, kept: Path, monkeypatch: pytest.MonkeyPatch
):
    full, incremental_report = full_and_incremental(monkeypatch, [fixture])
    assert rows(incremental_report) == rows(full)
    assert incremental_report.conforms == full.conforms
    assert list(cache.home().glob("*/b-*/results-*.json")), "the base graph's results are kept"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A generated graph (about 41k triples, its planted invalid cases) with five of the instrument files
    that hold invalid cases taken out of it, to be validated as new files."""
    made = generate.generate(10_000, tmp_path_factory.mktemp("generated") / "data")
    focus = {row["focus"].rsplit("/", 1)[-1] for row in made.expected}
    broken = [
        path
        for path in made.files
        if "generated" in path.parts
        and any(f"/{name}>" in path.read_text(encoding="utf-8") for name in focus)
    ]
    assert len(broken) >= 5
    outside = tmp_path_factory.mktemp("new")
    taken = []
    for path in broken[:5]:
        taken.append(outside / path.name)
        shutil.move(path, taken[-1])
    return made.out, [*taken, made.new_file]


def test_files_taken_out_of_a_generated_graph_give_the_full_runs_results(
    generated: tuple[Path, list[Path]], kept: Path, monkeypatch: pytest.MonkeyPatch
):
    data, new_files = generated
    monkeypatch.setenv(resources.DATA_VARIABLE, str(data))
    full, incremental_report = full_and_incremental(monkeypatch, new_files)
    assert not full.conforms and full.results
    assert rows(incremental_report) == rows(full)
    one_by_one = [full_and_incremental(monkeypatch, [path]) for path in new_files[:1]]
    for full, incremental_report in one_by_one:
        assert rows(incremental_report) == rows(full)


def test_a_changed_file_makes_a_new_build_and_a_touched_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(cache.STORE_VARIABLE, "on")
    data = tmp_path / "data"
    shutil.copytree(resources.data_directory(), data)
    monkeypatch.setenv(resources.DATA_VARIABLE, str(data))
    first = cache.build_for(resources.graph_files())
    assert cache.build_for(resources.graph_files()).folder == first.folder
    some = sorted(data.rglob("*.ttl"))[0]
    os.utime(some, ns=(some.stat().st_atime_ns, some.stat().st_mtime_ns + 10**9))
    assert cache.build_for(resources.graph_files()).folder == first.folder, "only touched: the same build"
    some.write_text(some.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    second = cache.build_for(resources.graph_files())
    assert second.folder != first.folder
    assert not first.folder.exists(), "a build no process holds is removed"
    (data / "extra.ttl").write_text(
        "<https://w3id.org/coopgraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> 'x'@en .\n"
    )
    third = cache.build_for(resources.graph_files())
    assert third.folder != second.folder and third.triples == second.triples + 1  # the merge gains it
    assert str((data / "extra.ttl").resolve()) in [entry["path"] for entry in third.manifest["files"]]


def test_a_file_that_does_not_load_leaves_the_current_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(cache.STORE_VARIABLE, "on")
    data = tmp_path / "data"
    shutil.copytree(resources.data_directory(), data)
    monkeypatch.setenv(resources.DATA_VARIABLE, str(data))
    before = cache.build_for(resources.graph_files())
    (data / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(LoadError, match="broken.ttl:1"):
        cache.build_for(resources.graph_files())
    folder = before.folder.parent
    assert (folder / "current").read_text().strip() == before.folder.name
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [before.folder.name]


def test_new_files_never_reach_the_kept_store(
    kept: Path, monkeypatch: pytest.MonkeyPatch, fixture_data: Path
):
    monkeypatch.setenv(cache.STORE_VARIABLE, "on")
    assert not validate([FIXTURES / "signature_XFAIL.ttl"]).conforms
    again = validate()
    assert again.conforms and again.files == len(resources.graph_files())


def test_the_command_answers_the_same_with_the_store(kept: Path, fixture_data: Path):
    """``coopgraph validate NEW`` as a subprocess: the same JSON report with the store as without, and exit 1
    each time (in the session's cache folder, so the plans of the constraints are read once)."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(kept),
        resources.DATA_VARIABLE: str(fixture_data),
    }
    command = [
        sys.executable,
        "-m",
        "coopgraph",
        "validate",
        "--format",
        "json",
        str(FIXTURES / "tenure_XFAIL.ttl"),
    ]
    answers = []
    for mode in ("off", "on", "on"):
        done = subprocess.run(
            command, env={**env, cache.STORE_VARIABLE: mode}, capture_output=True, text=True
        )
        assert done.returncode == 1, done.stderr
        answers.append(json.loads(done.stdout))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["results"]


def test_an_unknown_store_setting_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(cache.STORE_VARIABLE, "sometimes")
    with pytest.raises(cache.InputError, match="COOPGRAPH_STORE"):
        cache.wanted([])


def constraint(query: str) -> Constraint:
    return Constraint(URIRef("urn:s"), None, query, None, SH.Violation, ())


def test_an_anchor_follows_the_patterns_around_a_nested_one():
    found = incremental.plan(
        constraint(
            "SELECT ?this WHERE { { SELECT DISTINCT ?this WHERE { ?this a <urn:C> } } "
            "?this <urn:p> ?x . FILTER NOT EXISTS { ?x <urn:q> ?y } }"
        )
    )
    assert not found.full
    texts = dict((predicate, text) for predicate, text in found.anchors)
    assert (
        "?this <urn:p> ?x" in texts["urn:q"]
        and "GRAPH <urn:coopgraph:added> { ?x <urn:q> ?y . }" in texts["urn:q"]
    )


def test_a_pattern_no_chain_joins_to_the_focus_reruns_the_constraint_in_full():
    found = incremental.plan(
        constraint(
            "SELECT ?this WHERE { { SELECT DISTINCT ?this WHERE { ?this a <urn:C> } } "
            "FILTER EXISTS { ?x a <urn:D> } }"
        )
    )
    assert found.full


def test_a_union_branch_is_not_a_chain_for_the_other():
    found = incremental.plan(
        constraint(
            "SELECT ?this WHERE { { SELECT DISTINCT ?this WHERE { ?this a <urn:C> } } "
            "{ ?this <urn:p> ?x } UNION { ?y <urn:q> ?x } }"
        )
    )
    assert found.full, "?y <urn:q> ?x reaches ?this only through the other branch"


def test_a_repeated_path_reruns_in_full_when_its_predicate_is_added():
    found = incremental.plan(
        constraint("SELECT ?this WHERE { { SELECT DISTINCT ?this WHERE { ?this a/<urn:sub>* <urn:C> } } }")
    )
    assert found.full_if == {"urn:sub"} and not found.full


@pytest.mark.parametrize("extra", [False, True], ids=["tree", "tree-and-a-file"])
def test_a_query_gives_the_same_rows_from_the_store(kept: Path, fixture_data: Path, extra: bool):
    """``coopgraph query`` as a subprocess: the same answer from the on-disk store (and a scratch copy with
    a file added) as from a fresh parse."""
    env = {**os.environ, "XDG_CACHE_HOME": str(kept), resources.DATA_VARIABLE: str(fixture_data)}
    command = [sys.executable, "-m", "coopgraph", "query", "signatories", "--format", "json"]
    command += [str(FIXTURES / "adding_an_agreement_PASS.ttl")] if extra else []
    answers = []
    for mode in ("off", "on"):
        done = subprocess.run(
            command, env={**env, cache.STORE_VARIABLE: mode}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout))
    assert answers[0] == answers[1] and answers[0]["results"]["bindings"]


def test_a_rule_about_the_whole_graph_is_rerun_on_the_values_the_new_triples_reach():
    """One focus node (the ontology), a result per node at fault: the anchors find values."""
    found = incremental.plan(
        constraint(
            "SELECT ?this ?value WHERE { { SELECT DISTINCT ?this WHERE { VALUES ?this { <urn:O> } } } "
            "?value ?p ?o . FILTER NOT EXISTS { ?value a ?type } }"
        )
    )
    assert not found.full and found.root == "value"
    assert all(text.startswith("SELECT DISTINCT ?value") for _, text in found.anchors)


def test_an_aggregate_over_the_graph_is_rerun_in_full():
    found = incremental.plan(
        constraint(
            "SELECT ?this (MIN(?term) AS ?value) WHERE { "
            "{ SELECT DISTINCT ?this WHERE { VALUES ?this { <urn:O> } } } ?term <urn:label> ?label } "
            "GROUP BY ?this ?label HAVING (COUNT(?term) > 1)"
        )
    )
    assert found.full


FOCUS = "{ SELECT DISTINCT ?this WHERE { ?this <urn:p> [] . } }"


def test_a_sub_select_is_read_through_its_projected_names_only():
    """A sub-select's own variables are its own: where one is named as a variable outside it, joining the two
    by name would narrow the anchors, so the constraint is rerun in full; where not, it is planned."""
    own = "{ SELECT ?kind WHERE { ?kind <urn:forbidden> ?why } }"
    planned = incremental.plan(constraint(f"SELECT ?this WHERE {{ {FOCUS} {own} ?this <urn:kind> ?kind }}"))
    assert not planned.full
    assert any("<urn:forbidden>" in text and "?this <urn:kind> ?kind" in text for _, text in planned.anchors)
    shared = "SELECT ?this ?why WHERE {{ {focus} {own} ?this <urn:kind> ?kind ; <urn:why> ?why }}"
    assert incremental.plan(constraint(shared.format(focus=FOCUS, own=own))).full


def test_the_ontology_alone_and_with_the_data_are_kept_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``validate --no-shipped`` (the ontology alone) and ``validate`` do not replace each other's build."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(cache.STORE_VARIABLE, "on")
    everything = cache.build_for(resources.graph_files())
    ontology = cache.build_for(resources.shipped_files("ontology"))
    assert everything.folder.parent != ontology.folder.parent
    assert cache.build_for(resources.graph_files()).folder == everything.folder
    assert everything.folder.exists() and ontology.folder.exists()
