"""Generate the world's states and the UN M49 hierarchy as canonical Turtle.

Run from the checkout, with the ``reference`` extra installed (``pip install -e '.[reference]'``)::

    python data/reference/world/build.py            # writes the two files below
    python data/reference/world/build.py --out DIR  # writes DIR/states.ttl and DIR/m49.ttl instead

It writes

- ``data/reference/world/states.ttl``: every state (below), with its ISO 3166-1 codes, ISO short name (as
  ``skos:altLabel`` where it differs from the UN name), ISO full name (``cg:officialName``, where ISO gives
  one), its UN M49 English name (``rdfs:label``) and its most specific M49 area (``cg:inM49Region``: the
  intermediate region if it has one, else the sub-region); and the memberships of ASEAN and of the European
  Union that ``data/reference/states.ttl`` does not already hold by hand, from the tables below;
- ``data/reference/schemes/m49.ttl``: every M49 region, sub-region and intermediate region in which an entry
  of the taxonomy lies, as SKOS concepts.

Where the facts come from (both packages are pinned in the ``reference`` extra of pyproject.toml, and the
script refuses other versions, so that its output is a function of the pins alone):

- ``pycountry``: the Debian iso-codes data, i.e. ISO 3166-1 (alpha-2, alpha-3, numeric, ``name`` the ISO
  short name, ``official_name`` the ISO full name);
- ``hdx-python-country``: its file ``hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv``,
  OCHA's taxonomy of countries and territories, read with :mod:`csv` (the package itself is not imported). It
  carries each entry's UN M49 code and English name, the M49 codes and names of its region, sub-region and
  intermediate region, and whether the UN's terminology database UNTERM lists it (``Appears in UNTERM
  list``), whether it is on the UN's list of member states (``Appears in DGACM list``) and independent.

Which entries are states (``cg:State``): the ISO 3166-1 entries that the taxonomy marks as listed in UNTERM
and independent. That is the 193 UN member states (on the DGACM list), the two non-member observer states
(the Holy See, the State of Palestine) and the Cook Islands and Niue: states in free association with New
Zealand, not UN members, whose full treaty-making capacity the UN Secretary-General as depositary has
recognised (1992 and 1994); they conclude treaties in their own name, so an agreement with either has a
state as its party, and they are kept. Each non-member state carries a ``skos:note`` saying what it is
(:data:`NON_MEMBER_STATES`; the script stops if the taxonomy's non-members are not exactly those).

Territories are not states: Hong Kong, Macao, Puerto Rico, Greenland, Western Sahara, Taiwan and the other
ISO 3166-1 entries the taxonomy does not list as UNTERM states get no node here. An agreement made by the
government of a territory is recorded with its party a government body (``cg:GovernmentBody``) of the state
responsible, or left for the data model to grow (docs/reference-data.md). Kosovo is in the taxonomy (code
XK) but not in ISO 3166-1 and is not a UNTERM state: it is left out too.

Cross-checks (run every time; a disagreement stops the script unless it is one of the known ones, which are
printed): every ISO entry is in the taxonomy with the same alpha-3, and its ISO numeric code is its M49
code; every state has an M49 area. The known disagreements are listed in :data:`KNOWN_DISAGREEMENTS`.

The output goes through coopgraph's own canonical writer (:func:`coopgraph.canonical.canonical_turtle`), so
``coopgraph fmt --check`` accepts the files as written and the output is byte for byte the same on every run.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.metadata
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG

from coopgraph.canonical import canonical_turtle
from coopgraph.export import write_atomically

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent
STATES_OUT = HERE / "states.ttl"
M49_OUT = REFERENCE / "schemes" / "m49.ttl"
HAND_WRITTEN = REFERENCE / "states.ttl"

#: The packages the facts come from, with the versions the committed files were generated from.
PINS = {"pycountry": "26.2.16", "hdx-python-country": "4.2.5"}
TAXONOMY_FILE = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"

CG = Namespace("https://w3id.org/coopgraph/ontology#")
ID = "https://w3id.org/coopgraph/id/"
STATE = Namespace(ID + "state/")
M49 = Namespace(ID + "m49/")
SCHEME = Namespace(ID + "scheme/")
SOURCE = Namespace(ID + "source/")
EVIDENCE = Namespace(ID + "evidence/")
INTERVAL = Namespace(ID + "interval/")
MEMBERSHIP = Namespace(ID + "membership/")
ORGANISATION = Namespace(ID + "organisation/")
VANN = Namespace("http://purl.org/vocab/vann/")
PREFIXES = {
    "cg": CG,
    "dcterms": DCTERMS,
    "evidence": EVIDENCE,
    "interval": INTERVAL,
    "m49": M49,
    "membership": MEMBERSHIP,
    "org": ORG,
    "organisation": ORGANISATION,
    "rdfs": RDFS,
    "scheme": SCHEME,
    "skos": SKOS,
    "source": SOURCE,
    "state": STATE,
    "vann": VANN,
    "xsd": XSD,
}

#: The states of the taxonomy that are not on the UN's list of member states, and what each is.
NON_MEMBER_STATES = {
    "VA": "A non-member observer state of the United Nations, not a UN member state.",
    "PS": "A non-member observer state of the United Nations, not a UN member state.",
    "CK": (
        "A state in free association with New Zealand, not a UN member state; kept as a state because the UN "
        "Secretary-General as depositary recognised its full treaty-making capacity in 1992."
    ),
    "NU": (
        "A state in free association with New Zealand, not a UN member state; kept as a state because the UN "
        "Secretary-General as depositary recognised its full treaty-making capacity in 1994."
    ),
}

#: Disagreements between the two packages known when the pins were chosen: (alpha-2, what kind).
KNOWN_DISAGREEMENTS = {
    ("AN", "not in ISO 3166-1"),  # Netherlands Antilles: deprecated in the taxonomy, withdrawn from ISO
    ("XK", "not in ISO 3166-1"),  # Kosovo: XK is a user-assigned code, not ISO's
    ("AQ", "in no M49 region"),  # Antarctica: M49 gives it a code (010) but no region
}


@dataclass(frozen=True)
class Admission:
    """A state's admission to a regional organisation, as the organisation's own record gives it."""

    alpha2: str
    organisation: str  # local name under id/organisation/
    since: datetime.date
    evidence: str  # local name under id/evidence/
    founding: bool = False


def _admissions(organisation: str, evidence: str, table: dict[str, Iterable[str]], founded: str):
    for day, members in table.items():
        for alpha2 in members:
            since = datetime.date.fromisoformat(day)
            yield Admission(alpha2, organisation, since, evidence, founding=day == founded)


#: ASEAN's member states and their dates of admission (source:asean-member-states; Timor-Leste, admitted
#: at the 47th ASEAN Summit, source:asean-47th-summit-timor-leste).
ASEAN = [
    *_admissions(
        "asean",
        "asean-member-states",
        {
            "1967-08-08": ("ID", "MY", "PH", "SG", "TH"),
            "1984-01-07": ("BN",),
            "1995-07-28": ("VN",),
            "1997-07-23": ("LA", "MM"),
            "1999-04-30": ("KH",),
        },
        founded="1967-08-08",
    ),
    Admission("TL", "asean", datetime.date(2025, 10, 26), "asean-timor-leste-admission"),
]

#: The member countries of the European Union and the dates from which the EU's country profiles count
#: their membership (source:eu-country-profiles).
EU = list(
    _admissions(
        "european-union",
        "eu-country-profiles",
        {
            "1958-01-01": ("BE", "DE", "FR", "IT", "LU", "NL"),
            "1973-01-01": ("DK", "IE"),
            "1981-01-01": ("GR",),
            "1986-01-01": ("ES", "PT"),
            "1995-01-01": ("AT", "FI", "SE"),
            "2004-05-01": ("CY", "CZ", "EE", "HU", "LV", "LT", "MT", "PL", "SK", "SI"),
            "2007-01-01": ("BG", "RO"),
            "2013-07-01": ("HR",),
        },
        founded="1958-01-01",
    )
)

ORGANISATION_NAMES = {"asean": "ASEAN", "european-union": "the European Union"}
MEMBERSHIP_EVIDENCE = {
    "asean-member-states": (
        "enrichment: ASEAN member states and their dates of admission",
        "asean-member-states",
    ),
    "asean-timor-leste-admission": (
        "enrichment: Timor-Leste admitted to ASEAN at the 47th ASEAN Summit, 26 October 2025",
        "asean-47th-summit-timor-leste",
    ),
    "eu-country-profiles": (
        "enrichment: EU member countries and the dates from which they are members",
        "eu-country-profiles",
    ),
}
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


@dataclass(frozen=True)
class Area:
    """A UN M49 region, sub-region or intermediate region."""

    code: str  # three digits
    name: str
    level: str  # "region", "sub-region", "intermediate region"
    parent: str | None  # the code of the area above it, None for a region


@dataclass(frozen=True)
class State:
    alpha2: str
    alpha3: str
    numeric: str
    label: str  # UN M49 English name
    iso_name: str
    official_name: str | None
    area: str  # the code of its most specific M49 area
    note: str | None


# --- reading the two packages ---------------------------------------------------------------------------


def check_versions() -> None:
    for package, pinned in PINS.items():
        try:
            found = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            sys.exit(f"build.py needs {package}=={pinned}: pip install -e '.[reference]'")
        if found != pinned:
            sys.exit(f"build.py is pinned to {package}=={pinned}, found {found}: install the pinned version")


def taxonomy_rows() -> list[dict[str, str]]:
    """The rows of OCHA's countries and territories taxonomy, as hdx-python-country ships it."""
    distribution = importlib.metadata.distribution("hdx-python-country")
    (path,) = [file for file in distribution.files or () if file.name == TAXONOMY_FILE]
    with open(distribution.locate_file(path), encoding="utf-8", newline="") as stream:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(stream)]


def iso_countries() -> dict[str, object]:
    import pycountry

    return {country.alpha_2: country for country in pycountry.countries}


def code(value: str) -> str:
    return value.zfill(3) if value else ""


# --- what the data says ---------------------------------------------------------------------------------


def areas_of(rows: list[dict[str, str]]) -> dict[str, Area]:
    """Every M49 area an entry of the taxonomy lies in, with the area above it."""
    areas: dict[str, Area] = {}

    def add(area: Area) -> None:
        known = areas.setdefault(area.code, area)
        if known != area:
            sys.exit(f"the taxonomy gives M49 area {area.code} two descriptions: {known} and {area}")

    for row in rows:
        region, sub, intermediate = (code(row[f"{level} Code"]) for level in LEVELS)
        if region:
            add(Area(region, row["Region Name"], "region", None))
        if sub:
            add(Area(sub, row["Sub-region Name"], "sub-region", region))
        if intermediate:
            add(Area(intermediate, row["Intermediate Region Name"], "intermediate region", sub))
    return areas


LEVELS = ("Region", "Sub-region", "Intermediate Region")


def cross_check(rows: list[dict[str, str]], iso: dict[str, object]) -> list[str]:
    """What the two packages disagree on, a line each; stops on a disagreement that is not a known one."""
    found: dict[tuple[str, str], str] = {}
    by_alpha2 = {row["ISO 3166-1 Alpha 2-Codes"] or row["x Alpha2 codes"]: row for row in rows}
    for alpha2, country in sorted(iso.items()):
        row = by_alpha2.get(alpha2)
        if row is None:
            found[alpha2, "not in the taxonomy"] = country.name
            continue
        if row["ISO 3166-1 Alpha 3-Codes"] != country.alpha_3:
            found[alpha2, "another alpha-3"] = f"{country.alpha_3} in ISO, {row['ISO 3166-1 Alpha 3-Codes']}"
        if code(row["m49 numerical code"]) != country.numeric:
            m49 = code(row["m49 numerical code"])
            found[alpha2, "ISO numeric is not the M49 code"] = f"{country.numeric} in ISO, {m49}"
        if not row["Region Code"]:
            found[alpha2, "in no M49 region"] = country.name
    for alpha2, row in sorted(by_alpha2.items()):
        if alpha2 and alpha2 not in iso:
            found[alpha2, "not in ISO 3166-1"] = row["Preferred Term"]
    unknown = set(found) - KNOWN_DISAGREEMENTS
    if unknown:
        sys.exit("new disagreements between the packages: " + ", ".join(map(str, sorted(unknown))))
    return [f"{alpha2} ({name}): {kind}" for (alpha2, kind), name in sorted(found.items())]


def states_of(rows: list[dict[str, str]], iso: dict[str, object]) -> list[State]:
    """The ISO 3166-1 entries that the taxonomy lists in UNTERM as independent states."""
    states = []
    for row in rows:
        alpha2 = row["ISO 3166-1 Alpha 2-Codes"]
        if not (row["Appears in UNTERM list"] == "Y" and row["Independent"] == "Y" and alpha2 in iso):
            continue
        country = iso[alpha2]
        area = code(row["Intermediate Region Code"]) or code(row["Sub-region Code"])
        if not area:
            sys.exit(f"{alpha2} has no M49 sub-region in the taxonomy")
        member = row["Appears in DGACM list"] == "Y"
        states.append(
            State(
                alpha2=alpha2,
                alpha3=country.alpha_3,
                numeric=country.numeric,
                label=row["M49 English"],
                iso_name=country.name,
                official_name=getattr(country, "official_name", None),
                area=area,
                note=None if member else NON_MEMBER_STATES.get(alpha2, ""),
            )
        )
    non_members = {state.alpha2 for state in states if state.note is not None}
    if non_members != set(NON_MEMBER_STATES):
        expected = sorted(NON_MEMBER_STATES)
        sys.exit(f"the taxonomy's non-member states are {sorted(non_members)}, not {expected}")
    return sorted(states, key=lambda state: state.alpha2)


# --- the graphs -----------------------------------------------------------------------------------------


def english(text: str) -> Literal:
    return Literal(text, lang="en")


def spelt(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hand_written() -> Graph:
    graph = Graph()
    graph.parse(HAND_WRITTEN, format="turtle")
    return graph


def states_graph(states: list[State], existing: Graph) -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    iso, m49 = EVIDENCE["iso-3166-1"], EVIDENCE["un-m49"]
    for state in states:
        node = STATE[state.alpha2]
        graph.add((node, RDF.type, CG.State))
        graph.add((node, RDFS.label, english(state.label)))
        if state.iso_name != state.label:
            graph.add((node, SKOS.altLabel, english(state.iso_name)))
        if state.official_name:
            graph.add((node, CG.officialName, english(state.official_name)))
        if state.note:
            graph.add((node, SKOS.note, english(state.note)))
        graph.add((node, CG.isoAlpha2, Literal(state.alpha2)))
        graph.add((node, CG.isoAlpha3, Literal(state.alpha3)))
        graph.add((node, CG.isoNumeric, Literal(state.numeric)))
        graph.add((node, CG.inM49Region, M49[state.area]))
        graph.add((node, CG.hasEvidence, iso))
        graph.add((node, CG.hasEvidence, m49))
    enrichment(
        graph,
        iso,
        "enrichment: ISO 3166-1 codes, short names and full names of the states",
        [CG.isoAlpha2, CG.isoAlpha3, CG.isoNumeric, CG.officialName, SKOS.altLabel],
        "iso-3166-1",
        "One enrichment shared by every state: its alpha-2, alpha-3 and numeric codes, its ISO short "
        "name (skos:altLabel, where it differs from the UN M49 name) and its ISO full name "
        "(cg:officialName, where ISO gives one) are those of ISO 3166-1.",
    )
    enrichment(
        graph,
        m49,
        "enrichment: UN M49 names and areas of the states",
        [CG.inM49Region],
        "un-m49",
        "One enrichment shared by every state: its M49 area (the intermediate region if it has one, else the "
        "sub-region) and its English name, which is its rdfs:label, are those of UN M49; that it is a state "
        "(listed as one in the UN's terminology database UNTERM) comes with them.",
    )
    add_memberships(graph, {state.alpha2 for state in states}, existing)
    return graph


def enrichment(
    graph: Graph, node: URIRef, label: str, properties: list[URIRef], source: str, description: str = ""
) -> None:
    graph.add((node, RDF.type, CG.Enrichment))
    graph.add((node, RDFS.label, english(label)))
    if description:
        graph.add((node, DCTERMS.description, english(description)))
    for prop in properties:
        graph.add((node, CG.aboutProperty, prop))
    graph.add((node, CG.inSource, SOURCE[source]))


def add_memberships(graph: Graph, states: set[str], existing: Graph) -> None:
    """The memberships of the tables that the hand-written file does not hold, with their intervals."""
    used: set[str] = set()
    names = {state: str(graph.value(STATE[state], RDFS.label)) for state in states}
    for admission in [*ASEAN, *EU]:
        if admission.alpha2 not in states:
            sys.exit(f"{admission.alpha2} of {admission.organisation} is not a state of the graph")
        node = MEMBERSHIP[f"{admission.alpha2.lower()}--{admission.organisation}"]
        if (node, RDF.type, ORG.Membership) in existing:
            continue
        interval = INTERVAL[f"from-{admission.since.isoformat()}"]
        what = "as a founding member since" if admission.founding else "since"
        organisation = ORGANISATION_NAMES[admission.organisation]
        graph.add((node, RDF.type, ORG.Membership))
        label = f"{names[admission.alpha2]}: member of {organisation} {what} {spelt(admission.since)}"
        graph.add((node, RDFS.label, english(label)))
        graph.add((node, ORG.member, STATE[admission.alpha2]))
        graph.add((node, ORG.organization, ORGANISATION[admission.organisation]))
        graph.add((node, ORG.memberDuring, interval))
        graph.add((node, CG.hasEvidence, EVIDENCE[admission.evidence]))
        used.add(admission.evidence)
        if (interval, RDF.type, CG.DateInterval) not in existing:
            graph.add((interval, RDF.type, CG.DateInterval))
            graph.add((interval, RDFS.label, english(f"from {spelt(admission.since)}, open-ended")))
            graph.add((interval, CG.intervalStart, Literal(admission.since.isoformat(), datatype=XSD.date)))
    for name in sorted(used):
        label, source = MEMBERSHIP_EVIDENCE[name]
        enrichment(graph, EVIDENCE[name], label, [ORG.memberDuring], source)


def m49_graph(areas: dict[str, Area], states: list[State]) -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    scheme = SCHEME.m49
    title = "UN M49 geoscheme: regions, sub-regions and intermediate regions"
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, english(title)))
    graph.add((scheme, SKOS.prefLabel, english(title)))
    graph.add((scheme, DCTERMS.source, SOURCE["un-m49"]))
    graph.add((scheme, VANN.preferredNamespaceUri, Literal(str(M49), datatype=XSD.anyURI)))
    graph.add(
        (
            scheme,
            SKOS.definition,
            english(
                "A concept scheme holding the regions, sub-regions and intermediate regions of the UN "
                "Statistics Division's Standard country or area codes for statistical use (M49) in which a "
                "country or area lies. The five regions are its top concepts; the world as a whole (M49 code "
                "001) is the scheme itself, not a concept, so that no region passes for a state's area."
            ),
        )
    )
    in_area: dict[str, list[str]] = {}
    for state in states:
        in_area.setdefault(state.area, []).append(state.label)
    for area in sorted(areas.values(), key=lambda area: area.code):
        node = M49[area.code]
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDFS.label, english(area.name)))
        graph.add((node, SKOS.prefLabel, english(area.name)))
        graph.add((node, SKOS.notation, Literal(area.code)))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, DCTERMS.source, SOURCE["un-m49"]))
        text = definition(area, areas, sorted(in_area.get(area.code, [])))
        graph.add((node, SKOS.definition, english(text)))
        if area.parent is None:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
        else:
            graph.add((node, SKOS.broader, M49[area.parent]))
    return graph


def definition(area: Area, areas: dict[str, Area], states: list[str]) -> str:
    if area.parent is None:
        text = f"A region of the UN M49 geoscheme, M49 code {area.code}."
    else:
        text = f"A{'n' if area.level[0] in 'aeiou' else ''} {area.level} of the UN M49 geoscheme within "
        text += f"{areas[area.parent].name}, M49 code {area.code}."
    if states:
        listed = states[0] if len(states) == 1 else ", ".join(states[:-1]) + " and " + states[-1]
        text += f" The state{'s' if len(states) > 1 else ''} of the graph whose area it is: {listed}."
    return text


# --- writing --------------------------------------------------------------------------------------------


def header(what: list[str]) -> str:
    versions = " and ".join(f"{package} {version}" for package, version in PINS.items())
    lines = [
        *what,
        "",
        "GENERATED FILE: do not edit by hand. Written by data/reference/world/build.py from the packages",
        f"{versions}: ISO 3166-1 from pycountry's iso-codes data; UN M49 areas",
        "and names, and which entries UNTERM lists as states, from OCHA's Countries & Territories Taxonomy",
        "in hdx-python-country. Change the script or its pins and run",
        "`python data/reference/world/build.py`; see docs/reference-data.md.",
    ]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def turtle(graph: Graph, what: list[str]) -> str:
    return canonical_turtle(header(what) + graph.serialize(format="turtle"))


def build(out_states: Path, out_m49: Path) -> list[str]:
    check_versions()
    rows, iso = taxonomy_rows(), iso_countries()
    disagreements = cross_check(rows, iso)
    areas, states = areas_of(rows), states_of(rows, iso)
    missing = {state.area for state in states} - set(areas)
    if missing:
        sys.exit(f"states in M49 areas the taxonomy does not describe: {sorted(missing)}")
    states_text = turtle(
        states_graph(states, hand_written()),
        [
            "coopgraph reference data: every state of the world (UN member states, observer states, the Cook",
            "Islands and Niue) with its ISO 3166-1 codes and names and its UN M49 area, and the memberships",
            "of ASEAN and the European Union that data/reference/states.ttl does not hold by hand.",
        ],
    )
    m49_text = turtle(
        m49_graph(areas, states),
        [
            "coopgraph reference data: the UN M49 geoscheme, every region, sub-region and intermediate",
            "region, as a SKOS concept scheme (the world, 001, is the scheme itself).",
        ],
    )
    for path, text in ((out_states, states_text), (out_m49, m49_text)):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))
    members = sum(state.note is None for state in states)
    return [
        f"{len(states)} states ({members} UN members, {len(states) - members} others)",
        f"{len(areas)} M49 areas",
        *(f"disagreement {line}" for line in disagreements),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write states.ttl and m49.ttl into this folder instead")
    args = parser.parse_args(argv)
    out_states, out_m49 = (
        (args.out / "states.ttl", args.out / "m49.ttl") if args.out else (STATES_OUT, M49_OUT)
    )
    report = build(out_states, out_m49)
    print("\n".join(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
