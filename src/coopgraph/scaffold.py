"""A new agreement's file, scaffolded: every node it needs and an evidence stub for every statement.

``coopgraph new instrument`` is a thin layer over this module. :class:`InstrumentRequest` says what the user
knows (the two parties as ISO codes, what the text calls the instrument, its title, the signing day or span,
who signed in which posts, the source); :func:`build` turns it, with the graph already loaded, into an rdflib
graph; :func:`write` writes it as canonical Turtle (:mod:`coopgraph.canonical`) in one step.

What the graph holds is reused, never described again: the parties are the cg:State nodes of the graph (found
by their ISO 3166-1 alpha-2 or alpha-3 code); designations are concepts of the designation scheme found by
``skos:notation``; a signatory, a post, a tenure, a place, a publisher and a date interval already in the
graph are pointed at (a tenure gets only the new day and its evidence). Everything else is minted by the IRI
table of docs/model.md.

Every statement that needs evidence gets a ``cg:Evidence`` whose ``cg:aboutProperty`` and ``cg:aboutValue``
already name it, citing a paragraph of the source; only its ``cg:quote`` is a placeholder starting with
``TODO`` (and, without the source's text, each paragraph's ``cg:paragraphText``), which the shapes of
``shapes/scaffold.ttl`` reject until it is replaced by the source's words.

``coopgraph new event`` (:class:`EventRequest`, :func:`build_event`) writes the file of a later event of an
instrument the graph holds (a ratification, an entry into force, a reservation, the designation of a central
authority…), reported in a source of its own: the event, its evidence stub and the source's paragraph stubs,
pointing at the instrument, never restating it.

From Python::

    from coopgraph import scaffold

    request = scaffold.InstrumentRequest(
        parties=("SG", "KAZ"), designations=("agreement",), title="Agreement on …", signed="2031-03-04",
        signatories=(scaffold.Signatory("SG", "person:edwin-tong", ("Minister for Law",)),),
        source_title="…", source_kind="primary", source_text=Path("release.md"),
    )
    built = scaffold.build(request)  # InputError names the option at fault
    scaffold.write(built, "my-agreement.ttl")  # then fill in its built.placeholders TODOs
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from coopgraph import canonical, load, resources, texts
from coopgraph.errors import InputError
from coopgraph.export import write_atomically
from coopgraph.vocab import CG, CGID, DCTERMS, ORG, PREFIXES, SKOS, expand, short

#: Every placeholder starts with this; shapes/scaffold.ttl rejects a quote or a paragraph text that does.
PLACEHOLDER = "TODO"
SOURCE_TYPES = {"source": CG.Source, "press-release": CG.PressRelease, "news-article": CG.NewsArticle}
SOURCE_KINDS = ("primary", "secondary")
#: the data files' prefixes, one per kind of node (docs/model.md, "IRIs")
KINDS = (
    "body",
    "designation",
    "event",
    "evidence",
    "instrument",
    "interval",
    "legal-status",
    "organisation",
    "person",
    "place",
    "post",
    "source",
    "source-kind",
    "state",
    "status",
    "tenure",
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_STOP_WORDS = {"a", "an", "and", "between", "for", "in", "of", "on", "the", "to", "with"}
_MAX_ATTESTED_DAYS = 31


@dataclass(frozen=True)
class Signatory:
    """Who signed for one party: ``party`` its ISO code as given, ``person`` a name or an existing person's
    IRI or CURIE (``person:edwin-tong``), ``posts`` one or more post labels or IRIs, and ``as_written`` the
    source's words for the party, if it names it otherwise than the state ("the Government of …")."""

    party: str
    person: str
    posts: tuple[str, ...]
    as_written: str | None = None


@dataclass(frozen=True)
class InstrumentRequest:
    """What a user knows of a new agreement. Dates are ``YYYY-MM-DD`` strings; codes and IRIs as typed."""

    parties: tuple[str, ...]
    designations: tuple[str, ...]
    title: str
    source_title: str
    source_kind: str
    signatories: tuple[Signatory, ...]
    signed: str | None = None
    signed_between: tuple[str, str] | None = None
    instrument_id: str | None = None
    place: str | None = None
    source_url: str | None = None
    source_date: str | None = None
    publisher: str | None = None
    source_type: str = "source"
    source_id: str | None = None
    source_text: Path | None = None
    paragraphs: int = 1


@dataclass
class Scaffold:
    """The graph of a new agreement's file, what it is about, and how many placeholders it holds."""

    graph: Graph
    instrument: URIRef
    instrument_id: str
    label: str
    placeholders: int
    header: str = ""
    reused: list[URIRef] = field(default_factory=list)

    def turtle(self) -> str:
        """The file's text: its header comment and the graph in canonical Turtle."""
        text = self.header + self.graph.serialize(format="turtle")
        return canonical.canonical_turtle(text)

    def unfilled(self, predicate: URIRef) -> int:
        """How many values of ``predicate`` (cg:quote, cg:paragraphText) are still placeholders."""
        return sum(1 for value in self.graph.objects(None, predicate) if str(value).startswith(PLACEHOLDER))


# --- reading what the user typed ----------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lower case, ASCII, hyphenated: ``"Ana Example"`` → ``ana-example``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def _date(text: str, option: str) -> datetime.date:
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date: write YYYY-MM-DD, e.g. 2025-11-20") from None


def _day_or_span(day: str | None, span: tuple[str, str] | None, option: str) -> list[datetime.date]:
    """``[day]`` or ``[start, end]`` of a span of more than one day (``option`` the day's option,
    ``option-between`` the span's, named in the error); one of the two is given."""
    if day:
        return [_date(day, option)]
    assert span is not None
    start, end = _date(span[0], f"{option}-between"), _date(span[1], f"{option}-between")
    if end < start:
        raise InputError(f"{option}-between {start} {end}: the span ends before it starts")
    if end == start:
        raise InputError(f"{option}-between {start} {end}: one day is {option} {start}")
    return [start, end]


def _iri(text: str) -> URIRef | None:
    """An IRI as a user may type it: ``<https://…>``, ``https://…``, ``cgid:person/x`` or ``person:x``."""
    text = text.strip()
    if re.match(r"https?://", text):
        return URIRef(text)
    expanded = expand(text)
    if expanded is not None:
        return URIRef(expanded)
    prefix, colon, local = text.partition(":")
    if colon and prefix in KINDS and local and " " not in local:
        return CGID[f"{prefix}/{local}"]
    return None


class _Graph:
    """Look-ups in the loaded graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def types(self, node: Node) -> set[Node]:
        found = set()
        for klass in self.graph.objects(node, RDF.type):
            found |= set(self.graph.transitive_objects(klass, RDFS.subClassOf))
        return found

    def is_a(self, node: Node, klass: URIRef) -> bool:
        return klass in self.types(node)

    def described(self, node: Node) -> bool:
        return (node, RDF.type, None) in self.graph

    def label(self, node: Node) -> str:
        labels = sorted(
            self.graph.objects(node, RDFS.label), key=lambda lit: (lit.language != "en", str(lit))
        )
        return str(labels[0]) if labels else short(str(node))

    def state(self, code: str) -> URIRef:
        wanted = code.strip().upper()
        prop = CG.isoAlpha2 if len(wanted) == 2 else CG.isoAlpha3 if len(wanted) == 3 else None
        found = (
            sorted(s for s in self.graph.subjects(prop, Literal(wanted)) if self.is_a(s, CG.State))
            if prop
            else []
        )
        if not found:
            raise InputError(
                f"--party {code}: no state of the graph has the ISO 3166-1 code {wanted!r} "
                "(`coopgraph query states` lists the states)"
            )
        return found[0]

    def concept(self, scheme: str, notation: str, option: str) -> URIRef:
        scheme_iri = CGID[f"scheme/{scheme}"]
        concepts = sorted(self.graph.subjects(SKOS.inScheme, scheme_iri))
        for concept in concepts:
            if any(str(n) == notation.strip() for n in self.graph.objects(concept, SKOS.notation)):
                return concept
        known = ", ".join(sorted({str(n) for c in concepts for n in self.graph.objects(c, SKOS.notation)}))
        raise InputError(
            f"{option} {notation}: no concept of {short(str(scheme_iri))} has it; known: {known}"
        )

    def existing(self, text: str, klass: URIRef, option: str) -> URIRef:
        iri = _iri(text)
        if iri is None or not self.is_a(iri, klass):
            what = short(str(klass))
            raise InputError(
                f"{option} {text}: not the IRI of a {what} in the graph (e.g. body:sg-ministry-of-law)"
            )
        return iri

    def with_label(self, klass: URIRef, labels: Iterable[str]) -> list[URIRef]:
        """The nodes of ``klass`` with one of ``labels`` (in any language): the labels are matched first,
        so the class is looked up only for the few nodes that have one."""
        wanted = set(labels)
        named = {s for s, _, label in self.graph.triples((None, RDFS.label, None)) if str(label) in wanted}
        return sorted(s for s in named if isinstance(s, URIRef) and self.is_a(s, klass))

    def code(self, state: URIRef) -> str:
        """The state's alpha-2 code in lower case, as IRIs of its posts and signatures use it (``sg``)."""
        return str(self.graph.value(state, CG.isoAlpha2) or state.split("/")[-1]).lower()

    def organisations_of(self, state: URIRef) -> set[Node]:
        return {state, *self.graph.subjects(CG.bodyOf, state)}


# --- building the graph ------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, request: InstrumentRequest, graph: Graph) -> None:
        self.request = request
        self.known = _Graph(graph)
        self.out = Graph()
        self.placeholders = 0
        self.reused: list[URIRef] = []

    # small helpers
    def add(self, subject: Node, predicate: URIRef, *objects: Node) -> None:
        for obj in objects:
            self.out.add((subject, predicate, obj))

    def describe(self, node: URIRef, klass: URIRef, label: str) -> None:
        self.add(node, RDF.type, klass)
        self.add(node, RDFS.label, Literal(label, lang="en"))

    def placeholder(self, text: str) -> Literal:
        self.placeholders += 1
        return Literal(f"{PLACEHOLDER}: {text}")

    def evidence(
        self,
        name: str,
        label: str,
        paragraph: int,
        says: str,
        about: dict[URIRef, Iterable[Node]],
        *nodes: Node,
    ) -> URIRef:
        node = CGID[f"evidence/{name}"]
        self.describe(node, CG.Evidence, f"evidence: {label}")
        self.add(node, CG.inSource, self.source)
        self.add(node, CG.inParagraph, self.paragraph_iri(paragraph))
        self.add(
            node,
            CG.quote,
            self.placeholder(f"copy here the exact words of paragraph {paragraph} that say {says}"),
        )
        for prop, values in about.items():
            self.add(node, CG.aboutProperty, prop)
            self.add(node, CG.aboutValue, *values)
        for subject in nodes:
            self.add(subject, CG.hasEvidence, node)
        return node

    def paragraph_iri(self, number: int) -> URIRef:
        return URIRef(f"{self.source}/p{number}")

    def paragraph_saying(self, *words: str) -> int:
        """The first body paragraph of the source's text that holds one of ``words``, else the first one."""
        for number in self.body:
            text = self.texts.get(number, "").lower()
            if any(word and word.lower() in text for word in words):
                return number
        return self.body[0]

    def mint(self, kind: str, local: str, option: str) -> URIRef:
        node = CGID[f"{kind}/{local}"]
        if self.known.described(node):
            raise InputError(f"{option}: {short(str(node))} is already in the graph; choose another one")
        return node

    # the parts of the file
    def identify(self) -> str:
        """Read the parties, the signing days and the title, and return the instrument's id."""
        request = self.request
        if len(request.parties) != 2:
            raise InputError(
                f"--party: give exactly two parties (one for each side), not {len(request.parties)}"
            )
        self.states = [self.known.state(code) for code in request.parties]
        if self.states[0] == self.states[1]:
            raise InputError(f"--party: the two parties are the same state ({short(str(self.states[0]))})")
        self.codes = {
            code.strip().upper(): state for code, state in zip(request.parties, self.states, strict=True)
        }
        self.codes.update({str(self.known.graph.value(s, CG.isoAlpha2)): s for s in self.states})
        self.codes.update({str(self.known.graph.value(s, CG.isoAlpha3)): s for s in self.states})
        if not request.title.strip():
            raise InputError("--title: give the instrument's title as the source writes it")
        self.days = self.signing_days()
        year = self.days[0].year
        alpha2 = [self.known.code(state) for state in self.states]
        title_slug = "-".join([w for w in slug(request.title).split("-") if w not in _STOP_WORDS][:6])
        instrument_id = request.instrument_id or f"{'-'.join(alpha2)}-{title_slug}-{year}"
        if not _SLUG.fullmatch(instrument_id):
            raise InputError(
                f"--id {instrument_id!r}: an id is lower-case words joined by hyphens, e.g. xa-xb-mla-2025"
            )
        return instrument_id

    def build(self) -> Scaffold:
        request = self.request
        instrument_id = self.identify()
        if not request.designations:
            raise InputError("--designation: give at least one (what the text calls the instrument)")
        designations = [self.known.concept("designation", d, "--designation") for d in request.designations]
        names = [self.known.label(state) for state in self.states]
        self.instrument = self.mint("instrument", instrument_id, "--id")
        self.instrument_id = instrument_id
        self.label = f"{names[0]}–{names[1]} {request.title.strip()} ({self.days[0].year})"
        self.source_node(instrument_id)

        instrument = self.instrument
        self.describe(instrument, CG.BilateralInstrument, self.label)
        self.add(instrument, CG.officialName, Literal(request.title.strip(), lang="en"))
        self.add(instrument, CG.hasParty, *self.states)
        self.add(instrument, CG.hasDesignation, *designations)
        as_written = [s.as_written for s in request.signatories if s.as_written]
        designation_words = [str(d).rsplit("/", 1)[-1].replace("-", " ") for d in designations]
        self.evidence(
            f"{instrument_id}-parties",
            f"the parties, {names[0]} and {names[1]}",
            self.paragraph_saying(*as_written, *names),
            f"who the parties are ({names[0]} and {names[1]})",
            {CG.hasParty: self.states},
            instrument,
        )
        self.evidence(
            f"{instrument_id}-designation",
            "what the text calls the instrument",
            self.paragraph_saying(request.title, *designation_words),
            f"what the instrument is called ({', '.join(designation_words)})",
            {CG.hasDesignation: designations},
            instrument,
        )
        self.evidence(
            f"{instrument_id}-title",
            "the instrument's title",
            self.paragraph_saying(request.title),
            f"its title ({request.title.strip()})",
            {CG.officialName: [Literal(request.title.strip(), lang="en")]},
            instrument,
        )
        self.status(instrument_id, designation_words)
        self.signing(instrument_id)
        header = (
            f"# {self.label}\n"
            "# A new agreement's file, written by `coopgraph new instrument`.\n"
            f"# Replace every {PLACEHOLDER} placeholder: each evidence's cg:quote with the exact words\n"
            "# of its paragraph that say what its cg:aboutProperty and cg:aboutValue name (or cite the\n"
            "# paragraph that says it), and each paragraph text still marked so with the source's text.\n"
            "# Then run `coopgraph validate FILE` and `coopgraph fmt FILE` (docs/adding-an-agreement.md).\n"
        )
        for prefix, namespace in self.prefixes().items():
            self.out.bind(prefix, namespace)
        return Scaffold(
            self.out,
            instrument,
            instrument_id,
            self.label,
            self.placeholders,
            header,
            sorted(set(self.reused)),
        )

    def prefixes(self) -> dict[str, str]:
        found = {name: PREFIXES[name] for name in ("cg", "rdfs", "skos", "xsd", "dcterms", "org")}
        found.update({kind: f"{CGID}{kind}/" for kind in KINDS})
        found[self.source_slug] = f"{self.source}/"
        return found

    def signing_days(self) -> list[datetime.date]:
        request = self.request
        if bool(request.signed) == bool(request.signed_between):
            raise InputError(
                "give the signing day, --signed YYYY-MM-DD, or the span it lies in, "
                "--signed-between START END"
            )
        return _day_or_span(request.signed, request.signed_between, "--signed")

    def source_node(self, instrument_id: str) -> None:
        request = self.request
        if request.source_type not in SOURCE_TYPES:
            raise InputError(f"--source-type {request.source_type}: one of {', '.join(SOURCE_TYPES)}")
        if request.source_kind not in SOURCE_KINDS:
            raise InputError(f"--source-kind {request.source_kind}: one of {', '.join(SOURCE_KINDS)}")
        if not request.source_title.strip():
            raise InputError("--source-title: give the source's title as it is published")
        self.source_slug = request.source_id or f"{instrument_id}-source"
        if not _SLUG.fullmatch(self.source_slug):
            raise InputError(f"--source-id {self.source_slug!r}: lower-case words joined by hyphens")
        self.source = self.mint("source", self.source_slug, "--source-id")
        issued = _date(request.source_date, "--source-date") if request.source_date else None
        if issued is None and request.source_type != "source":
            raise InputError(f"--source-date: a {request.source_type} needs the day it was published")
        label = request.source_title.strip() + (f" ({issued.isoformat()})" if issued else "")
        self.describe(self.source, SOURCE_TYPES[request.source_type], label)
        self.add(self.source, DCTERMS.title, Literal(request.source_title.strip(), lang="en"))
        self.add(
            self.source,
            CG.sourceKind,
            self.known.concept("source-kind", request.source_kind, "--source-kind"),
        )
        if issued:
            self.add(self.source, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date))
        if request.source_url:
            self.add(self.source, CG.permalink, Literal(request.source_url.strip()))
        if request.publisher:
            publisher = self.known.existing(request.publisher, CG.Agent, "--publisher")
            self.add(self.source, DCTERMS.publisher, publisher)
            self.reused.append(publisher)
        self.paragraphs()

    def paragraphs(self) -> None:
        request = self.request
        if request.source_text is not None:
            path = Path(request.source_text)
            if not path.is_file():
                raise InputError(f"--source-text {path}: no such file")
            self.texts = {n: t for n, t in texts.paragraphs(path).items() if t}
            if not self.texts:
                raise InputError(f"--source-text {path}: holds no text")
        else:
            if request.paragraphs < 1:
                raise InputError(f"--paragraphs {request.paragraphs}: at least 1")
            self.texts = {}
        numbers = sorted(self.texts) or list(range(request.paragraphs + 1))
        self.body = [n for n in numbers if n > 0] or numbers
        for number in numbers:
            node = self.paragraph_iri(number)
            what = "front matter" if number == 0 else f"paragraph {number}"
            self.describe(node, CG.Paragraph, f"{what} of {request.source_title.strip()}")
            self.add(node, CG.paragraphOf, self.source)
            self.add(node, CG.paragraphNumber, Literal(number))
            text = self.texts.get(number)
            if text is None:
                kind = "title, date and other lines outside the numbered" if number == 0 else "text of"
                text = self.placeholder(
                    f"paste here the {kind} paragraph {number} of the source, on one line"
                )
            self.add(node, CG.paragraphText, Literal(str(text)))

    def status(self, instrument_id: str, designation_words: list[str]) -> None:
        status = self.mint("status", instrument_id, "--id")
        not_stated = self.known.concept("legal-status", "not-stated", "legal status")
        self.describe(status, CG.LegalStatusAssertion, f"legal status of the {self.label}: not stated")
        self.add(
            status,
            SKOS.note,
            Literal(
                "The source does not say whether the instrument binds its parties: if it does, make the "
                "status legal-status:binding or legal-status:non-binding and quote the words that say so.",
                lang="en",
            ),
        )
        self.add(status, CG.statusOf, self.instrument)
        self.add(status, CG.legalStatus, not_stated)
        self.add(status, CG.assertedIn, self.source)
        self.evidence(
            f"status-{instrument_id}",
            "the source says nothing of whether the instrument binds its parties",
            self.paragraph_saying(self.request.title, *designation_words),
            "what the source calls the instrument, and no more of its legal status",
            {CG.statusOf: [self.instrument], CG.legalStatus: [not_stated], CG.assertedIn: [self.source]},
            status,
        )

    def signing(self, instrument_id: str) -> None:
        request = self.request
        signing = self.mint("event", f"{instrument_id}-signing", "--id")
        days = self.days
        when_text = days[0].isoformat() if len(days) == 1 else f"between {days[0]} and {days[1]}"
        self.describe(signing, CG.SigningEvent, f"signing of the {self.label}, {when_text}")
        self.add(signing, CG.concernsInstrument, self.instrument)
        if len(days) == 1:
            when_property, when_value = CG.onDate, Literal(days[0].isoformat(), datatype=XSD.date)
            self.add(signing, CG.onDate, when_value)
        else:
            when_property, when_value = CG.withinInterval, self.interval(days[0], days[1])
            self.add(signing, CG.withinInterval, when_value)
        self.evidence(
            f"{instrument_id}-signed",
            f"the instrument was signed, {when_text}",
            self.paragraph_saying("signed", "sign"),
            f"that it was signed and when ({when_text})",
            {CG.concernsInstrument: [self.instrument], when_property: [when_value]},
            signing,
        )
        if request.place:
            place = self.known.existing(request.place, CG.Place, "--place")
            self.reused.append(place)
            self.add(signing, CG.atPlace, place)
            name = self.known.label(place)
            self.evidence(
                f"{instrument_id}-place",
                f"the instrument was signed in {name}",
                self.paragraph_saying(name),
                f"where it was signed ({name})",
                {CG.atPlace: [place]},
                signing,
            )
        if not request.signatories:
            raise InputError('--signatory: give who signed, CODE="Name", for at least one party')
        seen: set[URIRef] = set()
        for signatory in request.signatories:
            state = self.codes.get(signatory.party.strip().upper())
            if state is None:
                codes = " or ".join(request.parties)
                raise InputError(
                    f"--signatory {signatory.party}={signatory.person}: not a party's code ({codes})"
                )
            if state in seen:
                raise InputError(f"--signatory {signatory.party}: one signature per party, given twice")
            seen.add(state)
            self.signature(signing, state, signatory)

    def interval(self, start: datetime.date, end: datetime.date) -> URIRef:
        node = CGID[f"interval/{start.isoformat()}--{end.isoformat()}"]
        if self.known.described(node):
            self.reused.append(node)
            return node
        self.describe(node, CG.DateInterval, f"{start.isoformat()} to {end.isoformat()}")
        self.add(node, CG.intervalStart, Literal(start.isoformat(), datatype=XSD.date))
        self.add(node, CG.intervalEnd, Literal(end.isoformat(), datatype=XSD.date))
        return node

    def person(self, text: str, option: str) -> tuple[URIRef, str]:
        iri = _iri(text)
        if iri is not None:
            if not self.known.is_a(iri, CG.Person):
                raise InputError(
                    f"{option}: {text} is not a cg:Person of the graph (`coopgraph query search`)"
                )
            self.reused.append(iri)
            return iri, self.known.label(iri)
        name = " ".join(text.split())
        found = self.known.with_label(CG.Person, [name])
        if len(found) > 1:
            listed = ", ".join(short(str(p)) for p in found)
            raise InputError(f"{option}: several persons are named {name!r} ({listed}): give the IRI")
        if found:
            self.reused.append(found[0])
            return found[0], name
        if not slug(name):
            raise InputError(f"{option}: give the signatory's name")
        node = CGID[f"person/{slug(name)}"]
        if self.known.described(node):
            self.reused.append(node)
            return node, self.known.label(node)
        self.describe(node, CG.Person, name)
        return node, name

    def post(self, text: str, state: URIRef, option: str) -> tuple[URIRef, str]:
        state_name = self.known.label(state)
        organisations = self.known.organisations_of(state)
        iri = _iri(text)
        if iri is not None:
            if (
                not self.known.is_a(iri, CG.Post)
                or not set(self.known.graph.objects(iri, ORG.postIn)) & organisations
            ):
                raise InputError(f"{option}: {text} is not a cg:Post of {state_name} in the graph")
            self.reused.append(iri)
            return iri, self.known.label(iri)
        label = " ".join(text.split())
        found = [
            post
            for post in self.known.with_label(
                CG.Post, [label, f"{label} ({state_name})", f"{label} of {state_name}"]
            )
            if set(self.known.graph.objects(post, ORG.postIn)) & organisations
        ]
        if len(found) > 1:
            listed = ", ".join(short(str(p)) for p in found)
            raise InputError(
                f"{option}: several posts of {state_name} are called {label!r} ({listed}): give the IRI"
            )
        if found:
            self.reused.append(found[0])
            return found[0], self.known.label(found[0])
        if not slug(label):
            raise InputError(f"{option}: give the post's title")
        alpha2 = self.known.code(state)
        node = CGID[f"post/{alpha2}-{slug(label)}"]
        if self.known.described(node):
            raise InputError(
                f"{option}: {short(str(node))} is already in the graph with another title: give its IRI"
            )
        full = f"{label} ({state_name})"
        self.describe(node, CG.Post, full)
        self.add(node, ORG.postIn, state)
        return node, full

    def signature(self, signing: URIRef, state: URIRef, signatory: Signatory) -> None:
        alpha2 = self.known.code(state)
        option = f"--signatory {signatory.party}"
        person, name = self.person(signatory.person, option)
        if not signatory.posts:
            raise InputError(
                f'--post {signatory.party}="Post": give the post {name} signed in (repeat for several)'
            )
        posts = [self.post(text, state, f"--post {signatory.party}") for text in signatory.posts]
        state_name = self.known.label(state)
        node = self.mint("event", f"{self.instrument_id}-signature-{alpha2}", "--id")
        self.describe(node, CG.Signature, f"signature of the {self.label} by {name} for {state_name}")
        self.add(
            node,
            CG.readingNote,
            Literal(
                f"That {name} signed for {state_name} is read, not stated "
                "(delete this note if the source says so).",
                lang="en",
            ),
        )
        self.add(node, CG.concernsInstrument, self.instrument)
        self.add(node, CG.signatory, person)
        self.add(node, CG.signedFor, state)
        self.add(node, CG.inCapacityOf, *[post for post, _ in posts])
        self.add(signing, CG.hasSignature, node)
        about: dict[URIRef, list[Node]] = {
            CG.hasSignature: [node],
            CG.concernsInstrument: [self.instrument],
            CG.signatory: [person],
            CG.signedFor: [state],
            CG.inCapacityOf: [post for post, _ in posts],
        }
        if signatory.as_written:
            written = Literal(" ".join(signatory.as_written.split()), lang="en")
            self.add(node, CG.partyAsWritten, written)
            about[CG.partyAsWritten] = [written]
        titles = " and ".join(label for _, label in posts)
        tenures = [self.tenure(person, name, post, label) for post, label in posts]
        self.evidence(
            f"{self.instrument_id}-signature-{alpha2}",
            f"{name} signed as {titles}",
            self.paragraph_saying(name, *(signatory.as_written or "",)),
            f"that {name} signed, as {titles}"
            + (f", for {signatory.as_written}" if signatory.as_written else ""),
            about,
            node,
            signing,
            *tenures,
        )

    def tenure(self, person: URIRef, name: str, post: URIRef, post_label: str) -> URIRef:
        graph = self.known.graph
        held = sorted(set(graph.subjects(CG.tenureHolder, person)) & set(graph.subjects(CG.tenurePost, post)))
        start, end = self.days[0], self.days[-1]
        span = (end - start).days + 1
        step = 1 if span <= _MAX_ATTESTED_DAYS else span - 1
        days = [start + datetime.timedelta(days=n) for n in range(0, span, step)]
        if held:
            node = held[0]
            self.reused.append(node)
        else:
            node = CGID[f"tenure/{str(person).rsplit('/', 1)[-1]}--{str(post).rsplit('/', 1)[-1]}"]
            if self.known.described(node):
                raise InputError(
                    f"{short(str(node))} is in the graph but is not {name}'s tenure of {post_label}"
                )
            self.describe(node, CG.PostTenure, f"{name} as {post_label}")
            self.add(node, CG.tenureHolder, person)
            self.add(node, CG.tenurePost, post)
        for day in days:
            value = Literal(day.isoformat(), datatype=XSD.date)
            if (node, CG.attestedOn, value) not in graph:
                self.add(node, CG.attestedOn, value)
        return node


# --- a later event of an instrument already in the graph ---------------------------------------------------

#: ``--kind`` of ``coopgraph new event``: its class, whether it is for one party (required), and whether it
#: needs a day (a party communication may have none: sources often give none).
EVENT_KINDS: dict[str, tuple[URIRef, bool, bool]] = {
    "consent": (CG.ConsentToBeBound, True, True),
    "ratification": (CG.Ratification, True, True),
    "acceptance": (CG.Acceptance, True, True),
    "approval": (CG.Approval, True, True),
    "accession": (CG.Accession, True, True),
    "definitive-signature": (CG.DefinitiveSignature, True, True),
    "provisional-application": (CG.ProvisionalApplication, True, True),
    "entry-into-force": (CG.EntryIntoForce, False, True),
    "suspension": (CG.Suspension, False, True),
    "denunciation": (CG.Denunciation, True, True),
    "termination": (CG.Termination, False, True),
    "reservation": (CG.Reservation, True, False),
    "declaration": (CG.Declaration, True, False),
    "designation": (CG.AuthorityDesignation, True, False),
}
#: the kinds numbered per party (``…-reservation-xa-1``): a party may make several
_NUMBERED = {"reservation", "declaration", "designation"}


@dataclass(frozen=True)
class EventRequest:
    """A later event of an instrument the graph holds, reported in a source of its own: ``instrument`` its id
    or IRI, ``kind`` a key of :data:`EVENT_KINDS`, ``party`` an ISO code (required for a per-party kind), the
    day (``date``) or span (``date_between``); ``text`` the words of a reservation or declaration;
    ``authority``, ``role`` and ``cooperation`` those of a designation. The source fields are those of
    :class:`InstrumentRequest`."""

    instrument: str
    kind: str
    source_title: str
    source_kind: str
    party: str | None = None
    date: str | None = None
    date_between: tuple[str, str] | None = None
    text: str | None = None
    language: str = "en"
    authority: str | None = None
    role: str | None = None
    cooperation: str | None = None
    source_url: str | None = None
    source_date: str | None = None
    publisher: str | None = None
    source_type: str = "source"
    source_id: str | None = None
    source_text: Path | None = None
    paragraphs: int = 1


class _EventBuilder(_Builder):
    """Builds the file of one later event: the event, its evidence, its source and paragraph stubs."""

    request: EventRequest  # type: ignore[assignment]

    def instrument_node(self) -> URIRef:
        text = self.request.instrument.strip()
        iri = _iri(text) if (":" in text) else CGID[f"instrument/{text}"]
        if iri is None or not self.known.is_a(iri, CG.Instrument):
            raise InputError(
                f"--instrument {text}: no instrument of the graph has this id or IRI "
                "(`coopgraph query search -p text=…` finds one)"
            )
        return iri

    def event_party(self, per_party: bool) -> URIRef | None:
        request = self.request
        if request.party is None or not request.party.strip():
            if per_party:
                raise InputError(f"--party: a {request.kind} is made by one party; give its ISO code")
            return None
        state = self.known.state(request.party)
        parties = set(self.known.graph.objects(self.instrument, CG.hasParty))
        if state not in parties and not parties & set(self.known.graph.subjects(CG.bodyOf, state)):
            names = ", ".join(sorted(short(str(p)) for p in parties))
            raise InputError(
                f"--party {request.party}: {short(str(state))} is not a party of "
                f"{short(str(self.instrument))} ({names})"
            )
        return state

    def event_days(self, dated: bool) -> list[datetime.date]:
        request = self.request
        if request.date and request.date_between:
            raise InputError("give --date or --date-between, not both")
        if request.date or request.date_between:
            return _day_or_span(request.date, request.date_between, "--date")
        if dated:
            raise InputError(
                f"a {request.kind} needs its day, --date YYYY-MM-DD, or the span it lies in, "
                "--date-between START END"
            )
        return []

    def event_id(self, instrument_id: str, party: URIRef | None) -> str:
        kind, code = self.request.kind, (self.known.code(party) if party is not None else None)
        base = "-".join(part for part in (instrument_id, kind, code) if part)
        if kind not in _NUMBERED:
            return base
        number = 1
        while self.known.described(CGID[f"event/{base}-{number}"]):
            number += 1
        return f"{base}-{number}"

    def build(self) -> Scaffold:  # type: ignore[override]
        request = self.request
        if request.kind not in EVENT_KINDS:
            raise InputError(f"--kind {request.kind}: one of {', '.join(EVENT_KINDS)}")
        klass, per_party, dated = EVENT_KINDS[request.kind]
        self.instrument = self.instrument_node()
        instrument_id = str(self.instrument).rsplit("/", 1)[-1]
        party = self.event_party(per_party)
        days = self.event_days(dated)
        event_id = self.event_id(instrument_id, party)
        event = self.mint("event", event_id, "--kind")
        self.instrument_id = event_id
        self.source_node(event_id)

        what = "authority designation" if request.kind == "designation" else request.kind.replace("-", " ")
        party_name = self.known.label(party) if party is not None else None
        instrument_label = self.known.label(self.instrument)
        of = "under" if request.kind in _NUMBERED else "of"
        when = ""
        if len(days) == 1:
            when = f", {days[0].isoformat()}"
        elif days:
            when = f", between {days[0]} and {days[1]}"
        self.label = (
            f"{what} {of} the {instrument_label}" + (f" by {party_name}" if party_name else "") + when
        )
        self.describe(event, klass, self.label)
        about: dict[URIRef, list[Node]] = {CG.concernsInstrument: [self.instrument]}
        self.add(event, CG.concernsInstrument, self.instrument)
        if party is not None:
            self.add(event, CG.forParty, party)
            about[CG.forParty] = [party]
        if len(days) == 1:
            value: Node = Literal(days[0].isoformat(), datatype=XSD.date)
            self.add(event, CG.onDate, value)
            about[CG.onDate] = [value]
        elif days:
            value = self.interval(days[0], days[1])
            self.add(event, CG.withinInterval, value)
            about[CG.withinInterval] = [value]
        says = (
            f"the {what}"
            + (f" by {party_name}" if party_name else "")
            + (f" and its day{when}" if days else "")
        )
        if request.kind in ("reservation", "declaration"):
            if not request.text or not request.text.strip():
                raise InputError(f"--text: give the words of the {what} as the source quotes them")
            words = Literal(" ".join(request.text.split()), lang=request.language)
            self.add(event, CG.communicationText, words)
            about[CG.communicationText] = [words]
            says += ", and its words"
        elif request.text:
            raise InputError(
                f"--text: only a reservation or a declaration has words of its own, not a {what}"
            )
        if request.kind == "designation":
            says += self.designation(event, party, about)
        elif request.authority or request.role or request.cooperation:
            raise InputError(
                "--authority, --role and --cooperation belong to a designation (--kind designation)"
            )
        self.evidence(
            event_id,
            self.label,
            self.paragraph_saying(what, *(str(d.year) for d in days)),
            says,
            about,
            event,
        )
        header = (
            f"# {self.label}\n"
            "# A later event of an instrument of the graph, written by `coopgraph new event`.\n"
            f"# Replace every {PLACEHOLDER} placeholder: the evidence's cg:quote with the exact words\n"
            "# of its paragraph that say what its cg:aboutProperty and cg:aboutValue name, and each\n"
            "# paragraph text still marked so with the source's text.\n"
            "# Then run `coopgraph validate FILE` and `coopgraph fmt FILE` (docs/adding-an-agreement.md).\n"
        )
        for prefix, namespace in self.prefixes().items():
            self.out.bind(prefix, namespace)
        for kind in ("authority-role", "cooperation-form", "condition"):
            self.out.bind(kind, f"{CGID}{kind}/")
        return Scaffold(
            self.out, event, event_id, self.label, self.placeholders, header, sorted(set(self.reused))
        )

    def designation(self, event: URIRef, party: URIRef | None, about: dict[URIRef, list[Node]]) -> str:
        request = self.request
        if not request.authority or not request.role:
            raise InputError(
                "a designation names the body (--authority body:…) and its role (--role central-authority)"
            )
        authority = self.known.existing(request.authority, CG.GovernmentBody, "--authority")
        if party is not None and authority not in self.known.organisations_of(party):
            raise InputError(
                f"--authority {request.authority}: not a government body of {self.known.label(party)} "
                "(cg:bodyOf)"
            )
        self.reused.append(authority)
        role = self.known.concept("authority-role", request.role, "--role")
        self.add(event, CG.designatesAuthority, authority)
        self.add(event, CG.authorityRole, role)
        about[CG.designatesAuthority], about[CG.authorityRole] = [authority], [role]
        said = f", the body ({self.known.label(authority)}) and its role"
        if request.cooperation:
            form = self.known.concept("cooperation-form", request.cooperation, "--cooperation")
            self.add(event, CG.forCooperation, form)
            about[CG.forCooperation] = [form]
            said += " and for what"
        return said


def build_event(request: EventRequest, graph: Graph | None = None) -> Scaffold:
    """The scaffold of a later event's file (``coopgraph new event``), pointing at an instrument ``graph``
    (default: :func:`shipped_graph`) holds. Raises :class:`InputError` naming the option at fault: an unknown
    instrument, kind, party, role or body, a party that is not a party of the instrument, a missing day."""
    return _EventBuilder(request, graph if graph is not None else shipped_graph()).build()  # type: ignore[arg-type]


def shipped_graph(exclude: Path | None = None) -> Graph:
    """The graph a scaffold reuses: the ontology and the data of the tree in use, in one graph; without the
    file ``exclude`` (the one a scaffold is about to replace), when it is one of them."""
    files = resources.graph_files()
    if exclude is not None:
        files = [path for path in files if path.resolve() != Path(exclude).resolve()]
    return load.union_graph(load.load_files(files))


def planned_id(request: InstrumentRequest, graph: Graph) -> str:
    """The id the instrument of ``request`` gets (``--id``, or the one derived from the parties, the title
    and the year), without building anything."""
    return _Builder(request, graph).identify()


def build(request: InstrumentRequest, graph: Graph | None = None) -> Scaffold:
    """The scaffold of a new agreement's file, reusing what ``graph`` (default: :func:`shipped_graph`) holds.

    Raises :class:`InputError` naming the option at fault: an unknown party code or designation, a bad date,
    a person or post given by an IRI the graph does not hold, an instrument id already in use."""
    return _Builder(request, graph if graph is not None else shipped_graph()).build()


def default_path(instrument_id: str) -> Path:
    """``data/instruments/{id}.ttl`` of the tree in use (``COOPGRAPH_DATA`` when set)."""
    return resources.data_directory() / "instruments" / f"{instrument_id}.ttl"


def write(scaffold: Scaffold, path: str | Path | None = None, *, force: bool = False) -> Path:
    """Write the scaffold's file (default :func:`default_path`) in one step; never replace a file unless
    ``force``. Returns the path written."""
    path = Path(path) if path is not None else default_path(scaffold.instrument_id)
    if path.exists() and not force:
        raise InputError(f"{path} exists: give another -o PATH, or --force to replace it")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    write_atomically(path, scaffold.turtle().encode("utf-8"))
    return path
