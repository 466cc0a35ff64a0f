"""The benchmark generator (benchmarks/generate.py): its graph validates to exactly the results it predicts.

One small graph is generated (every kind of deliberate mutation once, the rest conforming) and validated as
``COOPGRAPH_DATA`` with the shipped ontology and shapes; the results must be exactly the rows the mutations
state. Every constraint of the shapes is broken by some kind, or listed in ``mutations.UNCOVERED`` with a
reason. The same seed gives the same bytes, and the extra file the generator writes beside the graph conforms.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from report_sets import reportable_constraints, result_key, result_set

from coopgraph.validate import shapes_graph, validate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402
import mutations  # noqa: E402

CGSH = "https://w3id.org/coopgraph/shapes#"
#: the smallest size asked for: the generator still writes one instrument per kind and one that conforms
TRIPLES = 1000


def local(shape: str, component: str) -> tuple[str, str]:
    """A constraint as mutations.py names it: the shape's local name and the component's without
    "ConstraintComponent" (``("BilateralInstrument-hasParty", "MaxCount")``)."""
    return shape.removeprefix(CGSH), component.rsplit("#", 1)[1].removesuffix("ConstraintComponent")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> generate.Generated:
    return generate.generate(TRIPLES, tmp_path_factory.mktemp("generated") / "data", seed=3)


def test_the_graph_gives_exactly_the_expected_results(generated, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COOPGRAPH_DATA", str(generated.out))
    report = validate(shipped=True)
    got, expected = result_set(report.results), result_set(generated.expected)
    assert got == expected, (
        f"unexpected: {sorted(got - expected, key=str)}; missing: {sorted(expected - got, key=str)}"
    )
    assert report.triples == generated.triples
    severities = {result_key(result): result.severity for result in report.results}
    assert all(severities[result_key(row)] == row["severity"] for row in generated.expected)


def test_the_new_file_conforms_with_the_graph(generated, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COOPGRAPH_DATA", str(generated.out))
    assert generated.new_file.parent == generated.out.parent
    report = validate([generated.new_file])
    assert result_set(report.results) == result_set(generated.expected)
    assert report.triples > generated.triples


def test_every_kind_is_used_and_every_constraint_is_broken_or_listed(generated):
    """The constraints the expected rows name (each kind's own and those that come with it) and those
    ``mutations.UNCOVERED`` lists are, together, every constraint of the shapes, and do not overlap."""
    shapes = {local(*pair) for pair in reportable_constraints(shapes_graph())}
    stated = {local(row["shape"], row["component"]) for row in generated.expected}
    aimed = {(kind.shape, kind.component) for kind in mutations.KINDS}
    assert aimed <= stated, f"kinds whose constraint no expected row names: {sorted(aimed - stated)}"
    assert stated <= shapes, f"rows naming no constraint of the shapes: {sorted(stated - shapes)}"
    listed = set(mutations.UNCOVERED)
    assert not stated & listed, f"listed as uncovered but broken: {sorted(stated & listed)}"
    assert listed <= shapes, f"listed but not a constraint of the shapes: {sorted(listed - shapes)}"
    assert shapes <= stated | listed, f"neither broken nor listed: {sorted(shapes - stated - listed)}"
    assert all(reason.strip() for reason in mutations.UNCOVERED.values())
    assert len({kind.name for kind in mutations.KINDS}) == len(mutations.KINDS)


def test_the_same_seed_gives_the_same_bytes(generated, tmp_path: Path):
    again = generate.generate(TRIPLES, tmp_path / "data", seed=3)
    names = [path.relative_to(generated.out) for path in generated.files]
    assert names == [path.relative_to(again.out) for path in again.files]
    for name in names:
        assert (generated.out / name).read_bytes() == (again.out / name).read_bytes(), name
    assert generated.new_file.read_bytes() == again.new_file.read_bytes()
    assert generated.expected == again.expected
    other = generate.generate(TRIPLES, tmp_path / "other", seed=4)
    assert [p.read_bytes() for p in other.files] != [(generated.out / n).read_bytes() for n in names]


def test_the_graph_is_realistic(generated):
    """Every instrument has its own file; officials sign a few instruments each, one hub signs more."""
    instruments = [p for p in generated.files if p.parent.name == "instruments"]
    assert len(instruments) >= len(mutations.KINDS) + 1
    signatories: dict[str, int] = {}
    for path in instruments:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("cg:signatory "):
                for person in line.strip().removeprefix("cg:signatory ").rstrip(" ;").split(" , "):
                    signatories[person] = signatories.get(person, 0) + 1
    counts = sorted(signatories.values())
    assert counts[len(counts) // 2] <= 3, counts
