"""`coopgraph query`, run as a real command in a subprocess: every form, its outputs and its exit codes.

The commands run on the frozen fixture data (``COOPGRAPH_DATA``, see ``conftest.py``), so that a new
agreement in ``data/`` changes none of their answers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from commands import coopgraph, failed

from coopgraph import queries, resources
from coopgraph.stores import RemoteStore, load

QUERIES = resources.directory("queries")
EXPECTED = Path(__file__).parent / "fixtures" / "graph" / "expected"
AGREEMENT = Path(__file__).parent / "shapes" / "adding_an_agreement_PASS.ttl"  # Exampleland (XA)–Sampleland
ID = "https://w3id.org/coopgraph/id/"

pytestmark = pytest.mark.usefixtures("fixture_data")


def expected(name: str) -> dict:
    """The answer on the fixture data (``tests/fixtures/graph/expected/NAME.srj``)."""
    return json.loads((EXPECTED / f"{name}.srj").read_text(encoding="utf-8"))


def example_args(name: str) -> list[str]:
    args = []
    for key, value in queries.get(name).examples().items():
        args += ["--param", f"{key}={value}"]
    return args


# --- help and listing ---------------------------------------------------------------------------------------


def test_help() -> None:
    done = coopgraph("query", "--help")
    assert done.returncode == 0
    for option in ("--list", "--file", "--param", "--format", "--endpoint", "--timeout"):
        assert option in done.stdout
    assert "[NAME] [FILES]..." in done.stdout.splitlines()[0]


def test_query_is_listed_in_the_main_help() -> None:
    done = coopgraph("--help")
    assert done.returncode == 0 and "query" in done.stdout


def test_list_json_has_the_documented_schema() -> None:
    done = coopgraph("query", "--list", "--format", "json")
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert [entry["name"] for entry in listing] == sorted(p.stem for p in QUERIES.glob("*.rq"))
    for entry in listing:
        assert list(entry) == ["name", "title", "question", "parameters"]
        assert all(isinstance(entry[key], str) and entry[key] for key in ("name", "title", "question"))
        for parameter in entry["parameters"]:
            assert list(parameter) == ["name", "type", "required", "example"]
            assert isinstance(parameter["required"], bool)
            assert parameter["type"] in queries.TYPES
            assert isinstance(parameter["example"], str) and parameter["example"]
    sixth = next(entry for entry in listing if entry["name"] == "first-of-its-kind-in-region")
    assert sixth["parameters"][0] == {
        "name": "state",
        "type": "state-code",
        "required": True,
        "example": "SG",
    }


def test_list_table_names_every_query() -> None:
    done = coopgraph("query", "--list")
    assert done.returncode == 0
    for path in QUERIES.glob("*.rq"):
        assert f"{path.stem}:" in done.stdout
    assert "--param state=" in done.stdout


# --- canned queries by name ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["instruments-between-states", "first-of-its-kind-in-region", "evidence", "graph-summary"]
)
def test_json_output_is_the_expected_results(name: str) -> None:
    done = coopgraph("query", name, *example_args(name), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected(name)


def test_first_with_a_central_asian_state() -> None:
    params = ["-p", "state=SG", "-p", "region=143", "-p", "designation=treaty"]
    done = coopgraph("query", "first-of-its-kind-in-region", *params, "--format", "json")
    assert done.returncode == 0, done.stderr
    first, later = json.loads(done.stdout)["results"]["bindings"]
    assert first["instrument"]["value"] == ID + "instrument/sg-kz-mla-2025"
    assert first["first"] == {
        "type": "literal",
        "value": "true",
        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
    }
    assert (later["instrument"]["value"], later["first"]["value"]) == (
        ID + "instrument/sg-xc-mla-2026",
        "false",
    )


def test_csv_output() -> None:
    done = coopgraph("query", "timeline", "--param", "state=sg", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("year,instrument,partners,designations,signedOn,notBefore,notAfter\r\n")
    table = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert [row["instrument"] for row in table] == [
        ID + "instrument/sg-xc-assistance-2004",
        ID + "instrument/kh-sg-mou-2025",
        ID + "instrument/sg-kz-mla-2025",
        ID + "instrument/sg-xc-mla-2026",
    ]
    assert table[2]["designations"] == f"{ID}designation/agreement {ID}designation/treaty"
    assert table[1]["signedOn"] == "" and table[1]["notBefore"] == "2025-07-07"


def test_tsv_output() -> None:
    done = coopgraph("query", "signatories", "--param", "instrument=sg-kz-mla-2025", "--format", "tsv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    assert lines[0].split("\t")[:2] == ["?instrumentLabel", "?signatory"]  # ?instrument is the parameter
    assert len(lines) == 4
    assert all(line.split("\t")[0].startswith('"Singapore–Kazakhstan Treaty') for line in lines[1:])
    assert '"Edwin Tong"@en' in done.stdout and '"SC"' in done.stdout


def test_table_output() -> None:
    done = coopgraph("query", "legal-status")
    assert done.returncode == 0, done.stderr
    assert "binding" in done.stdout and "not stated" in done.stdout and "cgid:" not in done.stdout
    assert done.stdout.rstrip().endswith("4 rows")
    iris = coopgraph("query", "legal-status", "--iris")
    assert "cgid:legal-status/binding" in iris.stdout and "cgid:legal-status/not-stated" in iris.stdout


def test_no_rows_is_still_an_answer() -> None:
    done = coopgraph("query", "partners-with-several-instruments", "--param", "state=KZ")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 rows")


# --- the user's own query file ------------------------------------------------------------------------------


def test_file_with_parameters(tmp_path: Path) -> None:
    path = tmp_path / "parties.rq"
    path.write_text(
        "# Title: Parties of an instrument\n"
        "# Parameters:\n"
        "#   ?instrument  instrument  required  sg-kz-mla-2025  the instrument\n"
        "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n"
        "SELECT ?instrument ?party WHERE { ?instrument cg:hasParty ?party } ORDER BY ?party\n",
        encoding="utf-8",
    )
    done = coopgraph("query", "--file", str(path), "--param", "instrument=kh-sg-mou-2025", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\r\n")[:3] == ["party", f"{ID}state/KH", f"{ID}state/SG"]
    failed(coopgraph("query", "--file", str(path)), "needs instrument")


def test_ask_file(tmp_path: Path) -> None:
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s a <https://w3id.org/coopgraph/ontology#Visit> }\n", encoding="utf-8")
    done = coopgraph("query", "--file", str(path), "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o", "not a SPARQL query"),
        ("DROP ALL", "not a SPARQL query"),
        ("CLEAR DEFAULT", "not a SPARQL query"),
        (
            "# Parameters:\n#   ?s colour required red x\nSELECT ?s WHERE { ?s ?p ?o }",
            "unknown parameter type",
        ),
    ],
)
def test_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(content, encoding="utf-8")
    failed(coopgraph("query", "--file", str(path)), str(path), message)


def test_missing_file(tmp_path: Path) -> None:
    failed(coopgraph("query", "--file", str(tmp_path / "none.rq")), "none.rq", "no such file")


def test_directory_as_file(tmp_path: Path) -> None:
    failed(coopgraph("query", "--file", str(tmp_path)), "cannot read")


# --- data files added to the graph --------------------------------------------------------------------------


def instruments(done: subprocess.CompletedProcess[str]) -> set[str]:
    assert done.returncode == 0, done.stderr
    return {row["instrument"]["value"] for row in json.loads(done.stdout)["results"]["bindings"]}


def test_a_new_file_is_queried_before_it_is_copied_into_data() -> None:
    """`coopgraph query NAME FILE`: the file joins the graph, as `validate FILE` adds it; the graph alone
    does not know its states."""
    new = ID + "instrument/xa-xb-mla-2025"
    args = ["-p", "state=XA", "--format", "json"]
    assert instruments(coopgraph("query", "instruments-between-states", str(AGREEMENT), *args)) == {new}
    assert instruments(coopgraph("query", str(AGREEMENT), "instruments-between-states", *args)) == {new}
    failed(coopgraph("query", "instruments-between-states", *args), "no state XA")


def test_files_and_the_graph_are_queried_together(tmp_path: Path) -> None:
    """The file's instrument points at states already in the graph (Singapore) and is found with them."""
    linked = tmp_path / "sg-xa.ttl"
    linked.write_text(AGREEMENT.read_text(encoding="utf-8").replace("state:XB", "state:SG"), encoding="utf-8")
    every = instruments(
        coopgraph("query", "instruments-between-states", str(linked), "-p", "state=SG", "--format", "json")
    )
    assert ID + "instrument/xa-xb-mla-2025" in every and ID + "instrument/sg-kz-mla-2025" in every


def test_a_relative_file_and_several_files(tmp_path: Path) -> None:
    (tmp_path / "agreement.ttl").write_bytes(AGREEMENT.read_bytes())
    (tmp_path / "more.ttl").write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        '<https://w3id.org/coopgraph/id/state/XA> rdfs:comment "a second file"@en .\n',
        encoding="utf-8",
    )
    done = coopgraph("query", "states", "agreement.ttl", "more.ttl", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"XA,{ID}state/XA,Exampleland" in done.stdout


def test_a_file_with_an_own_query(tmp_path: Path) -> None:
    path = tmp_path / "parties.rq"
    path.write_text(
        "# Parameters:\n#   ?instrument  instrument  required  sg-kz-mla-2025  the instrument\n"
        "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n"
        "SELECT ?instrument ?party WHERE { ?instrument cg:hasParty ?party } ORDER BY ?party\n",
        encoding="utf-8",
    )
    done = coopgraph(
        "query", "--file", str(path), str(AGREEMENT), "-p", "instrument=xa-xb-mla-2025", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\r\n")[:3] == ["party", f"{ID}state/XA", f"{ID}state/XB"]


def test_a_malformed_file_exits_2_naming_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    failed(coopgraph("query", "states", str(bad)), "coopgraph: error:", f"{bad}:2:")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.ttl", None, "no such file"),
        (
            "dates.ttl",
            'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n<urn:a> <urn:b> "2025-13-40"^^xsd:date .\n',
            "ill-typed literal",
        ),
        ("data.csv", "a,b\n", "unsupported file type"),
    ],
)
def test_files_that_cannot_be_loaded_exit_2(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    failed(coopgraph("query", "states", str(path)), str(path), message)


# --- which tree ---------------------------------------------------------------------------------------------


def without_coopgraph_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("COOPGRAPH_ROOT", "COOPGRAPH_DATA")}


def test_the_tree_is_named_on_stderr_for_people_only(tmp_path: Path) -> None:
    """Outside a checkout the table says, on stderr, which tree answered; json, csv and tsv say nothing."""
    env = without_coopgraph_variables()
    table = coopgraph("query", "states", cwd=tmp_path, env=env)
    assert table.returncode == 0, table.stderr
    (line,) = table.stderr.splitlines()
    assert (
        line.startswith("coopgraph: used ") and "no coopgraph checkout" in line and "COOPGRAPH_ROOT" in line
    )
    for output_format in ("json", "csv", "tsv"):
        done = coopgraph("query", "states", "--format", output_format, cwd=tmp_path, env=env)
        assert done.returncode == 0 and done.stderr == "", done.stderr


def test_inside_the_checkout_nothing_is_said(tmp_path: Path) -> None:
    done = coopgraph("query", "states", cwd=resources.root(), env=without_coopgraph_variables())
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_fixture_data_is_named_when_it_is_used() -> None:
    done = coopgraph("query", "states")
    assert done.returncode == 0, done.stderr
    assert "COOPGRAPH_DATA=" in done.stderr and "fixtures" in done.stderr


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["instrument-between-states"], ["unknown query", "instruments-between-states"]),
        (["instruments-between-states"], ["needs state", "--param state=SG"]),
        (["instruments-between-states", "-p", "state=XYZ"], ["ISO 3166-1 alpha-2"]),
        (["instruments-between-states", "-p", "state=FR"], ["no state FR", "KH, KZ, SG, XC"]),
        (["instruments-between-states", "-p", "stateSG"], ["not KEY=VALUE"]),
        (["instruments-between-states", "-p", "=SG"], ["not KEY=VALUE"]),
        (["instruments-between-states", "-p", "state=SG", "-p", "state=KZ"], ["given twice"]),
        (["instruments-between-states", "-p", "state=SG", "-p", "colour=red"], ["no parameter 'colour'"]),
        (["instruments-signed-between", "-p", "from=2025-02-30"], ["no such day"]),
        (["partners-with-several-instruments", "-p", "state=SG", "-p", "minimum=two"], ["integer"]),
        ([], ["give a query NAME"]),
        (["timeline", "--file", "x.rq"], ["give a query NAME"]),
        (["--list", "timeline"], ["--list takes no"]),
        (["--list", str(AGREEMENT)], ["--list takes no"]),
        (["timeline", "states", "-p", "state=SG"], ["give one query NAME", "timeline, states"]),
        (["timeline", "mine.rq", "-p", "state=SG"], ["mine.rq is a query", "--file mine.rq"]),
        (["timeline", "-p", "state=SG", "--all-graphs"], ["--all-graphs", "give its --endpoint"]),
        (["timeline", "-p", "state=SG", "--graph", "https://example.org/g"], ["give its --endpoint"]),
        (
            [
                "timeline",
                str(AGREEMENT),
                "-p",
                "state=SG",
                "--endpoint",
                "http://127.0.0.1:9/q",
                "--all-graphs",
            ],
            ["give FILES, --all-graphs or --graph"],
        ),
        (["--list", "--format", "csv"], ["table or json"]),
    ],
)
def test_bad_input_exits_2(args: list[str], words: list[str]) -> None:
    failed(coopgraph("query", *args), "coopgraph: error:", *words)


def test_unknown_format_exits_2() -> None:
    done = coopgraph("query", "timeline", "-p", "state=SG", "--format", "xml")
    assert done.returncode == 2 and "xml" in done.stderr


@pytest.mark.parametrize("value", [">", '"', "}", "S\nG", "} ; DROP ALL", "<script>", "SG>"])
def test_hostile_codes_are_refused(value: str) -> None:
    failed(coopgraph("query", "instruments-between-states", "--param", f"state={value}"), "parameter state")


@pytest.mark.parametrize("value", ["} ; DROP ALL", "<http://evil/> }", "a\nb", '"'])
def test_hostile_iris_are_refused(value: str) -> None:
    failed(coopgraph("query", "evidence", "--param", f"subject=https://example.org/{value}"), "absolute IRI")


@pytest.mark.parametrize("value", ["} ; DROP ALL", '"} . ?s ?p ?o . #', "<script>", "x\n}"])
def test_hostile_text_stays_a_value(value: str) -> None:
    done = coopgraph("query", "search", "--param", f"text={value}", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"] == []
    after = coopgraph("query", "graph-summary", "--format", "json")
    assert json.loads(after.stdout) == expected("graph-summary")


# --- remote endpoints ---------------------------------------------------------------------------------------


def test_unreachable_endpoint_exits_2() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = coopgraph(
        "query", "graph-summary", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "5"
    )
    failed(done, f"127.0.0.1:{port}", "refused")


def test_bad_timeout_exits_2() -> None:
    done = coopgraph("query", "graph-summary", "--endpoint", "http://127.0.0.1:1/query", "--timeout", "0")
    assert done.returncode == 2 and "timeout" in done.stderr.lower()


@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 holding the fixture graph, one named graph a file."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the oxigraph server binary (PyPI package oxigraph, test extra) is missing")
        pytest.skip("the oxigraph server binary is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path_factory.mktemp("oxigraph")
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [str(binary), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail(f"oxigraph did not start: {(folder / 'server.log').read_text()}")
        load(
            RemoteStore(f"{base}/query", update_endpoint=f"{base}/update", gsp_endpoint=f"{base}/store"),
            validate=False,
        )
        yield f"{base}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.integration
@pytest.mark.parametrize("name", ["first-of-its-kind-in-region", "signatories", "timeline"])
def test_endpoint_gives_the_expected_results(oxigraph_endpoint: str, name: str) -> None:
    done = coopgraph("query", name, *example_args(name), "--format", "json", "--endpoint", oxigraph_endpoint)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    want = expected(name)
    assert answer["head"] == want["head"]
    key = lambda row: json.dumps(row, sort_keys=True)  # noqa: E731
    if re.search(r"\bORDER\s+BY\b", queries.get(name).text):
        assert answer["results"]["bindings"] == want["results"]["bindings"]
    else:
        assert sorted(map(key, answer["results"]["bindings"])) == sorted(
            map(key, want["results"]["bindings"])
        )


@pytest.mark.integration
def test_endpoint_checks_values_against_its_graph(oxigraph_endpoint: str) -> None:
    done = coopgraph("query", "timeline", "-p", "state=FR", "--endpoint", oxigraph_endpoint)
    failed(done, "no state FR", "KH, KZ, SG, XC")
    done = coopgraph(
        "query", "search", "-p", "text=} ; DROP ALL", "--endpoint", oxigraph_endpoint, "--format", "csv"
    )
    assert done.returncode == 0 and done.stdout == "thing,kind,name,nameProperty\r\n"


# --- answers a person reads ---------------------------------------------------------------------------------


def with_env(**variables: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update(variables)
    return env


def on_a_terminal(*args: str, **variables: str) -> tuple[int, str, str]:
    """Run ``python -m coopgraph ARGS`` with its standard output on a pseudo-terminal (as a person's shell
    gives it): its exit code, what it wrote on the terminal, and its stderr."""
    import pty

    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "coopgraph", *args],
            stdout=slave,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=with_env(TERM="xterm", **variables),
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        stderr = process.stderr.read().decode() if process.stderr else ""
        process.wait(timeout=300)
    finally:
        os.close(master)
    return process.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), stderr


def test_an_instrument_with_two_designations_is_one_row() -> None:
    """Singapore–Kazakhstan is both an agreement and a treaty: one row, both designations in one cell."""
    done = coopgraph("query", "instruments-between-states", "-p", "state=SG", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["results"]["bindings"]
    instruments = [row["instrument"]["value"] for row in found]
    assert sorted(instruments) == sorted(set(instruments)) and len(instruments) == 4
    (kz,) = [row for row in found if row["instrument"]["value"].endswith("sg-kz-mla-2025")]
    assert kz["designations"]["value"] == f"{ID}designation/agreement {ID}designation/treaty"
    table = coopgraph("query", "instruments-between-states", "-p", "state=SG", env=with_env(COLUMNS="400"))
    assert table.stdout.count("Singapore–Kazakhstan Treaty") == 1 and "agreement; treaty" in table.stdout


def test_no_column_echoes_a_parameter() -> None:
    params = ["-p", "state=SG", "-p", "region=143", "-p", "designation=treaty"]
    done = coopgraph("query", "first-of-its-kind-in-region", *params, "--format", "json")
    assert done.returncode == 0, done.stderr
    columns = json.loads(done.stdout)["head"]["vars"]
    assert "instrument" in columns and not {"state", "region", "designation"} & set(columns)
    table = coopgraph("query", "timeline", "-p", "state=SG", "--iris", env=with_env(COLUMNS="400"))
    assert table.returncode == 0, table.stderr
    assert table.stdout.split()[:2] == ["year", "instrument"] and "cgid:state/SG" not in table.stdout


def test_a_wide_terminal_gets_columns() -> None:
    done = coopgraph("query", "instruments-between-states", "-p", "state=SG", env=with_env(COLUMNS="400"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["instrument", "designations", "partners"] and "── row" not in done.stdout
    assert len(lines) == 7 and max(map(len, lines)) <= 400  # header, rule, four rows, count


LABELS_QUERY = (
    "PREFIX cg: <https://w3id.org/coopgraph/ontology#>\n"
    "SELECT ?instrument ?kind WHERE { ?instrument a ?kind . VALUES ?kind { cg:BilateralInstrument } }\n"
    "ORDER BY ?instrument"
)


def test_a_narrow_terminal_wraps_the_words_in_their_columns() -> None:
    done = coopgraph("query", "--query", LABELS_QUERY, env=with_env(COLUMNS="40"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["instrument", "kind"] and "── row" not in done.stdout
    assert max(map(len, lines)) <= 40 and len(lines) > 8
    assert "Singapore–Kazakhstan" in done.stdout and "Assistance in" in done.stdout  # whole words


def test_a_very_narrow_terminal_gets_a_block_per_row() -> None:
    done = coopgraph("query", "timeline", "-p", "state=SG", env=with_env(COLUMNS="30"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("── row 1") and "── row 4" in done.stdout
    assert max(map(len, done.stdout.splitlines())) <= 30
    assert done.stdout.rstrip().endswith("4 rows")


MARKUP_STATE = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
<https://w3id.org/coopgraph/id/state/XM> a cg:State ; rdfs:label "[bold]x[/bold] :smile:"@en ;
    cg:isoAlpha2 "XM" .
"""


@pytest.mark.parametrize("columns", ["400", "24"])
def test_data_is_never_read_as_markup(tmp_path: Path, columns: str) -> None:
    path = tmp_path / "markup.ttl"
    path.write_text(MARKUP_STATE, encoding="utf-8")
    done = coopgraph("query", "states", str(path), "-p", "state=XM", env=with_env(COLUMNS=columns))
    assert done.returncode == 0, done.stderr
    assert "[bold]x[/bold]" in done.stdout and ":smile:" in done.stdout
    code, shown, stderr = on_a_terminal("query", "states", str(path), "-p", "state=XM", COLUMNS=columns)
    assert code == 0, stderr
    assert "[bold]x[/bold]" in shown and ":smile:" in shown


def test_colours_only_on_a_terminal_and_never_with_no_color() -> None:
    args = ("query", "timeline", "-p", "state=SG")
    code, shown, stderr = on_a_terminal(*args, COLUMNS="400")
    assert code == 0, stderr
    assert "\x1b[" in shown and "Kazakhstan" in shown
    code, plain, stderr = on_a_terminal(*args, COLUMNS="400", NO_COLOR="1")
    assert code == 0, stderr
    assert "\x1b" not in plain and "Kazakhstan" in plain
    piped = coopgraph(*args, env=with_env(COLUMNS="400"))
    assert piped.returncode == 0 and "\x1b" not in piped.stdout + piped.stderr


def test_labels_are_shown_and_iris_on_request() -> None:
    labelled = coopgraph("query", "timeline", "-p", "state=SG", env=with_env(COLUMNS="400"))
    assert labelled.returncode == 0, labelled.stderr
    assert "Kazakhstan" in labelled.stdout and "Singapore–Kazakhstan Treaty" in labelled.stdout
    assert "cgid:" not in labelled.stdout
    iris = coopgraph("query", "timeline", "-p", "state=SG", "--iris", env=with_env(COLUMNS="400"))
    assert iris.returncode == 0, iris.stderr
    assert "cgid:state/KZ" in iris.stdout and "cgid:instrument/sg-kz-mla-2025" in iris.stdout
    assert "cgid:designation/agreement cgid:designation/treaty" in iris.stdout
    assert "Kazakhstan" not in iris.stdout
    as_json = coopgraph("query", "timeline", "-p", "state=SG", "--format", "json")
    assert json.loads(as_json.stdout) == expected("timeline")  # the machine formats keep the IRIs


@pytest.mark.parametrize("state", ["cgid:state/SG", f"<{ID}state/SG>", f"{ID}state/SG", "SG"])
def test_what_a_table_shows_is_taken_back_as_a_parameter(state: str) -> None:
    done = coopgraph("query", "instruments-between-states", "-p", f"state={state}", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected("instruments-between-states")


def test_a_short_form_from_the_table_runs_the_next_query() -> None:
    shown = coopgraph("query", "timeline", "-p", "state=SG", "--iris", env=with_env(COLUMNS="400"))
    (instrument,) = re.findall(r"cgid:instrument/sg-kz-\S+", shown.stdout)
    done = coopgraph("query", "signatories", "-p", f"instrument={instrument}", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"]
    partner = coopgraph(
        "query", "instruments-between-states", "-p", "state=SG", "-p", "partner=cgid:state/KZ"
    )
    assert partner.returncode == 0 and "Singapore–Kazakhstan" in partner.stdout


def test_quiet_prints_the_answer_alone() -> None:
    normal = coopgraph("query", "timeline", "-p", "state=SG", env=with_env(COLUMNS="400"))
    assert normal.stdout.rstrip().endswith("4 rows") and "COOPGRAPH_DATA=" in normal.stderr
    quiet = coopgraph("query", "timeline", "-p", "state=SG", "--quiet", env=with_env(COLUMNS="400"))
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "rows" not in quiet.stdout and quiet.stdout.splitlines() == normal.stdout.splitlines()[:-1]
    none = coopgraph("query", "partners-with-several-instruments", "-p", "state=KZ", "-q")
    assert none.returncode == 0 and none.stdout == "" and none.stderr == ""


def test_verbose_says_which_query_store_and_how_long() -> None:
    done = coopgraph("query", "timeline", "-p", "state=SG", "--verbose", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("year,instrument")
    assert f"query timeline ({QUERIES / 'timeline.rq'})" in done.stderr
    assert "the embedded store" in done.stderr and "fixtures" in done.stderr
    assert re.search(r"answered in \d+\.\d+ s, 4 rows", done.stderr)
    table = coopgraph("query", "timeline", "-p", "state=SG", "-v")
    assert re.search(r"labels of \d+ of \d+ things", table.stderr)
    failed(coopgraph("query", "timeline", "-p", "state=SG", "-q", "-v"), "--quiet or --verbose")
