"""Validate only what new files can change: the focus nodes each constraint must be rerun on.

A constraint's results are a function of its focus node (``?this``) and the graph. When triples are added,
the results for a focus node can change only if some triple pattern of the constraint's query (anywhere in
it: the targets, a nested ``FILTER NOT EXISTS``, an ``OPTIONAL``) matches an added triple in an evaluation
that starts from that focus node. :func:`plan` reads each compiled query once (rdflib's algebra) and writes,
for every triple pattern, an *anchor*: a query of the focus nodes reached from an added triple matching the
pattern, through the patterns that must hold wherever it is evaluated (those of its own group and of the
groups around it, never those of a sibling ``UNION`` branch), by the shortest chain of them. Dropping every
other pattern and every filter only widens the anchor, so no focus node whose results can change is missed.

A rule about the graph as a whole has one focus node (the ontology) and a result per node at fault
(``?value``); when every pattern chains to ``?value`` instead, and ``?value`` is matched by a pattern of the
query's own group (not computed, not aggregated), the anchors find values and the rule is rerun on those.
A constraint is rerun on the whole graph (``full``) when no anchor can be written: a pattern that no chain
joins to the root (an aggregate over the graph), a ``GRAPH`` or ``SERVICE`` part, or an added triple whose
predicate is repeated inside a ``*`` / ``+`` / ``?`` path (``rdfs:subClassOf*``: a new subclass can change
every instance's results).

:func:`affected` runs the anchors on a store that holds the added triples in the named graph :data:`ADDED`;
:func:`restricted` is a constraint's query limited to the nodes listed for it in :data:`FOCUS`.
:func:`validate_on` merges the results: those of the base graph kept for every other node.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.paths import Path as RdfPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Literal, Node, Variable

from coopgraph import __version__, cache, load
from coopgraph.engine import Constraint, Row, from_oxigraph, is_sub_select, run

#: the named graph holding every triple the new files add, while they are validated
ADDED = "urn:coopgraph:added"
#: the named graph listing, for each constraint rerun on some focus nodes, those nodes
FOCUS = "urn:coopgraph:focus"
_CANDIDATE = "urn:coopgraph:candidate"
_FOCUS_SELECT = "{ SELECT DISTINCT ?this WHERE { "  # how both compilers open the focus nodes' sub-select
_THIS = Variable("this")
_VALUE = Variable("value")
_PASS_THROUGH = ("SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Group")


class _Unplannable(Exception):
    """A query part no anchor can be written for: the constraint is rerun in full."""


@dataclass
class Plan:
    """What adding triples can change in one constraint: ``anchors`` (SPARQL queries of focus nodes, each
    with the predicate of its added triple, or ``None`` when any predicate matches), or ``full``."""

    anchors: list[tuple[str | None, str]] = field(default_factory=list)
    full: bool = False
    #: the predicates repeated inside a ``*``/``+``/``?`` path: an added triple with one of them reruns it all
    full_if: set[str] = field(default_factory=set)
    #: the variable the anchors find: ``this``, or ``value`` for a rule about the graph as a whole (one focus
    #: node, a result per node at fault) whose results are a function of ``?value``
    root: str = "this"

    def to_json(self) -> dict:
        return {
            "anchors": self.anchors,
            "full": self.full,
            "full_if": sorted(self.full_if),
            "root": self.root,
        }

    @classmethod
    def from_json(cls, document: dict) -> Plan:
        anchors = [(predicate, text) for predicate, text in document["anchors"]]
        return cls(anchors, document["full"], set(document["full_if"]), document["root"])


# --- reading a query -------------------------------------------------------------------------------------

Edge = tuple[Node, object, Node]  # subject, predicate (IRI, variable or rdflib path), object


class _Reader:
    def __init__(self) -> None:
        self.fresh = itertools.count()
        #: each triple pattern, the other steps of the path it is a step of, and the patterns around it
        self.atoms: list[tuple[Edge, tuple[Edge, ...], tuple[Edge, ...]]] = []
        self.full_if: set[str] = set()

    def var(self) -> Variable:
        return Variable(f"_step{next(self.fresh)}")

    # the patterns certain to hold in every solution of a part (an under-estimate where unsure)
    def certain(self, node) -> list[Edge]:
        name = getattr(node, "name", None)
        if name == "BGP":
            return [tuple(triple) for triple in node.triples]
        if name == "Join":
            return self.certain(node.p1) + self.certain(node.p2)
        if name in ("LeftJoin", "Minus"):
            return self.certain(node.p1)
        if name in ("Filter", "Extend", "AggregateJoin", *_PASS_THROUGH):
            return self.certain(node.p) if isinstance(node.get("p"), CompValue) else []
        return []

    def walk(self, node, around: tuple[Edge, ...]) -> None:
        if not isinstance(node, CompValue):
            return
        name = node.name
        if name == "BGP":
            triples = [tuple(triple) for triple in node.triples]
            for triple in triples:
                self.pattern(triple, around + tuple(t for t in triples if t is not triple))
        elif name == "Join":
            self.walk(node.p1, around + tuple(self.certain(node.p2)))
            self.walk(node.p2, around + tuple(self.certain(node.p1)))
        elif name == "LeftJoin":
            self.walk(node.p1, around)
            inner = around + tuple(self.certain(node.p1))
            self.walk(node.p2, inner)
            self.expression(node.get("expr"), inner + tuple(self.certain(node.p2)))
        elif name == "Minus":
            self.walk(node.p1, around)
            self.walk(node.p2, around + tuple(self.certain(node.p1)))
        elif name == "Union":
            self.walk(node.p1, around)
            self.walk(node.p2, around)
        elif name in ("Filter", "Extend"):
            self.walk(node.p, around)
            self.expression(node.expr, around + tuple(self.certain(node.p)))
        elif name in _PASS_THROUGH or name == "AggregateJoin":
            self.walk(node.get("p"), around)
        elif name == "values":
            return
        else:  # GRAPH, SERVICE, or a form not foreseen
            raise _Unplannable(name)

    def expression(self, expression, around: tuple[Edge, ...]) -> None:
        """The graph patterns of the EXISTS / NOT EXISTS inside an expression (rdflib leaves them unread)."""
        if isinstance(expression, CompValue):
            if expression.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                self.walk(translateGroupGraphPattern(expression.graph), around)
                return
            for value in expression.values():
                self.expression(value, around)
        elif isinstance(expression, (list, tuple)):
            for value in expression:
                self.expression(value, around)

    def pattern(self, triple: Edge, around: tuple[Edge, ...]) -> None:
        """Each simple triple pattern a (possibly path) pattern can match an added triple at, with the other
        steps of its path added to what is around it."""
        for atom, siblings in self.steps(triple):
            self.atoms.append((atom, siblings, around + siblings))

    def steps(self, triple: Edge) -> Iterable[tuple[Edge, tuple[Edge, ...]]]:
        subject, predicate, object_ = triple
        if not isinstance(predicate, RdfPath):
            yield triple, ()
        elif isinstance(predicate, InvPath):
            yield from self.steps((object_, predicate.arg, subject))
        elif isinstance(predicate, AlternativePath):
            for each in predicate.args:
                yield from self.steps((subject, each, object_))
        elif isinstance(predicate, SequencePath):
            nodes = [subject, *(self.var() for _ in predicate.args[1:]), object_]
            links = [(nodes[i], step, nodes[i + 1]) for i, step in enumerate(predicate.args)]
            for i, link in enumerate(links):
                others = tuple(links[:i] + links[i + 1 :])
                for atom, siblings in self.steps(link):
                    yield atom, siblings + others
        elif isinstance(predicate, MulPath):
            self.full_if |= _predicates(predicate.path)  # an added step may lengthen any repetition
        elif isinstance(predicate, NegatedPath):
            anything = self.var()
            yield (subject, anything, object_), ()
            yield (object_, anything, subject), ()
        else:
            raise _Unplannable(type(predicate).__name__)


def _predicates(path) -> set[str]:
    if isinstance(path, URIRef):
        return {str(path)}
    if isinstance(path, (SequencePath, AlternativePath)):
        return set().union(*(_predicates(each) for each in path.args))
    if isinstance(path, (InvPath, MulPath)):
        return _predicates(path.arg if isinstance(path, InvPath) else path.path)
    raise _Unplannable(type(path).__name__)  # a negated path inside a repetition: any predicate


def _is_variable(term) -> bool:
    return isinstance(term, (Variable, BNode))


def _chain(atom: Edge, around: tuple[Edge, ...], root: Variable = _THIS) -> list[Edge] | None:
    """The shortest chain of patterns from a variable of ``atom`` to ``root`` (``[]`` when ``atom`` has
    it), or ``None`` when none joins them."""
    start = [term for term in (atom[0], atom[2], atom[1]) if _is_variable(term)]
    if root in start:
        return []
    came: dict[Node, tuple[Node, Edge] | None] = {term: None for term in start}
    queue = deque(start)
    while queue:
        node = queue.popleft()
        if node == root:
            chain = []
            while came[node] is not None:
                node, edge = came[node]
                chain.append(edge)
            return chain
        for edge in around:
            ends = [edge[0], edge[2]] + ([edge[1]] if _is_variable(edge[1]) else [])
            if node in ends:
                for other in ends:
                    if _is_variable(other) and other not in came:
                        came[other] = (node, edge)
                        queue.append(other)
    return None


def _text(term) -> str:
    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, BNode):
        return "?_blank" + re.sub(r"\W", "_", str(term))
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    if isinstance(term, InvPath):  # ^<p> (also inside a negated set), else ^(path)
        return f"^{_text(term.arg)}" if isinstance(term.arg, URIRef) else f"^({_text(term.arg)})"
    if isinstance(term, SequencePath):
        return "(" + "/".join(_text(step) for step in term.args) + ")"
    if isinstance(term, AlternativePath):
        return "(" + "|".join(_text(step) for step in term.args) + ")"
    if isinstance(term, MulPath):
        return f"({_text(term.path)}){term.mod}"
    if isinstance(term, NegatedPath):
        inner = [_text(each) for each in term.args]
        return "!(" + "|".join(inner) + ")"
    raise _Unplannable(type(term).__name__)


def _edge_text(edge: Edge) -> str:
    return f"{_text(edge[0])} {_text(edge[1])} {_text(edge[2])} ."


def plan(constraint: Constraint) -> Plan:
    """The anchors of one constraint (read from its query), or a full rerun where none can be written."""
    if constraint.query.count(_FOCUS_SELECT) != 1:
        return Plan(full=True)
    reader = _Reader()
    try:
        algebra = prepareQuery(constraint.query).algebra
        if _local_names_shared(algebra):
            return Plan(full=True)
        reader.walk(algebra, ())
        found = _anchors(reader, _THIS)
        if found is None and _keyed_by_value(reader, algebra):
            found = _anchors(reader, _VALUE)
        return found or Plan(full=True)
    except _Unplannable:
        return Plan(full=True)


def _variables(node, skip=None) -> set[Variable]:
    if node is skip:
        return set()
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, CompValue):
        return set().union(*(_variables(value, skip) for key, value in node.items() if key != "_vars"))
    if isinstance(node, (list, tuple)):
        return set().union(*(_variables(value, skip) for value in node))
    return set()


def _sub_selects(node) -> list[CompValue]:
    if not isinstance(node, CompValue):
        return []
    found = [node] if is_sub_select(node) else []
    return found + [each for key in ("p", "p1", "p2") for each in _sub_selects(node.get(key))]


def _local_names_shared(algebra) -> bool:
    """Whether a sub-select of the constraint (past the focus nodes' own, the first) has a variable it does
    not project named as one outside it: the reader, which joins patterns by variable name, would join the
    two, and narrow the anchors."""
    for sub in _sub_selects(algebra)[1:]:
        project = sub
        while isinstance(project, CompValue) and project.name != "Project":
            project = project.get("p")
        if project is None:
            return True  # no list of projected variables found: every name is taken as shared
        local = _variables(sub) - set(project.PV)
        if local & _variables(algebra, skip=sub):
            return True
    return False


def _anchors(reader: _Reader, root: Variable) -> Plan | None:
    found = Plan(full_if=reader.full_if, root=str(root))
    for atom, siblings, around in reader.atoms:
        chain = _chain(atom, around, root)
        if chain is None:
            return None
        # the other steps of the atom's path narrow it at no cost (rdf:type/rdfs:subClassOf* <class>)
        steps = list(dict.fromkeys([*siblings, *chain]))
        body = f"GRAPH <{ADDED}> {{ {_edge_text(atom)} }} " + " ".join(_edge_text(e) for e in steps)
        anchor = (
            str(atom[1]) if isinstance(atom[1], URIRef) else None,
            f"SELECT DISTINCT ?{root} WHERE {{ {body} }}",
        )
        if anchor not in found.anchors:
            found.anchors.append(anchor)
    return found


def _keyed_by_value(reader: _Reader, algebra) -> bool:
    """Whether the solutions with ``?value`` bound to a node are those the query gives with it pre-bound: it
    is bound by a pattern of the query's own group (not computed, not an aggregate)."""

    def grouped(node) -> bool:
        if not isinstance(node, CompValue):
            return False
        return node.name in ("Group", "AggregateJoin") or any(grouped(node.get(k)) for k in ("p", "p1", "p2"))

    certain = reader.certain(algebra)
    return not grouped(algebra) and any(_VALUE in (edge[0], edge[2]) for edge in certain)


# --- running the anchors ---------------------------------------------------------------------------------


def added_predicates(store: pyoxigraph.Store) -> set[str]:
    query = f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ADDED}> {{ ?s ?p ?o }} }}"
    return {solution["p"].value for solution in store.query(query)}


def affected(store: pyoxigraph.Store, plans: list[Plan]) -> dict[int, str | set]:
    """For each constraint that adding :data:`ADDED`'s triples can change: ``"full"``, or the focus nodes to
    rerun it on (also written into :data:`FOCUS` for :func:`restricted`)."""
    predicates = added_predicates(store)
    answers: dict[str, list] = {}
    found: dict[int, str | set] = {}
    listed = []
    for index, each in enumerate(plans):
        if each.full or each.full_if & predicates:
            found[index] = "full"
            continue
        nodes: set = set()
        for predicate, text in each.anchors:
            if predicate is not None and predicate not in predicates:
                continue
            if text not in answers:
                answers[text] = [solution[0] for solution in store.query(text)]
            nodes.update(answers[text])
        if nodes:
            found[index] = nodes
            mark = pyoxigraph.NamedNode(f"{_CANDIDATE}/{index}")
            candidate, graph = pyoxigraph.NamedNode(_CANDIDATE), pyoxigraph.NamedNode(FOCUS)
            listed.extend(pyoxigraph.Quad(node, candidate, mark, graph) for node in nodes)
    store.extend(listed)
    return found


def restricted(constraint: Constraint, index: int, root: str = "this") -> str:
    """The constraint's query on the nodes :func:`affected` listed for it only (as ``?this``, or as ``?value``
    for a graph-wide rule). The list is joined at the start of the query and, for focus nodes, in their
    sub-select too: pyoxigraph then starts from it wherever it plans the join (either place alone left some
    constraints at the cost of a full run: 1.4 s instead of 10 ms at 1M triples)."""
    listed = f"GRAPH <{FOCUS}> {{ ?{root} <{_CANDIDATE}> <{_CANDIDATE}/{index}> }} "
    query = constraint.query
    if root == "this":
        query = query.replace(_FOCUS_SELECT, _FOCUS_SELECT + listed, 1)
    start = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
    return query[: start.end()] + " " + listed + query[start.end() :]


# --- validating new files against a kept base graph ------------------------------------------------------


def _term_json(term: Node | None) -> list | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return ["b", str(term)]
    if isinstance(term, Literal):
        return ["l", str(term), term.language or "", str(term.datatype or "")]
    return ["i", str(term)]


def _term_from(document: list | None) -> Node | None:
    if document is None:
        return None
    if document[0] == "b":
        return BNode(document[1])
    if document[0] == "l":
        _, value, language, datatype = document
        return Literal(value, lang=language or None, datatype=URIRef(datatype) if datatype else None)
    return URIRef(document[1])


def _rows_json(rows: Iterable[Row], index: dict[int, int]) -> list:
    return [
        [
            index[id(row.constraint)],
            _term_json(row.focus),
            _term_json(row.path if row.path is not row.constraint.path_node else None),
            _term_json(row.value),
            {name: _term_json(term) for name, term in row.bindings.items()},
        ]
        for row in rows
    ]


def _rows_from(document: list, constraints: list[Constraint]) -> dict[int, list[Row]]:
    rows: dict[int, list[Row]] = {}
    for position, focus, path, value, bindings in document:
        constraint = constraints[position]
        path_term = _term_from(path)
        rows.setdefault(position, []).append(
            Row(
                constraint,
                _term_from(focus),
                path_term if path_term is not None else constraint.path_node,
                _term_from(value),
                {name: _term_from(term) for name, term in bindings.items()},
            )
        )
    return rows


_FORMAT = 2  # of the plans and kept results: a new format is a new key


def _key(constraints: list[Constraint]) -> str:
    """What kept plans and results are valid for: these queries, this format, this version of coopgraph."""
    text = "\n".join(constraint.query for constraint in constraints)
    return hashlib.sha256(f"{_FORMAT}\n{__version__}\n{text}".encode()).hexdigest()[:16]


def plans(constraints: list[Constraint], key: str) -> list[Plan]:
    """The plan of every constraint, kept in the cache folder (reading 250 queries takes seconds)."""
    with contextlib.suppress(KeyError, TypeError, ValueError):
        kept = cache.recall(f"plans-{key}")
        if isinstance(kept, list) and len(kept) == len(constraints):
            return [Plan.from_json(each) for each in kept]
    found = [plan(constraint) for constraint in constraints]
    cache.keep(f"plans-{key}", [each.to_json() for each in found])
    return found


def validate_on(
    build: cache.Build, new_files: list[Path], constraints: list[Constraint]
) -> tuple[pyoxigraph.Store, list[Row], int]:
    """The store validated (the build's graph plus ``new_files``), the results of ``constraints`` on it, and
    the number of triples of its default graph.

    The base graph's results are kept with the build (computed by a full run the first time). With new
    files, they are loaded into a scratch copy of the build (:meth:`coopgraph.cache.Build.scratch_copy`,
    removed when the store returned is no longer used, or at exit) and each constraint they can change is
    rerun: on the focus nodes its anchors reach, or in full; every other result is the base graph's."""
    key = _key(constraints)
    index = {id(constraint): position for position, constraint in enumerate(constraints)}
    kept = build.read(f"results-{key}")
    if kept is None:
        base_rows = list(run(constraints, build.store()))
        build.write(f"results-{key}", _rows_json(base_rows, index))
        by_constraint: dict[int, list[Row]] = {}
        for row in base_rows:
            by_constraint.setdefault(index[id(row.constraint)], []).append(row)
    else:
        by_constraint = _rows_from(kept, constraints)
    if not new_files:
        kept_rows = [row for position in sorted(by_constraint) for row in by_constraint[position]]
        return build.store(), kept_rows, build.triples
    store = build.scratch_copy()
    graphs = [f"<{load.graph_iri_for(path)}>" for path in new_files]
    load.load_store(new_files, store)
    store.update(
        f"INSERT {{ GRAPH <{ADDED}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {' '.join(graphs)} }} "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} "
        f"FILTER(?h NOT IN ({', '.join(graphs)})) }} }}"
    )
    (count,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ADDED}> {{ ?s ?p ?o }} }}")
    found_plans = plans(constraints, key)
    changed = affected(store, found_plans)
    rows: list[Row] = []
    for position, constraint in enumerate(constraints):
        if position not in changed:
            rows.extend(by_constraint.get(position, []))
        elif changed[position] == "full":
            rows.extend(run([constraint], store))
        else:
            root = found_plans[position].root
            again = {from_oxigraph(node) for node in changed[position]}
            kept_rows = by_constraint.get(position, [])
            rows.extend(row for row in kept_rows if (row.focus if root == "this" else row.value) not in again)
            narrowed = dataclasses.replace(constraint, query=restricted(constraint, position, root))
            rows.extend(dataclasses.replace(row, constraint=constraint) for row in run([narrowed], store))
    store.update(f"DROP SILENT GRAPH <{ADDED}> ; DROP SILENT GRAPH <{FOCUS}>")
    return store, rows, build.triples + int(count["n"].value)
