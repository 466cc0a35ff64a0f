"""The network view of ``coopgraph serve``: states and the instruments between them, as SVG drawn on the
server, so that it reads without JavaScript.

The layout is deterministic and plain: the states on a circle, in the order of their labels (then IRIs),
and one edge a party pair of each instrument — a curve bowed to one side or the other when two states share
several instruments, so that each stays a link of its own. Every node and edge is a link to its page with
a ``<title>`` (the name a screen reader and a hover read); every text in the drawing is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from markupsafe import Markup

#: the drawing's size in its own units (it scales to the page's width)
SIZE = 720
#: the radius of the circle the states lie on
RADIUS = 250
#: how far apart the curves of the instruments between the same two states bow
BOW = 28


@dataclass(frozen=True)
class Node:
    """A state: its IRI, label, page and place in the drawing."""

    iri: str
    label: str
    href: str
    x: float
    y: float
    angle: float


@dataclass(frozen=True)
class Edge:
    """An instrument between two of its party states, drawn as the path ``d``."""

    iri: str
    label: str
    href: str
    source: Node
    target: Node
    d: str


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]


def layout(
    parties: Iterable[tuple[str, str]],
    labels: Mapping[str, str],
    href: Callable[[str], str],
) -> Network:
    """The drawing of ``(instrument, party state)`` pairs: each state once on the circle, an edge for each
    two party states of an instrument. ``labels`` names the things (an IRI without one is shown as it is),
    ``href`` gives the page of an IRI."""
    states_of: dict[str, set[str]] = {}
    for instrument, state in parties:
        states_of.setdefault(instrument, set()).add(state)
    states = sorted({s for found in states_of.values() for s in found}, key=lambda s: (labels.get(s, s), s))
    count = len(states)
    nodes = {}
    for index, state in enumerate(states):
        angle = 2 * math.pi * index / count - math.pi / 2 if count > 1 else -math.pi / 2
        radius = RADIUS if count > 1 else 0
        x, y = SIZE / 2 + radius * math.cos(angle), SIZE / 2 + radius * math.sin(angle)
        nodes[state] = Node(state, labels.get(state, state), href(state), round(x, 1), round(y, 1), angle)
    between: dict[tuple[str, str], list[str]] = {}
    for instrument in sorted(states_of, key=lambda i: (labels.get(i, i), i)):
        for pair in combinations(sorted(states_of[instrument], key=states.index), 2):
            between.setdefault(pair, []).append(instrument)
    edges = []
    for (first, second), instruments in between.items():
        for rank, instrument in enumerate(instruments):
            bow = (rank - (len(instruments) - 1) / 2) * BOW
            d = _curve(nodes[first], nodes[second], bow)
            edges.append(
                Edge(
                    instrument,
                    labels.get(instrument, instrument),
                    href(instrument),
                    nodes[first],
                    nodes[second],
                    d,
                )
            )
    return Network(list(nodes.values()), edges)


def _curve(a: Node, b: Node, bow: float) -> str:
    """A quadratic curve from ``a`` to ``b`` whose control point lies ``bow`` units off the middle of the
    line between them (a straight line when ``bow`` is 0)."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    cx, cy = mx - dy / length * bow * 2, my + dx / length * bow * 2
    return f"M {a.x:g} {a.y:g} Q {cx:.1f} {cy:.1f} {b.x:g} {b.y:g}"


def svg(network: Network, title: str, description: str) -> Markup:
    """The drawing as an ``<svg>`` element to put in a page (every text escaped)."""
    parts = [
        Markup(
            '<svg class="network" viewBox="0 0 {size} {size}" width="100%" xmlns="http://www.w3.org/2000/svg"'
            ' aria-labelledby="network-title network-desc">'
            '<title id="network-title">{title}</title><desc id="network-desc">{description}</desc>'
        ).format(size=SIZE, title=title, description=description)
    ]
    parts.append(Markup('<g class="edges">'))
    for edge in network.edges:
        name = f"{edge.label} ({edge.source.label} – {edge.target.label})"
        parts.append(
            Markup(
                '<a href="{href}"><title>{name}</title><path class="edge-area" d="{d}"/>'
                '<path class="edge" d="{d}"/></a>'
            ).format(href=edge.href, name=name, d=edge.d)
        )
    parts.append(Markup('</g><g class="nodes">'))
    for node in network.nodes:
        cos, sin = math.cos(node.angle), math.sin(node.angle)
        outward = 14 if len(network.nodes) > 1 else 0
        anchor = "middle" if abs(cos) < 0.3 or outward == 0 else "start" if cos > 0 else "end"
        tx, ty = node.x + outward * cos, node.y + outward * sin + (5 if abs(cos) >= 0.3 else 14 * sin + 4)
        if outward == 0:
            ty = node.y - 16
        parts.append(
            Markup(
                '<a href="{href}"><title>{label}</title><circle class="node" cx="{x:g}" cy="{y:g}" r="8"/>'
                '<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{label}</text></a>'
            ).format(href=node.href, label=node.label, x=node.x, y=node.y, tx=tx, ty=ty, anchor=anchor)
        )
    parts.append(Markup("</g></svg>"))
    return Markup("").join(parts)
