"""``coopgraph new instrument`` and :mod:`coopgraph.scaffold`: a new agreement's file that validates once its
quotes are filled in; ``coopgraph new event``: a later event of one, in a file of its own.

The states, people, posts and tenures used are read from the loaded graph, never named here: two states of
the graph are the parties, a tenure the graph holds is reused. "Validates" is checked against the graph as it
stands: the filled file adds no result to those of the graph alone (so it conforms whenever the graph does).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from coopgraph import scaffold
from coopgraph.errors import InputError
from coopgraph.validate import validate
from coopgraph.vocab import CG, ORG, short

TITLE = "Agreement on Fixture Cooperation in Criminal Matters"
SIGNED = "2031-03-04"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "graph" / "data"
PLACEHOLDER_SHAPE = "https://w3id.org/coopgraph/shapes#ScaffoldEvidence-quote"
PARAGRAPH_SHAPE = "https://w3id.org/coopgraph/shapes#ScaffoldParagraph-paragraphText"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return scaffold.shipped_graph()


@pytest.fixture(scope="module")
def baseline() -> set[tuple]:
    """The results of the graph alone: a filled scaffold must add none."""
    return {_key(result) for result in validate().results}


def _key(result) -> tuple:
    return (result.focus, result.path, result.value, result.shape, result.component)


def states(graph: Graph) -> list[tuple[str, str, str]]:
    """(alpha-2, alpha-3, English label) of every state of the graph, sorted."""
    found = []
    for state in set(graph.subjects(RDF.type, CG.State)):
        alpha2, alpha3 = graph.value(state, CG.isoAlpha2), graph.value(state, CG.isoAlpha3)
        labels = [str(label) for label in graph.objects(state, RDFS.label) if label.language == "en"]
        if alpha2 and alpha3 and labels:
            found.append((str(alpha2), str(alpha3), sorted(labels)[0]))
    return sorted(found)


def two_states(graph: Graph) -> list[tuple[str, str, str]]:
    found = states(graph)
    if len(found) < 2:
        pytest.skip("the graph holds fewer than two states")
    return found[:2]


def existing_tenure(graph: Graph) -> dict[str, str]:
    """A tenure the graph holds, of a person in a post of a state: the reuse case."""
    rows = graph.query(
        """SELECT ?tenure ?person ?name ?post ?postLabel ?code WHERE {
             ?tenure cg:tenureHolder ?person ; cg:tenurePost ?post .
             ?person rdfs:label ?name . ?post rdfs:label ?postLabel ; org:postIn ?state .
             ?state a cg:State ; cg:isoAlpha2 ?code .
           } ORDER BY ?tenure ?post ?code""",
        initNs={"cg": CG, "org": ORG, "rdfs": RDFS},
    )
    for row in rows:
        return {key: str(value) for key, value in row.asdict().items()}
    pytest.skip("the graph holds no tenure of a person in a post of a state")


def source_text(tmp_path: Path, names: list[str], people: list[str]) -> Path:
    """A fictional source in the Markdown form the project's paragraph rule cuts."""
    path = tmp_path / "release.md"
    path.write_text(
        "---\ntitle: Fixture release\n---\n\n"
        f"1.&nbsp;{names[0]} and {names[1]} signed the {TITLE} today.\n\n"
        f"2.&nbsp;It was signed by {people[0]} and by {people[1]}.\n\n"
        "FIXTURE MINISTRY\n",
        encoding="utf-8",
    )
    return path


def request(graph: Graph, tmp_path: Path, **changes) -> scaffold.InstrumentRequest:
    (a2, _, name_a), (_, b3, name_b) = two_states(graph)
    people = ["Ana Scaffoldfixture", "Ben Scaffoldfixture"]
    fields = {
        "parties": (a2.lower(), b3),  # any case, alpha-2 or alpha-3
        "designations": ("agreement",),
        "title": TITLE,
        "signed": SIGNED,
        "signatories": (
            scaffold.Signatory(
                a2, people[0], ("Fixture Minister of Justice",), f"the Government of {name_a}"
            ),
            scaffold.Signatory(b3, people[1], ("Fixture Attorney-General", "Fixture Minister of Law")),
        ),
        "source_title": "Fixture release",
        "source_kind": "primary",
        "source_type": "press-release",
        "source_date": SIGNED,
        "source_text": source_text(tmp_path, [name_a, name_b], people),
    }
    fields.update(changes)
    return scaffold.InstrumentRequest(**fields)


def fill(path: Path) -> int:
    """Replace every placeholder quote with the first words of the paragraph it cites, as a user would."""
    text = path.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    filled = 0
    for evidence, quote in graph.subject_objects(CG.quote):
        if str(quote).startswith(scaffold.PLACEHOLDER):
            paragraph = graph.value(graph.value(evidence, CG.inParagraph), CG.paragraphText)
            words = " ".join(str(paragraph).split()[:5])
            assert text.count(f'"{quote}"') == 1
            text = text.replace(f'"{quote}"', f'"{words}"')
            filled += 1
    path.write_text(text, encoding="utf-8")
    return filled


def results_of(path: Path) -> list:
    return [result for result in validate([path]).results if result.file == str(path)]


def assert_validates(path: Path, baseline: set[tuple]) -> None:
    report = validate([path])
    new = [result for result in report.results if _key(result) not in baseline]
    assert not new, "\n".join(f"{r.file}:{r.line}: {r.focus} {r.path} {r.message}" for r in new)


def run(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", "new", "instrument", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def cli_arguments(graph: Graph, tmp_path: Path) -> list[str]:
    (a2, _, name_a), (b2, _, name_b) = two_states(graph)
    people = ["Ana Scaffoldfixture", "Ben Scaffoldfixture"]
    text = source_text(tmp_path, [name_a, name_b], people)
    return [
        *("--party", a2, "--party", b2, "--designation", "agreement", "--title", TITLE, "--signed", SIGNED),
        *("--signatory", f"{a2}={people[0]}", "--post", f"{a2}=Fixture Minister of Justice"),
        *("--signatory", f"{b2}={people[1]}", "--post", f"{b2}=Fixture Attorney-General"),
        *("--as-written", f"{b2}=the Government of {name_b}"),
        *("--source-title", "Fixture release", "--source-kind", "secondary", "--source-text", str(text)),
    ]


# --- the library -------------------------------------------------------------------------------------------


def test_scaffold_fails_on_its_placeholders_then_validates_once_filled(graph, baseline, tmp_path):
    built = scaffold.build(request(graph, tmp_path), graph)
    path = scaffold.write(built, tmp_path / "new.ttl")
    evidence = set(built.graph.subjects(RDF.type, CG.Evidence))
    assert built.placeholders == built.unfilled(CG.quote) == len(evidence) >= 7
    failing = results_of(path)
    placeholders = [r for r in failing if r.shape == PLACEHOLDER_SHAPE]
    assert {URIRef(r.focus) for r in placeholders} == evidence
    assert all("still a placeholder" in r.message for r in placeholders)
    assert fill(path) == len(evidence)
    assert_validates(path, baseline)


def test_every_node_the_file_needs_is_there(graph, tmp_path):
    built = scaffold.build(request(graph, tmp_path), graph)
    out = built.graph
    for klass in (CG.BilateralInstrument, CG.LegalStatusAssertion, CG.SigningEvent, CG.PressRelease):
        assert len(set(out.subjects(RDF.type, klass))) == 1, klass
    assert len(set(out.subjects(RDF.type, CG.Signature))) == 2
    assert len(set(out.subjects(RDF.type, CG.PostTenure))) == 3  # one per signatory and post
    instrument = built.instrument
    assert sorted(out.objects(instrument, CG.hasParty)) == sorted(
        graph.value(predicate=CG.isoAlpha2, object=Literal(code)) for code, _, _ in two_states(graph)
    )
    status = next(out.subjects(CG.statusOf, instrument))
    assert str(out.value(status, CG.legalStatus)).endswith("/legal-status/not-stated")
    (a2, _, name_a), _ = two_states(graph)
    assert built.label.startswith(f"{name_a}–") and built.label.endswith(f"{TITLE} (2031)")
    assert built.instrument_id.startswith(f"{a2.lower()}-") and built.instrument_id.endswith("-2031")
    written = list(out.objects(None, CG.partyAsWritten))
    assert written == [Literal(f"the Government of {name_a}", lang="en")]
    signature = next(out.subjects(CG.partyAsWritten, written[0]))
    evidence = out.value(signature, CG.hasEvidence)
    assert (evidence, CG.aboutProperty, CG.partyAsWritten) in out
    assert (evidence, CG.aboutValue, written[0]) in out


def test_the_output_is_canonical_and_deterministic(graph, tmp_path):
    one = scaffold.write(scaffold.build(request(graph, tmp_path), graph), tmp_path / "one.ttl")
    two = scaffold.write(
        scaffold.build(request(graph, tmp_path), scaffold.shipped_graph()), tmp_path / "two.ttl"
    )
    assert one.read_bytes() == two.read_bytes()
    assert one.read_text(encoding="utf-8").startswith("# ")
    result = subprocess.run(
        [sys.executable, "-m", "coopgraph", "fmt", "--check", str(one)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_existing_person_post_and_tenure_are_reused(graph, baseline, tmp_path):
    held = existing_tenure(graph)
    other = next(code for code, _, _ in states(graph) if code != held["code"])
    person_curie = f"person:{held['person'].rsplit('/', 1)[-1]}"
    post_curie = f"post:{held['post'].rsplit('/', 1)[-1]}"
    for person, post_given in ((person_curie, post_curie), (held["name"], held["postLabel"])):
        built = scaffold.build(
            request(
                graph,
                tmp_path,
                parties=(held["code"], other),
                signatories=(
                    scaffold.Signatory(held["code"], person, (post_given,)),
                    scaffold.Signatory(other, "Ben Scaffoldfixture", ("Fixture Attorney-General",)),
                ),
            ),
            graph,
        )
        out = built.graph
        tenure, post, person_iri = URIRef(held["tenure"]), URIRef(held["post"]), URIRef(held["person"])
        for node in (tenure, post, person_iri):
            assert node in built.reused
            assert (node, RDF.type, None) not in out, f"{short(node)} is described again"
        assert set(out.predicate_objects(tenure)) >= {(CG.attestedOn, Literal(SIGNED, datatype=XSD.date))}
        assert {p for p, _ in out.predicate_objects(tenure)} == {CG.attestedOn, CG.hasEvidence}
        signature = next(out.subjects(CG.signatory, person_iri))
        assert out.value(signature, CG.inCapacityOf) == post
    path = scaffold.write(built, tmp_path / "reused.ttl")
    fill(path)
    assert_validates(path, baseline)


def test_a_signing_within_an_interval_is_attested_on_every_day(graph, baseline, tmp_path):
    built = scaffold.build(
        request(graph, tmp_path, signed=None, signed_between=("2031-03-02", "2031-03-04")), graph
    )
    out = built.graph
    interval = URIRef("https://w3id.org/coopgraph/id/interval/2031-03-02--2031-03-04")
    assert (None, CG.withinInterval, interval) in out
    for tenure in out.subjects(RDF.type, CG.PostTenure):
        days = sorted(str(day) for day in out.objects(tenure, CG.attestedOn))
        assert days == ["2031-03-02", "2031-03-03", "2031-03-04"]
    path = scaffold.write(built, tmp_path / "interval.ttl")
    fill(path)
    assert_validates(path, baseline)


def test_without_the_source_text_the_paragraphs_are_placeholders_too(graph, tmp_path):
    built = scaffold.build(request(graph, tmp_path, source_text=None, paragraphs=2), graph)
    assert built.unfilled(CG.paragraphText) == 3  # p0, p1, p2
    assert built.placeholders == built.unfilled(CG.paragraphText) + built.unfilled(CG.quote)
    path = scaffold.write(built, tmp_path / "stubs.ttl")
    shapes = {r.shape for r in results_of(path)}
    assert {PLACEHOLDER_SHAPE, PARAGRAPH_SHAPE} <= shapes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"designations": ("no-such-designation",)}, "--designation no-such-designation"),
        ({"signed": "2031-13-40"}, "--signed '2031-13-40' is not a date"),
        ({"signed": "04/03/2031"}, "--signed '04/03/2031' is not a date"),
        ({"signed": None, "signed_between": ("2031-03-04", "2031-03-01")}, "ends before it starts"),
        ({"place": "place:fixture-nowhere"}, "--place place:fixture-nowhere"),
        ({"publisher": "body:fixture-nobody"}, "--publisher body:fixture-nobody"),
        ({"source_date": None}, "--source-date"),
    ],
)
def test_bad_input_is_an_input_error_naming_the_option(graph, tmp_path, changes, message):
    with pytest.raises(InputError) as raised:
        scaffold.build(request(graph, tmp_path, **changes), graph)
    assert message in str(raised.value)


def test_an_existing_file_is_not_replaced_unless_forced(graph, tmp_path):
    built = scaffold.build(request(graph, tmp_path), graph)
    path = tmp_path / "taken.ttl"
    path.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        scaffold.write(built, path)
    assert path.read_text(encoding="utf-8") == "keep me\n"
    scaffold.write(built, path, force=True)
    assert path.read_text(encoding="utf-8").startswith("# ")


# --- the command -------------------------------------------------------------------------------------------


def unknown_code(graph: Graph) -> str:
    known = {code for code, _, _ in states(graph)}
    return next(
        a + b
        for a, b in itertools.product("QWZYX", "QWZYX")
        if a + b not in known and a + b not in ("XA", "XB")
    )


def test_command_writes_the_file_and_says_what_to_do_next(graph, baseline, tmp_path):
    path = tmp_path / "my-agreement.ttl"
    done = run(*cli_arguments(graph, tmp_path), "-o", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    written = Graph().parse(path)
    quotes = sum(1 for q in written.objects(None, CG.quote) if str(q).startswith(scaffold.PLACEHOLDER))
    assert f"wrote {path}" in done.stdout
    assert f"{quotes} placeholder(s) to fill" in done.stdout
    assert f"coopgraph validate {path}" in done.stdout
    check = subprocess.run(
        [sys.executable, "-m", "coopgraph", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1
    mine = [r for r in json.loads(check.stdout)["results"] if r["file"] == str(path)]
    assert sum(r["shape"] == PLACEHOLDER_SHAPE for r in mine) == quotes
    assert fill(path) == quotes
    assert_validates(path, baseline)
    again = tmp_path / "again.ttl"
    assert run(*cli_arguments(graph, tmp_path), "-o", str(again)).returncode == 0
    assert fill(again) == quotes and again.read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (("--party", 0), "(`coopgraph query states` lists the states)"),
        (("--designation", "no-such-designation"), "--designation no-such-designation"),
        (("--signed", "2031-02-30"), "--signed '2031-02-30' is not a date"),
    ],
)
def test_command_refuses_bad_input_with_exit_2_and_writes_nothing(graph, tmp_path, replace, message):
    arguments = cli_arguments(graph, tmp_path)
    option, value = replace
    index = arguments.index(option) + 1
    arguments[index] = unknown_code(graph) if value == 0 else str(value)
    path = tmp_path / "nothing.ttl"
    done = run(*arguments, "-o", str(path))
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("coopgraph: error: ") and message in done.stderr
    assert "Traceback" not in done.stderr
    if value == 0:
        assert f"--party {arguments[index]}" in done.stderr
    assert not path.exists()


def test_command_never_replaces_a_file_unless_forced(graph, tmp_path):
    path = tmp_path / "taken.ttl"
    path.write_text("keep me\n", encoding="utf-8")
    done = run(*cli_arguments(graph, tmp_path), "-o", str(path))
    assert done.returncode == 2
    assert f"{path} exists" in done.stderr and "--force" in done.stderr
    assert path.read_text(encoding="utf-8") == "keep me\n"
    assert run(*cli_arguments(graph, tmp_path), "-o", str(path), "--force").returncode == 0
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_command_without_a_terminal_names_the_missing_option(graph, tmp_path):
    arguments = cli_arguments(graph, tmp_path)
    index = arguments.index("--title")
    del arguments[index : index + 2]
    path = tmp_path / "nothing.ttl"
    done = run(*arguments, "-o", str(path))
    assert done.returncode == 2
    assert "missing option --title" in done.stderr
    assert not path.exists()


def test_command_writes_into_the_data_folder_in_use_by_default(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    env = {"COOPGRAPH_DATA": str(data)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COOPGRAPH_DATA", str(data))
        graph = scaffold.shipped_graph()
        arguments = cli_arguments(graph, tmp_path)
        expected = scaffold.default_path(scaffold.build(request(graph, tmp_path), graph).instrument_id)
    done = run(*arguments, env=env)
    assert done.returncode == 0, done.stderr
    assert expected.parent == data / "instruments" and expected.is_file()
    assert f"wrote {expected}" in done.stdout
    written = expected.read_bytes()
    again = run(*arguments, env=env)
    assert again.returncode == 2 and f"{expected} exists" in again.stderr and "--force" in again.stderr
    assert run(*arguments, "--force", env=env).returncode == 0  # replacing it frees its nodes
    assert expected.read_bytes() == written


# --- coopgraph new event: a later event of an instrument of the graph, in a file of its own ---------------
# The instrument, its party and its day of signing are read from the loaded graph, never named here.


def signed_instrument(graph: Graph) -> dict[str, str]:
    """An instrument of the graph signed on a known day, one of its party states, and a body of that state."""
    rows = graph.query(
        """SELECT ?instrument ?code ?day ?body WHERE {
             VALUES ?signingType { cg:SigningEvent cg:SigningCeremony }
             ?signing a ?signingType ; cg:concernsInstrument ?instrument ; cg:onDate ?day .
             ?instrument cg:hasParty ?state . ?state a cg:State ; cg:isoAlpha2 ?code .
             ?body a cg:GovernmentBody ; cg:bodyOf ?state .
           } ORDER BY ?instrument ?code ?body""",
        initNs={"cg": CG},
    )
    for row in rows:
        found = {key: str(value) for key, value in row.asdict().items()}
        found["id"] = found["instrument"].rsplit("/", 1)[1]
        return found
    pytest.skip("the graph holds no instrument signed on a known day by a state with a government body")


def later(day: str, years: int = 1) -> str:
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=365 * years)).isoformat()


def notice(tmp_path: Path) -> Path:
    """A fictional second source, in the Markdown form the project's paragraph rule cuts."""
    path = tmp_path / "notice.md"
    path.write_text(
        "---\ntitle: Fixture notice\n---\n\n"
        "1.&nbsp;The ratification of the agreement was completed and notified today.\n\n"
        "2.&nbsp;The ministry was designated as the central authority for mutual legal assistance.\n",
        encoding="utf-8",
    )
    return path


def event_request(known: dict[str, str], tmp_path: Path, **changes) -> scaffold.EventRequest:
    fields = {
        "instrument": known["id"],
        "kind": "ratification",
        "party": known["code"],
        "date": later(known["day"]),
        "source_title": "Fixture notice",
        "source_kind": "primary",
        "source_text": notice(tmp_path),
    }
    fields.update(changes)
    return scaffold.EventRequest(**fields)


def test_a_later_ratification_fails_on_its_placeholder_then_validates_once_filled(graph, baseline, tmp_path):
    known = signed_instrument(graph)
    built = scaffold.build_event(event_request(known, tmp_path), graph)
    assert built.instrument_id == f"{known['id']}-ratification-{known['code'].lower()}"
    event = URIRef(f"https://w3id.org/coopgraph/id/event/{built.instrument_id}")
    assert (event, RDF.type, CG.Ratification) in built.graph
    assert (event, CG.concernsInstrument, URIRef(known["instrument"])) in built.graph
    assert not set(built.graph.objects(URIRef(known["instrument"]), None))  # points at it, never restates it
    path = scaffold.write(built, tmp_path / "ratification.ttl")
    placeholders = [r for r in results_of(path) if r.shape == PLACEHOLDER_SHAPE]
    assert len(placeholders) == built.unfilled(CG.quote) == 1
    assert fill(path) == 1
    assert_validates(path, baseline)


def test_a_designation_and_a_reservation_validate_once_filled(graph, baseline, tmp_path):
    known = signed_instrument(graph)
    designation = scaffold.build_event(
        event_request(
            known,
            tmp_path,
            kind="designation",
            date=None,
            authority=known["body"],
            role="central-authority",
            cooperation="mutual-legal-assistance",
        ),
        graph,
    )
    assert designation.instrument_id.endswith(f"-designation-{known['code'].lower()}-1")
    reservation = scaffold.build_event(
        event_request(
            known, tmp_path, kind="reservation", date=None, text="  It will not  execute requests. "
        ),
        graph,
    )
    words = list(reservation.graph.objects(None, CG.communicationText))
    assert [(str(w), w.language) for w in words] == [("It will not execute requests.", "en")]
    for name, built in (("designation", designation), ("reservation", reservation)):
        path = scaffold.write(built, tmp_path / f"{name}.ttl")
        assert fill(path) == 1
        assert_validates(path, baseline)


def test_an_entry_into_force_for_the_instrument_as_a_whole_has_no_party(graph, tmp_path):
    known = signed_instrument(graph)
    built = scaffold.build_event(event_request(known, tmp_path, kind="entry-into-force", party=None), graph)
    assert built.instrument_id == f"{known['id']}-entry-into-force"
    assert not list(built.graph.objects(None, CG.forParty))
    span = event_request(
        known, tmp_path, date=None, date_between=(later(known["day"]), later(known["day"], 2))
    )
    assert list(scaffold.build_event(span, graph).graph.objects(None, CG.withinInterval))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"instrument": "no-such-instrument-1999"}, "--instrument no-such-instrument-1999: no instrument"),
        ({"kind": "ratify"}, "--kind ratify: one of"),
        ({"party": None}, "--party: a ratification is made by one party"),
        ({"party": "XZ"}, "--party XZ"),
        ({"date": None}, "needs its day"),
        ({"date": "2031-02-30"}, "--date '2031-02-30' is not a date"),
        ({"text": "words"}, "--text: only a reservation or a declaration"),
        ({"kind": "reservation", "date": None}, "--text: give the words"),
        ({"kind": "designation", "date": None}, "a designation names the body"),
        ({"role": "central-authority"}, "belong to a designation"),
    ],
)
def test_bad_event_input_is_an_input_error_naming_the_option(graph, tmp_path, changes, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        scaffold.build_event(event_request(signed_instrument(graph), tmp_path, **changes), graph)


def test_a_party_that_is_not_a_party_of_the_instrument_is_refused(graph, tmp_path):
    known = signed_instrument(graph)
    parties = set(graph.objects(URIRef(known["instrument"]), CG.hasParty))
    other = next(
        (str(code) for state, code in graph.subject_objects(CG.isoAlpha2) if state not in parties), None
    )
    with pytest.raises(InputError, match="is not a party of"):
        scaffold.build_event(event_request(known, tmp_path, party=other), graph)


def run_event(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", "new", "event", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ),
    )


def test_event_command_writes_the_file_and_refuses_bad_input(graph, baseline, tmp_path):
    known = signed_instrument(graph)
    path = tmp_path / "ratification.ttl"
    arguments = [
        *("--instrument", known["id"], "--kind", "ratification", "--party", known["code"]),
        *("--date", later(known["day"]), "--source-title", "Fixture notice", "--source-kind", "primary"),
        *("--source-text", str(notice(tmp_path))),
    ]
    done = run_event(*arguments, "-o", str(path))
    assert done.returncode == 0, done.stderr
    assert f"wrote {path}" in done.stdout and "1 placeholder(s) to fill" in done.stdout
    assert fill(path) == 1
    assert_validates(path, baseline)
    again = run_event(*arguments, "-o", str(path))
    assert again.returncode == 2 and "exists" in again.stderr and "Traceback" not in again.stderr
    bad = run_event(*arguments[:-2], "--kind", "ratify", "-o", str(tmp_path / "bad.ttl"))
    assert bad.returncode == 2 and "--kind ratify" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.ttl").exists()
    missing = run_event("--kind", "ratification", "-o", str(tmp_path / "none.ttl"))
    assert missing.returncode == 2 and "missing option --instrument" in missing.stderr
