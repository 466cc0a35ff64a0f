"""The ``coopgraph`` command in a subprocess: the group's help and version, ``python -m coopgraph``, the
``--help`` of every subcommand (collected from the click group, so a new command is covered at once), and
click's shell completion through the console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph import __version__
from coopgraph.cli import main

SUBCOMMANDS = sorted(main.commands)


def run(*command: str, cwd: Path | None = None, **variables: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | variables if variables else None
    return subprocess.run(list(command), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def console_script() -> str:
    """The installed ``coopgraph`` command next to this Python (completion is keyed to the program's name)."""
    script = shutil.which("coopgraph", path=str(Path(sys.executable).parent))
    assert script is not None, "the coopgraph console script is not installed next to this Python"
    return script


def test_help_lists_every_subcommand() -> None:
    result = run(sys.executable, "-m", "coopgraph", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    listed = result.stdout.split("Commands:", 1)[1]
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in listed


def test_no_arguments_prints_the_help_and_exits_0(tmp_path: Path) -> None:
    alone = run(console_script(), cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert alone.stderr == ""
    assert alone.stdout == run(console_script(), "--help", cwd=tmp_path).stdout
    assert alone.stdout.startswith("Usage: coopgraph ") and "Commands:" in alone.stdout


def test_version() -> None:
    result = run(sys.executable, "-m", "coopgraph", "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"coopgraph, version {__version__}"


def test_console_script_and_module_give_the_same_help(tmp_path: Path) -> None:
    from_script = run(console_script(), "--help", cwd=tmp_path)
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


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _coopgraph_completion coopgraph"),
        ("zsh", "#compdef coopgraph"),
        ("fish", "complete --no-files --command coopgraph"),
    ],
)
def test_completion_script_for_each_shell(shell: str, marker: str, tmp_path: Path) -> None:
    """What README.md tells to put in the shell's start-up file prints that shell's completion script."""
    result = run(console_script(), cwd=tmp_path, _COOPGRAPH_COMPLETE=f"{shell}_source")
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout
    assert f"_COOPGRAPH_COMPLETE={shell}_complete" in result.stdout


def test_completion_protocol_offers_the_subcommand(tmp_path: Path) -> None:
    """What the bash script asks the command for while `coopgraph qu<TAB>` is typed."""
    variables = {"_COOPGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "coopgraph qu", "COMP_CWORD": "1"}
    result = run(console_script(), cwd=tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["plain,query"]
    variables["COMP_WORDS"] = "coopgraph "
    every = run(console_script(), cwd=tmp_path, **variables)
    assert every.stdout.splitlines() == [f"plain,{name}" for name in SUBCOMMANDS]


def test_completion_offers_the_canned_query_names(tmp_path: Path) -> None:
    """`coopgraph query ins<TAB>` offers the canned queries whose names start so, and only those."""
    from coopgraph import queries

    variables = {
        "_COOPGRAPH_COMPLETE": "bash_complete",
        "COMP_WORDS": "coopgraph query ins",
        "COMP_CWORD": "2",
    }
    result = run(console_script(), cwd=tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    expected = [f"plain,{name}" for name in queries.registry() if name.startswith("ins")]
    assert expected and result.stdout.splitlines() == expected


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash on this machine")
def test_bash_completes_qu_to_query(tmp_path: Path) -> None:
    """The generated script in a real bash, as the README's line loads it, completing `coopgraph qu`."""
    session = (
        'eval "$(_COOPGRAPH_COMPLETE=bash_source coopgraph)"\n'
        "COMP_WORDS=(coopgraph qu); COMP_CWORD=1\n"
        "_coopgraph_completion coopgraph\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    path = f"{Path(console_script()).parent}{os.pathsep}{os.environ['PATH']}"
    result = run("bash", "--norc", "--noprofile", "-c", session, cwd=tmp_path, PATH=path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["query"]
