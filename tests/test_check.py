"""`coopgraph check`, the main job: what the graph holds, whether it conforms, and one answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coopgraph.check import check

SHAPES = Path(__file__).parent / "shapes"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", "check", *args], capture_output=True, text=True, timeout=300
    )


def test_check_counts_what_the_shipped_graph_holds():
    result = check()
    summary = result.summary
    assert result.report.conforms
    assert summary.triples == sum(summary.graphs.values()) > 1000
    assert summary.contents["instruments"] == 2
    assert summary.contents["states"] == 3
    assert summary.contents["persons"] == 5
    assert summary.contents["sources"] >= 2
    assert summary.contents["evidence"] > 39  # at least one a fact, K1–K17 and C1–C22
    assert summary.schemes >= 8 and summary.concepts > summary.schemes
    answered = {row["instrument"]["value"] for row in result.answer["results"]["bindings"]}
    assert answered == {
        "https://w3id.org/coopgraph/id/instrument/sg-kz-mla-2025",
        "https://w3id.org/coopgraph/id/instrument/kh-sg-mou-2025",
    }


def test_check_command_prints_size_contents_validation_and_an_answer():
    result = run()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "triples",
        "data/instruments/sg-kz-mla-2025.ttl",
        "instruments",
        "conforms",
        "Kazakhstan",
    ):
        assert expected in out
    assert "Traceback" not in result.stderr


def test_check_with_a_nonconforming_file_exits_1():
    fixture = next(SHAPES.glob("*_XFAIL.ttl"))
    result = run(str(fixture))
    assert result.returncode == 1
    assert "does not conform" in result.stdout


def test_check_with_malformed_turtle_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = run(str(bad))
    assert result.returncode == 2
    assert f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.stderr
