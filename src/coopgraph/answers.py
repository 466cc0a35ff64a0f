"""Answers a person reads: the labels of the things in an answer, tables that fit the terminal, and the
SPARQL results formats (JSON, CSV, TSV) or RDF (a CONSTRUCT or DESCRIBE answer) for programs.

:func:`present` is what the command line prints; each step is a function of its own. A table shows a thing by
its label (English first, fetched with one more query on the store that answered), else by the short form
of its IRI, which ``--param`` takes back; its cells are text, never markup, and styled only on a terminal
without ``NO_COLOR``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import XSD, URIRef

from coopgraph import vocab
from coopgraph.errors import StoreError
from coopgraph.queries import CannedQuery, QueryError, rows_text
from coopgraph.stores import Store

if TYPE_CHECKING:
    from rich.console import Console

LOG = logging.getLogger(__name__)
#: the SPARQL 1.1 results formats a SELECT or ASK answer is written in (and ``table``, for people)
FORMATS = ("table", "json", "csv", "tsv")
#: the RDF formats a CONSTRUCT or DESCRIBE query's answer is written in
GRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}


LIST_SEPARATOR = " "
_IRI_ITEM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
_XSD_STRING = str(XSD.string)


def iri_list(term: Mapping | None) -> list[str] | None:
    """The IRIs of a list cell — a plain literal of IRIs separated by single spaces, as the canned queries
    aggregate designations, parties… (``GROUP_CONCAT(DISTINCT STR(?x); separator=" ")``) — else ``None``."""
    if term is None or term["type"] != "literal" or "xml:lang" in term:
        return None
    if term.get("datatype", _XSD_STRING) != _XSD_STRING:
        return None
    items = term["value"].split(LIST_SEPARATOR)
    return items if all(_IRI_ITEM.fullmatch(item) for item in items) else None


def _shown(iri: str, labels: Mapping[str, str] | None) -> str:
    """An IRI as a table shows it: its label, else its short form (or, with no prefix for it, as it is)."""
    if labels is not None and iri in labels:
        return labels[iri]
    shortened = vocab.short(iri)
    return iri if shortened.startswith("<") and labels is not None else shortened


def short(term: Mapping | None, labels: Mapping[str, str] | None = None) -> str:
    """A term as a person reads it in a table: a thing's label when ``labels`` has one (see :func:`labels`),
    else an IRI's short form (:func:`coopgraph.vocab.short`, which ``--param`` takes back); a literal as its
    text; a list cell's IRIs each so, separated by "; " with labels and by a space as short forms."""
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        return _shown(value, labels) if labels is not None else vocab.short(value)
    if term["type"] == "bnode":
        return f"_:{value}"
    items = iri_list(term)
    if items is None:
        return value
    if labels is None:
        return " ".join(vocab.short(item) for item in items)
    return "; ".join(_shown(item, labels) for item in items)


def iris_in(results: Mapping) -> set[str]:
    """Every IRI of a SELECT answer: its IRI terms and the items of its list cells."""
    found: set[str] = set()
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term["type"] == "uri":
                found.add(term["value"])
            else:
                found.update(iri_list(term) or ())
    return found


#: the labels of the things: one pattern per property, so that a store looks each thing up by subject and
#: predicate (with ?property a variable, Oxigraph scanned every triple: 2.1 s against 0.08 s for 500 things
#: at a million triples)
_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?thing ?property ?label WHERE {
  VALUES ?thing { THINGS }
  { ?thing rdfs:label ?label BIND(rdfs:label AS ?property) }
  UNION
  { ?thing skos:prefLabel ?label BIND(skos:prefLabel AS ?property) }
}"""
#: IRIs asked for in one query (an answer with more asks several times).
LABEL_BATCH = 500


def _label_rank(property_iri: str, term: Mapping) -> tuple[int, int, str]:
    """How good a label is: rdfs:label before skos:prefLabel, English before no language before others."""
    language = term.get("xml:lang", "").lower()
    in_english = language == "en" or language.startswith("en-")
    return (
        0 if property_iri.endswith("#label") else 1,
        0 if in_english else 1 if not language else 2,
        term["value"],
    )


def labels(results: Mapping, store: Store) -> dict[str, str]:
    """The label of each thing of the answer that has one in the graph the query ran on: its rdfs:label in
    English first (then one with no language, then any other, by its text), else its skos:prefLabel (the
    names of the concepts of the code lists). Asked of the same store with one more query, the IRIs as a
    ``VALUES`` block of N-Triples terms (so an IRI can only ever be read as that IRI)."""
    from coopgraph.stores import ntriples_term

    started = time.perf_counter()
    terms = []
    for iri in sorted(iris_in(results)):
        try:
            terms.append(ntriples_term(URIRef(iri)))
        except ValueError:
            continue
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for first in range(0, len(terms), LABEL_BATCH):
        text = _LABELS.replace("THINGS", " ".join(terms[first : first + LABEL_BATCH]))
        for row in store.query(text)["results"]["bindings"]:
            thing, label = row["thing"]["value"], row["label"]
            rank = _label_rank(row["property"]["value"], label)
            if thing not in best or rank < best[thing][0]:
                best[thing] = (rank, label["value"])
    LOG.info("labels of %d of %d things in %.3f s", len(best), len(terms), time.perf_counter() - started)
    return {thing: label for thing, (_, label) in best.items()}


def styled_output(stream: object) -> bool:
    """Whether text for people written to ``stream`` gets styles (bold headers): only on a terminal, and
    never when NO_COLOR is set to anything (https://no-color.org) or the terminal is dumb."""
    isatty = getattr(stream, "isatty", None)
    if not (callable(isatty) and isatty()):
        return False
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM", "") not in ("dumb", "unknown")


def _distinct_columns(rows: list[list[str]], count: int) -> list[int]:
    """The columns to show: a column whose every cell is as shown in an earlier shown column (a label column
    beside the thing shown by its label) is shown once."""
    kept: list[int] = []
    for column in range(count):
        cells = [row[column] for row in rows]
        if not any(cells == [row[other] for row in rows] for other in kept):
            kept.append(column)
    return kept


def _column_widths(console: Console, columns: list[list[str]]) -> list[int | None] | None:
    """The width of each column's text in a table that fits the console, its cells' words wrapped; ``None``
    when even the longest word of each column (its minimum) does not fit.

    Each column gets its minimum and a share of the room left in proportion to how much more its longest
    line needs (``None``: as wide as that line, when every line fits); rich's own layout would narrow the
    widest column below its longest word and cut it. The table's own room is 3 characters between two
    columns: a space of padding each side and the separator (no edges, ``pad_edge=False``)."""
    from rich.measure import Measurement
    from rich.text import Text

    options = console.options.update_width(10**6)
    ranges = [[Measurement.get(console, options, Text(cell)) for cell in cells] for cells in columns]
    least = [max(m.minimum for m in column) for column in ranges]
    most = [max(m.maximum for m in column) for column in ranges]
    room = console.width - 3 * (len(columns) - 1)
    if sum(most) <= room:
        return [None] * len(columns)
    if sum(least) > room:
        return None
    spare, wanted = room - sum(least), sum(most) - sum(least)
    return [low + (high - low) * spare // wanted for low, high in zip(least, most, strict=True)]


#: the most characters a table cell shows: a longer text (a whole treaty pasted in a literal) is cut
CELL_MAX = 2000


def _cut(text: str) -> str:
    """A cell's text, cut to :data:`CELL_MAX` characters with a note saying how much more there is."""
    if len(text) <= CELL_MAX:
        return text
    return f"{text[:CELL_MAX]}… ({len(text) - CELL_MAX:,} more characters: --format json shows them all)"


def _table(
    results: Mapping,
    *,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
    styled: bool = False,
    count: bool = True,
) -> str:
    """A table of columns when they fit the width (the terminal's, by default) with each cell's words
    wrapped, else one block of lines per row. Cells are text, never rich markup; styles only if ``styled``."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if "boolean" in results:
        return "yes" if results["boolean"] else "no"
    variables = results["head"]["vars"]
    rows = [[_cut(short(row.get(v), labels)) for v in variables] for row in results["results"]["bindings"]]
    if not rows:
        return f"0 rows (columns: {', '.join(variables)})" if count else ""
    shown = _distinct_columns(rows, len(variables))
    variables = [variables[i] for i in shown]
    rows = [[row[i] for i in shown] for row in rows]
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or Console().width,
        force_terminal=styled,
        color_system="auto" if styled else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    bold = "bold" if styled else ""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style=bold)
    for variable in variables:
        table.add_column(Text(variable), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    columns = [[variable, *(row[i] for row in rows)] for i, variable in enumerate(variables)]
    widths = _column_widths(console, columns)
    if widths is not None:
        for column, content in zip(table.columns, widths, strict=True):
            column.width = content
        console.print(table)
    else:
        for number, row in enumerate(rows, start=1):
            console.print(
                Text(f"── row {number} " + "─" * max(0, min(console.width, 60) - len(str(number)) - 8))
            )
            block = Table.grid(padding=(0, 2))
            block.add_column(
                justify="right", style=bold, overflow="fold", max_width=max(1, console.width // 3)
            )
            block.add_column(overflow="fold")
            for variable, cell in zip(variables, row, strict=True):
                if cell:
                    block.add_row(Text(variable), Text(cell))
            console.print(block)
    if count:
        console.print(Text(rows_text(len(rows)), style="dim" if styled else ""))
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n"))


def render_graph(triples: list[pyoxigraph.Triple], fmt: str = "turtle") -> bytes:
    """A CONSTRUCT or DESCRIBE query's answer in an RDF format of :data:`GRAPH_FORMATS` (Turtle with the
    project's prefixes)."""
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"a CONSTRUCT or DESCRIBE answer is RDF: give --format {' or '.join(GRAPH_FORMATS)}")
    prefixes = dict(vocab.PREFIXES) if fmt == "turtle" else None
    rdf_format = getattr(pyoxigraph.RdfFormat, GRAPH_FORMATS[fmt])
    return pyoxigraph.serialize(triples, format=rdf_format, prefixes=prefixes)


def render(
    results: Mapping,
    fmt: str = "table",
    *,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
    styled: bool = False,
    count: bool = True,
) -> str:
    """Results as text: ``table`` for people; ``json``, ``csv``, ``tsv`` in the SPARQL 1.1 results formats.

    Columns keep the order of the query's SELECT clause. The table shows each IRI by its label in
    ``labels`` (:func:`labels`) or, without them, by its short form; ``width`` is the terminal's by default,
    ``styled`` adds bold headers (:func:`styled_output`), ``count`` the number of rows at the end. The other
    formats are the answer exactly, IRIs and all.
    """
    if fmt == "json":
        return json.dumps(results, indent=2, ensure_ascii=False)
    if fmt == "table":
        return _table(results, labels=labels, width=width, styled=styled, count=count)
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    parsed = pyoxigraph.parse_query_results(
        json.dumps(results).encode("utf-8"), format=pyoxigraph.QueryResultsFormat.JSON
    )
    out_format = pyoxigraph.QueryResultsFormat.CSV if fmt == "csv" else pyoxigraph.QueryResultsFormat.TSV
    return parsed.serialize(format=out_format).decode("utf-8")


def present(
    results: Mapping,
    fmt: str,
    store: Store,
    *,
    iris: bool = False,
    quiet: bool = False,
    stream: object = None,
) -> str:
    """The answer as ``coopgraph query`` prints it to ``stream`` (standard output by default): for ``table``,
    the things by their labels in the graph the query ran on (one more query on ``store``; by their IRIs,
    with a warning, if that query fails) unless ``iris``, styled only on a terminal, without the row count
    if ``quiet``; the other formats as :func:`render`."""
    if fmt != "table":
        return render(results, fmt)
    import sys

    names = None
    if not iris and "results" in results:
        try:
            names = labels(results, store)
        except StoreError as error:  # the answer is there: show it by IRIs rather than lose it
            LOG.warning("coopgraph: note: showing IRIs, as the labels could not be fetched (%s)", error)
    styled = styled_output(sys.stdout if stream is None else stream)
    return render(results, "table", labels=names, styled=styled, count=not quiet)


def render_listing(listing: list[CannedQuery]) -> str:
    """The canned queries for people: name, title, question and parameters of each."""
    blocks = []
    for query in listing:
        lines = [f"{query.name}: {query.title}"]
        if query.question:
            lines.append(f"    {query.question}")
        for p in query.parameters:
            need = "required" if p.required else "optional"
            lines.append(f"    --param {p.name}=…  {p.type}, {need}, e.g. {p.example}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
