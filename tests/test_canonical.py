"""Committed Turtle is canonical: exactly what rdflib's longturtle serialiser writes (``coopgraph fmt``).

Checked: every shipped file (``ontology/``, ``data/``, ``shapes/``) and the Turtle fixtures of
``tests/reasoning/``, ``tests/quality/fixtures/`` and ``tests/fixtures/graph/data/`` (a snapshot of
``data/``). Other tests' fixtures are not: some are broken on purpose. Also shown: the canonical form is
unique for a graph (the order of the input does not matter), stable (same bytes in another process), a
fixed point, and never changes a literal.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from coopgraph import canonical, resources
from coopgraph.canonical import canonical_turtle
from coopgraph.load import LoadError

TESTS = Path(__file__).parent
FIXTURES = (
    sorted((TESTS / "reasoning").glob("*.ttl"))
    + sorted((TESTS / "quality" / "fixtures").glob("*.ttl"))
    + sorted((TESTS / "fixtures" / "graph" / "data").rglob("*.ttl"))
)
COMMITTED = canonical.shipped_turtle_files() + FIXTURES

BLANK_NODES = """
PREFIX : <https://example.org/toy#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

:Person a owl:Class ; rdfs:label "person"@en ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :holds ; owl:allValuesFrom :Post ] ,
                  [ a owl:Restriction ; owl:onProperty :name ; owl:someValuesFrom xsd:string ] .
[] a owl:AllDisjointClasses ; owl:members ( :Person :State :Post ) .
[] a owl:AllDisjointClasses ; owl:members ( :Person :Post ) .
:holds rdfs:range [ owl:unionOf ( :Post :State ) ] .
:a :signedOn "2025-09-08+08:00"^^xsd:date ; :amount "1.50"^^xsd:decimal .
"""


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def n_triples(turtle: str) -> list[str]:
    """The triples as N-Triples lines, literals as written (Oxigraph does not normalise them)."""
    triples = pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE)
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode().strip().splitlines()


def relative(path: Path) -> str:
    return str(path.relative_to(resources.root())) if path.is_relative_to(resources.root()) else str(path)


@pytest.mark.parametrize("path", COMMITTED, ids=[relative(p) for p in COMMITTED])
def test_committed_turtle_is_canonical(path: Path) -> None:
    result = canonical.check_files([path])[0]
    if not result.canonical:
        diff = result.diff()
        shown = diff if len(diff) < 4000 else diff[:4000] + "\n[…]"
        pytest.fail(f"{relative(path)} is not canonical; run `coopgraph fmt {relative(path)}`:\n{shown}")


def test_there_are_shipped_turtle_files() -> None:
    kinds = {path.relative_to(resources.root()).parts[0] for path in canonical.shipped_turtle_files()}
    assert {"ontology", "data"} <= kinds


def test_input_order_does_not_matter() -> None:
    """Blank nodes (restrictions, disjointness axioms, lists) land in one place whatever the input order."""
    wanted = canonical_turtle(BLANK_NODES)
    prefixes = [line for line in wanted.splitlines() if line.startswith("PREFIX")]
    triples = n_triples(BLANK_NODES)
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        assert canonical_turtle("\n".join(prefixes + triples) + "\n") == wanted


def test_shipped_ontology_in_any_order_has_one_canonical_form() -> None:
    path = resources.shipped_files("ontology")[0]
    wanted = canonical_turtle(path)
    prefixes = [line for line in wanted.splitlines() if line.startswith("PREFIX")]
    triples = n_triples(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(triples)
    assert canonical_turtle("\n".join(prefixes + triples) + "\n") == wanted


def test_canonical_form_is_a_fixed_point() -> None:
    once = canonical_turtle(BLANK_NODES)
    assert canonical_turtle(once) == once
    assert "[]" in once and "(\n" in once  # blank nodes and lists are written inline, not as _:labels
    assert "_:" not in once


def test_same_bytes_in_another_process() -> None:
    code = "\n".join(
        [
            "import sys",
            "from coopgraph.canonical import canonical_turtle",
            "print(canonical_turtle(sys.stdin.read()), end='')",
        ]
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code],
            input=BLANK_NODES,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert outputs == {canonical_turtle(BLANK_NODES)}


def test_literals_keep_their_lexical_form() -> None:
    """rdflib would normalise these (dropping the date's timezone): the formatter must not change data."""
    text = canonical_turtle(BLANK_NODES)
    assert '"2025-09-08+08:00"^^xsd:date' in text
    assert ":amount 1.50 ;" in text


def test_a_number_written_bare_settles_at_once() -> None:
    """``"007"^^xsd:integer`` is written bare and reads back as 7: the first pass already gives 7."""
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    once = canonical_turtle(f'PREFIX ex: <https://example.org/ex#>\nex:a ex:count "007"^^{integer} .\n')
    assert "ex:count 7 ;" in once
    assert canonical_turtle(once) == once


def test_only_used_prefixes_are_declared() -> None:
    declarations = "PREFIX unused: <https://example.org/unused#>\nPREFIX ex: <https://example.org/ex#>\n"
    text = canonical_turtle(declarations + "ex:a ex:b ex:c .\n")
    assert text.splitlines()[0] == "PREFIX ex: <https://example.org/ex#>"
    assert "unused" not in text


def test_non_canonical_file_is_detected_and_fixed(tmp_path: Path) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(BLANK_NODES, encoding="utf-8")
    path.chmod(0o644)
    [result] = canonical.check_files([path])
    assert not result.canonical
    assert "+[]    a owl:AllDisjointClasses ;" in result.diff()

    checked = run("fmt", "--check", str(path))
    assert checked.returncode == 1
    assert checked.stdout.strip() == f"not canonical: {path}"
    assert path.read_text(encoding="utf-8") == BLANK_NODES  # --check writes nothing

    assert "+    rdfs:subClassOf " in run("fmt", "--check", "--diff", str(path)).stdout

    fixed = run("fmt", str(path))
    assert fixed.returncode == 0, fixed.stderr
    assert path.read_text(encoding="utf-8") == canonical_turtle(BLANK_NODES)
    assert path.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.ttl"]  # no temporary file left
    assert run("fmt", "--check", str(tmp_path)).returncode == 0


def test_broken_file_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    good = tmp_path / "a-good.ttl"
    good.write_text(BLANK_NODES, encoding="utf-8")
    broken = tmp_path / "b-broken.ttl"
    broken.write_text("PREFIX ex: <https://example.org/ex#>\nex:a ex:b .\n", encoding="utf-8")
    result = run("fmt", str(tmp_path))
    assert result.returncode == 2
    assert f"{broken}:2:" in result.stderr and "Traceback" not in result.stderr
    assert good.read_text(encoding="utf-8") == BLANK_NODES


def test_text_with_a_syntax_error_names_its_place() -> None:
    with pytest.raises(LoadError) as caught:
        canonical_turtle("PREFIX ex: <https://example.org/ex#>\n\nex:a ex:b ex:c ex:d .\n")
    assert caught.value.file == "<text>" and caught.value.line == 3


def test_fmt_check_of_the_shipped_files_lists_what_is_not_canonical() -> None:
    result = run("fmt", "--check")
    wrong = [r.path for r in canonical.check_files(canonical.shipped_turtle_files()) if not r.canonical]
    assert result.returncode == (1 if wrong else 0), result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        [f"not canonical: {path}" for path in wrong]
        or [f"{len(canonical.shipped_turtle_files())} file(s) canonical"]
    )
