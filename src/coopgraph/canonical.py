"""Canonical Turtle: committed Turtle is exactly what rdflib's ``longturtle`` serialiser writes.

The canonical form of a file is found by parsing it with :mod:`coopgraph.load`'s rules (so a broken file is
reported as ``file:line:column: reason``) and serialising the graph again with ``longturtle`` and
``canon=True``. What makes it stable and reviewable:

- ``canon=True`` relabels blank nodes by their content (``rdflib.compare.to_canonical_graph``) before
  writing, so the order of blank-node subjects and objects (restrictions, ``owl:AllDisjointClasses``)
  depends only on the graph, not on the order of the input. Without it, longturtle orders blank nodes by
  the labels the parser handed out, i.e. by where they stood in the input: two files with the same graph
  would have two "canonical" forms.
- Prefixes: the file's own ``PREFIX`` declarations plus rdflib's core ones (``owl``, ``rdf``, ``rdfs``,
  ``xsd``), and of those only the ones the output uses; rdflib's other default prefixes are not imposed on
  a file. A namespace used in predicate position without a declared prefix gets a generated ``ns1``-style
  prefix (better declare one).
- Literals keep the lexical form they were written with: rdflib's literal normalisation is off while
  formatting, so ``fmt`` never changes a value (normalising would turn ``"2025-09-08+08:00"^^xsd:date``
  into ``"2025-09-08"``, losing the timezone, and ``"1.50"^^xsd:decimal`` into ``1.5``). The one
  exception is a number longturtle writes bare that Turtle reads back otherwise (``"007"^^xsd:integer``
  is written ``007``, which reads as ``7``): the canonical form is the one a reparse keeps.
- longturtle sorts subjects, predicates (``a`` and ``rdfs:label`` first) and objects, writes one predicate a
  line and ends every subject block with a lone ``.``; it leaves a trailing space after a predicate whose
  objects are blank nodes (editors must not strip it).

- The file's header, the block of ``#`` comment lines it starts with, is kept as written, followed by one
  empty line: a file says at its top what it is and what it guards. longturtle writes no other comment, so
  :func:`check_files` refuses a file with a comment below its header, naming the comment's line, rather
  than drop it: say what a node is in its triples (``rdfs:comment``, ``skos:definition``). A ``#`` inside an
  IRI, a string or an escaped local name (``ex:a\\#b``) is no comment.
- Only Turtle is rewritten: a file not named ``*.ttl`` is refused, so a ``.nt`` file never comes to hold
  Turtle.

The result is a fixed point: the canonical form of canonical Turtle is itself.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coopgraph import load, resources
from coopgraph.errors import InputError
from coopgraph.export import write_atomically

SHIPPED_KINDS = ("ontology", "data", "shapes")


def _serialise(text: str, path: Path) -> str:
    graph = load.PrefixesLaterGraph(bind_namespaces="core")
    graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    graph.settle()
    return graph.serialize(format="longturtle", canon=True)


def canonical_turtle(source: str | Path) -> str:
    """The canonical Turtle of a file (``source`` a :class:`~pathlib.Path`) or of Turtle text (a ``str``).

    Raises :class:`coopgraph.load.LoadError` when the input does not parse or holds an ill-typed literal.
    """
    if isinstance(source, Path):
        load.parse_file(source)  # a LoadError first, for a file that is not UTF-8 or does not parse
        text, path, scratch = source.read_text(encoding="utf-8"), source, None
    else:
        scratch = tempfile.TemporaryDirectory(prefix="coopgraph-fmt-")
        text, path = source, Path(scratch.name) / "text.ttl"
        path.write_text(source, encoding="utf-8")
    try:
        load.parse_file(path)  # raises LoadError with file:line:column
        with load.literals_as_written():
            # A second pass settles the few forms a reparse reads differently (a bare 007 becomes 7).
            once = _serialise(text, path)
            twice = _serialise(once, path)
            return header(text) + (twice if twice == once else _serialise(twice, path))
    except load.LoadError as error:
        if scratch is None:
            raise
        raise load.LoadError("<text>", error.line, error.column, error.reason) from None
    finally:
        if scratch is not None:
            scratch.cleanup()


def header(text: str) -> str:
    """The comment lines a Turtle text starts with, and one empty line after them ("" when there are none)."""
    lines = [line.rstrip() for line in text.splitlines()[: _header_length(text)]]
    return "\n".join(lines) + "\n\n" if lines else ""


def _header_length(text: str) -> int:
    """How many lines the header of a Turtle text has: the ``#`` lines it starts with."""
    count = 0
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        count += 1
    return count


_TOKENS = re.compile(
    r"""
      <[^>\n]*>                             # an IRI
    | "{3}(?:[^"\\]|\\.|"(?!""))*"{3}        # long strings
    | '{3}(?:[^'\\]|\\.|'(?!''))*'{3}
    | "(?:[^"\\\n]|\\.)*"                  # short strings
    | '(?:[^'\\\n]|\\.)*'
    | \\.                                   # an escaped character of a local name, as in ex:a\#b
    | (?P<comment>\#)
    """,
    re.VERBOSE,
)


def lost_comment(text: str) -> int | None:
    """The line of the first comment of a Turtle text that its canonical form drops (one below the header),
    or None. IRIs, strings and escaped characters are skipped as the Turtle grammar reads them."""
    start = sum(len(line) for line in text.splitlines(keepends=True)[: _header_length(text)])
    for match in _TOKENS.finditer(text, start):
        if match.group("comment"):
            return text.count("\n", 0, match.start()) + 1
    return None


@dataclass(frozen=True)
class FormatResult:
    """One file: its path, whether it was already canonical, and its canonical text."""

    path: Path
    canonical: bool
    text: str

    def diff(self) -> str:
        """A unified diff from the file as it is to its canonical form (empty when canonical)."""
        current = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        wanted = self.text.splitlines(keepends=True)
        return "".join(difflib.unified_diff(current, wanted, f"{self.path}", f"{self.path} (canonical)"))


def shipped_turtle_files() -> list[Path]:
    """Every shipped Turtle file that must be canonical: ``ontology/``, ``data/`` and ``shapes/``."""
    return [path for kind in SHIPPED_KINDS for path in resources.shipped_files(kind, "*.ttl")]


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the ``*.ttl`` files under any directory given, in order, without repeats."""
    found: list[Path] = []
    for path in map(Path, paths):
        for file in sorted(path.rglob("*.ttl")) if path.is_dir() else [path]:
            if file not in found:
                found.append(file)
    return found


def check_files(paths: Iterable[str | Path]) -> list[FormatResult]:
    """The canonical form of each file, and whether the file already has it. Writes nothing.

    Raises :class:`coopgraph.load.LoadError` for the first file that does not load, and
    :class:`~coopgraph.errors.InputError` for a file not named ``*.ttl`` or one whose canonical form would
    lose a comment.
    """
    files = expand(paths)
    for path in files:
        if path.suffix.lower() != ".ttl":
            raise InputError(
                f"{path}: fmt rewrites Turtle (.ttl) files only; convert the file to Turtle first (rdflib's "
                f"`rdfpipe -o turtle {path} > NEW.ttl`); `coopgraph export -o FILE` writes the whole graph "
                "in the format FILE's extension names"
            )
    results = []
    for path in files:
        text = canonical_turtle(path)
        current = path.read_bytes()
        canonical = current == text.encode("utf-8")
        line = None if canonical else lost_comment(current.decode("utf-8"))
        if line is not None:
            raise InputError(
                f"{path}:{line}: fmt would drop this comment (it keeps only the comment lines at the top of "
                "the file): move it there, or say it in the triples (rdfs:comment, skos:note)"
            )
        results.append(FormatResult(path, canonical, text))
    return results


def format_files(paths: Iterable[str | Path]) -> list[FormatResult]:
    """Rewrite every file that is not canonical. Every file is checked before any is written."""
    results = check_files(paths)
    for result in results:
        if not result.canonical:
            write_atomically(result.path, result.text.encode("utf-8"))
    return results
