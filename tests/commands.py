"""The `coopgraph` command run as a user runs it, for the modules that test it in a subprocess.

:func:`coopgraph` runs ``python -m coopgraph ARGS`` (standard input an empty pipe unless ``stdin`` is given,
so no command ever waits on a terminal) and fails the test on any traceback; :func:`failed` checks the
answer to bad input: exit 2, one message on stderr naming what is wrong, nothing on stdout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def coopgraph(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """What ``python -m coopgraph ARGS`` did, in ``cwd`` with the environment ``env`` (default: the test's).

    The output is decoded as it is, so the CRLF line ends of the CSV format stay visible.
    """
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=env,
    )
    out = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "Traceback" not in out.stderr, out.stderr
    return out


def failed(done: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with one clear message on stderr (holding each of ``words``) and nothing on stdout."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    for word in words:
        assert word in done.stderr, done.stderr
