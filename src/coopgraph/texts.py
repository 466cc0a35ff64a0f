"""The texts of sources, for checking quotes: from the graph, or from local copies a user keeps.

A quote is checked against the text of the paragraph it cites (``cg:paragraphText``; the shape is
``cgsh:Evidence-quoteInParagraph``). A source whose text may be committed carries it in the graph, as the
shipped sources do (``data/reference/texts/``). A source whose licence allows no copy in the repository can
name a local copy instead (``cg:localCopy "file-name.md"``): given the folder that holds such copies,
:func:`local_texts` cuts each copy into paragraphs by the rule of docs/model.md and gives every paragraph of
that source that has no text in the graph the text of its copy, so the same shape checks its quotes. Without
a text, the quote is reported as a warning (``cgsh:Evidence-quoteChecked``), never passed silently.

The rule (docs/model.md, "Paragraphs"): in a Markdown copy, a line ``N.&nbsp;…`` is paragraph N (without its
number) and every other line of text (front matter, the closing block) belongs to paragraph 0; in a plain-text
copy, the first line of text is paragraph 0 and each following line the next paragraph. Markup is removed,
entities decoded, and every run of white space becomes one space.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from coopgraph.errors import InputError
from coopgraph.vocab import CG

GRAPH = URIRef("https://w3id.org/coopgraph/graph/derived/local-texts")


def collapse(text: str) -> str:
    """Every run of white space (newlines included) as one space, stripped: how paragraph texts are stored."""
    return " ".join(text.split())


def _clean(line: str) -> str:
    """A line as a reader sees it: HTML tags removed, entities decoded, no-break spaces as spaces."""
    return html.unescape(re.sub(r"<[^>]+>", "", line)).replace("\xa0", " ").strip()


def paragraphs(path: Path) -> dict[int, str]:
    """The paragraphs of a local copy (``.md`` or ``.txt``), numbered by the documented rule, collapsed."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason})") from None
    lines = [line for line in map(_clean, raw.splitlines()) if line]
    if path.suffix.lower() != ".md":
        return {number: collapse(line) for number, line in enumerate(lines)}
    found: dict[int, str] = {}
    rest = []
    for line in lines:
        numbered = re.match(r"^(\d+)\.\s+(.*)$", line)
        if numbered:
            found[int(numbered[1])] = collapse(numbered[2])
        elif not line.startswith("{:"):
            rest.append(line)
    found[0] = collapse(" ".join(rest))
    return found


def local_texts(graph: Graph, directory: Path) -> Graph:
    """``cg:paragraphText`` for the paragraphs of every source whose ``cg:localCopy`` is in ``directory``
    and that have no text in ``graph``. A named copy that is missing is skipped (its quotes stay warnings)."""
    found = Graph(identifier=GRAPH)
    for source, name in sorted(graph.subject_objects(CG.localCopy)):
        path = directory / str(name)
        if not path.is_file():
            continue
        texts = paragraphs(path)
        for paragraph in graph.subjects(CG.paragraphOf, source):
            number = graph.value(paragraph, CG.paragraphNumber)
            if number is None or (paragraph, CG.paragraphText, None) in graph:
                continue
            text = texts.get(int(number))
            if text is not None:
                found.add((paragraph, CG.paragraphText, Literal(text)))
    return found
