"""One exception hierarchy for everything coopgraph reports to a person.

Every error a command can meet is a :class:`CoopgraphError` whose text names the file, line or node and what
is wrong; the command line maps the whole hierarchy to exit code 2 in one place (``cli.main``), so no command
prints a traceback for bad input. "Does not conform" (exit 1) is an answer, not an error, and is no exception.
"""

from __future__ import annotations


class CoopgraphError(Exception):
    """Bad input or a failed run: the message says where and what, for a person."""

    exit_code = 2


class InputError(CoopgraphError):
    """A file, parameter or text that coopgraph cannot use as given."""


class ShapesError(CoopgraphError):
    """The shapes cannot be run: a shape the engines cannot use, a SPARQL constraint that does not parse."""


class StoreError(CoopgraphError):
    """A store could not do what was asked: unreachable, refused, timed out, or answered with an error.

    The message names the URL and the reason for a person to act on; it never holds a secret.
    """
