"""OWL 2 DL consistency with HermiT (owlready2): the shipped graph passes, bad examples are caught.

The fixtures in ``tests/reasoning/`` are added to the shipped ontology, with an empty data folder (they test
the ontology's axioms, and HermiT takes twice as long with the shipped data, which
:func:`test_shipped_ontology_and_data_are_consistent` checks on its own): ``*_XFAIL.ttl`` must make the
check fail, ``*_PASS.ttl`` must not.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import rdflib
from rdflib import Graph, Literal, Namespace, URIRef

from coopgraph import reason, resources
from coopgraph.reason import ReasonerError, check_consistency, check_files, inferred_types, prepare_for_hermit

# Plain namespaces: pytest's collection pokes at module attributes, which rdflib's closed ones warn about.
OWL, RDF, RDFS, XSD = (Namespace(str(ns)) for ns in (rdflib.OWL, rdflib.RDF, rdflib.RDFS, rdflib.XSD))
HERE = Path(__file__).parent / "reasoning"
CG = Namespace("https://w3id.org/coopgraph/ontology#")
EX = Namespace("https://example.org/toy#")
TEST = "https://example.org/coopgraph-test"

TOY = """
PREFIX : <https://example.org/toy#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

<https://example.org/toy> a owl:Ontology ; owl:imports <https://example.org/not-fetched> .
:Person a owl:Class .
:State a owl:Class ; owl:disjointWith :Person .
:Tenure a owl:Class .
:signedBy a owl:ObjectProperty ; rdfs:domain :Instrument ; rdfs:range :Person .
:Instrument a owl:Class .
:signedOn a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:range xsd:date .
"""


def toy(extra: str = "") -> Graph:
    return Graph().parse(data=TOY + extra, format="turtle")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", *args], capture_output=True, text=True, env=env, timeout=300
    )


# --- the shipped graph and the fixtures -----------------------------------------------------------------


@pytest.fixture
def ontology_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The shipped ontology with an empty data folder, for the library calls and the commands started."""
    empty = tmp_path / "no-data"
    empty.mkdir()
    monkeypatch.setenv(resources.DATA_VARIABLE, str(empty))


def test_shipped_ontology_and_data_are_consistent() -> None:
    report = check_files()
    assert report.ok, report.message
    assert report.consistent and report.unsatisfiable == () and report.culprits == ()


@pytest.mark.usefixtures("ontology_only")
def test_individual_both_person_and_state_is_caught_and_pointed_at() -> None:
    fixture = HERE / "person-is-state_XFAIL.ttl"
    report = check_files([fixture])
    assert not report.consistent and not report.ok
    culprit = URIRef(f"{TEST}/person-and-state")
    assert report.culprits == (culprit,)
    assert report.where[culprit] == (reason._display(fixture),)
    assert str(culprit) in report.message


@pytest.mark.usefixtures("ontology_only")
def test_class_under_two_disjoint_classes_is_unsatisfiable() -> None:
    report = check_files([HERE / "unsatisfiable-class_XFAIL.ttl"], explain=False)
    assert report.consistent and not report.ok
    assert report.unsatisfiable == (URIRef(f"{TEST}#PersonState"),)


@pytest.mark.usefixtures("ontology_only")
def test_text_where_a_date_belongs_is_caught() -> None:
    """The ontology's xsd:date range survives the mapping to xsd:dateTime: a plain string still clashes."""
    report = check_files([HERE / "date-as-string_XFAIL.ttl"])
    assert not report.consistent
    assert report.culprits == (URIRef(f"{TEST}/tenure-with-a-text-date"),)


@pytest.mark.usefixtures("ontology_only")
def test_dates_with_and_without_timezone_pass() -> None:
    report = check_files([HERE / "dates_PASS.ttl"], explain=False)
    assert report.ok, report.message


# --- the reasoner's copy ----------------------------------------------------------------------------------


def test_dates_become_datetimes_keeping_the_timezone() -> None:
    graph = toy(
        ":a :signedOn '2025-09-08'^^xsd:date . :year a owl:DatatypeProperty . :month a owl:DatatypeProperty ."
    )
    # rdflib drops a date's timezone when it normalises a literal: build these as written
    graph.add((EX.b, EX.signedOn, Literal("2025-09-08+08:00", datatype=XSD.date, normalize=False)))
    graph.add((EX.c, EX.year, Literal("2025", datatype=XSD.gYear, normalize=False)))
    graph.add((EX.c, EX.month, Literal("2025-07Z", datatype=XSD.gYearMonth, normalize=False)))
    copy, notes = prepare_for_hermit(graph)
    assert copy.value(EX.a, EX.signedOn) == Literal("2025-09-08T00:00:00", datatype=XSD.dateTime)
    assert copy.value(EX.b, EX.signedOn) == Literal("2025-09-08T00:00:00+08:00", datatype=XSD.dateTime)
    assert copy.value(EX.c, EX.year) == Literal("2025-01-01T00:00:00", datatype=XSD.dateTime)
    assert copy.value(EX.c, EX.month) == Literal("2025-07-01T00:00:00Z", datatype=XSD.dateTime)
    assert copy.value(EX.signedOn, RDFS.range) == XSD.dateTime
    assert not any(isinstance(o, Literal) and o.datatype == XSD.date for o in copy.objects())
    assert (None, OWL.imports, None) not in copy
    assert any("xsd:date (3)" in note for note in notes)  # two literals and the range
    assert any("owl:imports" in note for note in notes)


def test_toy_with_dates_is_consistent_and_its_functional_date_is_checked() -> None:
    assert check_consistency(toy(':a :signedOn "2025-09-08"^^xsd:date .')).ok
    two_days = check_consistency(toy(':a :signedOn "2025-09-08"^^xsd:date , "2025-09-09"^^xsd:date .'))
    assert not two_days.consistent and two_days.culprits == (EX.a,)


def test_datatype_outside_the_owl2_map_is_noted_not_fatal() -> None:
    report = check_consistency(toy(':lasted a owl:DatatypeProperty . :a :lasted "P3D"^^xsd:duration .'))
    assert report.ok
    assert any("opaque" in note and "xsd:duration" in note for note in report.notes)


def test_culprits_are_narrowed_down_among_many_individuals() -> None:
    fillers = "\n".join(f":person{i} a :Person ." for i in range(10))
    report = check_consistency(toy(fillers + "\n:person7 a :State ."))
    assert report.culprits == (EX.person7,)


def test_contradiction_through_a_range_names_both_individuals() -> None:
    report = check_consistency(toy(":treaty :signedBy :kazakhstan . :kazakhstan a :State . :x a :Person ."))
    assert not report.consistent
    assert set(report.culprits) == {EX.treaty, EX.kazakhstan}


def test_suspects_are_looked_at_with_their_neighbours() -> None:
    graph = toy(
        ":treaty :signedBy :tong . :tong a :Person . :mou :signedBy :sokha . :other :signedBy :treaty ."
    )
    schema, blocks = reason._blocks(graph)
    assert set(blocks) == {EX.treaty, EX.tong, EX.mou, EX.other}  # :sokha is the subject of nothing
    assert (EX.signedBy, RDFS.domain, EX.Instrument) in schema
    assert reason._neighbourhood(blocks, [EX.treaty, EX.nobody]) == [EX.other, EX.tong, EX.treaty]


def test_inconsistent_axioms_without_individuals_are_reported_as_such() -> None:
    report = check_consistency(toy("owl:Thing rdfs:subClassOf owl:Nothing ."))
    assert not report.consistent and report.culprits == ()
    assert "without any individual" in report.message


def test_inferred_types_come_from_the_ontology() -> None:
    inferred = inferred_types(toy(":treaty :signedBy :tong ."))
    assert inferred == {EX.treaty: frozenset({EX.Instrument}), EX.tong: frozenset({EX.Person})}


def test_inferred_types_refuse_an_inconsistent_graph() -> None:
    with pytest.raises(ReasonerError, match="inconsistent"):
        inferred_types(toy(":x a :Person , :State ."))


def test_narrow_down_finds_a_minimal_pair() -> None:
    calls = []

    def inconsistent(subset) -> bool:
        calls.append(len(subset))
        return {17, 63} <= set(subset)

    assert reason._narrow_down(list(range(100)), inconsistent, budget=100) == [17, 63]
    assert len(calls) <= 80
    assert len(reason._narrow_down(list(range(100)), inconsistent, budget=3)) > 2  # stops early, still guilty


# --- errors ------------------------------------------------------------------------------------------------


def test_ill_typed_literal_is_a_reasoner_error() -> None:
    graph = toy()
    graph.add((EX.a, EX.signedOn, Literal("2025-13-40", datatype=XSD.date)))
    with pytest.raises(ReasonerError, match="ill-typed literal"):
        check_consistency(graph)


def test_literal_hermit_refuses_is_a_reasoner_error() -> None:
    with pytest.raises(ReasonerError, match="HermiT failed: .*malformed"):
        check_consistency(toy(':homepage a owl:DatatypeProperty . :a :homepage "not a uri"^^xsd:anyURI .'))


def test_missing_java_is_a_reasoner_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ReasonerError, match="needs Java"):
        check_consistency(toy())


def test_no_temporary_file_is_left_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """owlready2 leaves its file behind when HermiT fails or finds a contradiction; the check cleans up."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    check_consistency(toy(":x a :Person , :State ."), explain=False)
    with pytest.raises(ReasonerError):
        check_consistency(toy(':homepage a owl:DatatypeProperty . :a :homepage "not a uri"^^xsd:anyURI .'))
    check_consistency(toy())
    assert list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == str(tmp_path)


# --- the command -------------------------------------------------------------------------------------------


def test_command_passes_on_the_shipped_graph_from_the_root_directory() -> None:
    """Run from / as a regression test too: HermiT's command line failed with "unable to create default IRI
    base" when the working directory was /."""
    result = subprocess.run(
        [sys.executable, "-m", "coopgraph", "reason"], capture_output=True, text=True, cwd="/", timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("consistent")


def test_check_leaves_the_working_directory_as_it_was(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    check_consistency(toy())
    with pytest.raises(ReasonerError):
        check_consistency(toy(':homepage a owl:DatatypeProperty . :a :homepage "not a uri"^^xsd:anyURI .'))
    assert Path.cwd() == tmp_path


@pytest.mark.usefixtures("ontology_only")
def test_command_names_the_culprit_and_its_file() -> None:
    fixture = HERE / "person-is-state_XFAIL.ttl"
    result = run("reason", str(fixture))
    assert result.returncode == 1, result.stderr
    assert f"<{TEST}/person-and-state> in " in result.stdout
    assert "person-is-state_XFAIL.ttl" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("ontology_only")
def test_command_lists_unsatisfiable_classes_as_json() -> None:
    result = run("reason", "--format", "json", "--no-explain", str(HERE / "unsatisfiable-class_XFAIL.ttl"))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["consistent"] is True and report["ok"] is False
    assert report["unsatisfiable"] == [f"{TEST}#PersonState"]


def test_command_reports_a_missing_file() -> None:
    result = run("reason", "no-such-file.ttl")
    assert result.returncode == 2
    assert "no-such-file.ttl: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_command_reports_a_syntax_error_with_its_place(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n\n<a> cg:x \n", encoding="utf-8")
    result = run("reason", str(broken))
    assert result.returncode == 2
    assert re.search(rf"{re.escape(str(broken))}:\d+:\d+: ", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_command_without_java_exits_2(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)
    result = run("reason", env=env)
    assert result.returncode == 2
    assert "needs Java" in result.stderr
    assert "Traceback" not in result.stderr


def test_command_help() -> None:
    result = run("reason", "--help")
    assert result.returncode == 0
    assert "HermiT" in result.stdout and "Exit 0 consistent" in result.stdout


def test_rdf_type_of_culprit_is_in_fixture() -> None:
    """The fixture really says what its name says (guards against a fixture edited into meaninglessness)."""
    graph = Graph().parse(HERE / "person-is-state_XFAIL.ttl")
    assert set(graph.objects(URIRef(f"{TEST}/person-and-state"), RDF.type)) == {CG.Person, CG.State}
