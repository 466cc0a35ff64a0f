"""OWL 2 DL consistency of the ontology and the data, checked by HermiT (the reasoner inside owlready2).

HermiT runs on Java and reads only what owlready2 writes for it, so every check:

- works on a *copy* of the graph prepared for HermiT (:func:`prepare_for_hermit`): literals and datatype
  references of ``xsd:date``, ``xsd:gYear`` and ``xsd:gYearMonth`` (outside the OWL 2 datatype map, which
  HermiT refuses with ``UnsupportedDatatypeException``) become ``xsd:dateTime`` at the start of the day,
  year or month, keeping the timezone when there is one (``"2025-09-08"`` → ``"2025-09-08T00:00:00"``,
  ``"2025-09-08+08:00"`` → ``"2025-09-08T00:00:00+08:00"``); ``owl:imports`` are dropped, so nothing is
  fetched from the web; any other datatype outside the map is handed to HermiT as opaque, and said so;
- hands the copy to owlready2 as N-Triples (owlready2 reads no Turtle), in a World of its own, so nothing
  is shared with other owlready2 users in the process, and removes every temporary file afterwards.

When the graph is inconsistent and the ontology alone is not, the check narrows the individuals down to a
small set whose statements cannot all hold together (delta debugging over the individuals: more HermiT
runs of about a second each, the Java start-up included), so a report can point at the node to fix.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from coopgraph import load
from coopgraph.errors import CoopgraphError
from coopgraph.vocab import short

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4), which is what HermiT accepts.
_XSD_IN_MAP = """decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger
long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString
token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"""
OWL2_DATATYPES: frozenset[URIRef] = frozenset(
    [OWL.real, OWL.rational, RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal]
    + [XSD[name] for name in _XSD_IN_MAP.split()]
)

# Date-like datatypes outside the map: the lexical form, and what completes it to an xsd:dateTime.
_TIMEZONE = r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
_AS_DATETIME: dict[URIRef, tuple[re.Pattern[str], str]] = {
    XSD.date: (re.compile(r"(?P<head>-?\d{4,}-\d{2}-\d{2})" + _TIMEZONE), "T00:00:00"),
    XSD.gYearMonth: (re.compile(r"(?P<head>-?\d{4,}-\d{2})" + _TIMEZONE), "-01T00:00:00"),
    XSD.gYear: (re.compile(r"(?P<head>-?\d{4,})" + _TIMEZONE), "-01-01T00:00:00"),
}

_SCHEMA_TYPES_NAMESPACES = (str(OWL), str(RDFS), str(RDF))
# Statements only classes and properties are the subject of.
_SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.disjointWith,
    OWL.disjointUnionOf,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.propertyDisjointWith,
    OWL.hasKey,
)
_INFERENCES_ONTOLOGY = "http://inferrences/"  # where owlready2 puts what HermiT inferred (sic)
_COPY_IRI = "urn:coopgraph:reasoner-copy"
_GLOBALS_LOCK = threading.Lock()  # tempfile.tempdir, owlready2.JAVA_EXE and the cwd are process-wide

MAX_EXPLAIN_RUNS = 60


class ReasonerError(CoopgraphError):
    """The reasoner could not run: Java is missing, HermiT refused the input, or owlready2 failed."""


@dataclass(frozen=True)
class ConsistencyReport:
    """What HermiT concluded about a graph.

    ``consistent``: the graph has a model. ``unsatisfiable``: named classes that can have no member (only
    known when the graph is consistent). ``culprits``: individuals whose statements, with the ontology,
    cannot all hold (a small set found by narrowing down; empty when consistent or when the ontology alone
    is inconsistent). ``message``: one sentence for a person. ``notes``: what the reasoner's copy changed.
    ``where``: for each culprit, the files that hold statements about it (filled by :func:`check_files`).
    """

    consistent: bool
    unsatisfiable: tuple[URIRef, ...]
    message: str
    culprits: tuple[URIRef, ...] = ()
    notes: tuple[str, ...] = ()
    where: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Consistent, and every named class can have members."""
        return self.consistent and not self.unsatisfiable

    def to_json(self) -> dict:
        """A plain dictionary for ``--format json``."""
        return {
            "consistent": self.consistent,
            "ok": self.ok,
            "unsatisfiable": [str(c) for c in self.unsatisfiable],
            "culprits": [{"node": str(c), "files": list(self.where.get(c, ()))} for c in self.culprits],
            "message": self.message,
            "notes": list(self.notes),
        }


def _ill_typed(literal: Literal) -> ReasonerError:
    where = f'"{literal}"^^<{literal.datatype}>'
    return ReasonerError(f"ill-typed literal {where}: not a valid value of its datatype")


def _as_datetime(literal: Literal) -> Literal:
    pattern, completion = _AS_DATETIME[literal.datatype]
    match = pattern.fullmatch(str(literal).strip())
    if match is None:
        raise _ill_typed(literal)
    return Literal(match["head"] + completion + (match["tz"] or ""), datatype=XSD.dateTime)


def prepare_for_hermit(graph: Graph) -> tuple[Graph, list[str]]:
    """A copy of ``graph`` that HermiT accepts, and notes saying what was changed (see the module docstring).

    Raises :class:`ReasonerError` for an ill-typed literal (HermiT and owlready2 fail on those with a Java or
    Python traceback).
    """
    ill_typed = load.ill_typed_literals(graph)
    if ill_typed:
        raise _ill_typed(ill_typed[0])
    copy = Graph()
    mapped: dict[URIRef, int] = {}
    imports = 0
    unsupported: set[URIRef] = set()

    def term(node):
        if isinstance(node, Literal) and node.datatype in _AS_DATETIME:
            mapped[node.datatype] = mapped.get(node.datatype, 0) + 1
            return _as_datetime(node)
        if isinstance(node, URIRef) and node in _AS_DATETIME:
            mapped[node] = mapped.get(node, 0) + 1
            return XSD.dateTime
        if isinstance(node, Literal) and node.datatype is not None and node.datatype not in OWL2_DATATYPES:
            unsupported.add(node.datatype)
        elif isinstance(node, URIRef) and node.startswith(str(XSD)) and node not in OWL2_DATATYPES:
            unsupported.add(node)
        return node

    for s, p, o in graph:
        if p == OWL.imports:
            imports += 1
            continue
        copy.add((term(s), p, term(o)))
    notes = []
    if mapped:
        names = ", ".join(f"{short(str(d))} ({n})" for d, n in sorted(mapped.items()))
        notes.append(f"mapped to xsd:dateTime for HermiT, which does not support them: {names}")
    if imports:
        notes.append(f"left out {imports} owl:imports statement(s): imported ontologies are not fetched")
    if unsupported:
        names = ", ".join(short(str(d)) for d in sorted(unsupported))
        notes.append(f"datatypes outside the OWL 2 datatype map, treated by HermiT as opaque: {names}")
    return copy, notes


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise ReasonerError(
            "the OWL reasoner (HermiT) needs Java, but no `java` was found on PATH or in JAVA_HOME; "
            "install a Java runtime (e.g. `apt-get install default-jre-headless`)"
        )
    return found


def _java_message(error: Exception) -> str:
    """The lines of a Java error that say what went wrong, without the stack trace."""
    lines = [line.strip() for line in str(error).splitlines()]
    wanted = [line for line in lines if line and not line.startswith("at ") and not line.startswith("...")]
    wanted = [line for line in wanted if line != "Java error message is:"]
    text = " ".join(wanted).replace('Exception in thread "main" ', "")
    return text[:600] or type(error).__name__


@dataclass
class _Outcome:
    consistent: bool
    unsatisfiable: tuple[URIRef, ...] = ()
    inferred: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _run_hermit(prepared: Graph, ignore_unsupported: bool) -> _Outcome:
    """One HermiT run (classification and realisation) over a prepared graph, in a World of its own."""
    java = _java()
    data = prepared.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    try:
        with _GLOBALS_LOCK, tempfile.TemporaryDirectory(prefix="coopgraph-hermit-") as scratch:
            saved = tempfile.tempdir, owlready2.JAVA_EXE
            # owlready2 leaves its temporary file behind when HermiT fails: keep it in our own directory.
            tempfile.tempdir, owlready2.JAVA_EXE = scratch, java
            printed = io.StringIO()  # owlready2 prints its warnings on stderr
            try:
                with contextlib.redirect_stderr(printed):
                    world.get_ontology(_COPY_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
                    # HermiT's command line makes a base IRI of the working directory and fails in "/".
                    with _working_directory(scratch):
                        owlready2.sync_reasoner_hermit(
                            world, debug=0, ignore_unsupported_datatypes=ignore_unsupported
                        )
            except owlready2.OwlReadyInconsistentOntologyError:
                return _Outcome(consistent=False, warnings=_warnings(printed.getvalue()))
            except owlready2.OwlReadyJavaError as error:
                raise ReasonerError(f"HermiT failed: {_java_message(error)}") from None
            except owlready2.OwlReadyOntologyParsingError as error:
                raise ReasonerError(f"owlready2 could not read the graph: {error}") from None
            except OSError as error:
                raise ReasonerError(f"could not run Java ({java}): {error}") from None
            finally:
                tempfile.tempdir, owlready2.JAVA_EXE = saved
            unsatisfiable = tuple(
                sorted(URIRef(c.iri) for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
            )
            return _Outcome(True, unsatisfiable, _read_inferences(world), _warnings(printed.getvalue()))
    finally:
        world.close()


@contextlib.contextmanager
def _working_directory(path: str):
    """``contextlib.chdir`` (Python 3.11+) for Python 3.10 too."""
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _warnings(printed: str) -> tuple[str, ...]:
    """owlready2's warnings (e.g. a property declared both an object and an annotation property)."""
    marker = "* Owlready2 * WARNING: "
    return tuple(sorted(line.split(marker, 1)[1].strip() for line in printed.splitlines() if marker in line))


def _read_inferences(world: owlready2.World) -> dict[URIRef, frozenset[URIRef]]:
    """The new most specific types owlready2 recorded for individuals after HermiT's realisation."""
    buffer = io.BytesIO()
    world.get_ontology(_INFERENCES_ONTOLOGY).save(buffer, format="ntriples")
    inferences = Graph().parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    types: dict[URIRef, set[URIRef]] = {}
    for s, o in inferences.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and o not in (OWL.Thing, OWL.Ontology):
            types.setdefault(s, set()).add(o)
    return {s: frozenset(t) for s, t in types.items()}


def _is_schema_term(graph: Graph, node: URIRef) -> bool:
    """A class, property, datatype or ontology (kept whole when narrowing down), not an individual."""
    if str(node).startswith(_SCHEMA_TYPES_NAMESPACES + (str(XSD),)):
        return True
    if (None, node, None) in graph or (None, RDF.type, node) in graph:
        return True
    if any((node, p, None) in graph for p in _SCHEMA_PREDICATES):
        return True
    for kind in graph.objects(node, RDF.type):
        # str() first: rdflib's URIRef.startswith takes no tuple
        if kind != OWL.NamedIndividual and str(kind).startswith(_SCHEMA_TYPES_NAMESPACES):
            return True
    return False


def _blocks(graph: Graph) -> tuple[Graph, dict[URIRef, set]]:
    """Split a graph into the schema (always kept) and one block of statements per individual.

    An individual's block holds the statements it is the subject of, with the blank nodes they lead to.
    """
    blocks: dict[URIRef, set] = {}
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        if _is_schema_term(graph, subject):
            continue
        block, todo, seen = set(), [subject], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for triple in graph.triples((node, None, None)):
                block.add(triple)
                if isinstance(triple[2], BNode):
                    todo.append(triple[2])
        blocks[subject] = block
    in_blocks = set().union(*blocks.values()) if blocks else set()
    schema = Graph()
    for triple in graph:
        if triple not in in_blocks:
            schema.add(triple)
    return schema, blocks


def _narrow_down(
    units: list[URIRef], inconsistent: Callable[[Sequence[URIRef]], bool], budget: int
) -> list[URIRef]:
    """Delta debugging (Zeller's ddmin): a small subset of ``units`` that is still inconsistent.

    Stops early, with the smallest inconsistent set found so far, after ``budget`` tests.
    """
    runs, granularity = 0, 2
    while len(units) >= 2:
        size = -(-len(units) // granularity)
        chunks = [units[i : i + size] for i in range(0, len(units), size)]
        candidates = [(chunk, 2) for chunk in chunks]
        if granularity > 2:  # with two chunks, each complement is the other chunk
            candidates += [([u for u in units if u not in chunk], granularity - 1) for chunk in chunks]
        for candidate, next_granularity in candidates:
            if runs >= budget:
                return units
            runs += 1
            if inconsistent(candidate):
                units, granularity = candidate, max(next_granularity, 2)
                break
        else:
            if granularity >= len(units):
                break
            granularity = min(len(units), granularity * 2)
    return units


def _neighbourhood(blocks: dict[URIRef, set], suspects: Iterable[URIRef]) -> list[URIRef]:
    """The suspects that are individuals, with the individuals they point at or are pointed at by."""
    suspects = {s for s in suspects if s in blocks}
    found = set(suspects)
    for individual, block in blocks.items():
        objects = {o for _, _, o in block} & blocks.keys()
        if individual in suspects:
            found |= objects
        elif objects & suspects:
            found.add(individual)
    return sorted(found)


def check_consistency(
    graph: Graph, explain: bool = True, suspects: Iterable[URIRef] = ()
) -> ConsistencyReport:
    """Check a graph (ontology and data together) for OWL 2 DL consistency with HermiT.

    With ``explain``, an inconsistent graph is narrowed down to the individuals that cause it (more HermiT
    runs, about a second each, at most :data:`MAX_EXPLAIN_RUNS`). ``suspects`` (e.g. the individuals of a
    newly added file) are looked at first, with their neighbours: when they already contradict the ontology
    the search stays among them, which takes a run or two. Raises :class:`ReasonerError` when the reasoner
    cannot run (no Java, input HermiT refuses, owlready2 failure).
    """
    prepared, notes = prepare_for_hermit(graph)
    ignore = any("opaque" in note for note in notes)
    outcome = _run_hermit(prepared, ignore)
    notes += [f"owlready2 warned: {warning}" for warning in outcome.warnings]
    if outcome.consistent:
        if outcome.unsatisfiable:
            names = ", ".join(_name(graph, c) for c in outcome.unsatisfiable)
            message = f"consistent, but {len(outcome.unsatisfiable)} class(es) can have no member: {names}"
        else:
            message = "consistent: HermiT found no contradiction and no unsatisfiable class"
        return ConsistencyReport(True, outcome.unsatisfiable, message, notes=tuple(notes))
    if not explain:
        message = "inconsistent: the statements contradict each other"
        return ConsistencyReport(False, (), message, notes=tuple(notes))
    schema, blocks = _blocks(prepared)

    def inconsistent(subset: Sequence[URIRef]) -> bool:
        trial = Graph()
        for triple in schema:
            trial.add(triple)
        for individual in subset:
            for triple in blocks[individual]:
                trial.add(triple)
        return not _run_hermit(trial, ignore).consistent

    units = sorted(blocks)
    focus = _neighbourhood(blocks, suspects)
    if focus and len(focus) < len(units) and inconsistent(focus):
        units = focus
    culprits = tuple(_narrow_down(units, inconsistent, MAX_EXPLAIN_RUNS))
    # A 1-minimal set of two or more shows the schema alone is consistent; one individual may be innocent.
    if len(culprits) <= 1 and inconsistent([]):
        message = "inconsistent: the ontology's axioms contradict each other even without any individual"
        return ConsistencyReport(False, (), message, notes=tuple(notes))
    names = ", ".join(_name(graph, c) for c in culprits)
    message = f"inconsistent: the statements about {names} cannot all hold under the ontology"
    return ConsistencyReport(False, (), message, culprits=culprits, notes=tuple(notes))


def inferred_types(graph: Graph) -> dict[URIRef, frozenset[URIRef]]:
    """The most specific types HermiT infers for individuals beyond those asserted (e.g. from a domain).

    Raises :class:`ReasonerError` if the graph is inconsistent (everything follows from a contradiction).
    """
    prepared, notes = prepare_for_hermit(graph)
    outcome = _run_hermit(prepared, any("opaque" in note for note in notes))
    if not outcome.consistent:
        raise ReasonerError("the graph is inconsistent: no types can be inferred from it")
    inferred = {}
    for node, types in outcome.inferred.items():
        new = frozenset(t for t in types if (node, RDF.type, t) not in graph)
        if new and not _is_schema_term(graph, node):  # owlready2 also lists punned classes here
            inferred[node] = new
    return inferred


def _name(graph: Graph, node: URIRef) -> str:
    try:
        return graph.namespace_manager.curie(node, generate=False)
    except (ValueError, KeyError):
        return f"<{node}>"


def check_files(
    paths: Iterable[str | Path] = (), shipped: bool = True, explain: bool = True
) -> ConsistencyReport:
    """Check the shipped ontology and data (unless ``shipped`` is false) together with the given files.

    The individuals the given files describe are the first suspects when the whole is inconsistent.

    Files are loaded with :mod:`coopgraph.load` (so a syntax error raises :class:`coopgraph.load.LoadError`);
    the report's ``where`` names, for each culprit, the files that make statements about it.
    """
    paths = [Path(p) for p in paths]
    dataset = load.load_shipped(paths) if shipped else load.load_files(paths)
    suspects = set()
    for path in paths:
        suspects |= {s for s in dataset.graph(load.graph_iri_for(path)).subjects() if isinstance(s, URIRef)}
    report = check_consistency(load.union_graph(dataset), explain=explain, suspects=suspects)
    if not report.culprits:
        return report
    files = [*load.resources.graph_files(), *paths] if shipped else paths
    by_graph = {load.graph_iri_for(p): _display(p) for p in files}
    where = {}
    for culprit in report.culprits:
        graphs = {getattr(g, "identifier", g) for _, _, _, g in dataset.quads((culprit, None, None, None))}
        where[culprit] = tuple(sorted(by_graph.get(g, str(g)) for g in graphs))
    return ConsistencyReport(
        report.consistent, report.unsatisfiable, report.message, report.culprits, report.notes, where
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
