"""The canned queries: one SPARQL 1.1 file a question, its header, its parameters bound safely as RDF terms.

Every file in ``queries/`` starts with a comment header that says what it answers and which parameters it
takes::

    # Title: Instruments a state has signed, by partner
    # Question: Which instruments has a state signed with another — designation, date, occasion, place if
    #   known?
    # Parameters:
    #   ?state    state-code  required  SG   the state whose instruments are listed
    #   ?partner  state-code  optional  KZ   the other party; every partner when not given

A parameter is a variable of the query. Its value is checked against its type (:data:`TYPES`), turned into an
RDF term and handed to the store as a binding — pyoxigraph substitutions in the embedded store, a ``VALUES``
block of N-Triples terms for a remote one — so a value can never become query text. A parameter left out
stays an unbound variable: each canned query is written so that this means "any".

Rules the canned queries follow so that the three ways of binding agree (checked by the tests): a parameter
is in scope in the main WHERE group, or in the sub-select that is the whole WHERE group (where a remote
``VALUES`` block is put; pyoxigraph substitutes a projected parameter, the embedded store binds the others by
the same ``VALUES`` block), and never under ``BOUND()`` (whose value pyoxigraph does not change when it
substitutes). Each is ``SELECT DISTINCT`` or aggregates ``DISTINCT`` values, so that a triple stated in
several named graphs counts once even on a store whose default graph is their union as a bag.
``queries/README.md`` lists these rules and those that keep Virtuoso's answers right.

The answer leaves out the column of each parameter given a value (:func:`run`): it would hold that value in
every row. For people, :func:`present` shows the answer as a table with the labels of the things in it.
"""

from __future__ import annotations

import datetime
import difflib
import json
import logging
import re
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from coopgraph import resources, vocab
from coopgraph.errors import InputError, StoreError
from coopgraph.stores import Store, strip_comments
from coopgraph.stores.sparql import has_service, parsed_form

ID = "https://w3id.org/coopgraph/id/"
LOG = logging.getLogger(__name__)


class QueryError(InputError):
    """A query cannot be run as asked: unknown name, bad parameter value, unreadable or malformed file."""


# --- parameter types ----------------------------------------------------------------------------------------

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')


def _absolute_iri(value: str) -> URIRef:
    if not _SCHEME.match(value):
        raise ValueError("it has no scheme such as https:")
    if _NOT_IN_IRI.search(value):
        raise ValueError('an IRI holds no space, control character or any of < > " { } | ^ ` \\')
    return URIRef(value)


def _date(value: str) -> Literal:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("no such day in the calendar") from None
    return Literal(value, datatype=XSD.date)


def _integer(value: str) -> Literal:
    if not re.fullmatch(r"[+-]?\d{1,18}", value):
        raise ValueError("")
    return Literal(int(value), datatype=XSD.integer)


def _text(value: str) -> Literal:
    if not value:
        raise ValueError("it is empty")
    return Literal(value)


@dataclass(frozen=True)
class ParameterType:
    """A kind of parameter value: how it is written on the command line and which RDF term it becomes.

    Types with an ``id_kind`` name things of the graph: a value is the slug (or code) of such a thing,
    e.g. ``SG`` → ``https://w3id.org/coopgraph/id/state/SG``, its short form ``cgid:state/SG`` or its full
    IRI; :func:`run` checks that the graph holds it.
    """

    name: str
    description: str
    convert: Callable[[str], Identifier] | None = None
    id_kind: str | None = None
    code: re.Pattern[str] = _SLUG
    normalise: Callable[[str], str] = str

    def to_term(self, value: str) -> Identifier:
        """The RDF term for a raw value; ``ValueError`` saying why a value is not one of this type.

        A thing of the graph may also be given as the table shows it with ``--iris``: its short form
        (``cgid:state/SG``, :func:`coopgraph.vocab.expand`), or its full IRI."""
        if self.id_kind is not None or self.convert is _absolute_iri:
            expanded = vocab.expand(value.strip())
            if expanded is not None:
                return _absolute_iri(expanded)
        if self.convert is not None:
            return self.convert(value)
        if ":" in value:
            return _absolute_iri(value)
        code = self.normalise(value.strip())
        if not self.code.fullmatch(code):
            raise ValueError("")
        return URIRef(f"{ID}{self.id_kind}/{code}")


def _thing(name: str, description: str, kind: str) -> ParameterType:
    return ParameterType(name, description, id_kind=kind)


TYPES: dict[str, ParameterType] = {
    t.name: t
    for t in (
        ParameterType(
            "state-code",
            "an ISO 3166-1 alpha-2 code of a state (two letters, e.g. SG)",
            id_kind="state",
            code=re.compile(r"[A-Z]{2}"),
            normalise=str.upper,
        ),
        ParameterType(
            "m49-code",
            "a UN M49 code of a region or sub-region (three digits, e.g. 143 for Central Asia)",
            id_kind="m49",
            code=re.compile(r"\d{3}"),
            normalise=lambda v: v.zfill(3) if v.isdigit() else v,
        ),
        _thing("instrument", "an instrument's slug (e.g. sg-kz-mla-2025) or IRI", "instrument"),
        _thing(
            "designation", "a designation (agreement, treaty, memorandum-of-understanding)", "designation"
        ),
        _thing("legal-status", "a legal status (binding, non-binding, not-stated)", "legal-status"),
        _thing("crime-type", "a crime type's slug (e.g. money-laundering)", "crime-type"),
        _thing(
            "cooperation-form",
            "a form of cooperation's slug (e.g. extradition, asset-recovery-and-confiscation)",
            "cooperation-form",
        ),
        _thing(
            "assistance-form",
            "a slug of the deprecated form of assistance scheme (e.g. obtaining-information-and-evidence)",
            "assistance-form",
        ),
        _thing("organisation", "an organisation's slug (e.g. asean)", "organisation"),
        _thing("event", "an event's slug (e.g. kh-sg-visit-2025-07) or IRI", "event"),
        _thing("person", "a person's slug (e.g. edwin-tong) or IRI", "person"),
        ParameterType(
            "iri",
            "an absolute IRI or its short form (e.g. https://w3id.org/coopgraph/id/state/SG, cgid:state/SG)",
            _absolute_iri,
        ),
        ParameterType("date", "a date as xsd:date (YYYY-MM-DD)", _date),
        ParameterType("integer", "an integer", _integer),
        ParameterType("text", "free text", _text),
    )
}


# --- queries and their headers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A parameter of a canned query: a variable of the query (``name`` without ``?``) and its type."""

    name: str
    type: str
    required: bool
    example: str
    description: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "required": self.required, "example": self.example}


@dataclass(frozen=True)
class CannedQuery:
    """A query file: its name (the file name without ``.rq``), header metadata and SPARQL text."""

    name: str
    title: str
    question: str
    parameters: list[Parameter] = field(default_factory=list)
    text: str = ""
    path: Path | None = None
    notes: str = ""

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the query's form, read past its prologue."""
        found = _FORM.match(strip_comments(self.text))
        return found["form"].upper() if found else "SELECT"

    def to_json(self) -> dict:
        """The listing entry: ``{"name", "title", "question", "parameters": [...]}``."""
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "parameters": [p.to_json() for p in self.parameters],
        }

    def examples(self, *, optional: bool = False) -> dict[str, str]:
        """The example value of each required parameter (and of the optional ones too, if asked)."""
        return {p.name: p.example for p in self.parameters if p.required or optional}


_FORM = re.compile(
    r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?P<form>SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.I,
)
_HEADER_KEY = re.compile(r"# ([A-Za-z]+):\s*(.*)")
_PARAMETER = re.compile(
    r"\?(?P<name>[A-Za-z_]\w*)\s+(?P<type>[a-z][a-z0-9-]*)\s+(?P<required>required|optional)"
    r"\s+(?P<example>\S+)(?:\s+(?P<description>.*))?$"
)


def _parameter(line: str, where: str) -> Parameter:
    found = _PARAMETER.fullmatch(line)
    if not found:
        raise QueryError(f"{where}: a parameter line is '?name type required|optional example description'")
    if found["type"] not in TYPES:
        raise QueryError(f"{where}: unknown parameter type {found['type']!r}; known: {', '.join(TYPES)}")
    try:
        TYPES[found["type"]].to_term(found["example"])
    except ValueError as error:
        detail = f" ({error})" if str(error) else ""
        raise QueryError(
            f"{where}: example {found['example']!r} is not of type {found['type']}{detail}"
        ) from None
    return Parameter(
        found["name"],
        found["type"],
        found["required"] == "required",
        found["example"],
        found["description"] or "",
    )


def parse_text(text: str, name: str, path: Path | None = None) -> CannedQuery:
    """Read the header of a query text and check its parameters; :class:`QueryError` if it is malformed.

    The header is the block of ``#`` lines at the top: ``Title:``, ``Question:``, ``Parameters:`` (one
    ``?name type required|optional example description`` line each, or ``none``) and ``Notes:``; a line
    indented after ``#`` continues the one before. A file without a header is a query without parameters.
    """
    where = str(path) if path is not None else name
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    key = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line.startswith("#"):
            break
        match = _HEADER_KEY.fullmatch(line)
        body = line[1:].strip()
        if match:
            key = match.group(1).lower()
            fields[key] = match.group(2).strip()
            if key == "parameters" and fields[key] not in ("", "none"):
                raise QueryError(f"{where}:{number}: list the parameters on the lines after 'Parameters:'")
        elif key == "parameters" and body.startswith("?"):
            parameters.append(_parameter(body, f"{where}:{number}"))
        elif key == "parameters" and parameters and body:
            last = parameters[-1]
            parameters[-1] = Parameter(
                last.name, last.type, last.required, last.example, f"{last.description} {body}".strip()
            )
        elif key is not None and key != "parameters" and body:
            fields[key] = f"{fields[key]} {body}".strip()
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise QueryError(f"{where}: parameter ?{duplicates[0]} is declared twice")
    try:
        sparql = strip_comments(text)
    except ValueError as error:  # a string or IRI left open
        raise QueryError(f"{where}: not a SPARQL query: {error}") from None
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.name}\b", sparql):
            raise QueryError(
                f"{where}: parameter ?{parameter.name} is declared but the query does not use it"
            )
    return CannedQuery(
        name=name,
        title=fields.get("title") or name,
        question=fields.get("question", ""),
        parameters=parameters,
        text=text,
        path=path,
        notes=fields.get("notes", ""),
    )


def check_syntax(query: CannedQuery) -> None:
    """:class:`QueryError` unless the text is one SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE; parsed
    by pyoxigraph), checked without calling any server: pyoxigraph has no parse-only call and would run a
    ``SERVICE`` clause even on an empty store, so a query that holds one is only parsed, by rdflib."""
    where = str(query.path) if query.path is not None else query.name
    try:
        if has_service(query.text):
            parsed_form(query.text)
        else:
            pyoxigraph.Store().query(query.text)
    except SyntaxError as error:
        raise QueryError(f"{where}: not a SPARQL query: {error.msg}") from None


def parse_file(path: str | Path) -> CannedQuery:
    """A user's own query file (``--file``): read, header parsed, syntax checked."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise QueryError(f"{path}: cannot read it ({error.strerror or error})") from None
    query = parse_text(text, path.stem, path)
    check_syntax(query)
    return query


def from_text(data: str | bytes, name: str) -> CannedQuery:
    """A user's own query given as text (``--query``, or ``--file -`` from standard input), named ``name``
    in errors: header parsed, syntax checked."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise QueryError(f"{name}: not UTF-8 text ({error.reason})") from None
    query = parse_text(text, name)
    check_syntax(query)
    return query


def registry() -> dict[str, CannedQuery]:
    """The shipped canned queries by name, in name order."""
    return {
        path.stem: parse_text(path.read_text(encoding="utf-8"), path.stem, path)
        for path in resources.shipped_files("queries", "*.rq")
    }


def get(name: str) -> CannedQuery:
    """The shipped query of that name (only its file is read); :class:`QueryError` naming close names if
    there is none."""
    queries = {path.stem: path for path in resources.shipped_files("queries", "*.rq")}
    if name in queries:
        return parse_text(queries[name].read_text(encoding="utf-8"), name, queries[name])
    close = difflib.get_close_matches(name, queries, n=3, cutoff=0.4)
    close += [n for n in queries if name and name.lower() in n and n not in close]
    hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
    raise QueryError(f"unknown query {name!r}{hint} (`coopgraph query --list` lists them)")


# --- binding and running ------------------------------------------------------------------------------------


def bind(query: CannedQuery, raw: Mapping[str, str]) -> dict[str, Identifier]:
    """Check raw ``name → value`` strings against the query's parameters and turn them into RDF terms.

    :class:`QueryError` for an unknown parameter name, a missing required parameter, or a value that is not
    of the parameter's type. Parameters not given are left out (unbound).
    """
    declared = {p.name: p for p in query.parameters}
    bindings: dict[str, Identifier] = {}
    for name, value in raw.items():
        key = name[1:] if name[:1] in "?$" else name
        parameter = declared.get(key)
        if parameter is None:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name} has no parameter {name!r} (its parameters: {known})")
        kind = TYPES[parameter.type]
        try:
            bindings[key] = kind.to_term(value)
        except ValueError as error:
            detail = f" ({error})" if str(error) else ""
            raise QueryError(f"parameter {key}: {value!r} is not {kind.description}{detail}") from None
    missing = [p.name for p in query.parameters if p.required and p.name not in bindings]
    if missing:
        examples = " ".join(f"--param {n}={declared[n].example}" for n in missing)
        raise QueryError(f"query {query.name} needs {', '.join(missing)} (e.g. {examples})")
    return bindings


_EXISTS = "SELECT ?thing WHERE { ?thing ?property ?value } LIMIT 1"
_KNOWN = "SELECT DISTINCT ?thing WHERE {{ ?thing ?property ?value FILTER(STRSTARTS(STR(?thing), {prefix})) }}"


def check_known(query: CannedQuery, bindings: Mapping[str, Identifier], store: Store) -> None:
    """:class:`QueryError` if a parameter names a thing (a state, an instrument…) the graph does not hold."""
    for name, term in bindings.items():
        parameter = query.parameter(name)
        kind = TYPES[parameter.type] if parameter else None
        if kind is None or kind.id_kind is None:
            continue
        if store.query(_EXISTS, {"thing": term})["results"]["bindings"]:
            continue
        prefix = f"{ID}{kind.id_kind}/"
        found = store.query(_KNOWN.format(prefix=json.dumps(prefix)))["results"]["bindings"]
        codes = sorted(row["thing"]["value"][len(prefix) :] for row in found)
        codes = [c for c in codes if "/" not in c]
        shown = ", ".join(codes[:30]) + (", …" if len(codes) > 30 else "") if codes else "none"
        slug = str(term)[len(prefix) :] if str(term).startswith(prefix) else str(term)
        noun = kind.id_kind.replace("m49", "UN M49 area").replace("-", " ")
        where = f"{slug} (<{term}>)" if slug != str(term) else f"<{term}>"
        raise QueryError(f"parameter {name}: the graph has no {noun} {where}; it has: {shown}")


def run(
    query: CannedQuery,
    raw_params: Mapping[str, str],
    store: Store,
    *,
    check_values: bool = True,
    allow_service: bool = False,
    timeout: float | None = None,
) -> dict:
    """Bind the parameters, check they name things the graph holds, run the query on ``store``.

    Returns the SPARQL 1.1 Query Results JSON document as a dict. :class:`QueryError` for bad parameters or
    a query the store cannot parse; :class:`coopgraph.stores.StoreError` when a remote store fails.

    A query with a ``SERVICE`` clause has the store send part of it to another server (the embedded store:
    from this machine), so it is refused (:class:`QueryError`, before any store is asked) unless
    ``allow_service``. Then ``timeout`` seconds bound it on a store that has no timeout of its own (the
    embedded store: pyoxigraph gives its SERVICE calls no time limit): :class:`StoreError` when it is not
    answered in time. A remote store's own timeout bounds each of its requests.
    """
    where = query.path or query.name
    service = has_service(query.text)
    if service and not allow_service:
        raise QueryError(
            f"{where}: the query holds a SERVICE clause, which has the store send part of it to another "
            "server; give --allow-service to run it"
        )
    bindings = bind(query, raw_params)
    if check_values:
        check_known(query, bindings, store)
    started = time.perf_counter()
    try:
        if service and timeout is not None and getattr(store, "timeout", None) is None:
            results = _within(timeout, lambda: _answer(query, bindings, store), str(where))
        else:
            results = _answer(query, bindings, store)
    except SyntaxError as error:
        raise QueryError(f"{where}: not a SPARQL query: {error.msg}") from None
    except (ValueError, RuntimeError) as error:  # a CONSTRUCT query, or the engine refusing the query
        raise QueryError(f"{where}: {error}") from None
    except OSError as error:
        if not service:
            raise
        raise StoreError(f"{where}: the query's SERVICE call failed: {error}") from None
    if LOG.isEnabledFor(logging.INFO):  # --verbose: describing the store lists its graphs, not for every run
        LOG.info("query %s (%s)", query.name, where)
        LOG.info("asked %s", describe_store(store))
        LOG.info("answered in %.3f s%s", time.perf_counter() - started, _counted(results))
    return without_parameters(results, bindings)


def without_parameters(results: dict, bindings: Mapping[str, Identifier]) -> dict:
    """The answer without the columns of the parameters given a value: each would hold that value in every
    row, which the asker knows (the query may project a parameter so that, when it is not given, the column
    says which value each row has)."""
    if "results" not in results or not set(bindings) & set(results["head"]["vars"]):
        return results
    kept = [name for name in results["head"]["vars"] if name not in bindings]
    rows = [{k: v for k, v in row.items() if k in kept} for row in results["results"]["bindings"]]
    return {**results, "head": {**results["head"], "vars": kept}, "results": {"bindings": rows}}


def describe_store(store: Store) -> str:
    """Which store and dataset a query asks, for ``--verbose``."""
    endpoint = getattr(store, "endpoint", None)
    if endpoint is None:
        graphs = getattr(store, "graphs", None)
        named = f", {len(graphs())} named graphs" if callable(graphs) else ""
        return f"the embedded store (pyoxigraph, in memory{named}; {resources.describe(resources.locate())})"
    from coopgraph.stores import redact_url

    if getattr(store, "all_graphs", False) and getattr(store, "default_graphs", None) is None:
        dataset = "every named graph of the store"
    else:
        graphs = store.dataset() if hasattr(store, "dataset") else []
        dataset = "the graph " + graphs[0] if len(graphs) == 1 else f"{len(graphs)} graphs"
    return f"the store at {redact_url(endpoint)}, over {dataset}"


def _counted(results: Mapping) -> str:
    if "results" in results:
        return f", {rows_text(len(results['results']['bindings']))}"
    if "triples" in results:
        return f", {len(results['triples'])} triples"
    return ""


def rows_text(count: int) -> str:
    """ "1 row", "2 rows"…"""
    return f"{count} row{'' if count == 1 else 's'}"


def _answer(query: CannedQuery, bindings: Mapping[str, Identifier], store: Store) -> dict:
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        return {"triples": store.construct(query.text, bindings)}
    return store.query(query.text, bindings)


def _within(seconds: float, call: Callable[[], dict], where: str) -> dict:
    """What ``call`` returns if it returns within ``seconds``; :class:`StoreError` if it does not.

    The call runs in a daemon thread (pyoxigraph lets go of the GIL while it queries), so that neither this
    function nor the exit of the process waits for a SERVICE call that hangs; that call cannot be stopped,
    and ends in its thread when its server answers or closes the connection. An error is handed over with
    its frames cleared, since pyoxigraph's results must be dropped by the thread that made them."""
    outcome: list[tuple[bool, object]] = []

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:
            traceback.clear_frames(error.__traceback__)
            outcome.append((False, error.with_traceback(None)))

    worker = threading.Thread(target=work, name=f"coopgraph query {where}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive() or not outcome:
        raise StoreError(
            f"{where}: the query's SERVICE call got no answer within {seconds:g} s (timed out; --timeout "
            "sets the limit)"
        )
    done, value = outcome[0]
    if not done:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]
