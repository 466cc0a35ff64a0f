"""HTML documentation of the ontology, generated with pyLODE by ``coopgraph docs``.

The page is made once with this Python; the ``pythons`` tests (``make test-pythons``, run by ``.ci/run``)
make it again in a fresh virtual environment on the oldest Python coopgraph supports and on the newest this
machine has (``python3.M`` on PATH or a pyenv build), each with the ``docs`` extra as pip resolves it there:
a pyLODE release that does not import on a newer Python shows up here, as does one that orders the page
differently.
"""

from __future__ import annotations

import html
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

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


def assert_own_classes_first(page: str) -> None:
    """Every class of the cg: namespace has its section before every external class's (schema.org, FOAF...),
    and the aligned classes of alignments.ttl are on the page too."""
    iris = [iri for _, iri in CLASS_SECTION.findall(page)]
    own = [iri for iri in iris if iri.startswith(CG)]
    alignments = Graph().parse(resources.directory("ontology") / "alignments.ttl", format="turtle")
    aligned = {str(c) for c in alignments.subjects(RDF.type, OWL.Class) if not str(c).startswith(CG)}
    assert own and aligned and aligned <= set(iris), "the page should show both kinds of class"
    assert iris[: len(own)] == own, f"an external class comes before {CG}: {iris[: len(own)]}"
    assert own == sorted(own)


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


def test_own_classes_come_before_the_aligned_external_ones(page: str) -> None:
    assert_own_classes_first(page)


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


# --- the docs extra on the oldest and the newest Python (slow: a virtual environment each) ------------------


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without what would point a command at this checkout or its venv."""
    unset = ("VIRTUAL_ENV", "PYTHONPATH", "COOPGRAPH_ROOT", "COOPGRAPH_DATA")
    return {key: value for key, value in os.environ.items() if key not in unset} | variables


def python_version(python: str) -> tuple[int, int] | None:
    """(major, minor) of an interpreter, or None when it does not run (as a pyenv shim of another version)."""
    code = "import sys; print(*sys.version_info[:2])"
    try:
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return tuple(map(int, done.stdout.split())) if done.returncode == 0 else None


def pythons() -> dict[tuple[int, int], str]:
    """This machine's Python 3 interpreters, one per minor version: ``python3.M`` on PATH, else pyenv's."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python3.{minor}") for minor in range(8, 30)]
    candidates += sorted(str(path) for path in pyenv.glob("3.*/bin/python3"))
    found: dict[tuple[int, int], str] = {}
    for python in filter(None, candidates):
        version = python_version(python)
        if version and version not in found:
            found[version] = python
    return found


def oldest_supported() -> tuple[int, int]:
    """The oldest Python that coopgraph's ``requires-python`` admits."""
    requires = importlib.metadata.metadata("coopgraph")["Requires-Python"]
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)", requires.strip())
    assert match, f"requires-python {requires!r} is not of the form >=3.M"
    return int(match[1]), int(match[2])


@pytest.fixture(scope="module")
def docs_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``docs_venv("oldest" | "newest")``: the bin/ directory of a fresh virtual environment on that Python
    with this checkout and its ``docs`` extra installed (made once per Python)."""
    found = pythons()
    oldest = oldest_supported()
    made: dict[tuple[int, int], Path] = {}

    def make(which: str) -> Path:
        supported = sorted(version for version in found if version >= oldest)
        if oldest not in found:
            pytest.skip(f"no Python {'.'.join(map(str, oldest))} here (python3.M on PATH or pyenv)")
        version = supported[0] if which == "oldest" else supported[-1]
        if version not in made:
            venv = tmp_path_factory.mktemp(f"docs-python{version[0]}.{version[1]}")
            created = subprocess.run([found[version], "-m", "venv", venv], capture_output=True, text=True)
            assert created.returncode == 0, created.stderr
            install = [
                venv / "bin" / "python",
                "-m",
                "pip",
                "install",
                "--quiet",
                f"{resources.root()}[docs]",
            ]
            result = subprocess.run(install, capture_output=True, text=True, env=clean_env(), timeout=900)
            assert result.returncode == 0, result.stdout + result.stderr
            made[version] = venv / "bin"
        return made[version]

    return make


@pytest.mark.pythons
@pytest.mark.parametrize("which", ["oldest", "newest"])
def test_docs_extra_builds_the_page(which: str, docs_venv: Callable[[str], Path], tmp_path: Path) -> None:
    bin_dir = docs_venv(which)
    output = tmp_path / "html"
    command = [bin_dir / "coopgraph", "docs", "--output", output]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output / 'index.html'}"
    assert_own_classes_first(html.unescape((output / "index.html").read_text(encoding="utf-8")))


@pytest.mark.pythons
def test_a_pylode_that_does_not_import_is_named_with_its_error(
    docs_venv: Callable[[str], Path], tmp_path: Path
) -> None:
    """What the unpinned extra gave on Python 3.12 and later: pyLODE 3.6 beside kurra 3.1.1, which no longer
    has the function pyLODE imports. The message names that import error, not a package to install."""
    bin_dir = docs_venv("newest")
    if python_version(str(bin_dir / "python")) < (3, 12):
        pytest.skip("pyLODE 3.4.2 and later need Python 3.12")
    shadow = tmp_path / "kurra-3.1.1"
    install = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--target", shadow]
    installed = subprocess.run([*install, "kurra==3.1.1"], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = [bin_dir / "coopgraph", "docs", "--output", tmp_path / "html"]
    env = clean_env(PYTHONPATH=str(shadow))
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert result.returncode == 2
    assert "does not import: ImportError: cannot import name 'get_missing_labels'" in result.stderr
    assert "kurra 3.1.1 is installed" in result.stderr and "pylode/utils.py:" in result.stderr
    assert "pip install" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "html").exists()
