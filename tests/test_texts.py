"""Quotes checked against local copies of sources: a source whose text cannot be committed names its copy
(cg:localCopy); `coopgraph validate --sources DIR` reads it, and the same shape checks the quotes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.texts import paragraphs
from coopgraph.validate import validate

SOURCE = """\
PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX source: <https://w3id.org/coopgraph/id/source/>
PREFIX paragraph: <https://w3id.org/coopgraph/id/source/fixture-kept-locally/>
PREFIX evidence: <https://w3id.org/coopgraph/id/evidence/>

source:fixture-kept-locally a cg:Source ;
    rdfs:label "a fixture source kept only as a local copy"@en ;
    cg:localCopy "fixture-copy.txt" .

paragraph:p1 a cg:Paragraph ;
    rdfs:label "paragraph 1 of the fixture source"@en ;
    cg:paragraphNumber 1 ;
    cg:paragraphOf source:fixture-kept-locally .

evidence:fixture-true-quote a cg:Evidence ;
    rdfs:label "a quote the copy has"@en ;
    cg:inSource source:fixture-kept-locally ;
    cg:inParagraph paragraph:p1 ;
    cg:quote "signed an agreement" .

evidence:fixture-false-quote a cg:Evidence ;
    rdfs:label "a quote the copy does not have"@en ;
    cg:inSource source:fixture-kept-locally ;
    cg:inParagraph paragraph:p1 ;
    cg:quote "signed a treaty" .
"""
COPY = "Dateline, 1 January 2025\nThe two  ministers <b>signed</b> an agreement &amp; a protocol.\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "kept-locally.ttl"
    data.write_text(SOURCE, encoding="utf-8")
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "fixture-copy.txt").write_text(COPY, encoding="utf-8")
    return data, copies


def quote_results(report) -> set[tuple[str, str, str]]:
    return {
        (r.focus.rsplit("/", 1)[1], r.shape.rsplit("#", 1)[1], r.severity.rsplit("#", 1)[1])
        for r in report.results
        if "quote" in r.shape
    }


def test_the_documented_rule_cuts_plain_text_and_markdown(tmp_path: Path):
    text = tmp_path / "a.txt"
    text.write_text("Title line\n\n  First  paragraph.\nSecond&nbsp;one <i>here</i>.\n", encoding="utf-8")
    assert paragraphs(text) == {0: "Title line", 1: "First paragraph.", 2: "Second one here."}
    markdown = tmp_path / "a.md"
    markdown.write_text('---\ntitle: T\n---\n{:start="1"}\n1.&nbsp;One.\n\n2.&nbsp;Two\n', encoding="utf-8")
    assert paragraphs(markdown) == {0: "--- title: T ---", 1: "One.", 2: "Two"}


def test_without_the_copy_the_quotes_are_warnings(files):
    data, _ = files
    report = validate([data])
    assert quote_results(report) == {
        ("fixture-true-quote", "Evidence-quoteChecked", "Warning"),
        ("fixture-false-quote", "Evidence-quoteChecked", "Warning"),
    }


def test_with_the_copy_a_false_quote_is_a_violation_naming_quote_and_paragraph(files):
    data, copies = files
    report = validate([data], sources=copies)
    assert quote_results(report) == {("fixture-false-quote", "Evidence-quoteInParagraph", "Violation")}
    [result] = [r for r in report.results if r.shape.endswith("Evidence-quoteInParagraph")]
    assert result.value == '"signed a treaty"'
    assert "fixture-kept-locally/p1" in result.message
    assert result.file == str(data)


def test_the_command_reads_copies_from_sources_or_the_environment(files):
    data, copies = files
    command = [sys.executable, "-m", "coopgraph", "validate", "--format", "json"]
    by_option = subprocess.run(
        [*command, "--sources", str(copies), str(data)], capture_output=True, text=True
    )
    environment = {**os.environ, "COOPGRAPH_SOURCES": str(copies)}
    by_env = subprocess.run([*command, str(data)], capture_output=True, text=True, env=environment)
    for done in (by_option, by_env):
        assert done.returncode == 1, done.stderr
        assert "signed a treaty" in done.stdout and "Evidence-quoteChecked" not in done.stdout
    missing = subprocess.run(
        [*command, "--sources", str(copies / "nowhere"), str(data)], capture_output=True, text=True
    )
    assert missing.returncode == 2
    assert "nowhere" in missing.stderr and "Traceback" not in missing.stderr
