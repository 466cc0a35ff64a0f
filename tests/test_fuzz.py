"""No traceback, ever: every command answers 0, 1 or 2 with a message, within its time limit, whatever it is
given.

Three parts, each with a bounded budget (about a minute of one core in all):

- a corpus of hostile files (a literal over 16 MB, deep nesting, 20,000 prefixes, bad encodings, a byte order
  mark, an entity bomb, an external entity, terminal escapes and markup in labels, odd file names), each
  given to the commands that read files, run as real subprocesses;
- a SPARQL server on 127.0.0.1 that answers oddly (not JSON, JSON of the wrong shape, HTML, errors, a
  redirect loop, a reply slower than the timeout), asked by `coopgraph query --endpoint`;
- Hypothesis: random bytes and texts given to the readers in-process (the loaders, the query reader, the
  line finder), which must raise nothing but coopgraph's own errors.

The commands run on the frozen fixture data (``COOPGRAPH_DATA``, see ``conftest.py``).
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopgraph import load, queries, sourcemap
from coopgraph.errors import CoopgraphError

pytestmark = pytest.mark.usefixtures("fixture_data")

LIMIT = 120  # seconds a command may take on a busy 2-core machine before the test says it hangs
SLOW = 20  # seconds the odd server takes to give its slow reply
EX = "@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
LOL = '<!ENTITY lol0 "lol">' + "".join(  # 10^9 characters once expanded
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)
XML_BOMB = f'<?xml version="1.0"?><!DOCTYPE r [{LOL}]><sparql><head/><results>&lol9;</results></sparql>'
RDF_XML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/a"><ex:p>{}</ex:p></rdf:Description></rdf:RDF>'
)


def _corpus() -> dict[str, bytes]:
    """File name → content: what a careless or hostile user may hand a command."""
    utf8 = str.encode
    return {
        "huge-literal.ttl": utf8(EX + 'ex:a ex:p "' + "x" * 17_000_000 + '" .\n'),
        "deep-blank-nodes.ttl": utf8(EX + "ex:a ex:p " + "[ ex:p " * 5000 + "ex:b" + " ]" * 5000 + " .\n"),
        "deep-lists.ttl": utf8(EX + "ex:a ex:p " + "( " * 5000 + "ex:b" + " )" * 5000 + " .\n"),
        "many-prefixes.ttl": utf8(
            "".join(f"@prefix p{i}: <http://example.org/{i}/> .\n" for i in range(20_000))
            + "p1:a p2:b p3:c .\n"
        ),
        "latin-1.ttl": (EX + 'ex:a rdfs:label "café" .\n').encode("latin-1"),
        "utf-16.ttl": (EX + 'ex:a rdfs:label "x" .\n').encode("utf-16"),
        "byte-order-mark.ttl": utf8("\ufeff" + EX + 'ex:a rdfs:label "x" .\n'),
        "nul.ttl": utf8(EX + 'ex:a rdfs:label "x\x00y" .\n'),
        "lone-surrogate.nt": b'<http://example.org/a> <http://example.org/p> "\\uD800" .\n',
        "bad-iri.ttl": utf8('<http://exa mple.org/a> <http://example.org/p> "x" .\n'),
        "markup-and-escapes.ttl": utf8(
            EX + '<https://w3id.org/coopgraph/id/state/SG> rdfs:label "\x1b[31mred\x1b[0m [bold]x[/bold] '
            '<script>alert(1)</script> \u202eevil"@en .\n'
        ),
        "entity-bomb.rdf": utf8(f'<?xml version="1.0"?><!DOCTYPE r [{LOL}]>' + RDF_XML.format("&lol9;")),
        "external-entity.rdf": utf8(
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + RDF_XML.format("&x;")
        ),
        "deep.jsonld": utf8(
            '{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 3000 + "1" + "]" * 3000 + "}"
        ),
        "remote-context.jsonld": utf8(
            '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}'
        ),
        "only a comment.ttl": b"# nothing here\n",
        "name with spaces, #hash and ?mark.ttl": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "-leading-dash.ttl": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "[bold]brackets[x].ttl": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "\ufffe-noncharacter.ttl": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        os.fsdecode(b"\xff-not-utf-8.ttl"): utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "new\nline.nt": b'<http://example.org/a> <http://example.org/p> "x" .\n',
        "x" * 240 + ".ttl": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "no-extension": utf8(EX + 'ex:a rdfs:label "x"@en .\n'),
        "a-directory.ttl": b"",  # made a directory below
    }


CORPUS = _corpus()
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "validate": lambda file: ["validate", file],
    "query": lambda file: ["query", "--no-shipped", file, "--query", "SELECT * WHERE { ?s ?p ?o } LIMIT 3"],
    "fmt": lambda file: ["fmt", "--check", file],
    "check": lambda file: ["check", file],
}
#: each file with the commands worth its cost (every file is validated; the slow readers get the odd ones)
CASES = (
    [(name, "validate") for name in CORPUS]
    + [
        (name, command)
        for name in ("deep-blank-nodes.ttl", "many-prefixes.ttl", "latin-1.ttl", "markup-and-escapes.ttl")
        for command in ("query", "fmt")
    ]
    + [("huge-literal.ttl", "fmt")]  # its query: test_a_huge_literal_is_cut_in_a_table_and_whole_in_json
    + [
        (name, "check")
        for name in (
            "name with spaces, #hash and ?mark.ttl",
            "[bold]brackets[x].ttl",
            "markup-and-escapes.ttl",
        )
    ]
)


def coopgraph(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "coopgraph", *args],
            input=stdin,
            capture_output=True,
            timeout=LIMIT,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"coopgraph {' '.join(args)[:200]} took over {LIMIT} s")
    out = subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )
    out.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return out


def answered(done: subprocess.CompletedProcess[str]) -> None:
    """0 or 1 (an answer), or 2 with a message (``coopgraph: error:``, or click's ``Error:`` after the usage
    line for a malformed command line); never a traceback."""
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-2000:])
    if done.returncode == 2:
        assert "coopgraph: error: " in done.stderr or "\nError: " in done.stderr, done.stderr[-2000:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, content in CORPUS.items():
        if name == "a-directory.ttl":
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize(("name", "command"), CASES, ids=[f"{c}-{n[:40]!r}" for n, c in CASES])
def test_a_hostile_file_gets_an_answer_or_a_message(corpus: Path, name: str, command: str) -> None:
    done = coopgraph(*COMMANDS[command](f"./{name}"), cwd=corpus)
    answered(done)
    if done.returncode == 2:
        assert name.replace("\n", "") in done.stderr.replace("\n", "") or "<stdin>" not in done.stderr


def test_terminal_escapes_and_markup_in_data_are_never_obeyed(corpus: Path) -> None:
    """A label is printed as the text it is: no escape sequence reaches the terminal, no markup is read."""
    done = coopgraph(
        "query",
        "--no-shipped",
        "./markup-and-escapes.ttl",
        "--query",
        "SELECT ?l WHERE { ?s ?p ?l }",
        cwd=corpus,
    )
    answered(done)
    assert "\x1b[" not in done.stdout
    assert "[bold]x[/bold]" in done.stdout


def test_a_huge_literal_is_cut_in_a_table_and_whole_in_json(corpus: Path) -> None:
    args = ["query", "--no-shipped", "./huge-literal.ttl", "--query", "SELECT ?o WHERE { ?s ?p ?o }"]
    table, whole = coopgraph(*args, cwd=corpus), coopgraph(*args, "--format", "json", cwd=corpus)
    answered(table)
    assert len(table.stdout) < 10_000 and "more characters: --format json shows them all" in table.stdout
    assert len(whole.stdout) > 17_000_000


def test_a_file_named_on_standard_input_as_many_kinds_of_bytes(corpus: Path) -> None:
    for content in (b"", b"\xff\xfe\x00", CORPUS["deep-lists.ttl"], b"<a> <b> <c> ."):
        answered(coopgraph("validate", "-", cwd=corpus, stdin=content))


# --- odd server replies -------------------------------------------------------------------------------


REPLIES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "not-json": (200, {"Content-Type": "application/sparql-results+json"}, b"{not json"),
    "json-list": (200, {"Content-Type": "application/sparql-results+json"}, b"[]"),
    "json-wrong-shape": (
        200,
        {"Content-Type": "application/sparql-results+json"},
        b'{"head": 1, "results": 5}',
    ),
    "odd-term": (
        200,
        {"Content-Type": "application/sparql-results+json"},
        b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "weird", "value": []}}]}}',
    ),
    "deep-json": (200, {"Content-Type": "application/sparql-results+json"}, b"[" * 100_000 + b"]" * 100_000),
    "html": (200, {"Content-Type": "text/html"}, b"<html><body>It works!</body></html>"),
    "xml-bomb": (
        200,
        {"Content-Type": "application/sparql-results+xml"},
        XML_BOMB.encode(),
    ),
    "server-error": (500, {"Content-Type": "text/plain"}, b"Internal error\n" * 1000),
    "unauthorized": (401, {"WWW-Authenticate": 'Basic realm="x"'}, b"no"),
    "redirect-loop": (302, {"Location": "/redirect-loop"}, b""),
    "empty": (200, {"Content-Type": "application/sparql-results+json"}, b""),
}
ONE_IRI = (
    200,
    {"Content-Type": "application/sparql-results+json"},
    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:example:a"}}]}}',
)


class _Odd(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        name = self.path.strip("/").split("?")[0]
        asked = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if name == "slow":
            time.sleep(SLOW)
            status, headers, body = 200, {}, b""
        elif name == "labels-fail":  # the answer, then an error for the labels of its things
            status, headers, body = (500, {}, b"no") if b"prefLabel" in asked else ONE_IRI
        else:
            status, headers, body = REPLIES.get(name, (404, {}, b"no such reply"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def odd_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Odd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("reply", [*REPLIES, "slow"])
def test_an_odd_server_reply_gets_a_message(odd_server: str, tmp_path: Path, reply: str) -> None:
    done = coopgraph(
        "query",
        "--query",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
        "--endpoint",
        f"{odd_server}/{reply}",
        "--graph",
        "urn:example:g",
        "--timeout",
        "2",
        cwd=tmp_path,
    )
    answered(done)
    assert done.returncode == 2, done.stdout[:500]
    assert done.seconds < SLOW - 5  # the slow reply is cut at the 2 s timeout, not waited for


def test_an_answer_whose_labels_cannot_be_fetched_is_shown_by_its_iris(
    odd_server: str, tmp_path: Path
) -> None:
    done = coopgraph(
        "query",
        "--query",
        "SELECT ?x WHERE { ?x ?p ?o }",
        "--endpoint",
        f"{odd_server}/labels-fail",
        "--graph",
        "urn:example:g",
        cwd=tmp_path,
    )
    answered(done)
    assert done.returncode == 0 and "urn:example:a" in done.stdout
    assert "showing IRIs, as the labels could not be fetched" in done.stderr


# --- random input to the readers, in-process -----------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TURTLE_BITS = st.sampled_from(
    [
        "@prefix ex: <http://example.org/> .",
        "ex:a",
        "ex:p",
        "<http://example.org/x>",
        '"x"',
        '"""y"""',
        "@en",
        "^^",
        "<http://www.w3.org/2001/XMLSchema#date>",
        "[",
        "]",
        "(",
        ")",
        ";",
        ",",
        ".",
        "_:b",
        "1",
        "1.5e3",
        "true",
        "#",
        "\n",
        " ",
        "\\",
        "\x00",
        "\ufeff",
        "PREFIX",
        "BASE",
        "<>",
        "'",
        '"2025-13-40"',
    ]
)
turtle_like = st.lists(TURTLE_BITS, max_size=40).map(" ".join)
raw = st.one_of(st.binary(max_size=300), turtle_like.map(str.encode), st.text(max_size=200).map(str.encode))


@FUZZ
@given(content=raw, suffix=st.sampled_from(sorted(load.FORMATS)))
def test_the_loaders_raise_only_coopgraph_errors(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(content)
    for read in (lambda: load.load_store([path]), lambda: load.parse_file(path)):
        try:
            read()
        except CoopgraphError as error:
            assert str(error)


SPARQL_BITS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "*",
        "?s",
        "?p",
        "?o",
        "WHERE",
        "{",
        "}",
        "(",
        ")",
        ".",
        "FILTER",
        "OPTIONAL",
        "UNION",
        "VALUES",
        "BIND",
        "AS",
        "PREFIX ex: <http://example.org/>",
        "ex:a",
        "<urn:a>",
        '"x"',
        "LIMIT 1",
        "SERVICE <http://127.0.0.1:9/>",
        "GRAPH",
        "#",
        "\n",
        "# Parameters:",
        "#   ?s iri required x",
    ]
)


@FUZZ
@given(text=st.one_of(st.lists(SPARQL_BITS, max_size=30).map(" ".join), st.text(max_size=200)))
def test_the_query_reader_raises_only_coopgraph_errors(text: str) -> None:
    try:
        queries.from_text(text, "--query")
    except CoopgraphError as error:
        assert str(error)


@FUZZ
@given(text=st.one_of(turtle_like, st.text(max_size=300)))
def test_the_line_finder_reads_anything(text: str) -> None:
    lines = sourcemap.statement_lines(text, "http://example.org/base")
    assert all(isinstance(line, int) and line >= 1 for line in lines.subjects.values())
