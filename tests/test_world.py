"""The generated reference data of data/reference/world/: every state of the world and the UN M49 scheme.

- The generator, run again into a temporary folder, writes the committed files byte for byte (skipped when
  the ``reference`` extra, the two pinned packages, is not installed).
- Fact tests of the named sources (ISO 3166-1 as pycountry carries it, UN M49 and UNTERM as OCHA's taxonomy
  in hdx-python-country carries it, ASEAN's and the EU's lists of members): these may name counts and codes,
  since they check the data against what those sources say.
- Invariants of the live graph: every state's area lies in a region, and ``coopgraph query states`` lists
  every state of the graph with its region.

The shipped graph conforming to the shapes is ``tests/test_shapes.py::test_shipped_graph_conforms``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG

from coopgraph import queries
from coopgraph.stores import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "data" / "reference" / "world"
BUILD = WORLD / "build.py"
STATES_FILE = WORLD / "states.ttl"
M49_FILE = ROOT / "data" / "reference" / "schemes" / "m49.ttl"
HAND_WRITTEN = ROOT / "data" / "reference" / "states.ttl"

CG = Namespace("https://w3id.org/coopgraph/ontology#")
ID = "https://w3id.org/coopgraph/id/"
STATE = Namespace(ID + "state/")
M49 = Namespace(ID + "m49/")
SCHEME_M49 = URIRef(ID + "scheme/m49")


@functools.cache
def _build_module():
    """data/reference/world/build.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("coopgraph_world_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script is executed
    spec.loader.exec_module(module)
    return module


def _pins_installed() -> bool:
    pins = _build_module().PINS
    try:
        return all(importlib.metadata.version(name) == version for name, version in pins.items())
    except importlib.metadata.PackageNotFoundError:
        return False


needs_pins = pytest.mark.skipif(
    not _pins_installed(),
    reason="the reference extra (pycountry, hdx-python-country, pinned) is not installed",
)


@pytest.fixture(scope="module")
def world() -> Graph:
    """The generated states, the M49 scheme and the hand-written states file, as one graph."""
    graph = Graph()
    for path in (STATES_FILE, M49_FILE, HAND_WRITTEN):
        graph.parse(path, format="turtle")
    return graph


def states_of(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, CG.State))


# --- the generator ----------------------------------------------------------------------------------------


@needs_pins
def test_the_generator_reproduces_the_committed_files(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, str(BUILD), "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "states.ttl").read_bytes() == STATES_FILE.read_bytes()
    assert (tmp_path / "m49.ttl").read_bytes() == M49_FILE.read_bytes()


def test_the_generated_files_say_they_are_generated_and_from_what():
    pins = _build_module().PINS
    for path in (STATES_FILE, M49_FILE):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert "GENERATED FILE" in head and "data/reference/world/build.py" in head
        assert all(f"{name} {version}" in head for name, version in pins.items())


# --- fact tests of the named sources ------------------------------------------------------------------------


@needs_pins
def test_every_iso_entry_that_unterm_lists_as_a_state_is_a_state_and_no_other(world: Graph):
    build = _build_module()
    rows, iso = build.taxonomy_rows(), build.iso_countries()
    expected = {
        STATE[row["ISO 3166-1 Alpha 2-Codes"]]
        for row in rows
        if row["Appears in UNTERM list"] == "Y"
        and row["Independent"] == "Y"
        and row["ISO 3166-1 Alpha 2-Codes"] in iso
    }
    assert states_of(world) == expected
    for state in expected:
        country = iso[str(state).rsplit("/", 1)[1]]
        assert world.value(state, CG.isoAlpha3) == Literal(country.alpha_3)
        assert world.value(state, CG.isoNumeric) == Literal(country.numeric)


def test_the_states_are_the_un_members_the_two_observers_the_cook_islands_and_niue(world: Graph):
    """UN member states (193), observer states (Holy See, State of Palestine), and the two states in free
    association with New Zealand kept as states (docs/reference-data.md): each non-member says what it is."""
    states = states_of(world)
    non_members = {state for state in states if world.value(state, SKOS.note) is not None}
    assert len(states - non_members) == 193
    assert non_members == {STATE.VA, STATE.PS, STATE.CK, STATE.NU}
    for state in (STATE.VA, STATE.PS):
        assert "observer state" in world.value(state, SKOS.note)


def test_territories_and_entries_outside_iso_are_not_states(world: Graph):
    states = states_of(world)
    assert not {STATE.HK, STATE.MO, STATE.PR, STATE.GL, STATE.EH, STATE.TW, STATE.AQ, STATE.XK} & states


@pytest.mark.parametrize(
    ("code", "alpha3", "numeric", "area", "label", "official"),
    [
        ("SG", "SGP", "702", "035", "Singapore", "Republic of Singapore"),
        ("KZ", "KAZ", "398", "143", "Kazakhstan", "Republic of Kazakhstan"),
        ("KH", "KHM", "116", "035", "Cambodia", "Kingdom of Cambodia"),
    ],
)
def test_the_states_of_the_agreements_as_domain_md_gives_them(
    world, code, alpha3, numeric, area, label, official
):
    state = STATE[code]
    assert (state, RDF.type, CG.State) in world
    assert world.value(state, CG.isoAlpha2) == Literal(code)
    assert world.value(state, CG.isoAlpha3) == Literal(alpha3)
    assert world.value(state, CG.isoNumeric) == Literal(numeric)
    assert world.value(state, CG.inM49Region) == M49[area]
    assert world.value(state, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == Literal(
        label, lang="en"
    )
    assert world.value(state, CG.officialName) == Literal(official, lang="en")
    assert world.value(M49[area], SKOS.broader) == M49["142"]


def test_m49_regions_are_the_top_concepts_and_the_americas_split_as_m49_splits_them(world: Graph):
    tops = set(world.objects(SCHEME_M49, SKOS.hasTopConcept))
    assert tops == {M49[c] for c in ("002", "009", "019", "142", "150")}
    assert tops == set(world.subjects(SKOS.topConceptOf, SCHEME_M49))
    assert set(world.subjects(SKOS.broader, M49["019"])) == {M49["419"], M49["021"]}
    assert set(world.subjects(SKOS.broader, M49["419"])) == {M49["005"], M49["013"], M49["029"]}
    assert world.value(SCHEME_M49, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) is not None
    assert (M49["001"], RDF.type, SKOS.Concept) not in world  # the world is the scheme itself


def test_every_state_has_an_area_that_lies_in_a_region(world: Graph):
    for state in states_of(world):
        (area,) = world.objects(state, CG.inM49Region)
        above = set(world.transitive_objects(area, SKOS.broader)) - {area}
        regions = {node for node in above if (node, SKOS.topConceptOf, SCHEME_M49) in world}
        assert len(regions) == 1, state
        assert (area, SKOS.topConceptOf, SCHEME_M49) not in world, f"{state}: a region is not a state's area"


def _members(graph: Graph, organisation: str) -> dict[str, str]:
    organisation_node = URIRef(ID + "organisation/" + organisation)
    found = {}
    for membership in graph.subjects(ORG.organization, organisation_node):
        member = graph.value(membership, ORG.member)
        start = graph.value(graph.value(membership, ORG.memberDuring), CG.intervalStart)
        found[str(member).rsplit("/", 1)[1]] = str(start)
    return found


def test_asean_members_and_their_dates_of_admission(world: Graph):
    assert _members(world, "asean") == {
        **dict.fromkeys(("ID", "MY", "PH", "SG", "TH"), "1967-08-08"),
        "BN": "1984-01-07",
        "VN": "1995-07-28",
        "LA": "1997-07-23",
        "MM": "1997-07-23",
        "KH": "1999-04-30",
        "TL": "2025-10-26",
    }


def test_eu_members_and_their_dates_of_accession(world: Graph):
    dates = {
        "1958-01-01": "BE DE FR IT LU NL",
        "1973-01-01": "DK IE",
        "1981-01-01": "GR",
        "1986-01-01": "ES PT",
        "1995-01-01": "AT FI SE",
        "2004-05-01": "CY CZ EE HU LV LT MT PL SK SI",
        "2007-01-01": "BG RO",
        "2013-07-01": "HR",
    }
    expected = {code: day for day, codes in dates.items() for code in codes.split()}
    assert len(expected) == 27
    assert _members(world, "european-union") == expected


def test_memberships_are_not_written_twice(world: Graph):
    hand = Graph().parse(HAND_WRITTEN, format="turtle")
    generated = Graph().parse(STATES_FILE, format="turtle")
    assert not set(hand.subjects(RDF.type, ORG.Membership)) & set(
        generated.subjects(RDF.type, ORG.Membership)
    )
    assert not set(hand.subjects(RDF.type, CG.DateInterval)) & set(
        generated.subjects(RDF.type, CG.DateInterval)
    )


# --- the live graph -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_store() -> Iterator[EmbeddedStore]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COOPGRAPH_DATA", raising=False)
        patch.chdir(ROOT)
        yield EmbeddedStore.shipped()


def test_query_states_lists_every_state_of_the_graph_with_its_region(live_store: EmbeddedStore):
    counted = live_store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{CG.State}> }}")
    total = int(counted["results"]["bindings"][0]["n"]["value"])
    query = queries.registry()["states"]
    rows = queries.run(query, {}, live_store)["results"]["bindings"]
    listed = {row["state"]["value"] for row in rows}
    assert len(listed) == total
    assert all("region" in row and "regionLabel" in row and "subRegionCode" in row for row in rows)
    (only,) = queries.run(query, {"state": "SG"}, live_store)["results"]["bindings"]
    assert "state" not in only  # the parameter's column is left out: it is SG in every row
    assert only["code"]["value"] == "SG" and only["regionCode"]["value"] == "142"
