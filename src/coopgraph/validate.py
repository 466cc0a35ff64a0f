"""SHACL validation of the graph, and the report model (rows as text, JSON or Turtle).

The data graph is the union of the ontology and the shipped data (``shipped=True``) plus any given files, so
a new file may point at the states, people and concepts already in the graph. The ontology triples are part
of the data graph on purpose: SHACL finds the instances of a class through ``rdf:type/rdfs:subClassOf*`` in
the *data* graph, so ``sh:class cg:Organisation`` accepts a ``cg:State`` only because the ontology says
``cg:State rdfs:subClassOf cg:Organisation`` there. No inference is run.

Every result row names the file and line where its focus node is described (first written as a subject),
found by :func:`subject_lines`, a small Turtle tokenizer that understands full IRIs, prefixed names and
relative IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyshacl
from pyshacl.errors import ReportableRuntimeError, ShapeLoadError
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from coopgraph import load, resources

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace("https://w3id.org/coopgraph/shapes#")

__all__ = ["Report", "Result", "ValidationError", "locate", "shapes_graph", "subject_lines", "validate"]


class ValidationError(Exception):
    """pySHACL could not run the shapes (a shape it cannot use, a SPARQL constraint that does not parse)."""


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with where its focus node is described.

    ``focus``, ``path``, ``shape``, ``component`` and ``severity`` are IRIs (a blank node as ``_:id``);
    ``value`` is an IRI, or a literal in N-Triples form (``"2025-09-08"^^<…#date>``) so its datatype shows;
    ``file`` and ``line`` say where the focus node is first written as a subject (``None`` when unknown):
    shipped files relative to the package root (``data/instruments/sg-kz-mla-2025.ttl``), others as given.
    """

    focus: str
    path: str | None
    value: str | None
    severity: str
    message: str
    shape: str
    component: str
    file: str | None
    line: int | None


@dataclass
class Report:
    """The outcome of a validation: does the graph conform, the result rows, and pySHACL's report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph
    files: int = 0
    triples: int = 0
    #: the validated data, one named graph per file, for callers that go on to use it (check, load)
    dataset: Dataset | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        """``{"conforms": bool, "results": [{"focus", "path", "value", "severity", "message", "shape",
        "component", "file", "line"}]}``."""
        return {"conforms": self.conforms, "results": [asdict(result) for result in self.results]}

    def to_turtle(self) -> str:
        """The SHACL validation report graph (``sh:ValidationReport``) as Turtle."""
        return self.graph.serialize(format="turtle")

    def to_text(self) -> str:
        """A report for a person, one block per result, like a compiler's: ``file:line: node`` first (never
        wrapped, so an editor or grep can jump to it), then the path and value at fault, what to do (the
        shape's message), and the shape and constraint component that found it."""
        summary = f"{self.files} files, {self.triples} triples"
        if self.conforms:
            return f"Conforms: the graph ({summary}) satisfies every shape.\n"
        lines = []
        for result in self.results:
            where = f"{result.file}:{result.line}" if result.line else (result.file or "?")
            severity = result.severity.rsplit("#", 1)[-1].lower()
            lines.append(f"{where}: {severity}: {_short(result.focus)}")
            if result.path:
                value = f" = {_short(result.value)}" if result.value else ""
                lines.append(f"    {_short(result.path)}{value}")
            elif result.value and result.value != result.focus:
                lines.append(f"    = {_short(result.value)}")
            lines.append(f"    {result.message}")
            lines.append(f"    ({_short(result.shape)}, {_short(result.component)})")
        count = len(self.results)
        lines.append(f"Does not conform: {count} result{'s' if count != 1 else ''} in the graph ({summary}).")
        return "\n".join(lines) + "\n"


_SHORT_PREFIXES = {
    "https://w3id.org/coopgraph/id/": "cgid:",
    "https://w3id.org/coopgraph/ontology#": "cg:",
    "https://w3id.org/coopgraph/shapes#": "cgsh:",
    "http://www.w3.org/ns/shacl#": "sh:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/2002/07/owl#": "owl:",
}


def _short(text: str) -> str:
    """An IRI, a path expression or a literal's datatype, abbreviated with the project's usual prefixes."""
    typed = re.fullmatch(r'(".*")\^\^<(.+)>', text, re.DOTALL)
    if typed:
        return f"{typed[1]}^^{_short(typed[2])}"
    if text[:1] in "(^<":  # a path expression: abbreviate the IRIs that have a known prefix
        return re.sub(r"<([^<>]*)>", lambda m: m[0] if _short(m[1]) == m[1] else _short(m[1]), text)
    for namespace, prefix in _SHORT_PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


# --- where a node is described -------------------------------------------------------------------------

_PN_CHARS = r"[\w\-\u00B7-\uFFFF]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_LOCAL = rf"(?:{_PN_CHARS}|:|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
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


def subject_lines(text: str, base: str = "") -> dict[str, int]:
    """Map each IRI written as a subject in Turtle or N-Triples ``text`` to the first line (1-based) it is.

    Understands full IRIs (``<https://…>``), prefixed names declared in the text (``PREFIX``/``@prefix``,
    with local-name escapes such as ``\\/``) and relative IRIs (resolved against ``@base``/``BASE`` or
    ``base``). Strings and comments are skipped, so an IRI inside a literal is never taken for a subject.
    """
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    line = 1
    depth = 0
    expect_subject = True
    directive: str | None = None
    pending_prefix: str | None = None
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
            expect_subject = True
            continue
        if kind == "directive":
            directive = "prefix" if token.lstrip("@").lower() == "prefix" else "base"
            continue
        if kind == "punct":
            if token in "[(":
                if depth == 0 and expect_subject:
                    expect_subject = False
                depth += 1
            elif token in "])":
                depth = max(depth - 1, 0)
            elif token == "." and depth == 0:
                expect_subject = True
            continue
        if depth == 0 and expect_subject:
            expect_subject = False
            iri = None
            if kind == "iri":
                iri = urljoin(base, token[1:-1])
            elif kind == "pname":
                prefix, local = token.split(":", 1)
                if prefix in prefixes:
                    iri = prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
            if iri is not None and iri not in found:
                found[iri] = start_line
    return found


def locate(node: str, path: str | Path) -> int | None:
    """The line of ``path`` where ``node`` (an IRI) is first written as a subject, or ``None``."""
    path = Path(path)
    return subject_lines(path.read_text(encoding="utf-8"), path.resolve().as_uri()).get(node)


class _Locator:
    """Finds, for a focus node, the file (in load order) that describes it and the line there."""

    def __init__(self, dataset: Dataset, files: list[tuple[Path, str]]):
        self._dataset = dataset
        self._files = files
        self._lines: dict[Path, dict[str, int]] = {}

    def __call__(self, node: Node) -> tuple[str | None, int | None]:
        """The file that types ``node`` (else the first that has it as a subject, else as an object)."""
        if not isinstance(node, URIRef):
            return None, None
        for pattern in ((node, RDF.type, None), (node, None, None)):
            for path, shown in self._files:
                if pattern in self._dataset.graph(load.graph_iri_for(path)):
                    return shown, self._lines_of(path).get(str(node))
        for path, shown in self._files:
            if (None, None, node) in self._dataset.graph(load.graph_iri_for(path)):
                return shown, None
        return None, None

    def _lines_of(self, path: Path) -> dict[str, int]:
        if path not in self._lines:
            self._lines[path] = subject_lines(path.read_text(encoding="utf-8"), path.resolve().as_uri())
        return self._lines[path]


# --- validation ----------------------------------------------------------------------------------------


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL sends the same text of a SPARQL-based constraint for every focus node (only the bindings
    change), and rdflib parses a query string on every call: without this, parsing took over 90% of the
    validation time of the shipped graph.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[tuple, Query] = {}

    def query(  # the signature of rdflib.Graph.query
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,
        initBindings=None,
        use_store_provided=True,
        **kwargs,
    ):
        if isinstance(query_object, str) and processor == "sparql":
            key = (query_object, tuple(sorted((initNs or {}).items())))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, initNs=initNs or dict(self.namespaces()))
            query_object = self._prepared[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _data_graph(dataset: Dataset) -> _PreparedQueryGraph:
    return load.union_graph(dataset, _PreparedQueryGraph())


def shapes_graph() -> Graph:
    """The shipped shapes (``shapes/*.ttl``) in one graph."""
    return load.union_graph(load.load_files(resources.shipped_files("shapes")))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _term_text(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _path_text(report: Graph, path: Node | None) -> str | None:
    """A result path: an IRI, or for a complex path its SPARQL property-path form (``<a>|<b>``, ``^<a>``)."""
    if path is None or isinstance(path, URIRef):
        return _term_text(path)
    return _path_expression(report, path)


def _path_expression(report: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path_expression(report, inverse)}"
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return (
            "(" + "|".join(_path_expression(report, step) for step in Collection(report, alternatives)) + ")"
        )
    if report.value(path, RDF.first) is not None:
        return "(" + "/".join(_path_expression(report, step) for step in Collection(report, path)) + ")"
    for key, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, key)
        if inner is not None:
            return f"{_path_expression(report, inner)}{mark}"
    return _term_text(path) or ""


def _message(report: Graph, node: Node) -> str:
    messages = sorted(
        report.objects(node, SH.resultMessage), key=lambda m: (getattr(m, "language", None) != "en", m)
    )
    return str(messages[0]) if messages else ""


def validate(extra_files: Iterable[Path] = (), *, shipped: bool = True) -> Report:
    """Validate the graph against the shipped shapes.

    The data graph is the ontology, the shipped data when ``shipped`` is true, and ``extra_files`` (a file
    already among the shipped ones is read once). Raises :class:`coopgraph.load.LoadError` for a file that
    does not parse or holds an ill-typed literal, :class:`ValidationError` when pySHACL cannot run the
    shapes. Never writes any file.
    """
    root = resources.root().resolve()
    base_files = resources.graph_files() if shipped else resources.shipped_files("ontology")
    known = {path.resolve() for path in base_files}
    extra = [Path(path) for path in extra_files]
    files = [(path, _shown(path, root)) for path in base_files]
    for path in extra:
        if path.resolve() not in known:
            known.add(path.resolve())
            files.append((path, str(path)))
    dataset = load.load_files([path for path, _ in files])
    data = _data_graph(dataset)
    shapes = shapes_graph()
    try:
        conforms, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=False, inplace=True, allow_warnings=False
        )
    except ShapeLoadError as error:
        raise ValidationError(f"the shapes cannot be used: {error}") from None
    except ReportableRuntimeError as error:
        raise ValidationError(f"pySHACL failed: {error}") from None
    locator = _Locator(dataset, files)
    results = []
    # The report's own results only: those nested under sh:detail explain an sh:node failure reported already.
    for node in report_graph.objects(None, SH.result):
        focus = report_graph.value(node, SH.focusNode)
        file, line = locator(focus)
        results.append(
            Result(
                focus=_term_text(focus) or "",
                path=_path_text(report_graph, report_graph.value(node, SH.resultPath)),
                value=_term_text(report_graph.value(node, SH.value)),
                severity=_term_text(report_graph.value(node, SH.resultSeverity)) or "",
                message=_message(report_graph, node),
                shape=_term_text(report_graph.value(node, SH.sourceShape)) or "",
                component=_term_text(report_graph.value(node, SH.sourceConstraintComponent)) or "",
                file=file,
                line=line,
            )
        )
    results.sort(
        key=lambda r: (r.file or "\uffff", r.line or 0, r.focus, r.path or "", r.shape, r.value or "")
    )
    report_graph.bind("sh", SH)
    report_graph.bind("cgsh", SHAPES)
    return Report(bool(conforms), results, report_graph, files=len(files), triples=len(data), dataset=dataset)
