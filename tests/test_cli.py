"""The ``coopgraph`` command in a subprocess: the group's help and version, ``python -m coopgraph``, and the
``--help`` of every subcommand (collected from the click group, so a new command is covered at once)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph import __version__
from coopgraph.cli import main

SUBCOMMANDS = sorted(main.commands)


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_every_subcommand() -> None:
    result = run(sys.executable, "-m", "coopgraph", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    listed = result.stdout.split("Commands:", 1)[1]
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in listed


def test_version() -> None:
    result = run(sys.executable, "-m", "coopgraph", "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"coopgraph, version {__version__}"


def test_console_script_and_module_give_the_same_help(tmp_path: Path) -> None:
    script = shutil.which("coopgraph", path=str(Path(sys.executable).parent))
    assert script is not None, "the coopgraph console script is not installed next to this Python"
    from_script = run(script, "--help", cwd=tmp_path)
    from_module = run(sys.executable, "-m", "coopgraph", "--help", cwd=tmp_path)
    assert from_script.returncode == from_module.returncode == 0
    assert from_script.stdout.replace("Usage: coopgraph", "") == from_module.stdout.replace(
        "Usage: python -m coopgraph", ""
    )


def test_there_are_subcommands() -> None:
    assert {"reason", "fmt", "docs"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_help(name: str) -> None:
    result = run(sys.executable, "-m", "coopgraph", name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    assert f" {name} " in result.stdout.splitlines()[0]
    assert main.commands[name].help, f"`coopgraph {name}` has no help text"
    assert result.stderr == ""
    assert run(sys.executable, "-m", "coopgraph", name, "-h").stdout == result.stdout


def test_unknown_subcommand_exits_2() -> None:
    result = run(sys.executable, "-m", "coopgraph", "no-such-command")
    assert result.returncode == 2
    assert "No such command" in result.stderr
