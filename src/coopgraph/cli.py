"""The ``coopgraph`` command: a thin layer over the library API.

Exit codes (as pySHACL documents them): 0 ok / conforms, 1 does not conform, 2 bad input or error.
"""

from __future__ import annotations

import sys

import click

from coopgraph import __version__

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> None:
    """Print an error for a person on stderr and exit 2, never a traceback."""
    click.echo(f"coopgraph: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopgraph")
def main() -> None:
    """coopgraph: a knowledge graph of bilateral legal cooperation between states.

    Exit codes: 0 ok (conforms), 1 does not conform, 2 bad input or error.
    """
