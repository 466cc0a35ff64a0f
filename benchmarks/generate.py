"""Generate a larger graph for the benchmarks by copying the shipped instruments many times.

Each copy of a file under ``data/instruments/`` gets its own IRIs (``…/id/instrument/sg-kz-mla-2025-c17``)
for everything the file mints — instruments, events, claims, evidence, status assertions, tenures — while the
reference data (states, people, schemes, sources) stays shared, as it would in a real graph that grew.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rdflib import RDF, Graph

from coopgraph import resources

ID = "https://w3id.org/coopgraph/id/"
# Kinds of node minted per instrument file; the rest is reference data shared by every copy.
PER_INSTRUMENT = ("instrument", "event", "claim", "evidence", "status", "tenure", "interval")


def minted(path: Path) -> set[str]:
    """The per-instrument IRIs a file mints: those of the per-instrument kinds that it gives a type.
    (An instrument file also points at per-instrument nodes minted elsewhere, such as an enrichment of the
    reference data: those stay shared.)"""
    graph = Graph().parse(path)
    kinds = tuple(f"{ID}{kind}/" for kind in PER_INSTRUMENT)
    return {str(node) for node in graph.subjects(RDF.type) if str(node).startswith(kinds)}


def copy_text(text: str, copy: int, mints: set[str]) -> str:
    """The Turtle of one instrument file with every IRI it mints given the suffix ``-c{copy}``."""
    kinds = "|".join(PER_INSTRUMENT)
    # full IRIs: <https://w3id.org/coopgraph/id/event/slug>
    text = re.sub(
        rf"<({re.escape(ID)}(?:{kinds})/[^>]+)>",
        lambda m: f"<{m[1]}-c{copy}>" if m[1] in mints else m[0],
        text,
    )
    # prefixed names bound to a kind's namespace (e.g. PREFIX ev: <…/id/event/> … ev:slug)
    prefixes = dict(re.findall(rf"^PREFIX (\w+): <({re.escape(ID)}(?:{kinds})/)>", text, flags=re.M))
    for prefix, namespace in prefixes.items():
        text = re.sub(
            rf"(?<![\w:-]){prefix}:([\w.-]*\w)",
            lambda m, p=prefix, n=namespace: f"{p}:{m[1]}-c{copy}" if n + m[1] in mints else m[0],
            text,
        )
    return text


def generate(copies: int, out: Path) -> list[Path]:
    """Write the shipped graph plus ``copies`` renamed copies of each instrument file under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for path in resources.graph_files():
        target = out / path.relative_to(resources.root())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(target)
    for path in resources.shipped_files("data", "instruments/*.ttl"):
        text, mints = path.read_text(encoding="utf-8"), minted(path)
        for copy in range(1, copies + 1):
            target = out / "data" / "generated" / f"{path.stem}-c{copy}.ttl"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(copy_text(text, copy, mints), encoding="utf-8")
            files.append(target)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("copies", type=int, help="copies of each instrument file")
    parser.add_argument("out", type=Path, help="directory to write to")
    args = parser.parse_args()
    files = generate(args.copies, args.out)
    print(f"wrote {len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
