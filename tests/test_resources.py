"""coopgraph.resources: which ontology, data, shapes and queries are used, and why.

The order: ``COOPGRAPH_ROOT``, then the checkout the current directory is in, then the package's own copy;
``COOPGRAPH_DATA`` replaces the chosen tree's ``data/``. Named graphs keep the names of the shipped files.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from coopgraph import resources
from coopgraph.load import GRAPH_BASE, graph_iri_for
from coopgraph.stores import EmbeddedStore

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = CHECKOUT / "tests" / "fixtures" / "graph" / "data"


@pytest.fixture(autouse=True)
def no_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.ROOT_VARIABLE, raising=False)
    monkeypatch.delenv(resources.DATA_VARIABLE, raising=False)


def make_checkout(folder: Path, name: str = "coopgraph") -> Path:
    """A minimal tree: a pyproject.toml naming the project, and the four folders (one file each)."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(f'[build-system]\nx = 1\n\n[project]\nname = "{name}"\n')
    for kind in resources.KINDS:
        (folder / kind).mkdir()
    shutil.copyfile(CHECKOUT / "ontology" / "coopgraph.ttl", folder / "ontology" / "coopgraph.ttl")
    return folder


def test_inside_this_checkout_it_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CHECKOUT / "tests")
    assert resources.locate() == resources.Tree(CHECKOUT, resources.FROM_CHECKOUT)
    assert resources.notice() is None
    assert resources.describe() == f"{CHECKOUT} (the checkout the current directory is in)"


def test_another_checkout_wins_over_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = make_checkout(tmp_path / "clone")
    (other / "data" / "deep").mkdir()
    monkeypatch.chdir(other / "data" / "deep")
    assert resources.locate() == resources.Tree(other, resources.FROM_CHECKOUT)
    assert resources.directory("data") == other / "data"
    assert resources.shipped_files("ontology") == [other / "ontology" / "coopgraph.ttl"]


def test_a_project_of_another_name_is_no_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(make_checkout(tmp_path / "other", name="not-coopgraph"))
    tree = resources.locate()
    assert tree.reason == resources.FROM_PACKAGE and tree.root != tmp_path / "other"
    line = resources.notice()
    assert line is not None and line.startswith(f"coopgraph: used {tree.root} (")
    assert "no coopgraph checkout" in line and "set COOPGRAPH_ROOT=DIR" in line


def test_without_a_checkout_the_package_copy_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    tree = resources.locate()
    assert tree.reason == resources.FROM_PACKAGE
    assert (tree.root / "ontology").is_dir()
    assert tree.root.name == "_shipped" or tree.root == CHECKOUT  # a wheel, or this editable checkout


def test_coopgraph_root_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    named = make_checkout(tmp_path / "named")
    monkeypatch.chdir(CHECKOUT)
    monkeypatch.setenv(resources.ROOT_VARIABLE, str(named))
    assert resources.locate() == resources.Tree(named, resources.FROM_VARIABLE)
    assert resources.describe() == f"{named} (from COOPGRAPH_ROOT)"
    assert "unset COOPGRAPH_ROOT" in (resources.notice() or "")


def test_a_relative_coopgraph_root_is_taken_from_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_checkout(tmp_path / "named")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(resources.ROOT_VARIABLE, "named")
    assert resources.root() == tmp_path / "named"


def test_a_coopgraph_root_without_the_folders_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "ontology").mkdir()
    monkeypatch.setenv(resources.ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(resources.TreeError, match=r"holds no data/, shapes/, queries/"):
        resources.root()
    monkeypatch.setenv(resources.DATA_VARIABLE, str(FIXTURE_DATA))
    with pytest.raises(resources.TreeError, match=r"holds no shapes/, queries/"):
        resources.root()


def test_coopgraph_data_replaces_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CHECKOUT)
    monkeypatch.setenv(resources.DATA_VARIABLE, str(FIXTURE_DATA))
    assert resources.directory("data") == FIXTURE_DATA
    assert resources.directory("ontology") == CHECKOUT / "ontology"
    assert resources.shipped_files("data") == sorted(FIXTURE_DATA.rglob("*.ttl"))
    assert f"COOPGRAPH_DATA={FIXTURE_DATA}" in (resources.notice() or "")
    monkeypatch.setenv(resources.DATA_VARIABLE, str(FIXTURE_DATA / "nowhere"))
    with pytest.raises(resources.TreeError, match="is not a directory"):
        resources.directory("data")


def test_named_graphs_keep_the_names_of_the_shipped_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files under COOPGRAPH_DATA are named data/<their path inside it>, as the shipped files are."""
    monkeypatch.chdir(CHECKOUT)
    shipped = CHECKOUT / "data" / "instruments" / "sg-kz-mla-2025.ttl"
    fixture = FIXTURE_DATA / "instruments" / "sg-kz-mla-2025.ttl"
    name = GRAPH_BASE + "data/instruments/sg-kz-mla-2025"
    assert str(graph_iri_for(shipped)) == name
    monkeypatch.setenv(resources.DATA_VARIABLE, str(FIXTURE_DATA))
    assert str(graph_iri_for(fixture)) == name
    assert str(graph_iri_for(CHECKOUT / "ontology" / "coopgraph.ttl")) == GRAPH_BASE + "ontology/coopgraph"
    assert str(graph_iri_for("/somewhere/else/my-treaty.ttl")) == GRAPH_BASE + "user/my-treaty"


def test_a_tree_file_given_again_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CHECKOUT)
    monkeypatch.setenv(resources.DATA_VARIABLE, str(FIXTURE_DATA))
    again = FIXTURE_DATA / "reference" / "states.ttl"
    plain, twice = EmbeddedStore.shipped(), EmbeddedStore.shipped([again])
    assert twice.graphs() == plain.graphs()
    assert {g: twice.count(g) for g in twice.graphs()} == {g: plain.count(g) for g in plain.graphs()}


@pytest.mark.parametrize("tomllib", [True, False], ids=["tomllib", "python-3.10"])
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('[project]\nname = "coopgraph"\nversion = "1"\n', True),
        ("[project]\nversion = '1'\nname = 'coopgraph'\n\n[tool.x]\nname = 'other'\n", True),
        ('[project]\nname = "coopgraph-fork"\n', False),
        ('[tool.thing]\nname = "coopgraph"\n\n[project]\nname = "other"\n', False),
        ("[project\nname = ", False),
    ],
)
def test_the_project_name_is_read_from_pyproject(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tomllib: bool, text: str, found: bool
) -> None:
    if not tomllib:
        monkeypatch.setitem(sys.modules, "tomllib", None)  # import tomllib raises ImportError
    (tmp_path / "ontology").mkdir()
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert (resources.checkout_of(tmp_path) == tmp_path) is found
