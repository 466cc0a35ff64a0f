"""Where a node or a statement is written: which file of the graph, which line.

A validation result is only useful if it sends the reader to the line to fix. :func:`statement_lines` reads
Turtle or N-Triples text with a small tokenizer (full IRIs, prefixed names with local-name escapes, relative
IRIs against ``@base``; strings and comments skipped) and maps each subject to the first line it is written
on, and each (subject, predicate) to the first line that predicate is written for it.

:class:`Locator` answers, for a result, the file that *states* the triple at fault (so a new file that adds a
value to a shipped node is the file named, not the shipped one), falling back to the file that describes the
focus node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph
from rdflib import RDF, URIRef
from rdflib.term import Node

from coopgraph import load

__all__ = ["FileLines", "Locator", "locate", "statement_lines", "subject_lines"]

_PN_CHARS = r"[\w\-\u00B7-\uFFFF]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_LOCAL = rf"(?:{_PN_CHARS}|:|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*''')
  | (?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<directive>@prefix\b|@base\b|(?i:PREFIX|BASE)(?=\s))
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[\w\-.]*\w)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[\w\-.\u00B7-\uFFFF]*[\w\-\u00B7-\uFFFF])?)?:(?:{_PN_LOCAL})?)
  | (?P<number>[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<punct>\^\^|[.;,\[\]()])
  | (?P<word>[A-Za-z]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass
class FileLines:
    """The first line of each subject, and of each (subject, predicate), in one file."""

    subjects: dict[str, int] = field(default_factory=dict)
    statements: dict[tuple[str, str], int] = field(default_factory=dict)


def statement_lines(text: str, base: str = "") -> FileLines:
    """Map each IRI written as a subject in Turtle or N-Triples ``text`` to the first line (1-based) it is on,
    and each (subject, predicate) written at the top level of a subject's block to the first line of that
    predicate. Predicates inside ``[ … ]`` belong to a blank node and are not recorded."""
    prefixes: dict[str, str] = {}
    lines = FileLines()
    line = 1
    depth = 0
    subject: str | None = None
    expect = "subject"  # what the next term at depth 0 is: "subject", "predicate" or "object"
    directive: str | None = None
    pending_prefix: str | None = None

    def iri_of(kind: str, token: str) -> str | None:
        if kind == "iri":
            return urljoin(base, token[1:-1])
        if kind == "pname":
            prefix, local = token.split(":", 1)
            if prefix in prefixes:
                return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        if kind == "word" and token == "a":
            return str(RDF.type)
        return None

    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        start_line = line
        line += token.count("\n")
        if kind in ("ws", "comment"):
            continue
        if directive is not None:  # inside PREFIX p: <iri> or BASE <iri>
            if kind == "pname" and directive == "prefix" and pending_prefix is None:
                pending_prefix = token[:-1] if token.endswith(":") else token.split(":", 1)[0]
                continue
            if kind == "iri":
                iri = urljoin(base, token[1:-1])
                if directive == "prefix" and pending_prefix is not None:
                    prefixes[pending_prefix] = iri
                elif directive == "base":
                    base = iri
            directive, pending_prefix = None, None
            expect = "subject"
            continue
        if kind == "directive":
            directive = "prefix" if token.lstrip("@").lower() == "prefix" else "base"
            continue
        if kind == "punct":
            if token in "[(":
                if depth == 0 and expect == "subject":
                    subject, expect = None, "predicate"
                elif depth == 0 and expect == "object":
                    expect = "after-object"
                depth += 1
            elif token in "])":
                depth = max(depth - 1, 0)
            elif depth == 0 and token == ".":
                subject, expect = None, "subject"
            elif depth == 0 and token == ";":
                expect = "predicate"
            elif depth == 0 and token == ",":
                expect = "object"
            continue
        if depth:
            continue
        if expect == "subject":
            subject = iri_of(kind, token) if kind != "word" else None
            if subject is not None:
                lines.subjects.setdefault(subject, start_line)
            expect = "predicate"
        elif expect == "predicate":
            predicate = iri_of(kind, token)
            if subject is not None and predicate is not None:
                lines.statements.setdefault((subject, predicate), start_line)
            expect = "object"
        elif expect == "object":
            expect = "after-object"
    return lines


def subject_lines(text: str, base: str = "") -> dict[str, int]:
    """Map each IRI written as a subject in Turtle or N-Triples ``text`` to the first line (1-based) it is."""
    return statement_lines(text, base).subjects


def locate(node: str, path: str | Path) -> int | None:
    """The line of ``path`` where ``node`` (an IRI) is first written as a subject, or ``None``."""
    path = Path(path)
    return subject_lines(path.read_text(encoding="utf-8"), path.resolve().as_uri()).get(node)


class Locator:
    """Finds the file (in load order) and line behind a validation result, in the store that was validated.

    ``store`` holds one named graph per file (:func:`coopgraph.load.graph_iri_for`); ``files`` are (path,
    name to show) in load order: the shipped files first, then the user's. Each question is one pattern
    look-up in the store, whatever the number of files."""

    def __init__(self, store: pyoxigraph.Store, files: list[tuple[Path, str]]):
        self._store = store
        self._files = files
        self._rank = {str(iri): i for i, iri in enumerate(load.graph_iris(path for path, _ in files))}
        self._lines: dict[Path, FileLines] = {}

    def _matches(self, subject: Node | None, predicate: Node | None, value: Node | None) -> Iterator[tuple]:
        """(subject, predicate, object, file rank) of each statement of a file that matches the pattern."""
        from coopgraph.engine import from_oxigraph
        from coopgraph.stores import to_oxigraph

        try:
            pattern = [None if term is None else to_oxigraph(term) for term in (subject, predicate, value)]
        except ValueError:
            return
        if any(isinstance(term, pyoxigraph.BlankNode) for term in pattern):
            return  # a blank node of the report is not the store's: it names no statement
        for quad in self._store.quads_for_pattern(*pattern, None):
            rank = self._rank.get(getattr(quad.graph_name, "value", None))
            if rank is not None:
                yield (*(from_oxigraph(term) for term in quad.triple), rank)

    def statement(
        self, subject: Node, predicate: Node, value: Node, *, last: bool = False
    ) -> tuple[str, int | None] | None:
        """The first file (the last with ``last``) that states ``subject predicate value``, and the line of
        that predicate there."""
        if not isinstance(subject, URIRef):
            return None
        ranks = [match[3] for match in self._matches(subject, predicate, value)]
        if not ranks:
            return None
        path, shown = self._files[max(ranks) if last else min(ranks)]
        lines = self._lines_of(path)
        return shown, lines.statements.get((str(subject), str(predicate))) or lines.subjects.get(str(subject))

    def statements(self, subject: Node, predicate: Node) -> list[tuple[Node, str]]:
        """Each value of ``subject predicate``, with the name of the first file that states it."""
        return self._first_files((o, rank) for _, _, o, rank in self._matches(subject, predicate, None))

    def subjects(self, predicate: Node, value: Node) -> list[tuple[Node, str]]:
        """Each subject of ``? predicate value``, with the name of the first file that states it."""
        return self._first_files((s, rank) for s, _, _, rank in self._matches(None, predicate, value))

    def _first_files(self, found: Iterable[tuple[Node, int]]) -> list[tuple[Node, str]]:
        first: dict[Node, int] = {}
        for node, rank in found:
            first[node] = min(rank, first.get(node, rank))
        return [(node, self._files[rank][1]) for node, rank in sorted(first.items(), key=lambda i: i[1])]

    def node(self, node: Node) -> tuple[str | None, int | None]:
        """The file that types ``node`` (else the first that has it as a subject, else as an object)."""
        if not isinstance(node, URIRef):
            return None, None
        for pattern in ((node, RDF.type, None), (node, None, None)):
            ranks = [match[3] for match in self._matches(*pattern)]
            if ranks:
                path, shown = self._files[min(ranks)]
                return shown, self._lines_of(path).subjects.get(str(node))
        ranks = [match[3] for match in self._matches(None, None, node)]
        return (self._files[min(ranks)][1], None) if ranks else (None, None)

    def rank(self, shown: str) -> int:
        """The position of a file in load order (later files were added on top of earlier ones)."""
        return next((i for i, (_, name) in enumerate(self._files) if name == shown), -1)

    def _lines_of(self, path: Path) -> FileLines:
        """The lines of a Turtle or N-Triples file (of a file in another syntax, none: its name is shown)."""
        if path not in self._lines:
            readable = load.suffix_of(path) in (".ttl", ".nt")
            text = path.read_text(encoding="utf-8") if readable else ""
            self._lines[path] = statement_lines(text, path.resolve().as_uri())
        return self._lines[path]
