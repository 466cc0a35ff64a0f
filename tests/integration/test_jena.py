"""A second SHACL engine on the same shapes: Apache Jena's `shacl validate` (Debian's libapache-jena-java)
gives the same results as `coopgraph validate` on the shipped graph and on every fixture of tests/shapes/.

The shapes are standard SHACL Core and SHACL-SPARQL, so any engine must enforce the same rules: this is the
test of that promise. Results are compared as sets of (focus, path, source shape, component), and must be
identical. Where pySHACL departs from the specification and Jena does not, coopgraph follows the
specification: the cases are in ``tests/shapes/pyshacl-differences.json`` (checked by tests/test_engine.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from coopgraph import resources
from coopgraph.load import load_files, union_graph
from coopgraph.validate import shapes_graph, validate
from coopgraph.vocab import SH

from .servers import unavailable

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import jena as jena_command  # noqa: E402

pytestmark = pytest.mark.integration

XFAIL_AND_PASS = sorted((Path(__file__).parents[1] / "shapes").glob("*.ttl"))


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs Jena's SHACL validator, with the class path Debian's packaging needs (built by
    benchmarks/jena.py, which the benchmark runs too)."""
    try:
        return jena_command.command(tmp_path_factory.mktemp("jena"))
    except FileNotFoundError as error:
        unavailable(str(error))
        raise


def _path(path: str | URIRef | None) -> str | None:
    """A result path for comparison: an IRI, or "complex" (engines write a complex path's RDF differently:
    Jena nests a sequence of alternatives where the shapes list them)."""
    if path is None or isinstance(path, URIRef) or str(path).startswith("http"):
        return None if path is None else str(path)
    return "complex"


def jena_results(jena: list[str], files: list[Path], tmp_path: Path) -> set[tuple]:
    data, shapes = tmp_path / "data.nt", tmp_path / "shapes.ttl"
    union_graph(load_files(resources.graph_files() + files)).serialize(data, format="nt", encoding="utf-8")
    shapes_graph().serialize(shapes, format="turtle")
    run = subprocess.run(
        jena_command.validate_command(jena, shapes, data), capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = Graph().parse(data=run.stdout, format="turtle")  # `shacl validate` exits 0 either way
    return {
        (
            str(report.value(result, SH.focusNode)),
            _path(report.value(result, SH.resultPath)),
            str(report.value(result, SH.sourceShape)),
            str(report.value(result, SH.sourceConstraintComponent)),
        )
        for result in report.objects(None, SH.result)
    }


def test_jena_finds_the_shipped_graph_conforming(jena: list[str], tmp_path: Path):
    assert jena_results(jena, [], tmp_path) == set()


def test_jena_gives_coopgraphs_results_on_every_fixture(jena: list[str], tmp_path: Path):
    ours = {(r.focus, _path(r.path), r.shape, r.component) for r in validate(XFAIL_AND_PASS).results}
    theirs = jena_results(jena, XFAIL_AND_PASS, tmp_path)
    assert len(ours) > 100
    assert ours == theirs, f"only coopgraph: {sorted(ours - theirs)}\nonly Jena: {sorted(theirs - ours)}"
