"""A running ``coopgraph serve`` for the tests that talk to it (endpoint, pages, browser).

:func:`start_serve` starts the real command as a user would (``python -m coopgraph serve FILES ARGS
--port 0``) with ``COOPGRAPH_DATA`` pointing at the fixture snapshot (``tests/fixtures/graph/data``), so
the "shipped" graph it serves is the shipped ontology plus the fixture data, never ``data/``. It reads the
URL the command prints (the port is the kernel's choice: no race for a free port between parallel
workers), waits until ``/sparql`` answers, yields ``(url, process)`` and, on exit, stops the command with
SIGTERM, as a service manager would, and waits for it (killed if it does not stop in time). The command's
output goes to a log file whose tail is in every failure.

Use one server per module::

    @pytest.fixture(scope="module")
    def server():
        with start_serve([], "--query-limit", "5") as (url, process):
            yield url
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "graph" / "data"
#: How long the command may take to load the graph, start Oxigraph and answer (a busy 2-core machine).
START_TIMEOUT_S = 60.0
#: How long it may take to stop after SIGTERM (in-flight requests get the query limit to finish).
STOP_TIMEOUT_S = 30.0
_URL = re.compile(r"at (http://\S+?)/ \(SPARQL endpoint")


class ServeFailed(AssertionError):
    """``coopgraph serve`` exited or did not answer in time; the message holds the end of its output."""


def _tail(log: Path, size: int = 4000) -> str:
    try:
        return log.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for_url(process: subprocess.Popen, log: Path, deadline: float) -> str:
    while time.monotonic() < deadline:
        found = _URL.search(_tail(log, 100_000))
        if found:
            return found[1]
        if process.poll() is not None:
            raise ServeFailed(f"coopgraph serve exited with {process.returncode}:\n{_tail(log)}")
        time.sleep(0.05)
    raise ServeFailed(f"coopgraph serve printed no URL within {START_TIMEOUT_S:g} s:\n{_tail(log)}")


def _wait_until_answers(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeFailed(f"coopgraph serve exited with {process.returncode}:\n{_tail(log)}")
        try:
            answer = requests.get(
                f"{url}/sparql",
                params={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=5,
            )
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise ServeFailed(f"coopgraph serve did not answer within {START_TIMEOUT_S:g} s:\n{_tail(log)}")


def stop(process: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> int:
    """Stop the command with SIGTERM (SIGKILL if it has not stopped within ``timeout``); its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def start_serve(
    files: Sequence[str | Path] = (), *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``coopgraph serve FILES ARGS`` on a free port of 127.0.0.1: ``(base URL without a final /,
    process)`` once ``/sparql`` answers; stopped (SIGTERM) when the block ends.

    ``env`` replaces the test's environment (``COOPGRAPH_DATA`` is set to the fixture data unless it names
    one). A command that exits or does not answer fails the test with the end of its output."""
    environment = dict(os.environ if env is None else env)
    environment.setdefault("COOPGRAPH_DATA", str(FIXTURE_DATA))
    with tempfile.TemporaryDirectory(prefix="coopgraph-serve-test-") as folder:
        log = Path(folder) / "serve.log"
        command = [sys.executable, "-m", "coopgraph", "serve", *map(str, files), *args, "--port", "0"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=environment
            )
        process.log_path = log  # type: ignore[attr-defined]  # for output_of()
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            try:
                url = _wait_for_url(process, log, deadline)
                _wait_until_answers(url, process, log, deadline)
            except ServeFailed as error:
                pytest.fail(str(error), pytrace=False)
            yield url, process
        finally:
            stop(process)


def output_of(process: subprocess.Popen) -> str:
    """What a command of :func:`start_serve` has printed so far (stdout and stderr)."""
    return _tail(process.log_path, 1_000_000)  # type: ignore[attr-defined]
