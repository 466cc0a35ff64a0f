"""`coopgraph check`, the main job: which tree, what the graph holds, whether it conforms, and one answer.

Counts and answers are asserted on the frozen fixture data (``COOPGRAPH_DATA``, see ``conftest.py``); the
shipped data has to pass the check, whatever number of agreements it holds. Whether the frozen data still
conforms to today's shapes is not asked here: the shapes are tested on their own fixtures and the live data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph import resources
from coopgraph.check import check

SHAPES = Path(__file__).parent / "shapes"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "graph" / "data"
ID = "https://w3id.org/coopgraph/id/"


def run(*args: str, cwd: Path | None = None, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COOPGRAPH_ROOT", "COOPGRAPH_DATA")}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", "check", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


def test_check_counts_what_the_fixture_graph_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPGRAPH_DATA", str(FIXTURE_DATA))
    result = check()
    summary = result.summary
    assert result.tree == resources.locate()
    assert summary.triples == sum(summary.graphs.values()) > 1000
    assert summary.contents["instruments"] == 4
    assert summary.contents["states"] == 4
    assert summary.contents["persons"] == 7
    assert summary.contents["sources"] >= 3  # with the subclasses today's ontology gives cg:Source
    assert summary.contents["evidence"] > 39  # at least one a fact, K1–K17 and C1–C22
    assert summary.schemes >= 8 and summary.concepts > summary.schemes
    answered = {row["instrument"]["value"] for row in result.answer["results"]["bindings"]}
    assert answered == {
        ID + "instrument/sg-kz-mla-2025",
        ID + "instrument/kh-sg-mou-2025",
        ID + "instrument/sg-xc-mla-2026",
        ID + "instrument/sg-xc-assistance-2004",
    }


def test_the_shipped_graph_passes_the_check_whatever_it_holds() -> None:
    """Invariants of the live data: it conforms, every file is a named graph, and the answer lists the two
    agreements of the sources the project starts from, among any others."""
    result = check()
    summary = result.summary
    assert result.report.conforms, result.report.to_text()
    assert len(summary.graphs) == len(resources.graph_files())
    assert summary.contents["instruments"] >= 2 and summary.contents["states"] >= 3
    answered = {row["instrument"]["value"] for row in result.answer["results"]["bindings"]}
    assert {ID + "instrument/sg-kz-mla-2025", ID + "instrument/kh-sg-mou-2025"} <= answered


def test_check_command_prints_tree_size_contents_validation_and_an_answer() -> None:
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in ("Tree: ", "triples", "data/instruments/sg-kz-mla-2025.ttl", "instruments", "conforms"):
        assert expected in out
    assert "Kazakhstan" in out.split("(query instruments-between-states)")[1]
    assert "Traceback" not in result.stderr


def test_check_command_on_the_fixture_data() -> None:
    result = run(COOPGRAPH_DATA=str(FIXTURE_DATA))
    assert result.returncode in (0, 1), result.stderr
    graphs, holds = result.stdout.split("What it holds", 1)
    assert "data/instruments/sg-xc-mla-2026.ttl" in graphs and "data/instruments/sg-kz-mla-2025.ttl" in graphs
    assert "│ instruments" in holds and "│ 4 " in holds
    assert "Fixtureland" in holds.split("(query instruments-between-states)")[1]
    assert "Traceback" not in result.stderr


def test_check_says_which_tree_it_used_and_how_to_change_it(tmp_path: Path) -> None:
    here = run(cwd=resources.root())
    assert here.returncode == 0, here.stderr
    assert f"Tree: {resources.root()} (the checkout the current directory is in)" in here.stdout
    assert "set COOPGRAPH_ROOT=DIR to use another tree" in here.stdout
    assert here.stderr == ""
    elsewhere = run(cwd=tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert (
        "no coopgraph checkout" in elsewhere.stdout and "run inside a coopgraph checkout" in elsewhere.stdout
    )
    named = run(cwd=tmp_path, COOPGRAPH_ROOT=str(resources.root()), COOPGRAPH_DATA=str(FIXTURE_DATA))
    assert named.returncode in (0, 1), named.stderr  # (whether the frozen data meets today's shapes)
    assert f"Tree: {resources.root()} (from COOPGRAPH_ROOT)" in named.stdout
    assert f"COOPGRAPH_DATA={FIXTURE_DATA}" in named.stdout and "unset COOPGRAPH_DATA" in named.stdout


def test_a_checkout_of_the_current_directory_wins_over_the_package(tmp_path: Path) -> None:
    """Another checkout (a copy with one more, non-conforming, instrument) is the one checked when the
    command runs in it: the file is listed and validated, not silently ignored."""
    checkout = tmp_path / "checkout"
    for kind in resources.KINDS:
        shutil.copytree(resources.root() / kind, checkout / kind)
    shutil.copyfile(resources.root() / "pyproject.toml", checkout / "pyproject.toml")
    shutil.copyfile(SHAPES / "parties_XFAIL.ttl", checkout / "data" / "instruments" / "parties.ttl")
    (checkout / "docs").mkdir()
    result = run(cwd=checkout / "docs")
    assert result.returncode == 1, result.stderr
    assert f"Tree: {checkout} (the checkout the current directory is in)" in result.stdout
    assert "data/instruments/parties.ttl" in result.stdout and "does not conform" in result.stdout


@pytest.mark.parametrize("variable", ["COOPGRAPH_ROOT", "COOPGRAPH_DATA"])
def test_a_tree_that_is_not_there_exits_2(tmp_path: Path, variable: str) -> None:
    result = run(**{variable: str(tmp_path / "nowhere")})
    assert result.returncode == 2
    assert result.stderr.startswith(f"coopgraph: error: {variable}={tmp_path / 'nowhere'}")
    assert "Traceback" not in result.stderr


def test_check_with_a_nonconforming_file_exits_1() -> None:
    fixture = next(SHAPES.glob("*_XFAIL.ttl"))
    result = run(str(fixture))
    assert result.returncode == 1
    assert "does not conform" in result.stdout


def test_check_with_malformed_turtle_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = run(str(bad))
    assert result.returncode == 2
    assert f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_shows_the_answer_by_labels_or_iris() -> None:
    """The answer names the instruments and partners; --iris shows their short forms instead. One row per
    instrument: Singapore–Kazakhstan, an agreement and a treaty, is listed once."""
    labelled = run(COOPGRAPH_DATA=str(FIXTURE_DATA), COLUMNS="400")
    answer = labelled.stdout.split("(query instruments-between-states)")[1]
    assert "Kazakhstan" in answer and "agreement; treaty" in answer and "cgid:" not in answer
    assert answer.count("Singapore–Kazakhstan Treaty") == 1 and answer.rstrip().endswith("4 rows")
    iris = run("--iris", COOPGRAPH_DATA=str(FIXTURE_DATA), COLUMNS="400")
    answer = iris.stdout.split("(query instruments-between-states)")[1]
    assert "cgid:instrument/sg-kz-mla-2025" in answer and "cgid:state/KZ" in answer
