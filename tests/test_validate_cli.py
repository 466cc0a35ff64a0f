"""``coopgraph validate``, run as a user runs it: ``python -m coopgraph validate …`` in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace

from coopgraph import resources
from coopgraph.validate import validate

FIXTURES = Path(__file__).parent / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")


def run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", "validate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "COLUMNS": "160", **env},
    )


def test_help():
    done = run("--help")
    assert done.returncode == 0
    assert "FILES" in done.stdout and "--format" in done.stdout and "text|json|turtle" in done.stdout


def test_the_shipped_graph_conforms():
    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Conforms:")


def test_a_passing_file_conforms_as_json():
    done = run(str(FIXTURES / "adding_an_agreement_PASS.ttl"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"conforms": True, "results": []}


def test_a_failing_file_exits_1_with_a_table_naming_file_and_line():
    fixture = FIXTURES / "parties_XFAIL.ttl"
    done = run(str(fixture))
    assert done.returncode == 1, done.stderr
    line = next(
        n
        for n, text in enumerate(fixture.read_text().splitlines(), 1)
        if text.startswith("instrument:fixture-one-party")
    )
    assert f"{fixture}:{line}" in done.stdout
    assert "cgid:instrument/fixture-one-party" in done.stdout
    assert "cgsh:BilateralInstrument-hasParty" in done.stdout
    assert "exactly two cg:hasParty" in done.stdout
    report = validate([fixture])  # the command says what the library finds
    violations = sum(r.is_violation for r in report.results)
    warnings = len(report.results) - violations
    assert violations and warnings
    assert f"Does not conform: {violations} violations, {warnings} warning" in done.stdout


def test_json_output_is_the_contract():
    fixture = FIXTURES / "parties_XFAIL.ttl"
    done = run(str(fixture), "--format", "json")
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"conforms", "results"} and document["conforms"] is False
    keys = {"focus", "path", "value", "severity", "message", "shape", "component", "file", "line", "values"}
    assert len(document["results"]) == len(validate([fixture]).results)
    assert all(set(row) == keys for row in document["results"])
    [row] = [
        r
        for r in document["results"]
        if r["focus"].endswith("/fixture-three-parties")
        and r["shape"].endswith("BilateralInstrument-hasParty")
    ]
    state = "https://w3id.org/coopgraph/id/state/"
    assert row == {
        "focus": "https://w3id.org/coopgraph/id/instrument/fixture-three-parties",
        "path": "https://w3id.org/coopgraph/ontology#hasParty",
        "value": row["value"],
        "severity": "http://www.w3.org/ns/shacl#Violation",
        "message": row["message"],
        "shape": "https://w3id.org/coopgraph/shapes#BilateralInstrument-hasParty",
        "component": "http://www.w3.org/ns/shacl#MaxCountConstraintComponent",
        "file": str(fixture),
        "line": row["line"],
        "values": [state + "KH", state + "KZ", state + "SG"],
    }
    assert row["value"] in row["values"]  # the count result shows the values, and one of them as the value
    assert fixture.read_text().splitlines()[row["line"] - 1].strip().startswith("cg:hasParty state:SG")


def test_reference_runs_pyshacl_and_gives_the_same_results(tmp_path: Path):
    """``--reference`` validates with pySHACL instead of the compiled engine: on a failing fixture it exits
    1 with the same results as JSON (every field, file and line included), except those pySHACL is known
    to miss (tests/shapes/pyshacl-differences.json), which show that pySHACL did run. The data folder is
    empty (the fixture and the ontology alone: pySHACL takes ten times as long with the shipped data, and
    the engines are compared on every fixture with the data in test_engine.py)."""
    fixture = str(FIXTURES / "date_interval_XFAIL.ttl")
    alone = {resources.DATA_VARIABLE: str(tmp_path)}
    fast = run(fixture, "--format", "json", **alone)
    reference = run(fixture, "--format", "json", "--reference", **alone)
    assert fast.returncode == 1, fast.stderr
    assert reference.returncode == 1, reference.stderr
    ours, theirs = json.loads(fast.stdout)["results"], json.loads(reference.stdout)["results"]
    assert all(row in ours for row in theirs), [row for row in theirs if row not in ours]
    fields = ("focus", "path", "shape", "component")
    missed = {tuple(row[name] for name in fields) for row in ours if row not in theirs}
    documented = json.loads((FIXTURES / "pyshacl-differences.json").read_text())
    known = {tuple(case[name] for name in fields) for case in documented}
    assert missed and missed == {key for key in known if key[0] in {row["focus"] for row in ours}}


def test_turtle_output_is_a_shacl_report():
    done = run(str(FIXTURES / "parties_XFAIL.ttl"), "--format", "turtle")
    assert done.returncode == 1, done.stderr
    graph = Graph().parse(data=done.stdout, format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport, any=False)
    assert len(list(graph.objects(report, SH.result))) == len(
        validate([FIXTURES / "parties_XFAIL.ttl"]).results
    )


def test_a_file_given_as_a_relative_path_is_shown_as_given(tmp_path: Path):
    (tmp_path / "mine.ttl").write_text((FIXTURES / "references_XFAIL.ttl").read_text())
    done = run("mine.ttl", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert {row["file"] for row in json.loads(done.stdout)["results"]} == {"mine.ttl"}


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (
            "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n"
            '<https://w3id.org/coopgraph/id/state/XA> cg:isoAlpha2 "XA" ;\n'
            '    cg:isoAlpha3 "XAA"\n<https://w3id.org/coopgraph/id/state/XB> a cg:State .\n',
            "broken.ttl:4:1:",
            "dot",
        ),
        (
            "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
            '<https://w3id.org/coopgraph/id/event/x> cg:onDate "2025-13-40"^^xsd:date .\n',
            "broken.ttl:3:",
            "ill-typed literal",
        ),
        (
            "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\ncg:x cg:y undeclared:z .\n",
            "broken.ttl:2:",
            "prefix",
        ),
    ],
    ids=["malformed", "ill-typed-date", "undeclared-prefix"],
)
def test_bad_input_exits_2_with_file_line_and_reason(tmp_path: Path, text: str, where: str, reason: str):
    (tmp_path / "broken.ttl").write_text(text)
    done = run("broken.ttl", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"coopgraph: error: {where}")
    assert reason in done.stderr.lower()
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n", "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n"]
)
def test_an_empty_file_is_bad_input(tmp_path: Path, text: str):
    """A file that states nothing (empty, or only comments and prefixes) adds nothing to validate: likely
    not what its author meant, so it is refused rather than reported as conforming."""
    (tmp_path / "empty.ttl").write_text(text)
    done = run("empty.ttl", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("coopgraph: error: empty.ttl: holds no triples")
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2(tmp_path: Path):
    done = run(str(tmp_path / "nowhere.ttl"))
    assert done.returncode == 2
    assert "nowhere.ttl: no such file" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_format_exits_2():
    done = run("--format", "xml")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def _digests(paths: list[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def test_validation_never_modifies_any_file(tmp_path: Path):
    root = resources.root()
    inputs = [tmp_path / "agreement.ttl", tmp_path / "parties.ttl"]
    inputs[0].write_bytes((FIXTURES / "adding_an_agreement_PASS.ttl").read_bytes())
    inputs[1].write_bytes((FIXTURES / "parties_XFAIL.ttl").read_bytes())
    watched = [p for kind in ("data", "ontology", "shapes") for p in (root / kind).rglob("*") if p.is_file()]
    watched += inputs
    before = _digests(watched)
    listing = sorted(p for p in tmp_path.rglob("*"))
    for output_format in ("text", "json", "turtle"):
        done = run(*map(str, inputs), "--format", output_format)
        assert done.returncode == 1, done.stderr
    assert _digests(watched) == before
    assert sorted(p for p in tmp_path.rglob("*")) == listing
