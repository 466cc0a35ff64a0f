"""SHACL validation of the graph, and the report model (rows as text, JSON or Turtle).

The data graph is the union of the ontology and the shipped data (``shipped=True``) plus any given files, so
a new file may point at the states, people and concepts already in the graph. The ontology triples are part
of the data graph on purpose: SHACL finds the instances of a class through ``rdf:type/rdfs:subClassOf*`` in
the *data* graph, so ``sh:class cg:Organisation`` accepts a ``cg:State`` only because the ontology says
``cg:State rdfs:subClassOf cg:Organisation`` there. No inference is run.

The shapes (``shapes/*.ttl``) are standard SHACL Core and SHACL-SPARQL, so any SHACL engine enforces the
same rules. coopgraph runs every constraint as one query over the whole graph on pyoxigraph: SHACL-SPARQL
through :mod:`coopgraph.engine`, SHACL Core compiled into SPARQL by :mod:`coopgraph.core`. A constraint that
cannot be run that way is refused with a :class:`ShapesError`, never skipped.

``reference=True`` runs every shape in pySHACL instead. The tests require the same results from both, except
where pySHACL departs from the SHACL specification (``tests/shapes/pyshacl-differences.json``); Jena's
validator gives the engine's results exactly (``tests/integration/test_jena.py``).

Results of severity ``sh:Warning`` or ``sh:Info`` are reported but do not make the graph fail (as pySHACL's
``--allow-warnings``): "conforms" means no ``sh:Violation``. Each result names the file and line at fault
(:mod:`coopgraph.sourcemap`): the first file that states the triple the result is about — so a new file that
adds a value to a node described in a shipped file is the one named — else the file that describes the focus
node.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from coopgraph import __version__, cache, core, engine, incremental, load, resources, texts
from coopgraph.errors import InputError, ShapesError
from coopgraph.sourcemap import Locator, locate, subject_lines
from coopgraph.vocab import CGSH, SH, short_text, shorten_iris

if TYPE_CHECKING:
    from coopgraph.stores import EmbeddedStore

__all__ = ["Report", "Result", "ValidationError", "locate", "shapes_graph", "subject_lines", "validate"]

ValidationError = ShapesError  # the name this module has always raised

#: the components whose results are about how many values there are: the result shows the values
_COUNTS = {SH.MaxCountConstraintComponent, SH.QualifiedMaxCountConstraintComponent}


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with where to fix it.

    ``focus``, ``path``, ``shape``, ``component`` and ``severity`` are IRIs (a blank node as ``_:id``, a
    complex path as its SPARQL form such as ``^<…>``); ``value`` is an IRI, or a literal in N-Triples form
    (``"2025-09-08"^^<…#date>``) so its datatype shows. ``file`` and ``line`` say where the statement at
    fault is written (``None`` when unknown): shipped files relative to the package root
    (``data/instruments/sg-kz-mla-2025.ttl``), others as given. For a count result (``sh:maxCount``),
    ``values`` lists every value the path has and ``value`` is the one the last file added.
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
    values: tuple[str, ...] = ()

    @property
    def is_violation(self) -> bool:
        return self.severity == str(SH.Violation)


@dataclass
class Report:
    """The outcome of a validation: does the graph conform, the result rows, and the SHACL report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph
    files: int = 0
    triples: int = 0
    #: the validated data, one named graph per file and their merge as the default graph, for callers that
    #: go on to use it (check)
    store: EmbeddedStore | None = field(default=None, repr=False, compare=False)

    @property
    def warnings(self) -> list[Result]:
        return [result for result in self.results if not result.is_violation]

    def to_json(self) -> dict:
        """``{"conforms": bool, "results": [{"focus", "path", "value", "severity", "message", "shape",
        "component", "file", "line", "values"}]}``."""
        rows = []
        for result in self.results:
            row = asdict(result)
            row["values"] = list(result.values)
            rows.append(row)
        return {"conforms": self.conforms, "results": rows}

    def to_turtle(self) -> str:
        """The SHACL validation report graph (``sh:ValidationReport``) as Turtle."""
        return self.graph.serialize(format="turtle")

    def to_text(self) -> str:
        """A report for a person, one block per result, like a compiler's: ``file:line: node`` first (never
        wrapped, so an editor or grep can jump to it), then the path and value at fault, what to do (the
        shape's message), and the shape and constraint component that found it."""
        summary = f"{self.files} files, {self.triples} triples"
        lines = []
        for result in self.results:
            where = f"{result.file}:{result.line}" if result.line else (result.file or "?")
            severity = result.severity.rsplit("#", 1)[-1].lower()
            lines.append(f"{where}: {severity}: {short_text(result.focus)}")
            if result.path:
                value = f" = {short_text(result.value)}" if result.value else ""
                lines.append(f"    {short_text(result.path)}{value}")
            elif result.value and result.value != result.focus:
                lines.append(f"    = {short_text(result.value)}")
            if len(result.values) > 1:
                lines.append(f"    values: {', '.join(short_text(v) for v in result.values)}")
            lines.append(f"    {result.message}")
            lines.append(f"    ({short_text(result.shape)}, {short_text(result.component)})")
        violations = sum(result.is_violation for result in self.results)
        warnings = len(self.results) - violations
        noted = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        if self.conforms:
            lines.append(f"Conforms: the graph ({summary}) satisfies every shape{noted}.")
        else:
            lines.append(
                f"Does not conform: {violations} violation{'s' if violations != 1 else ''}{noted} "
                f"in the graph ({summary})."
            )
        return "\n".join(lines) + "\n"


# --- the engines ---------------------------------------------------------------------------------------


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL sends the same text of a SPARQL-based constraint for every focus node (only the bindings
    change), and rdflib parses a query string on every call: without this, parsing took over 90% of the
    validation time of the shipped graph (with ``reference=True``, where pySHACL runs those constraints).
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


def shapes_graph(files: Iterable[Path] | None = None) -> Graph:
    """The shapes of ``files`` in one graph; by default the shipped shapes (``shapes/*.ttl``)."""
    return load.union_graph(load.load_files(resources.shipped_files("shapes") if files is None else files))


def compile_constraints(shapes: Graph) -> list[engine.Constraint]:
    """Every constraint of ``shapes`` as one query over the whole graph: the SHACL-SPARQL ones
    (:mod:`coopgraph.engine`) and SHACL Core (:mod:`coopgraph.core`). A constraint neither can run as one
    query is refused (:class:`ShapesError`), never skipped."""
    name = f"bound-{__version__}"  # what reading the SPARQL constraints found, kept from one run to the next
    known = cache.recall(name)
    engine.BOUND_ANSWERS.update(known if isinstance(known, dict) else {})
    before = len(engine.BOUND_ANSWERS)
    sparql, rest = engine.split(shapes)
    if len(engine.BOUND_ANSWERS) != before:
        cache.keep(name, engine.BOUND_ANSWERS)
    for shape, node in rest.subject_objects(SH.sparql):
        if not engine._deactivated(rest, shape) and not engine._deactivated(rest, node):
            raise ShapesError(
                f"{short_text(str(shape))}: its SPARQL constraint cannot run as one query over the graph "
                "(a nested shape, $currentShape or $shapesGraph, or ?this unbound where it is used); "
                "run with --reference to use pySHACL"
            )
    return sparql + core.compile_shapes(shapes)


def _empty_report() -> Graph:
    report = Graph()
    report.add((BNode(), RDF.type, SH.ValidationReport))
    return report


def _pyshacl(data: Graph, shapes: Graph) -> Graph:
    import pyshacl  # only for --reference: importing it takes longer than validating one new file's changes
    from pyshacl.errors import ReportableRuntimeError, ShapeLoadError

    try:
        _, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=False, inplace=True, allow_warnings=True
        )
    except ShapeLoadError as error:
        raise ShapesError(f"the shapes cannot be used: {error}") from None
    except ReportableRuntimeError as error:
        raise ShapesError(f"pySHACL failed: {error}") from None
    return report_graph


def _copy_node(source: Graph, node: Node, target: Graph) -> None:
    """Copy ``node`` and what hangs below it through blank nodes (a path expression, an RDF list)."""
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_node(source, o, target)


def _add_rows(report: Graph, shapes: Graph, rows: Iterable[engine.Row]) -> None:
    """Write the engine's rows into the report graph as ``sh:result``s, as pySHACL writes its own."""
    root = report.value(None, RDF.type, SH.ValidationReport)
    for row in rows:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, row.focus))
        report.add((node, SH.resultSeverity, row.constraint.severity))
        report.add((node, SH.sourceConstraintComponent, row.constraint.component))
        report.add((node, SH.sourceShape, row.constraint.shape))
        if row.constraint.node is not None:
            report.add((node, SH.sourceConstraint, row.constraint.node))
        report.add((node, SH.resultMessage, Literal(row.message, lang="en")))
        if row.value is not None:
            report.add((node, SH.value, row.value))
        if row.path is not None:
            report.add((node, SH.resultPath, row.path))
            if isinstance(row.path, BNode):
                _copy_node(shapes, row.path, report)


# --- result rows ---------------------------------------------------------------------------------------


def _term_text(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _message(report: Graph, node: Node) -> str:
    messages = sorted(
        report.objects(node, SH.resultMessage), key=lambda m: (getattr(m, "language", None) != "en", m)
    )
    return shorten_iris(str(messages[0])) if messages else ""


def _where(
    locator: Locator,
    focus: Node,
    path: Node | None,
    value: Node | None,
    component: Node,
    report: Graph,
    reached: list[URIRef],
) -> tuple[str | None, int | None, Node | None, tuple[str, ...]]:
    """(file, line, the value to show, every value for a count result) of one result.

    ``reached`` are the predicates through whose objects the result's shape finds its focus nodes
    (``sh:targetObjectsOf``): for such a node, the statement that points at it is what brought it in."""
    values: tuple[str, ...] = ()
    predicate, inverse = path, False
    if path is not None and not isinstance(path, URIRef):
        inner = report.value(path, SH.inversePath)
        predicate, inverse = (inner, True) if isinstance(inner, URIRef) else (None, False)
    if isinstance(predicate, URIRef) and component in _COUNTS and value is None:
        stated = locator.subjects(predicate, focus) if inverse else locator.statements(focus, predicate)
        if stated:
            values = tuple(sorted(_term_text(v) for v, _ in stated))
            value = max(stated, key=lambda pair: (locator.rank(pair[1]), _term_text(pair[0])))[0]
    if isinstance(predicate, URIRef) and value is not None:
        subject, object_ = (value, focus) if inverse else (focus, value)
        found = locator.statement(subject, predicate, object_)
        if found is not None:
            return found[0], found[1], value, values
    if path is None and isinstance(value, URIRef) and value != focus:
        file, line = locator.node(value)  # a graph-wide rule: the value is the node at fault
        if file is not None:
            return file, line, value, values
    for predicate in reached:
        for subject, _ in sorted(locator.subjects(predicate, focus), key=lambda pair: -locator.rank(pair[1])):
            found = locator.statement(subject, predicate, focus, last=True)
            if found is not None:
                return found[0], found[1], value, values
    file, line = locator.node(focus)
    return file, line, value, values


def _reached_through(shapes: Graph) -> dict[Node, list[URIRef]]:
    """Each shape that finds focus nodes as the objects of a predicate (``sh:targetObjectsOf``, its own or
    its node shape's), and those predicates."""
    found: dict[Node, list[URIRef]] = {}
    for shape, predicate in shapes.subject_objects(SH.targetObjectsOf):
        for each in (shape, *shapes.objects(shape, SH.property)):
            found.setdefault(each, []).append(predicate)
    return found


def _results(report: Graph, locator: Locator, reached: dict[Node, list[URIRef]]) -> list[Result]:
    results = []
    # The report's own results only: those nested under sh:detail explain an sh:node failure reported already.
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        component = report.value(node, SH.sourceConstraintComponent)
        shape = report.value(node, SH.sourceShape)
        file, line, value, values = _where(
            locator, focus, path, report.value(node, SH.value), component, report, reached.get(shape, [])
        )
        results.append(
            Result(
                focus=_term_text(focus) or "",
                path=_path_text(report, path),
                value=_term_text(value),
                severity=_term_text(report.value(node, SH.resultSeverity)) or "",
                message=_message(report, node),
                shape=_term_text(shape) or "",
                component=_term_text(component) or "",
                file=file,
                line=line,
                values=values,
            )
        )
    results.sort(
        key=lambda r: (r.file or "\uffff", r.line or 0, r.focus, r.path or "", r.shape, r.value or "")
    )
    return results


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A result path: an IRI, or a complex path in its SPARQL form (``^<a>``, ``(<a>|<b>)``)."""
    if path is None or isinstance(path, URIRef):
        return _term_text(path)
    try:
        return engine.path_sparql(graph, path)
    except ShapesError:
        return _term_text(path) or ""


def _shown(path: Path, root: Path) -> str:
    # the tree's own files are under its resolved folders already: resolving thousands of them is slow
    found = path if path.is_absolute() and path.is_relative_to(root) else path.resolve()
    return found.relative_to(root).as_posix() if found.is_relative_to(root) else str(path)


def validate(
    extra_files: Iterable[Path] = (),
    *,
    shipped: bool = True,
    shapes_files: Iterable[Path] | None = None,
    reference: bool = False,
    sources: Path | None = None,
) -> Report:
    """Validate the graph against the shipped shapes, or against the shapes of ``shapes_files``.

    The data graph is the shipped graph (ontology and data) when ``shipped`` is true, and ``extra_files`` (a
    file already among the shipped ones is read once). Without ``shipped``, it is ``extra_files`` alone, with
    the ontology when the shipped shapes are used (they check every term against it and find a class's
    instances through its subclasses). ``sources`` is a folder of local copies of sources
    (default: the ``COOPGRAPH_SOURCES`` environment variable): the paragraphs of a source that names one
    (``cg:localCopy``) get their text from it, so their quotes are checked (:mod:`coopgraph.texts`).
    ``reference`` runs every shape in pySHACL alone (slow; the tests compare it with the default).

    Raises :class:`coopgraph.load.LoadError` for a file that does not parse, is empty or holds an ill-typed
    literal, :class:`ShapesError` when the shapes cannot be run. Never writes any file.
    """
    from coopgraph.stores import EmbeddedStore

    root = resources.root().resolve()
    if shipped:
        base_files = resources.graph_files()
    else:
        base_files = resources.shipped_files("ontology") if shapes_files is None else []
    known = set(base_files)  # paths under the tree, as resolved as the tree's own folders
    files = [(path, _shown(path, root)) for path in base_files]
    for path in map(Path, extra_files):
        if path.resolve() not in known:
            known.add(path.resolve())
            files.append((path, load.shown_name(path)))
    if not files:
        raise InputError("nothing to validate: give the data files (or validate them with the shipped graph)")
    paths = [path for path, _ in files]
    sources = sources or (
        Path(os.environ["COOPGRAPH_SOURCES"]) if os.environ.get("COOPGRAPH_SOURCES") else None
    )
    shapes = shapes_graph(shapes_files)
    if reference or sources is not None:
        # rdflib's graph is needed: pySHACL runs on it, and local source texts are read from it
        dataset = load.load_files(paths)
        if sources is not None:
            if not sources.is_dir():
                raise InputError(f"{sources}: no such folder of local copies of sources")
            for triple in texts.local_texts(load.union_graph(dataset), sources):
                dataset.add((*triple, texts.GRAPH))
        store = EmbeddedStore.from_dataset(dataset)
        rows = [] if reference else list(engine.run(compile_constraints(shapes), store.store))
        build = None
    else:
        build = cache.build_for(list(base_files))
        if build is None:
            store = EmbeddedStore(load.load_store(paths))  # Oxigraph's parser: no rdflib graph is built
            rows = list(engine.run(compile_constraints(shapes), store.store))
        else:  # the base graph's store and results kept on disk: only what the new files change is run
            new_files = paths[len(base_files) :]
            oxigraph_store, rows, triples = incremental.validate_on(
                build, new_files, compile_constraints(shapes)
            )
            store = EmbeddedStore(oxigraph_store)
    if reference or build is None:
        triples = sum(1 for _ in store.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    if reference:
        report_graph = _pyshacl(load.union_graph(dataset, _PreparedQueryGraph()), shapes)
    else:
        report_graph = _empty_report()
        _add_rows(report_graph, shapes, rows)
    results = _results(report_graph, Locator(store.store, files), _reached_through(shapes))
    conforms = not any(result.is_violation for result in results)
    root_node = report_graph.value(None, RDF.type, SH.ValidationReport)
    report_graph.set((root_node, SH.conforms, Literal(conforms)))
    report_graph.bind("sh", SH)
    report_graph.bind("cgsh", CGSH)
    return Report(conforms, results, report_graph, files=len(files), triples=triples, store=store)
