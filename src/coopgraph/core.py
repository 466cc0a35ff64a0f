"""SHACL Core constraints compiled into SPARQL: one query per constraint over the whole data graph.

pySHACL checks SHACL Core one focus node at a time in Python; at a million triples that is hours. Here each
constraint component of each shape becomes one SELECT that finds every violation at once (``?this`` the focus
node, ``?value`` the value node when the result has one), run on pyoxigraph by :func:`coopgraph.engine.run`.
The meaning is the SHACL specification's (W3C Recommendation, 20 July 2017, section 4), with its traps:

- ``sh:class`` and ``sh:targetClass`` follow ``rdf:type/rdfs:subClassOf*`` in the data graph;
- ``sh:datatype`` rejects an ill-typed literal (``"2025-13-40"^^xsd:date``): the lexical form must cast;
- ``sh:in`` and ``sh:hasValue`` compare terms (``sameTerm``), not values;
- a comparison that raises a SPARQL error (``sh:lessThanOrEquals`` of an ``xsd:dateTime`` and an
  ``xsd:gYear``, ``sh:minInclusive`` on a string) is a violation, as the specification requires;
- a shape used inside another (``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``,
  ``sh:qualifiedValueShape``) is compiled as "has a violation" (an ``EXISTS`` over the union of its own
  constraints, with the value node as its focus).

A parameter of the SHACL namespace that this module does not implement is refused with a
:class:`~coopgraph.errors.ShapesError` naming the shape and the parameter: nothing is ever skipped.
"""

from __future__ import annotations

import itertools
import json

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from coopgraph.engine import Constraint, path_sparql, targets
from coopgraph.errors import ShapesError
from coopgraph.vocab import SH, short

_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatypes whose lexical forms SPARQL can check by casting (XPath constructor functions Oxigraph provides)
_CASTABLE = {
    f"{_XSD}{name}"
    for name in [
        *("string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time"),
        *("duration", "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gDay"),
        "gMonthDay",
    ]
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
#: SHACL terms on a shape that are not constraints, or are read together with the constraint they qualify
_NOT_CONSTRAINTS = {
    RDF.type,
    SH.path,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties,
    SH.sparql,  # top-level SPARQL constraints are coopgraph.engine's; nested ones are refused below
}

#: the constraint parameters compiled here
_HANDLED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    *_COMPARISONS,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.languageIn,
    SH.uniqueLang,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.hasValue,
    SH.minCount,
    SH.maxCount,
    SH.qualifiedValueShape,
    *_PAIRS,
    SH.equals,
    SH.disjoint,
    SH.closed,
}


def _well_typed(value: str, datatype: Node) -> str:
    """An expression: ``value`` is a literal of ``datatype`` whose lexical form is valid for it (an
    ill-typed literal keeps its datatype in SPARQL, but does not cast)."""
    test = f"isLiteral({value}) && sameTerm(datatype({value}), {_term(datatype)})"
    if str(datatype) in _CASTABLE:
        test += f" && COALESCE(sameTerm(datatype(<{datatype}>(STR({value}))), <{datatype}>), false)"
    elif datatype == RDF.langString:
        test += f' && lang({value}) != ""'
    return test


def _literal(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid SPARQL string literal (same escapes)


def _term(node: Node) -> str:
    if isinstance(node, Literal):
        lexical = _literal(str(node))
        if node.language:
            return f"{lexical}@{node.language}"
        return f"{lexical}^^<{node.datatype or _XSD + 'string'}>"
    if isinstance(node, BNode):
        raise ShapesError(f"a blank node ({node}) cannot be a constant of a SHACL Core constraint here")
    return f"<{node}>"


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.fresh = itertools.count()
        self.stack: list[Node] = []

    def var(self, name: str) -> str:
        return f"?{name}_{next(self.fresh)}"

    def list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def path(self, shape: Node) -> str | None:
        node = self.shapes.value(shape, SH.path)
        return None if node is None else path_sparql(self.shapes, node)

    def check_supported(self, shape: Node) -> None:
        for parameter in set(self.shapes.predicates(shape)):
            known = parameter in _NOT_CONSTRAINTS or parameter in _HANDLED
            if str(parameter).startswith(str(SH)) and not known:
                raise ShapesError(
                    f"{short(str(shape))}: {short(str(parameter))} is not supported by coopgraph's "
                    "validation engine; run with --reference to use pySHACL"
                )
        if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise ShapesError(
                f"{short(str(shape))}: sh:qualifiedValueShapesDisjoint is not supported by coopgraph's "
                "validation engine; run with --reference to use pySHACL"
            )

    # --- the violations of one shape, for a focus variable already bound --------------------------------

    def violations(self, shape: Node, focus: str) -> list[tuple[URIRef, str, str | None]]:
        """(component, group pattern, value variable) for each constraint of ``shape`` on ``focus``: the
        pattern matches once per violation, with ``focus`` bound by the surrounding query."""
        if self.shapes.value(shape, SH.deactivated) == Literal(True):
            return []
        if shape in self.stack:
            raise ShapesError(f"{short(str(shape))}: recursive shapes are not supported")
        self.check_supported(shape)
        self.stack.append(shape)
        try:
            return self._violations(shape, focus)
        finally:
            self.stack.pop()

    def _violations(self, shape: Node, focus: str) -> list[tuple[URIRef, str, str | None]]:
        found = self.constraints(shape, focus)
        # in a stable order (property shapes are often blank nodes), so a query is the same text in every
        # process: results and plans kept on disk are keyed by it
        for property_shape in self.objects(shape, SH.property):
            for component, pattern, _ in self.violations(property_shape, focus):
                found.append((component, pattern, None))  # nested: only whether it fails counts
        return found

    def objects(self, shape: Node, parameter: URIRef) -> list[Node]:
        """The values of a shape's parameter in a stable order (see :meth:`describe`)."""
        return sorted(self.shapes.objects(shape, parameter), key=self.describe)

    def describe(self, shape: Node) -> str:
        """A text for ordering shapes: the IRI, or for a blank node its path and direct parameters."""
        if not isinstance(shape, BNode):
            return str(shape)
        pairs = sorted(
            (str(p), str(o) if not isinstance(o, BNode) else "")
            for p, o in self.shapes.predicate_objects(shape)
        )
        return f"{self.path(shape) or ''} {pairs}"

    def constraints(self, shape: Node, focus: str) -> list[tuple[URIRef, str, str | None]]:
        """The shape's own constraints (not those of its property shapes)."""
        g = self.shapes
        path = self.path(shape)
        if path is None:
            value, values = focus, ""
        else:
            value = self.var("value")
            values = f"{focus} {path} {value} ."
        found: list[tuple[URIRef, str, str | None]] = []

        def each(component: URIRef, condition: str) -> None:
            """A violation for each value node for which ``condition`` holds."""
            found.append((component, f"{values} FILTER({condition})", value))

        for klass in self.objects(shape, SH["class"]):
            each(SH.ClassConstraintComponent, f"NOT EXISTS {{ {value} {_TYPE} {_term(klass)} }}")
        for datatype in self.objects(shape, SH.datatype):
            each(SH.DatatypeConstraintComponent, f"!({_well_typed(value, datatype)})")
        for kind in self.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise ShapesError(f"{short(str(shape))}: {kind} is not a node kind")
            each(SH.NodeKindConstraintComponent, "!" + _NODE_KINDS[kind].format(v=value))
        for pattern in self.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            extra = f", {_literal(str(flags))}" if flags is not None else ""
            each(
                SH.PatternConstraintComponent,
                f"isBlank({value}) || !REGEX(STR({value}), {_literal(str(pattern))}{extra})",
            )
        for parameter, (operator, component) in _COMPARISONS.items():
            for bound in self.objects(shape, parameter):
                each(component, f"!COALESCE({value} {operator} {_term(bound)}, false)")
        for parameter, operator, component in (
            (SH.minLength, ">=", SH.MinLengthConstraintComponent),
            (SH.maxLength, "<=", SH.MaxLengthConstraintComponent),
        ):
            for length in self.objects(shape, parameter):
                each(
                    component,
                    f"isBlank({value}) || !COALESCE(STRLEN(STR({value})) {operator} {int(length)}, false)",
                )
        for members in self.objects(shape, SH["in"]):
            terms = " || ".join(f"sameTerm({value}, {_term(m)})" for m in self.list(members)) or "false"
            each(SH.InConstraintComponent, f"!({terms})")
        for languages in self.objects(shape, SH.languageIn):
            tests = " || ".join(
                f"langMatches(lang({value}), {_literal(str(tag))})" for tag in self.list(languages)
            )
            each(SH.LanguageInConstraintComponent, f"!(isLiteral({value}) && ({tests or 'false'}))")
        for other in self.objects(shape, SH.node):
            each(SH.NodeConstraintComponent, self.fails(other, value))
        for other in self.objects(shape, SH["not"]):
            each(SH.NotConstraintComponent, f"!({self.fails(other, value)})")
        for members in self.objects(shape, SH["and"]):
            tests = [self.fails(m, value) for m in self.list(members)]
            each(SH.AndConstraintComponent, " || ".join(tests) or "false")
        for members in self.objects(shape, SH["or"]):
            tests = [self.fails(m, value) for m in self.list(members)]
            each(SH.OrConstraintComponent, " && ".join(tests) or "true")
        for members in self.objects(shape, SH.xone):
            tests = [f"IF({self.fails(m, value)}, 0, 1)" for m in self.list(members)]
            each(SH.XoneConstraintComponent, f"({' + '.join(tests) or '0'}) != 1")
        for known in self.objects(shape, SH.hasValue):
            if path is None:
                found.append(
                    (SH.HasValueConstraintComponent, f"FILTER(!sameTerm({focus}, {_term(known)}))", None)
                )
            else:
                found.append(
                    (
                        SH.HasValueConstraintComponent,
                        f"FILTER NOT EXISTS {{ {focus} {path} {_term(known)} }}",
                        None,
                    )
                )
        if path is not None:
            found += self._counts(shape, focus, path)
            found += self._pairs(shape, focus, path, value)
        elif any(True for _ in self.objects(shape, SH.minCount)) or any(
            True for _ in self.objects(shape, SH.maxCount)
        ):
            raise ShapesError(f"{short(str(shape))}: sh:minCount / sh:maxCount need sh:path")
        if g.value(shape, SH.closed) == Literal(True):
            found.append(self._closed(shape, focus))
        if self.stack[:-1] and any(True for _ in self.objects(shape, SH.sparql)):
            raise ShapesError(
                f"{short(str(shape))}: a SPARQL constraint in a shape used through sh:node, sh:or, … is not "
                "supported by coopgraph's validation engine; run with --reference to use pySHACL"
            )
        return found

    def _counts(self, shape: Node, focus: str, path: str) -> list[tuple[URIRef, str, str | None]]:
        found = []
        for minimum in self.objects(shape, SH.minCount):
            n = int(minimum)
            if n > 0:
                found.append(
                    (
                        SH.MinCountConstraintComponent,
                        f"FILTER NOT EXISTS {{ {self._distinct(focus, path, n)} }}",
                        None,
                    )
                )
        for maximum in self.objects(shape, SH.maxCount):
            found.append(
                (
                    SH.MaxCountConstraintComponent,
                    f"FILTER EXISTS {{ {self._distinct(focus, path, int(maximum) + 1)} }}",
                    None,
                )
            )
        for qualified in self.objects(shape, SH.qualifiedValueShape):

            def conforming(n: int, qualified: Node = qualified) -> str:
                names = [self.var("q") for _ in range(n)]
                parts = [
                    f"{focus} {path} {name} . FILTER(!({self.fails(qualified, name)}))" for name in names
                ]
                distinct = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
                return " ".join(parts) + (f" FILTER({' && '.join(distinct)})" if distinct else "")

            for minimum in self.objects(shape, SH.qualifiedMinCount):
                if int(minimum) > 0:
                    found.append(
                        (
                            SH.QualifiedMinCountConstraintComponent,
                            f"FILTER NOT EXISTS {{ {conforming(int(minimum))} }}",
                            None,
                        )
                    )
            for maximum in self.objects(shape, SH.qualifiedMaxCount):
                found.append(
                    (
                        SH.QualifiedMaxCountConstraintComponent,
                        f"FILTER EXISTS {{ {conforming(int(maximum) + 1)} }}",
                        None,
                    )
                )
        return found

    def _distinct(self, focus: str, path: str, n: int) -> str:
        """A pattern with ``n`` pairwise different values of ``path`` on ``focus``."""
        if n > 8:
            raise ShapesError(f"a count of {n} values is beyond what coopgraph's validation engine compiles")
        names = [self.var("n") for _ in range(n)]
        distinct = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        return " ".join(f"{focus} {path} {name} ." for name in names) + (
            f" FILTER({' && '.join(distinct)})" if distinct else ""
        )

    def _pairs(self, shape: Node, focus: str, path: str, value: str) -> list[tuple[URIRef, str, str | None]]:
        g = self.shapes
        found = []
        for parameter, operator in _PAIRS.items():
            component = (
                SH.LessThanConstraintComponent
                if parameter == SH.lessThan
                else SH.LessThanOrEqualsConstraintComponent
            )
            for other in self.objects(shape, parameter):
                o = self.var("other")
                test = f"!COALESCE({value} {operator} {o}, false)"
                found.append(
                    (
                        component,
                        f"{focus} {path} {value} . {focus} {_term(other)} {o} . FILTER({test})",
                        value,
                    )
                )
        for other in self.objects(shape, SH.equals):
            found.append(
                (
                    SH.EqualsConstraintComponent,
                    f"{{ {focus} {path} {value} . FILTER NOT EXISTS {{ {focus} {_term(other)} {value} }} }}"
                    f" UNION {{ {focus} {_term(other)} {value} . "
                    f"FILTER NOT EXISTS {{ {focus} {path} {value} }} }}",
                    value,
                )
            )
        if g.value(shape, SH.uniqueLang) == Literal(True):
            a, b = self.var("a"), self.var("b")
            found.append(
                (
                    SH.UniqueLangConstraintComponent,
                    f"{focus} {path} {a} . {focus} {path} {b} . "
                    f'FILTER(!sameTerm({a}, {b}) && lang({a}) != "" && LCASE(lang({a})) = LCASE(lang({b})))',
                    None,
                )
            )
        for other in self.objects(shape, SH.disjoint):
            found.append(
                (
                    SH.DisjointConstraintComponent,
                    f"{focus} {path} {value} . {focus} {_term(other)} {value} .",
                    value,
                )
            )
        return found

    def _closed(self, shape: Node, focus: str) -> tuple[URIRef, str, str | None]:
        g = self.shapes
        allowed = [g.value(p, SH.path) for p in self.objects(shape, SH.property)]
        for ignored in self.objects(shape, SH.ignoredProperties):
            allowed += self.list(ignored)
        allowed = [p for p in allowed if isinstance(p, URIRef)]
        # ?path is the result's path (the property not allowed); inside a nested shape it is local to EXISTS
        predicate, value = "?path", self.var("value")
        test = " || ".join(f"sameTerm({predicate}, <{p}>)" for p in allowed) or "false"
        return (SH.ClosedConstraintComponent, f"{focus} {predicate} {value} . FILTER(!({test}))", value)

    def fails(self, shape: Node, value: str) -> str:
        """An expression: ``value`` (a variable bound where the expression stands) does not conform to
        ``shape``. The nested shape's patterns use ``value`` as their focus, so inside the ``EXISTS`` they
        start from its binding, as SPARQL's substitution gives it; every other variable is fresh."""
        parts = self.violations(shape, value)
        if not parts:
            return "false"
        return "EXISTS { " + " UNION ".join(f"{{ {pattern} }}" for _, pattern, _ in parts) + " }"


def _focus(shapes: Graph, shape: Node) -> str | None:
    """A sub-select of the focus nodes ``shape`` is validated on: its own targets, and those of the node
    shapes that point at it with ``sh:property``; ``None`` when it has none (it is only used nested)."""
    owners = [shape, *sorted(shapes.subjects(SH.property, shape))]
    patterns = [
        pattern
        for owner in owners
        if shapes.value(owner, SH.deactivated) != Literal(True)
        for pattern in targets(shapes, owner)
    ]
    if not patterns:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " } }"


def compile_shapes(shapes: Graph) -> list[Constraint]:
    """Every SHACL Core constraint of every shape that has focus nodes, one query each (in a stable order).

    Raises :class:`ShapesError` for a SHACL feature this module does not implement."""
    compiler = _Compiler(shapes)
    constraints = []
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    candidates |= set(shapes.objects(None, SH.property))
    for shape in sorted(candidates, key=str):
        focus = _focus(shapes, shape)
        if focus is None or shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        compiler.check_supported(shape)
        compiler.stack = [shape]
        path_node = shapes.value(shape, SH.path)
        severity = shapes.value(shape, SH.severity) or SH.Violation
        messages = tuple(shapes.objects(shape, SH.message))
        for component, pattern, value in compiler.constraints(shape, "?this"):
            projected = "?this" if value in (None, "?this") else f"?this ({value} AS ?value)"
            if component == SH.ClosedConstraintComponent:
                projected += " ?path"
            query = f"SELECT DISTINCT {projected} WHERE {{\n  {focus}\n  {pattern}\n}}"
            constraints.append(Constraint(shape, None, query, path_node, severity, messages, component))
        compiler.stack = []
    return constraints
