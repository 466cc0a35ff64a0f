"""What many test modules share: the frozen fixture dataset the answers, counts and outputs are tested on.

``tests/fixtures/graph/data/`` is a snapshot of ``data/`` plus one fictional instrument; the canned queries'
expected results on it are ``tests/fixtures/graph/expected/NAME.srj`` (see ``queries/README.md``). A module
that asserts what the graph holds takes :func:`fixture_data`, which points ``COOPGRAPH_DATA`` at the snapshot
for the module's library calls and for the commands it starts, so that a new agreement in ``data/`` changes
no outcome. :func:`ontology` is the shipped ontology (coopgraph.ttl and alignments.ttl) in one graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from coopgraph import resources

FIXTURE_GRAPH = Path(__file__).parent / "fixtures" / "graph"
FIXTURE_DATA = FIXTURE_GRAPH / "data"
FIXTURE_EXPECTED = FIXTURE_GRAPH / "expected"


@pytest.fixture(scope="module")
def fixture_data() -> Iterator[Path]:
    """``COOPGRAPH_DATA`` = the fixture data, for the module's tests (subprocesses inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COOPGRAPH_DATA", str(FIXTURE_DATA))
        yield FIXTURE_DATA


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in resources.shipped_files("ontology"):
        graph.parse(path, format="turtle")
    return graph
