"""Generate a realistic, seeded coopgraph graph of a given size, with known invalid cases.

    python benchmarks/generate.py --triples 10000 [--seed 0] [--invalid 0.01] OUT

``OUT`` becomes a data folder (``COOPGRAPH_DATA=OUT``): a copy of the shipped data (the reference data, with
every state, the code lists and the source texts, and the two real instruments its evidence speaks of) and
generated files under ``OUT/generated/``:

- ``generated/states/XX.ttl``, one per state that is a party: its ministries (government bodies), their
  posts (``org:postIn`` the ministry and the state), the officials who held each post one after another,
  their tenures (``cg:tenureStart``, ``cg:tenureEnd`` but for the last), each with evidence quoting a
  gazette of appointments that the file describes with its paragraphs;
- ``generated/instruments/gen-NNNNNN.ttl``, one per instrument between two states: a press release with
  its paragraphs, the instrument (designation, scopes, forms of cooperation), its legal status, a claim, the
  signing (date, place) and one signature per party by an official holding a post of that party that day,
  and evidence for every statement, quoting the paragraphs word for word. For about 40% of them
  (``LIFECYCLE_SHARE``) the file also holds a later status notice of party a's foreign ministry and what it
  reports (:func:`build_lifecycle`): the condition for entry into force as the text words it (with its
  period of days when it gives one); for a binding instrument, each party's consent (ratification,
  approval, acceptance, or consent by signature; a few dated only by month, an interval), and once both
  have consented the entry into force, for the instrument or for one or both parties; a non-binding one
  may take effect on signature. Now and then a reservation or declaration with its words, the central
  authority a party designates (one of its ministries, for a form of cooperation the instrument provides),
  the registration with the United Nations (``cg:inRegistry`` ``id/registry/unts``), the authentic
  language, a provisional application, a denunciation and the termination that follows. Each step is dated
  after what it needs (consent on or after signing, entry into force after the later consent, an ending
  after it), each statement with evidence quoting the notice. About a fifth of the instruments signed after
  another between the same two states amend or replace it (``cg:amends``, ``cg:replaces``, said in their
  press release). This costs about 95 triples per instrument that has it: 260 triples per instrument on
  average instead of 225, so a size asked for holds about 14% fewer instruments than before.

The states that take part grow with the size asked for (about sqrt(triples / 50) of them); they and the
posts are drawn with Zipf-like weights and the dates uniformly over 2000–2029, so an official signs a
handful of instruments over a tenure (median 2 at a million triples); one official, the hub (a special
envoy of the busiest state), signs about 2% of them. About ``invalid`` of the instruments are broken on
purpose, each by one mutation of :mod:`mutations` that states the validation results it causes; every kind
is used at least once whatever the share (the graph gets one instrument per kind at least, so it is never
smaller than about 75,000 triples), and ``invalid=0`` gives a graph that conforms. A kind that breaks a
lifecycle constraint first gives its instrument every kind of step (:func:`full_lifecycle`); instruments
that amend or replace another, or are amended or replaced, are never broken. ``f"{OUT}-new.ttl"`` is
one more conforming instrument, beside ``OUT``, to validate against the graph. The CLI writes
``OUT/expected.json`` (coopgraph reads only ``.ttl`` files). The same (triples, seed, invalid) gives the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mutations  # noqa: E402
from mutations import Doc, Node  # noqa: E402

from coopgraph import resources  # noqa: E402

CG = Namespace("https://w3id.org/coopgraph/ontology#")
ID = "https://w3id.org/coopgraph/id/"
OWL_DEPRECATED = URIRef("http://www.w3.org/2002/07/owl#deprecated")

#: The ministries each state gets, and the posts in them: (body slug, body name, post slug, post title).
MINISTRIES = (
    ("ministry-of-justice", "Ministry of Justice", "minister-of-justice", "Minister of Justice"),
    (
        "ministry-of-foreign-affairs",
        "Ministry of Foreign Affairs",
        "minister-of-foreign-affairs",
        "Minister of Foreign Affairs",
    ),
    ("ministry-of-interior", "Ministry of Interior", "minister-of-interior", "Minister of Interior"),
    ("attorney-generals-office", "Attorney-General's Office", "attorney-general", "Attorney-General"),
)
POST_WEIGHTS = (5, 3, 2, 1)  # justice ministers sign most
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2029, 12, 31)
HUB_SHARE = 0.02
GIVEN = (
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Emil",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jia",
    "Karim",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quang",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Yara",
)
FAMILY = (
    "Abara",
    "Bekov",
    "Costa",
    "Dahl",
    "Esen",
    "Fonseca",
    "Greco",
    "Haddad",
    "Ito",
    "Jensen",
    "Kaya",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Silva",
    "Tan",
    "Urquhart",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zeller",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass
class Generated:
    """What :func:`generate` wrote, and what validating it must give."""

    out: Path  # a data folder usable as COOPGRAPH_DATA=out (holds reference/ and generated files)
    files: list[Path]  # every .ttl written under out
    triples: int  # triples in the graph validated with it (ontology + out's files)
    expected: list[dict]  # the exact validation results the invalid cases must give
    new_file: Path  # one extra conforming instrument file, outside out (f"{out}-new.ttl")


# --- what the reference data offers ------------------------------------------------------------------


@dataclass
class Reference:
    """The states and code lists of the copied reference data, sorted so that draws are reproducible."""

    states: list[tuple[str, str]]  # (alpha-2 code, English name)
    codes: dict[str, list[tuple[str, str]]]  # scheme slug -> [(concept local name, English label)]
    deprecated: list[str]  # local names of deprecated assistance-form concepts replaced by a form
    triples: int  # triples of the ontology and the copied shipped data


def read_reference(reference: Path) -> Reference:
    """Read the states and code lists (SKOS concepts, not deprecated) from a copy of the shipped data."""
    graph = Graph()
    for path in sorted(reference.rglob("*.ttl")):
        graph.parse(path)
    states = []
    for state in graph.subjects(RDF.type, CG.State):
        code = str(state).rsplit("/", 1)[-1]
        name = next((str(x) for x in graph.objects(state, RDFS.label) if x.language == "en"), code)
        states.append((code, name))
    codes: dict[str, list[tuple[str, str]]] = {}
    deprecated = []
    for slug in ("crime-type", "cooperation-form", "designation", "claim-kind", "legal-status"):
        scheme = URIRef(f"{ID}scheme/{slug}")
        for concept in graph.subjects(SKOS.inScheme, scheme):
            if (concept, OWL_DEPRECATED, Literal(True)) in graph or not str(concept).startswith(
                f"{ID}{slug}/"
            ):
                continue
            label = next(str(x) for x in graph.objects(concept, SKOS.prefLabel) if x.language == "en")
            codes.setdefault(slug, []).append((str(concept).rsplit("/", 1)[-1], label))
        codes[slug].sort()
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{ID}scheme/assistance-form")):
        if (concept, OWL_DEPRECATED, Literal(True)) in graph:
            deprecated.append(str(concept).rsplit("/", 1)[-1])
    ontology = Graph()
    for path in resources.shipped_files("ontology"):
        ontology.parse(path)
    return Reference(sorted(states), codes, sorted(deprecated), len(graph) + len(ontology))


# --- states: ministries, posts, officials, tenures ---------------------------------------------------


@dataclass
class Term:
    """One official's tenure of one post."""

    person: str  # local name under person/
    name: str
    post: str  # local name under post/
    start: date
    end: date | None  # None: still in post


@dataclass
class StateData:
    code: str
    name: str
    terms: dict[str, list[Term]] = field(default_factory=dict)  # post local name -> terms in order
    titles: dict[str, str] = field(default_factory=dict)  # post local name -> title
    bodies: dict[str, str] = field(default_factory=dict)  # post local name -> body local name
    doc: Doc | None = None

    def holder(self, post: str, day: date) -> Term:
        return next(t for t in self.terms[post] if t.start <= day and (t.end is None or day <= t.end))


def words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def lit(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def xdate(day: date | str) -> str:
    return f'"{day}"^^xsd:date'


def build_state(code: str, name: str, seed: int, hub: bool) -> StateData:
    """The ministries, posts and successive officials of one state, from its own random stream (so a
    state's file does not depend on which instruments drew it)."""
    rng = random.Random(f"{seed}-state-{code}")
    cc = code.lower()
    state = StateData(code, name)
    doc = Doc(
        f"coopgraph generated data: the ministries, posts and officials of {name} ({code}), for benchmarks."
    )
    gazette = f"source:gen-{cc}-appointments"
    paragraphs: list[str] = []
    evidences: list[Node] = []
    tenures: list[Node] = []
    for body_slug, body_name, post_slug, title in MINISTRIES:
        body, post = f"gen-{cc}-{body_slug}", f"gen-{cc}-{post_slug}"
        doc.add(
            Node(
                f"body:{body}",
                "cg:GovernmentBody",
                {
                    "rdfs:label": [lit(f"{body_name} ({name})")],
                    "cg:bodyOf": [f"state:{code}"],
                    "cg:officialName": [lit(body_name)],
                },
            )
        )
        doc.add(
            Node(
                f"post:{post}",
                "cg:Post",
                {"rdfs:label": [lit(f"{title} ({name})")], "org:postIn": [f"body:{body}", f"state:{code}"]},
            )
        )
        state.titles[post], state.bodies[post] = title, body
        day, terms = FIRST_DAY - timedelta(days=rng.randrange(0, 1500)), []
        while day <= LAST_DAY:
            length = timedelta(days=rng.randrange(1000, 3200))
            number = len(terms) + 1
            person = f"gen-{cc}-{post_slug}-{number}"
            person_name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            end = day + length if day + length <= LAST_DAY else None
            terms.append(Term(person, person_name, post, day, end))
            day = day + length + timedelta(days=1)
        state.terms[post] = terms
    if hub:  # the adversarial hub: one envoy in post for the whole span, who signs ~2% of instruments
        body, post = f"gen-{cc}-ministry-of-foreign-affairs", f"gen-{cc}-special-envoy"
        doc.add(
            Node(
                f"post:{post}",
                "cg:Post",
                {
                    "rdfs:label": [lit(f"Special Envoy for Legal Cooperation ({name})")],
                    "org:postIn": [f"body:{body}", f"state:{code}"],
                },
            )
        )
        state.titles[post], state.bodies[post] = "Special Envoy for Legal Cooperation", body
        state.terms[post] = [Term(f"gen-{cc}-hub", "Hubert Envoy", post, FIRST_DAY, None)]
    for post, terms in state.terms.items():
        for term in terms:
            number = len(paragraphs) + 1
            text = (
                f"{term.name} was appointed {state.titles[post]} of {name} with effect from "
                f"{words(term.start)}."
            )
            if term.end:
                text += f" The appointment ended on {words(term.end)}."
            paragraphs.append(text)
            evidence = f"evidence:gen-{cc}-appointment-{number}"
            about = {
                "cg:aboutProperty": ["cg:tenureHolder", "cg:tenurePost", "cg:tenureStart"],
                "cg:aboutValue": [f"person:{term.person}", f"post:{post}", xdate(term.start)],
            }
            quote = text
            evidences.append(
                Node(
                    evidence,
                    "cg:Evidence",
                    {
                        "rdfs:label": [
                            lit(f"evidence: {term.name} held the post of {state.titles[post]} of {name}")
                        ],
                        "cg:inParagraph": [f"<{mutations.full(gazette)}/p{number}>"],
                        "cg:inSource": [gazette],
                        "cg:quote": [lit(quote, None)],
                        **about,
                    },
                )
            )
            props = {
                "rdfs:label": [lit(f"{term.name} as {state.titles[post]} of {name}")],
                "cg:tenureHolder": [f"person:{term.person}"],
                "cg:tenurePost": [f"post:{post}"],
                "cg:tenureStart": [xdate(term.start)],
            }
            if term.end:
                props["cg:tenureEnd"] = [xdate(term.end)]
            props["cg:hasEvidence"] = [evidence]
            tenures.append(Node(f"tenure:{term.person}--{post}", "cg:PostTenure", props))
            doc.add(Node(f"person:{term.person}", "cg:Person", {"rdfs:label": [lit(term.name)]}))
    doc.add(
        Node(
            f"place:gen-{cc}-capital",
            "cg:Place",
            {"rdfs:label": [lit(f"the capital of {name}")], "cg:placeInState": [f"state:{code}"]},
        )
    )
    doc.add(
        Node(
            gazette,
            "cg:PressRelease",
            {
                "rdfs:label": [lit(f"Gazette of appointments of {name}")],
                "dcterms:title": [lit(f"Appointments to the offices of state of {name}")],
                "dcterms:issued": [xdate(LAST_DAY)],
                "dcterms:publisher": [f"body:gen-{cc}-ministry-of-foreign-affairs"],
                "cg:sourceKind": ["source-kind:primary"],
            },
        )
    )
    for number, text in enumerate(paragraphs, start=1):
        doc.add(
            Node(
                f"<{mutations.full(gazette)}/p{number}>",
                "cg:Paragraph",
                {
                    "rdfs:label": [lit(f"paragraph {number} of the gazette of appointments of {name}")],
                    "cg:paragraphOf": [gazette],
                    "cg:paragraphNumber": [str(number)],
                    "cg:paragraphText": [lit(text, None)],
                },
            )
        )
    for node in (*tenures, *evidences):
        doc.add(node)
    state.doc = doc
    return state


# --- instruments --------------------------------------------------------------------------------------


def pick(rng: random.Random, items: list, count: int) -> list:
    return sorted(rng.sample(items, min(count, len(items))))


def listing(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def build_instrument(
    slug: str,
    a: StateData,
    b: StateData,
    post_a: str,
    post_b: str,
    day: date,
    rng: random.Random,
    ref: Reference,
    seed: int = 0,
) -> tuple[Doc, dict]:
    """One conforming instrument file between states ``a`` and ``b`` signed on ``day``, with its lifecycle
    for a share of them (:func:`build_lifecycle`, from a random stream of its own), and the names a mutation
    needs (``ctx``)."""
    signer_a, signer_b = a.holder(post_a, day), b.holder(post_b, day)
    designation, designation_label = rng.choice(ref.codes["designation"])
    scopes = pick(rng, ref.codes["crime-type"], rng.choice((1, 1, 2, 3)))
    forms = pick(rng, ref.codes["cooperation-form"], rng.choice((1, 2, 3, 4)))
    claim_kind = (
        "first-of-its-kind"
        if any(c == "first-of-its-kind" for c, _ in ref.codes["claim-kind"])
        else ref.codes["claim-kind"][0][0]
    )
    status = (
        "binding"
        if "treaty" in designation or designation == "agreement"
        else rng.choice([c for c, _ in ref.codes["legal-status"]])
    )
    status_label = dict(ref.codes["legal-status"])[status]
    cc = a.code.lower()
    publisher = a.bodies[post_a]
    title = f"{designation_label.capitalize()} on Cooperation in Criminal Matters"
    src = f"source:{slug}-release"
    inst, sign = f"instrument:{slug}", f"event:{slug}-signing"
    sig_a, sig_b = f"event:{slug}-signature-{cc}", f"event:{slug}-signature-{b.code.lower()}"
    place = f"place:gen-{cc}-capital"
    ev = {
        k: f"evidence:{slug}-{k}"
        for k in (
            "publisher",
            "date",
            "parties",
            "name",
            "scope",
            "cooperation",
            "status",
            "signed",
            "place",
            "signatures",
            "signature-a",
            "signature-b",
            "claim",
        )
    }
    title_a, title_b = a.titles[post_a], b.titles[post_b]
    party_words = f"the Government of {a.name}"
    texts = [
        f"{a.name} and {b.name} sign {title} {words(day)} {a.name.upper()} GOVERNMENT PRESS OFFICE",
        f"{party_words.capitalize()} and the Government of {b.name} signed the {title} today in the capital "
        f"of {a.name}.",
        f"The {designation_label} was signed by {a.name}'s {title_a} {signer_a.name} and "
        f"{b.name}'s {title_b} {signer_b.name}.",
        f"The {designation_label} will help the two countries fight {listing([lb for _, lb in scopes])}. It "
        f"provides for {listing([lb for _, lb in forms])}, among other forms of cooperation.",
        f"The {designation_label} is the first of its kind between {a.name} and {b.name}.",
        f"The two countries consider the {designation_label} {status_label}.",
    ]
    par = [f"<{mutations.full(src)}/p{n}>" for n in range(len(texts))]
    doc = Doc(
        f"coopgraph generated data: a fictional {designation_label} between {a.name} and {b.name} "
        f"signed on {day}, for benchmarks."
    )
    claim_text = f"The {designation_label} is the first of its kind between {a.name} and {b.name}."
    doc.add(
        Node(
            src,
            "cg:PressRelease",
            {
                "rdfs:label": [
                    lit(f"press release of {words(day)} on the {a.name}–{b.name} {designation_label}")
                ],
                "dcterms:title": [lit(f"{a.name} and {b.name} sign {title}")],
                "dcterms:issued": [xdate(day)],
                "dcterms:publisher": [f"body:{publisher}"],
                "cg:sourceKind": ["source-kind:primary"],
                "cg:hasEvidence": [ev["publisher"], ev["date"]],
            },
        )
    )
    for n, text in enumerate(texts):
        doc.add(
            Node(
                par[n],
                "cg:Paragraph",
                {
                    "rdfs:label": [
                        lit(
                            f"paragraph {n} of the press release on the {a.name}–{b.name} {designation_label}"
                        )
                    ],
                    "cg:paragraphOf": [src],
                    "cg:paragraphNumber": [str(n)],
                    "cg:paragraphText": [lit(text, None)],
                },
            )
        )

    def evidence(key: str, n: int, quote: str, props: list[str], values: list[str], label: str) -> None:
        fields = {
            "rdfs:label": [lit(f"evidence: {label}")],
            "cg:inParagraph": [par[n]],
            "cg:inSource": [src],
            "cg:quote": [lit(quote, None)],
        }
        if props:
            fields["cg:aboutProperty"], fields["cg:aboutValue"] = props, values
        doc.add(Node(ev[key], "cg:Evidence", fields))

    evidence(
        "publisher",
        0,
        f"{a.name.upper()} GOVERNMENT PRESS OFFICE",
        ["dcterms:publisher", "cg:assertedBy", "cg:claimedBy"],
        [f"body:{publisher}"],
        "the publisher",
    )
    evidence("date", 0, words(day), ["dcterms:issued", "cg:onDate"], [xdate(day)], "the date")
    evidence(
        "parties",
        1,
        f"{party_words.capitalize()} and the Government of {b.name} signed",
        ["cg:hasParty", "cg:partyAsWritten"],
        [f"state:{a.code}", f"state:{b.code}", lit(party_words)],
        "the parties",
    )
    evidence(
        "name",
        1,
        f"the {title}",
        ["cg:officialName", "cg:hasDesignation"],
        [lit(title), f"designation:{designation}"],
        "the title",
    )
    evidence(
        "scope",
        3,
        f"fight {listing([lb for _, lb in scopes])}",
        ["cg:hasScope"],
        [f"crime-type:{c}" for c, _ in scopes],
        "the crimes it covers",
    )
    evidence(
        "cooperation",
        3,
        f"provides for {listing([lb for _, lb in forms])}, among other forms",
        ["cg:providesCooperation", "cg:assistanceListExhaustive"],
        [*(f"cooperation-form:{c}" for c, _ in forms), "false"],
        "the forms of cooperation",
    )
    evidence(
        "status",
        5,
        texts[5][:-1],
        ["cg:statusOf", "cg:legalStatus", "cg:assertedIn"],
        [inst, f"legal-status:{status}", src],
        "the legal status",
    )
    evidence(
        "signed",
        1,
        f"signed the {title} today",
        ["cg:concernsInstrument", "cg:onDate"],
        [inst, xdate(day)],
        "the signing",
    )
    evidence("place", 1, f"today in the capital of {a.name}", ["cg:atPlace"], [place], "the place")
    evidence(
        "signatures",
        2,
        texts[2][:-1],
        ["cg:hasSignature", "cg:concernsInstrument"],
        [sig_a, sig_b, inst],
        "the signatories",
    )
    evidence(
        "signature-a",
        2,
        f"{a.name}'s {title_a} {signer_a.name}",
        ["cg:signatory", "cg:signedFor", "cg:inCapacityOf"],
        [f"person:{signer_a.person}", f"state:{a.code}", f"post:{post_a}"],
        f"{signer_a.name} signed",
    )
    evidence(
        "signature-b",
        2,
        f"{b.name}'s {title_b} {signer_b.name}",
        ["cg:signatory", "cg:signedFor", "cg:inCapacityOf"],
        [f"person:{signer_b.person}", f"state:{b.code}", f"post:{post_b}"],
        f"{signer_b.name} signed",
    )
    evidence(
        "claim",
        4,
        texts[4][:-1],
        ["cg:claimAbout", "cg:claimKind", "cg:claimText", "cg:assertedIn"],
        [inst, f"claim-kind:{claim_kind}", lit(claim_text), src],
        "the claim",
    )
    doc.add(
        Node(
            inst,
            "cg:BilateralInstrument",
            {
                "rdfs:label": [lit(f"{a.name}–{b.name} {title} ({day.year})")],
                "cg:officialName": [lit(title)],
                "cg:hasDesignation": [f"designation:{designation}"],
                "cg:hasParty": [f"state:{a.code}", f"state:{b.code}"],
                "cg:hasScope": [f"crime-type:{c}" for c, _ in scopes],
                "cg:providesCooperation": [f"cooperation-form:{c}" for c, _ in forms],
                "cg:assistanceListExhaustive": ["false"],
                "cg:hasEvidence": [ev["parties"], ev["name"], ev["scope"], ev["cooperation"]],
            },
        )
    )
    doc.add(
        Node(
            f"status:{slug}",
            "cg:LegalStatusAssertion",
            {
                "rdfs:label": [lit(f"legal status of the {a.name}–{b.name} {designation_label}")],
                "cg:statusOf": [inst],
                "cg:legalStatus": [f"legal-status:{status}"],
                "cg:assertedBy": [f"body:{publisher}"],
                "cg:assertedIn": [src],
                "cg:hasEvidence": [ev["status"], ev["publisher"]],
            },
        )
    )
    doc.add(
        Node(
            sign,
            "cg:SigningEvent",
            {
                "rdfs:label": [lit(f"signing of the {a.name}–{b.name} {designation_label}, {words(day)}")],
                "cg:concernsInstrument": [inst],
                "cg:onDate": [xdate(day)],
                "cg:atPlace": [place],
                "cg:hasSignature": [sig_a, sig_b],
                "cg:hasEvidence": [ev["signed"], ev["date"], ev["place"], ev["signatures"]],
            },
        )
    )
    for sig, state, signer, post, key, written in (
        (sig_a, a, signer_a, post_a, "signature-a", party_words),
        (sig_b, b, signer_b, post_b, "signature-b", None),
    ):
        props = {
            "rdfs:label": [lit(f"signature of the {a.name}–{b.name} {designation_label} by {signer.name}")],
            "cg:concernsInstrument": [inst],
            "cg:signatory": [f"person:{signer.person}"],
            "cg:signedFor": [f"state:{state.code}"],
            "cg:inCapacityOf": [f"post:{post}"],
        }
        if written:
            props["cg:partyAsWritten"] = [lit(written)]
        props["cg:hasEvidence"] = [ev["signatures"], ev[key]] + ([ev["parties"]] if written else [])
        doc.add(Node(sig, "cg:Signature", props))
    doc.add(
        Node(
            f"claim:{slug}-first-of-its-kind",
            "cg:Claim",
            {
                "rdfs:label": [
                    lit(f"claim: the {a.name}–{b.name} {designation_label} is the first of its kind")
                ],
                "cg:claimAbout": [inst],
                "cg:claimKind": [f"claim-kind:{claim_kind}"],
                "cg:claimText": [lit(claim_text)],
                "cg:claimedBy": [f"body:{publisher}"],
                "cg:assertedIn": [src],
                "cg:hasEvidence": [ev["claim"], ev["publisher"]],
            },
        )
    )
    ctx = {
        "slug": slug,
        "inst": inst,
        "src": src,
        "par": par,
        "texts": texts,
        "ev": ev,
        "sign": sign,
        "sig_a": sig_a,
        "sig_b": sig_b,
        "a": a,
        "b": b,
        "post_a": post_a,
        "post_b": post_b,
        "day": day,
        "signer_a": signer_a,
        "signer_b": signer_b,
        "status": f"status:{slug}",
        "place": place,
        "claim": f"claim:{slug}-first-of-its-kind",
        "publisher": f"body:{publisher}",
        "ref": ref,
        "scopes": [c for c, _ in scopes],
        "forms": [c for c, _ in forms],
        "binding": status == "binding",
        "what": designation_label,
        "title": title,
    }
    ctx["lc"] = build_lifecycle(doc, ctx, random.Random(f"{seed}-lifecycle-{slug}"))
    ctx["lifecycle"] = lambda: full_lifecycle(doc, ctx)
    return doc, ctx


# --- the lifecycle of an instrument: consents, entry into force, communications, ending -------------------

LIFECYCLE_SHARE = 0.4  # instruments whose later steps a status notice of a party reports
LINEAGE_SHARE = (
    0.2  # of the instruments signed after another between the same two states: amend or replace it
)
#: how a party consents to be bound by a binding instrument: (class, verb of the notice), with weights
CONSENTS = (("cg:Ratification", "ratified"), ("cg:Approval", "approved"), ("cg:Acceptance", "accepted"))
CONSENT_WEIGHTS = (6, 2, 1)
#: what a binding instrument waits for: (the words of its text, the days they let pass or None)
CONDITIONS = (
    (
        "on the thirtieth day after the date of the later of the notifications by which the Parties inform "
        "each other that their domestic procedures are complete",
        30,
    ),
    ("after both sides complete their domestic procedures", None),
    ("sixty days after the exchange of the instruments of ratification", 60),
)
ON_SIGNATURE = "on the date of its signature"
RESERVATIONS = (
    "{party} does not consider itself bound by Article {n} of the {what}.",
    "{party} reserves the right to refuse assistance under Article {n} of the {what} for offences punishable "
    "only by a fine.",
)
DECLARATIONS = (
    "{party} declares that requests under the {what} shall be made in English or accompanied by a "
    "translation into English.",
    "{party} declares that it will apply Article {n} of the {what} only on the basis of reciprocity.",
)


def build_lifecycle(doc: Doc, ctx: dict, rng: random.Random, full: bool = False) -> dict | None:
    """Add to an instrument's file what a later status notice of party a says happened after the signing,
    drawn with ``rng`` (or every kind of step, ``full``, for the mutations that break one); each statement
    with evidence quoting the notice's paragraphs word for word. Returns the names a mutation needs (``lc``),
    or None when the draw records nothing. The steps are dated in an order that can have happened: a
    consent on or after the signing, the entry into force after the later consent, an ending after it."""
    binding = ctx["binding"] or full
    if not full and rng.random() >= LIFECYCLE_SHARE:
        return None
    slug, inst, a, b, day, what = ctx["slug"], ctx["inst"], ctx["a"], ctx["b"], ctx["day"], ctx["what"]
    note = f"source:{slug}-status"
    texts: list[str] = []
    lc: dict = {"note": note, "ev": {}, "nodes": [], "inst_props": [], "par": [], "texts": texts}
    dates: list[date] = [day]

    def paragraph(text: str) -> int:
        texts.append(text)
        return len(texts)  # paragraph 0 is the notice's title line, written last

    def fact(key: str, subject: str, types: str, label: str, props: dict, n: int, quote: str) -> None:
        """A node and the evidence of all its statements, quoting paragraph ``n`` of the notice."""
        evidence = f"evidence:{slug}-{key}"
        values = list(dict.fromkeys(v for objects in props.values() for v in objects))
        doc.add(Node(subject, types, {"rdfs:label": [lit(label)], **props, "cg:hasEvidence": [evidence]}))
        doc.add(
            Node(
                evidence,
                "cg:Evidence",
                {
                    "rdfs:label": [lit(f"evidence: {label}")],
                    "cg:inParagraph": [f"<{mutations.full(note)}/p{n}>"],
                    "cg:inSource": [note],
                    "cg:quote": [lit(quote, None)],
                    "cg:aboutProperty": list(props),
                    "cg:aboutValue": values,
                },
            )
        )
        lc["ev"][subject] = evidence
        lc["nodes"] += [subject, evidence]

    def on_instrument(key: str, prop: str, value: str, n: int, quote: str) -> None:
        """A statement of the instrument itself, with an evidence of its own."""
        evidence = f"evidence:{slug}-{key}"
        doc[inst].props.setdefault(prop, []).append(value)
        doc[inst].props["cg:hasEvidence"].append(evidence)
        doc.add(
            Node(
                evidence,
                "cg:Evidence",
                {
                    "rdfs:label": [lit(f"evidence: {what} {prop.split(':')[1]}")],
                    "cg:inParagraph": [f"<{mutations.full(note)}/p{n}>"],
                    "cg:inSource": [note],
                    "cg:quote": [lit(quote, None)],
                    "cg:aboutProperty": [prop],
                    "cg:aboutValue": [value],
                },
            )
        )
        lc["inst_props"].append((prop, value, evidence))
        lc["nodes"].append(evidence)
        lc["ev"][f"{inst} {prop}"] = evidence

    def event(kind: str, cls: str, party: StateData | None, when: date | tuple[date, date], text: str):
        """A dated step of the lifecycle (for ``party``, or the instrument as a whole): a day, or the
        month in which the notice says it happened (an interval)."""
        subject = f"event:{slug}-{kind}" + (f"-{party.code.lower()}" if party else "")
        props = {"cg:concernsInstrument": [inst]}
        if party:
            props["cg:forParty"] = [f"state:{party.code}"]
        if isinstance(when, tuple):
            start, end = when
            interval = f"interval:{slug}-{start}--{end}"
            doc.add(
                Node(
                    interval,
                    "cg:DateInterval",
                    {
                        "rdfs:label": [lit(f"{MONTHS[start.month - 1]} {start.year}")],
                        "cg:intervalStart": [xdate(start)],
                        "cg:intervalEnd": [xdate(end)],
                    },
                )
            )
            lc["nodes"].append(interval)
            props["cg:withinInterval"] = [interval]
        else:
            props["cg:onDate"] = [xdate(when)]
        n = paragraph(text)
        fact(kind + (f"-{party.code.lower()}" if party else ""), subject, cls, text[:-1], props, n, text[:-1])
        return subject

    # the condition for entry into force, as the instrument's text gives it
    if binding:
        condition, period = CONDITIONS[0] if full else rng.choice(CONDITIONS)
    else:
        condition, period = ON_SIGNATURE, 0
    n = paragraph(f"The {what} enters into force {condition}.")
    cond = f"condition:{slug}-entry-into-force"
    props = {"cg:conditionText": [lit(condition)]}
    if period is not None:
        props["cg:periodDays"] = [str(period)]
    fact(
        "condition",
        cond,
        "cg:EntryIntoForceCondition",
        f"when the {what} enters into force",
        props,
        n,
        condition,
    )
    on_instrument("condition-of", "cg:hasEntryIntoForceCondition", cond, n, f"The {what} enters into force")
    lc["condition"] = cond
    consents: dict[str, date] = {}
    in_force: date | None = None
    if binding:
        stage = 2 if full else rng.choices((0, 1, 2), (2, 2, 6))[0]  # none, one or both parties consented
        for party in (a, b)[:stage]:
            consented = day + timedelta(days=rng.randrange(30, 720))
            if not full and rng.random() < 0.1:  # consent by signature: no ratification needed
                consented = day
                text = f"{party.name} consented to be bound by the {what} by its signature on {words(day)}."
                lc[f"consent-{party.code}"] = event(
                    "definitive-signature", "cg:DefinitiveSignature", party, day, text
                )
            else:
                if full:  # a ratifies on a day, b accepts in a month
                    cls, verb = CONSENTS[0] if party is a else CONSENTS[2]
                else:
                    cls, verb = rng.choices(CONSENTS, CONSENT_WEIGHTS)[0]
                month_only = party is b if full else rng.random() < 0.15
                if month_only:
                    start = consented.replace(day=1)
                    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
                    when: date | tuple[date, date] = (start, end)
                    text = f"{party.name} {verb} the {what} in {MONTHS[start.month - 1]} {start.year}."
                else:
                    when, text = consented, f"{party.name} {verb} the {what} on {words(consented)}."
                lc[f"consent-{party.code}"] = event(cls.split(":")[1].lower(), cls, party, when, text)
            consents[party.code] = consented
            dates.append(consented)
        if len(consents) == 2:
            in_force = max(consents.values()) + timedelta(days=period if period is not None else 30)
    elif full or rng.random() < 0.5:
        in_force = day
    if in_force is not None:
        dates.append(in_force)
        per_party = full or rng.random() < 0.3
        if full or not per_party:
            text = f"The {what} entered into force on {words(in_force)}."
            lc["eif"] = event("entry-into-force", "cg:EntryIntoForce", None, in_force, text)
        if per_party:
            for party in (a,) if full or rng.random() < 0.5 else (a, b):
                text = f"The {what} entered into force for {party.name} on {words(in_force)}."
                lc[f"eif-{party.code}"] = event(
                    "entry-into-force", "cg:EntryIntoForce", party, in_force, text
                )
    if binding and not full and consents and rng.random() < 0.05:
        text = f"{b.name} has applied the {what} provisionally since {words(day)}."
        event("provisional-application", "cg:ProvisionalApplication", b, day, text)
    # reservations and declarations: the words of the party, quoted
    for key, cls, templates, share in (
        ("reservation", "cg:Reservation", RESERVATIONS, 0.1),
        ("declaration", "cg:Declaration", DECLARATIONS, 0.1),
    ):
        for party in (a, b):
            if party.code not in consents:
                continue
            if not ((party is a) == (key == "reservation") if full else rng.random() < share):
                continue  # in full, a makes a reservation and b a declaration
            words_of = rng.choice(templates).format(party=party.name, what=what, n=rng.randrange(2, 25))
            n = paragraph(f"On consenting to be bound, {party.name} made the following {key}: {words_of}")
            subject = f"event:{slug}-{key}-{party.code.lower()}-1"
            props = {
                "cg:concernsInstrument": [inst],
                "cg:forParty": [f"state:{party.code}"],
                "cg:communicationText": [lit(words_of)],
            }
            fact(
                f"{key}-{party.code.lower()}-1",
                subject,
                cls,
                f"the {key} of {party.name}",
                props,
                n,
                words_of,
            )
            lc[key] = subject
    # the central authorities the parties designate, for a form of cooperation the instrument provides
    if full or (ctx["forms"] and rng.random() < 0.2):
        form = ctx["forms"][0]
        label = dict(ctx["ref"].codes["cooperation-form"])[form]
        for party in (a,) if full else (a, b):
            post = "minister-of-justice" if full or rng.random() < 0.7 else "attorney-general"
            body = next(bd for p, bd in party.bodies.items() if p.endswith(post))
            body_name = next(name for slug_, name, *_ in MINISTRIES if body.endswith(slug_))
            text = (
                f"{party.name} designated its {body_name} as the central authority for {label} under the "
                f"{what}."
            )
            n = paragraph(text)
            subject = f"event:{slug}-designation-{party.code.lower()}-1"
            props = {
                "cg:concernsInstrument": [inst],
                "cg:forParty": [f"state:{party.code}"],
                "cg:designatesAuthority": [f"body:{body}"],
                "cg:authorityRole": ["authority-role:central-authority"],
                "cg:forCooperation": [f"cooperation-form:{form}"],
            }
            fact(
                f"designation-{party.code.lower()}-1",
                subject,
                "cg:AuthorityDesignation",
                text[:-1],
                props,
                n,
                text[:-1],
            )
            lc.setdefault("designation", subject)
    # registration with the United Nations, and the end of it all: a denunciation, then the termination
    if in_force is not None and (full or rng.random() < 0.3):
        registered = in_force + timedelta(days=rng.randrange(30, 400))
        number = f"I-{rng.randrange(40000, 60000)}"
        n = paragraph(
            f"The {what} was registered with the Secretariat of the United Nations on {words(registered)} "
            f"under number {number}."
        )
        registration = f"registration:{slug}-unts"
        props = {
            "cg:inRegistry": ["registry:unts"],
            "cg:registrationNumber": [lit(number, None)],
            "cg:registeredOn": [xdate(registered)],
        }
        fact(
            "registration",
            registration,
            "cg:Registration",
            f"registration of the {what}",
            props,
            n,
            texts[n - 1][:-1],
        )
        on_instrument("registration-of", "cg:hasRegistration", registration, n, f"The {what} was registered")
        lc["registration"] = registration
        dates.append(registered)
    if full or rng.random() < 0.3:
        n = paragraph(f"The {what} was done in English.")
        on_instrument("language", "cg:authenticLanguage", '"en"^^xsd:language', n, "done in English")
    if in_force is not None and consents and (full or rng.random() < 0.06):
        party = a
        denounced = in_force + timedelta(days=rng.randrange(365, 3000))
        ended = denounced + timedelta(days=180)
        text = f"{party.name} gave notice of denunciation of the {what} on {words(denounced)}."
        lc["denunciation"] = event("denunciation", "cg:Denunciation", party, denounced, text)
        text = f"The {what} ceased to have effect on {words(ended)}."
        lc["termination"] = event("termination", "cg:Termination", None, ended, text)
        dates.append(ended)
    if len(texts) == 0:
        return None
    issued = max(dates) + timedelta(days=rng.randrange(1, 60))
    publisher = f"body:gen-{a.code.lower()}-ministry-of-foreign-affairs"
    title = f"Status of the {ctx['title']} between {a.name} and {b.name}"
    texts.insert(0, f"{title} {words(issued)} {a.name.upper()} MINISTRY OF FOREIGN AFFAIRS")
    doc.add(
        Node(
            note,
            "cg:PressRelease",
            {
                "rdfs:label": [lit(f"status notice of {words(issued)} on the {a.name}–{b.name} {what}")],
                "dcterms:title": [lit(title)],
                "dcterms:issued": [xdate(issued)],
                "dcterms:publisher": [publisher],
                "cg:sourceKind": ["source-kind:primary"],
            },
        )
    )
    for n, text in enumerate(texts):
        paragraph_iri = f"<{mutations.full(note)}/p{n}>"
        doc.add(
            Node(
                paragraph_iri,
                "cg:Paragraph",
                {
                    "rdfs:label": [
                        lit(f"paragraph {n} of the status notice on the {a.name}–{b.name} {what}")
                    ],
                    "cg:paragraphOf": [note],
                    "cg:paragraphNumber": [str(n)],
                    "cg:paragraphText": [lit(text, None)],
                },
            )
        )
        lc["par"].append(paragraph_iri)
    lc["nodes"] += [note, *lc["par"]]
    return lc


def full_lifecycle(doc: Doc, ctx: dict) -> dict:
    """Replace the lifecycle drawn for an instrument (if any) by one with every kind of step, for a mutation
    that breaks one of them; returns its names (``lc``)."""
    old = ctx["lc"]
    if old:
        for subject in dict.fromkeys(old["nodes"]):
            doc.remove(subject)
        props = doc[ctx["inst"]].props
        for prop, value, evidence in old["inst_props"]:
            props[prop].remove(value)
            props["cg:hasEvidence"].remove(evidence)
            if not props[prop]:
                del props[prop]
    ctx["lc"] = build_lifecycle(doc, ctx, random.Random(f"full-{ctx['slug']}"), full=True)
    return ctx["lc"]


# --- the whole graph ----------------------------------------------------------------------------------


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def link_lineage(docs: list[tuple[str, Doc, dict]], broken: set[int], rng: random.Random) -> int:
    """Let a share of the instruments amend or replace an earlier one between the same two states (never
    one that a mutation breaks, whose results would change), said in a paragraph of the later one's press
    release with its evidence; each earlier instrument at most once. Returns the triples added."""
    added = 0
    earlier: dict[frozenset, list[dict]] = {}
    used: set[str] = set()
    for index, (_, doc, ctx) in sorted(enumerate(docs), key=lambda item: (item[1][2]["day"], item[0])):
        pair = frozenset((ctx["a"].code, ctx["b"].code))
        if index in broken:
            continue
        before = [c for c in earlier.get(pair, []) if c["inst"] not in used and c["day"] < ctx["day"]]
        if before and ctx["inst"] not in used and rng.random() < LINEAGE_SHARE:
            old = rng.choice(before)
            prop, verb = rng.choice((("cg:amends", "amends"), ("cg:replaces", "replaces")))
            text = f"The {ctx['what']} {verb} the {old['title']} signed on {words(old['day'])}."
            n = len(ctx["texts"])
            paragraph = f"<{mutations.full(ctx['src'])}/p{n}>"
            evidence = f"evidence:{ctx['slug']}-{verb[:-1]}"
            nodes = (
                Node(
                    paragraph,
                    "cg:Paragraph",
                    {
                        "rdfs:label": [lit(f"paragraph {n} of the press release on the {ctx['what']}")],
                        "cg:paragraphOf": [ctx["src"]],
                        "cg:paragraphNumber": [str(n)],
                        "cg:paragraphText": [lit(text, None)],
                    },
                ),
                Node(
                    evidence,
                    "cg:Evidence",
                    {
                        "rdfs:label": [lit(f"evidence: the {ctx['what']} {verb} an earlier instrument")],
                        "cg:inParagraph": [paragraph],
                        "cg:inSource": [ctx["src"]],
                        "cg:quote": [lit(text[:-1], None)],
                        "cg:aboutProperty": [prop],
                        "cg:aboutValue": [old["inst"]],
                    },
                ),
            )
            ctx["texts"].append(text)
            for node in nodes:
                doc.add(node)
            doc[ctx["inst"]].props[prop] = [old["inst"]]
            doc[ctx["inst"]].props["cg:hasEvidence"].append(evidence)
            used |= {old["inst"], ctx["inst"]}
            added += sum(node.triples for node in nodes) + 2
        earlier.setdefault(pair, []).append(ctx)
    return added


def generate(triples: int, out: Path, seed: int = 0, invalid: float = 0.01) -> Generated:
    """Write a graph of about ``triples`` triples (ontology and reference data included) under ``out``."""
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not (out / "generated").is_dir():
            raise FileExistsError(f"{out} holds files the generator did not write: name a new folder")
        shutil.rmtree(out)
    # the shipped data as it is (its reference data, and the two real instruments its evidence speaks of)
    shutil.copytree(resources.data_directory(), out, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    ref = read_reference(out)
    rng = random.Random(f"{seed}-instruments")
    order = list(ref.states)
    rng.shuffle(order)  # which states are the busy ones: the first few, the active ones at this size
    order = order[: max(8, min(len(order), round((triples / 50) ** 0.5)))]
    weights = _zipf_weights(len(order), 0.5)
    hub_code = order[0][0]
    states: dict[str, StateData] = {}
    files: list[Path] = []
    total = ref.triples
    kinds = mutations.KINDS

    def state(code: str, name: str) -> StateData:
        nonlocal total
        if code not in states:
            states[code] = build_state(code, name, seed, hub=code == hub_code)
            total += states[code].doc.triples
        return states[code]

    def draw(index: int) -> tuple[Doc, dict]:
        hub = rng.random() < HUB_SHARE
        while True:
            (code_a, name_a), (code_b, name_b) = rng.choices(order, weights, k=2)
            if code_a != code_b:
                break
        if hub:
            code_a, name_a = hub_code, dict(ref.states)[hub_code]
            if code_b == hub_code:
                code_b, name_b = order[1]
        a, b = state(code_a, name_a), state(code_b, name_b)
        day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        posts_a = [p for p in a.terms if not p.endswith("special-envoy")]
        post_a = f"gen-{hub_code.lower()}-special-envoy" if hub else rng.choices(posts_a, POST_WEIGHTS)[0]
        post_b = rng.choices([p for p in b.terms if not p.endswith("special-envoy")], POST_WEIGHTS)[0]
        return build_instrument(f"gen-{index:06d}", a, b, post_a, post_b, day, rng, ref, seed)

    docs: list[tuple[str, Doc, dict]] = []
    index = 0
    kinds = kinds if invalid > 0 else []  # no share asked for: a graph that conforms
    while total < triples or index < len(kinds) + 1:
        index += 1
        doc, ctx = draw(index)
        docs.append((ctx["slug"], doc, ctx))
        total += doc.triples
    # which instruments are broken: every kind once, then kinds in turn up to the share asked for
    broken = min(max(len(kinds), round(invalid * len(docs))), len(docs) - 1) if kinds else 0
    chosen = sorted(random.Random(f"{seed}-invalid").sample(range(len(docs)), broken))
    total += link_lineage(docs, set(chosen), random.Random(f"{seed}-lineage"))
    intact = [ctx for i, (_, _, ctx) in enumerate(docs) if i not in set(chosen)]
    expected: list[dict] = []
    for position, doc_index in enumerate(chosen):
        slug, doc, ctx = docs[doc_index]
        ctx["intact"] = intact  # the instruments no mutation touches, for one that points at another
        before = doc.triples
        rows = kinds[position % len(kinds)].apply(doc, ctx)
        total += doc.triples - before
        expected.extend(rows)
    for slug, doc, _ in docs:
        path = out / "generated" / "instruments" / f"{slug}.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.render(), encoding="utf-8")
        files.append(path)
    for code in sorted(states):
        path = out / "generated" / "states" / f"{code}.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(states[code].doc.render(), encoding="utf-8")
        files.append(path)
    # one more conforming instrument, between two states the graph already holds (their files are written)
    known = sorted(states)
    extra = random.Random(f"{seed}-new")
    code_a, code_b = extra.sample(known, 2)
    a, b = states[code_a], states[code_b]
    day = FIRST_DAY + timedelta(days=extra.randrange((LAST_DAY - FIRST_DAY).days))
    posts = (
        [p for p in a.terms if not p.endswith("special-envoy")],
        [p for p in b.terms if not p.endswith("special-envoy")],
    )
    doc, _ = build_instrument(
        f"gen-{index + 1:06d}", a, b, extra.choice(posts[0]), extra.choice(posts[1]), day, extra, ref, seed
    )
    new_file = Path(f"{out}-new.ttl")
    new_file.write_text(doc.render(), encoding="utf-8")
    reference_files = sorted(p for p in out.rglob("*.ttl") if "generated" not in p.relative_to(out).parts)
    expected.sort(key=lambda r: (r["focus"], r["path"] or "", r["shape"], r["component"], r["value"] or ""))
    return Generated(out, reference_files + files, total, expected, new_file)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, required=True, help="about how many triples the graph has")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid", type=float, default=0.01, help="share of instruments broken on purpose")
    parser.add_argument("out", type=Path, help="data folder to write (replaced if it exists)")
    args = parser.parse_args()
    generated = generate(args.triples, args.out, args.seed, args.invalid)
    (args.out / "expected.json").write_text(json.dumps(generated.expected, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {len(generated.files)} files, {generated.triples} triples, {len(generated.expected)} "
        f"expected results under {args.out}; new file {generated.new_file}"
    )


if __name__ == "__main__":
    main()
