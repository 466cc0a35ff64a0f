"""Parse RDF files into named graphs, one graph a file, with precise errors.

A file may be Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML, by its extension (:data:`FORMATS`) or
as ``--input-format`` says (:func:`reading`); the named graphs of a dataset file (N-Quads, TriG, JSON-LD)
are merged into the file's own graph. A remote JSON-LD context is never fetched.

Syntax errors are reported as ``file:line:column: reason`` (the line and column come from Oxigraph's parser,
which names them exactly); ill-typed literals such as ``"2025-13-40"^^xsd:date`` are reported with the line
they stand on instead of being silently accepted.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pyoxigraph
import rdflib
from rdflib import Dataset, Graph, Literal, URIRef

from coopgraph import resources
from coopgraph.errors import InputError

GRAPH_BASE = "https://w3id.org/coopgraph/graph/"
_RDF = pyoxigraph.RdfFormat
#: every RDF syntax a file may be written in, by file extension: (rdflib's name, Oxigraph's format)
FORMATS = {
    ".ttl": ("turtle", _RDF.TURTLE),
    ".nt": ("nt", _RDF.N_TRIPLES),
    ".nq": ("nquads", _RDF.N_QUADS),
    ".trig": ("trig", _RDF.TRIG),
    ".jsonld": ("json-ld", _RDF.JSON_LD),
    ".rdf": ("xml", _RDF.RDF_XML),
    ".owl": ("xml", _RDF.RDF_XML),
}
#: the names ``--input-format`` takes, and the extension each stands for
INPUT_FORMATS = {
    "turtle": ".ttl",
    "nt": ".nt",
    "nquads": ".nq",
    "trig": ".trig",
    "jsonld": ".jsonld",
    "rdfxml": ".rdf",
}
#: the formats that hold named graphs: a file's graphs all go into the file's own graph
_DATASETS = (_RDF.N_QUADS, _RDF.TRIG, _RDF.JSON_LD)
#: the files read in another syntax than their extension says (``--input-format``), by resolved path
_DECLARED: ContextVar[Mapping[str, str]] = ContextVar("declared formats", default=MappingProxyType({}))
#: names to show for files that are not where the user named them (standard input, read into a file)
_SHOWN: ContextVar[Mapping[str, str]] = ContextVar("shown names", default=MappingProxyType({}))


@dataclass
class LoadError(InputError):
    """A file that cannot be loaded: where (file, line, column when known) and why."""

    file: str
    line: int | None
    column: int | None
    reason: str

    def __str__(self) -> str:
        where = shown_name(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}"


def graph_iri_for(path: str | Path) -> URIRef:
    """The named graph of a file: derived from its path inside the tree used, else from its file name.

    ``data/instruments/sg-kz-mla-2025.ttl`` → ``https://w3id.org/coopgraph/graph/data/instruments/sg-kz-mla-2025``,
    and the same for that file under a ``COOPGRAPH_DATA`` folder (``data/`` + its path inside the folder);
    a user's file elsewhere, ``my-treaty.ttl`` → ``https://w3id.org/coopgraph/graph/user/my-treaty``.
    """
    return graph_iris([path])[0]


def graph_iris(paths: Iterable[str | Path]) -> list[URIRef]:
    """:func:`graph_iri_for` of many files, the tree looked up once (thousands of files at 1M triples)."""
    data, root = resources.data_directory().resolve(), resources.root().resolve()
    found = []
    for path in map(Path, paths):
        # a path already under the tree as written is taken as it is: resolving every one of thousands of
        # files took half a second of a one-file validation at 1M triples
        if not (path.is_absolute() and (path.is_relative_to(data) or path.is_relative_to(root))):
            path = path.resolve()
        if path.is_relative_to(data):
            relative = Path("data") / path.relative_to(data)
        elif path.is_relative_to(root):
            relative = path.relative_to(root)
        else:
            relative = Path("user") / path.name
        found.append(URIRef(GRAPH_BASE + _iri_path(relative.with_suffix("").as_posix())))
    return found


#: a file's path as it stands in a graph IRI unchanged: the unreserved and sub-delimiter characters, ``:``,
#: ``@``, ``/`` (RFC 3987's ipchar), and no ``%`` (an escape of its own); anything else is checked one by one
_IRI_SAFE = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")


def _ucschar(code: int) -> bool:
    """Whether RFC 3987 lets the character stand in an IRI as it is (a non-ASCII letter, say)."""
    if 0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF:
        return True
    return 0x10000 <= code <= 0xEFFFD and (code & 0xFFFF) < 0xFFFE


def _iri_path(text: str) -> str:
    """A file's path for a graph IRI: each character an IRI may not hold (a space, ``#``, ``[``, a
    noncharacter, a byte that is not UTF-8 in the file's name) percent-escaped as its UTF-8 bytes."""
    if _IRI_SAFE.fullmatch(text):
        return text
    out = []
    for character in text:
        if _IRI_SAFE.fullmatch(character) or _ucschar(ord(character)):
            out.append(character)
            continue
        try:
            data = character.encode("utf-8", "surrogateescape")  # a byte of a name that is not UTF-8
        except UnicodeEncodeError:
            data = character.encode("utf-8", "surrogatepass")
        out.append("".join(f"%{byte:02X}" for byte in data))
    return "".join(out)


class _PrefixesLater:
    """A graph that keeps the prefixes a parser declares aside until :meth:`settle`: rdflib binds each one
    in time linear in those bound before (20,000 ``@prefix`` lines took a minute). Up to
    :data:`_MANY_PREFIXES` are bound as they came; beyond, only those whose namespace a term of the graph
    starts with (the Turtle writer writes no other)."""

    def bind(self, prefix, namespace, override=True, replace=False) -> None:  # noqa: ANN001 — rdflib's
        self.__dict__.setdefault("_declared", []).append((prefix, namespace, override, replace))

    def settle(self) -> None:
        declared = self.__dict__.pop("_declared", [])
        if len(declared) > _MANY_PREFIXES:
            namespaces = {str(namespace) for _, namespace, _, _ in declared}
            used = set()
            for term in {term for triple in self.triples((None, None, None)) for term in triple}:
                if isinstance(term, URIRef):
                    used.update(term[:end] for end in range(len(term) + 1) if term[:end] in namespaces)
            declared = [each for each in declared if str(each[1]) in used]
        for prefix, namespace, override, replace in declared:
            super().bind(prefix, namespace, override, replace)


_MANY_PREFIXES = 200


class PrefixesLaterGraph(_PrefixesLater, Graph):
    """A :class:`Graph` to parse into (see :class:`_PrefixesLater`); call :meth:`settle` after parsing."""


class _PrefixesLaterDataset(_PrefixesLater, Dataset):
    pass


_LITERALS_AS_WRITTEN = threading.RLock()  # rdflib.NORMALIZE_LITERALS is a process-wide setting


@contextmanager
def literals_as_written():
    """Parse literals as written: no normalisation (which would drop a date's timezone or turn 007 into 7),
    and no logged traceback for an ill-typed literal (we report those ourselves, once, with a line)."""
    logger = logging.getLogger("rdflib.term")
    with _LITERALS_AS_WRITTEN:
        level, normalize = logger.level, rdflib.NORMALIZE_LITERALS
        logger.setLevel(logging.CRITICAL)
        rdflib.NORMALIZE_LITERALS = False
        try:
            yield
        finally:
            logger.setLevel(level)
            rdflib.NORMALIZE_LITERALS = normalize


@contextmanager
def reading(formats: dict[str, str] | None = None, shown: dict[str, str] | None = None):
    """Within the block, read the files of ``formats`` (path → an :data:`INPUT_FORMATS` name) in that
    syntax whatever their extension, and name the files of ``shown`` (path → name) so in every error."""
    declared = {str(Path(path).resolve()): INPUT_FORMATS[name] for path, name in (formats or {}).items()}
    names = {str(path): name for path, name in (shown or {}).items()}
    names |= {str(Path(path).resolve()): name for path, name in (shown or {}).items()}
    tokens = _DECLARED.set({**_DECLARED.get(), **declared}), _SHOWN.set({**_SHOWN.get(), **names})
    try:
        yield
    finally:
        _DECLARED.reset(tokens[0])
        _SHOWN.reset(tokens[1])


def shown_name(path: str | Path) -> str:
    """How a file is named to the user: as given, or as :func:`reading` was told (``-`` for stdin)."""
    return _SHOWN.get().get(str(path), str(path))


def suffix_of(path: Path) -> str:
    """The extension that says a file's syntax: its own, or the one ``--input-format`` gave it."""
    declared = _DECLARED.get()
    return declared.get(str(path.resolve()), path.suffix.lower()) if declared else path.suffix.lower()


def _formats(path: Path) -> tuple[str, pyoxigraph.RdfFormat]:
    try:
        return FORMATS[suffix_of(path)]
    except KeyError:
        known = ", ".join(FORMATS)
        reason = (
            f"unsupported file type {path.suffix or '(no extension)'!r}; expected one of {known}, "
            f"or name the syntax with --input-format ({', '.join(INPUT_FORMATS)})"
        )
        raise LoadError(str(path), None, None, reason) from None


_ENTITY = re.compile(rb"<!ENTITY\s+(?:%\s*)?[^\s>]+\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.I)


def _refuse_unbounded_entities(path: Path, data: bytes) -> None:
    """An XML entity that names an outside file (read from disk or the network) or refers to other
    entities (which can expand without bound: the "billion laughs") is refused before any parser sees it.
    Entities that spell namespaces, as ontology editors write them, are read."""
    if b"<!ENTITY" not in data and b"<!entity" not in data.lower():
        return
    for match in _ENTITY.finditer(data):
        value = match[1]
        if value.upper() in (b"SYSTEM", b"PUBLIC"):
            reason = "an XML entity that names an outside file is not read (it would read another file)"
        elif b"&" in value or b"%" in value:
            reason = "an XML entity that refers to other entities is not read (it can expand without bound)"
        else:
            continue
        line = data.count(b"\n", 0, match.start()) + 1
        raise LoadError(str(path), line, None, reason)


def _quads_into(data: bytes, oxi_format: pyoxigraph.RdfFormat, base: str, graph: pyoxigraph.NamedNode):
    """The statements of a file, each in ``graph`` (the named graphs of a dataset file merged into it)."""
    for quad in pyoxigraph.parse(data, format=oxi_format, base_iri=base):
        yield pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, graph)


_EMPTY = "holds no triples: an empty file adds nothing to the graph"


def _syntax_error(path: Path, error: SyntaxError) -> LoadError:
    reason = str(error.msg)
    reason = reason.split(": ", 1)[1] if reason.startswith("Parser error") and ": " in reason else reason
    if "LoadDocumentCallback" in reason:
        reason = "a remote JSON-LD @context is not fetched: put the context inline in the file"
    if error.lineno == 1 and error.offset == 1 and "\ufeff" in reason:
        reason = "the file starts with a byte order mark (U+FEFF): save it as UTF-8 without one"
    return LoadError(str(path), error.lineno, error.offset, reason)


def _ill_typed(path: Path, text: str, lexical: str, datatype: str) -> LoadError:
    line, column = _line_of(text, f'"{lexical}"')
    reason = f'ill-typed literal "{lexical}"^^<{datatype}>: not a valid value of its datatype'
    return LoadError(str(path), line, column, reason)


def _check_syntax(path: Path, text: str, oxi_format: pyoxigraph.RdfFormat) -> None:
    try:
        for _ in pyoxigraph.parse(text, format=oxi_format, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except MemoryError as error:
        raise _too_big(path, error) from None


def _too_big(path: Path, error: MemoryError) -> LoadError:
    """Oxigraph's streaming reader holds one term in a buffer of at most 16 MiB."""
    return LoadError(
        str(path), None, None, f"a term of it (a literal or an IRI) is too long to read ({error})"
    )


def _line_of(text: str, needle: str) -> tuple[int | None, int | None]:
    for number, line in enumerate(text.splitlines(), start=1):
        column = line.find(needle)
        if column >= 0:
            return number, column + 1
    return None, None


def ill_typed_literals(graph: Graph) -> list[Literal]:
    """Literals whose lexical form is not valid for their datatype (e.g. ``"2025-13-40"^^xsd:date``)."""
    found = {o for o in graph.objects() if isinstance(o, Literal) and o.ill_typed}
    return sorted(found)


#: Files already parsed in this process, by where they are, the named graph they go in (which depends on the
#: tree in use), their format and what they hold (SHA-256 of the text): the same file read again (the shipped
#: graph, validated once per command or test) is not parsed again. Only files that loaded without error are
#: kept; the oldest go first beyond ``_PARSED_MAX``.
_PARSED: OrderedDict[tuple[str, str, str, str], Graph] = OrderedDict()
_PARSED_MAX = 512
_PARSED_LOCK = threading.Lock()


def parse_file(path: str | Path, dataset: Dataset | None = None) -> Graph:
    """Parse one file into its own named graph of ``dataset`` (a new one if not given); return that graph."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(str(path), None, None, "no such file")
    rdflib_format, oxi_format = _formats(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise LoadError(str(path), None, None, f"not UTF-8 text ({error.reason})") from None
    data = text.encode("utf-8")
    if oxi_format == _RDF.RDF_XML:
        _refuse_unbounded_entities(path, data)
    dataset = dataset if dataset is not None else Dataset()
    digest = hashlib.sha256(data).hexdigest()
    key = (str(path.resolve()), str(graph_iri_for(path)), rdflib_format, digest)
    with _PARSED_LOCK:
        graph = _PARSED.get(key)
        if graph is not None:
            _PARSED.move_to_end(key)
    if graph is None:
        graph = _parse_text(path, text, rdflib_format, oxi_format)
        with _PARSED_LOCK:
            _PARSED[key] = graph
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, override=False)
    return target


def _parse_text(path: Path, text: str, rdflib_format: str, oxi_format: pyoxigraph.RdfFormat) -> Graph:
    """The file's triples in a graph of its own, or a LoadError saying where and why it does not load."""
    _check_syntax(path, text, oxi_format)
    graph = PrefixesLaterGraph(identifier=graph_iri_for(path))
    with literals_as_written():
        try:
            if oxi_format in _DATASETS:  # rdflib reads a dataset's graphs into a Dataset only
                parsed = _PrefixesLaterDataset()
                parsed.parse(data=text, format=rdflib_format, publicID=path.resolve().as_uri())
                parsed.settle()
                union_graph(parsed, graph)
            else:
                graph.parse(data=text, format=rdflib_format, publicID=path.resolve().as_uri())
            graph.settle()
        except RecursionError:
            reason = "blank nodes or lists nest too deeply for rdflib to read (Oxigraph reads it)"
            raise LoadError(str(path), None, None, reason) from None
        except Exception as error:  # rdflib disagrees with Oxigraph: still report where
            line = getattr(error, "lines", None)
            raise LoadError(str(path), line, None, str(getattr(error, "_why", error))) from None
    if not len(graph):
        raise LoadError(str(path), None, None, _EMPTY)
    for literal in ill_typed_literals(graph):
        raise _ill_typed(path, text, str(literal), str(literal.datatype))
    return graph


def load_files(paths: Iterable[str | Path], dataset: Dataset | None = None) -> Dataset:
    """Load files into one dataset, one named graph each. Nothing is added unless every file loads."""
    staged = Dataset()
    for path in paths:
        parse_file(path, staged)
    if dataset is None:
        return staged
    for quad in staged.quads((None, None, None, None)):
        dataset.add(quad)
    for prefix, namespace in staged.namespaces():
        dataset.bind(prefix, namespace, override=False)
    return dataset


def load_shipped(extra: Iterable[str | Path] = ()) -> Dataset:
    """The shipped ontology and data, plus any extra files, each in its own named graph."""
    return load_files([*resources.graph_files(), *extra])


def union_graph(dataset: Dataset, union: Graph | None = None) -> Graph:
    """Every triple of every named graph in one plain graph (what validation and reasoning look at).

    The triples go into ``union`` when given (e.g. a Graph subclass), else into a new Graph."""
    union = union if union is not None else Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=False)
    return union


# --- the fast path: straight into pyoxigraph -------------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatypes whose lexical forms are checked when loading into the store: those SPARQL can cast
CHECKED_DATATYPES = tuple(
    _XSD + name
    for name in (
        *("boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "duration"),
        *("dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay"),
    )
)


def _ill_typed_query() -> str:
    """One scan of the merge: the literals of a checked datatype whose lexical form does not cast to it
    (the cheap datatype test first, so the casts run only on the literals that need them)."""
    tests = " || ".join(
        f"(sameTerm(?d, <{d}>) && !COALESCE(sameTerm(datatype(<{d}>(STR(?o))), <{d}>), false))"
        for d in CHECKED_DATATYPES
    )
    listed = ", ".join(f"<{d}>" for d in CHECKED_DATATYPES)
    return (
        "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) BIND(datatype(?o) AS ?d) "
        f"FILTER(?d IN ({listed})) FILTER({tests}) }} LIMIT 1"
    )


def copied_to_disk(source: pyoxigraph.Store, folder: str | Path) -> pyoxigraph.Store:
    """A new on-disk store in ``folder`` holding every quad of ``source``, written in one bulk load (blank
    node ids kept): many small loads on disk take far longer than the same loads in memory and one copy
    (:mod:`coopgraph.cache`, ``coopgraph serve``)."""
    store = pyoxigraph.Store(str(folder))
    store.bulk_extend(source.quads_for_pattern(None, None, None, None))
    return store


def load_store(paths: Iterable[str | Path], store: pyoxigraph.Store | None = None) -> pyoxigraph.Store:
    """Load files into a pyoxigraph store with Oxigraph's own parser (no rdflib): each file in its named
    graph (:func:`graph_iri_for`), and the RDF merge of them all, each triple once, added to the default
    graph (what validation and queries look at). The store is a new in-memory one unless given (an on-disk
    store being built, :mod:`coopgraph.cache`, or one that already holds the rest of the graph).

    The same errors as :func:`load_files`, with file and line: syntax, an empty file, an ill-typed literal
    of a datatype SPARQL can check (:data:`CHECKED_DATATYPES`). Blank nodes are local to their file. The
    literals checked are those of the files loaded now (a given store's others were checked when loaded).
    """
    fresh = store is None
    store = pyoxigraph.Store() if store is None else store
    loaded: dict[str, Path] = {}
    paths = [Path(path) for path in paths]
    for path, iri in zip(paths, graph_iris(paths), strict=True):
        if not path.is_file():
            raise LoadError(str(path), None, None, "no such file")
        _, oxi_format = _formats(path)
        graph = pyoxigraph.NamedNode(str(iri))
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LoadError(str(path), None, None, f"not UTF-8 text ({error.reason})") from None
        if oxi_format == _RDF.RDF_XML:
            _refuse_unbounded_entities(path, data)
        try:
            base = path.resolve().as_uri()
            if oxi_format in _DATASETS:
                store.extend(_quads_into(data, oxi_format, base, graph))
            else:
                store.bulk_load(data, format=oxi_format, base_iri=base, to_graph=graph)
        except SyntaxError as error:
            raise _syntax_error(path, error) from None
        except MemoryError as error:
            raise _too_big(path, error) from None
        if not store.query(f"ASK {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"):
            raise LoadError(str(path), None, None, _EMPTY)
        loaded[graph.value] = path
    # the merge, in one update inside the store: a triple stated in two files is one triple of it
    # (into a given store, only the graphs loaded now, and only their literals are checked)
    graphs = "" if fresh else "VALUES ?g { " + " ".join(f"<{graph}>" for graph in loaded) + " } "
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ {graphs}GRAPH ?g {{ ?s ?p ?o }} }}")
    scope = {} if fresh else {"default_graph": [pyoxigraph.NamedNode(graph) for graph in loaded]}
    for solution in store.query(_ill_typed_query(), **scope):
        literal = solution["o"]
        graph = next(
            quad.graph_name
            for quad in store.quads_for_pattern(None, None, literal, None)
            if isinstance(quad.graph_name, pyoxigraph.NamedNode) and quad.graph_name.value in loaded
        )
        path = loaded[graph.value]
        raise _ill_typed(path, path.read_text(encoding="utf-8"), literal.value, literal.datatype.value)
    return store
