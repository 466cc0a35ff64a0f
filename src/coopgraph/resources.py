"""Find the shipped ontology, data, shapes and queries, inside the wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

KINDS = ("ontology", "data", "shapes", "queries")

_PACKAGE_DIR = Path(__file__).resolve().parent


def root() -> Path:
    """The directory that holds ``ontology/``, ``data/``, ``shapes/`` and ``queries/``.

    An installed wheel carries them under ``coopgraph/_shipped``; a source checkout (or an editable
    install) has them at the top of the repository, two levels above this package.
    """
    shipped = _PACKAGE_DIR / "_shipped"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"coopgraph cannot find its ontology: neither {shipped} nor {checkout} holds one")


def directory(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return root() / kind


def shipped_files(kind: str, pattern: str = "*.ttl") -> list[Path]:
    """The shipped files of one kind, sorted, searched recursively (``data/`` has sub-folders)."""
    return sorted(directory(kind).rglob(pattern))


def graph_files() -> list[Path]:
    """Every Turtle file that makes up the shipped graph: the ontology and the data."""
    return shipped_files("ontology") + shipped_files("data")
