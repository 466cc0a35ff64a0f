"""A server killed at several points of a multi-file load holds the old dataset or the new one.

Kept apart from test_load.py so the two files run on different test workers.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coopgraph.stores import STAGING_PREFIX, StoreError, SwapInProgress, load

from .datasets import user_file, view
from .servers import Server, start_oxigraph, start_virtuoso

pytestmark = pytest.mark.integration

START = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}

#: Where a load is cut short: (step of `load`'s on_step, which occurrence, seconds after it). "swap" with a
#: delay kills the server while the swap request is being executed (or just before or after: whatever the
#: timing, the store must hold the old or the new dataset).
KILL_POINTS = {
    "oxigraph": [("staged", 1, 0.0), ("swap", 1, 0.002), ("swapped", 1, 0)],
    "virtuoso": [("staged", 2, 0.0), ("swap", 1, 0.005), ("swapped", 1, 0.0)],
}


def _file_sets(folder: Path) -> list[list[Path]]:
    """Two multi-file loads that differ in three graphs: one changed, one only in the first, one only in
    the second (so the second, pruning, also removes a graph)."""
    one, two = folder / "one", folder / "two"
    one.mkdir()
    two.mkdir()
    first = [user_file(one, "alpha", 2000, 1), user_file(one, "beta", 1500, 1), user_file(one, "gamma", 10)]
    second = [user_file(two, "alpha", 2500, 2), user_file(two, "delta", 1800, 1), user_file(two, "gamma", 10)]
    return [first, second]


def _diff(found: object, views: list) -> str:
    if not isinstance(found, dict):
        return str(found)
    parts = []
    for number, expected in enumerate(views):
        graphs = sorted(set(found) ^ set(expected)) + [
            f"{g} ({len(found[g])} vs {len(expected[g])} triples)"
            for g in sorted(set(found) & set(expected))
            if found[g] != expected[g]
        ]
        parts.append(f"dataset {number}: {', '.join(graphs)}")
    return "; ".join(parts)


def _killer(server: Server, at: tuple[str, int, float]) -> Callable[[str, str], None]:
    step_name, occurrence, delay = at
    seen = {"n": 0}

    def on_step(step: str, _: str) -> None:
        if step == step_name:
            seen["n"] += 1
            if seen["n"] == occurrence:
                if delay:
                    threading.Timer(delay, server.kill).start()
                else:
                    server.kill()

    return on_step


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_a_server_killed_at_any_point_of_a_load_holds_the_old_or_the_new_dataset(
    name: str, tmp_path: Path
) -> None:
    """Kill the server at several points of a multi-file load (while graphs are staged, while the swap
    request runs, after it), restart it on the same database: a reader finds the dataset before the load or
    the dataset after it; on a store without transactions (Virtuoso) it may instead find the store marked as
    between two loads, which a reader refuses to read and the same load run again finishes."""
    sets = _file_sets(tmp_path)
    folder = tmp_path / "server"
    server = START[name](folder)
    try:
        views = []
        for files in sets:  # the two datasets, as this server holds them after a load that was not cut short
            load(server.store(), files, validate=False, prune=True)
            views.append(view(server.store()))
        assert views[0] != views[1]
        current = 1
        outcomes = []
        for at in KILL_POINTS[name]:
            target = 1 - current
            with contextlib.suppress(StoreError):  # a kill just after the last request lets the load finish
                load(server.store(), sets[target], validate=False, prune=True, on_step=_killer(server, at))
            time.sleep(at[2])  # the timer has fired
            server.kill()
            server = START[name](folder)
            found = view(server.store())
            allowed = [views[current], views[target]] + (["between two loads"] if name == "virtuoso" else [])
            assert found in allowed, f"killed at {at}: neither old nor new dataset; {_diff(found, views)}"
            outcomes.append(
                (at, "old" if found == views[current] else "new" if found == views[target] else found)
            )
            if found == "between two loads":
                with pytest.raises(SwapInProgress):
                    server.store(timeout=1).dataset()
            load(server.store(), sets[target], validate=False, prune=True)  # run again: it finishes
            assert view(server.store()) == views[target]
            assert not server.store().graphs(STAGING_PREFIX)
            current = target
        print(name, outcomes)
    finally:
        server.stop()


def test_a_load_command_killed_with_its_server_exits_2_and_leaves_the_old_dataset(tmp_path: Path) -> None:
    """The command's view: pause it right after its first graph is staged, kill the server, resume: exit 2
    with a clear message; after a restart the store holds the dataset it held before."""
    server = start_oxigraph(tmp_path / "server")
    load(server.store(), [], validate=False)
    before = view(server.store())
    big = user_file(tmp_path, "big", 20_000)
    command = ["load", str(big), "--no-validate", *server.load_args()]
    process = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watcher = server.store(default_graphs=[])
    try:
        deadline = time.monotonic() + 60
        while not watcher.graphs(STAGING_PREFIX) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGSTOP)
        server.kill()
        process.send_signal(signal.SIGCONT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 2, out + err
    assert "Traceback" not in err
    assert "connection refused" in err or "closed the connection" in err
    restarted = start_oxigraph(tmp_path / "server")
    try:
        assert view(restarted.store()) == before
    finally:
        restarted.stop()
