"""HTML documentation of the ontology, generated with pyLODE by ``coopgraph docs``."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Namespace

from coopgraph import resources
from coopgraph.docs import ONTOLOGY_IRI, DocsError, build_docs, ontology_graph

OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CG = "https://w3id.org/coopgraph/ontology#"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    output = tmp_path_factory.mktemp("docs") / "html"
    result = subprocess.run(
        [sys.executable, "-m", "coopgraph", "docs", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output / 'index.html'}"
    return html.unescape((output / "index.html").read_text(encoding="utf-8"))


# pyLODE's section of a class: its label as heading, marked "c", then a table starting with the IRI.
CLASS_SECTION = re.compile(
    r'<h3>([^<]*?)\s*<sup class="sup-c"[^>]*>c</sup>\s*</h3>\s*'
    r"<table>\s*<tr>\s*<th>IRI</th>\s*<td>\s*<code>([^<]*)</code>"
)


def test_every_class_is_named_by_its_label(page: str) -> None:
    graph = ontology_graph()
    labels = {
        str(c): str(graph.value(c, RDFS.label))
        for c in graph.subjects(RDF.type, OWL.Class)
        if str(c).startswith(CG)
    }
    assert labels
    headings = {iri: heading.strip() for heading, iri in CLASS_SECTION.findall(page)}
    assert {iri: headings.get(iri) for iri in labels} == labels


def test_page_has_the_core_title_once(page: str) -> None:
    title = str(ontology_graph().value(ONTOLOGY_IRI, DCTERMS.title))
    assert re.search(r"<title>\s*" + re.escape(title) + r"\s*</title>", page)
    assert [h.strip() for h in re.findall(r"<h1>([^<]*)</h1>", page)] == [title]


def test_only_the_core_header_is_kept() -> None:
    graph = ontology_graph()
    assert list(graph.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]
    assert len(resources.shipped_files("ontology")) >= 1


def test_ontology_without_the_core_header_is_an_error(tmp_path: Path) -> None:
    ontology = tmp_path / "other.ttl"
    ontology.write_text(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n<https://example.org/other> a owl:Ontology .\n",
        encoding="utf-8",
    )
    with pytest.raises(DocsError, match="no ontology header"):
        build_docs(tmp_path / "html", files=[ontology])
