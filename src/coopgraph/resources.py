"""Find the ontology, data, shapes and queries coopgraph works on: which tree, and why.

:func:`locate` is the one place that decides, in this order:

1. ``COOPGRAPH_ROOT``, when set: a directory holding ``ontology/``, ``data/``, ``shapes/`` and ``queries/``;
2. the checkout the current directory is in (it, or one of its parents, holds a ``pyproject.toml`` whose
   ``[project]`` name is ``coopgraph`` and an ``ontology/`` directory), even when the package itself is a
   non-editable install, so that a file copied into the checkout's ``data/`` counts at once;
3. the package's own copy: ``coopgraph/_shipped`` in an installed wheel, or the checkout an editable install
   points at.

``COOPGRAPH_DATA``, when set, is a directory used instead of the chosen tree's ``data/`` (the tests point it
at their frozen fixture data, ``tests/fixtures/graph/data``). Both variables are read at each call, and a
relative path is taken from the current directory.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import NamedTuple

from coopgraph.errors import InputError

KINDS = ("ontology", "data", "shapes", "queries")
ROOT_VARIABLE = "COOPGRAPH_ROOT"
DATA_VARIABLE = "COOPGRAPH_DATA"

#: Why a tree was chosen (:attr:`Tree.reason`).
FROM_VARIABLE, FROM_CHECKOUT, FROM_PACKAGE = ROOT_VARIABLE, "checkout", "package"

_PACKAGE_DIR = Path(__file__).resolve().parent


class TreeError(InputError, FileNotFoundError):
    """The tree coopgraph was told to use (``COOPGRAPH_ROOT``, ``COOPGRAPH_DATA``) or its own is missing."""


class Tree(NamedTuple):
    """The directory that holds the four folders, and why it is the one used."""

    root: Path
    reason: str  # FROM_VARIABLE, FROM_CHECKOUT or FROM_PACKAGE


def _variable(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _is_coopgraph_project(pyproject: Path) -> bool:
    """Whether ``pyproject.toml``'s ``[project]`` table names ``coopgraph`` (read once per version of the
    file: every path coopgraph resolves asks which tree it is in)."""
    try:
        stat = pyproject.stat()
    except OSError:
        return False
    return _names_coopgraph(str(pyproject), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _names_coopgraph(pyproject: str, mtime_ns: int, size: int) -> bool:
    try:
        text = Path(pyproject).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        import tomllib
    except ImportError:  # Python 3.10: read the one key we need from the [project] table
        table = re.search(r"^\[project\][ \t]*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
        name = table and re.search(r"""^name\s*=\s*["']([^"']+)["']""", table.group(1), re.MULTILINE)
        return bool(name) and name.group(1) == "coopgraph"
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(project, dict) and project.get("name") == "coopgraph"


def checkout_of(directory: Path) -> Path | None:
    """The coopgraph checkout that holds ``directory`` (it or one of its parents), if any."""
    directory = directory.resolve()
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and (candidate / "ontology").is_dir() and _is_coopgraph_project(pyproject):
            return candidate
    return None


def _package_copy() -> Path:
    shipped = _PACKAGE_DIR / "_shipped"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE_DIR.parent.parent  # src/coopgraph → the repository of an editable install
    if (checkout / "ontology").is_dir():
        return checkout
    raise TreeError(f"coopgraph cannot find its ontology: neither {shipped} nor {checkout} holds one")


def locate() -> Tree:
    """Which tree is used and why: ``COOPGRAPH_ROOT``, else the current directory's checkout, else the
    package's copy. :class:`TreeError` if ``COOPGRAPH_ROOT`` names a directory without the four folders."""
    named = _variable(ROOT_VARIABLE)
    if named is not None:
        tree = " ".join(f"{kind}/" for kind in KINDS)
        if not named.is_dir():
            raise TreeError(
                f"{ROOT_VARIABLE}={named} is not a directory (name a tree with {tree}, or unset it)"
            )
        needed = [kind for kind in KINDS if not (kind == "data" and _variable(DATA_VARIABLE))]
        missing = [f"{kind}/" for kind in needed if not (named / kind).is_dir()]
        if missing:
            holds = ", ".join(missing)
            raise TreeError(
                f"{ROOT_VARIABLE}={named} holds no {holds} (name a tree with {tree}, or unset it)"
            )
        return Tree(named, FROM_VARIABLE)
    try:
        here = Path.cwd()
    except OSError:  # the current directory was removed
        here = None
    checkout = checkout_of(here) if here is not None else None
    if checkout is not None:
        return Tree(checkout, FROM_CHECKOUT)
    return Tree(_package_copy(), FROM_PACKAGE)


def root() -> Path:
    """The directory holding ``ontology/``, ``data/``, ``shapes/`` and ``queries/`` (see :func:`locate`)."""
    return locate().root


def data_directory() -> Path:
    """The data folder: ``COOPGRAPH_DATA`` when set, else the tree's ``data/``."""
    named = _variable(DATA_VARIABLE)
    if named is None:
        return root() / "data"
    if not named.is_dir():
        raise TreeError(f"{DATA_VARIABLE}={named} is not a directory (unset it to use the tree's data/)")
    return named


def directory(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return data_directory() if kind == "data" else root() / kind


def shipped_files(kind: str, pattern: str = "*.ttl") -> list[Path]:
    """The files of one kind in the tree used, sorted, searched recursively (``data/`` has sub-folders)."""
    return sorted(directory(kind).rglob(pattern))


def graph_files() -> list[Path]:
    """Every Turtle file that makes up the graph: the ontology and the data."""
    return shipped_files("ontology") + shipped_files("data")


# --- saying which tree, for people --------------------------------------------------------------------------


def describe(tree: Tree | None = None) -> str:
    """The tree used and why, e.g. ``/src/coopgraph (the checkout the current directory is in)``, with the
    data folder when ``COOPGRAPH_DATA`` replaces it."""
    tree = tree or locate()
    if tree.reason == FROM_VARIABLE:
        why = f"from {ROOT_VARIABLE}"
    elif tree.reason == FROM_CHECKOUT:
        why = "the checkout the current directory is in"
    elif tree.root.name == "_shipped":
        why = "the installed package's copy: the current directory is in no coopgraph checkout"
    else:
        why = "the checkout coopgraph is installed from: the current directory is in no coopgraph checkout"
    text = f"{tree.root} ({why})"
    data = _variable(DATA_VARIABLE)
    if data is not None:
        text += f", with the data of {DATA_VARIABLE}={data}"
    return text


def how_to_change(tree: Tree | None = None) -> str:
    """What a person does to use another tree."""
    tree = tree or locate()
    if tree.reason == FROM_VARIABLE:
        hint = f"unset {ROOT_VARIABLE} to use the current directory's checkout or the installed copy"
    elif tree.reason == FROM_CHECKOUT:
        hint = f"set {ROOT_VARIABLE}=DIR to use another tree"
    else:
        hint = f"run inside a coopgraph checkout, or set {ROOT_VARIABLE}=DIR, to use another tree"
    if _variable(DATA_VARIABLE) is not None:
        hint += f"; unset {DATA_VARIABLE} to use the tree's own data/"
    return hint


def notice() -> str | None:
    """One line saying which tree a command used, or ``None`` when it is simply the current directory's
    checkout (what a person working in it expects) and ``COOPGRAPH_DATA`` is not set."""
    tree = locate()
    data_directory()  # TreeError when COOPGRAPH_DATA is no directory: nothing was used
    if tree.reason == FROM_CHECKOUT and _variable(DATA_VARIABLE) is None:
        return None
    return f"coopgraph: used {describe(tree)}; {how_to_change(tree)}"
