"""The lifecycle queries (issue 15) on the frozen fixture graph: status on a day, what awaits entry into
force, reservations, central authorities, lineage.

The fixture (``tests/fixtures/graph/data/instruments/sg-xc-*.ttl``, fictional) holds an agreement of 2004
ratified by Singapore, approved by Fixtureland, in force for both, denounced by Fixtureland and terminated;
and the treaty of 2026 that replaces it, ratified by Fixtureland on a day and by Singapore some day in June
2026, in force for Fixtureland only, with a stated condition, a reservation and two central authorities.
Every answer asserted here follows from those files; the shipped data is not asked (test_facts.py holds the
fact test of the two shipped agreements).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgraph import queries
from coopgraph.load import load_shipped
from coopgraph.stores import EmbeddedStore, normalize_results

ID = "https://w3id.org/coopgraph/id/"
OLD, NEW = "sg-xc-assistance-2004", "sg-xc-mla-2026"


@pytest.fixture(scope="module")
def store(fixture_data: Path) -> EmbeddedStore:
    return EmbeddedStore.shipped()


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    answer = queries.run(queries.get(name), params, store)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def status(store: EmbeddedStore, day: str, instrument: str) -> dict[str, tuple[str, str]]:
    """Party code → (status, since) of ``instrument`` on ``day``."""
    found = run(store, "status-on-day", day=day, instrument=instrument)
    return {row["party"].rsplit("/", 1)[1]: (row["status"], row["since"]) for row in found}


# --- status on a day ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "instrument", "expected"),
    [
        ("2004-05-09", OLD, {"SG": ("nothing recorded", ""), "XC": ("nothing recorded", "")}),
        (
            "2004-06-20",
            OLD,
            {
                "SG": ("consented; nothing recorded since", "2004-06-01"),
                "XC": ("signed; nothing recorded since", "2004-05-10"),
            },
        ),
        ("2004-08-14", OLD, {"SG": ("in force", "2004-08-14"), "XC": ("in force", "2004-08-14")}),
        (
            "2026-03-01",
            OLD,
            {"SG": ("in force", "2004-08-14"), "XC": ("in force; withdrawal notified", "2026-02-01")},
        ),
        ("2026-08-01", OLD, {"SG": ("terminated", "2026-08-01"), "XC": ("terminated", "2026-08-01")}),
        ("2026-03-01", NEW, {"SG": ("nothing recorded", ""), "XC": ("nothing recorded", "")}),
        (
            "2026-05-04",
            NEW,
            {
                "SG": ("signed; nothing recorded since", "2026-03-02"),
                "XC": ("consented; nothing recorded since", "2026-05-04"),
            },
        ),
        # Singapore's ratification lies some day in June: it counts only once June is over
        (
            "2026-06-29",
            NEW,
            {
                "SG": ("signed; nothing recorded since", "2026-03-02"),
                "XC": ("consented; nothing recorded since", "2026-05-04"),
            },
        ),
        (
            "2026-06-30",
            NEW,
            {
                "SG": ("consented; nothing recorded since", "2026-06-01/2026-06-30"),
                "XC": ("consented; nothing recorded since", "2026-05-04"),
            },
        ),
        # in force for Fixtureland only: nothing says so of Singapore
        (
            "2026-09-01",
            NEW,
            {
                "SG": ("consented; nothing recorded since", "2026-06-01/2026-06-30"),
                "XC": ("in force", "2026-09-01"),
            },
        ),
    ],
)
def test_status_on_a_day(store: EmbeddedStore, day: str, instrument: str, expected: dict) -> None:
    assert status(store, day, instrument) == expected


def test_status_gives_the_day_of_every_step(store: EmbeddedStore) -> None:
    (xc,) = run(store, "status-on-day", day="2026-08-15", instrument=OLD, party="XC")
    assert (xc["status"], xc["signed"], xc["consented"], xc["inForce"], xc["terminated"]) == (
        "terminated",
        "2004-05-10",
        "2004-07-15",
        "2004-08-14",
        "2026-08-01",
    )
    (sg,) = run(store, "status-on-day", day="2026-07-01", instrument=NEW, party="SG")
    assert "inForce" not in sg and "terminated" not in sg
    assert (sg["signed"], sg["consented"]) == ("2026-03-02", "2026-06-01/2026-06-30")


def test_status_without_a_day_is_today(store: EmbeddedStore) -> None:
    """Every event of the fixture lies in the past, so today's answer is the latest one."""
    assert status(store, "2026-09-01", NEW) == {
        row["party"].rsplit("/", 1)[1]: (row["status"], row["since"])
        for row in run(store, "status-on-day", instrument=NEW)
    }


LATER = """
@prefix cg: <https://w3id.org/coopgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/coopgraph/id/> .
<https://example.org/provisional-sg> a cg:ProvisionalApplication ;
    cg:concernsInstrument <https://w3id.org/coopgraph/id/instrument/sg-xc-mla-2026> ;
    cg:forParty <https://w3id.org/coopgraph/id/state/SG> ; cg:onDate "2026-03-10"^^xsd:date .
<https://example.org/suspension> a cg:Suspension ;
    cg:concernsInstrument <https://w3id.org/coopgraph/id/instrument/sg-xc-mla-2026> ;
    cg:onDate "2026-10-01"^^xsd:date .
<https://example.org/termination-xc> a cg:Termination ;
    cg:concernsInstrument <https://w3id.org/coopgraph/id/instrument/sg-xc-mla-2026> ;
    cg:forParty <https://w3id.org/coopgraph/id/body/xc-ministry-of-justice> ;
    cg:withinInterval <https://example.org/autumn> .
<https://example.org/autumn> cg:intervalStart "2026-10-10"^^xsd:date ; cg:intervalEnd "2026-10-20"^^xsd:date .
"""


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> Path:
    path = tmp_path_factory.mktemp("lifecycle") / "later.ttl"
    path.write_text(LATER, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            "2026-04-01",
            {
                "SG": ("applied provisionally", "2026-03-10"),
                "XC": ("signed; nothing recorded since", "2026-03-02"),
            },
        ),
        # a suspension with no party is for every party
        ("2026-10-01", {"SG": ("suspended", "2026-10-01"), "XC": ("suspended", "2026-10-01")}),
        # a termination for a body of Fixtureland is for Fixtureland, once its span is over
        ("2026-10-15", {"SG": ("suspended", "2026-10-01"), "XC": ("suspended", "2026-10-01")}),
        ("2026-10-20", {"SG": ("suspended", "2026-10-01"), "XC": ("terminated", "2026-10-10/2026-10-20")}),
    ],
)
def test_provisional_application_suspension_and_termination(later: Path, day: str, expected: dict) -> None:
    store = EmbeddedStore.shipped([later])
    assert status(store, day, NEW) == expected
    # rdflib's engine agrees
    dataset = load_shipped([later])
    dataset.default_union = True
    query = queries.get("status-on-day")
    bindings = queries.bind(query, {"day": day, "instrument": NEW})
    answer = normalize_results(
        json.loads(dataset.query(query.text, initBindings=bindings).serialize(format="json"))
    )
    found = {
        row["party"]["value"].rsplit("/", 1)[1]: (row["status"]["value"], row["since"]["value"])
        for row in answer["results"]["bindings"]
    }
    assert found == expected


# --- not in force, and what it waits for --------------------------------------------------------------------


def test_signed_not_in_force_tells_a_stated_condition_from_nothing_recorded(store: EmbeddedStore) -> None:
    found = {row["instrument"].rsplit("/", 1)[1]: row for row in run(store, "signed-not-in-force")}
    assert OLD not in found  # in force for the instrument as a whole
    assert found[NEW]["conditionRecorded"] == "true"
    assert (found[NEW]["inForceFor"], found[NEW]["consentRecorded"]) == (
        ID + "state/XC",
        f"{ID}state/SG {ID}state/XC",
    )
    others = [row for name, row in found.items() if name != NEW]
    assert others and {row["conditionRecorded"] for row in others} == {"false"}


def test_awaiting_entry_into_force_gives_the_condition_in_the_source_s_words(store: EmbeddedStore) -> None:
    found = [row for row in run(store, "awaiting-entry-into-force", state="XC")]
    assert [(r["instrument"], r["awaiting"], r["conditionText"]) for r in found] == [
        (ID + f"instrument/{NEW}", ID + "state/SG", "after both sides complete their domestic procedures")
    ]
    assert "periodDays" not in found[0]
    assert all("condition" not in row for row in run(store, "awaiting-entry-into-force", state="KZ"))


# --- reservations, central authorities, lineage -------------------------------------------------------------


def test_reservations_by_state(store: EmbeddedStore) -> None:
    (found,) = run(store, "reservations", state="XC")
    assert (found["instrument"], found["kind"]) == (
        ID + f"instrument/{NEW}",
        "https://w3id.org/coopgraph/ontology#Reservation",
    )
    assert found["text"].startswith("Fixtureland will not execute requests")
    assert run(store, "reservations", state="SG") == []


def test_central_authorities_per_state_and_instrument(store: EmbeddedStore) -> None:
    found = run(store, "central-authorities", instrument=NEW)
    assert [(r["state"], r["authority"], r["role"], r["cooperation"]) for r in found] == [
        (
            ID + "state/SG",
            ID + "body/sg-attorney-generals-chambers",
            ID + "authority-role/central-authority",
            ID + "cooperation-form/mutual-legal-assistance",
        ),
        (
            ID + "state/XC",
            ID + "body/xc-ministry-of-justice",
            ID + "authority-role/central-authority",
            ID + "cooperation-form/mutual-legal-assistance",
        ),
    ]
    assert run(store, "central-authorities", state="KZ") == []


def test_lineage_in_both_directions(store: EmbeddedStore) -> None:
    assert [(r["relation"], r["other"]) for r in run(store, "lineage", instrument=NEW)] == [
        ("replaces", ID + f"instrument/{OLD}")
    ]
    (found,) = run(store, "lineage", instrument=OLD)
    assert (found["relation"], found["other"], found["otherSignedOn"]) == (
        "replaced by",
        ID + f"instrument/{NEW}",
        "2026-03-02",
    )
    assert run(store, "lineage", instrument="sg-kz-mla-2025") == []


CHAIN = """
@prefix cg: <https://w3id.org/coopgraph/ontology#> .
<https://w3id.org/coopgraph/id/instrument/sg-xc-protocol-2027> a cg:BilateralInstrument ;
    cg:amends <https://w3id.org/coopgraph/id/instrument/sg-xc-mla-2026> .
"""


def test_lineage_through_others(tmp_path: Path, fixture_data: Path) -> None:
    """A protocol amending the 2026 treaty reaches the 2004 agreement through it, and the reverse."""
    extra = tmp_path / "chain.ttl"
    extra.write_text(CHAIN, encoding="utf-8")
    store = EmbeddedStore.shipped([extra])
    protocol = run(store, "lineage", instrument="sg-xc-protocol-2027")
    assert [(r["relation"], r["other"].rsplit("/", 1)[1]) for r in protocol] == [
        ("amends", NEW),
        ("earlier, through others", OLD),
    ]
    old = run(store, "lineage", instrument=OLD)
    assert [(r["relation"], r["other"].rsplit("/", 1)[1]) for r in old] == [
        ("later, through others", "sg-xc-protocol-2027"),
        ("replaced by", NEW),
    ]
