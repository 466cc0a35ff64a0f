"""What tests compare validation reports as: results as tuples, and the constraints a report can name.

Shared by test_shapes.py (the fixtures' results against their ``*.expected.json``) and test_generator.py (the
generated graph's results against the rows the benchmark generator predicts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from rdflib import Graph, Namespace

from coopgraph.validate import Result

SH = Namespace("http://www.w3.org/ns/shacl#")
#: the ways a node shape selects its focus nodes
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: constraint parameters of SHACL Core (and sh:sparql) → the component a result names (sh:qualifiedValueShape
#: names sh:QualifiedMinCountConstraintComponent)
PARAMETERS = {
    "class": "Class",
    "datatype": "Datatype",
    "nodeKind": "NodeKind",
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "minInclusive": "MinInclusive",
    "maxInclusive": "MaxInclusive",
    "minExclusive": "MinExclusive",
    "maxExclusive": "MaxExclusive",
    "minLength": "MinLength",
    "maxLength": "MaxLength",
    "pattern": "Pattern",
    "languageIn": "LanguageIn",
    "uniqueLang": "UniqueLang",
    "equals": "Equals",
    "disjoint": "Disjoint",
    "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "not": "Not",
    "and": "And",
    "or": "Or",
    "xone": "Xone",
    "node": "Node",
    "qualifiedValueShape": "QualifiedMinCount",
    "closed": "Closed",
    "hasValue": "HasValue",
    "in": "In",
    "sparql": "SPARQL",
}


def result_key(result: Result | dict) -> tuple[str | None, ...]:
    """A result (a :class:`Result`, or a row with the same keys, as the JSON report and the generator write
    them) as (focus, path, value, shape, component)."""
    row = result if isinstance(result, dict) else asdict(result)
    return (row["focus"], row["path"], row["value"], row["shape"], row["component"])


def result_set(results: Iterable[Result | dict]) -> set[tuple[str | None, ...]]:
    """Results as a set of :func:`result_key`."""
    return {result_key(result) for result in results}


def reportable_constraints(shapes: Graph) -> set[tuple[str, str]]:
    """Every (source shape, constraint component) pair, as IRIs, that a validation report can name: the
    constraints of the targeted node shapes and of their property shapes (nested shapes, such as the
    concept-scheme ones, are reported through the sh:node or sh:qualifiedValueShape that uses them)."""
    pairs = set()
    for node_shape in {s for target in TARGETS for s in shapes.subjects(target, None)}:
        for shape in (node_shape, *shapes.objects(node_shape, SH.property)):
            for parameter, component in PARAMETERS.items():
                if (shape, SH[parameter], None) in shapes:
                    pairs.add((str(shape), str(SH[f"{component}ConstraintComponent"])))
    return pairs
