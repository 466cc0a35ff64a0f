"""The files a command reads, as the user names them: ``-`` is standard input, and ``--input-format`` names
the syntax of files whose extension does not say it (or of standard input, Turtle unless told).

Standard input is read whole, once, into a temporary file (the loaders read files: a file's text is parsed
twice, by Oxigraph and rdflib, and looked at again for the line of a result); every error and result then
names it ``<stdin>``, and its graph is ``…/graph/user/stdin``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from coopgraph import load
from coopgraph.errors import CoopgraphError, InputError

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_stdin() -> bytes:
    """Standard input, whole (an InputError if it is a terminal: the user forgot to pipe something in)."""
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("- reads standard input, which is a terminal: pipe or redirect a file into it")
    return sys.stdin.buffer.read()


@contextmanager
def opened(names: Sequence[str], input_format: str | None = None) -> Iterator[list[Path]]:
    """The paths to read for ``names`` (``-`` standard input, at most once), with ``input_format`` (a name
    of :data:`coopgraph.load.INPUT_FORMATS`) the syntax of each of them; for the block's duration only."""
    if list(names).count(STDIN) > 1:
        raise InputError("standard input (-) can be read only once")
    if input_format is not None and input_format not in load.INPUT_FORMATS:
        raise InputError(
            f"unknown --input-format {input_format!r}; expected one of {', '.join(load.INPUT_FORMATS)}"
        )
    with ExitStack() as stack:
        paths, shown = [], {}
        for name in names:
            if name == STDIN:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coopgraph-")))
                path = folder / f"stdin{load.INPUT_FORMATS[input_format or 'turtle']}"
                path.write_bytes(read_stdin())
                shown[path] = STDIN_NAME
            else:
                path = Path(name)
            paths.append(path)
        formats = {path: input_format for path in paths} if input_format else {}
        try:
            with load.reading(formats, shown):
                yield paths
        except CoopgraphError as error:  # shown once the block is left: name standard input in it now
            for path, name in shown.items():
                if isinstance(error, load.LoadError) and error.file == str(path):
                    error.file = name
                error.args = tuple(str(arg).replace(str(path), name) for arg in error.args)
            raise
