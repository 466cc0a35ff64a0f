"""Content negotiation: what an ``Accept`` header (RFC 9110, section 12.5.1) asks for, read once for the
endpoint (:mod:`coopgraph.serve.endpoint`) and the pages (:mod:`coopgraph.serve.pages`)."""

from __future__ import annotations

from collections.abc import Sequence


def ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, lower-case, each with its quality (``q``, 1 by default, kept
    within 0…1; one that is not a number counts as 0)."""
    found = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, number = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(number)))
                except ValueError:
                    quality = 0.0
        found.append((media.lower(), quality))
    return found


def quality(found: list[tuple[str, float]], media: str, *, wildcards: bool = True) -> float:
    """The quality the most specific range that matches ``media`` gives it (0 when none does); without
    ``wildcards``, only a range naming ``media`` itself counts."""
    kind = media.split("/")[0]
    for wanted in (media, f"{kind}/*", "*/*") if wildcards else (media,):
        qualities = [q for name, q in found if name == wanted]
        if qualities:
            return max(qualities)
    return 0.0


def preferred(accept: str, offered: Sequence[str], *, wildcards: bool = True) -> str | None:
    """The media type of ``offered`` the header gives the highest quality (the first of equals), or None
    when it gives them all 0."""
    found = ranges(accept)
    best, best_quality = None, 0.0
    for media in offered:
        q = quality(found, media, wildcards=wildcards)
        if q > best_quality:
            best, best_quality = media, q
    return best
