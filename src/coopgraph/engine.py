"""SHACL-SPARQL constraints run as one query each over the whole data graph, on the embedded store.

pySHACL runs a SPARQL-based constraint once per focus node, on rdflib's SPARQL engine: for a shape that
targets every typed node that is thousands of queries, and it was most of the validation time. The SHACL
specification defines the constraint's results as the solutions of its SELECT query with ``$this`` pre-bound
to each focus node; for the queries this project writes (``$this`` projected and used in the patterns, no
``$currentShape`` or ``$shapesGraph``) that is the same as one query in which ``?this`` ranges over the focus
nodes, joined with the targets. That query runs on pyoxigraph.

:func:`split` takes the shapes graph apart: the constraints this module can run (a SPARQL constraint of a
targeted node shape, or of a property shape reached only through ``sh:property`` from such node shapes), and
what is left (everything else, untouched). :func:`coopgraph.validate.compile_constraints` refuses shapes with
a SPARQL constraint left over, so nothing is ever skipped; SHACL Core is :mod:`coopgraph.core`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from coopgraph.errors import ShapesError
from coopgraph.vocab import SH, short

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: links by which a shape is used inside another: a constraint reached through them runs on value nodes, not
#: on the targets, and is not compiled here
_NESTING = (SH.node, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone, RDF.first)


@dataclass(frozen=True)
class Constraint:
    """A constraint ready to run as one query: a SHACL-SPARQL constraint (``shape sh:sparql node``), or a
    SHACL Core one compiled by :mod:`coopgraph.core` (no ``node``)."""

    shape: URIRef  # the node or property shape the constraint belongs to (a result's sh:sourceShape)
    node: Node | None  # the sh:SPARQLConstraint (a result's sh:sourceConstraint); None for SHACL Core
    query: str  # the whole query: prefixes, the focus nodes as ?this, and the constraint's SELECT
    path_node: Node | None  # the same path as a node of the shapes graph (for the report graph)
    severity: URIRef
    messages: tuple[Literal, ...]
    component: URIRef = SH.SPARQLConstraintComponent


@dataclass(frozen=True)
class Row:
    """One result of a constraint: the focus node, the path and value when known, the other bindings."""

    constraint: Constraint
    focus: Node
    path: Node | None  # an IRI bound by the query, else the shape's sh:path (a node of the shapes graph)
    value: Node | None
    bindings: dict[str, Node]

    @property
    def message(self) -> str:
        """The constraint's message (English first), with ``{?name}`` / ``{$name}`` filled from the row with
        each term's text, as pySHACL fills them (the report shortens the IRIs in every message alike)."""
        if "message" in self.bindings:
            return str(self.bindings["message"])
        messages = sorted(self.constraint.messages, key=lambda m: (m.language != "en", str(m)))
        text = str(messages[0]) if messages else ""
        names = {**self.bindings, "this": self.focus}
        if self.value is not None:
            names["value"] = self.value
        return re.sub(r"\{[?$](\w+)\}", lambda m: str(names[m[1]]) if m[1] in names else m[0], text)


def path_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{path_sparql(shapes, inverse)}"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(shapes, step) for step in Collection(shapes, alternatives)) + ")"
    if shapes.value(path, RDF.first) is not None:
        return "(" + "/".join(path_sparql(shapes, step) for step in Collection(shapes, path)) + ")"
    for key, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, key)
        if inner is not None:
            return f"{path_sparql(shapes, inner)}{mark}"
    raise ShapesError(f"{path} is not a SHACL property path")


def targets(shapes: Graph, shape: Node) -> list[str]:
    """Group patterns binding ``?this`` to the shape's own targets, implicit class targets included (a shape
    that is also a class targets its instances), in a stable order so that a query is the same text in
    every process (kept results and plans are keyed by it). Both compilers use them."""
    classes = set(shapes.objects(shape, SH.targetClass))
    if {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type)):
        classes.add(shape)
    patterns = [f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{klass}> ." for klass in sorted(classes)]
    patterns += [f"VALUES ?this {{ {node.n3()} }}" for node in sorted(shapes.objects(shape, SH.targetNode))]
    patterns += [f"?this <{p}> [] ." for p in sorted(shapes.objects(shape, SH.targetSubjectsOf))]
    patterns += [f"[] <{p}> ?this ." for p in sorted(shapes.objects(shape, SH.targetObjectsOf))]
    return patterns


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _top_level(shapes: Graph, shape: Node) -> bool:
    """Not used inside another shape (only through ``sh:property`` from node shapes that are top level)."""
    return all((None, link, shape) not in shapes for link in _NESTING)


def _focus_shapes(shapes: Graph, shape: Node) -> list[Node] | None:
    """The targeted, top-level shapes whose focus nodes ``shape`` is run on; ``None`` when it is nested."""
    if not _top_level(shapes, shape):
        return None
    owners = list(shapes.subjects(SH.property, shape))
    if any(not _top_level(shapes, owner) for owner in owners):
        return None
    found = sorted((owner for owner in owners if targets(shapes, owner)), key=str)
    if targets(shapes, shape):
        found.append(shape)
    return found


_THIS = Variable("this")
_PASS_THROUGH = {"Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Graph", "SelectQuery"}


def _bound(node) -> set[Variable]:
    """The variables every solution of an algebra node binds (an under-estimate where unsure)."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return {term for triple in node.triples for term in triple if isinstance(term, Variable)}
    if name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _bound(node.p1)
    if name == "Filter":
        return _bound(node.p)
    if name == "Extend":
        return _bound(node.p) | {node.var}
    if name == "Project" and node.p is not None:
        return _bound(node.p) & set(node.PV)
    if name in _PASS_THROUGH and node.get("p") is not None:
        return _bound(node.p)
    return set()


def _mentions_this(expression) -> bool:
    if expression == _THIS:
        return True
    if isinstance(expression, CompValue):
        return any(_mentions_this(value) for value in expression.values())
    if isinstance(expression, (list, tuple)):
        return any(_mentions_this(value) for value in expression)
    return False


def is_sub_select(node: object) -> bool:
    """Whether an algebra node is a sub-select (rdflib writes a VALUES block as a ``ToMultiSet`` too)."""
    return isinstance(node, CompValue) and node.name == "ToMultiSet" and node.p.name != "values"


def _projected(node: CompValue) -> CompValue:
    """A sub-select without the list of variables it projects (the first Project below it)."""
    if node.name == "Project":
        return CompValue(
            "Project", **{key: value for key, value in node.items() if key not in ("PV", "_vars")}
        )
    return CompValue(
        node.name, **{key: _projected(value) if key == "p" else value for key, value in node.items()}
    )


def _nested(body: str) -> bool:
    """Whether a WHERE clause has groups below its own (UNION, OPTIONAL, GRAPH or a plain group) other than
    EXISTS blocks, which see the bindings of the group they stand in: only then can a condition see ?this
    unbound, and the query needs :func:`_this_bound_wherever_used` (which parses it: slow)."""
    if re.search(r"\b(UNION|OPTIONAL|GRAPH)\b", body, re.I):
        return True
    return "{" in re.sub(r"EXISTS\s*\{", "", body)


#: the answers of :func:`_this_bound_wherever_used` known so far, by query text: a caller may keep them from
#: one process to the next (:func:`coopgraph.validate.compile_constraints` does), as reading a query is slow
BOUND_ANSWERS: dict[str, bool] = {}


def _this_bound_wherever_used(query: str) -> bool:
    """Whether every FILTER, BIND and OPTIONAL condition that uses ?this sees it bound by the patterns it
    applies to, and no sub-select of the constraint uses ?this but to project it. Then joining the focus
    nodes in (as :func:`_compile` does) gives what SHACL's pre-binding of $this gives; where a condition
    would see ?this unbound (say, a FILTER alone in a UNION branch), or a sub-select uses ?this beyond
    projecting it (its LIMIT or aggregate would then count per focus node), the constraint is not
    compiled."""
    if query not in BOUND_ANSWERS:
        BOUND_ANSWERS[query] = _read_this_bound(query)
    return BOUND_ANSWERS[query]


def _read_this_bound(query: str) -> bool:
    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 — whatever rdflib cannot read, pySHACL (on rdflib) reports itself
        return False

    focus = []  # the first sub-select is the focus nodes' (see _compile); any other never mentions ?this

    def safe(node) -> bool:
        if not isinstance(node, CompValue):
            return True
        name = node.name
        if is_sub_select(node):
            if focus:  # one that projects ?this only (SHACL asks it to) is left as it is by pre-binding
                return not _mentions_this(_projected(node))
            focus.append(node)
        if name == "Filter" and _mentions_this(node.expr) and _THIS not in _bound(node.p):
            return False
        if name == "Extend" and _mentions_this(node.expr) and _THIS not in _bound(node.p):
            return False
        if (
            name == "LeftJoin"
            and _mentions_this(node.get("expr"))
            and _THIS not in _bound(node.p1) | _bound(node.p2)
        ):
            return False
        return all(safe(value) for key, value in node.items() if key in ("p", "p1", "p2"))

    return safe(algebra)


def _deactivated(shapes: Graph, node: Node) -> bool:
    return shapes.value(node, SH.deactivated) == Literal(True)


def _compile(shapes: Graph, shape: URIRef, node: Node, owners: list[Node]) -> Constraint | None:
    select = shapes.value(node, SH.select)
    if select is None or re.search(r"\$(currentShape|shapesGraph)\b", str(select)):
        return None
    path_node = shapes.value(shape, SH.path)
    path = path_sparql(shapes, path_node) if path_node is not None else None
    text = str(select)
    if "$PATH" in text:
        if path is None:
            return None
        text = text.replace("$PATH", path)
    text = re.sub(r"\$(\w+)", r"?\1", text)
    head = re.match(r"\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*WHERE\s*\{", text, re.S | re.I)
    if head is None or not re.search(r"\?this\b", head[1]):
        return None  # the query must project ?this for the focus nodes to be joined in
    if re.search(r"\b(MINUS|SERVICE)\b", text[head.end() :], re.I):
        return None  # where ?this would not be bound as SHACL pre-binds it: not compiled
    # The focus nodes open the WHERE group, so every pattern, BIND and FILTER of the group sees ?this bound,
    # as SHACL's pre-binding of $this has it.
    union = " UNION ".join(f"{{ {pattern} }}" for owner in owners for pattern in targets(shapes, owner))
    focus = f"\n  {{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
    query = f"{_prefixes(shapes, node)}\n{text[: head.end()]}{focus}{text[head.end() :]}"
    if _nested(text[head.end() :]) and not _this_bound_wherever_used(query):
        return None
    severity = shapes.value(shape, SH.severity) or SH.Violation
    messages = tuple(shapes.objects(node, SH.message)) or tuple(shapes.objects(shape, SH.message))
    return Constraint(shape, node, query, path_node, severity, messages)


def split(shapes: Graph) -> tuple[list[Constraint], Graph]:
    """The SPARQL constraints this engine runs, and a copy of the shapes without them."""
    compiled: list[Constraint] = []
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    taken: set[tuple[Node, Node]] = set()
    # in a stable order (the constraint's node is often a blank node: its text decides)
    for shape, node in sorted(
        shapes.subject_objects(SH.sparql), key=lambda p: (str(p[0]), str(shapes.value(p[1], SH.select)))
    ):
        if _deactivated(shapes, shape) or _deactivated(shapes, node):
            continue
        owners = _focus_shapes(shapes, shape)
        if not owners or not isinstance(shape, URIRef):
            continue
        constraint = _compile(shapes, shape, node, owners)
        if constraint is not None:
            compiled.append(constraint)
            taken.add((shape, node))
    for triple in shapes:
        if triple[1] == SH.sparql and (triple[0], triple[2]) in taken:
            continue
        rest.add(triple)
    return compiled, rest


def from_oxigraph(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> Node:
    """The rdflib term for a pyoxigraph term (a plain string literal as rdflib reads one)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # a simple literal, as rdflib (and so pySHACL) reads one
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def run(constraints: list[Constraint], store: pyoxigraph.Store) -> Iterator[Row]:
    """Every result of every constraint on ``store``'s default graph (each distinct result once)."""
    for constraint in constraints:
        try:
            solutions = store.query(constraint.query)
        except (SyntaxError, ValueError, OSError) as error:
            what = constraint.node if constraint.node is not None else constraint.shape
            raise ShapesError(f"{short(str(what))}: the constraint cannot run: {error}") from None
        names = [variable.value for variable in solutions.variables]
        seen = set()
        for solution in solutions:
            bindings = {name: from_oxigraph(solution[name]) for name in names if solution[name] is not None}
            if "failure" in bindings:
                raise ShapesError(
                    f"{short(str(constraint.node))} reported a failure for {bindings.get('this')}"
                )
            focus = bindings.pop("this")
            path = bindings.pop("path", None)
            value = bindings.pop("value", None)
            if value is None and constraint.path_node is None:
                value = focus  # a node shape's result is about the focus node itself
            key = (focus, path, value, tuple(sorted(bindings.items())))
            if key in seen:
                continue
            seen.add(key)
            yield Row(constraint, focus, path if path is not None else constraint.path_node, value, bindings)
