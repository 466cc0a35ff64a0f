"""The Turtle writer of the generator, and the ways it breaks an instrument on purpose.

A :class:`Doc` is a file as an ordered set of :class:`Node` blocks (subject, types, predicate → objects, every
term written as Turtle: prefixed names and literals), rendered with string templates and counted as it is
built. A mutation (:class:`Kind`) edits the document of one generated instrument so that it breaks one named
constraint of ``shapes/*.ttl``, and returns the validation results that edit causes, known by construction:
the constraint it aims at, and the few results that necessarily come with it (a second party with no
signature also gets the warning that its signature is missing), each stated in the mutation.

:data:`KINDS` lists every mutation (each is used once in a graph of the smallest size); :data:`UNCOVERED`
the constraints that no mutation breaks (neither as its aim nor as a result that comes with it), each with the
reason. Mutations only touch instrument files; the constraints about what instrument files do not describe
(states, code lists, the ontology, visits and conferences…, the people of the generated state files) are
listed, not broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

PREFIXES = {
    "cg": "https://w3id.org/coopgraph/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "cgsh": "https://w3id.org/coopgraph/shapes#",
    **{
        kind: f"https://w3id.org/coopgraph/id/{kind}/"
        for kind in (
            "body",
            "claim",
            "claim-kind",
            "cooperation-form",
            "assistance-form",
            "authority-role",
            "condition",
            "crime-type",
            "designation",
            "event",
            "evidence",
            "framework",
            "instrument",
            "interval",
            "legal-status",
            "person",
            "place",
            "post",
            "registration",
            "registry",
            "source",
            "source-kind",
            "state",
            "status",
            "tenure",
        )
    },
}
VIOLATION, WARNING = "sh:Violation", "sh:Warning"


@dataclass
class Node:
    """One subject's block: its types and, in order, each predicate with its objects (Turtle terms)."""

    subject: str
    types: str | list[str]
    props: dict[str, list[str]] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        types = [self.types] if isinstance(self.types, str) else self.types
        return len(types) + sum(len(objects) for objects in self.props.values())

    def render(self) -> str:
        types = [self.types] if isinstance(self.types, str) else self.types
        lines = [f"{self.subject}", f"    a {' , '.join(types)} ;"]
        lines += [f"    {p} {' , '.join(objects)} ;" for p, objects in self.props.items() if objects]
        return "\n".join(lines) + "\n.\n"


class Doc:
    """A Turtle file being written: a header comment, the prefixes, the blocks in the order added."""

    def __init__(self, header: str) -> None:
        self.header = header
        self.nodes: dict[str, Node] = {}

    def add(self, node: Node) -> None:
        self.nodes[node.subject] = node

    def __getitem__(self, subject: str) -> Node:
        return self.nodes[subject]

    def remove(self, subject: str) -> None:
        del self.nodes[subject]

    @property
    def triples(self) -> int:
        return sum(node.triples for node in self.nodes.values())

    def render(self) -> str:
        head = "".join(f"# {line}\n" for line in wrap(self.header))
        prefixes = "".join(
            f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()) if p not in ("sh", "cgsh")
        )
        return head + prefixes + "".join("\n" + node.render() for node in self.nodes.values())


def wrap(text: str, width: int = 100) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


# --- result rows ---------------------------------------------------------------------------------------


def full(term: str | None) -> str | None:
    """A Turtle term of the generator as :class:`coopgraph.validate.Result` writes it: an IRI in full, a
    literal in N-Triples form, an inverse path as ``^<…>``."""
    if term is None:
        return None
    if term.startswith("^"):
        return f"^<{full(term[1:])}>"
    if term.startswith("("):  # an alternative path, (a|b)
        return "(" + "|".join(f"<{full(t)}>" for t in term[1:-1].split("|")) + ")"
    if term.startswith('"'):
        body, _, tail = term[1:].rpartition('"')
        if tail.startswith("^^"):
            return f'"{body}"^^<{full(tail[2:])}>'
        return f'"{body}"{tail}'
    if term in ("true", "false"):
        return f'"{term}"^^<{PREFIXES["xsd"]}boolean>'
    if term.lstrip("-").isdigit():
        return f'"{term}"^^<{PREFIXES["xsd"]}integer>'
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return PREFIXES[prefix] + local


def row(
    focus: str, path: str | None, value: str | None, shape: str, component: str, severity: str = VIOLATION
):
    """One expected result (``shape`` a local name in cgsh:, ``component`` in sh: without the suffix)."""
    return {
        "focus": full(focus),
        "path": full(path),
        "value": full(value),
        "shape": full(f"cgsh:{shape}"),
        "component": full(f"sh:{component}ConstraintComponent"),
        "severity": full(severity),
    }


@dataclass(frozen=True)
class Kind:
    """One way of breaking an instrument: its name, the constraint it breaks and the edit."""

    name: str
    shape: str  # the source shape of the constraint broken (local name in cgsh:)
    component: str  # its component (local name in sh:, without ConstraintComponent)
    edit: Callable[[Doc, dict], list[dict]]

    def apply(self, doc: Doc, ctx: dict) -> list[dict]:
        doc.header += f" DELIBERATELY INVALID ({self.name}): breaks cgsh:{self.shape} ({self.component})."
        return self.edit(doc, ctx)


KINDS: list[Kind] = []


def kind(name: str, shape: str, component: str):
    def register(edit):
        KINDS.append(Kind(name, shape, component, edit))
        return edit

    return register


def _swap(values: list[str], old: str, new: str) -> None:
    values[values.index(old)] = new


def _other_state(ctx: dict) -> str:
    """A state that is neither party (drawn from the reference data's list, deterministically)."""
    parties = {ctx["a"].code, ctx["b"].code}
    return "state:" + next(code for code, _ in ctx["ref"].states if code not in parties)


def _events_of(doc: Doc, party: str) -> list[dict]:
    """The lifecycle events the generator drew for ``party``, which a mutation makes no party: each now
    concerns a state that is not a party of its instrument."""
    return [
        row(node.subject, "cg:forParty", party, "InstrumentEvent-partyOfInstrument", "SPARQL")
        for node in doc.nodes.values()
        if party in node.props.get("cg:forParty", ())
    ]


# --- instruments ---------------------------------------------------------------------------------------


@kind("three-parties", "BilateralInstrument-hasParty", "MaxCount")
def _three_parties(doc: Doc, ctx: dict) -> list[dict]:
    third = _other_state(ctx)
    doc[ctx["inst"]].props["cg:hasParty"].append(third)
    doc[ctx["ev"]["parties"]].props["cg:aboutValue"].append(third)
    values = sorted(doc[ctx["inst"]].props["cg:hasParty"], key=full)
    return [
        row(ctx["inst"], "cg:hasParty", values[-1], "BilateralInstrument-hasParty", "MaxCount"),
        # the third party signed nothing, though the others did: the warning comes with it
        row(ctx["inst"], "cg:hasParty", third, "Instrument-signatureForEachParty", "SPARQL", WARNING),
    ]


@kind("no-designation", "Instrument-hasDesignation", "MinCount")
def _no_designation(doc: Doc, ctx: dict) -> list[dict]:
    designation = doc[ctx["inst"]].props.pop("cg:hasDesignation")[0]
    name = doc[ctx["ev"]["name"]].props
    name["cg:aboutProperty"].remove("cg:hasDesignation")
    name["cg:aboutValue"].remove(designation)
    return [row(ctx["inst"], "cg:hasDesignation", None, "Instrument-hasDesignation", "MinCount")]


@kind("designation-not-a-designation", "Instrument-hasDesignation", "Node")
def _designation_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"crime-type:{ctx['scopes'][0]}"
    _swap(doc[ctx["inst"]].props["cg:hasDesignation"], doc[ctx["inst"]].props["cg:hasDesignation"][0], wrong)
    values = doc[ctx["ev"]["name"]].props["cg:aboutValue"]
    _swap(values, values[1], wrong)
    return [row(ctx["inst"], "cg:hasDesignation", wrong, "Instrument-hasDesignation", "Node")]


@kind("scope-not-a-crime-type", "Instrument-hasScope", "Node")
def _scope_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"cooperation-form:{ctx['forms'][0]}"
    old = f"crime-type:{ctx['scopes'][0]}"
    _swap(doc[ctx["inst"]].props["cg:hasScope"], old, wrong)
    _swap(doc[ctx["ev"]["scope"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["inst"], "cg:hasScope", wrong, "Instrument-hasScope", "Node")]


@kind("cooperation-not-a-form", "Instrument-providesCooperation", "SPARQL")
def _cooperation_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"crime-type:{ctx['scopes'][0]}"
    old = f"cooperation-form:{ctx['forms'][0]}"
    _swap(doc[ctx["inst"]].props["cg:providesCooperation"], old, wrong)
    _swap(doc[ctx["ev"]["cooperation"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["inst"], "cg:providesCooperation", wrong, "Instrument-providesCooperation", "SPARQL")]


@kind("cooperation-deprecated", "DeprecatedConceptUseShape", "SPARQL")
def _cooperation_deprecated(doc: Doc, ctx: dict) -> list[dict]:
    old = f"cooperation-form:{ctx['forms'][0]}"
    wrong = f"assistance-form:{ctx['ref'].deprecated[0]}"
    _swap(doc[ctx["inst"]].props["cg:providesCooperation"], old, wrong)
    _swap(doc[ctx["ev"]["cooperation"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["inst"], "cg:providesCooperation", wrong, "DeprecatedConceptUseShape", "SPARQL", WARNING)]


@kind("exhaustive-not-boolean", "Instrument-assistanceListExhaustive", "Datatype")
def _exhaustive_text(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"no"'
    _swap(doc[ctx["inst"]].props["cg:assistanceListExhaustive"], "false", wrong)
    _swap(doc[ctx["ev"]["cooperation"]].props["cg:aboutValue"], "false", wrong)
    return [
        row(
            ctx["inst"],
            "cg:assistanceListExhaustive",
            wrong,
            "Instrument-assistanceListExhaustive",
            "Datatype",
        )
    ]


@kind("two-english-labels", "Instrument-label", "UniqueLang")
def _two_labels(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["inst"]].props["rdfs:label"].append('"another English label of the instrument"@en')
    return [row(ctx["inst"], "rdfs:label", None, "Instrument-label", "UniqueLang")]


@kind("official-name-untagged", "Instrument-officialName", "Datatype")
def _name_untagged(doc: Doc, ctx: dict) -> list[dict]:
    old = doc[ctx["inst"]].props["cg:officialName"][0]
    wrong = old.rsplit("@", 1)[0]
    _swap(doc[ctx["inst"]].props["cg:officialName"], old, wrong)
    _swap(doc[ctx["ev"]["name"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["inst"], "cg:officialName", wrong, "Instrument-officialName", "Datatype")]


@kind("framework-not-a-framework", "Instrument-invokesFramework", "Class")
def _framework_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"state:{ctx['a'].code}"
    doc[ctx["inst"]].props["cg:invokesFramework"] = [wrong]
    doc[ctx["ev"]["parties"]].props["cg:aboutProperty"].append("cg:invokesFramework")
    return [row(ctx["inst"], "cg:invokesFramework", wrong, "Instrument-invokesFramework", "Class")]


@kind("involves-activity", "Instrument-involvesActivityDeprecated", "MaxCount")
def _involves_activity(doc: Doc, ctx: dict) -> list[dict]:
    form = f"cooperation-form:{ctx['forms'][0]}"
    doc[ctx["inst"]].props["cg:involvesActivity"] = [form]
    doc[ctx["ev"]["cooperation"]].props["cg:aboutProperty"].append("cg:involvesActivity")
    return [
        row(
            ctx["inst"],
            "cg:involvesActivity",
            form,
            "Instrument-involvesActivityDeprecated",
            "MaxCount",
            WARNING,
        )
    ]


@kind("involves-activity-not-a-form", "Instrument-involvesActivity", "SPARQL")
def _involves_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"crime-type:{ctx['scopes'][0]}"
    doc[ctx["inst"]].props["cg:involvesActivity"] = [wrong]
    doc[ctx["ev"]["scope"]].props["cg:aboutProperty"].append("cg:involvesActivity")
    return [
        row(ctx["inst"], "cg:involvesActivity", wrong, "Instrument-involvesActivity", "SPARQL"),
        row(
            ctx["inst"],
            "cg:involvesActivity",
            wrong,
            "Instrument-involvesActivityDeprecated",
            "MaxCount",
            WARNING,
        ),
    ]


@kind("provides-assistance-not-legal", "Instrument-providesAssistance", "SPARQL")
def _assistance_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"crime-type:{ctx['scopes'][0]}"
    doc[ctx["inst"]].props["cg:providesAssistance"] = [wrong]
    doc[ctx["ev"]["scope"]].props["cg:aboutProperty"].append("cg:providesAssistance")
    return [
        row(ctx["inst"], "cg:providesAssistance", wrong, "Instrument-providesAssistance", "SPARQL"),
        row(ctx["inst"], "cg:providesAssistance", wrong, "DeprecatedPropertyUseShape", "SPARQL", WARNING),
    ]


@kind("statement-without-evidence", "EvidencedStatementsShape", "SPARQL")
def _unevidenced(doc: Doc, ctx: dict) -> list[dict]:
    scopes = doc[ctx["inst"]].props["cg:hasScope"]
    extra = next(
        f"crime-type:{c}" for c, _ in ctx["ref"].codes["crime-type"] if f"crime-type:{c}" not in scopes
    )
    scopes.append(extra)
    return [row(ctx["inst"], "cg:hasScope", extra, "EvidencedStatementsShape", "SPARQL")]


@kind("misspelt-term", "DeclaredTermsShape", "SPARQL")
def _misspelt(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["place"]
    doc[evidence].props["cg:quoteText"] = ['"the capital"']
    return [row(evidence, "cg:quoteText", '"the capital"', "DeclaredTermsShape", "SPARQL")]


@kind("dangling-reference", "DescribedReferencesShape", "SPARQL")
def _dangling(doc: Doc, ctx: dict) -> list[dict]:
    missing = f"evidence:{ctx['slug']}-never-written"
    doc[ctx["src"]].props["cg:hasEvidence"].append(missing)
    return [row(ctx["src"], "cg:hasEvidence", missing, "DescribedReferencesShape", "SPARQL")]


@kind("paragraph-unlabelled", "LabelledNodesShape", "SPARQL")
def _unlabelled(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    del doc[paragraph].props["rdfs:label"]
    return [row(paragraph, "rdfs:label", paragraph, "LabelledNodesShape", "SPARQL")]


@kind("language-tag-ill-formed", "WellFormedLanguageTagsShape", "SPARQL")
def _tag_ill_formed(doc: Doc, ctx: dict) -> list[dict]:
    note = '"A note in a tag that names no language."@english'
    doc[ctx["inst"]].props["skos:note"] = [note]
    return [
        row(ctx["inst"], "skos:note", note, "WellFormedLanguageTagsShape", "SPARQL"),
        row(ctx["inst"], "skos:note", note, "KnownLanguagesShape", "SPARQL"),  # not a known language either
    ]


@kind("language-unknown", "KnownLanguagesShape", "SPARQL")
def _tag_unknown(doc: Doc, ctx: dict) -> list[dict]:
    note = '"A note in a language the project does not write in."@zz'
    doc[ctx["inst"]].props["skos:note"] = [note]
    return [row(ctx["inst"], "skos:note", note, "KnownLanguagesShape", "SPARQL")]


@kind("untyped-subject", "GraphShape", "SPARQL")
def _untyped(doc: Doc, ctx: dict) -> list[dict]:
    node = f"<https://w3id.org/coopgraph/id/note/{ctx['slug']}-untyped>"
    doc.add(_Untyped(node, [], {"rdfs:label": ['"a node nobody typed"@en']}))
    return [row("<https://w3id.org/coopgraph/ontology>", None, node, "GraphShape", "SPARQL")]


class _Untyped(Node):
    """A block with no ``a`` line."""

    def render(self) -> str:
        lines = [self.subject] + [f"    {p} {' , '.join(o)} ;" for p, o in self.props.items()]
        return "\n".join(lines) + "\n.\n"


@kind("disjoint-types", "DisjointClassesShape", "SPARQL")
def _disjoint(doc: Doc, ctx: dict) -> list[dict]:
    person = f"person:{ctx['slug']}-press-office"
    doc.add(Node(person, ["cg:Person", "cg:Organisation"], {"rdfs:label": ['"the press office"@en']}))
    return [
        row(person, "rdf:type", "cg:Person", "DisjointClassesShape", "SPARQL"),
        row(person, "rdf:type", "cg:Organisation", "DisjointClassesShape", "SPARQL"),
    ]


# --- signatures and the signing ------------------------------------------------------------------------


def _resign(doc: Doc, ctx: dict, side: str, prop: str, old: str, new: str) -> None:
    """Replace a value of a signature (``side`` "a" or "b") and in the evidence that names it."""
    sig = ctx[f"sig_{side}"]
    _swap(doc[sig].props[prop], old, new)
    _swap(doc[ctx["ev"][f"signature-{side}"]].props["cg:aboutValue"], old, new)


@kind("signatory-without-tenure", "Signature-capacityTenure", "SPARQL")
def _no_tenure(doc: Doc, ctx: dict) -> list[dict]:
    person = f"person:{ctx['slug']}-stand-in"
    doc.add(Node(person, "cg:Person", {"rdfs:label": ['"a stand-in signatory"@en']}))
    _resign(doc, ctx, "a", "cg:signatory", f"person:{ctx['signer_a'].person}", person)
    return [
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_a']}", "Signature-capacityTenure", "SPARQL")
    ]


@kind("signatory-out-of-post", "Signature-tenureCoversSigning", "SPARQL")
def _out_of_post(doc: Doc, ctx: dict) -> list[dict]:
    terms = ctx["a"].terms[ctx["post_a"]]
    other = next(t for t in terms if t is not ctx["signer_a"]) if len(terms) > 1 else None
    if other is None:  # the hub's post has one holder: sign in the other party's name instead
        return _out_of_post_b(doc, ctx)
    _resign(doc, ctx, "a", "cg:signatory", f"person:{ctx['signer_a'].person}", f"person:{other.person}")
    return [
        row(
            ctx["sig_a"],
            "cg:inCapacityOf",
            f"post:{ctx['post_a']}",
            "Signature-tenureCoversSigning",
            "SPARQL",
        )
    ]


def _out_of_post_b(doc: Doc, ctx: dict) -> list[dict]:
    terms = ctx["b"].terms[ctx["post_b"]]
    other = next(t for t in terms if t is not ctx["signer_b"])
    _resign(doc, ctx, "b", "cg:signatory", f"person:{ctx['signer_b'].person}", f"person:{other.person}")
    return [
        row(
            ctx["sig_b"],
            "cg:inCapacityOf",
            f"post:{ctx['post_b']}",
            "Signature-tenureCoversSigning",
            "SPARQL",
        )
    ]


@kind("post-of-the-other-party", "Signature-capacityOfParty", "SPARQL")
def _other_party_post(doc: Doc, ctx: dict) -> list[dict]:
    # a's signature names b's signatory, in b's post
    _resign(
        doc, ctx, "a", "cg:signatory", f"person:{ctx['signer_a'].person}", f"person:{ctx['signer_b'].person}"
    )
    _resign(doc, ctx, "a", "cg:inCapacityOf", f"post:{ctx['post_a']}", f"post:{ctx['post_b']}")
    return [
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_b']}", "Signature-capacityOfParty", "SPARQL")
    ]


@kind("signed-for-a-non-party", "Signature-signedForParty", "SPARQL")
def _non_party(doc: Doc, ctx: dict) -> list[dict]:
    third = _other_state(ctx)
    _resign(doc, ctx, "b", "cg:signedFor", f"state:{ctx['b'].code}", third)
    return [
        row(ctx["sig_b"], "cg:signedFor", third, "Signature-signedForParty", "SPARQL"),
        # b's post is not of the state now signed for, and b has no signature left
        row(ctx["sig_b"], "cg:inCapacityOf", f"post:{ctx['post_b']}", "Signature-capacityOfParty", "SPARQL"),
        row(
            ctx["inst"],
            "cg:hasParty",
            f"state:{ctx['b'].code}",
            "Instrument-signatureForEachParty",
            "SPARQL",
            WARNING,
        ),
    ]


@kind("two-signatories", "Signature-signatory", "MaxCount")
def _two_signatories(doc: Doc, ctx: dict) -> list[dict]:
    second = f"person:{ctx['signer_b'].person}"
    doc[ctx["sig_a"]].props["cg:signatory"].append(second)
    doc[ctx["ev"]["signature-a"]].props["cg:aboutValue"].append(second)
    values = sorted(doc[ctx["sig_a"]].props["cg:signatory"], key=full)
    return [
        row(ctx["sig_a"], "cg:signatory", values[-1], "Signature-signatory", "MaxCount"),
        # the second signatory holds no tenure in a's post
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_a']}", "Signature-capacityTenure", "SPARQL"),
    ]


@kind("signatory-a-state", "Signature-signatory", "Class")
def _signatory_state(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"state:{ctx['a'].code}"
    _resign(doc, ctx, "a", "cg:signatory", f"person:{ctx['signer_a'].person}", wrong)
    doc[ctx["ev"]["signature-a"]].props["cg:aboutValue"].remove(wrong)  # the state is already named once
    return [
        row(ctx["sig_a"], "cg:signatory", wrong, "Signature-signatory", "Class"),
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_a']}", "Signature-capacityTenure", "SPARQL"),
    ]


@kind("no-capacity", "Signature-inCapacityOf", "MinCount")
def _no_capacity(doc: Doc, ctx: dict) -> list[dict]:
    post = doc[ctx["sig_a"]].props.pop("cg:inCapacityOf")[0]
    evidence = doc[ctx["ev"]["signature-a"]].props
    evidence["cg:aboutProperty"].remove("cg:inCapacityOf")
    evidence["cg:aboutValue"].remove(post)
    return [row(ctx["sig_a"], "cg:inCapacityOf", None, "Signature-inCapacityOf", "MinCount")]


@kind("party-as-written-untagged", "Signature-partyAsWritten", "Datatype")
def _written_untagged(doc: Doc, ctx: dict) -> list[dict]:
    old = doc[ctx["sig_a"]].props["cg:partyAsWritten"][0]
    wrong = old.rsplit("@", 1)[0]
    _swap(doc[ctx["sig_a"]].props["cg:partyAsWritten"], old, wrong)
    _swap(doc[ctx["ev"]["parties"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["sig_a"], "cg:partyAsWritten", wrong, "Signature-partyAsWritten", "Datatype")]


@kind("signature-outside-the-signing", "Signature-signingEvent", "MinCount")
def _orphan(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["sign"]].props["cg:hasSignature"].remove(ctx["sig_b"])
    doc[ctx["ev"]["signatures"]].props["cg:aboutValue"].remove(ctx["sig_b"])
    return [row(ctx["sig_b"], "^cg:hasSignature", None, "Signature-signingEvent", "MinCount")]


@kind("one-side-unsigned", "Instrument-signatureForEachParty", "SPARQL")
def _one_side(doc: Doc, ctx: dict) -> list[dict]:
    doc.remove(ctx["sig_b"])
    doc.remove(ctx["ev"]["signature-b"])
    doc[ctx["sign"]].props["cg:hasSignature"].remove(ctx["sig_b"])
    doc[ctx["ev"]["signatures"]].props["cg:aboutValue"].remove(ctx["sig_b"])
    return [
        row(
            ctx["inst"],
            "cg:hasParty",
            f"state:{ctx['b'].code}",
            "Instrument-signatureForEachParty",
            "SPARQL",
            WARNING,
        )
    ]


@kind("signing-undated", "SigningEvent-when", "MinCount")
def _undated(doc: Doc, ctx: dict) -> list[dict]:
    day = doc[ctx["sign"]].props.pop("cg:onDate")[0]
    signed = doc[ctx["ev"]["signed"]].props
    signed["cg:aboutProperty"].remove("cg:onDate")
    signed["cg:aboutValue"].remove(day)
    doc[ctx["ev"]["date"]].props["cg:aboutProperty"].remove("cg:onDate")  # the release's date stays
    return [row(ctx["sign"], "(cg:onDate|cg:withinInterval)", None, "SigningEvent-when", "MinCount")]


@kind("signing-date-untyped", "Event-onDate", "Datatype")
def _date_untyped(doc: Doc, ctx: dict) -> list[dict]:
    old = doc[ctx["sign"]].props["cg:onDate"][0]
    wrong = old.split("^^")[0]
    _swap(doc[ctx["sign"]].props["cg:onDate"], old, wrong)
    _swap(doc[ctx["ev"]["signed"]].props["cg:aboutValue"], old, wrong)
    doc[ctx["ev"]["date"]].props["cg:aboutProperty"].remove("cg:onDate")  # names the typed date only
    return [row(ctx["sign"], "cg:onDate", wrong, "Event-onDate", "Datatype")]


@kind("signing-place-a-state", "Event-atPlace", "Class")
def _place_state(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"state:{ctx['a'].code}"
    _swap(doc[ctx["sign"]].props["cg:atPlace"], ctx["place"], wrong)
    _swap(doc[ctx["ev"]["place"]].props["cg:aboutValue"], ctx["place"], wrong)
    return [row(ctx["sign"], "cg:atPlace", wrong, "Event-atPlace", "Class")]


# --- legal status and claim ----------------------------------------------------------------------------


@kind("status-missing", "LegalStatusAssertion-legalStatus", "MinCount")
def _status_missing(doc: Doc, ctx: dict) -> list[dict]:
    status = doc[ctx["status"]].props.pop("cg:legalStatus")[0]
    evidence = doc[ctx["ev"]["status"]].props
    evidence["cg:aboutProperty"].remove("cg:legalStatus")
    evidence["cg:aboutValue"].remove(status)
    return [row(ctx["status"], "cg:legalStatus", None, "LegalStatusAssertion-legalStatus", "MinCount")]


@kind("status-not-a-status", "LegalStatusAssertion-legalStatus", "Node")
def _status_wrong(doc: Doc, ctx: dict) -> list[dict]:
    old = doc[ctx["status"]].props["cg:legalStatus"][0]
    wrong = doc[ctx["inst"]].props["cg:hasDesignation"][0]
    _swap(doc[ctx["status"]].props["cg:legalStatus"], old, wrong)
    _swap(doc[ctx["ev"]["status"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["status"], "cg:legalStatus", wrong, "LegalStatusAssertion-legalStatus", "Node")]


@kind("status-of-a-source", "LegalStatusAssertion-statusOf", "Class")
def _status_of_source(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["status"]].props["cg:statusOf"], ctx["inst"], ctx["src"])
    doc[ctx["ev"]["status"]].props["cg:aboutValue"].remove(ctx["inst"])  # the source is named already
    return [row(ctx["status"], "cg:statusOf", ctx["src"], "LegalStatusAssertion-statusOf", "Class")]


@kind("status-asserted-by-a-place", "LegalStatusAssertion-assertedBy", "Class")
def _asserted_by_place(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["status"]].props["cg:assertedBy"], ctx["publisher"], ctx["place"])
    doc[ctx["status"]].props["cg:hasEvidence"].append(ctx["ev"]["place"])
    doc[ctx["ev"]["place"]].props["cg:aboutProperty"].append("cg:assertedBy")
    doc[ctx["ev"]["publisher"]].props["cg:aboutProperty"].remove("cg:assertedBy")
    return [row(ctx["status"], "cg:assertedBy", ctx["place"], "LegalStatusAssertion-assertedBy", "Class")]


@kind("claim-without-kind", "Claim-claimKind", "MinCount")
def _claim_kindless(doc: Doc, ctx: dict) -> list[dict]:
    value = doc[ctx["claim"]].props.pop("cg:claimKind")[0]
    evidence = doc[ctx["ev"]["claim"]].props
    evidence["cg:aboutProperty"].remove("cg:claimKind")
    evidence["cg:aboutValue"].remove(value)
    return [row(ctx["claim"], "cg:claimKind", None, "Claim-claimKind", "MinCount")]


@kind("claim-kind-not-a-kind", "Claim-claimKind", "Node")
def _claim_kind_wrong(doc: Doc, ctx: dict) -> list[dict]:
    old = doc[ctx["claim"]].props["cg:claimKind"][0]
    wrong = doc[ctx["inst"]].props["cg:hasDesignation"][0]
    _swap(doc[ctx["claim"]].props["cg:claimKind"], old, wrong)
    _swap(doc[ctx["ev"]["claim"]].props["cg:aboutValue"], old, wrong)
    return [row(ctx["claim"], "cg:claimKind", wrong, "Claim-claimKind", "Node")]


@kind("claim-about-a-text", "Claim-claimAbout", "NodeKind")
def _claim_about_text(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"the instrument"@en'
    _swap(doc[ctx["claim"]].props["cg:claimAbout"], ctx["inst"], wrong)
    _swap(doc[ctx["ev"]["claim"]].props["cg:aboutValue"], ctx["inst"], wrong)
    return [row(ctx["claim"], "cg:claimAbout", wrong, "Claim-claimAbout", "NodeKind")]


@kind("claimed-by-a-place", "Claim-claimedBy", "Class")
def _claimed_by_place(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["claim"]].props["cg:claimedBy"], ctx["publisher"], ctx["place"])
    doc[ctx["claim"]].props["cg:hasEvidence"].append(ctx["ev"]["place"])
    doc[ctx["ev"]["place"]].props["cg:aboutProperty"].append("cg:claimedBy")
    doc[ctx["ev"]["publisher"]].props["cg:aboutProperty"].remove("cg:claimedBy")
    return [row(ctx["claim"], "cg:claimedBy", ctx["place"], "Claim-claimedBy", "Class")]


# --- evidence, sources, paragraphs ---------------------------------------------------------------------


@kind("quote-not-in-paragraph", "Evidence-quoteInParagraph", "SPARQL")
def _misquote(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    wrong = '"fight every crime there is"'
    doc[evidence].props["cg:quote"] = [wrong]
    return [row(evidence, "cg:quote", wrong, "Evidence-quoteInParagraph", "SPARQL")]


@kind("quote-blank", "Evidence-quote", "Pattern")
def _blank_quote(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["name"]
    doc[evidence].props["cg:quote"] = ['" "']
    return [row(evidence, "cg:quote", '" "', "Evidence-quote", "Pattern")]


@kind("quote-placeholder", "ScaffoldEvidence-quote", "SPARQL")
def _todo_quote(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["claim"]
    wrong = '"TODO: quote the paragraph"'
    doc[evidence].props["cg:quote"] = [wrong]
    return [row(evidence, "cg:quote", wrong, "ScaffoldEvidence-quote", "SPARQL")]


@kind("paragraph-placeholder", "ScaffoldParagraph-paragraphText", "SPARQL")
def _todo_paragraph(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][5]
    wrong = '"TODO: the text of the paragraph"'
    doc[paragraph].props["cg:paragraphText"] = [wrong]
    quote = doc[ctx["ev"]["status"]].props["cg:quote"][0]
    return [
        row(paragraph, "cg:paragraphText", wrong, "ScaffoldParagraph-paragraphText", "SPARQL"),
        # the one evidence quoting that paragraph no longer finds its quote in it
        row(ctx["ev"]["status"], "cg:quote", quote, "Evidence-quoteInParagraph", "SPARQL"),
    ]


@kind("paragraph-not-collapsed", "Paragraph-collapsedText", "SPARQL")
def _double_space(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][0]
    old = doc[paragraph].props["cg:paragraphText"][0]
    wrong = old[:-1] + '  (end of front matter)"'
    doc[paragraph].props["cg:paragraphText"] = [wrong]
    return [row(paragraph, "cg:paragraphText", wrong, "Paragraph-collapsedText", "SPARQL")]


@kind("paragraph-misnumbered", "Paragraph-iri", "SPARQL")
def _misnumbered(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    doc[paragraph].props["cg:paragraphNumber"] = ["7"]
    return [row(paragraph, "cg:paragraphNumber", "7", "Paragraph-iri", "SPARQL")]


@kind("paragraph-number-negative", "Paragraph-paragraphNumber", "MinInclusive")
def _negative(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    doc[paragraph].props["cg:paragraphNumber"] = ["-4"]
    return [row(paragraph, "cg:paragraphNumber", "-4", "Paragraph-paragraphNumber", "MinInclusive")]


@kind("evidence-other-source", "Evidence-sameSource", "SPARQL")
def _other_source(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    gazette = f"source:gen-{ctx['a'].code.lower()}-appointments"
    doc[evidence].props["cg:inSource"] = [gazette]
    return [row(evidence, "cg:inSource", gazette, "Evidence-sameSource", "SPARQL")]


@kind("evidence-unused", "Evidence-used", "MinCount")
def _unused(doc: Doc, ctx: dict) -> list[dict]:
    evidence = f"evidence:{ctx['slug']}-spare"
    doc.add(
        Node(
            evidence,
            "cg:Evidence",
            {
                "rdfs:label": ['"evidence: a quote nothing cites"@en'],
                "cg:inParagraph": [ctx["par"][4]],
                "cg:inSource": [ctx["src"]],
                "cg:quote": ['"the first of its kind"'],
            },
        )
    )
    return [row(evidence, "^cg:hasEvidence", None, "Evidence-used", "MinCount")]


@kind("evidence-without-paragraph", "EvidenceShape", "SPARQL")
def _no_paragraph(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    del doc[evidence].props["cg:inParagraph"]
    quote = doc[evidence].props["cg:quote"][0]
    return [
        row(evidence, "cg:inParagraph", evidence, "EvidenceShape", "SPARQL"),
        # a quote with no paragraph cannot be checked
        row(evidence, "cg:quote", quote, "Evidence-quoteChecked", "SPARQL", WARNING),
    ]


@kind("evidence-value-unstated", "Evidence-aboutValue", "SPARQL")
def _value_typo(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    scopes = doc[ctx["inst"]].props["cg:hasScope"]
    extra = next(
        f"crime-type:{c}" for c, _ in ctx["ref"].codes["crime-type"] if f"crime-type:{c}" not in scopes
    )
    doc[evidence].props["cg:aboutValue"].append(extra)
    return [row(evidence, "cg:aboutValue", extra, "Evidence-aboutValue", "SPARQL")]


@kind("evidence-property-unstated", "Evidence-aboutProperty", "SPARQL")
def _property_typo(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["name"]
    doc[evidence].props["cg:aboutProperty"].append("cg:hasScope")
    return [row(evidence, "cg:aboutProperty", "cg:hasScope", "Evidence-aboutProperty", "SPARQL")]


@kind("supports-fact-a-number", "Evidence-supportsFact", "Datatype")
def _fact_number(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["name"]
    doc[evidence].props["cg:supportsFact"] = ["5"]
    return [row(evidence, "cg:supportsFact", "5", "Evidence-supportsFact", "Datatype")]


@kind("release-date-untyped", "PressRelease-issued", "Datatype")
def _issued_untyped(doc: Doc, ctx: dict) -> list[dict]:
    wrong = doc[ctx["src"]].props["dcterms:issued"][0].split("^^")[0]
    doc[ctx["src"]].props["dcterms:issued"] = [wrong]
    doc[ctx["ev"]["date"]].props["cg:aboutProperty"].remove("dcterms:issued")  # names the typed date only
    return [row(ctx["src"], "dcterms:issued", wrong, "PressRelease-issued", "Datatype")]


@kind("release-without-kind", "PressRelease-sourceKind", "MinCount")
def _kindless_release(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["src"]].props["cg:sourceKind"]
    return [row(ctx["src"], "cg:sourceKind", None, "PressRelease-sourceKind", "MinCount")]


@kind("source-kind-not-a-kind", "Source-sourceKind", "Node")
def _source_kind_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = doc[ctx["inst"]].props["cg:hasDesignation"][0]
    doc[ctx["src"]].props["cg:sourceKind"] = [wrong]
    return [row(ctx["src"], "cg:sourceKind", wrong, "Source-sourceKind", "Node")]


@kind("publisher-a-place", "Source-publisher", "Class")
def _publisher_place(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["src"]].props["dcterms:publisher"] = [ctx["place"]]
    doc[ctx["src"]].props["cg:hasEvidence"].append(ctx["ev"]["place"])
    doc[ctx["ev"]["place"]].props["cg:aboutProperty"].append("dcterms:publisher")
    doc[ctx["ev"]["publisher"]].props["cg:aboutProperty"].remove("dcterms:publisher")
    return [row(ctx["src"], "dcterms:publisher", ctx["place"], "Source-publisher", "Class")]


# --- more ways, one edit each ---------------------------------------------------------------------------


@kind("claim-reported-by-a-place", "Claim-reportedBy", "Class")
def _reported_by_place(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["claim"]].props["cg:reportedBy"] = [ctx["place"]]
    doc[ctx["claim"]].props["cg:hasEvidence"].append(ctx["ev"]["place"])
    doc[ctx["ev"]["place"]].props["cg:aboutProperty"].append("cg:reportedBy")
    return [row(ctx["claim"], "cg:reportedBy", ctx["place"], "Claim-reportedBy", "Class")]


@kind("claim-asserted-in-a-place", "Claim-assertedIn", "Class")
def _claim_in_place(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["claim"]].props["cg:assertedIn"], ctx["src"], ctx["place"])
    _swap(doc[ctx["ev"]["claim"]].props["cg:aboutValue"], ctx["src"], ctx["place"])
    return [row(ctx["claim"], "cg:assertedIn", ctx["place"], "Claim-assertedIn", "Class")]


@kind("claim-made-in-a-source", "Claim-madeIn", "Class")
def _made_in_source(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["claim"]].props["cg:madeIn"] = [ctx["src"]]
    doc[ctx["ev"]["claim"]].props["cg:aboutProperty"].append("cg:madeIn")
    return [row(ctx["claim"], "cg:madeIn", ctx["src"], "Claim-madeIn", "Class")]


@kind("claim-about-nothing", "Claim-claimAbout", "MinCount")
def _claim_about_nothing(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["claim"]].props["cg:claimAbout"]
    evidence = doc[ctx["ev"]["claim"]].props
    evidence["cg:aboutProperty"].remove("cg:claimAbout")
    evidence["cg:aboutValue"].remove(ctx["inst"])
    return [row(ctx["claim"], "cg:claimAbout", None, "Claim-claimAbout", "MinCount")]


@kind("claim-two-kinds", "Claim-claimKind", "MaxCount")
def _claim_two_kinds(doc: Doc, ctx: dict) -> list[dict]:
    kinds = doc[ctx["claim"]].props["cg:claimKind"]
    extra = next(
        f"claim-kind:{c}" for c, _ in ctx["ref"].codes["claim-kind"] if f"claim-kind:{c}" not in kinds
    )
    kinds.append(extra)
    doc[ctx["ev"]["claim"]].props["cg:aboutValue"].append(extra)
    return [row(ctx["claim"], "cg:claimKind", max(kinds, key=full), "Claim-claimKind", "MaxCount")]


@kind("claim-unattributed", "Claim-attribution", "MinCount")
def _unattributed(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["claim"]].props["cg:claimedBy"], doc[ctx["claim"]].props["cg:assertedIn"]
    evidence = doc[ctx["ev"]["claim"]].props
    evidence["cg:aboutProperty"].remove("cg:assertedIn")
    evidence["cg:aboutValue"].remove(ctx["src"])
    doc[ctx["ev"]["publisher"]].props["cg:aboutProperty"].remove("cg:claimedBy")
    return [row(ctx["claim"], "(cg:claimedBy|cg:assertedIn)", None, "Claim-attribution", "MinCount")]


@kind("status-twice", "LegalStatusAssertion-legalStatus", "MaxCount")
def _two_statuses(doc: Doc, ctx: dict) -> list[dict]:
    statuses = doc[ctx["status"]].props["cg:legalStatus"]
    extra = next(
        f"legal-status:{c}"
        for c, _ in ctx["ref"].codes["legal-status"]
        if f"legal-status:{c}" not in statuses
    )
    statuses.append(extra)
    doc[ctx["ev"]["status"]].props["cg:aboutValue"].append(extra)
    return [
        row(
            ctx["status"],
            "cg:legalStatus",
            max(statuses, key=full),
            "LegalStatusAssertion-legalStatus",
            "MaxCount",
        )
    ]


@kind("status-in-no-source", "LegalStatusAssertion-assertedIn", "MinCount")
def _status_sourceless(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["status"]].props["cg:assertedIn"]
    evidence = doc[ctx["ev"]["status"]].props
    evidence["cg:aboutProperty"].remove("cg:assertedIn")
    evidence["cg:aboutValue"].remove(ctx["src"])
    return [row(ctx["status"], "cg:assertedIn", None, "LegalStatusAssertion-assertedIn", "MinCount")]


@kind("status-asserted-in-a-place", "LegalStatusAssertion-assertedIn", "Class")
def _status_in_place(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["status"]].props["cg:assertedIn"], ctx["src"], ctx["place"])
    _swap(doc[ctx["ev"]["status"]].props["cg:aboutValue"], ctx["src"], ctx["place"])
    return [row(ctx["status"], "cg:assertedIn", ctx["place"], "LegalStatusAssertion-assertedIn", "Class")]


@kind("status-of-nothing", "LegalStatusAssertion-statusOf", "MinCount")
def _status_of_nothing(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["status"]].props["cg:statusOf"]
    evidence = doc[ctx["ev"]["status"]].props
    evidence["cg:aboutProperty"].remove("cg:statusOf")
    evidence["cg:aboutValue"].remove(ctx["inst"])
    return [row(ctx["status"], "cg:statusOf", None, "LegalStatusAssertion-statusOf", "MinCount")]


@kind("status-evidence-a-place", "LegalStatusAssertion-hasEvidence", "Class")
def _status_evidence_place(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["status"]].props["cg:hasEvidence"].append(ctx["place"])
    return [row(ctx["status"], "cg:hasEvidence", ctx["place"], "LegalStatusAssertion-hasEvidence", "Class")]


@kind("label-untagged", "Instrument-label", "Datatype")
def _label_untagged(doc: Doc, ctx: dict) -> list[dict]:
    labels = doc[ctx["inst"]].props["rdfs:label"]
    wrong = labels[0].rsplit("@", 1)[0]
    labels[0] = wrong
    return [
        row(ctx["inst"], "rdfs:label", wrong, "Instrument-label", "Datatype"),
        row(ctx["inst"], "rdfs:label", ctx["inst"], "LabelledNodesShape", "SPARQL"),  # no English label left
    ]


@kind("exhaustive-twice", "Instrument-assistanceListExhaustive", "MaxCount")
def _exhaustive_twice(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["inst"]].props["cg:assistanceListExhaustive"].append("true")
    doc[ctx["ev"]["cooperation"]].props["cg:aboutValue"].append("true")
    return [
        row(
            ctx["inst"],
            "cg:assistanceListExhaustive",
            "true",
            "Instrument-assistanceListExhaustive",
            "MaxCount",
        )
    ]


@kind("party-a-place", "Instrument-hasParty", "Or")
def _party_place(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["inst"]].props["cg:hasParty"].append(ctx["place"])
    doc[ctx["ev"]["parties"]].props["cg:aboutValue"].append(ctx["place"])
    return [
        row(ctx["inst"], "cg:hasParty", ctx["place"], "Instrument-hasParty", "Or"),
        row(
            ctx["inst"],
            "cg:hasParty",
            max(doc[ctx["inst"]].props["cg:hasParty"], key=full),
            "BilateralInstrument-hasParty",
            "MaxCount",
        ),
        row(ctx["inst"], "cg:hasParty", ctx["place"], "Instrument-signatureForEachParty", "SPARQL", WARNING),
    ]


@kind("no-signatory", "Signature-signatory", "MinCount")
def _no_signatory(doc: Doc, ctx: dict) -> list[dict]:
    person = doc[ctx["sig_a"]].props.pop("cg:signatory")[0]
    evidence = doc[ctx["ev"]["signature-a"]].props
    evidence["cg:aboutProperty"].remove("cg:signatory")
    evidence["cg:aboutValue"].remove(person)
    return [row(ctx["sig_a"], "cg:signatory", None, "Signature-signatory", "MinCount")]


@kind("signed-for-nobody", "Signature-signedFor", "MinCount")
def _signed_for_nobody(doc: Doc, ctx: dict) -> list[dict]:
    party = doc[ctx["sig_a"]].props.pop("cg:signedFor")[0]
    evidence = doc[ctx["ev"]["signature-a"]].props
    evidence["cg:aboutProperty"].remove("cg:signedFor")
    evidence["cg:aboutValue"].remove(party)
    return [
        row(ctx["sig_a"], "cg:signedFor", None, "Signature-signedFor", "MinCount"),
        row(ctx["inst"], "cg:hasParty", party, "Instrument-signatureForEachParty", "SPARQL", WARNING),
    ]


@kind("signed-for-both", "Signature-signedFor", "MaxCount")
def _signed_for_both(doc: Doc, ctx: dict) -> list[dict]:
    other = f"state:{ctx['b'].code}"
    doc[ctx["sig_a"]].props["cg:signedFor"].append(other)
    doc[ctx["ev"]["signature-a"]].props["cg:aboutValue"].append(other)
    return [
        row(
            ctx["sig_a"],
            "cg:signedFor",
            max(doc[ctx["sig_a"]].props["cg:signedFor"], key=full),
            "Signature-signedFor",
            "MaxCount",
        ),
        # b now has two signatures, and a's post is not b's
        row(ctx["inst"], "cg:hasParty", other, "Instrument-signaturePerParty", "SPARQL"),
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_a']}", "Signature-capacityOfParty", "SPARQL"),
    ]


@kind("capacity-a-ministry", "Signature-inCapacityOf", "Class")
def _capacity_body(doc: Doc, ctx: dict) -> list[dict]:
    body = f"body:{ctx['a'].bodies[ctx['post_a']]}"
    _resign(doc, ctx, "a", "cg:inCapacityOf", f"post:{ctx['post_a']}", body)
    return [
        row(ctx["sig_a"], "cg:inCapacityOf", body, "Signature-inCapacityOf", "Class"),
        row(
            ctx["sig_a"], "cg:inCapacityOf", body, "Signature-capacityTenure", "SPARQL"
        ),  # no tenure of a body
    ]


@kind("party-as-written-twice", "Signature-partyAsWritten", "MaxCount")
def _written_twice(doc: Doc, ctx: dict) -> list[dict]:
    extra = lit_en(f"the Republic of {ctx['a'].name}")
    doc[ctx["sig_a"]].props["cg:partyAsWritten"].append(extra)
    doc[ctx["ev"]["parties"]].props["cg:aboutValue"].append(extra)
    return [
        row(
            ctx["sig_a"],
            "cg:partyAsWritten",
            max(doc[ctx["sig_a"]].props["cg:partyAsWritten"], key=full),
            "Signature-partyAsWritten",
            "MaxCount",
        )
    ]


@kind("signature-of-no-instrument", "Signature-concernsInstrument", "MinCount")
def _signature_of_nothing(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["sig_b"]].props["cg:concernsInstrument"]
    return [
        row(ctx["sig_b"], "cg:concernsInstrument", None, "Signature-concernsInstrument", "MinCount"),
        row(
            ctx["inst"],
            "cg:hasParty",
            f"state:{ctx['b'].code}",
            "Instrument-signatureForEachParty",
            "SPARQL",
            WARNING,
        ),
    ]


@kind("signing-without-signatures", "SigningEvent-hasSignature", "MinCount")
def _signing_empty(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["sign"]].props["cg:hasSignature"]
    evidence = doc[ctx["ev"]["signatures"]].props
    evidence["cg:aboutProperty"].remove("cg:hasSignature")
    evidence["cg:aboutValue"].remove(ctx["sig_a"])
    evidence["cg:aboutValue"].remove(ctx["sig_b"])
    return [
        row(ctx["sign"], "cg:hasSignature", None, "SigningEvent-hasSignature", "MinCount"),
        row(ctx["sig_a"], "^cg:hasSignature", None, "Signature-signingEvent", "MinCount"),
        row(ctx["sig_b"], "^cg:hasSignature", None, "Signature-signingEvent", "MinCount"),
    ]


@kind("evidence-in-no-source", "Evidence-inSource", "MinCount")
def _evidence_sourceless(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["ev"]["scope"]].props["cg:inSource"]
    return [row(ctx["ev"]["scope"], "cg:inSource", None, "Evidence-inSource", "MinCount")]


@kind("evidence-two-paragraphs", "Evidence-inParagraph", "MaxCount")
def _two_paragraphs(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    doc[evidence].props["cg:inParagraph"].append(ctx["par"][4])
    quote = doc[evidence].props["cg:quote"][0]
    return [
        row(
            evidence,
            "cg:inParagraph",
            max(doc[evidence].props["cg:inParagraph"], key=full),
            "Evidence-inParagraph",
            "MaxCount",
        ),
        row(evidence, "cg:quote", quote, "Evidence-quoteInParagraph", "SPARQL"),  # not in the second one
    ]


@kind("quote-tagged", "Evidence-quote", "Datatype")
def _quote_tagged(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    wrong = doc[evidence].props["cg:quote"][0] + "@en"
    doc[evidence].props["cg:quote"] = [wrong]
    return [row(evidence, "cg:quote", wrong, "Evidence-quote", "Datatype")]


@kind("evidence-in-a-source", "Evidence-inParagraph", "Class")
def _paragraph_a_source(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    doc[evidence].props["cg:inParagraph"] = [ctx["src"]]
    quote = doc[evidence].props["cg:quote"][0]
    return [
        row(evidence, "cg:inParagraph", ctx["src"], "Evidence-inParagraph", "Class"),
        row(evidence, "cg:quote", quote, "Evidence-quoteChecked", "SPARQL", WARNING),  # no text to check
    ]


@kind("evidence-source-a-place", "Evidence-inSource", "Class")
def _source_a_place(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    doc[evidence].props["cg:inSource"] = [ctx["place"]]
    return [
        row(evidence, "cg:inSource", ctx["place"], "Evidence-inSource", "Class"),
        row(evidence, "cg:inSource", ctx["place"], "Evidence-sameSource", "SPARQL"),
    ]


@kind("release-undated", "PressRelease-issued", "MinCount")
def _release_undated(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["src"]].props["dcterms:issued"]
    doc[ctx["ev"]["date"]].props["cg:aboutProperty"].remove("dcterms:issued")
    return [row(ctx["src"], "dcterms:issued", None, "PressRelease-issued", "MinCount")]


@kind("release-two-kinds", "Source-sourceKind", "MaxCount")
def _release_two_kinds(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["src"]].props["cg:sourceKind"].append("source-kind:secondary")
    return [row(ctx["src"], "cg:sourceKind", "source-kind:secondary", "Source-sourceKind", "MaxCount")]


@kind("release-modified-untyped", "PressRelease-modified", "Datatype")
def _modified_untyped(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f'"{ctx["day"]}"'
    doc[ctx["src"]].props["dcterms:modified"] = [wrong]
    return [row(ctx["src"], "dcterms:modified", wrong, "PressRelease-modified", "Datatype")]


@kind("source-untitled", "Source-title", "MinCount")
def _untitled(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["src"]].props["dcterms:title"], doc[ctx["src"]].props["rdfs:label"]
    return [
        row(ctx["src"], "(dcterms:title|rdfs:label)", None, "Source-title", "MinCount"),
        row(ctx["src"], "rdfs:label", ctx["src"], "LabelledNodesShape", "SPARQL"),
    ]


@kind("paragraph-text-twice", "Paragraph-paragraphText", "MaxCount")
def _text_twice(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    extra = '"A second text of the paragraph."'
    doc[paragraph].props["cg:paragraphText"].append(extra)
    quote = doc[ctx["ev"]["claim"]].props["cg:quote"][0]
    return [
        row(
            paragraph,
            "cg:paragraphText",
            max(doc[paragraph].props["cg:paragraphText"], key=full),
            "Paragraph-paragraphText",
            "MaxCount",
        ),
        row(
            ctx["ev"]["claim"], "cg:quote", quote, "Evidence-quoteInParagraph", "SPARQL"
        ),  # not in the second
    ]


@kind("paragraph-text-tagged", "Paragraph-paragraphText", "Datatype")
def _text_tagged(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    wrong = doc[paragraph].props["cg:paragraphText"][0] + "@en"
    doc[paragraph].props["cg:paragraphText"] = [wrong]
    return [row(paragraph, "cg:paragraphText", wrong, "Paragraph-paragraphText", "Datatype")]


@kind("paragraph-number-a-text", "Paragraph-paragraphNumber", "Datatype")
def _number_text(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    doc[paragraph].props["cg:paragraphNumber"] = ['"4"']
    return [
        row(paragraph, "cg:paragraphNumber", '"4"', "Paragraph-paragraphNumber", "Datatype"),
        # a string is not comparable with the integer 0: it fails sh:minInclusive too
        row(paragraph, "cg:paragraphNumber", '"4"', "Paragraph-paragraphNumber", "MinInclusive"),
    ]


@kind("paragraph-unnumbered", "Paragraph-paragraphNumber", "MinCount")
def _unnumbered(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    del doc[paragraph].props["cg:paragraphNumber"]
    return [row(paragraph, "cg:paragraphNumber", None, "Paragraph-paragraphNumber", "MinCount")]


@kind("paragraph-of-nothing", "Paragraph-paragraphOf", "MinCount")
def _paragraph_of_nothing(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    del doc[paragraph].props["cg:paragraphOf"]
    return [row(paragraph, "cg:paragraphOf", None, "Paragraph-paragraphOf", "MinCount")]


@kind("paragraph-of-a-place", "Paragraph-paragraphOf", "Class")
def _paragraph_of_place(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    doc[paragraph].props["cg:paragraphOf"] = [ctx["place"]]
    return [
        row(paragraph, "cg:paragraphOf", ctx["place"], "Paragraph-paragraphOf", "Class"),
        # the claim's evidence cites the paragraph under the release, which the paragraph is no longer of
        row(ctx["ev"]["claim"], "cg:inSource", ctx["src"], "Evidence-sameSource", "SPARQL"),
    ]


@kind("instrument-unlabelled", "Instrument-label", "MinCount")
def _instrument_unlabelled(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["inst"]].props["rdfs:label"]
    return [
        row(ctx["inst"], "rdfs:label", None, "Instrument-label", "MinCount"),
        row(ctx["inst"], "rdfs:label", ctx["inst"], "LabelledNodesShape", "SPARQL"),
    ]


@kind("release-issued-twice", "PressRelease-issued", "MaxCount")
def _issued_twice(doc: Doc, ctx: dict) -> list[dict]:
    issued = doc[ctx["src"]].props["dcterms:issued"]
    issued.append(f'"{ctx["day"].year + 1}-01-01"^^xsd:date')
    return [row(ctx["src"], "dcterms:issued", max(issued, key=full), "PressRelease-issued", "MaxCount")]


@kind("release-modified-twice", "PressRelease-modified", "MaxCount")
def _modified_twice(doc: Doc, ctx: dict) -> list[dict]:
    year = ctx["day"].year + 1
    modified = [f'"{year}-01-01"^^xsd:date', f'"{year}-02-01"^^xsd:date']
    doc[ctx["src"]].props["dcterms:modified"] = modified
    return [row(ctx["src"], "dcterms:modified", max(modified, key=full), "PressRelease-modified", "MaxCount")]


@kind("paragraph-numbered-twice", "Paragraph-paragraphNumber", "MaxCount")
def _numbered_twice(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    doc[paragraph].props["cg:paragraphNumber"].append("9")
    return [
        row(paragraph, "cg:paragraphNumber", "9", "Paragraph-paragraphNumber", "MaxCount"),
        row(paragraph, "cg:paragraphNumber", "9", "Paragraph-iri", "SPARQL"),  # its IRI ends /p4, not /p9
    ]


@kind("status-of-two", "LegalStatusAssertion-statusOf", "MaxCount")
def _status_of_two(doc: Doc, ctx: dict) -> list[dict]:
    statuses = doc[ctx["status"]].props["cg:statusOf"]
    statuses.append(ctx["claim"])
    doc[ctx["ev"]["status"]].props["cg:aboutValue"].append(ctx["claim"])
    return [
        row(
            ctx["status"], "cg:statusOf", max(statuses, key=full), "LegalStatusAssertion-statusOf", "MaxCount"
        ),
        row(ctx["status"], "cg:statusOf", ctx["claim"], "LegalStatusAssertion-statusOf", "Class"),
    ]


@kind("evidence-in-two-sources", "Evidence-inSource", "MaxCount")
def _two_sources(doc: Doc, ctx: dict) -> list[dict]:
    evidence = ctx["ev"]["scope"]
    gazette = f"source:gen-{ctx['a'].code.lower()}-appointments"
    doc[evidence].props["cg:inSource"].append(gazette)
    return [
        row(
            evidence,
            "cg:inSource",
            max(doc[evidence].props["cg:inSource"], key=full),
            "Evidence-inSource",
            "MaxCount",
        ),
        row(evidence, "cg:inSource", gazette, "Evidence-sameSource", "SPARQL"),
    ]


@kind("paragraph-of-two-sources", "Paragraph-paragraphOf", "MaxCount")
def _paragraph_of_two(doc: Doc, ctx: dict) -> list[dict]:
    paragraph = ctx["par"][4]
    gazette = f"source:gen-{ctx['a'].code.lower()}-appointments"
    doc[paragraph].props["cg:paragraphOf"].append(gazette)
    return [
        row(
            paragraph,
            "cg:paragraphOf",
            max(doc[paragraph].props["cg:paragraphOf"], key=full),
            "Paragraph-paragraphOf",
            "MaxCount",
        ),
        row(paragraph, "cg:paragraphNumber", "4", "Paragraph-iri", "SPARQL"),  # not the gazette's /p4
        row(ctx["ev"]["claim"], "cg:inSource", ctx["src"], "Evidence-sameSource", "SPARQL"),
    ]


@kind("signature-a-place", "SigningEvent-hasSignature", "Class")
def _signature_place(doc: Doc, ctx: dict) -> list[dict]:
    doc[ctx["sign"]].props["cg:hasSignature"].append(ctx["place"])
    doc[ctx["ev"]["signatures"]].props["cg:aboutValue"].append(ctx["place"])
    return [row(ctx["sign"], "cg:hasSignature", ctx["place"], "SigningEvent-hasSignature", "Class")]


@kind("signing-of-a-source", "Event-concernsInstrument", "Class")
def _signing_of_source(doc: Doc, ctx: dict) -> list[dict]:
    _swap(doc[ctx["sign"]].props["cg:concernsInstrument"], ctx["inst"], ctx["src"])
    _swap(doc[ctx["ev"]["signed"]].props["cg:aboutValue"], ctx["inst"], ctx["src"])
    return [row(ctx["sign"], "cg:concernsInstrument", ctx["src"], "Event-concernsInstrument", "Class")]


@kind("signing-of-nothing", "InstrumentEvent-concernsInstrument", "MinCount")
def _signing_of_nothing(doc: Doc, ctx: dict) -> list[dict]:
    del doc[ctx["sign"]].props["cg:concernsInstrument"]
    evidence = doc[ctx["ev"]["signed"]].props
    evidence["cg:aboutProperty"].remove("cg:concernsInstrument")
    evidence["cg:aboutValue"].remove(ctx["inst"])
    return [row(ctx["sign"], "cg:concernsInstrument", None, "InstrumentEvent-concernsInstrument", "MinCount")]


@kind("signing-of-two", "InstrumentEvent-concernsInstrument", "MaxCount")
def _signing_of_two(doc: Doc, ctx: dict) -> list[dict]:
    concerned = doc[ctx["sign"]].props["cg:concernsInstrument"]
    concerned.append(ctx["src"])
    doc[ctx["ev"]["signed"]].props["cg:aboutValue"].append(ctx["src"])
    return [
        row(
            ctx["sign"],
            "cg:concernsInstrument",
            max(concerned, key=full),
            "InstrumentEvent-concernsInstrument",
            "MaxCount",
        ),
        row(ctx["sign"], "cg:concernsInstrument", ctx["src"], "Event-concernsInstrument", "Class"),
    ]


@kind("signing-dated-and-within", "SigningEvent-when", "MaxCount")
def _dated_and_within(doc: Doc, ctx: dict) -> list[dict]:
    interval = f"<https://w3id.org/coopgraph/id/interval/{ctx['day']}--{ctx['day']}>"
    doc.add(
        Node(
            interval,
            "cg:DateInterval",
            {
                "rdfs:label": [lit_en(f"the day {ctx['day']}")],
                "cg:intervalStart": [f'"{ctx["day"]}"^^xsd:date'],
                "cg:intervalEnd": [f'"{ctx["day"]}"^^xsd:date'],
            },
        )
    )
    doc[ctx["sign"]].props["cg:withinInterval"] = [interval]
    doc[ctx["ev"]["signed"]].props["cg:aboutProperty"].append("cg:withinInterval")
    doc[ctx["ev"]["signed"]].props["cg:aboutValue"].append(interval)
    return [row(ctx["sign"], "(cg:onDate|cg:withinInterval)", None, "SigningEvent-when", "MaxCount")]


@kind("signing-two-days", "Event-onDate", "MaxCount")
def _two_days(doc: Doc, ctx: dict) -> list[dict]:
    def held(term, day) -> bool:
        return term.start <= day and (term.end is None or day <= term.end)

    day = next(
        d
        for d in (ctx["day"] - timedelta(days=1), ctx["day"] + timedelta(days=1))
        if held(ctx["signer_a"], d) and held(ctx["signer_b"], d)
    )
    other = f'"{day}"^^xsd:date'
    doc[ctx["sign"]].props["cg:onDate"].append(other)
    doc[ctx["ev"]["signed"]].props["cg:aboutValue"].append(other)
    return [
        row(
            ctx["sign"],
            "cg:onDate",
            max(doc[ctx["sign"]].props["cg:onDate"], key=full),
            "Event-onDate",
            "MaxCount",
        ),
        # two days are two values of the signing's date, too
        row(ctx["sign"], "(cg:onDate|cg:withinInterval)", None, "SigningEvent-when", "MaxCount"),
    ]


@kind("party-a-text", "Instrument-hasParty", "NodeKind")
def _party_text(doc: Doc, ctx: dict) -> list[dict]:
    text = lit_en(f"the people of {ctx['a'].name}")
    doc[ctx["inst"]].props["cg:hasParty"].append(text)
    doc[ctx["ev"]["parties"]].props["cg:aboutValue"].append(text)
    return [
        row(ctx["inst"], "cg:hasParty", text, "Instrument-hasParty", "NodeKind"),
        row(ctx["inst"], "cg:hasParty", text, "Instrument-hasParty", "Or"),
        row(
            ctx["inst"],
            "cg:hasParty",
            max(doc[ctx["inst"]].props["cg:hasParty"], key=full),
            "BilateralInstrument-hasParty",
            "MaxCount",
        ),
        row(ctx["inst"], "cg:hasParty", text, "Instrument-signatureForEachParty", "SPARQL", WARNING),
    ]


@kind("signed-for-a-text", "Signature-signedFor", "NodeKind")
def _signed_for_text(doc: Doc, ctx: dict) -> list[dict]:
    text = lit_en(f"the Government of {ctx['a'].name}")
    _resign(doc, ctx, "a", "cg:signedFor", f"state:{ctx['a'].code}", text)
    return [
        row(ctx["sig_a"], "cg:signedFor", text, "Signature-signedFor", "NodeKind"),
        row(ctx["sig_a"], "cg:signedFor", text, "Signature-signedFor", "Or"),
        row(ctx["sig_a"], "cg:signedFor", text, "Signature-signedForParty", "SPARQL"),
        row(ctx["sig_a"], "cg:inCapacityOf", f"post:{ctx['post_a']}", "Signature-capacityOfParty", "SPARQL"),
        row(
            ctx["inst"],
            "cg:hasParty",
            f"state:{ctx['a'].code}",
            "Instrument-signatureForEachParty",
            "SPARQL",
            WARNING,
        ),
    ]


@kind("one-party", "BilateralInstrument-hasParty", "MinCount")
def _one_party(doc: Doc, ctx: dict) -> list[dict]:
    party = f"state:{ctx['b'].code}"
    doc[ctx["inst"]].props["cg:hasParty"].remove(party)
    doc[ctx["ev"]["parties"]].props["cg:aboutValue"].remove(party)
    return [
        row(ctx["inst"], "cg:hasParty", None, "BilateralInstrument-hasParty", "MinCount"),
        row(ctx["sig_b"], "cg:signedFor", party, "Signature-signedForParty", "SPARQL"),  # b is no party now
        *_events_of(doc, party),
    ]


@kind("parties-of-one-state", "BilateralInstrument-twoStates", "SPARQL")
def _one_state(doc: Doc, ctx: dict) -> list[dict]:
    party, body = f"state:{ctx['b'].code}", ctx["publisher"]
    _swap(doc[ctx["inst"]].props["cg:hasParty"], party, body)
    _swap(doc[ctx["ev"]["parties"]].props["cg:aboutValue"], party, body)
    return [
        # the value is the party whose IRI sorts first: the body (…/id/body/…) before the state (…/id/state/…)
        row(ctx["inst"], "cg:hasParty", body, "BilateralInstrument-twoStates", "SPARQL"),
        row(ctx["sig_b"], "cg:signedFor", party, "Signature-signedForParty", "SPARQL"),
        row(ctx["inst"], "cg:hasParty", body, "Instrument-signatureForEachParty", "SPARQL", WARNING),
        *_events_of(doc, party),
    ]


# --- the lifecycle of an instrument ----------------------------------------------------------------------
#
# These kinds first give the instrument every kind of lifecycle step (``ctx["lifecycle"]()``, the generator's
# build_lifecycle with ``full``): party a ratifies on a day, party b accepts in a month, the instrument
# enters into force (as a whole and for a) after its condition's thirty days, a makes a reservation and
# designates its central authority, b a declaration, the instrument is registered with the United Nations,
# a denounces it and it terminates. Each node's evidence names its statements: an edit restates them there
# (:func:`_restate`), so that only the constraint aimed at is broken.

WHEN = "(cg:onDate|cg:withinInterval)"


def _restate(doc: Doc, lc: dict, subject: str, prop: str, remove=(), add=()) -> None:
    """Change the values of one property of a lifecycle node, and name the node's statements in its
    evidence as they now are."""
    props = doc[subject].props
    values = props.setdefault(prop, [])
    for value in remove:
        values.remove(value)
    values += [value for value in add if value not in values]
    if not values:
        del props[prop]
    stated = {p: vs for p, vs in props.items() if p not in ("rdfs:label", "cg:hasEvidence")}
    evidence = doc[lc["ev"][subject]].props
    evidence["cg:aboutProperty"] = list(stated)
    evidence["cg:aboutValue"] = list(dict.fromkeys(v for vs in stated.values() for v in vs))


def _also(doc: Doc, node: str, evidence: str, prop: str, value: str) -> None:
    """State one more value on a node that is not a lifecycle node, with its evidence."""
    doc[node].props.setdefault(prop, []).append(value)
    about = doc[evidence].props
    if prop not in about["cg:aboutProperty"]:
        about["cg:aboutProperty"].append(prop)
    if value not in about["cg:aboutValue"]:
        about["cg:aboutValue"].append(value)


def _unstate(doc: Doc, ctx: dict, lc: dict, prop: str) -> str:
    """Take away a statement of the instrument that has an evidence of its own, and that evidence."""
    props = doc[ctx["inst"]].props
    value = props.pop(prop)[0]
    evidence = lc["ev"][f"{ctx['inst']} {prop}"]
    props["cg:hasEvidence"].remove(evidence)
    doc.remove(evidence)
    return value


def _day(doc: Doc, subject: str) -> date:
    return date.fromisoformat(doc[subject].props["cg:onDate"][0][1:11])


def _redate(doc: Doc, lc: dict, subject: str, day: date) -> str:
    new = f'"{day}"^^xsd:date'
    _restate(doc, lc, subject, "cg:onDate", doc[subject].props["cg:onDate"], [new])
    return new


def _interval(doc: Doc, ctx: dict, start: date, end: date) -> str:
    interval = f"interval:{ctx['slug']}-{start}--{end}"
    doc.add(
        Node(
            interval,
            "cg:DateInterval",
            {
                "rdfs:label": [lit_en(f"{start} to {end}")],
                "cg:intervalStart": [f'"{start}"^^xsd:date'],
                "cg:intervalEnd": [f'"{end}"^^xsd:date'],
            },
        )
    )
    return interval


def _last(doc: Doc, subject: str, prop: str) -> str:
    """The value a count result names when one file gives them all: the greatest in N-Triples form."""
    return max(doc[subject].props[prop], key=full)


def _consent_a(ctx: dict, lc: dict) -> str:
    return lc[f"consent-{ctx['a'].code}"]


@kind("consent-before-signature", "ConsentToBeBound-notBeforeSignature", "SPARQL")
def _consent_early(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    consent = _consent_a(ctx, lc)
    new = _redate(doc, lc, consent, ctx["day"] - timedelta(days=10))
    return [row(consent, WHEN, new, "ConsentToBeBound-notBeforeSignature", "SPARQL")]


@kind("in-force-before-consent", "EntryIntoForce-notBeforeConsent", "SPARQL")
def _in_force_early(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    eif = lc[f"eif-{ctx['a'].code}"]  # after the signing still: the consent is 30 days or more after it
    new = _redate(doc, lc, eif, _day(doc, _consent_a(ctx, lc)) - timedelta(days=1))
    return [row(eif, WHEN, new, "EntryIntoForce-notBeforeConsent", "SPARQL")]


@kind("in-force-before-signing", "EntryIntoForce-onDate", "SPARQL")
def _in_force_unsigned(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    new = _redate(doc, lc, lc["eif"], ctx["day"] - timedelta(days=1))
    return [row(lc["eif"], "cg:onDate", new, "EntryIntoForce-onDate", "SPARQL")]


@kind("in-force-in-an-interval-before-signing", "EntryIntoForce-withinInterval", "SPARQL")
def _in_force_interval(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    interval = _interval(doc, ctx, ctx["day"] - timedelta(days=40), ctx["day"] - timedelta(days=10))
    _restate(doc, lc, lc["eif"], "cg:onDate", doc[lc["eif"]].props["cg:onDate"])
    _restate(doc, lc, lc["eif"], "cg:withinInterval", add=[interval])
    return [row(lc["eif"], "cg:withinInterval", interval, "EntryIntoForce-withinInterval", "SPARQL")]


@kind("denunciation-before-consent", "EndingEvent-notBeforeConsent", "SPARQL")
def _denounced_early(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    new = _redate(doc, lc, lc["denunciation"], _day(doc, _consent_a(ctx, lc)) - timedelta(days=1))
    return [row(lc["denunciation"], WHEN, new, "EndingEvent-notBeforeConsent", "SPARQL")]


@kind("consent-undated", "LifecycleEvent-when", "MinCount")
def _consent_undated(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    consent = _consent_a(ctx, lc)
    _restate(doc, lc, consent, "cg:onDate", doc[consent].props["cg:onDate"])
    return [row(consent, WHEN, None, "LifecycleEvent-when", "MinCount")]


@kind("consent-dated-twice", "LifecycleEvent-when", "MaxCount")
def _consent_twice(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    consent = _consent_a(ctx, lc)
    day = _day(doc, consent)
    _restate(doc, lc, consent, "cg:withinInterval", add=[_interval(doc, ctx, day, day + timedelta(days=3))])
    return [row(consent, WHEN, None, "LifecycleEvent-when", "MaxCount")]


@kind("communication-without-party", "PartyEvent-forParty", "MinCount")
def _no_party(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    _restate(doc, lc, lc["reservation"], "cg:forParty", [f"state:{ctx['a'].code}"])
    return [row(lc["reservation"], "cg:forParty", None, "PartyEvent-forParty", "MinCount")]


@kind("consent-of-two-parties", "InstrumentEvent-forParty", "MaxCount")
def _two_parties(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    consent = _consent_a(ctx, lc)
    _restate(doc, lc, consent, "cg:forParty", add=[f"state:{ctx['b'].code}"])
    return [
        row(
            consent, "cg:forParty", _last(doc, consent, "cg:forParty"), "InstrumentEvent-forParty", "MaxCount"
        )
    ]


def _declared_by(doc: Doc, ctx: dict, party: str) -> tuple[str, list[dict]]:
    lc = ctx["lifecycle"]()
    _restate(doc, lc, lc["declaration"], "cg:forParty", [f"state:{ctx['b'].code}"], [party])
    return lc["declaration"], [
        row(lc["declaration"], "cg:forParty", party, "InstrumentEvent-partyOfInstrument", "SPARQL")
    ]


@kind("event-party-a-text", "InstrumentEvent-forParty", "NodeKind")
def _party_text(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f'"{ctx["b"].code}"'
    declaration, rows = _declared_by(doc, ctx, wrong)
    return rows + [
        row(declaration, "cg:forParty", wrong, "InstrumentEvent-forParty", "NodeKind"),
        row(declaration, "cg:forParty", wrong, "InstrumentEvent-forParty", "Or"),  # neither state nor body
    ]


@kind("event-party-a-place", "InstrumentEvent-forParty", "Or")
def _party_place(doc: Doc, ctx: dict) -> list[dict]:
    declaration, rows = _declared_by(doc, ctx, ctx["place"])
    return rows + [row(declaration, "cg:forParty", ctx["place"], "InstrumentEvent-forParty", "Or")]


@kind("declaration-by-a-non-party", "InstrumentEvent-partyOfInstrument", "SPARQL")
def _party_other(doc: Doc, ctx: dict) -> list[dict]:
    return _declared_by(doc, ctx, _other_state(ctx))[1]


@kind("reservation-without-text", "QuotedCommunication-communicationText", "MinCount")
def _reservation_wordless(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    _restate(
        doc,
        lc,
        lc["reservation"],
        "cg:communicationText",
        doc[lc["reservation"]].props["cg:communicationText"],
    )
    return [
        row(
            lc["reservation"],
            "cg:communicationText",
            None,
            "QuotedCommunication-communicationText",
            "MinCount",
        )
    ]


@kind("declaration-text-untagged", "PartyCommunication-communicationText", "Datatype")
def _declaration_untagged(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    old = doc[lc["declaration"]].props["cg:communicationText"][0]
    wrong = old.rsplit("@", 1)[0]
    _restate(doc, lc, lc["declaration"], "cg:communicationText", [old], [wrong])
    return [
        row(
            lc["declaration"],
            "cg:communicationText",
            wrong,
            "PartyCommunication-communicationText",
            "Datatype",
        )
    ]


def _designation(doc: Doc, ctx: dict, prop: str, remove: bool = False, add=()) -> str:
    lc = ctx["lifecycle"]()
    designation = lc["designation"]
    _restate(doc, lc, designation, prop, doc[designation].props[prop] if remove else (), add)
    return designation


def _body(state, post: str) -> str:
    return "body:" + next(body for p, body in state.bodies.items() if p.endswith(post))


@kind("authority-of-the-other-party", "AuthorityDesignation-authorityOfParty", "SPARQL")
def _authority_other(doc: Doc, ctx: dict) -> list[dict]:
    body = _body(ctx["b"], "minister-of-justice")
    designation = _designation(doc, ctx, "cg:designatesAuthority", True, [body])
    return [
        row(designation, "cg:designatesAuthority", body, "AuthorityDesignation-authorityOfParty", "SPARQL")
    ]


@kind("authority-a-state", "AuthorityDesignation-designatesAuthority", "Class")
def _authority_state(doc: Doc, ctx: dict) -> list[dict]:
    state = f"state:{ctx['a'].code}"  # the party itself: of the party, but not a government body
    designation = _designation(doc, ctx, "cg:designatesAuthority", True, [state])
    return [
        row(designation, "cg:designatesAuthority", state, "AuthorityDesignation-designatesAuthority", "Class")
    ]


@kind("authority-two-bodies", "AuthorityDesignation-designatesAuthority", "MaxCount")
def _authority_two(doc: Doc, ctx: dict) -> list[dict]:
    designation = _designation(doc, ctx, "cg:designatesAuthority", add=[_body(ctx["a"], "attorney-general")])
    return [
        row(
            designation,
            "cg:designatesAuthority",
            _last(doc, designation, "cg:designatesAuthority"),
            "AuthorityDesignation-designatesAuthority",
            "MaxCount",
        )
    ]


@kind("authority-without-body", "AuthorityDesignation-designatesAuthority", "MinCount")
def _authority_none(doc: Doc, ctx: dict) -> list[dict]:
    designation = _designation(doc, ctx, "cg:designatesAuthority", True)
    return [
        row(
            designation,
            "cg:designatesAuthority",
            None,
            "AuthorityDesignation-designatesAuthority",
            "MinCount",
        )
    ]


@kind("authority-two-roles", "AuthorityDesignation-authorityRole", "MaxCount")
def _role_two(doc: Doc, ctx: dict) -> list[dict]:
    designation = _designation(doc, ctx, "cg:authorityRole", add=["authority-role:competent-authority"])
    return [
        row(
            designation,
            "cg:authorityRole",
            _last(doc, designation, "cg:authorityRole"),
            "AuthorityDesignation-authorityRole",
            "MaxCount",
        )
    ]


@kind("authority-without-role", "AuthorityDesignation-authorityRole", "MinCount")
def _role_none(doc: Doc, ctx: dict) -> list[dict]:
    designation = _designation(doc, ctx, "cg:authorityRole", True)
    return [row(designation, "cg:authorityRole", None, "AuthorityDesignation-authorityRole", "MinCount")]


@kind("authority-role-not-a-role", "AuthorityDesignation-authorityRole", "Node")
def _role_wrong(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"cooperation-form:{ctx['forms'][0]}"
    designation = _designation(doc, ctx, "cg:authorityRole", True, [wrong])
    return [row(designation, "cg:authorityRole", wrong, "AuthorityDesignation-authorityRole", "Node")]


@kind("authority-for-a-crime", "AuthorityDesignation-forCooperation", "SPARQL")
def _authority_for_crime(doc: Doc, ctx: dict) -> list[dict]:
    wrong = f"crime-type:{ctx['scopes'][0]}"
    designation = _designation(doc, ctx, "cg:forCooperation", True, [wrong])
    return [row(designation, "cg:forCooperation", wrong, "AuthorityDesignation-forCooperation", "SPARQL")]


def _condition(doc: Doc, ctx: dict, prop: str, remove=None, add=()) -> str:
    lc = ctx["lifecycle"]()
    condition = lc["condition"]
    old = doc[condition].props[prop] if remove else ()
    _restate(doc, lc, condition, prop, list(old), add)
    return condition


@kind("condition-of-two-nodes", "EntryIntoForceCondition-conditionOf", "MaxCount")
def _condition_shared(doc: Doc, ctx: dict) -> list[dict]:
    condition = ctx["lifecycle"]()["condition"]
    _also(doc, ctx["status"], ctx["ev"]["status"], "cg:hasEntryIntoForceCondition", condition)
    return [
        row(
            condition,
            "^cg:hasEntryIntoForceCondition",
            max(ctx["inst"], ctx["status"], key=full),
            "EntryIntoForceCondition-conditionOf",
            "MaxCount",
        )
    ]


@kind("condition-of-nothing", "EntryIntoForceCondition-conditionOf", "MinCount")
def _condition_orphan(doc: Doc, ctx: dict) -> list[dict]:
    condition = _unstate(doc, ctx, ctx["lifecycle"](), "cg:hasEntryIntoForceCondition")
    return [
        row(
            condition,
            "^cg:hasEntryIntoForceCondition",
            None,
            "EntryIntoForceCondition-conditionOf",
            "MinCount",
        )
    ]


@kind("condition-text-untagged", "EntryIntoForceCondition-conditionText", "Datatype")
def _condition_untagged(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    old = doc[lc["condition"]].props["cg:conditionText"][0]
    wrong = old.rsplit("@", 1)[0]
    condition = _condition(doc, ctx, "cg:conditionText", True, [wrong])
    return [row(condition, "cg:conditionText", wrong, "EntryIntoForceCondition-conditionText", "Datatype")]


@kind("condition-without-text", "EntryIntoForceCondition-conditionText", "MinCount")
def _condition_wordless(doc: Doc, ctx: dict) -> list[dict]:
    condition = _condition(doc, ctx, "cg:conditionText", True)
    return [row(condition, "cg:conditionText", None, "EntryIntoForceCondition-conditionText", "MinCount")]


@kind("condition-text-twice-in-english", "EntryIntoForceCondition-conditionText", "UniqueLang")
def _condition_twice(doc: Doc, ctx: dict) -> list[dict]:
    condition = _condition(doc, ctx, "cg:conditionText", add=[lit_en("after the exchange of notes")])
    return [row(condition, "cg:conditionText", None, "EntryIntoForceCondition-conditionText", "UniqueLang")]


@kind("condition-evidence-a-place", "EntryIntoForceCondition-hasEvidence", "Class")
def _condition_evidence_place(doc: Doc, ctx: dict) -> list[dict]:
    condition = ctx["lifecycle"]()["condition"]
    doc[condition].props["cg:hasEvidence"].append(ctx["place"])
    return [row(condition, "cg:hasEvidence", ctx["place"], "EntryIntoForceCondition-hasEvidence", "Class")]


@kind("condition-without-evidence", "EntryIntoForceCondition-hasEvidence", "MinCount")
def _condition_unevidenced(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    condition = lc["condition"]
    doc.remove(doc[condition].props.pop("cg:hasEvidence")[0])
    return [row(condition, "cg:hasEvidence", None, "EntryIntoForceCondition-hasEvidence", "MinCount")] + [
        row(condition, prop, value, "EvidencedStatementsShape", "SPARQL")
        for prop, values in doc[condition].props.items()
        if prop != "rdfs:label"
        for value in values
    ]


@kind("period-not-an-integer", "EntryIntoForceCondition-periodDays", "Datatype")
def _period_decimal(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"30.5"^^xsd:decimal'
    condition = _condition(doc, ctx, "cg:periodDays", True, [wrong])
    return [row(condition, "cg:periodDays", wrong, "EntryIntoForceCondition-periodDays", "Datatype")]


@kind("period-twice", "EntryIntoForceCondition-periodDays", "MaxCount")
def _period_twice(doc: Doc, ctx: dict) -> list[dict]:
    condition = _condition(doc, ctx, "cg:periodDays", add=["60"])
    return [
        row(
            condition,
            "cg:periodDays",
            _last(doc, condition, "cg:periodDays"),
            "EntryIntoForceCondition-periodDays",
            "MaxCount",
        )
    ]


@kind("period-negative", "EntryIntoForceCondition-periodDays", "MinInclusive")
def _period_negative(doc: Doc, ctx: dict) -> list[dict]:
    condition = _condition(doc, ctx, "cg:periodDays", True, ["-30"])
    return [row(condition, "cg:periodDays", "-30", "EntryIntoForceCondition-periodDays", "MinInclusive")]


def _instrument_also(doc: Doc, ctx: dict, prop: str, value: str) -> None:
    ctx["lifecycle"]()
    _also(doc, ctx["inst"], ctx["ev"]["parties"], prop, value)


@kind("authentic-language-not-a-tag", "Instrument-authenticLanguage", "Pattern")
def _language_not_a_tag(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"english"^^xsd:language'  # a valid xsd:language lexically, but no BCP 47 tag
    _instrument_also(doc, ctx, "cg:authenticLanguage", wrong)
    return [row(ctx["inst"], "cg:authenticLanguage", wrong, "Instrument-authenticLanguage", "Pattern")]


@kind("authentic-language-untyped", "Instrument-authenticLanguage", "Datatype")
def _language_untyped(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"fr"'
    _instrument_also(doc, ctx, "cg:authenticLanguage", wrong)
    return [row(ctx["inst"], "cg:authenticLanguage", wrong, "Instrument-authenticLanguage", "Datatype")]


@kind("replaces-itself", "Instrument-lineageNotCircular", "SPARQL")
def _replaces_itself(doc: Doc, ctx: dict) -> list[dict]:
    _instrument_also(doc, ctx, "cg:replaces", ctx["inst"])
    return [
        row(ctx["inst"], "(cg:amends|cg:replaces)", ctx["inst"], "Instrument-lineageNotCircular", "SPARQL")
    ]


@kind("replaces-a-source", "Instrument-replaces", "Class")
def _replaces_source(doc: Doc, ctx: dict) -> list[dict]:
    _instrument_also(doc, ctx, "cg:replaces", ctx["src"])
    return [row(ctx["inst"], "cg:replaces", ctx["src"], "Instrument-replaces", "Class")]


@kind("amends-a-source", "Instrument-amends", "Class")
def _amends_source(doc: Doc, ctx: dict) -> list[dict]:
    _instrument_also(doc, ctx, "cg:amends", ctx["src"])
    return [
        row(ctx["inst"], "cg:amends", ctx["src"], "Instrument-amends", "Class"),
        # a source has no parties: the instrument's own are not those of what it amends
        row(ctx["inst"], "cg:amends", ctx["src"], "Instrument-amendsSameParties", "SPARQL"),
    ]


@kind("amends-another-pair", "Instrument-amendsSameParties", "SPARQL")
def _amends_other_pair(doc: Doc, ctx: dict) -> list[dict]:
    pair = {ctx["a"].code, ctx["b"].code}
    other = next(c["inst"] for c in ctx["intact"] if {c["a"].code, c["b"].code} != pair)
    _instrument_also(doc, ctx, "cg:amends", other)
    return [row(ctx["inst"], "cg:amends", other, "Instrument-amendsSameParties", "SPARQL")]


@kind("condition-not-a-condition", "Instrument-hasEntryIntoForceCondition", "Class")
def _condition_wrong(doc: Doc, ctx: dict) -> list[dict]:
    _instrument_also(doc, ctx, "cg:hasEntryIntoForceCondition", ctx["status"])
    return [
        row(
            ctx["inst"],
            "cg:hasEntryIntoForceCondition",
            ctx["status"],
            "Instrument-hasEntryIntoForceCondition",
            "Class",
        )
    ]


@kind("registration-not-a-registration", "Instrument-hasRegistration", "Class")
def _registration_wrong(doc: Doc, ctx: dict) -> list[dict]:
    _instrument_also(doc, ctx, "cg:hasRegistration", ctx["status"])
    return [row(ctx["inst"], "cg:hasRegistration", ctx["status"], "Instrument-hasRegistration", "Class")]


def _registration(doc: Doc, ctx: dict, prop: str, remove: bool = False, add=()) -> str:
    lc = ctx["lifecycle"]()
    registration = lc["registration"]
    _restate(doc, lc, registration, prop, list(doc[registration].props[prop]) if remove else (), add)
    return registration


def _registry(doc: Doc, ctx: dict, source: str | None) -> str:
    """A registry of party a's own, described in the instrument's file."""
    registry = f"registry:{ctx['slug']}-treaty-register"
    props = {"rdfs:label": [lit_en(f"the treaty register of {ctx['a'].name}")]}
    if source:
        props["dcterms:source"] = [source]
    doc.add(Node(registry, "cg:Registry", props))
    return registry


@kind("full-text-untyped", "Registration-fullText", "Datatype")
def _full_text_untyped(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"https://treaties.example.org/"'
    registration = _registration(doc, ctx, "cg:fullText", add=[wrong])
    return [row(registration, "cg:fullText", wrong, "Registration-fullText", "Datatype")]


@kind("full-text-not-a-web-link", "Registration-fullText", "Pattern")
def _full_text_ftp(doc: Doc, ctx: dict) -> list[dict]:
    wrong = '"ftp://treaties.example.org/"^^xsd:anyURI'
    registration = _registration(doc, ctx, "cg:fullText", add=[wrong])
    return [row(registration, "cg:fullText", wrong, "Registration-fullText", "Pattern")]


@kind("registration-evidence-a-place", "Registration-hasEvidence", "Class")
def _registration_evidence_place(doc: Doc, ctx: dict) -> list[dict]:
    registration = ctx["lifecycle"]()["registration"]
    doc[registration].props["cg:hasEvidence"].append(ctx["place"])
    return [row(registration, "cg:hasEvidence", ctx["place"], "Registration-hasEvidence", "Class")]


@kind("registration-without-evidence", "Registration-hasEvidence", "MinCount")
def _registration_unevidenced(doc: Doc, ctx: dict) -> list[dict]:
    registration = ctx["lifecycle"]()["registration"]
    doc.remove(doc[registration].props.pop("cg:hasEvidence")[0])
    return [row(registration, "cg:hasEvidence", None, "Registration-hasEvidence", "MinCount")] + [
        row(registration, prop, value, "EvidencedStatementsShape", "SPARQL")
        for prop, values in doc[registration].props.items()
        if prop != "rdfs:label"
        for value in values
    ]


@kind("registry-a-source", "Registration-inRegistry", "Class")
def _registry_source(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:inRegistry", True, [ctx["src"]])
    return [row(registration, "cg:inRegistry", ctx["src"], "Registration-inRegistry", "Class")]


@kind("two-registries", "Registration-inRegistry", "MaxCount")
def _two_registries(doc: Doc, ctx: dict) -> list[dict]:
    registry = _registry(doc, ctx, ctx["src"])
    registration = _registration(doc, ctx, "cg:inRegistry", add=[registry])
    return [
        row(
            registration,
            "cg:inRegistry",
            _last(doc, registration, "cg:inRegistry"),
            "Registration-inRegistry",
            "MaxCount",
        )
    ]


@kind("registration-without-registry", "Registration-inRegistry", "MinCount")
def _no_registry(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:inRegistry", True)
    return [row(registration, "cg:inRegistry", None, "Registration-inRegistry", "MinCount")]


@kind("registry-without-source", "Registry-source", "MinCount")
def _registry_sourceless(doc: Doc, ctx: dict) -> list[dict]:
    registry = _registry(doc, ctx, None)
    _registration(doc, ctx, "cg:inRegistry", True, [registry])
    return [row(registry, "dcterms:source", None, "Registry-source", "MinCount")]


@kind("registry-source-a-place", "Registry-source", "Class")
def _registry_source_place(doc: Doc, ctx: dict) -> list[dict]:
    registry = _registry(doc, ctx, ctx["place"])
    _registration(doc, ctx, "cg:inRegistry", True, [registry])
    return [row(registry, "dcterms:source", ctx["place"], "Registry-source", "Class")]


@kind("registered-on-untyped", "Registration-registeredOn", "Datatype")
def _registered_untyped(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    wrong = doc[lc["registration"]].props["cg:registeredOn"][0].split("^^")[0]
    registration = _registration(doc, ctx, "cg:registeredOn", True, [wrong])
    return [row(registration, "cg:registeredOn", wrong, "Registration-registeredOn", "Datatype")]


@kind("registered-twice", "Registration-registeredOn", "MaxCount")
def _registered_twice(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:registeredOn", add=[f'"{ctx["day"]}"^^xsd:date'])
    return [
        row(
            registration,
            "cg:registeredOn",
            _last(doc, registration, "cg:registeredOn"),
            "Registration-registeredOn",
            "MaxCount",
        )
    ]


@kind("registration-number-tagged", "Registration-registrationNumber", "Datatype")
def _number_tagged(doc: Doc, ctx: dict) -> list[dict]:
    lc = ctx["lifecycle"]()
    wrong = doc[lc["registration"]].props["cg:registrationNumber"][0] + "@en"
    registration = _registration(doc, ctx, "cg:registrationNumber", True, [wrong])
    return [row(registration, "cg:registrationNumber", wrong, "Registration-registrationNumber", "Datatype")]


@kind("two-registration-numbers", "Registration-registrationNumber", "MaxCount")
def _number_twice(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:registrationNumber", add=['"II-1234"'])
    return [
        row(
            registration,
            "cg:registrationNumber",
            _last(doc, registration, "cg:registrationNumber"),
            "Registration-registrationNumber",
            "MaxCount",
        )
    ]


@kind("registration-without-number", "Registration-registrationNumber", "MinCount")
def _number_none(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:registrationNumber", True)
    return [row(registration, "cg:registrationNumber", None, "Registration-registrationNumber", "MinCount")]


@kind("registration-number-blank", "Registration-registrationNumber", "Pattern")
def _number_blank(doc: Doc, ctx: dict) -> list[dict]:
    registration = _registration(doc, ctx, "cg:registrationNumber", True, ['" "'])
    return [row(registration, "cg:registrationNumber", '" "', "Registration-registrationNumber", "Pattern")]


@kind("registration-of-two-nodes", "Registration-registrationOf", "MaxCount")
def _registration_shared(doc: Doc, ctx: dict) -> list[dict]:
    registration = ctx["lifecycle"]()["registration"]
    _also(doc, ctx["status"], ctx["ev"]["status"], "cg:hasRegistration", registration)
    return [
        row(
            registration,
            "^cg:hasRegistration",
            max(ctx["inst"], ctx["status"], key=full),
            "Registration-registrationOf",
            "MaxCount",
        )
    ]


@kind("registration-of-nothing", "Registration-registrationOf", "MinCount")
def _registration_orphan(doc: Doc, ctx: dict) -> list[dict]:
    registration = _unstate(doc, ctx, ctx["lifecycle"](), "cg:hasRegistration")
    return [row(registration, "^cg:hasRegistration", None, "Registration-registrationOf", "MinCount")]


def _month(doc: Doc, ctx: dict) -> tuple[str, dict]:
    """The month in which party b accepts the instrument (an interval), and its statements."""
    lc = ctx["lifecycle"]()
    interval = doc[lc[f"consent-{ctx['b'].code}"]].props["cg:withinInterval"][0]
    return interval, doc[interval].props


@kind("interval-without-bounds", "DateInterval-bounds", "MinCount")
def _interval_unbounded(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    del props["cg:intervalStart"], props["cg:intervalEnd"]
    return [row(interval, "(cg:intervalStart|cg:intervalEnd)", None, "DateInterval-bounds", "MinCount")]


@kind("interval-end-untyped", "DateInterval-intervalEnd", "Datatype")
def _interval_end_untyped(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    wrong = props["cg:intervalEnd"][0].split("^^")[0]
    props["cg:intervalEnd"] = [wrong]
    return [
        row(interval, "cg:intervalEnd", wrong, "DateInterval-intervalEnd", "Datatype"),
        # a day cannot be compared with a text: the start is not known to be on or before the end
        row(
            interval,
            "cg:intervalStart",
            props["cg:intervalStart"][0],
            "DateInterval-intervalStart",
            "LessThanOrEquals",
        ),
    ]


@kind("interval-end-twice", "DateInterval-intervalEnd", "MaxCount")
def _interval_end_twice(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    end = date.fromisoformat(props["cg:intervalEnd"][0][1:11])
    props["cg:intervalEnd"].append(f'"{end + timedelta(days=1)}"^^xsd:date')
    return [
        row(
            interval,
            "cg:intervalEnd",
            _last(doc, interval, "cg:intervalEnd"),
            "DateInterval-intervalEnd",
            "MaxCount",
        )
    ]


@kind("interval-start-untyped", "DateInterval-intervalStart", "Datatype")
def _interval_start_untyped(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    wrong = props["cg:intervalStart"][0].split("^^")[0]
    props["cg:intervalStart"] = [wrong]
    return [
        row(interval, "cg:intervalStart", wrong, "DateInterval-intervalStart", "Datatype"),
        row(interval, "cg:intervalStart", wrong, "DateInterval-intervalStart", "LessThanOrEquals"),
    ]


@kind("interval-start-after-end", "DateInterval-intervalStart", "LessThanOrEquals")
def _interval_reversed(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    end = date.fromisoformat(props["cg:intervalEnd"][0][1:11])
    wrong = f'"{end + timedelta(days=1)}"^^xsd:date'
    props["cg:intervalStart"] = [wrong]
    return [row(interval, "cg:intervalStart", wrong, "DateInterval-intervalStart", "LessThanOrEquals")]


@kind("interval-start-twice", "DateInterval-intervalStart", "MaxCount")
def _interval_start_twice(doc: Doc, ctx: dict) -> list[dict]:
    interval, props = _month(doc, ctx)
    start = date.fromisoformat(props["cg:intervalStart"][0][1:11])
    props["cg:intervalStart"].append(f'"{start + timedelta(days=1)}"^^xsd:date')
    last = _last(doc, interval, "cg:intervalStart")
    return [row(interval, "cg:intervalStart", last, "DateInterval-intervalStart", "MaxCount")]


def lit_en(text: str) -> str:
    return f'"{text}"@en'


# --- what no mutation breaks ---------------------------------------------------------------------------

STATES = (
    "about the states of the reference data (codes, IRIs, UN M49 areas): an instrument file describes no "
    "state, and describing a real state again breaks several state rules at once"
)
CODE_LISTS = (
    "about the concept schemes and their concepts (data/reference/schemes/), which instruments only use"
)
ONTOLOGY = "about the ontology's own terms and headers (ontology/), which no data file writes"
NOT_GENERATED = (
    "about nodes the generated instruments do not describe (visits, conferences, meetings, statements, "
    "delegations, memberships, regional frameworks, news articles, reference documents, "
    "enrichments)"
)
STATE_FILES = (
    "about bodies, posts, persons, tenures and places, which the generated state files describe and no "
    "mutation of an instrument file touches"
)
NOT_YET = "can be broken in an instrument file, but no mutation is written for it yet"
EVIDENCE_NEEDED = (
    "a node's only paragraph evidence also backs its statements: taking it away breaks evidence per "
    "statement for every one of them; no mutation is written for that many rows yet"
)

#: Constraints of shapes/*.ttl (source shape, component; local names) that no kind of :data:`KINDS` breaks,
#: each with the reason. tests/test_generator.py fails for a constraint neither broken nor listed here.
UNCOVERED: dict[tuple[str, str], str] = {
    ("AgentShape", "SPARQL"): STATE_FILES,
    ("Claim-hasEvidence", "QualifiedMinCount"): EVIDENCE_NEEDED,
    ("Concept-broaderInScheme", "SPARQL"): CODE_LISTS,
    ("Concept-definition", "QualifiedMinCount"): CODE_LISTS,
    ("Concept-inScheme", "Class"): CODE_LISTS,
    ("Concept-inScheme", "MinCount"): CODE_LISTS,
    ("Concept-inSchemeNamespace", "SPARQL"): CODE_LISTS,
    ("Concept-notation", "MinCount"): CODE_LISTS,
    ("Concept-prefLabel", "Datatype"): CODE_LISTS,
    ("Concept-prefLabel", "MinCount"): CODE_LISTS,
    ("Concept-prefLabel", "UniqueLang"): CODE_LISTS,
    ("ConceptScheme-label", "MinCount"): CODE_LISTS,
    ("ConceptScheme-namespace", "Datatype"): CODE_LISTS,
    ("ConceptScheme-namespace", "MaxCount"): CODE_LISTS,
    ("ConceptScheme-namespace", "MinCount"): CODE_LISTS,
    ("Conference-edition", "Datatype"): NOT_GENERATED,
    ("Conference-edition", "MaxCount"): NOT_GENERATED,
    ("Conference-edition", "MinInclusive"): NOT_GENERATED,
    ("Conference-organisedBy", "Class"): NOT_GENERATED,
    ("Delegation-delegationLeader", "Class"): NOT_GENERATED,
    ("Delegation-delegationOf", "Class"): NOT_GENERATED,
    ("DistinctTermLabelsShape", "SPARQL"): ONTOLOGY,
    ("Enrichment-ownSource", "SPARQL"): NOT_GENERATED,
    ("Enrichment-sourceDescribed", "SPARQL"): NOT_GENERATED,
    ("Event-hasEvidence", "QualifiedMinCount"): EVIDENCE_NEEDED,
    ("Event-occasion", "Class"): NOT_GENERATED,
    ("Event-participant", "Class"): NOT_GENERATED,
    ("Event-withinInterval", "Class"): NOT_GENERATED,
    ("Event-withinInterval", "MaxCount"): NOT_GENERATED,
    ("GovernmentBody-bodyOf", "Class"): STATE_FILES,
    ("GovernmentBody-bodyOf", "MaxCount"): STATE_FILES,
    ("GovernmentBody-bodyOf", "MinCount"): STATE_FILES,
    ("Instrument-hasEvidence", "QualifiedMinCount"): EVIDENCE_NEEDED,
    ("LegalStatusAssertion-paragraphEvidence", "QualifiedMinCount"): EVIDENCE_NEEDED,
    ("M49Area-broaderNotation", "Pattern"): STATES,
    ("M49Area-inScheme", "HasValue"): STATES,
    ("M49Area-notation", "MaxCount"): STATES,
    ("M49Area-notation", "MinCount"): STATES,
    ("M49Area-notation", "Pattern"): STATES,
    ("M49Area-region", "QualifiedMinCount"): STATES,
    ("Meeting-involvesActivity", "SPARQL"): NOT_GENERATED,
    ("Membership-member", "Class"): NOT_GENERATED,
    ("Membership-member", "MaxCount"): NOT_GENERATED,
    ("Membership-member", "MinCount"): NOT_GENERATED,
    ("Membership-memberDuring", "Class"): NOT_GENERATED,
    ("Membership-memberDuring", "MaxCount"): NOT_GENERATED,
    ("Membership-organization", "Class"): NOT_GENERATED,
    ("Membership-organization", "MaxCount"): NOT_GENERATED,
    ("Membership-organization", "MinCount"): NOT_GENERATED,
    ("NewsArticle-dateline", "Datatype"): NOT_GENERATED,
    ("NewsArticle-dateline", "MaxCount"): NOT_GENERATED,
    ("NewsArticle-issued", "Datatype"): NOT_GENERATED,
    ("NewsArticle-issued", "MaxCount"): NOT_GENERATED,
    ("NewsArticle-issued", "MinCount"): NOT_GENERATED,
    ("NewsArticle-sourceKind", "MinCount"): NOT_GENERATED,
    ("Ontology-description", "MinCount"): ONTOLOGY,
    ("Ontology-license", "MinCount"): ONTOLOGY,
    ("Ontology-preferredNamespacePrefix", "MinCount"): ONTOLOGY,
    ("Ontology-preferredNamespaceUri", "MinCount"): ONTOLOGY,
    ("Ontology-title", "MinCount"): ONTOLOGY,
    ("Ontology-versionIRI", "MinCount"): ONTOLOGY,
    ("Ontology-versionInfo", "MinCount"): ONTOLOGY,
    ("OntologyTerm-definition", "SPARQL"): ONTOLOGY,
    ("OntologyTerm-label", "SPARQL"): ONTOLOGY,
    ("OntologyTermShape", "SPARQL"): ONTOLOGY,
    ("Organisation-abbreviation", "Datatype"): STATE_FILES,
    ("Organisation-label", "Datatype"): STATE_FILES,
    ("Organisation-label", "MinCount"): STATE_FILES,
    ("Organisation-label", "UniqueLang"): STATE_FILES,
    ("Person-honorific", "Datatype"): STATE_FILES,
    ("Person-label", "Datatype"): STATE_FILES,
    ("Person-label", "MinCount"): STATE_FILES,
    ("Person-label", "UniqueLang"): STATE_FILES,
    ("Place-placeInState", "Class"): STATE_FILES,
    ("Place-placeInState", "MaxCount"): STATE_FILES,
    ("Post-label", "Datatype"): STATE_FILES,
    ("Post-label", "MinCount"): STATE_FILES,
    ("Post-postIn", "Class"): STATE_FILES,
    ("Post-postIn", "MinCount"): STATE_FILES,
    ("PostShape", "SPARQL"): STATE_FILES,
    ("PostTenure-attestedOn", "Datatype"): STATE_FILES,
    ("PostTenure-attestedOn", "LessThanOrEquals"): STATE_FILES,
    ("PostTenure-hasEvidence", "QualifiedMinCount"): STATE_FILES,
    ("PostTenure-tenureEnd", "Datatype"): STATE_FILES,
    ("PostTenure-tenureEnd", "MaxCount"): STATE_FILES,
    ("PostTenure-tenureHolder", "Class"): STATE_FILES,
    ("PostTenure-tenureHolder", "MaxCount"): STATE_FILES,
    ("PostTenure-tenureHolder", "MinCount"): STATE_FILES,
    ("PostTenure-tenurePost", "Class"): STATE_FILES,
    ("PostTenure-tenurePost", "MaxCount"): STATE_FILES,
    ("PostTenure-tenurePost", "MinCount"): STATE_FILES,
    ("PostTenure-tenureStart", "Datatype"): STATE_FILES,
    ("PostTenure-tenureStart", "LessThanOrEquals"): STATE_FILES,
    ("PostTenure-tenureStart", "MaxCount"): STATE_FILES,
    ("PropertyKindShape", "Xone"): ONTOLOGY,
    ("ReferenceDocument-title", "MinCount"): NOT_GENERATED,
    ("RegionalFramework-frameworkOf", "Class"): NOT_GENERATED,
    ("RegionalFramework-frameworkOf", "MinCount"): NOT_GENERATED,
    ("Signature-concernsInstrument", "MaxCount"): NOT_YET,
    ("Signature-signingEvent", "MaxCount"): NOT_YET,
    ("SiteVisit-partOfVisit", "Class"): NOT_GENERATED,
    ("SiteVisit-visitedOrganisation", "Class"): NOT_GENERATED,
    ("SiteVisit-visitedOrganisation", "MinCount"): NOT_GENERATED,
    ("State-alpha2OfIri", "SPARQL"): STATES,
    ("State-inM49Region", "MaxCount"): STATES,
    ("State-inM49Region", "MinCount"): STATES,
    ("State-inM49Region", "Node"): STATES,
    ("State-isoAlpha2", "Datatype"): STATES,
    ("State-isoAlpha2", "MaxCount"): STATES,
    ("State-isoAlpha2", "MinCount"): STATES,
    ("State-isoAlpha2", "Pattern"): STATES,
    ("State-isoAlpha3", "Datatype"): STATES,
    ("State-isoAlpha3", "MaxCount"): STATES,
    ("State-isoAlpha3", "MinCount"): STATES,
    ("State-isoAlpha3", "Pattern"): STATES,
    ("State-isoNumeric", "Datatype"): STATES,
    ("State-isoNumeric", "MaxCount"): STATES,
    ("State-isoNumeric", "MinCount"): STATES,
    ("State-isoNumeric", "Pattern"): STATES,
    ("State-uniqueAlpha2", "SPARQL"): STATES,
    ("State-uniqueAlpha3", "SPARQL"): STATES,
    ("State-uniqueNumeric", "SPARQL"): STATES,
    ("StateShape", "Pattern"): STATES,
    ("Statement-statedBy", "Class"): STATES,
    ("Statement-statedBy", "MinCount"): STATES,
    ("Visit-delegationLeader", "Class"): NOT_GENERATED,
    ("Visit-hostState", "Class"): NOT_GENERATED,
    ("Visit-toMeet", "Class"): NOT_GENERATED,
    ("Visit-visitingDelegation", "Class"): NOT_GENERATED,
}
